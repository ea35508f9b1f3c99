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

static void
ascii_down_from (GString *out,
                 gsize    start)
{
  for (gsize i = start; i < out->len; i++)
    {
      char c = out->str[i];

      if (c >= 'A' && c <= 'Z')
        out->str[i] = c - 'A' + 'a';
    }
}

/*
 * RFC 5849 §3.4.1.2, appended to @out. The scheme and host are
 * lower-cased, a default port is dropped and the path is kept exactly as
 * it is encoded on the wire. A Host header, when the application set one,
 * names the host the server sees and so the one it verifies against.
 */
static gboolean
append_base_string_uri (GString     *out,
                        GUri        *parsed,
                        const char  *host,
                        GError     **error)
{
  const char *scheme = g_uri_get_scheme (parsed);
  const char *hostname = g_uri_get_host (parsed);
  g_autoptr(GUri) host_uri = NULL;
  gboolean https;
  const char *path;
  int port;
  gsize start;

  https = g_ascii_strcasecmp (scheme, "https") == 0;
  if (!https && g_ascii_strcasecmp (scheme, "http") != 0)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "OAuth 1 signs http and https URLs, not “%s” ones", scheme);
      return FALSE;
    }

  port = g_uri_get_port (parsed);
  if (host != NULL && *host != '\0')
    {
      g_autofree char *with_scheme = g_strconcat (https ? "https://" : "http://", host, "/", NULL);

      host_uri = g_uri_parse (with_scheme, G_URI_FLAGS_ENCODED, NULL);
      if (host_uri == NULL || g_uri_get_host (host_uri) == NULL)
        {
          g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                               "The request's Host header is not a valid host name");
          return FALSE;
        }
      hostname = g_uri_get_host (host_uri);
      port = g_uri_get_port (host_uri);
    }

  if (hostname == NULL || *hostname == '\0')
    {
      g_autofree char *shown = g_uri_to_string_partial (parsed, G_URI_HIDE_PASSWORD);

      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "Cannot sign a request for a URL without a host: %s", shown);
      return FALSE;
    }

  g_string_append (out, https ? "https://" : "http://");
  start = out->len;
  if (strchr (hostname, ':') != NULL)
    {
      g_string_append_c (out, '[');
      g_string_append (out, hostname);
      g_string_append_c (out, ']');
    }
  else
    g_string_append (out, hostname);
  ascii_down_from (out, start);
  if (port >= 0 && port != (https ? 443 : 80))
    g_string_append_printf (out, ":%d", port);

  path = g_uri_get_path (parsed);
  g_string_append (out, *path ? path : "/");
  return TRUE;
}

char *
grant_oauth1_base_string_uri (const char  *uri,
                              const char  *host,
                              GError     **error)
{
  g_autoptr(GUri) parsed = parse_request_uri (uri, error);
  GString *out;

  if (parsed == NULL)
    return NULL;
  out = g_string_new (NULL);
  if (!append_base_string_uri (out, parsed, host, error))
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/*
 * RFC 5849 §3.4.1.3.2: every name and value is encoded, then the pairs are
 * sorted by name and, for equal names, by value, byte-wise. Each pair is
 * encoded once, as "name\x01value\0", into one buffer: \x01 sorts below
 * every character an encoded name can hold, so ordering these strings
 * orders the pairs. A request with a dozen or so parameters keeps its
 * offsets and its sort on the stack: this runs for every request sent.
 */
#define INLINE_PAIRS 32

/* One pair in the buffer: "name\x01value" from @offset, @len bytes
 * long, the name @name_len of them; @escaped when it holds a "%". */
typedef struct {
  gsize    offset;
  gsize    len;
  gsize    name_len;
  gboolean escaped;
} PairSpan;

typedef struct {
  GString  *buffer;
  PairSpan *spans;
  guint     len;
  guint     allocated;
  PairSpan  inline_spans[INLINE_PAIRS];
} EncodedPairs;

static void
pairs_init (EncodedPairs *pairs,
            gsize         reserve)
{
  pairs->buffer = g_string_sized_new (reserve);
  pairs->spans = pairs->inline_spans;
  pairs->len = 0;
  pairs->allocated = INLINE_PAIRS;
}

static void
pairs_clear (EncodedPairs *pairs)
{
  g_string_free (pairs->buffer, TRUE);
  if (pairs->spans != pairs->inline_spans)
    g_free (pairs->spans);
}

static void
pairs_begin (EncodedPairs *pairs)
{
  if (pairs->len == pairs->allocated)
    {
      PairSpan *grown = g_new (PairSpan, pairs->allocated * 2);

      memcpy (grown, pairs->spans, pairs->len * sizeof (PairSpan));
      if (pairs->spans != pairs->inline_spans)
        g_free (pairs->spans);
      pairs->spans = grown;
      pairs->allocated *= 2;
    }
  pairs->spans[pairs->len].offset = pairs->buffer->len;
}

static void
pairs_separate (EncodedPairs *pairs)
{
  PairSpan *span = &pairs->spans[pairs->len];

  span->name_len = pairs->buffer->len - span->offset;
  g_string_append_c (pairs->buffer, '\x01');
}

static void
pairs_end (EncodedPairs *pairs)
{
  PairSpan *span = &pairs->spans[pairs->len];

  span->len = pairs->buffer->len - span->offset;
  span->escaped = memchr (pairs->buffer->str + span->offset, '%', span->len) != NULL;
  g_string_append_c (pairs->buffer, '\0');
  pairs->len++;
}

static void
pairs_add (EncodedPairs *pairs,
           const char   *name,
           const char   *value)
{
  pairs_begin (pairs);
  grant_string_append_percent_encoded (pairs->buffer, name);
  pairs_separate (pairs);
  grant_string_append_percent_encoded (pairs->buffer, value);
  pairs_end (pairs);
}

/* @buffer holds a base-string URI and nothing else; encodes it in place. */
static void
encode_whole_buffer (GString *buffer)
{
  gsize raw_len = buffer->len;
  char *encoded, *end;

  g_string_set_size (buffer, 4 * raw_len);
  encoded = buffer->str + raw_len;
  end = grant_percent_encode_to (encoded, buffer->str, raw_len);
  memmove (buffer->str, encoded, end - encoded);
  g_string_truncate (buffer, end - encoded);
}

static char *
write_literal (char       *w,
               const char *literal,
               gsize       len)
{
  memcpy (w, literal, len);
  return w + len;
}

/* Room for @extra more bytes, written through the returned pointer and
 * then committed with pairs_commit(). */
static char *
pairs_reserve (EncodedPairs *pairs,
               gsize         extra)
{
  gsize len = pairs->buffer->len;

  g_string_set_size (pairs->buffer, len + extra);
  g_string_truncate (pairs->buffer, len);
  return pairs->buffer->str + len;
}

static void
pairs_commit (EncodedPairs *pairs,
              char         *end)
{
  pairs->buffer->len = end - pairs->buffer->str;
  *end = '\0';
}

/* Writes one half of a form piece, decoded and encoded again, or as it
 * is when it holds nothing but unreserved characters (the common case);
 * at most three bytes for each one read. NULL for a bad escape. */
static char *
write_form_part (char       *w,
                 const char *start,
                 const char *end,
                 gboolean   *escaped)
{
  g_autofree char *decoded = NULL;
  char *copied = grant_copy_unreserved (w, start, end);
  gsize decoded_len;
  char *written;

  if (copied - w == end - start)
    return copied;

  decoded = grant_form_unescape (start, end);
  if (decoded == NULL)
    return NULL;
  decoded_len = strlen (decoded);
  written = grant_percent_encode_to (w, decoded, decoded_len);
  /* Each escape makes one byte three. */
  *escaped |= (gsize) (written - w) != decoded_len;
  return written;
}

/* The pairs of a query or form body, split on "&" as
 * grant_params_parse_form() does. */
static gboolean
pairs_add_form (EncodedPairs *pairs,
                const char   *data,
                gsize         length,
                guint        *n_added)
{
  GrantFormIter iter;
  char *w, *start;

  *n_added = 0;
  if (data == NULL)
    return TRUE;
  if (memchr (data, '\0', length) != NULL)
    return FALSE;

  /* Each byte becomes three at most, and each piece (at least one byte
   * and its "&") gains two separators. */
  w = pairs_reserve (pairs, 3 * length + length + 2);
  grant_form_iter_init (&iter, data, length);
  while (grant_form_iter_next (&iter))
    {
      PairSpan *span;

      pairs_begin (pairs);
      span = &pairs->spans[pairs->len];
      span->offset = w - pairs->buffer->str;
      span->escaped = FALSE;
      start = w;
      w = write_form_part (w, iter.name, iter.name_end, &span->escaped);
      if (w == NULL)
        return FALSE;
      span->name_len = w - start;
      *w++ = '\x01';
      if (iter.value != NULL &&
          (w = write_form_part (w, iter.value, iter.value_end, &span->escaped)) == NULL)
        return FALSE;
      span->len = w - start;
      *w++ = '\0';
      pairs->len++;
      (*n_added)++;
    }
  pairs_commit (pairs, w);
  return TRUE;
}

static const char *
pair_text (const EncodedPairs *pairs,
           const PairSpan     *span)
{
  return pairs->buffer->str + span->offset;
}

static int
compare_spans (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const EncodedPairs *pairs = user_data;

  return strcmp (pair_text (pairs, *(const PairSpan * const *) a),
                 pair_text (pairs, *(const PairSpan * const *) b));
}

static int
compare_pairs (const EncodedPairs *pairs,
               const PairSpan     *a,
               const PairSpan     *b)
{
  return strcmp (pair_text (pairs, a), pair_text (pairs, b));
}

/*
 * Fills @sorted, which has room for every pair, in signing order. The
 * pairs from @first_sorted on are in order already (the protocol
 * parameters, added by name): the request's own are sorted and the two
 * runs merged.
 */
static void
pairs_sort (EncodedPairs    *pairs,
            const PairSpan **sorted,
            guint            first_sorted)
{
  const PairSpan *head[INLINE_PAIRS];
  guint n = pairs->len;
  guint i, j, k;

  if (n > INLINE_PAIRS)
    {
      for (i = 0; i < n; i++)
        sorted[i] = &pairs->spans[i];
      g_qsort_with_data (sorted, n, sizeof (PairSpan *), compare_spans, pairs);
      return;
    }

  /* Insertion sort is the quickest for the handful of pairs a request
   * carries in its query or body. */
  for (i = 0; i < first_sorted; i++)
    {
      const PairSpan *item = &pairs->spans[i];

      for (j = i; j > 0 && compare_pairs (pairs, head[j - 1], item) > 0; j--)
        head[j] = head[j - 1];
      head[j] = item;
    }

  for (i = 0, j = first_sorted, k = 0; i < first_sorted || j < n; k++)
    {
      if (j == n || (i < first_sorted && compare_pairs (pairs, head[i], &pairs->spans[j]) <= 0))
        sorted[k] = head[i++];
      else
        sorted[k] = &pairs->spans[j++];
    }
}

static const PairSpan **
pairs_sorted_storage (EncodedPairs     *pairs,
                      const PairSpan  **inline_storage)
{
  return pairs->len > INLINE_PAIRS ? g_new (const PairSpan *, pairs->len) : inline_storage;
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
  const PairSpan *inline_sorted[INLINE_PAIRS];
  const PairSpan **sorted;
  EncodedPairs pairs;
  GString *out;

  pairs_init (&pairs, 512);
  pairs_add_params (&pairs, params);
  sorted = pairs_sorted_storage (&pairs, inline_sorted);
  pairs_sort (&pairs, sorted, pairs.len);

  out = g_string_sized_new (pairs.buffer->len);
  for (guint i = 0; i < pairs.len; i++)
    {
      if (i > 0)
        g_string_append_c (out, '&');
      for (const char *c = pair_text (&pairs, sorted[i]); *c; c++)
        g_string_append_c (out, *c == '\x01' ? '=' : *c);
    }
  if (sorted != inline_sorted)
    g_free (sorted);
  pairs_clear (&pairs);
  return g_string_free (out, FALSE);
}

/* The most bytes the base string can take: every byte grows to three at
 * most, and two "&" join the parts. */
static gsize
base_string_max_len (const char         *http_method,
                     gsize               encoded_uri_len,
                     const EncodedPairs *pairs)
{
  return 3 * strlen (http_method) + encoded_uri_len + 2 +
         3 * (pairs->buffer->len + pairs->len) + 1;
}

/*
 * The base string straight from the pairs, written to @w, which has room
 * for base_string_max_len(); returns its end. @encoded_uri is the
 * base-string URI, encoded already. The normalized string is encoded a
 * second time in the same pass. Its characters are unreserved ones, "%",
 * "=" and "&", so the second encoding only rewrites those three, and a
 * pair without a "%" is copied around its "=".
 */
static char *
write_base_string (char         *w,
                   const char   *http_method,
                   const char   *encoded_uri,
                   gsize         encoded_uri_len,
                   EncodedPairs *pairs,
                   guint         first_sorted)
{
  const PairSpan *inline_sorted[INLINE_PAIRS];
  const PairSpan **sorted = pairs_sorted_storage (pairs, inline_sorted);
  gsize method_len = strlen (http_method);
  char method[32];

  pairs_sort (pairs, sorted, first_sorted);

  if (method_len < sizeof method)
    {
      for (gsize i = 0; i < method_len; i++)
        method[i] = g_ascii_toupper (http_method[i]);
      w = grant_percent_encode_to (w, method, method_len);
    }
  else
    {
      g_autofree char *long_method = g_ascii_strup (http_method, -1);

      w = grant_percent_encode_to (w, long_method, method_len);
    }
  *w++ = '&';
  w = write_literal (w, encoded_uri, encoded_uri_len);
  *w++ = '&';

  for (guint i = 0; i < pairs->len; i++)
    {
      const PairSpan *span = sorted[i];
      const char *text = pair_text (pairs, span);

      if (i > 0)
        w = write_literal (w, "%26", 3);

      if (!span->escaped)
        {
          w = write_literal (w, text, span->name_len);
          w = write_literal (w, "%3D", 3);
          w = write_literal (w, text + span->name_len + 1, span->len - span->name_len - 1);
          continue;
        }

      for (const char *c = text; *c; c++)
        {
          if (*c == '\x01')
            w = write_literal (w, "%3D", 3);
          else if (*c == '%')
            w = write_literal (w, "%25", 3);
          else
            *w++ = *c;
        }
    }
  *w = '\0';
  if (sorted != inline_sorted)
    g_free (sorted);
  return w;
}

/* The base string of @params by the path signing takes, for the
 * published vectors (which have no oauth_version, which Grant sends). */
char *
grant_oauth1_signature_base_string (const char *http_method,
                                    const char *base_string_uri,
                                    GPtrArray  *params)
{
  g_autofree char *encoded_uri = grant_percent_encode (base_string_uri);
  gsize encoded_uri_len = strlen (encoded_uri);
  EncodedPairs pairs;
  char *base;

  pairs_init (&pairs, 512);
  pairs_add_params (&pairs, params);
  base = g_malloc (base_string_max_len (http_method, encoded_uri_len, &pairs));
  write_base_string (base, http_method, encoded_uri, encoded_uri_len, &pairs, pairs.len);
  pairs_clear (&pairs);
  return base;
}

static char *
base64_digest (const guint8 *digest,
               gsize         len)
{
  /* g_base64_encode without its allocation-sized guesswork: a digest is
   * at most 64 bytes, 88 characters in base64. */
  char out[96];
  int state = 0, save = 0;
  gsize n;

  n = g_base64_encode_step (digest, len, FALSE, out, &state, &save);
  n += g_base64_encode_close (FALSE, out + n, &state, &save);
  return g_strndup (out, n);
}

static char *
hmac_signature (gnutls_mac_algorithm_t   algorithm,
                GrantOAuth1Key          *key,
                const char              *base_string,
                gsize                    base_string_len,
                const char              *client_secret,
                const char              *token_secret,
                GError                 **error)
{
  guint8 digest[64];

  if (key == NULL ||
      !grant_oauth1_key_digest (key, algorithm, base_string, base_string_len, digest))
    {
      char *secret = grant_oauth1_signing_key (client_secret, token_secret);
      int ret = gnutls_hmac_fast (algorithm, secret, strlen (secret),
                                  base_string, base_string_len, digest);

      grant_secret_free (secret);
      if (ret < 0)
        {
          g_set_error (error, GRANT_ERROR, GRANT_ERROR_UNSUPPORTED_METHOD,
                       "GnuTLS could not compute the HMAC signature (%s); a "
                       "system crypto policy may forbid %s",
                       gnutls_strerror (ret), gnutls_mac_get_name (algorithm));
          return NULL;
        }
    }

  return base64_digest (digest, gnutls_hmac_get_len (algorithm));
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

static char *
compute_signature (GrantOAuth1SignatureMethod   method,
                   GrantOAuth1Key              *key,
                   const char                  *base_string,
                   gsize                        base_string_len,
                   const char                  *client_secret,
                   const char                  *token_secret,
                   gnutls_privkey_t             rsa_key,
                   GError                     **error)
{
  switch (method)
    {
    case GRANT_OAUTH1_SIGNATURE_HMAC_SHA1:
    case GRANT_OAUTH1_SIGNATURE_HMAC_SHA256:
    case GRANT_OAUTH1_SIGNATURE_HMAC_SHA512:
      return hmac_signature (grant_oauth1_hmac_algorithm (method), key, base_string, base_string_len,
                             client_secret, token_secret, error);
    case GRANT_OAUTH1_SIGNATURE_RSA_SHA1:
      return rsa_signature (GNUTLS_DIG_SHA1, base_string, rsa_key, error);
    case GRANT_OAUTH1_SIGNATURE_RSA_SHA256:
      return rsa_signature (GNUTLS_DIG_SHA256, base_string, rsa_key, error);
    case GRANT_OAUTH1_SIGNATURE_RSA_SHA512:
      return rsa_signature (GNUTLS_DIG_SHA512, base_string, rsa_key, error);
    case GRANT_OAUTH1_SIGNATURE_PLAINTEXT:
      return grant_oauth1_signing_key (client_secret, token_secret);
    default:
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_UNSUPPORTED_METHOD,
                   "Unknown OAuth 1 signature method %d", (int) method);
      return NULL;
    }
}

char *
grant_oauth1_compute_signature (GrantOAuth1SignatureMethod   method,
                                const char                  *base_string,
                                const char                  *client_secret,
                                const char                  *token_secret,
                                gnutls_privkey_t             rsa_key,
                                GError                     **error)
{
  return compute_signature (method, NULL, base_string, strlen (base_string),
                            client_secret, token_secret, rsa_key, error);
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

/* The protocol parameters, numbered in the order of their names, which
 * is the order they take in the base string. */
typedef enum {
  OAUTH_BODY_HASH,
  OAUTH_CALLBACK,
  OAUTH_CONSUMER_KEY,
  OAUTH_NONCE,
  OAUTH_SIGNATURE_METHOD,
  OAUTH_TIMESTAMP,
  OAUTH_TOKEN,
  OAUTH_VERIFIER,
  OAUTH_VERSION,
  N_OAUTH_PARAMS
} OAuthParamId;

static const char * const oauth_param_names[N_OAUTH_PARAMS] = {
  "oauth_body_hash",
  "oauth_callback",
  "oauth_consumer_key",
  "oauth_nonce",
  "oauth_signature_method",
  "oauth_timestamp",
  "oauth_token",
  "oauth_verifier",
  "oauth_version",
};

/* The order oauthlib renders them in: servers do not care, people
 * comparing headers do. The signature comes last. */
static const OAuthParamId rendering_order[N_OAUTH_PARAMS] = {
  OAUTH_NONCE,
  OAUTH_TIMESTAMP,
  OAUTH_VERSION,
  OAUTH_SIGNATURE_METHOD,
  OAUTH_CONSUMER_KEY,
  OAUTH_TOKEN,
  OAUTH_CALLBACK,
  OAUTH_VERIFIER,
  OAUTH_BODY_HASH,
};

/* The protocol parameters of one signature. The strings are borrowed:
 * nothing here outlives the call. */
typedef struct {
  const char *values[N_OAUTH_PARAMS];      /* NULL when not sent */
  gboolean    unreserved[N_OAUTH_PARAMS];  /* the value needs no encoding */
  guint       pair[N_OAUTH_PARAMS];        /* where it is among the pairs */
} OAuthParams;

static const char *
non_empty (const char *value)
{
  return value != NULL && *value != '\0' ? value : NULL;
}

static void
oauth_params_set (OAuthParams  *params,
                  OAuthParamId  id,
                  const char   *value,
                  gboolean      unreserved)
{
  params->values[id] = value;
  params->unreserved[id] = unreserved;
}

/* Adds the parameters to @pairs, by name, each encoded once: the
 * Authorization header takes them from there. */
static void
oauth_params_add_to_pairs (OAuthParams  *params,
                           EncodedPairs *pairs)
{
  gsize lengths[N_OAUTH_PARAMS];
  gsize room = 0;
  char *w;

  for (guint id = 0; id < N_OAUTH_PARAMS; id++)
    if (params->values[id] != NULL)
      {
        lengths[id] = strlen (params->values[id]);
        room += 32 + 3 * lengths[id];
      }

  w = pairs_reserve (pairs, room);
  for (guint id = 0; id < N_OAUTH_PARAMS; id++)
    {
      const char *value = params->values[id];
      const char *name = oauth_param_names[id];
      PairSpan *span;
      char *start = w;

      if (value == NULL)
        continue;
      params->pair[id] = pairs->len;
      pairs_begin (pairs);
      span = &pairs->spans[pairs->len];
      span->offset = w - pairs->buffer->str;
      /* The names are unreserved and shorter than 30 bytes. */
      span->name_len = strlen (name);
      w = write_literal (w, name, span->name_len);
      *w++ = '\x01';
      if (params->unreserved[id])
        w = write_literal (w, value, lengths[id]);
      else
        w = grant_percent_encode_to (w, value, lengths[id]);
      span->len = w - start;
      /* Each escape makes one byte three. */
      span->escaped = span->len != span->name_len + 1 + lengths[id];
      *w++ = '\0';
      pairs->len++;
    }
  pairs_commit (pairs, w);
}

/* The parameters and the signature as a list, in rendering order. */
static guint
oauth_params_render (const OAuthParams *params,
                     const char        *signature,
                     GrantParam        *items)
{
  guint n = 0;

  for (guint i = 0; i < N_OAUTH_PARAMS; i++)
    {
      OAuthParamId id = rendering_order[i];

      if (params->values[id] == NULL)
        continue;
      items[n].name = (char *) oauth_param_names[id];
      items[n].value = (char *) params->values[id];
      n++;
    }
  items[n].name = (char *) "oauth_signature";
  items[n].value = (char *) signature;
  return n + 1;
}

/* The realm is written unencoded between quotes, as servers expect, so
 * it must not end the quoted string or the header line. */
static gboolean
realm_fits_header (const char *realm)
{
  if (realm == NULL)
    return TRUE;
  for (const guchar *c = (const guchar *) realm; *c; c++)
    if (*c == '"' || *c == '\\' || *c < 0x20 || *c == 0x7f)
      return FALSE;
  return TRUE;
}

/*
 * RFC 5849 §3.5.1. The protocol parameters are taken from @pairs, where
 * they are encoded already; the signature is encoded here. The realm is
 * not a protocol parameter: it goes first and unencoded, as oauthlib and
 * most servers expect.
 */
static char *
authorization_header (const EncodedPairs *pairs,
                      const OAuthParams  *params,
                      const char         *signature,
                      const char         *realm)
{
  static const char signature_name[] = "oauth_signature=\"";
  gsize realm_len = realm ? strlen (realm) : 0;
  gsize signature_len = strlen (signature);
  gsize size = 6 + realm_len + 10 + sizeof signature_name + 3 * signature_len + 2;
  char *header, *w;

  for (guint id = 0; id < N_OAUTH_PARAMS; id++)
    if (params->values[id] != NULL)
      size += pairs->spans[params->pair[id]].len + 5;

  header = w = g_malloc (size);
  w = write_literal (w, "OAuth ", 6);
  if (realm != NULL)
    {
      w = write_literal (w, "realm=\"", 7);
      w = write_literal (w, realm, realm_len);
      w = write_literal (w, "\", ", 3);
    }

  for (guint i = 0; i < N_OAUTH_PARAMS; i++)
    {
      OAuthParamId id = rendering_order[i];
      const PairSpan *span;
      const char *text;

      if (params->values[id] == NULL)
        continue;
      span = &pairs->spans[params->pair[id]];
      text = pair_text (pairs, span);
      /* Names are oauth_* and need no encoding. */
      w = write_literal (w, text, span->name_len);
      w = write_literal (w, "=\"", 2);
      w = write_literal (w, text + span->name_len + 1, span->len - span->name_len - 1);
      w = write_literal (w, "\", ", 3);
    }

  w = write_literal (w, signature_name, sizeof signature_name - 1);
  w = grant_percent_encode_to (w, signature, signature_len);
  *w++ = '"';
  *w = '\0';
  return header;
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

/* Whether the path and query of a URI a caller parsed are what signing
 * reads: encoded as they go on the wire, with nothing left to requote. */
static gboolean
is_signable_as_parsed (GUri *uri)
{
  GUriFlags encoded = G_URI_FLAGS_ENCODED_PATH | G_URI_FLAGS_ENCODED_QUERY;
  const char *query = g_uri_get_query (uri);

  return (g_uri_get_flags (uri) & encoded) == encoded &&
         !grant_uri_text_needs_requote (g_uri_get_path (uri)) &&
         (query == NULL || !grant_uri_text_needs_requote (query));
}

/* Seconds since the epoch in decimal; @out has room for 21 bytes. */
static void
format_timestamp (char   *out,
                  gint64  seconds)
{
  char digits[20];
  guint n = 0;
  guint64 value = seconds > 0 ? (guint64) seconds : 0;

  do
    {
      digits[n++] = '0' + value % 10;
      value /= 10;
    }
  while (value > 0);
  while (n > 0)
    *out++ = digits[--n];
  *out = '\0';
}

gboolean
grant_oauth1_sign_request (const GrantOAuth1Credentials  *credentials,
                           const GrantOAuth1Request      *request,
                           GrantOAuth1Signed             *signed_out,
                           GError                       **error)
{
  g_autofree char *uri_string = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *signature = NULL;
  g_autoptr(GUri) parsed = NULL;
  const char *uri = request->uri;
  EncodedPairs pairs = { NULL, };
  OAuthParams oauth = { { NULL, }, };
  GrantParam rendered[N_OAUTH_PARAMS + 1];
  char base_string_buffer[2048];
  char *base_string = base_string_buffer;
  char *base_string_end;
  gsize base_string_size;
  char nonce[32];
  char timestamp[24];
  const char *content_type = request->content_type;
  const char *body_data = NULL;
  const char *query = NULL;
  gsize query_len = 0;
  gsize prefix_len = 0;
  gsize body_len = 0;
  gsize bs_uri_len;
  guint n_added = 0;
  guint n_request_pairs;
  gboolean is_form;

  memset (signed_out, 0, sizeof *signed_out);

  if (credentials->client_key == NULL || *credentials->client_key == '\0')
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                           "An OAuth 1 request needs a client key; set the "
                           "“client-key” property");
      return FALSE;
    }
  if (request->method == NULL || *request->method == '\0' ||
      (request->uri == NULL && request->parsed_uri == NULL))
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                           "An OAuth 1 request needs an HTTP method and a URL");
      return FALSE;
    }

  /* One buffer holds the base-string URI, encoded, and after it the
   * encoded pairs. Its kilobyte is what ordinary requests need. */
  pairs_init (&pairs, 512);

  /* A URI the caller already parsed is signed as it is; text is requoted
   * (for what a person may have typed raw), then parsed unless the signer
   * knows its endpoint. */
  if (request->parsed_uri != NULL && is_signable_as_parsed (request->parsed_uri))
    parsed = g_uri_ref (request->parsed_uri);
  else
    {
      if (uri == NULL)
        uri = uri_string = g_uri_to_string (request->parsed_uri);
      if (grant_uri_needs_requote (uri))
        {
          char *requoted = grant_uri_requote (uri);

          g_free (uri_string);
          uri = uri_string = requoted;
          signed_out->uri = g_strdup (uri);
        }

      prefix_len = strcspn (uri, "?#");
      if (request->host == NULL && credentials->endpoints != NULL &&
          grant_oauth1_endpoints_lookup (credentials->endpoints, uri, prefix_len, pairs.buffer))
        {
          if (uri[prefix_len] == '?')
            {
              query = uri + prefix_len + 1;
              query_len = strcspn (query, "#");
            }
        }
      else
        {
          parsed = parse_request_uri (uri, error);
          if (parsed == NULL)
            goto fail;
        }
    }

  if (parsed != NULL)
    {
      if (!append_base_string_uri (pairs.buffer, parsed, request->host, error))
        goto fail;
      encode_whole_buffer (pairs.buffer);
      query = g_uri_get_query (parsed);
      query_len = query ? strlen (query) : 0;
      if (request->parsed_uri == NULL && request->host == NULL && credentials->endpoints != NULL)
        grant_oauth1_endpoints_remember (credentials->endpoints, uri, prefix_len,
                                         pairs.buffer->str, pairs.buffer->len);
    }
  bs_uri_len = pairs.buffer->len;

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

  if (query != NULL && !pairs_add_form (&pairs, query, query_len, &n_added))
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
    format_timestamp (timestamp, g_get_real_time () / G_USEC_PER_SEC);

  /* What Grant makes up itself is unreserved already; a nonce or
   * timestamp fixed by a test is encoded like any other value. */
  oauth_params_set (&oauth, OAUTH_NONCE, nonce, credentials->nonce == NULL);
  oauth_params_set (&oauth, OAUTH_TIMESTAMP, timestamp, credentials->timestamp == NULL);
  oauth_params_set (&oauth, OAUTH_VERSION, "1.0", TRUE);
  oauth_params_set (&oauth, OAUTH_SIGNATURE_METHOD,
                    grant_oauth1_signature_method_to_string (credentials->method), TRUE);
  oauth_params_set (&oauth, OAUTH_CONSUMER_KEY, credentials->client_key, FALSE);
  oauth_params_set (&oauth, OAUTH_TOKEN, non_empty (credentials->token), FALSE);
  oauth_params_set (&oauth, OAUTH_CALLBACK, non_empty (credentials->callback), FALSE);
  oauth_params_set (&oauth, OAUTH_VERIFIER, non_empty (credentials->verifier), FALSE);
  oauth_params_set (&oauth, OAUTH_BODY_HASH, hash, FALSE);

  n_request_pairs = pairs.len;
  oauth_params_add_to_pairs (&oauth, &pairs);

  /* An ordinary base string fits on the stack. */
  base_string_size = base_string_max_len (request->method, bs_uri_len, &pairs);
  base_string = base_string_size <= sizeof base_string_buffer
    ? base_string_buffer : g_malloc (base_string_size);
  base_string_end = write_base_string (base_string, request->method, pairs.buffer->str,
                                       bs_uri_len, &pairs, n_request_pairs);
  signature = compute_signature (credentials->method, credentials->key,
                                 base_string, base_string_end - base_string,
                                 credentials->client_secret, credentials->token_secret,
                                 credentials->rsa_key, error);
  if (signature == NULL)
    goto fail;

  switch (credentials->placement)
    {
    case GRANT_OAUTH1_PLACEMENT_HEADER:
      if (!realm_fits_header (credentials->realm))
        {
          g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                               "The realm cannot go in an Authorization header: it "
                               "holds a quote, a backslash or a control character");
          goto fail;
        }
      signed_out->authorization = authorization_header (&pairs, &oauth, signature,
                                                        credentials->realm);
      break;

    case GRANT_OAUTH1_PLACEMENT_QUERY:
      {
        g_autoptr(GPtrArray) query_params = g_ptr_array_sized_new (N_OAUTH_PARAMS + 1);
        guint n = oauth_params_render (&oauth, signature, rendered);

        if (uri == NULL)
          uri = uri_string = g_uri_to_string (parsed);
        for (guint i = 0; i < n; i++)
          g_ptr_array_add (query_params, &rendered[i]);
        g_free (signed_out->uri);
        signed_out->uri = grant_uri_append_params (uri, query_params);
      }
      break;

    case GRANT_OAUTH1_PLACEMENT_BODY:
      {
        GString *body = g_string_new_len (body_data, body_len);
        guint n = oauth_params_render (&oauth, signature, rendered);

        append_form_params (body, rendered, n);
        signed_out->body = g_string_free_to_bytes (body);
      }
      break;

    default:
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_UNSUPPORTED_METHOD,
                   "Unknown OAuth 1 signature placement %d", (int) credentials->placement);
      goto fail;
    }

  if (base_string != base_string_buffer)
    g_free (base_string);
  if (credentials->method == GRANT_OAUTH1_SIGNATURE_PLAINTEXT)
    grant_secret_wipe (signature);
  pairs_clear (&pairs);
  return TRUE;

fail:
  if (credentials->method == GRANT_OAUTH1_SIGNATURE_PLAINTEXT)
    grant_secret_wipe (signature);
  if (pairs.buffer != NULL)
    pairs_clear (&pairs);
  if (base_string != base_string_buffer)
    g_free (base_string);
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
}
