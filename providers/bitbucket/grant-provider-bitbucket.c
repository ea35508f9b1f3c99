/* grant-provider-bitbucket.c: Bitbucket Cloud
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>

#include "grant.h"

/*
 * Bitbucket Cloud OAuth consumers speak OAuth 2 and, for older
 * integrations, OAuth 1.0a (the endpoints of requests-oauthlib's Bitbucket
 * example).
 *
 * OAuth 2: authorization code. The consumer key and secret go in an HTTP
 * Basic header on every token request, refreshes included (the reason
 * requests-oauthlib grew client_id/client_secret on refresh). Bitbucket
 * takes no `scope` parameter — the scopes are the permissions ticked on
 * the consumer — so there are no default scopes, and it does not do PKCE.
 *
 * The compliance fix: Bitbucket names the granted scopes `scopes` (plural,
 * space-separated) instead of RFC 6749's `scope`. On token and refresh
 * responses without a `scope`, `scopes` is copied to `scope`, so the
 * token knows what it grants.
 */

#define GRANT_TYPE_PROVIDER_BITBUCKET (grant_provider_bitbucket_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderBitbucket, grant_provider_bitbucket, GRANT, PROVIDER_BITBUCKET, GrantProvider)

struct _GrantProviderBitbucket
{
  GrantProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (GrantProviderBitbucket, grant_provider_bitbucket, GRANT_TYPE_PROVIDER)

static void
on_token_response (GrantOAuth2Session *session,
                   GrantResponse      *response,
                   gpointer            user_data)
{
  g_autoptr(JsonObject) token = NULL;
  JsonNode *scopes;

  if (grant_response_get_status (response) < 200 || grant_response_get_status (response) >= 300)
    return;
  token = grant_response_get_json (response);
  if (token == NULL || json_object_has_member (token, "scope"))
    return;
  scopes = json_object_get_member (token, "scopes");
  if (scopes == NULL || !JSON_NODE_HOLDS_VALUE (scopes) || json_node_get_value_type (scopes) != G_TYPE_STRING)
    return;

  json_object_set_string_member (token, "scope", json_node_get_string (scopes));
  grant_response_set_json (response, token);
}

static void
grant_provider_bitbucket_configure_oauth2_session (GrantProvider      *provider,
                                                   GrantOAuth2Session *session)
{
  g_signal_connect (session, "access-token-response", G_CALLBACK (on_token_response), NULL);
  g_signal_connect (session, "refresh-token-response", G_CALLBACK (on_token_response), NULL);
}

static void
grant_provider_bitbucket_constructed (GObject *object)
{
  G_OBJECT_CLASS (grant_provider_bitbucket_parent_class)->constructed (object);

  g_object_set (object,
                "id", "bitbucket",
                "display-name", "Bitbucket",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH1 | GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                /* OAuth 2 */
                "authorization-url", "https://bitbucket.org/site/oauth2/authorize",
                "token-url", "https://bitbucket.org/site/oauth2/access_token",
                "userinfo-url", "https://api.bitbucket.org/2.0/user",
                "scope-separator", " ",
                "client-auth", GRANT_CLIENT_AUTH_BASIC,
                "pkce-method", GRANT_PKCE_METHOD_NONE,
                /* OAuth 1.0a */
                "request-token-url", "https://bitbucket.org/!api/1.0/oauth/request_token",
                "oauth1-authorization-url", "https://bitbucket.org/!api/1.0/oauth/authenticate",
                "access-token-url", "https://bitbucket.org/!api/1.0/oauth/access_token",
                "documentation-url", "https://developer.atlassian.com/cloud/bitbucket/oauth-2/",
                NULL);
}

static void
grant_provider_bitbucket_class_init (GrantProviderBitbucketClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = grant_provider_bitbucket_constructed;
  GRANT_PROVIDER_CLASS (klass)->configure_oauth2_session = grant_provider_bitbucket_configure_oauth2_session;
}

static void
grant_provider_bitbucket_init (GrantProviderBitbucket *self)
{
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_BITBUCKET, "bitbucket", 10)
