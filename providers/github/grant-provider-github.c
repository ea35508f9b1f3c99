/* grant-provider-github.c: GitHub
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>

#include "grant.h"

/*
 * GitHub's OAuth apps: authorization code (PKCE S256 is supported), no
 * refresh tokens unless the app opts into expiring tokens. Without
 * "Accept: application/json" its token endpoint answers form-encoded
 * (Grant always asks for JSON and reads either), and it reports granted
 * scopes comma-separated ("repo,gist"), which Grant reads as a list. It
 * also answers a refused code with HTTP 200 and an "error" member, which
 * Grant treats as the error it is.
 */

#define GRANT_TYPE_PROVIDER_GITHUB (grant_provider_github_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderGithub, grant_provider_github, GRANT, PROVIDER_GITHUB, GrantProvider)

struct _GrantProviderGithub
{
  GrantProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (GrantProviderGithub, grant_provider_github, GRANT_TYPE_PROVIDER)

static void
grant_provider_github_constructed (GObject *object)
{
  const char *scopes[] = { "read:user", NULL };

  G_OBJECT_CLASS (grant_provider_github_parent_class)->constructed (object);

  g_object_set (object,
                "id", "github",
                "display-name", "GitHub",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                "authorization-url", "https://github.com/login/oauth/authorize",
                "token-url", "https://github.com/login/oauth/access_token",
                "device-authorization-url", "https://github.com/login/device/code",
                "userinfo-url", "https://api.github.com/user",
                "default-scopes", scopes,
                "scope-separator", " ",
                "client-auth", GRANT_CLIENT_AUTH_POST,
                "pkce-method", GRANT_PKCE_METHOD_S256,
                "documentation-url", "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps",
                NULL);
}

static void
grant_provider_github_class_init (GrantProviderGithubClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = grant_provider_github_constructed;
}

static void
grant_provider_github_init (GrantProviderGithub *self)
{
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_GITHUB, "github", 10)
