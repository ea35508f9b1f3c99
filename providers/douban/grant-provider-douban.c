/* grant-provider-douban.c: Douban
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>

#include "grant.h"

/*
 * Douban (豆瓣) API v2: authorization code, the API key and secret in the
 * body, scopes comma-separated (`douban_basic_common` for the basics), no
 * PKCE. Refresh tokens are issued and refreshed at the token endpoint.
 * Douban stopped taking new API keys years ago; existing keys keep
 * working.
 *
 * Fixes (requests-oauthlib's douban_compliance_fix, done right):
 *
 * - access-token-response and refresh-token-response: a token with no
 *   `token_type` gets `Bearer` (one that has a type keeps it);
 * - the provider's token placement is %GRANT_TOKEN_PLACEMENT_QUERY, so
 *   protected requests carry `?access_token=…`. requests-oauthlib means
 *   to do the same but assigns a misspelt attribute, so its fix never
 *   moves the token.
 */

#define GRANT_TYPE_PROVIDER_DOUBAN (grant_provider_douban_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderDouban, grant_provider_douban, GRANT, PROVIDER_DOUBAN, GrantProvider)

struct _GrantProviderDouban
{
  GrantProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (GrantProviderDouban, grant_provider_douban, GRANT_TYPE_PROVIDER)

static void
on_token_response (GrantOAuth2Session *session,
                   GrantResponse      *response,
                   gpointer            user_data)
{
  g_autoptr(JsonObject) object = grant_response_get_json (response);

  /* Python's token.setdefault("token_type", "Bearer"). */
  if (object == NULL || json_object_has_member (object, "token_type"))
    return;
  json_object_set_string_member (object, "token_type", "Bearer");
  grant_response_set_json (response, object);
}

static void
grant_provider_douban_configure_oauth2_session (GrantProvider      *provider,
                                                GrantOAuth2Session *session)
{
  g_signal_connect (session, "access-token-response", G_CALLBACK (on_token_response), NULL);
  g_signal_connect (session, "refresh-token-response", G_CALLBACK (on_token_response), NULL);
}

static void
grant_provider_douban_constructed (GObject *object)
{
  const char *scopes[] = { "douban_basic_common", NULL };

  G_OBJECT_CLASS (grant_provider_douban_parent_class)->constructed (object);

  g_object_set (object,
                "id", "douban",
                "display-name", "Douban",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                "authorization-url", "https://www.douban.com/service/auth2/auth",
                "token-url", "https://www.douban.com/service/auth2/token",
                "userinfo-url", "https://api.douban.com/v2/user/~me",
                "default-scopes", scopes,
                "scope-separator", ",",
                "client-auth", GRANT_CLIENT_AUTH_POST,
                "pkce-method", GRANT_PKCE_METHOD_NONE,
                "token-placement", GRANT_TOKEN_PLACEMENT_QUERY,
                "documentation-url", "https://developers.douban.com/wiki/?title=oauth2",
                NULL);
}

static void
grant_provider_douban_class_init (GrantProviderDoubanClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = grant_provider_douban_constructed;
  GRANT_PROVIDER_CLASS (klass)->configure_oauth2_session = grant_provider_douban_configure_oauth2_session;
}

static void
grant_provider_douban_init (GrantProviderDouban *self)
{
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_DOUBAN, "douban", 10)
