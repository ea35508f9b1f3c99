/* grant-provider-twitter.c: X (Twitter)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>

#include "grant.h"

/*
 * X, formerly Twitter, speaks both protocols:
 *
 * - OAuth 1.0a (HMAC-SHA1), for the v1.1 API and user-context v2 calls:
 *   request token, authorize, access token under api.twitter.com/oauth.
 *   A desktop application that cannot receive a callback uses "oob" as
 *   its callback URI and has the user type the PIN, which is the
 *   oauth_verifier.
 * - OAuth 2.0 authorization code with PKCE, which X requires (S256), for
 *   the v2 API. Scopes are space-separated; `offline.access` is what gets
 *   a refresh token. Confidential clients ("Web App, Automated App or
 *   Bot") authenticate with HTTP Basic; public clients ("Native App",
 *   "Single page App") have no secret and send their client_id in the
 *   body. A session made without a client secret is set up as a public
 *   client.
 *
 * No compliance fix is needed for either.
 */

#define GRANT_TYPE_PROVIDER_TWITTER (grant_provider_twitter_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderTwitter, grant_provider_twitter, GRANT, PROVIDER_TWITTER, GrantProvider)

struct _GrantProviderTwitter
{
  GrantProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (GrantProviderTwitter, grant_provider_twitter, GRANT_TYPE_PROVIDER)

static void
grant_provider_twitter_constructed (GObject *object)
{
  const char *scopes[] = { "tweet.read", "users.read", "offline.access", NULL };

  G_OBJECT_CLASS (grant_provider_twitter_parent_class)->constructed (object);

  g_object_set (object,
                "id", "twitter",
                "display-name", "X (Twitter)",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH1 | GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                /* OAuth 2 */
                "authorization-url", "https://twitter.com/i/oauth2/authorize",
                "token-url", "https://api.twitter.com/2/oauth2/token",
                "revocation-url", "https://api.twitter.com/2/oauth2/revoke",
                "userinfo-url", "https://api.twitter.com/2/users/me",
                "default-scopes", scopes,
                "scope-separator", " ",
                "client-auth", GRANT_CLIENT_AUTH_BASIC,
                "pkce-method", GRANT_PKCE_METHOD_S256,
                /* OAuth 1.0a */
                "request-token-url", "https://api.twitter.com/oauth/request_token",
                "oauth1-authorization-url", "https://api.twitter.com/oauth/authorize",
                "access-token-url", "https://api.twitter.com/oauth/access_token",
                "documentation-url", "https://developer.x.com/en/docs/authentication/oauth-2-0/authorization-code",
                NULL);
}

static void
grant_provider_twitter_class_init (GrantProviderTwitterClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = grant_provider_twitter_constructed;
}

static void
grant_provider_twitter_init (GrantProviderTwitter *self)
{
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_TWITTER, "twitter", 10)
