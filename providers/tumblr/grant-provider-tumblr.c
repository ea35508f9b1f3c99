/* grant-provider-tumblr.c: Tumblr
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>

#include "grant.h"

/*
 * Tumblr's OAuth 1.0a (HMAC-SHA1) endpoints. The requests-oauthlib
 * example still shows them as http://; Tumblr serves them over https and
 * that is what is used here, since OAuth 1 itself does not insist.
 * The consumer's registered "Default callback URL" is used unless the
 * request token asks for another callback.
 *
 * Tumblr has since added OAuth 2 (www.tumblr.com/oauth2/authorize and
 * api.tumblr.com/v2/oauth2/token); this provider describes the OAuth 1.0a
 * flow only. No compliance fix is needed.
 */

#define GRANT_TYPE_PROVIDER_TUMBLR (grant_provider_tumblr_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderTumblr, grant_provider_tumblr, GRANT, PROVIDER_TUMBLR, GrantProvider)

struct _GrantProviderTumblr
{
  GrantProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (GrantProviderTumblr, grant_provider_tumblr, GRANT_TYPE_PROVIDER)

static void
grant_provider_tumblr_constructed (GObject *object)
{
  G_OBJECT_CLASS (grant_provider_tumblr_parent_class)->constructed (object);

  g_object_set (object,
                "id", "tumblr",
                "display-name", "Tumblr",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH1,
                "request-token-url", "https://www.tumblr.com/oauth/request_token",
                "oauth1-authorization-url", "https://www.tumblr.com/oauth/authorize",
                "access-token-url", "https://www.tumblr.com/oauth/access_token",
                "userinfo-url", "https://api.tumblr.com/v2/user/info",
                "pkce-method", GRANT_PKCE_METHOD_NONE,
                "documentation-url", "https://www.tumblr.com/docs/en/api/v2#authentication",
                NULL);
}

static void
grant_provider_tumblr_class_init (GrantProviderTumblrClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = grant_provider_tumblr_constructed;
}

static void
grant_provider_tumblr_init (GrantProviderTumblr *self)
{
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_TUMBLR, "tumblr", 10)
