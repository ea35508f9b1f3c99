/* grant-provider-ebay.c: eBay
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>

#include "grant.h"

/*
 * eBay's REST APIs: authorization code for User tokens and client
 * credentials for Application tokens, the App ID and Cert ID in HTTP
 * Basic, scopes space-separated URLs, no PKCE. The `redirect_uri` eBay
 * wants is not a URL but the app's RuName (eBay Redirect URL name); eBay
 * then redirects to the "auth accepted URL" registered with it. The
 * sandbox has its own hosts (auth.sandbox.ebay.com and
 * api.sandbox.ebay.com): set them on the session.
 *
 * Fixes:
 *
 * - access-token-response and refresh-token-response
 *   (requests-oauthlib's ebay_compliance_fix): eBay calls its tokens
 *   `"token_type": "Application Access Token"` and `"User Access Token"`;
 *   both are Bearer tokens and become `Bearer`. Other types are left as
 *   they are.
 * - refresh-token-request: eBay's refresh request takes the scopes (the
 *   same as, or fewer than, those granted); when the request has no
 *   `scope` and the session has scopes, they are added.
 */

#define GRANT_TYPE_PROVIDER_EBAY (grant_provider_ebay_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderEbay, grant_provider_ebay, GRANT, PROVIDER_EBAY, GrantProvider)

struct _GrantProviderEbay
{
  GrantProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (GrantProviderEbay, grant_provider_ebay, GRANT_TYPE_PROVIDER)

static void
on_token_response (GrantOAuth2Session *session,
                   GrantResponse      *response,
                   gpointer            user_data)
{
  g_autoptr(JsonObject) object = grant_response_get_json (response);
  JsonNode *node;
  const char *type;

  if (object == NULL)
    return;
  node = json_object_get_member (object, "token_type");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return;
  type = json_node_get_string (node);
  if (g_strcmp0 (type, "Application Access Token") != 0 && g_strcmp0 (type, "User Access Token") != 0)
    return;

  json_object_set_string_member (object, "token_type", "Bearer");
  grant_response_set_json (response, object);
}

static void
on_refresh_token_request (GrantOAuth2Session *session,
                          GrantRequest       *request,
                          gpointer            user_data)
{
  g_auto(GStrv) scope = NULL;
  g_autofree char *separator = NULL;
  g_autofree char *given = NULL;
  g_autofree char *joined = NULL;

  if (g_strcmp0 (grant_request_get_method (request), "POST") != 0)
    return;
  given = grant_request_get_form_value (request, "scope");
  if (given != NULL)
    return;
  g_object_get (session, "scope", &scope, "scope-separator", &separator, NULL);
  if (scope == NULL || scope[0] == NULL)
    return;
  joined = g_strjoinv (separator ? separator : " ", scope);
  grant_request_set_form_value (request, "scope", joined);
}

static void
grant_provider_ebay_configure_oauth2_session (GrantProvider      *provider,
                                              GrantOAuth2Session *session)
{
  g_signal_connect (session, "access-token-response", G_CALLBACK (on_token_response), NULL);
  g_signal_connect (session, "refresh-token-response", G_CALLBACK (on_token_response), NULL);
  g_signal_connect (session, "refresh-token-request", G_CALLBACK (on_refresh_token_request), NULL);
}

static void
grant_provider_ebay_constructed (GObject *object)
{
  const char *scopes[] = { "https://api.ebay.com/oauth/api_scope", NULL };

  G_OBJECT_CLASS (grant_provider_ebay_parent_class)->constructed (object);

  g_object_set (object,
                "id", "ebay",
                "display-name", "eBay",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                "authorization-url", "https://auth.ebay.com/oauth2/authorize",
                "token-url", "https://api.ebay.com/identity/v1/oauth2/token",
                "userinfo-url", "https://apiz.ebay.com/commerce/identity/v1/user/",
                "default-scopes", scopes,
                "scope-separator", " ",
                "client-auth", GRANT_CLIENT_AUTH_BASIC,
                "pkce-method", GRANT_PKCE_METHOD_NONE,
                "token-placement", GRANT_TOKEN_PLACEMENT_HEADER,
                "documentation-url", "https://developer.ebay.com/api-docs/static/oauth-authorization-code-grant.html",
                NULL);
}

static void
grant_provider_ebay_class_init (GrantProviderEbayClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = grant_provider_ebay_constructed;
  GRANT_PROVIDER_CLASS (klass)->configure_oauth2_session = grant_provider_ebay_configure_oauth2_session;
}

static void
grant_provider_ebay_init (GrantProviderEbay *self)
{
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_EBAY, "ebay", 10)
