/* grant-provider-instagram.c: Instagram (Instagram API with Instagram Login)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <gio/gio.h>

#include "grant.h"

/*
 * The Instagram API with Instagram Login (Business Login for Instagram),
 * for professional (business and creator) accounts: authorization code,
 * the Instagram app id and secret in the body, `instagram_business_*`
 * scopes comma-separated, https redirect URIs only. The code buys a
 * short-lived (one hour) token; the long-lived exchange and its refresh
 * are plain GET requests to graph.instagram.com carrying the token, which
 * the fix below adds.
 *
 * Fixes, on every session:
 *
 * - protected-request (requests-oauthlib's instagram_compliance_fix):
 *   `access_token=<token>` is added to the URL's query unless the query
 *   already has a non-empty `access_token`, which is kept. The
 *   Authorization header is still sent.
 * - access-token-response: Meta documents the code exchange's answer
 *   wrapped as `{"data": [{"access_token": …, "user_id": …,
 *   "permissions": …}]}`; when there is no top-level `access_token` and
 *   `data` holds one object that has one, its members are lifted to the
 *   top level. A flat answer is read as it is.
 */

#define GRANT_TYPE_PROVIDER_INSTAGRAM (grant_provider_instagram_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderInstagram, grant_provider_instagram, GRANT, PROVIDER_INSTAGRAM, GrantProvider)

struct _GrantProviderInstagram
{
  GrantProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (GrantProviderInstagram, grant_provider_instagram, GRANT_TYPE_PROVIDER)

/* Whether the request's query already has @name with a non-empty value
 * (an empty one counts as none, as in requests-oauthlib, whose parse_qs
 * drops it). */
static gboolean
query_has_value (GrantRequest *request,
                 const char   *name)
{
  g_autofree char *value = grant_request_get_query_value (request, name);

  return value != NULL && *value != '\0';
}

static void
on_protected_request (GrantOAuth2Session *session,
                      GrantRequest       *request,
                      gpointer            user_data)
{
  g_autoptr(GrantToken) token = grant_oauth2_session_get_token (session);
  const char *access_token = token ? grant_token_get_access_token (token) : NULL;

  if (access_token == NULL || *access_token == '\0')
    return;
  if (query_has_value (request, "access_token"))
    return;

  grant_request_set_query_value (request, "access_token", access_token);
}

static void
on_access_token_response (GrantOAuth2Session *session,
                          GrantResponse      *response,
                          gpointer            user_data)
{
  g_autoptr(JsonObject) object = grant_response_get_json (response);
  JsonNode *data;
  JsonArray *array;
  JsonNode *first;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (object == NULL || json_object_has_member (object, "access_token"))
    return;

  data = json_object_get_member (object, "data");
  if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data))
    return;
  array = json_node_get_array (data);
  if (json_array_get_length (array) != 1)
    return;
  first = json_array_get_element (array, 0);
  if (!JSON_NODE_HOLDS_OBJECT (first) ||
      !json_object_has_member (json_node_get_object (first), "access_token"))
    return;

  json_object_iter_init (&iter, json_node_get_object (first));
  while (json_object_iter_next (&iter, &name, &node))
    if (!json_object_has_member (object, name))
      json_object_set_member (object, name, json_node_copy (node));
  json_object_remove_member (object, "data");
  grant_response_set_json (response, object);
}

static void
grant_provider_instagram_configure_oauth2_session (GrantProvider      *provider,
                                                   GrantOAuth2Session *session)
{
  g_signal_connect (session, "protected-request", G_CALLBACK (on_protected_request), NULL);
  g_signal_connect (session, "access-token-response", G_CALLBACK (on_access_token_response), NULL);
}

static void
grant_provider_instagram_constructed (GObject *object)
{
  const char *scopes[] = { "instagram_business_basic", NULL };

  G_OBJECT_CLASS (grant_provider_instagram_parent_class)->constructed (object);

  g_object_set (object,
                "id", "instagram",
                "display-name", "Instagram",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                "authorization-url", "https://www.instagram.com/oauth/authorize",
                "token-url", "https://api.instagram.com/oauth/access_token",
                "userinfo-url", "https://graph.instagram.com/me",
                "default-scopes", scopes,
                "scope-separator", ",",
                "client-auth", GRANT_CLIENT_AUTH_POST,
                "pkce-method", GRANT_PKCE_METHOD_NONE,
                "token-placement", GRANT_TOKEN_PLACEMENT_HEADER,
                "documentation-url", "https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login",
                NULL);
}

static void
grant_provider_instagram_class_init (GrantProviderInstagramClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = grant_provider_instagram_constructed;
  GRANT_PROVIDER_CLASS (klass)->configure_oauth2_session = grant_provider_instagram_configure_oauth2_session;
}

static void
grant_provider_instagram_init (GrantProviderInstagram *self)
{
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_INSTAGRAM, "instagram", 10)
