/* grant-oauth2-protocol.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "grant-encoding-private.h"
#include "grant-http-private.h"
#include "grant-oauth2-protocol-private.h"
#include "grant-random-private.h"
#include "grant-body-private.h"

static const struct {
  const char *code;
  GrantError  error;
} error_codes[] = {
  { "invalid_request", GRANT_ERROR_INVALID_REQUEST },
  { "invalid_client", GRANT_ERROR_INVALID_CLIENT },
  { "invalid_grant", GRANT_ERROR_INVALID_GRANT },
  { "unauthorized_client", GRANT_ERROR_UNAUTHORIZED_CLIENT },
  { "unsupported_grant_type", GRANT_ERROR_UNSUPPORTED_GRANT_TYPE },
  { "invalid_scope", GRANT_ERROR_INVALID_SCOPE },
  { "access_denied", GRANT_ERROR_ACCESS_DENIED },
  { "unsupported_response_type", GRANT_ERROR_UNSUPPORTED_RESPONSE_TYPE },
  { "server_error", GRANT_ERROR_SERVER_ERROR },
  { "temporarily_unavailable", GRANT_ERROR_TEMPORARILY_UNAVAILABLE },
  { "invalid_token", GRANT_ERROR_INVALID_TOKEN },
  { "insufficient_scope", GRANT_ERROR_INSUFFICIENT_SCOPE },
};

/* RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1; anything else is kept as the
 * server wrote it. */
GrantError
grant_oauth2_error_from_code (const char *code)
{
  for (guint i = 0; code && i < G_N_ELEMENTS (error_codes); i++)
    if (g_str_equal (code, error_codes[i].code))
      return error_codes[i].error;
  return GRANT_ERROR_SERVER_REPORTED;
}

static const char *
hint_for (GrantError code)
{
  switch (code)
    {
    case GRANT_ERROR_INVALID_CLIENT:
      return " (check the client id, the secret and the client authentication method)";
    case GRANT_ERROR_INVALID_GRANT:
      return " (the code or refresh token was refused: it may have expired, been used already, or been revoked)";
    default:
      return "";
    }
}

void
grant_oauth2_set_error (GError             **error,
                        const char          *context,
                        guint                status,
                        const char          *code,
                        const char          *description,
                        const GrantSecrets  *secrets)
{
  GrantError grant_code = grant_oauth2_error_from_code (code);
  gsize n = secrets ? G_N_ELEMENTS (secrets->values) : 0;
  const char * const *values = secrets ? secrets->values : NULL;
  g_autofree char *safe_code = grant_http_redact (code, -1, values, n);
  g_autofree char *safe_description = description ? grant_http_redact (description, -1, values, n) : NULL;
  g_autofree char *status_text = status ? g_strdup_printf (" (HTTP %u)", status) : g_strdup ("");

  g_set_error (error, GRANT_ERROR, grant_code, "%s%s: %s%s%s%s", context, status_text, safe_code,
               safe_description ? ": " : "", safe_description ? safe_description : "",
               hint_for (grant_code));
}

/* A token or error response as a JSON object, whether it came as JSON or
 * form-encoded (GitHub without an Accept header, Facebook's text/plain).
 * Form values are strings. NULL if it is neither. */
JsonObject *
grant_oauth2_parse_body (GBytes   *body,
                         gboolean *is_empty)
{
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) params = NULL;

  *is_empty = FALSE;
  parser = json_parser_new ();
  if (data != NULL && len > 0 &&
      json_parser_load_from_data (parser, data, len, NULL) &&
      json_parser_get_root (parser) != NULL)
    {
      JsonNode *root = json_parser_get_root (parser);

      if (JSON_NODE_HOLDS_OBJECT (root))
        return json_object_ref (json_node_get_object (root));
      return NULL;
    }

  params = grant_params_new ();
  switch (grant_body_parse_params (body, params))
    {
    case GRANT_BODY_EMPTY:
      *is_empty = TRUE;
      return NULL;
    case GRANT_BODY_FORM:
      {
        JsonObject *object = json_object_new ();

        for (guint i = 0; i < params->len; i++)
          {
            GrantParam *param = g_ptr_array_index (params, i);
            json_object_set_string_member (object, param->name, param->value);
          }
        return object;
      }
    default:
      return NULL;
    }
}

/*
 * RFC 6749 §5.1 and §5.2, with the HTTP status honoured (requests-oauthlib
 * ignores it, so a 500 page reads as "missing access token"): an OAuth
 * error body becomes its error code whatever the status, and anything
 * else that is not a token says what the server sent instead.
 */
GrantToken *
grant_oauth2_token_from_response (guint                status,
                                  const char          *content_type,
                                  GBytes              *body,
                                  const char          *context,
                                  const GrantSecrets  *secrets,
                                  GError             **error)
{
  g_autoptr(JsonObject) object = NULL;
  gboolean empty = FALSE;
  const char *code;
  GrantToken *token;
  g_autoptr(GError) token_error = NULL;

  object = grant_oauth2_parse_body (body, &empty);

  if (object != NULL && (code = grant_json_string_member (object, "error")) != NULL)
    {
      grant_oauth2_set_error (error, context, status, code,
                              grant_json_string_member (object, "error_description"), secrets);
      return NULL;
    }

  if (status < 200 || status >= 300 || object == NULL)
    {
      const char *what;
      g_autofree char *excerpt = NULL;

      if (empty)
        what = "an empty body";
      else if (grant_http_body_is_html (content_type, body))
        what = "an HTML page";
      else if (object == NULL && status >= 200 && status < 300)
        /* A successful answer that does not parse may still hold the new
         * token: it is not quoted. */
        what = "a body that is neither JSON nor form-encoded";
      else if (object == NULL)
        {
          gsize n = secrets ? G_N_ELEMENTS (secrets->values) : 0;

          excerpt = grant_http_body_excerpt (body, secrets ? secrets->values : NULL, n);
          what = "a body that is neither JSON nor form-encoded";
        }
      else
        what = "a JSON object that is not an OAuth error";

      g_set_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE,
                   "%s: the server answered HTTP %u with %s%s%s", context, status, what,
                   excerpt ? ": " : "", excerpt ? excerpt : "");
      return NULL;
    }

  token = grant_token_new_from_json_object (object, &token_error);
  if (token == NULL)
    {
      g_set_error (error, GRANT_ERROR, token_error->code, "%s: %s", context, token_error->message);
      return NULL;
    }
  return token;
}

/* RFC 6749 §2.3.1: the id and secret are form-encoded before they are
 * joined and base64-encoded, so a secret with ":" or "%" survives. */
char *
grant_oauth2_basic_credentials (const char *client_id,
                                const char *client_secret)
{
  GString *pair = g_string_new (NULL);
  char *encoded, *header;

  grant_string_append_form_encoded (pair, client_id ? client_id : "");
  g_string_append_c (pair, ':');
  grant_string_append_form_encoded (pair, client_secret ? client_secret : "");
  encoded = g_base64_encode ((const guchar *) pair->str, pair->len);
  header = g_strconcat ("Basic ", encoded, NULL);

  memset (pair->str, 0, pair->len);
  g_string_free (pair, TRUE);
  grant_secret_wipe (encoded);
  g_free (encoded);
  return header;
}

/* The `error` of a `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3),
 * or NULL if there is no Bearer challenge with one. */
char *
grant_oauth2_bearer_error (const char *www_authenticate)
{
  const char *p;
  g_autoptr(GHashTable) params = NULL;
  const char *value;

  if (www_authenticate == NULL)
    return NULL;
  for (p = www_authenticate; *p; p++)
    if (*p == '"')
      {
        /* A quoted-string: skip it, with its backslash escapes. */
        for (p++; *p && *p != '"'; p++)
          if (*p == '\\' && p[1])
            p++;
        if (*p == '\0')
          break;
      }
    else if (g_ascii_strncasecmp (p, "Bearer", 6) == 0 &&
        (p == www_authenticate || p[-1] == ' ' || p[-1] == ',') &&
        (p[6] == ' ' || p[6] == '\0'))
      break;
  if (*p == '\0')
    return NULL;

  params = soup_header_parse_param_list (p + 6);
  value = params ? g_hash_table_lookup (params, "error") : NULL;
  return g_strdup (value);
}

/* RFC 6749 §3.1 and §10: https, unless the application opted out (the
 * property, or either environment variable, as oauthlib reads it). */
gboolean
grant_oauth2_transport_allowed (const char *uri,
                                gboolean    allow_insecure)
{
  const char *env;

  if (allow_insecure)
    return TRUE;
  if (((env = g_getenv ("GRANT_INSECURE_TRANSPORT")) && *env) ||
      ((env = g_getenv ("OAUTHLIB_INSECURE_TRANSPORT")) && *env))
    return TRUE;
  return uri != NULL && g_ascii_strncasecmp (uri, "https://", 8) == 0;
}
