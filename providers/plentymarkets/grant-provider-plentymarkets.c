/* grant-provider-plentymarkets.c: plentymarkets (PlentyONE)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <gio/gio.h>

#include "grant.h"

/*
 * The plentymarkets REST API: every shop is its own server, so the token
 * endpoint is per shop (the "shop-url" property: SHOP/rest/login, with
 * refreshes at SHOP/rest/login/refresh). A token comes from a back-end
 * user's name and password (the password grant; there is no client id or
 * secret and no authorization step), so sessions for this provider are
 * %GRANT_CLIENT_TYPE_LEGACY_APPLICATION clients.
 *
 * Fix (requests-oauthlib's plentymarkets_compliance_fix), on
 * access-token-response and refresh-token-response: plentymarkets answers
 * `{"accessToken", "tokenType", "expiresIn", "refreshToken"}`. When the
 * status is 200 and the Content-Type contains `application/json`, every
 * key of the object is renamed exactly as Python's
 * `re.sub("(.)([A-Z][a-z]+)", r"\1_\2", key).lower()` does (values are
 * untouched): `accessToken` becomes `access_token`. It is that one rule
 * and no more: `HTTPResponseCode` becomes `http_responsecode`.
 */

#define DEFAULT_SHOP_URL "https://shop.plentymarkets-cloud02.com"

#define GRANT_TYPE_PROVIDER_PLENTYMARKETS (grant_provider_plentymarkets_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderPlentymarkets, grant_provider_plentymarkets, GRANT, PROVIDER_PLENTYMARKETS, GrantProvider)

struct _GrantProviderPlentymarkets
{
  GrantProvider parent_instance;

  char *shop_url;
};

G_DEFINE_FINAL_TYPE (GrantProviderPlentymarkets, grant_provider_plentymarkets, GRANT_TYPE_PROVIDER)

enum {
  PROP_0,
  PROP_SHOP_URL,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

/* Python's re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name).lower(). "." does
 * not match "\n" in Python, hence NEWLINE_LF. */
static char *
to_snake_case (GRegex     *regex,
               const char *name)
{
  g_autofree char *split = g_regex_replace (regex, name, -1, 0, "\\1_\\2", 0, NULL);

  if (split == NULL)
    return g_utf8_strdown (name, -1);
  return g_utf8_strdown (split, -1);
}

static void
on_token_response (GrantOAuth2Session *session,
                   GrantResponse      *response,
                   gpointer            user_data)
{
  const char *content_type = soup_message_headers_get_one (grant_response_get_headers (response),
                                                           "Content-Type");
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonObject) fixed = NULL;
  g_autoptr(GRegex) regex = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (grant_response_get_status (response) != 200 || content_type == NULL ||
      strstr (content_type, "application/json") == NULL)
    return;
  object = grant_response_get_json (response);
  if (object == NULL)
    return;

  regex = g_regex_new ("(.)([A-Z][a-z]+)", G_REGEX_NEWLINE_LF, 0, NULL);
  g_return_if_fail (regex != NULL);

  fixed = json_object_new ();
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    {
      g_autofree char *snake = to_snake_case (regex, name);

      json_object_set_member (fixed, snake, json_node_copy (node));
    }
  grant_response_set_json (response, fixed);
}

static void
update_endpoints (GrantProviderPlentymarkets *self)
{
  g_autofree char *token_url = g_strconcat (self->shop_url, "/rest/login", NULL);
  g_autofree char *refresh_url = g_strconcat (self->shop_url, "/rest/login/refresh", NULL);

  g_object_set (self,
                "token-url", token_url,
                "refresh-url", refresh_url,
                NULL);
}

static void
set_shop_url (GrantProviderPlentymarkets *self,
              const char                 *shop_url)
{
  g_autofree char *url = g_strdup (shop_url && *shop_url ? shop_url : DEFAULT_SHOP_URL);
  gsize len = strlen (url);

  /* "https://shop.example/" and "https://shop.example" are one shop. */
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';
  if (g_strcmp0 (url, self->shop_url) == 0)
    return;
  g_free (self->shop_url);
  self->shop_url = g_steal_pointer (&url);
  update_endpoints (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SHOP_URL]);
}

static void
grant_provider_plentymarkets_configure_oauth2_session (GrantProvider      *provider,
                                                       GrantOAuth2Session *session)
{
  g_object_set (session, "client-type", GRANT_CLIENT_TYPE_LEGACY_APPLICATION, NULL);
  g_signal_connect (session, "access-token-response", G_CALLBACK (on_token_response), NULL);
  g_signal_connect (session, "refresh-token-response", G_CALLBACK (on_token_response), NULL);
}

static void
grant_provider_plentymarkets_get_property (GObject    *object,
                                           guint       prop_id,
                                           GValue     *value,
                                           GParamSpec *pspec)
{
  GrantProviderPlentymarkets *self = GRANT_PROVIDER_PLENTYMARKETS (object);

  switch (prop_id)
    {
    case PROP_SHOP_URL:
      g_value_set_string (value, self->shop_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_provider_plentymarkets_set_property (GObject      *object,
                                           guint         prop_id,
                                           const GValue *value,
                                           GParamSpec   *pspec)
{
  GrantProviderPlentymarkets *self = GRANT_PROVIDER_PLENTYMARKETS (object);

  switch (prop_id)
    {
    case PROP_SHOP_URL:
      set_shop_url (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_provider_plentymarkets_constructed (GObject *object)
{
  GrantProviderPlentymarkets *self = GRANT_PROVIDER_PLENTYMARKETS (object);

  G_OBJECT_CLASS (grant_provider_plentymarkets_parent_class)->constructed (object);

  g_object_set (object,
                "id", "plentymarkets",
                "display-name", "plentymarkets",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                "client-auth", GRANT_CLIENT_AUTH_AUTOMATIC,
                "pkce-method", GRANT_PKCE_METHOD_NONE,
                "token-placement", GRANT_TOKEN_PLACEMENT_HEADER,
                "documentation-url", "https://developers.plentymarkets.com/en-gb/developers/main/rest-api-guides/getting-started.html",
                NULL);
  update_endpoints (self);
}

static void
grant_provider_plentymarkets_finalize (GObject *object)
{
  GrantProviderPlentymarkets *self = GRANT_PROVIDER_PLENTYMARKETS (object);

  g_free (self->shop_url);
  G_OBJECT_CLASS (grant_provider_plentymarkets_parent_class)->finalize (object);
}

static void
grant_provider_plentymarkets_class_init (GrantProviderPlentymarketsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = grant_provider_plentymarkets_constructed;
  object_class->finalize = grant_provider_plentymarkets_finalize;
  object_class->get_property = grant_provider_plentymarkets_get_property;
  object_class->set_property = grant_provider_plentymarkets_set_property;
  GRANT_PROVIDER_CLASS (klass)->configure_oauth2_session = grant_provider_plentymarkets_configure_oauth2_session;

  /*
   * GrantProviderPlentymarkets:shop-url:
   *
   * The shop's address (Setup » Settings » API » Data shows it): the
   * token endpoint is `SHOP/rest/login` and refreshes go to
   * `SHOP/rest/login/refresh`. Setting it sets
   * [property@Provider:token-url] and [property@Provider:refresh-url].
   */
  props[PROP_SHOP_URL] =
    g_param_spec_string ("shop-url", NULL, NULL, DEFAULT_SHOP_URL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
grant_provider_plentymarkets_init (GrantProviderPlentymarkets *self)
{
  self->shop_url = g_strdup (DEFAULT_SHOP_URL);
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_PLENTYMARKETS, "plentymarkets", 10)
