/* grant-provider-mailchimp.c: Mailchimp
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>

#include "grant.h"

/*
 * Mailchimp (Marketing API): authorization code, the client id and secret
 * in the body, no scopes, no PKCE, no refresh tokens. Its tokens do not
 * expire; the token endpoint says so with `"expires_in": 0` and a
 * `"scope": null`. The API lives in a per-account data centre
 * (`https://usX.api.mailchimp.com/3.0/`) that the metadata endpoint
 * (the userinfo URL here) names.
 *
 * Fixes (requests-oauthlib's mailchimp_compliance_fix), on every
 * access-token-response whose body is a JSON object:
 *
 * - a `scope` that is null is removed;
 * - an `expires_in` that is the number 0 becomes 3600, so the token is
 *   treated as lasting an hour (after which, with no refresh token, the
 *   session reports it expired and the user authorizes again).
 */

#define GRANT_TYPE_PROVIDER_MAILCHIMP (grant_provider_mailchimp_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderMailchimp, grant_provider_mailchimp, GRANT, PROVIDER_MAILCHIMP, GrantProvider)

struct _GrantProviderMailchimp
{
  GrantProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (GrantProviderMailchimp, grant_provider_mailchimp, GRANT_TYPE_PROVIDER)

#define NONZERO_EXPIRES_IN 3600

static gboolean
is_number_zero (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return json_node_get_int (node) == 0;
    case G_TYPE_DOUBLE:
      return json_node_get_double (node) == 0.0;
    default:
      return FALSE;
    }
}

static void
on_access_token_response (GrantOAuth2Session *session,
                          GrantResponse      *response,
                          gpointer            user_data)
{
  g_autoptr(JsonObject) object = grant_response_get_json (response);
  JsonNode *scope;
  gboolean changed = FALSE;

  if (object == NULL)
    return;

  scope = json_object_get_member (object, "scope");
  if (scope != NULL && JSON_NODE_HOLDS_NULL (scope))
    {
      json_object_remove_member (object, "scope");
      changed = TRUE;
    }

  if (is_number_zero (json_object_get_member (object, "expires_in")))
    {
      json_object_set_int_member (object, "expires_in", NONZERO_EXPIRES_IN);
      changed = TRUE;
    }

  if (changed)
    grant_response_set_json (response, object);
}

static void
grant_provider_mailchimp_configure_oauth2_session (GrantProvider      *provider,
                                                   GrantOAuth2Session *session)
{
  g_signal_connect (session, "access-token-response", G_CALLBACK (on_access_token_response), NULL);
}

static void
grant_provider_mailchimp_constructed (GObject *object)
{
  G_OBJECT_CLASS (grant_provider_mailchimp_parent_class)->constructed (object);

  g_object_set (object,
                "id", "mailchimp",
                "display-name", "Mailchimp",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                "authorization-url", "https://login.mailchimp.com/oauth2/authorize",
                "token-url", "https://login.mailchimp.com/oauth2/token",
                "userinfo-url", "https://login.mailchimp.com/oauth2/metadata",
                "scope-separator", " ",
                "client-auth", GRANT_CLIENT_AUTH_POST,
                "pkce-method", GRANT_PKCE_METHOD_NONE,
                "token-placement", GRANT_TOKEN_PLACEMENT_HEADER,
                "documentation-url", "https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/",
                NULL);
}

static void
grant_provider_mailchimp_class_init (GrantProviderMailchimpClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = grant_provider_mailchimp_constructed;
  GRANT_PROVIDER_CLASS (klass)->configure_oauth2_session = grant_provider_mailchimp_configure_oauth2_session;
}

static void
grant_provider_mailchimp_init (GrantProviderMailchimp *self)
{
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_MAILCHIMP, "mailchimp", 10)
