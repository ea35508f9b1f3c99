/* grant-provider-slack.c: Slack
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <gio/gio.h>

#include "grant.h"

/*
 * Slack apps ("OAuth v2"): authorization code, client id and secret in
 * HTTP Basic (what Slack recommends), scopes comma-separated. Bot scopes
 * go in `scope`; user scopes in a `user_scope` parameter of the
 * authorization URL. PKCE (for public clients such as desktop apps) must
 * be switched on in the app's settings; a session made without a client
 * secret is set up as such a client: PKCE S256 and `client_id` in the
 * body.
 *
 * Fixes, on every session:
 *
 * - protected-request (requests-oauthlib's slack_compliance_fix): the
 *   access token also goes in the request as `token`: in the form body
 *   when the request has no body or a form-encoded one, otherwise in the
 *   URL's query. A request that already carries a non-empty `token` (in
 *   its query or its form body) is left alone: the caller meant that
 *   token. The Authorization header is still sent.
 * - access-token-response and refresh-token-response: oauth.v2.access
 *   answers `"token_type": "bot"` or `"user"` for what are Bearer tokens
 *   (Slack's API takes them as `Authorization: Bearer`); they become
 *   `Bearer`. An installation that asked for user scopes only gets no
 *   top-level token: its token is in `authed_user`, whose `access_token`,
 *   `token_type`, `scope`, `refresh_token` and `expires_in` are then
 *   used (`authed_user` itself is kept in the token's extras).
 */

#define GRANT_TYPE_PROVIDER_SLACK (grant_provider_slack_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderSlack, grant_provider_slack, GRANT, PROVIDER_SLACK, GrantProvider)

struct _GrantProviderSlack
{
  GrantProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (GrantProviderSlack, grant_provider_slack, GRANT_TYPE_PROVIDER)

/* Whether the request's query already has @name with a non-empty value
 * (an empty one counts as none, as in requests-oauthlib, whose parse_qs
 * drops it). */
static gboolean
query_has_value (GrantRequest *request,
                 const char   *name)
{
  g_autofree char *value = grant_request_get_query_value (request, name);

  return value != NULL && *value != '\0';
}

static gboolean
is_form (GrantRequest *request)
{
  const char *type = soup_message_headers_get_content_type (grant_request_get_headers (request), NULL);

  return type != NULL && g_ascii_strcasecmp (type, "application/x-www-form-urlencoded") == 0;
}

static void
on_protected_request (GrantOAuth2Session *session,
                      GrantRequest       *request,
                      gpointer            user_data)
{
  g_autoptr(GrantToken) token = grant_oauth2_session_get_token (session);
  const char *access_token = token ? grant_token_get_access_token (token) : NULL;
  GBytes *body;

  if (access_token == NULL || *access_token == '\0')
    return;
  if (query_has_value (request, "token"))
    return;

  body = grant_request_get_body (request);
  if (body == NULL || g_bytes_get_size (body) == 0)
    grant_request_set_form_value (request, "token", access_token);
  else if (is_form (request))
    {
      g_autofree char *given = grant_request_get_form_value (request, "token");

      if (given == NULL || *given == '\0')
        grant_request_set_form_value (request, "token", access_token);
    }
  else
    grant_request_set_query_value (request, "token", access_token);
}

static gboolean
has_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static void
on_token_response (GrantOAuth2Session *session,
                   GrantResponse      *response,
                   gpointer            user_data)
{
  static const char * const from_user[] = {
    "access_token", "token_type", "scope", "refresh_token", "expires_in",
  };
  g_autoptr(JsonObject) object = grant_response_get_json (response);
  gboolean changed = FALSE;

  if (object == NULL)
    return;

  if (!json_object_has_member (object, "access_token") &&
      json_object_has_member (object, "authed_user"))
    {
      JsonNode *node = json_object_get_member (object, "authed_user");
      JsonObject *user = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (user != NULL && has_string (user, "access_token"))
        {
          for (gsize i = 0; i < G_N_ELEMENTS (from_user); i++)
            if (json_object_has_member (user, from_user[i]) &&
                !json_object_has_member (object, from_user[i]))
              json_object_set_member (object, from_user[i],
                                      json_node_copy (json_object_get_member (user, from_user[i])));
          changed = TRUE;
        }
    }

  if (has_string (object, "token_type"))
    {
      const char *type = json_object_get_string_member (object, "token_type");

      if (g_ascii_strcasecmp (type, "bot") == 0 || g_ascii_strcasecmp (type, "user") == 0)
        {
          json_object_set_string_member (object, "token_type", "Bearer");
          changed = TRUE;
        }
    }

  if (changed)
    grant_response_set_json (response, object);
}

static void
grant_provider_slack_configure_oauth2_session (GrantProvider      *provider,
                                               GrantOAuth2Session *session)
{
  char *secret = NULL;

  /* A public client (a desktop app has no secret to keep) uses PKCE; it
   * names itself in the body as client_secret_basic without a secret does. */
  g_object_get (session, "client-secret", &secret, NULL);
  if (secret != NULL)
    {
      memset (secret, 0, strlen (secret));
      g_free (secret);
    }
  else
    g_object_set (session, "pkce-method", GRANT_PKCE_METHOD_S256, NULL);

  g_signal_connect (session, "protected-request", G_CALLBACK (on_protected_request), NULL);
  g_signal_connect (session, "access-token-response", G_CALLBACK (on_token_response), NULL);
  g_signal_connect (session, "refresh-token-response", G_CALLBACK (on_token_response), NULL);
}

static void
grant_provider_slack_constructed (GObject *object)
{
  G_OBJECT_CLASS (grant_provider_slack_parent_class)->constructed (object);

  g_object_set (object,
                "id", "slack",
                "display-name", "Slack",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                "authorization-url", "https://slack.com/oauth/v2/authorize",
                "token-url", "https://slack.com/api/oauth.v2.access",
                "userinfo-url", "https://slack.com/api/auth.test",
                "scope-separator", ",",
                "client-auth", GRANT_CLIENT_AUTH_BASIC,
                "pkce-method", GRANT_PKCE_METHOD_NONE,
                "token-placement", GRANT_TOKEN_PLACEMENT_HEADER,
                "documentation-url", "https://docs.slack.dev/authentication/installing-with-oauth",
                NULL);
}

static void
grant_provider_slack_class_init (GrantProviderSlackClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = grant_provider_slack_constructed;
  GRANT_PROVIDER_CLASS (klass)->configure_oauth2_session = grant_provider_slack_configure_oauth2_session;
}

static void
grant_provider_slack_init (GrantProviderSlack *self)
{
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_SLACK, "slack", 10)
