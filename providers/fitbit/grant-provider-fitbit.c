/* grant-provider-fitbit.c: Fitbit
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>

#include "grant.h"

/*
 * The Fitbit Web API: authorization code with PKCE (S256). The token
 * endpoint wants HTTP Basic client authentication for "Server"
 * applications, and for every refresh; "Client" and "Personal"
 * applications used without a secret send their client_id in the body —
 * a session made without a client secret is set up that way.
 *
 * The compliance fix is requests-oauthlib's fitbit_compliance_fix: Fitbit
 * reports token errors as a list,
 * `{"errors":[{"errorType":"invalid_grant","message":"…"}],"success":false}`,
 * not as RFC 6749's `error`, which leaves clients reporting a missing
 * token instead of the refusal. On token and refresh responses, the first
 * error's errorType becomes `error` and, when there is no
 * `error_description`, its message becomes one — so a refused code or
 * refresh token is GRANT_ERROR_INVALID_GRANT, as it should be.
 */

#define GRANT_TYPE_PROVIDER_FITBIT (grant_provider_fitbit_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderFitbit, grant_provider_fitbit, GRANT, PROVIDER_FITBIT, GrantProvider)

struct _GrantProviderFitbit
{
  GrantProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (GrantProviderFitbit, grant_provider_fitbit, GRANT_TYPE_PROVIDER)

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static void
on_token_response (GrantOAuth2Session *session,
                   GrantResponse      *response,
                   gpointer            user_data)
{
  g_autoptr(JsonObject) body = grant_response_get_json (response);
  JsonNode *errors;
  JsonNode *first;
  JsonObject *error;
  const char *type, *message;

  if (body == NULL)
    return;
  errors = json_object_get_member (body, "errors");
  if (errors == NULL || !JSON_NODE_HOLDS_ARRAY (errors) ||
      json_array_get_length (json_node_get_array (errors)) == 0)
    return;
  first = json_array_get_element (json_node_get_array (errors), 0);
  if (!JSON_NODE_HOLDS_OBJECT (first))
    return;
  error = json_node_get_object (first);
  type = string_member (error, "errorType");
  if (type == NULL)
    return;

  message = string_member (error, "message");
  json_object_set_string_member (body, "error", type);
  if (message != NULL && !json_object_has_member (body, "error_description"))
    json_object_set_string_member (body, "error_description", message);
  grant_response_set_json (response, body);
}

static void
grant_provider_fitbit_configure_oauth2_session (GrantProvider      *provider,
                                                GrantOAuth2Session *session)
{
  g_signal_connect (session, "access-token-response", G_CALLBACK (on_token_response), NULL);
  g_signal_connect (session, "refresh-token-response", G_CALLBACK (on_token_response), NULL);
}

static void
grant_provider_fitbit_constructed (GObject *object)
{
  const char *scopes[] = { "profile", NULL };

  G_OBJECT_CLASS (grant_provider_fitbit_parent_class)->constructed (object);

  g_object_set (object,
                "id", "fitbit",
                "display-name", "Fitbit",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                "authorization-url", "https://www.fitbit.com/oauth2/authorize",
                "token-url", "https://api.fitbit.com/oauth2/token",
                "revocation-url", "https://api.fitbit.com/oauth2/revoke",
                "userinfo-url", "https://api.fitbit.com/1/user/-/profile.json",
                "default-scopes", scopes,
                "scope-separator", " ",
                "client-auth", GRANT_CLIENT_AUTH_BASIC,
                "pkce-method", GRANT_PKCE_METHOD_S256,
                "documentation-url", "https://dev.fitbit.com/build/reference/web-api/developer-guide/authorization/",
                NULL);
}

static void
grant_provider_fitbit_class_init (GrantProviderFitbitClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = grant_provider_fitbit_constructed;
  GRANT_PROVIDER_CLASS (klass)->configure_oauth2_session = grant_provider_fitbit_configure_oauth2_session;
}

static void
grant_provider_fitbit_init (GrantProviderFitbit *self)
{
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_FITBIT, "fitbit", 10)
