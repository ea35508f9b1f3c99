/* grant-provider-google.c: Google
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <gio/gio.h>

#include "grant.h"

/*
 * Google's OAuth 2.0 for installed and web applications, which is also
 * its OpenID Connect provider: authorization code with PKCE S256, the
 * client id and secret in the body of token requests, `iss` in the
 * authorization response (RFC 9207), token revocation, and the device
 * flow for clients of the "TVs and Limited Input devices" type.
 *
 * A refresh token is only issued when the application asks for offline
 * access: pass `access_type=offline` (and, to get a new refresh token for
 * a user who already consented, `prompt=consent`) in the extra
 * parameters of grant_oauth2_session_authorization_url(). It is not a
 * default, because a web application that does not want a long-lived
 * credential should not get one.
 *
 * The compliance fix is about the granted scope, which Google rewrites:
 * it adds `openid` whenever `email` or `profile` is asked for, and it
 * answers the short OpenID Connect scopes `email` and `profile` with their
 * long names (https://www.googleapis.com/auth/userinfo.email, …). Without
 * the fix every session — including one with the default scopes — would
 * report scope-changed (requests-oauthlib #387, #173). On token and
 * refresh responses, an `openid` the application did not ask for is
 * dropped from the granted scope, and a long name of a scope the
 * application asked for by its short name is written back as the short
 * name. Any other difference (a scope refused, or more scopes granted
 * with include_granted_scopes=true) is left for the session to report.
 */

#define GRANT_TYPE_PROVIDER_GOOGLE (grant_provider_google_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderGoogle, grant_provider_google, GRANT, PROVIDER_GOOGLE, GrantProvider)

struct _GrantProviderGoogle
{
  GrantProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (GrantProviderGoogle, grant_provider_google, GRANT_TYPE_PROVIDER)

static const struct {
  const char *short_name;
  const char *long_name;
} aliases[] = {
  { "email", "https://www.googleapis.com/auth/userinfo.email" },
  { "profile", "https://www.googleapis.com/auth/userinfo.profile" },
};

/* The name the application asked for @granted by, or @granted. */
static const char *
requested_name (const char * const *requested,
                const char         *granted)
{
  if (g_strv_contains (requested, granted))
    return granted;
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (g_str_equal (granted, aliases[i].long_name) &&
        g_strv_contains (requested, aliases[i].short_name))
      return aliases[i].short_name;
  return granted;
}

static void
on_token_response (GrantOAuth2Session *session,
                   GrantResponse      *response,
                   gpointer            user_data)
{
  g_auto(GStrv) requested = NULL;
  g_auto(GStrv) granted = NULL;
  g_autoptr(JsonObject) token = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  g_autofree char *joined = NULL;
  gboolean changed = FALSE;
  JsonNode *scope;

  if (grant_response_get_status (response) < 200 || grant_response_get_status (response) >= 300)
    return;

  g_object_get (session, "scope", &requested, NULL);
  if (requested == NULL || requested[0] == NULL)
    return;

  token = grant_response_get_json (response);
  if (token == NULL)
    return;
  scope = json_object_get_member (token, "scope");
  if (scope == NULL || !JSON_NODE_HOLDS_VALUE (scope) || json_node_get_value_type (scope) != G_TYPE_STRING)
    return;

  granted = g_strsplit_set (json_node_get_string (scope), " ", -1);
  kept = g_ptr_array_new ();
  for (char **p = granted; *p; p++)
    {
      const char *name;

      if (**p == '\0')
        continue;
      if (g_str_equal (*p, "openid") && !g_strv_contains ((const char * const *) requested, "openid"))
        {
          changed = TRUE;
          continue;
        }
      name = requested_name ((const char * const *) requested, *p);
      changed |= name != *p;
      /* Both names granted: keep one. */
      if (!g_ptr_array_find_with_equal_func (kept, name, g_str_equal, NULL))
        g_ptr_array_add (kept, (gpointer) name);
      else
        changed = TRUE;
    }
  if (!changed)
    return;

  g_ptr_array_add (kept, NULL);
  joined = g_strjoinv (" ", (char **) kept->pdata);
  json_object_set_string_member (token, "scope", joined);
  grant_response_set_json (response, token);
}

static void
grant_provider_google_configure_oauth2_session (GrantProvider      *provider,
                                                GrantOAuth2Session *session)
{
  g_signal_connect (session, "access-token-response", G_CALLBACK (on_token_response), NULL);
  g_signal_connect (session, "refresh-token-response", G_CALLBACK (on_token_response), NULL);
}

static void
grant_provider_google_constructed (GObject *object)
{
  const char *scopes[] = { "openid", "email", "profile", NULL };

  G_OBJECT_CLASS (grant_provider_google_parent_class)->constructed (object);

  g_object_set (object,
                "id", "google",
                "display-name", "Google",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                "authorization-url", "https://accounts.google.com/o/oauth2/v2/auth",
                "token-url", "https://oauth2.googleapis.com/token",
                "revocation-url", "https://oauth2.googleapis.com/revoke",
                "device-authorization-url", "https://oauth2.googleapis.com/device/code",
                "userinfo-url", "https://openidconnect.googleapis.com/v1/userinfo",
                "issuer", "https://accounts.google.com",
                "default-scopes", scopes,
                "scope-separator", " ",
                "client-auth", GRANT_CLIENT_AUTH_POST,
                "pkce-method", GRANT_PKCE_METHOD_S256,
                "documentation-url", "https://developers.google.com/identity/protocols/oauth2/native-app",
                NULL);
}

static void
grant_provider_google_class_init (GrantProviderGoogleClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = grant_provider_google_constructed;
  GRANT_PROVIDER_CLASS (klass)->configure_oauth2_session = grant_provider_google_configure_oauth2_session;
}

static void
grant_provider_google_init (GrantProviderGoogle *self)
{
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_GOOGLE, "google", 10)
