/* grant-provider-registry.h: the providers Grant knows
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_GRANT_INSIDE) && !defined(GRANT_COMPILATION)
#error "Only <grant.h> can be included directly."
#endif

#include "grant-provider.h"

G_BEGIN_DECLS

#define GRANT_TYPE_PROVIDER_REGISTRY (grant_provider_registry_get_type ())

GRANT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GrantProviderRegistry, grant_provider_registry, GRANT, PROVIDER_REGISTRY, GObject)

GRANT_AVAILABLE_IN_ALL
GrantProviderRegistry *grant_provider_registry_get_default  (void);
GRANT_AVAILABLE_IN_ALL
GrantProvider         *grant_provider_registry_lookup       (GrantProviderRegistry *self,
                                                             const char            *id);
GRANT_AVAILABLE_IN_ALL
GPtrArray             *grant_provider_registry_list         (GrantProviderRegistry *self);
GRANT_AVAILABLE_IN_ALL
void                   grant_provider_registry_register     (GrantProviderRegistry *self,
                                                             GrantProvider         *provider);
GRANT_AVAILABLE_IN_ALL
void                   grant_provider_registry_add_directory (GrantProviderRegistry *self,
                                                              const char            *directory);

G_END_DECLS
