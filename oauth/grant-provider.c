/* grant-provider.c: providers, and providers from a discovery document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "grant-enum-types.h"
#include "grant-error.h"
#include "grant-provider.h"

/**
 * GrantProvider:
 *
 * What Grant knows about an OAuth provider: its endpoints, the scopes to
 * ask for by default, how clients authenticate, whether it does PKCE,
 * where tokens go — and, in a subclass, the compliance fixes its servers
 * need, connected to each new session.
 *
 * Providers come from loadable modules (see [class@ProviderRegistry]),
 * from an issuer's discovery document ([func@Provider.new_from_issuer]),
 * or from the application, in C, Python or JavaScript:
 *
 * ```python
 * class Example(Grant.Provider):
 *     def do_configure_oauth2_session(self, session):
 *         session.connect("access-token-response", fix_token_type)
 *
 * Grant.ProviderRegistry.get_default().register(
 *     Example(id="example", display_name="Example",
 *             protocols=Grant.ProviderProtocols.OAUTH2,
 *             authorization_url="https://example.com/oauth/authorize",
 *             token_url="https://example.com/oauth/token"))
 * session = Grant.OAuth2Session.new_for_provider("example", "client-id", None)
 * ```
 */

typedef struct
{
  char                   *id;
  char                   *display_name;
  GrantProviderProtocols  protocols;
  char                   *endpoints[GRANT_ENDPOINT_ACCESS_TOKEN + 1];
  char                  **default_scopes;
  char                   *scope_separator;
  GrantClientAuth         client_auth;
  GrantPkceMethod         pkce_method;
  GrantTokenPlacement     token_placement;
  char                   *documentation_url;
  char                   *issuer;
} GrantProviderPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (GrantProvider, grant_provider, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_PROTOCOLS,
  PROP_AUTHORIZATION_URL,
  PROP_TOKEN_URL,
  PROP_REFRESH_URL,
  PROP_REVOCATION_URL,
  PROP_DEVICE_AUTHORIZATION_URL,
  PROP_USERINFO_URL,
  PROP_REQUEST_TOKEN_URL,
  PROP_OAUTH1_AUTHORIZATION_URL,
  PROP_ACCESS_TOKEN_URL,
  PROP_DEFAULT_SCOPES,
  PROP_SCOPE_SEPARATOR,
  PROP_CLIENT_AUTH,
  PROP_PKCE_METHOD,
  PROP_TOKEN_PLACEMENT,
  PROP_DOCUMENTATION_URL,
  PROP_ISSUER,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

#define ENDPOINT_FOR_PROP(prop) ((GrantEndpoint) ((prop) - PROP_AUTHORIZATION_URL))

static void
grant_provider_finalize (GObject *object)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (GRANT_PROVIDER (object));

  g_free (priv->id);
  g_free (priv->display_name);
  for (guint i = 0; i < G_N_ELEMENTS (priv->endpoints); i++)
    g_free (priv->endpoints[i]);
  g_strfreev (priv->default_scopes);
  g_free (priv->scope_separator);
  g_free (priv->documentation_url);
  g_free (priv->issuer);

  G_OBJECT_CLASS (grant_provider_parent_class)->finalize (object);
}

static void
grant_provider_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (GRANT_PROVIDER (object));

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, priv->id);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, priv->display_name);
      break;
    case PROP_PROTOCOLS:
      g_value_set_flags (value, priv->protocols);
      break;
    case PROP_AUTHORIZATION_URL:
    case PROP_TOKEN_URL:
    case PROP_REFRESH_URL:
    case PROP_REVOCATION_URL:
    case PROP_DEVICE_AUTHORIZATION_URL:
    case PROP_USERINFO_URL:
    case PROP_REQUEST_TOKEN_URL:
    case PROP_OAUTH1_AUTHORIZATION_URL:
    case PROP_ACCESS_TOKEN_URL:
      g_value_set_string (value, priv->endpoints[ENDPOINT_FOR_PROP (prop_id)]);
      break;
    case PROP_DEFAULT_SCOPES:
      g_value_set_boxed (value, priv->default_scopes);
      break;
    case PROP_SCOPE_SEPARATOR:
      g_value_set_string (value, priv->scope_separator);
      break;
    case PROP_CLIENT_AUTH:
      g_value_set_enum (value, priv->client_auth);
      break;
    case PROP_PKCE_METHOD:
      g_value_set_enum (value, priv->pkce_method);
      break;
    case PROP_TOKEN_PLACEMENT:
      g_value_set_enum (value, priv->token_placement);
      break;
    case PROP_DOCUMENTATION_URL:
      g_value_set_string (value, priv->documentation_url);
      break;
    case PROP_ISSUER:
      g_value_set_string (value, priv->issuer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_provider_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (GRANT_PROVIDER (object));

  switch (prop_id)
    {
    case PROP_ID:
      g_free (priv->id);
      priv->id = g_value_dup_string (value);
      break;
    case PROP_DISPLAY_NAME:
      g_free (priv->display_name);
      priv->display_name = g_value_dup_string (value);
      break;
    case PROP_PROTOCOLS:
      priv->protocols = g_value_get_flags (value);
      break;
    case PROP_AUTHORIZATION_URL:
    case PROP_TOKEN_URL:
    case PROP_REFRESH_URL:
    case PROP_REVOCATION_URL:
    case PROP_DEVICE_AUTHORIZATION_URL:
    case PROP_USERINFO_URL:
    case PROP_REQUEST_TOKEN_URL:
    case PROP_OAUTH1_AUTHORIZATION_URL:
    case PROP_ACCESS_TOKEN_URL:
      g_free (priv->endpoints[ENDPOINT_FOR_PROP (prop_id)]);
      priv->endpoints[ENDPOINT_FOR_PROP (prop_id)] = g_value_dup_string (value);
      break;
    case PROP_DEFAULT_SCOPES:
      g_strfreev (priv->default_scopes);
      priv->default_scopes = g_value_dup_boxed (value);
      break;
    case PROP_SCOPE_SEPARATOR:
      g_free (priv->scope_separator);
      priv->scope_separator = g_strdup (g_value_get_string (value) ? g_value_get_string (value) : " ");
      break;
    case PROP_CLIENT_AUTH:
      priv->client_auth = g_value_get_enum (value);
      break;
    case PROP_PKCE_METHOD:
      priv->pkce_method = g_value_get_enum (value);
      break;
    case PROP_TOKEN_PLACEMENT:
      priv->token_placement = g_value_get_enum (value);
      break;
    case PROP_DOCUMENTATION_URL:
      g_free (priv->documentation_url);
      priv->documentation_url = g_value_dup_string (value);
      break;
    case PROP_ISSUER:
      g_free (priv->issuer);
      priv->issuer = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_provider_real_configure_oauth2_session (GrantProvider      *self,
                                              GrantOAuth2Session *session)
{
}

static void
grant_provider_real_configure_oauth1_session (GrantProvider      *self,
                                              GrantOAuth1Session *session)
{
}

static GParamSpec *
url_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
}

static void
grant_provider_class_init (GrantProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS;

  object_class->finalize = grant_provider_finalize;
  object_class->get_property = grant_provider_get_property;
  object_class->set_property = grant_provider_set_property;

  klass->configure_oauth2_session = grant_provider_real_configure_oauth2_session;
  klass->configure_oauth1_session = grant_provider_real_configure_oauth1_session;

  /**
   * GrantProvider:id:
   *
   * The provider's id, such as `github`: what sessions are created for and
   * tokens are stored under.
   */
  props[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);

  /**
   * GrantProvider:display-name:
   *
   * The provider's name for people, such as `GitHub`.
   */
  props[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);

  /**
   * GrantProvider:protocols:
   *
   * The protocols the provider speaks.
   */
  props[PROP_PROTOCOLS] =
    g_param_spec_flags ("protocols", NULL, NULL, GRANT_TYPE_PROVIDER_PROTOCOLS,
                        GRANT_PROVIDER_PROTOCOLS_OAUTH2, flags);

  /**
   * GrantProvider:authorization-url:
   *
   * The OAuth 2 authorization endpoint.
   */
  props[PROP_AUTHORIZATION_URL] = url_property ("authorization-url");

  /**
   * GrantProvider:token-url:
   *
   * The OAuth 2 token endpoint.
   */
  props[PROP_TOKEN_URL] = url_property ("token-url");

  /**
   * GrantProvider:refresh-url:
   *
   * Where refreshes go, when it is not the token endpoint.
   */
  props[PROP_REFRESH_URL] = url_property ("refresh-url");

  /**
   * GrantProvider:revocation-url:
   *
   * The token revocation endpoint (RFC 7009).
   */
  props[PROP_REVOCATION_URL] = url_property ("revocation-url");

  /**
   * GrantProvider:device-authorization-url:
   *
   * The device authorization endpoint (RFC 8628).
   */
  props[PROP_DEVICE_AUTHORIZATION_URL] = url_property ("device-authorization-url");

  /**
   * GrantProvider:userinfo-url:
   *
   * Where to ask who the token belongs to.
   */
  props[PROP_USERINFO_URL] = url_property ("userinfo-url");

  /**
   * GrantProvider:request-token-url:
   *
   * The OAuth 1 temporary credentials endpoint.
   */
  props[PROP_REQUEST_TOKEN_URL] = url_property ("request-token-url");

  /**
   * GrantProvider:oauth1-authorization-url:
   *
   * The OAuth 1 resource owner authorization endpoint.
   */
  props[PROP_OAUTH1_AUTHORIZATION_URL] = url_property ("oauth1-authorization-url");

  /**
   * GrantProvider:access-token-url:
   *
   * The OAuth 1 token credentials endpoint.
   */
  props[PROP_ACCESS_TOKEN_URL] = url_property ("access-token-url");

  /**
   * GrantProvider:default-scopes:
   *
   * The scopes a session asks for unless the application says otherwise.
   */
  props[PROP_DEFAULT_SCOPES] = g_param_spec_boxed ("default-scopes", NULL, NULL, G_TYPE_STRV, flags);

  /**
   * GrantProvider:scope-separator:
   *
   * What the provider wants between scopes in a request: a space (RFC 6749)
   * or, for some, a comma.
   */
  props[PROP_SCOPE_SEPARATOR] = g_param_spec_string ("scope-separator", NULL, NULL, " ", flags);

  /**
   * GrantProvider:client-auth:
   *
   * How clients authenticate to the token endpoint.
   */
  props[PROP_CLIENT_AUTH] =
    g_param_spec_enum ("client-auth", NULL, NULL, GRANT_TYPE_CLIENT_AUTH,
                       GRANT_CLIENT_AUTH_AUTOMATIC, flags);

  /**
   * GrantProvider:pkce-method:
   *
   * The PKCE method the provider supports (%GRANT_PKCE_METHOD_NONE if it
   * supports none).
   */
  props[PROP_PKCE_METHOD] =
    g_param_spec_enum ("pkce-method", NULL, NULL, GRANT_TYPE_PKCE_METHOD,
                       GRANT_PKCE_METHOD_S256, flags);

  /**
   * GrantProvider:token-placement:
   *
   * Where protected requests carry the access token.
   */
  props[PROP_TOKEN_PLACEMENT] =
    g_param_spec_enum ("token-placement", NULL, NULL, GRANT_TYPE_TOKEN_PLACEMENT,
                       GRANT_TOKEN_PLACEMENT_HEADER, flags);

  /**
   * GrantProvider:documentation-url:
   *
   * Where the provider documents registering an application.
   */
  props[PROP_DOCUMENTATION_URL] = url_property ("documentation-url");

  /**
   * GrantProvider:issuer:
   *
   * The authorization server's issuer identifier, when it sends `iss` in
   * authorization responses (RFC 9207); sessions then check it.
   */
  props[PROP_ISSUER] = url_property ("issuer");

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
grant_provider_init (GrantProvider *self)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (self);

  priv->scope_separator = g_strdup (" ");
}

/**
 * grant_provider_get_id:
 * @self: a `GrantProvider`
 *
 * Gets [property@Provider:id].
 *
 * Returns: the id
 */
const char *
grant_provider_get_id (GrantProvider *self)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (self);

  g_return_val_if_fail (GRANT_IS_PROVIDER (self), NULL);
  return priv->id;
}

/**
 * grant_provider_get_display_name:
 * @self: a `GrantProvider`
 *
 * Gets [property@Provider:display-name].
 *
 * Returns: the name for people (the id if there is none)
 */
const char *
grant_provider_get_display_name (GrantProvider *self)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (self);

  g_return_val_if_fail (GRANT_IS_PROVIDER (self), NULL);
  return priv->display_name ? priv->display_name : priv->id;
}

/**
 * grant_provider_get_protocols:
 * @self: a `GrantProvider`
 *
 * Gets [property@Provider:protocols].
 *
 * Returns: the protocols
 */
GrantProviderProtocols
grant_provider_get_protocols (GrantProvider *self)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (self);

  g_return_val_if_fail (GRANT_IS_PROVIDER (self), GRANT_PROVIDER_PROTOCOLS_NONE);
  return priv->protocols;
}

/**
 * grant_provider_get_endpoint:
 * @self: a `GrantProvider`
 * @endpoint: which endpoint
 *
 * Gets one of the provider's URLs.
 *
 * Returns: (nullable): the URL, or %NULL if the provider has none
 */
const char *
grant_provider_get_endpoint (GrantProvider *self,
                             GrantEndpoint  endpoint)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (self);

  g_return_val_if_fail (GRANT_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (endpoint <= GRANT_ENDPOINT_ACCESS_TOKEN, NULL);
  return priv->endpoints[endpoint];
}

/**
 * grant_provider_get_default_scopes:
 * @self: a `GrantProvider`
 *
 * Gets [property@Provider:default-scopes].
 *
 * Returns: (nullable) (transfer none): the scopes
 */
const char * const *
grant_provider_get_default_scopes (GrantProvider *self)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (self);

  g_return_val_if_fail (GRANT_IS_PROVIDER (self), NULL);
  return (const char * const *) priv->default_scopes;
}

/**
 * grant_provider_get_scope_separator:
 * @self: a `GrantProvider`
 *
 * Gets [property@Provider:scope-separator].
 *
 * Returns: the separator
 */
const char *
grant_provider_get_scope_separator (GrantProvider *self)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (self);

  g_return_val_if_fail (GRANT_IS_PROVIDER (self), " ");
  return priv->scope_separator;
}

/**
 * grant_provider_get_client_auth:
 * @self: a `GrantProvider`
 *
 * Gets [property@Provider:client-auth].
 *
 * Returns: the client authentication method
 */
GrantClientAuth
grant_provider_get_client_auth (GrantProvider *self)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (self);

  g_return_val_if_fail (GRANT_IS_PROVIDER (self), GRANT_CLIENT_AUTH_AUTOMATIC);
  return priv->client_auth;
}

/**
 * grant_provider_get_pkce_method:
 * @self: a `GrantProvider`
 *
 * Gets [property@Provider:pkce-method].
 *
 * Returns: the PKCE method
 */
GrantPkceMethod
grant_provider_get_pkce_method (GrantProvider *self)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (self);

  g_return_val_if_fail (GRANT_IS_PROVIDER (self), GRANT_PKCE_METHOD_S256);
  return priv->pkce_method;
}

/**
 * grant_provider_get_token_placement:
 * @self: a `GrantProvider`
 *
 * Gets [property@Provider:token-placement].
 *
 * Returns: the token placement
 */
GrantTokenPlacement
grant_provider_get_token_placement (GrantProvider *self)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (self);

  g_return_val_if_fail (GRANT_IS_PROVIDER (self), GRANT_TOKEN_PLACEMENT_HEADER);
  return priv->token_placement;
}

/**
 * grant_provider_get_documentation_url:
 * @self: a `GrantProvider`
 *
 * Gets [property@Provider:documentation-url].
 *
 * Returns: (nullable): the URL
 */
const char *
grant_provider_get_documentation_url (GrantProvider *self)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (self);

  g_return_val_if_fail (GRANT_IS_PROVIDER (self), NULL);
  return priv->documentation_url;
}

/**
 * grant_provider_get_issuer:
 * @self: a `GrantProvider`
 *
 * Gets [property@Provider:issuer].
 *
 * Returns: (nullable): the issuer
 */
const char *
grant_provider_get_issuer (GrantProvider *self)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (self);

  g_return_val_if_fail (GRANT_IS_PROVIDER (self), NULL);
  return priv->issuer;
}

/**
 * grant_provider_configure_oauth2_session:
 * @self: a `GrantProvider`
 * @session: a new session
 *
 * Gives @session the provider's endpoints and defaults, then lets the
 * provider connect its compliance fixes. The application can change any of
 * it afterwards.
 */
void
grant_provider_configure_oauth2_session (GrantProvider      *self,
                                         GrantOAuth2Session *session)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (self);

  g_return_if_fail (GRANT_IS_PROVIDER (self));
  g_return_if_fail (GRANT_IS_OAUTH2_SESSION (session));

  g_object_set (session,
                "provider", priv->id,
                "authorization-endpoint", priv->endpoints[GRANT_ENDPOINT_AUTHORIZATION],
                "token-url", priv->endpoints[GRANT_ENDPOINT_TOKEN],
                "refresh-url", priv->endpoints[GRANT_ENDPOINT_REFRESH],
                "scope-separator", priv->scope_separator,
                "client-auth", priv->client_auth,
                "pkce-method", priv->pkce_method,
                "token-placement", priv->token_placement,
                "issuer", priv->issuer,
                NULL);
  if (priv->default_scopes != NULL)
    g_object_set (session, "scope", priv->default_scopes, NULL);

  GRANT_PROVIDER_GET_CLASS (self)->configure_oauth2_session (self, session);
}

/**
 * grant_provider_configure_oauth1_session:
 * @self: a `GrantProvider`
 * @session: a new session
 *
 * Gives @session the provider's OAuth 1 endpoints, then lets the provider
 * connect its fixes.
 */
void
grant_provider_configure_oauth1_session (GrantProvider      *self,
                                         GrantOAuth1Session *session)
{
  GrantProviderPrivate *priv = grant_provider_get_instance_private (self);

  g_return_if_fail (GRANT_IS_PROVIDER (self));
  g_return_if_fail (GRANT_IS_OAUTH1_SESSION (session));

  g_object_set (session,
                "provider", priv->id,
                "request-token-url", priv->endpoints[GRANT_ENDPOINT_REQUEST_TOKEN],
                "authorization-endpoint", priv->endpoints[GRANT_ENDPOINT_OAUTH1_AUTHORIZATION],
                "access-token-url", priv->endpoints[GRANT_ENDPOINT_ACCESS_TOKEN],
                NULL);

  GRANT_PROVIDER_GET_CLASS (self)->configure_oauth1_session (self, session);
}

/**
 * grant_provider_ensure_extension_point:
 *
 * Registers the `grant-provider` GIO extension point, once. Provider
 * modules call it from `g_io_module_load()` before implementing it.
 */
void
grant_provider_ensure_extension_point (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      GIOExtensionPoint *point = g_io_extension_point_register (GRANT_PROVIDER_EXTENSION_POINT_NAME);

      g_io_extension_point_set_required_type (point, GRANT_TYPE_PROVIDER);
      g_once_init_leave (&done, 1);
    }
}
