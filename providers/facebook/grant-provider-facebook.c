/* grant-provider-facebook.c: Facebook Login
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <string.h>

#include <gio/gio.h>

#include "grant.h"

/*
 * Facebook Login, "manually built" flow: authorization code against the
 * versioned Graph API endpoints, the client id and secret as parameters
 * of the token request (Facebook has no HTTP Basic client
 * authentication), permissions separated by commas.
 *
 * PKCE: Facebook documents an OIDC code flow with PKCE as "still in
 * testing", so it is off by default; set the session's pkce-method to
 * S256 to opt in.
 *
 * The compliance fix is requests-oauthlib's facebook_compliance_fix:
 * older Graph API versions (and some proxies in front of them) answer
 * the token request with a form-encoded body labelled text/plain, with
 * `expires` instead of `expires_in` and no `token_type`. Exactly as
 * requests-oauthlib does, and only for a 200 answer whose Content-Type
 * contains text/plain (never application/json), the body is read as a
 * form, `expires_in` is copied from `expires` (which is kept), `token_type`
 * becomes Bearer, and the body is handed on as JSON. One deviation: a
 * text/plain body that is already a JSON object is left for Grant to read
 * as JSON instead of being mangled into a single form key.
 */

#define GRAPH_VERSION "v19.0"

#define GRANT_TYPE_PROVIDER_FACEBOOK (grant_provider_facebook_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderFacebook, grant_provider_facebook, GRANT, PROVIDER_FACEBOOK, GrantProvider)

struct _GrantProviderFacebook
{
  GrantProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (GrantProviderFacebook, grant_provider_facebook, GRANT_TYPE_PROVIDER)

static gboolean
body_is_json_object (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);

  return data != NULL && len > 0 &&
         json_parser_load_from_data (parser, data, len, NULL) &&
         json_parser_get_root (parser) != NULL &&
         JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser));
}

/* A number of seconds as a JSON integer when it is one, else as it came. */
static void
set_seconds_member (JsonObject *object,
                    const char *name,
                    const char *value)
{
  char *end = NULL;
  gint64 seconds;

  errno = 0;
  seconds = g_ascii_strtoll (value, &end, 10);
  if (*value != '\0' && end != NULL && *end == '\0' && errno == 0)
    json_object_set_int_member (object, name, seconds);
  else
    json_object_set_string_member (object, name, value);
}

static void
on_access_token_response (GrantOAuth2Session *session,
                          GrantResponse      *response,
                          gpointer            user_data)
{
  const char *content_type = soup_message_headers_get_one (grant_response_get_headers (response),
                                                           "Content-Type");
  GBytes *body = grant_response_get_body (response);
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(JsonObject) token = NULL;
  g_autofree char *text = NULL;
  GHashTableIter iter;
  gpointer key, value;
  const char *expires;

  /* If Facebook claims to be sending JSON, trust it. */
  if (content_type == NULL || strstr (content_type, "application/json") != NULL)
    return;
  if (strstr (content_type, "text/plain") == NULL || grant_response_get_status (response) != 200)
    return;
  if (body == NULL || body_is_json_object (body))
    return;

  text = grant_response_get_text (response);
  form = g_uri_parse_params (text, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  if (form == NULL)
    return;   /* not a form either: Grant says what it is */

  token = json_object_new ();
  g_hash_table_iter_init (&iter, form);
  while (g_hash_table_iter_next (&iter, &key, &value))
    json_object_set_string_member (token, key, value);

  expires = g_hash_table_lookup (form, "expires");
  if (expires != NULL)
    set_seconds_member (token, "expires_in", expires);
  json_object_set_string_member (token, "token_type", "Bearer");

  grant_response_set_json (response, token);
  memset (text, 0, strlen (text));
}

static void
grant_provider_facebook_configure_oauth2_session (GrantProvider      *provider,
                                                  GrantOAuth2Session *session)
{
  g_signal_connect (session, "access-token-response", G_CALLBACK (on_access_token_response), NULL);
}

static void
grant_provider_facebook_constructed (GObject *object)
{
  const char *scopes[] = { "public_profile", "email", NULL };

  G_OBJECT_CLASS (grant_provider_facebook_parent_class)->constructed (object);

  g_object_set (object,
                "id", "facebook",
                "display-name", "Facebook",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                "authorization-url", "https://www.facebook.com/" GRAPH_VERSION "/dialog/oauth",
                "token-url", "https://graph.facebook.com/" GRAPH_VERSION "/oauth/access_token",
                "userinfo-url", "https://graph.facebook.com/" GRAPH_VERSION "/me",
                "default-scopes", scopes,
                "scope-separator", ",",
                "client-auth", GRANT_CLIENT_AUTH_POST,
                "pkce-method", GRANT_PKCE_METHOD_NONE,
                "documentation-url", "https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow",
                NULL);
}

static void
grant_provider_facebook_class_init (GrantProviderFacebookClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = grant_provider_facebook_constructed;
  GRANT_PROVIDER_CLASS (klass)->configure_oauth2_session = grant_provider_facebook_configure_oauth2_session;
}

static void
grant_provider_facebook_init (GrantProviderFacebook *self)
{
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_FACEBOOK, "facebook", 10)
