/* grant-provider-microsoft.c: Microsoft identity platform (Entra ID v2.0)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <gio/gio.h>

#include "grant.h"

/*
 * The Microsoft identity platform's v2.0 endpoints — work and school
 * accounts (Entra ID, formerly Azure AD) and personal Microsoft accounts
 * (Outlook.com, Xbox, …): authorization code with PKCE S256, the device
 * flow, and the OpenID Connect userinfo endpoint on Microsoft Graph.
 *
 * Every endpoint has the tenant in its path. The provider's "tenant"
 * property (default "common": any work, school or personal account) can
 * be "organizations", "consumers", a tenant's GUID or one of its domain
 * names; setting it rebuilds the endpoints, so it works with
 * g_object_new(), g_object_set() and from Python or JavaScript
 * (`provider.props.tenant = "contoso.onmicrosoft.com"`).
 *
 * Client authentication is client_secret_post: the client id (and the
 * secret of a confidential "Web" client) in the body. A public "Mobile and
 * desktop" client has no secret and sends only its id, which the same
 * setting does when the session has no secret.
 *
 * The compliance fix: Microsoft never echoes `offline_access` in the
 * granted scope, though it honours it with a refresh token (oauthlib
 * #562). On token and refresh responses, when the application asked for
 * offline_access and the granted scope leaves it out, it is added back,
 * so the token says what was granted and the session does not report a
 * scope change for it. Any other difference is left for the session to
 * report.
 */

#define DEFAULT_TENANT "common"

#define GRANT_TYPE_PROVIDER_MICROSOFT (grant_provider_microsoft_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderMicrosoft, grant_provider_microsoft, GRANT, PROVIDER_MICROSOFT, GrantProvider)

struct _GrantProviderMicrosoft
{
  GrantProvider  parent_instance;

  char          *tenant;
};

G_DEFINE_FINAL_TYPE (GrantProviderMicrosoft, grant_provider_microsoft, GRANT_TYPE_PROVIDER)

enum {
  PROP_0,
  PROP_TENANT,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
rebuild_endpoints (GrantProviderMicrosoft *self)
{
  /* A domain name or a GUID: nothing to escape, but a stray "/" or "?"
   * must not turn into another path or a query. */
  g_autofree char *segment = g_uri_escape_string (self->tenant, NULL, FALSE);
  g_autofree char *base = g_strconcat ("https://login.microsoftonline.com/", segment, "/oauth2/v2.0", NULL);
  g_autofree char *authorize = g_strconcat (base, "/authorize", NULL);
  g_autofree char *token = g_strconcat (base, "/token", NULL);
  g_autofree char *device = g_strconcat (base, "/devicecode", NULL);

  g_object_set (self,
                "authorization-url", authorize,
                "token-url", token,
                "device-authorization-url", device,
                NULL);
}

static void
grant_provider_microsoft_set_tenant (GrantProviderMicrosoft *self,
                                     const char             *tenant)
{
  if (tenant == NULL || *tenant == '\0')
    tenant = DEFAULT_TENANT;
  if (g_strcmp0 (self->tenant, tenant) == 0)
    return;

  g_free (self->tenant);
  self->tenant = g_strdup (tenant);
  /* Never before constructed (): tenant is not a construct property. */
  rebuild_endpoints (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TENANT]);
}

static gboolean
strv_contains (char       **strv,
               const char  *value)
{
  return strv != NULL && g_strv_contains ((const char * const *) strv, value);
}

static void
on_token_response (GrantOAuth2Session *session,
                   GrantResponse      *response,
                   gpointer            user_data)
{
  g_auto(GStrv) requested = NULL;
  g_auto(GStrv) granted = NULL;
  g_autoptr(JsonObject) token = NULL;
  g_autofree char *scope = NULL;
  JsonNode *node;

  if (grant_response_get_status (response) < 200 || grant_response_get_status (response) >= 300)
    return;

  g_object_get (session, "scope", &requested, NULL);
  if (!strv_contains (requested, "offline_access"))
    return;

  token = grant_response_get_json (response);
  if (token == NULL || !json_object_has_member (token, "access_token"))
    return;
  node = json_object_get_member (token, "scope");
  /* No scope at all means the scope asked for (RFC 6749 §5.1). */
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return;

  granted = g_strsplit_set (json_node_get_string (node), " ", -1);
  if (strv_contains (granted, "offline_access"))
    return;

  if (*json_node_get_string (node) == '\0')
    scope = g_strdup ("offline_access");
  else
    scope = g_strconcat (json_node_get_string (node), " offline_access", NULL);
  json_object_set_string_member (token, "scope", scope);
  grant_response_set_json (response, token);
}

static void
grant_provider_microsoft_configure_oauth2_session (GrantProvider      *provider,
                                                   GrantOAuth2Session *session)
{
  g_signal_connect (session, "access-token-response", G_CALLBACK (on_token_response), NULL);
  g_signal_connect (session, "refresh-token-response", G_CALLBACK (on_token_response), NULL);
}

static void
grant_provider_microsoft_constructed (GObject *object)
{
  GrantProviderMicrosoft *self = GRANT_PROVIDER_MICROSOFT (object);
  const char *scopes[] = { "openid", "profile", "offline_access", "User.Read", NULL };

  G_OBJECT_CLASS (grant_provider_microsoft_parent_class)->constructed (object);

  g_object_set (object,
                "id", "microsoft",
                "display-name", "Microsoft",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                "userinfo-url", "https://graph.microsoft.com/oidc/userinfo",
                "default-scopes", scopes,
                "scope-separator", " ",
                "client-auth", GRANT_CLIENT_AUTH_POST,
                "pkce-method", GRANT_PKCE_METHOD_S256,
                "documentation-url", "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow",
                NULL);
  rebuild_endpoints (self);
}

static void
grant_provider_microsoft_finalize (GObject *object)
{
  GrantProviderMicrosoft *self = GRANT_PROVIDER_MICROSOFT (object);

  g_free (self->tenant);
  G_OBJECT_CLASS (grant_provider_microsoft_parent_class)->finalize (object);
}

static void
grant_provider_microsoft_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  GrantProviderMicrosoft *self = GRANT_PROVIDER_MICROSOFT (object);

  switch (prop_id)
    {
    case PROP_TENANT:
      g_value_set_string (value, self->tenant);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_provider_microsoft_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  GrantProviderMicrosoft *self = GRANT_PROVIDER_MICROSOFT (object);

  switch (prop_id)
    {
    case PROP_TENANT:
      grant_provider_microsoft_set_tenant (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_provider_microsoft_class_init (GrantProviderMicrosoftClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = grant_provider_microsoft_constructed;
  object_class->finalize = grant_provider_microsoft_finalize;
  object_class->get_property = grant_provider_microsoft_get_property;
  object_class->set_property = grant_provider_microsoft_set_property;
  GRANT_PROVIDER_CLASS (klass)->configure_oauth2_session = grant_provider_microsoft_configure_oauth2_session;

  /*
   * GrantProviderMicrosoft:tenant:
   *
   * Whose accounts may sign in: `common` (any), `organizations` (work and
   * school), `consumers` (personal), or a tenant's GUID or domain name.
   * Setting it rebuilds the authorization, token and device endpoints;
   * sessions made before keep the endpoints they were given.
   */
  props[PROP_TENANT] =
    g_param_spec_string ("tenant", NULL, NULL, DEFAULT_TENANT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
grant_provider_microsoft_init (GrantProviderMicrosoft *self)
{
  self->tenant = g_strdup (DEFAULT_TENANT);
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_MICROSOFT, "microsoft", 10)
