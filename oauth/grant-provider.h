/* grant-provider.h: what Grant knows about an OAuth provider
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_GRANT_INSIDE) && !defined(GRANT_COMPILATION)
#error "Only <grant.h> can be included directly."
#endif

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "grant-oauth1-session.h"
#include "grant-oauth2-session.h"
#include "grant-version.h"

G_BEGIN_DECLS

/**
 * GrantProviderProtocols:
 * @GRANT_PROVIDER_PROTOCOLS_NONE: none (not a usable provider).
 * @GRANT_PROVIDER_PROTOCOLS_OAUTH1: the provider speaks OAuth 1.0a.
 * @GRANT_PROVIDER_PROTOCOLS_OAUTH2: the provider speaks OAuth 2.
 *
 * The protocols a provider speaks.
 */
typedef enum /*< flags >*/ {
  GRANT_PROVIDER_PROTOCOLS_NONE = 0,
  GRANT_PROVIDER_PROTOCOLS_OAUTH1 = 1 << 0,
  GRANT_PROVIDER_PROTOCOLS_OAUTH2 = 1 << 1,
} GrantProviderProtocols;

/**
 * GrantEndpoint:
 * @GRANT_ENDPOINT_AUTHORIZATION: OAuth 2 authorization endpoint.
 * @GRANT_ENDPOINT_TOKEN: OAuth 2 token endpoint.
 * @GRANT_ENDPOINT_REFRESH: where refreshes go, when not the token endpoint.
 * @GRANT_ENDPOINT_REVOCATION: RFC 7009 revocation endpoint.
 * @GRANT_ENDPOINT_DEVICE_AUTHORIZATION: RFC 8628 device authorization endpoint.
 * @GRANT_ENDPOINT_USERINFO: who the token belongs to (OpenID Connect
 *   userinfo or the provider's equivalent).
 * @GRANT_ENDPOINT_REQUEST_TOKEN: OAuth 1 temporary credentials endpoint.
 * @GRANT_ENDPOINT_OAUTH1_AUTHORIZATION: OAuth 1 resource owner authorization.
 * @GRANT_ENDPOINT_ACCESS_TOKEN: OAuth 1 token credentials endpoint.
 *
 * The URLs a provider may have.
 */
typedef enum {
  GRANT_ENDPOINT_AUTHORIZATION,
  GRANT_ENDPOINT_TOKEN,
  GRANT_ENDPOINT_REFRESH,
  GRANT_ENDPOINT_REVOCATION,
  GRANT_ENDPOINT_DEVICE_AUTHORIZATION,
  GRANT_ENDPOINT_USERINFO,
  GRANT_ENDPOINT_REQUEST_TOKEN,
  GRANT_ENDPOINT_OAUTH1_AUTHORIZATION,
  GRANT_ENDPOINT_ACCESS_TOKEN,
} GrantEndpoint;

#define GRANT_TYPE_PROVIDER (grant_provider_get_type ())

GRANT_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (GrantProvider, grant_provider, GRANT, PROVIDER, GObject)

/**
 * GrantProviderClass:
 * @parent_class: the parent class
 * @configure_oauth2_session: connects the provider's compliance fixes to a
 *   new OAuth 2 session (after its endpoints and defaults are set)
 * @configure_oauth1_session: the same for an OAuth 1 session
 *
 * Subclass `GrantProvider` — in C, Python or JavaScript — to describe a
 * provider and the fixes it needs.
 */
struct _GrantProviderClass
{
  GObjectClass parent_class;

  void (*configure_oauth2_session) (GrantProvider      *self,
                                    GrantOAuth2Session *session);
  void (*configure_oauth1_session) (GrantProvider      *self,
                                    GrantOAuth1Session *session);

  /*< private >*/
  gpointer padding[8];
};

GRANT_AVAILABLE_IN_ALL
const char             *grant_provider_get_id                (GrantProvider *self);
GRANT_AVAILABLE_IN_ALL
const char             *grant_provider_get_display_name      (GrantProvider *self);
GRANT_AVAILABLE_IN_ALL
GrantProviderProtocols  grant_provider_get_protocols         (GrantProvider *self);
GRANT_AVAILABLE_IN_ALL
const char             *grant_provider_get_endpoint          (GrantProvider *self,
                                                              GrantEndpoint  endpoint);
GRANT_AVAILABLE_IN_ALL
const char * const     *grant_provider_get_default_scopes    (GrantProvider *self);
GRANT_AVAILABLE_IN_ALL
const char             *grant_provider_get_scope_separator   (GrantProvider *self);
GRANT_AVAILABLE_IN_ALL
GrantClientAuth         grant_provider_get_client_auth       (GrantProvider *self);
GRANT_AVAILABLE_IN_ALL
GrantPkceMethod         grant_provider_get_pkce_method       (GrantProvider *self);
GRANT_AVAILABLE_IN_ALL
GrantTokenPlacement     grant_provider_get_token_placement   (GrantProvider *self);
GRANT_AVAILABLE_IN_ALL
const char             *grant_provider_get_documentation_url (GrantProvider *self);
GRANT_AVAILABLE_IN_ALL
const char             *grant_provider_get_issuer            (GrantProvider *self);

GRANT_AVAILABLE_IN_ALL
void                    grant_provider_configure_oauth2_session (GrantProvider      *self,
                                                                 GrantOAuth2Session *session);
GRANT_AVAILABLE_IN_ALL
void                    grant_provider_configure_oauth1_session (GrantProvider      *self,
                                                                 GrantOAuth1Session *session);

GRANT_AVAILABLE_IN_ALL
GrantProvider          *grant_provider_new_from_issuer          (const char          *issuer,
                                                                 SoupSession         *soup_session,
                                                                 GCancellable        *cancellable,
                                                                 GError             **error);
GRANT_AVAILABLE_IN_ALL
void                    grant_provider_new_from_issuer_async    (const char          *issuer,
                                                                 SoupSession         *soup_session,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
GRANT_AVAILABLE_IN_ALL
GrantProvider          *grant_provider_new_from_issuer_finish   (GAsyncResult        *result,
                                                                 GError             **error);

/**
 * GRANT_PROVIDER_EXTENSION_POINT_NAME:
 *
 * The GIO extension point provider modules implement, with the provider's
 * id as the extension name.
 */
#define GRANT_PROVIDER_EXTENSION_POINT_NAME "grant-provider"

GRANT_AVAILABLE_IN_ALL
void                    grant_provider_ensure_extension_point (void);

/**
 * GRANT_PROVIDER_DEFINE_MODULE:
 * @type: the provider's type, a subclass of [class@Provider]
 * @id: the provider's id, a string
 * @priority: the extension's priority; when two modules claim one id,
 *   the higher wins (Grant's own modules use 10)
 *
 * Defines the entry points of a loadable provider module, in C: a module
 * is one source file with its `GrantProvider` subclass and this line at
 * the end.
 *
 * ```c
 * GRANT_PROVIDER_DEFINE_MODULE (MY_TYPE_PROVIDER_EXAMPLE, "example", 10)
 * ```
 *
 * The module stays loaded once loaded, since its type is registered
 * statically; loading it again (a second registry) changes nothing.
 */
#define GRANT_PROVIDER_DEFINE_MODULE(type, id, priority)                          \
  G_MODULE_EXPORT void g_io_module_load (GIOModule *module);                     \
  G_MODULE_EXPORT void g_io_module_unload (GIOModule *module);                   \
  G_MODULE_EXPORT char **g_io_module_query (void);                               \
                                                                                 \
  void                                                                           \
  g_io_module_load (GIOModule *module)                                           \
  {                                                                              \
    g_type_module_use (G_TYPE_MODULE (module));                                  \
    grant_provider_ensure_extension_point ();                                    \
    g_io_extension_point_implement (GRANT_PROVIDER_EXTENSION_POINT_NAME,         \
                                    (type), (id), (priority));                   \
  }                                                                              \
                                                                                 \
  void                                                                           \
  g_io_module_unload (G_GNUC_UNUSED GIOModule *module)                           \
  {                                                                              \
  }                                                                              \
                                                                                 \
  char **                                                                        \
  g_io_module_query (void)                                                       \
  {                                                                              \
    char *points[] = { (char *) GRANT_PROVIDER_EXTENSION_POINT_NAME, NULL };     \
                                                                                 \
    return g_strdupv (points);                                                   \
  }

G_END_DECLS
