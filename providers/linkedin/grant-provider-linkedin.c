/* grant-provider-linkedin.c: LinkedIn
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>

#include "grant.h"

/*
 * LinkedIn's OAuth 2.0 three-legged flow with "Sign In with LinkedIn
 * using OpenID Connect" (scopes openid, profile, email).
 *
 * LinkedIn wants the client id and secret in the body of the token
 * request, which requests-oauthlib users get with include_client_id=True
 * (requests-oauthlib §7): here the provider's client authentication is
 * client_secret_post. LinkedIn does not take PKCE on this flow (its
 * native PKCE flow is only enabled for selected partners), so it is off.
 * LinkedIn answers the granted scope comma-separated ("email,openid,
 * profile"), which Grant reads as a list, so it is not a scope change.
 *
 * The old linkedin_compliance_fix (token in an `oauth2_access_token`
 * query parameter, for the v1 API) is not needed by the v2 API and is not
 * applied: the token goes in the Authorization header. Refresh tokens
 * are only issued to LinkedIn's selected partners; access tokens last 60
 * days.
 */

#define GRANT_TYPE_PROVIDER_LINKEDIN (grant_provider_linkedin_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderLinkedin, grant_provider_linkedin, GRANT, PROVIDER_LINKEDIN, GrantProvider)

struct _GrantProviderLinkedin
{
  GrantProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (GrantProviderLinkedin, grant_provider_linkedin, GRANT_TYPE_PROVIDER)

static void
grant_provider_linkedin_constructed (GObject *object)
{
  const char *scopes[] = { "openid", "profile", "email", NULL };

  G_OBJECT_CLASS (grant_provider_linkedin_parent_class)->constructed (object);

  g_object_set (object,
                "id", "linkedin",
                "display-name", "LinkedIn",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                "authorization-url", "https://www.linkedin.com/oauth/v2/authorization",
                "token-url", "https://www.linkedin.com/oauth/v2/accessToken",
                "userinfo-url", "https://api.linkedin.com/v2/userinfo",
                "default-scopes", scopes,
                "scope-separator", " ",
                "client-auth", GRANT_CLIENT_AUTH_POST,
                "pkce-method", GRANT_PKCE_METHOD_NONE,
                "documentation-url", "https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2",
                NULL);
}

static void
grant_provider_linkedin_class_init (GrantProviderLinkedinClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = grant_provider_linkedin_constructed;
}

static void
grant_provider_linkedin_init (GrantProviderLinkedin *self)
{
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_LINKEDIN, "linkedin", 10)
