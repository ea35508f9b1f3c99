/* grant-provider-registry-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "grant-provider-registry.h"

G_BEGIN_DECLS

GrantProvider *grant_provider_registry_lookup_for_protocol (const char              *provider_id,
                                                            GrantProviderProtocols   protocol,
                                                            GError                 **error);

G_END_DECLS
