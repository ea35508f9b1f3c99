/* grant-provider-weibo.c: Sina Weibo
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>

#include "grant.h"

/*
 * Sina Weibo (open.weibo.com): authorization code, the App Key and App
 * Secret in the body, scopes comma-separated (basic access needs none),
 * no PKCE. The token endpoint answers `{"access_token", "expires_in",
 * "remind_in", "uid"}` with no `token_type`, and the API wants the token
 * as an `access_token` query parameter.
 *
 * Fixes (requests-oauthlib's weibo_compliance_fix):
 *
 * - access-token-response and refresh-token-response: `token_type` is
 *   set to `Bearer`, whatever the server said;
 * - the provider's token placement is %GRANT_TOKEN_PLACEMENT_QUERY, so
 *   protected requests carry `?access_token=…` (and no Authorization
 *   header).
 */

#define GRANT_TYPE_PROVIDER_WEIBO (grant_provider_weibo_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderWeibo, grant_provider_weibo, GRANT, PROVIDER_WEIBO, GrantProvider)

struct _GrantProviderWeibo
{
  GrantProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (GrantProviderWeibo, grant_provider_weibo, GRANT_TYPE_PROVIDER)

static void
on_token_response (GrantOAuth2Session *session,
                   GrantResponse      *response,
                   gpointer            user_data)
{
  g_autoptr(JsonObject) object = grant_response_get_json (response);

  if (object == NULL)
    return;
  json_object_set_string_member (object, "token_type", "Bearer");
  grant_response_set_json (response, object);
}

static void
grant_provider_weibo_configure_oauth2_session (GrantProvider      *provider,
                                               GrantOAuth2Session *session)
{
  g_signal_connect (session, "access-token-response", G_CALLBACK (on_token_response), NULL);
  g_signal_connect (session, "refresh-token-response", G_CALLBACK (on_token_response), NULL);
}

static void
grant_provider_weibo_constructed (GObject *object)
{
  G_OBJECT_CLASS (grant_provider_weibo_parent_class)->constructed (object);

  g_object_set (object,
                "id", "weibo",
                "display-name", "Weibo",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                "authorization-url", "https://api.weibo.com/oauth2/authorize",
                "token-url", "https://api.weibo.com/oauth2/access_token",
                "userinfo-url", "https://api.weibo.com/2/account/get_uid.json",
                "scope-separator", ",",
                "client-auth", GRANT_CLIENT_AUTH_POST,
                "pkce-method", GRANT_PKCE_METHOD_NONE,
                "token-placement", GRANT_TOKEN_PLACEMENT_QUERY,
                "documentation-url", "https://open.weibo.com/wiki/Oauth2",
                NULL);
}

static void
grant_provider_weibo_class_init (GrantProviderWeiboClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = grant_provider_weibo_constructed;
  GRANT_PROVIDER_CLASS (klass)->configure_oauth2_session = grant_provider_weibo_configure_oauth2_session;
}

static void
grant_provider_weibo_init (GrantProviderWeibo *self)
{
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_WEIBO, "weibo", 10)
