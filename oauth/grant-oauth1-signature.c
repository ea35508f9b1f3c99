/* grant-oauth1-signature.c: RFC 5849 base strings, signatures and rendering
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "grant-encoding-private.h"
#include "grant-error.h"
#include "grant-oauth1-signature-private.h"
#include "grant-random-private.h"
#include "grant-uri-private.h"

#define FORM_CONTENT_TYPE "application/x-www-form-urlencoded"

gboolean
grant_content_type_is_form (const char *content_type)
{
  g_autofree char *lower = NULL;

  if (content_type == NULL)
    return FALSE;
  lower = g_ascii_strdown (content_type, -1);
  return strstr (lower, FORM_CONTENT_TYPE) != NULL;
}

static gboolean
port_is_default (const char *scheme,
                 int         port)
{
  return port < 0 ||
         (port == 80 && g_str_equal (scheme, "http")) ||
         (port == 443 && g_str_equal (scheme, "https"));
}

/*
 * RFC 5849 §3.4.1.2. The scheme and host are lower-cased, a default port
 * is dropped and the path is kept exactly as it is encoded on the wire.
 * A Host header, when the application set one, names the host the server
 * sees and so the one it verifies against.
 */
static GUri *
parse_request_uri (const char  *uri,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GUri *parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, &local_error);

  if (parsed == NULL)
    g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                 "Cannot sign a request for a URL that does not parse: %s",
                 local_error->message);
  return parsed;
}

static char *
base_string_uri (GUri        *parsed,
                 const char  *uri,
                 const char  *host,
                 GError     **error)
{
  g_autofree char *scheme = NULL;
  g_autofree char *hostname = NULL;
  const char *path;
  int port;
  GString *out;

  scheme = g_ascii_strdown (g_uri_get_scheme (parsed), -1);
  if (!g_str_equal (scheme, "http") && !g_str_equal (scheme, "https"))
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "OAuth 1 signs http and https URLs, not “%s” ones", scheme);
      return NULL;
    }

  port = g_uri_get_port (parsed);
  if (host != NULL && *host != '\0')
    {
      g_autofree char *with_scheme = g_strconcat (scheme, "://", host, "/", NULL);
      g_autoptr(GUri) host_uri = g_uri_parse (with_scheme, G_URI_FLAGS_ENCODED, NULL);

      if (host_uri == NULL || g_uri_get_host (host_uri) == NULL)
        {
          g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                               "The request's Host header is not a valid host name");
          return NULL;
        }
      hostname = g_ascii_strdown (g_uri_get_host (host_uri), -1);
      port = g_uri_get_port (host_uri);
    }
  else if (g_uri_get_host (parsed) != NULL && *g_uri_get_host (parsed) != '\0')
    hostname = g_ascii_strdown (g_uri_get_host (parsed), -1);

  if (hostname == NULL)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "Cannot sign a request for a URL without a host: %s", uri);
      return NULL;
    }

  out = g_string_new (scheme);
  g_string_append (out, "://");
  if (strchr (hostname, ':') != NULL)
    g_string_append_printf (out, "[%s]", hostname);
  else
    g_string_append (out, hostname);
  if (!port_is_default (scheme, port))
    g_string_append_printf (out, ":%d", port);

  path = g_uri_get_path (parsed);
  g_string_append (out, (path && *path) ? path : "/");

  return g_string_free (out, FALSE);
}

char *
grant_oauth1_base_string_uri (const char  *uri,
                              const char  *host,
                              GError     **error)
{
  g_autoptr(GUri) parsed = parse_request_uri (uri, error);

  if (parsed == NULL)
    return NULL;
  return base_string_uri (parsed, uri, host, error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/*
 * RFC 5849 §3.4.1.3.2: every name and value is encoded, then the pairs are
 * sorted by name and, for equal names, by value, byte-wise. Each pair is
 * encoded once, as "name\x01value\0", into one buffer: \x01 sorts below
 * every character an encoded name can hold, so ordering these strings
 * orders the pairs.
 */
typedef struct {
  GString *buffer;
  GArray  *offsets;
} EncodedPairs;

static void
pairs_init (EncodedPairs *pairs)
{
  pairs->buffer = g_string_sized_new (512);
  pairs->offsets = g_array_sized_new (FALSE, FALSE, sizeof (gsize), 16);
}

static void
pairs_clear (EncodedPairs *pairs)
{
  g_string_free (pairs->buffer, TRUE);
  g_array_unref (pairs->offsets);
}

static void
pairs_begin (EncodedPairs *pairs)
{
  gsize start = pairs->buffer->len;

  g_array_append_val (pairs->offsets, start);
}

static void
pairs_add (EncodedPairs *pairs,
           const char   *name,
           const char   *value)
{
  pairs_begin (pairs);
  grant_string_append_percent_encoded (pairs->buffer, name);
  g_string_append_c (pairs->buffer, '\x01');
  grant_string_append_percent_encoded (pairs->buffer, value);
  g_string_append_c (pairs->buffer, '\0');
}

/* Appends one half of a form piece, decoded and encoded again, or as it
 * is when it holds nothing but unreserved characters (the common case). */
static gboolean
pairs_append_form_part (EncodedPairs *pairs,
                        const char   *start,
                        const char   *end)
{
  g_autofree char *decoded = NULL;

  if (grant_is_percent_encoded_identity (start, end))
    {
      g_string_append_len (pairs->buffer, start, end - start);
      return TRUE;
    }

  decoded = grant_form_unescape (start, end);
  if (decoded == NULL)
    return FALSE;
  grant_string_append_percent_encoded (pairs->buffer, decoded);
  return TRUE;
}

/* The pairs of a query or form body, split on "&" as
 * grant_params_parse_form() does. */
static gboolean
pairs_add_form (EncodedPairs *pairs,
                const char   *data,
                gsize         length,
                guint        *n_added)
{
  const char *p = data, *end = data + length;

  *n_added = 0;
  if (data == NULL)
    return TRUE;
  if (memchr (data, '\0', length) != NULL)
    return FALSE;

  while (p < end)
    {
      const char *amp = memchr (p, '&', end - p);
      const char *piece_end = amp ? amp : end;

      if (piece_end > p)
        {
          const char *eq = memchr (p, '=', piece_end - p);

          pairs_begin (pairs);
          if (!pairs_append_form_part (pairs, p, eq ? eq : piece_end))
            return FALSE;
          g_string_append_c (pairs->buffer, '\x01');
          if (eq != NULL && !pairs_append_form_part (pairs, eq + 1, piece_end))
            return FALSE;
          g_string_append_c (pairs->buffer, '\0');
          (*n_added)++;
        }
      p = piece_end + 1;
    }
  return TRUE;
}

static const char **
pairs_sort (EncodedPairs *pairs)
{
  const char **sorted = g_new (const char *, pairs->offsets->len + 1);

  for (guint i = 0; i < pairs->offsets->len; i++)
    sorted[i] = pairs->buffer->str + g_array_index (pairs->offsets, gsize, i);
  qsort (sorted, pairs->offsets->len, sizeof (char *), compare_strings);
  return sorted;
}

static void
pairs_add_params (EncodedPairs *pairs,
                  GPtrArray    *params)
{
  for (guint i = 0; i < params->len; i++)
    {
      GrantParam *param = g_ptr_array_index (params, i);

      pairs_add (pairs, param->name, param->value);
    }
}

/* RFC 5849 §3.4.1.3.2, on its own for the published vectors. */
char *
grant_oauth1_normalize_parameters (GPtrArray *params)
{
  g_autofree const char **sorted = NULL;
  EncodedPairs pairs;
  GString *out;

  pairs_init (&pairs);
  pairs_add_params (&pairs, params);
  sorted = pairs_sort (&pairs);

  out = g_string_sized_new (pairs.buffer->len);
  for (guint i = 0; i < params->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, '&');
      for (const char *c = sorted[i]; *c; c++)
        g_string_append_c (out, *c == '\x01' ? '=' : *c);
    }
  pairs_clear (&pairs);
  return g_string_free (out, FALSE);
}

/*
 * The base string straight from the pairs: the normalized string is
 * encoded a second time in the same pass. Its characters are unreserved
 * ones, "%", "=" and "&", so the second encoding only rewrites those three.
 */
static char *
base_string_from_pairs (const char   *http_method,
                        const char   *base_string_uri,
                        EncodedPairs *pairs)
{
  g_autofree const char **sorted = pairs_sort (pairs);
  g_autofree char *method = g_ascii_strup (http_method, -1);
  guint n = pairs->offsets->len;
  GString *out = g_string_sized_new (pairs->buffer->len * 3 / 2 + 128);
  gsize start;
  char *w;

  grant_string_append_percent_encoded (out, method);
  g_string_append_c (out, '&');
  grant_string_append_percent_encoded (out, base_string_uri);
  g_string_append_c (out, '&');

  /* Every byte grows to at most three. */
  start = out->len;
  g_string_set_size (out, start + 3 * pairs->buffer->len + 3 * n);
  w = out->str + start;
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        {
          memcpy (w, "%26", 3);
          w += 3;
        }
      for (const char *c = sorted[i]; *c; c++)
        {
          if (*c == '\x01')
            {
              memcpy (w, "%3D", 3);
              w += 3;
            }
          else if (*c == '%')
            {
              memcpy (w, "%25", 3);
              w += 3;
            }
          else
            *w++ = *c;
        }
    }
  g_string_truncate (out, w - out->str);
  return g_string_free (out, FALSE);
}

/* The base string of @params by the path signing takes, for the
 * published vectors (which have no oauth_version, which Grant sends). */
char *
grant_oauth1_signature_base_string (const char *http_method,
                                    const char *base_string_uri,
                                    GPtrArray  *params)
{
  EncodedPairs pairs;
  char *base;

  pairs_init (&pairs);
  pairs_add_params (&pairs, params);
  base = base_string_from_pairs (http_method, base_string_uri, &pairs);
  pairs_clear (&pairs);
  return base;
}

static char *
signing_key (const char *client_secret,
             const char *token_secret)
{
  GString *key = g_string_new (NULL);

  grant_string_append_percent_encoded (key, client_secret);
  g_string_append_c (key, '&');
  grant_string_append_percent_encoded (key, token_secret);
  return g_string_free (key, FALSE);
}

static char *
hmac_signature (gnutls_mac_algorithm_t  algorithm,
                const char             *base_string,
                const char             *client_secret,
                const char             *token_secret)
{
  char *key = signing_key (client_secret, token_secret);
  guint8 digest[64];
  gsize digest_len = gnutls_hmac_get_len (algorithm);

  gnutls_hmac_fast (algorithm, key, strlen (key), base_string, strlen (base_string), digest);
  grant_secret_free (key);

  return g_base64_encode (digest, digest_len);
}

static char *
rsa_signature (gnutls_digest_algorithm_t   digest,
               const char                 *base_string,
               gnutls_privkey_t            rsa_key,
               GError                    **error)
{
  gnutls_datum_t data = { (unsigned char *) base_string, strlen (base_string) };
  gnutls_datum_t signature = { NULL, 0 };
  char *encoded;
  int ret;

  if (rsa_key == NULL)
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_KEY,
                           "RSA signatures need the client's private key; "
                           "set one with grant_oauth1_set_rsa_key()");
      return NULL;
    }

  ret = gnutls_privkey_sign_data (rsa_key, digest, 0, &data, &signature);
  if (ret < 0)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_KEY,
                   "The RSA key could not sign the request: %s",
                   gnutls_strerror (ret));
      return NULL;
    }

  encoded = g_base64_encode (signature.data, signature.size);
  gnutls_free (signature.data);
  return encoded;
}

char *
grant_oauth1_compute_signature (GrantOAuth1SignatureMethod   method,
                                const char                  *base_string,
                                const char                  *client_secret,
                                const char                  *token_secret,
                                gnutls_privkey_t             rsa_key,
                                GError                     **error)
{
  switch (method)
    {
    case GRANT_OAUTH1_SIGNATURE_HMAC_SHA1:
      return hmac_signature (GNUTLS_MAC_SHA1, base_string, client_secret, token_secret);
    case GRANT_OAUTH1_SIGNATURE_HMAC_SHA256:
      return hmac_signature (GNUTLS_MAC_SHA256, base_string, client_secret, token_secret);
    case GRANT_OAUTH1_SIGNATURE_HMAC_SHA512:
      return hmac_signature (GNUTLS_MAC_SHA512, base_string, client_secret, token_secret);
    case GRANT_OAUTH1_SIGNATURE_RSA_SHA1:
      return rsa_signature (GNUTLS_DIG_SHA1, base_string, rsa_key, error);
    case GRANT_OAUTH1_SIGNATURE_RSA_SHA256:
      return rsa_signature (GNUTLS_DIG_SHA256, base_string, rsa_key, error);
    case GRANT_OAUTH1_SIGNATURE_RSA_SHA512:
      return rsa_signature (GNUTLS_DIG_SHA512, base_string, rsa_key, error);
    case GRANT_OAUTH1_SIGNATURE_PLAINTEXT:
      return signing_key (client_secret, token_secret);
    default:
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_UNSUPPORTED_METHOD,
                   "Unknown OAuth 1 signature method %d", (int) method);
      return NULL;
    }
}

/*
 * RFC 5849 §3.5.1. The realm is not a protocol parameter: it goes first
 * and unencoded, as oauthlib and most servers expect.
 */
char *
grant_oauth1_authorization_header (const GrantParam *oauth_params,
                                   guint             n_params,
                                   const char       *realm)
{
  GString *out = g_string_sized_new (256);
  gboolean first = TRUE;

  g_string_append (out, "OAuth ");

  if (realm != NULL)
    {
      g_string_append_printf (out, "realm=\"%s\"", realm);
      first = FALSE;
    }

  for (guint i = 0; i < n_params; i++)
    {
      const GrantParam *param = &oauth_params[i];

      if (!first)
        g_string_append (out, ", ");
      first = FALSE;
      /* Names are oauth_* and need no encoding. */
      g_string_append (out, param->name);
      g_string_append (out, "=\"");
      grant_string_append_percent_encoded (out, param->value);
      g_string_append_c (out, '"');
    }

  return g_string_free (out, FALSE);
}

gnutls_privkey_t
grant_oauth1_load_rsa_key (const char  *pem,
                           gssize       length,
                           GError     **error)
{
  gnutls_privkey_t key = NULL;
  gnutls_datum_t data;
  int ret;

  if (pem == NULL)
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_KEY,
                           "No RSA private key was given");
      return NULL;
    }

  data.data = (unsigned char *) pem;
  data.size = length < 0 ? strlen (pem) : (gsize) length;

  gnutls_privkey_init (&key);
  /* Reads "RSA PRIVATE KEY" (PKCS#1) and "PRIVATE KEY" (PKCS#8) alike. */
  ret = gnutls_privkey_import_x509_raw (key, &data, GNUTLS_X509_FMT_PEM, NULL, 0);
  if (ret < 0)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_KEY,
                   "The RSA private key could not be read (%s); Grant takes an "
                   "unencrypted PEM key in PKCS#1 or PKCS#8 form",
                   gnutls_strerror (ret));
      gnutls_privkey_deinit (key);
      return NULL;
    }

  if (gnutls_privkey_get_pk_algorithm (key, NULL) != GNUTLS_PK_RSA)
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_KEY,
                           "The private key is not an RSA key; OAuth 1 RSA "
                           "signatures need one");
      gnutls_privkey_deinit (key);
      return NULL;
    }

  return key;
}

static char *
body_hash (GBytes *body)
{
  gsize len = 0;
  const guint8 *data = body ? g_bytes_get_data (body, &len) : NULL;
  guint8 digest[20];
  gsize digest_len = sizeof digest;
  GChecksum *sha1 = g_checksum_new (G_CHECKSUM_SHA1);

  g_checksum_update (sha1, data ? data : (const guint8 *) "", len);
  g_checksum_get_digest (sha1, digest, &digest_len);
  g_checksum_free (sha1);
  return g_base64_encode (digest, digest_len);
}

/* The protocol parameters of one signature, in the order oauthlib renders
 * them (servers do not care; people comparing headers do). The strings
 * are borrowed: nothing here outlives the call. */
typedef struct {
  GrantParam items[10];
  guint      len;
} OAuthParams;

static void
oauth_params_add (OAuthParams *params,
                  const char  *name,
                  const char  *value)
{
  g_assert (params->len < G_N_ELEMENTS (params->items));
  params->items[params->len].name = (char *) name;
  params->items[params->len].value = (char *) value;
  params->len++;
}

static void
append_form_params (GString          *out,
                    const GrantParam *params,
                    guint             n_params)
{
  for (guint i = 0; i < n_params; i++)
    {
      if (out->len > 0)
        g_string_append_c (out, '&');
      grant_string_append_form_encoded (out, params[i].name);
      g_string_append_c (out, '=');
      grant_string_append_form_encoded (out, params[i].value);
    }
}

gboolean
grant_oauth1_sign_request (const GrantOAuth1Credentials  *credentials,
                           const GrantOAuth1Request      *request,
                           GrantOAuth1Signed             *signed_out,
                           GError                       **error)
{
  g_autofree char *uri = NULL;
  g_autofree char *bs_uri = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *base_string = NULL;
  g_autofree char *signature = NULL;
  g_autoptr(GUri) parsed = NULL;
  EncodedPairs pairs = { NULL, NULL };
  OAuthParams oauth = { 0, };
  char nonce[32];
  char timestamp[24];
  const char *content_type = request->content_type;
  const char *body_data = NULL;
  gsize body_len = 0;
  guint n_added = 0;
  gboolean is_form;

  memset (signed_out, 0, sizeof *signed_out);

  if (credentials->client_key == NULL || *credentials->client_key == '\0')
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                           "An OAuth 1 request needs a client key; set the "
                           "“client-key” property");
      return FALSE;
    }
  if (request->method == NULL || *request->method == '\0' || request->uri == NULL)
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                           "An OAuth 1 request needs an HTTP method and a URL");
      return FALSE;
    }

  uri = grant_uri_requote (request->uri);
  parsed = parse_request_uri (uri, error);
  if (parsed == NULL)
    return FALSE;
  bs_uri = base_string_uri (parsed, uri, request->host, error);
  if (bs_uri == NULL)
    return FALSE;

  if (request->body != NULL)
    body_data = g_bytes_get_data (request->body, &body_len);

  /* The Content-Type rules of requests-oauthlib: a body that reads as a
   * form and came without a type is a form, and so is any body that is
   * to carry the signature. */
  if (content_type == NULL &&
      (credentials->placement == GRANT_OAUTH1_PLACEMENT_BODY ||
       grant_form_looks_encoded (body_data, body_len)))
    {
      content_type = FORM_CONTENT_TYPE;
      signed_out->content_type = g_strdup (FORM_CONTENT_TYPE);
    }
  is_form = grant_content_type_is_form (content_type);

  if (credentials->placement == GRANT_OAUTH1_PLACEMENT_BODY &&
      !grant_method_has_body (request->method))
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "A %s request has no body to carry the signature; place it "
                   "in the header or the query instead", request->method);
      goto fail;
    }

  if (credentials->placement == GRANT_OAUTH1_PLACEMENT_BODY && !is_form)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "Signatures can only be placed in a form-encoded body, and "
                   "this request's body is “%s”; place the signature in the "
                   "header or the query instead", content_type);
      goto fail;
    }

  pairs_init (&pairs);
  if (g_uri_get_query (parsed) != NULL &&
      !pairs_add_form (&pairs, g_uri_get_query (parsed), strlen (g_uri_get_query (parsed)), &n_added))
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                           "The URL's query has an invalid percent-escape");
      goto fail;
    }

  if (is_form && body_len > 0)
    {
      if (!pairs_add_form (&pairs, body_data, body_len, &n_added))
        {
          g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                               "The request says its body is form-encoded, but "
                               "the body cannot be decoded as a form");
          goto fail;
        }
      if (n_added > 0 && !grant_method_has_body (request->method))
        {
          g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                       "A %s request cannot carry form parameters in a body; "
                       "put them in the URL's query", request->method);
          goto fail;
        }
    }

  if (!is_form && credentials->force_include_body)
    hash = body_hash (request->body);

  if (credentials->nonce != NULL)
    g_strlcpy (nonce, credentials->nonce, sizeof nonce);
  else
    grant_random_nonce_hex (nonce, 12);
  if (credentials->timestamp != NULL)
    g_strlcpy (timestamp, credentials->timestamp, sizeof timestamp);
  else
    g_snprintf (timestamp, sizeof timestamp, "%" G_GINT64_FORMAT,
                g_get_real_time () / G_USEC_PER_SEC);

  oauth_params_add (&oauth, "oauth_nonce", nonce);
  oauth_params_add (&oauth, "oauth_timestamp", timestamp);
  oauth_params_add (&oauth, "oauth_version", "1.0");
  oauth_params_add (&oauth, "oauth_signature_method",
                    grant_oauth1_signature_method_to_string (credentials->method));
  oauth_params_add (&oauth, "oauth_consumer_key", credentials->client_key);
  if (credentials->token != NULL && *credentials->token != '\0')
    oauth_params_add (&oauth, "oauth_token", credentials->token);
  if (credentials->callback != NULL && *credentials->callback != '\0')
    oauth_params_add (&oauth, "oauth_callback", credentials->callback);
  if (credentials->verifier != NULL && *credentials->verifier != '\0')
    oauth_params_add (&oauth, "oauth_verifier", credentials->verifier);
  if (hash != NULL)
    oauth_params_add (&oauth, "oauth_body_hash", hash);

  for (guint i = 0; i < oauth.len; i++)
    pairs_add (&pairs, oauth.items[i].name, oauth.items[i].value);
  base_string = base_string_from_pairs (request->method, bs_uri, &pairs);
  signature = grant_oauth1_compute_signature (credentials->method, base_string,
                                              credentials->client_secret,
                                              credentials->token_secret,
                                              credentials->rsa_key, error);
  if (signature == NULL)
    goto fail;
  oauth_params_add (&oauth, "oauth_signature", signature);

  switch (credentials->placement)
    {
    case GRANT_OAUTH1_PLACEMENT_HEADER:
      signed_out->authorization = grant_oauth1_authorization_header (oauth.items, oauth.len,
                                                                     credentials->realm);
      break;

    case GRANT_OAUTH1_PLACEMENT_QUERY:
      {
        g_autoptr(GPtrArray) query = g_ptr_array_sized_new (oauth.len);

        for (guint i = 0; i < oauth.len; i++)
          g_ptr_array_add (query, &oauth.items[i]);
        signed_out->uri = grant_uri_append_params (uri, query);
      }
      break;

    case GRANT_OAUTH1_PLACEMENT_BODY:
      {
        GString *body = g_string_new_len (body_data, body_len);

        append_form_params (body, oauth.items, oauth.len);
        signed_out->body = g_string_free_to_bytes (body);
      }
      break;

    default:
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_UNSUPPORTED_METHOD,
                   "Unknown OAuth 1 signature placement %d", (int) credentials->placement);
      goto fail;
    }

  if (signed_out->uri == NULL && !g_str_equal (uri, request->uri))
    signed_out->uri = g_steal_pointer (&uri);
  signed_out->base_string = g_steal_pointer (&base_string);
  if (credentials->method == GRANT_OAUTH1_SIGNATURE_PLAINTEXT)
    grant_secret_wipe (signature);
  pairs_clear (&pairs);
  return TRUE;

fail:
  if (pairs.buffer != NULL)
    pairs_clear (&pairs);
  grant_oauth1_signed_clear (signed_out);
  return FALSE;
}

void
grant_oauth1_signed_clear (GrantOAuth1Signed *signed_out)
{
  g_clear_pointer (&signed_out->uri, g_free);
  g_clear_pointer (&signed_out->authorization, g_free);
  g_clear_pointer (&signed_out->content_type, g_free);
  g_clear_pointer (&signed_out->body, g_bytes_unref);
  g_clear_pointer (&signed_out->base_string, g_free);
}
