/* grant-memory-store.h: tokens kept in memory only
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_GRANT_INSIDE) && !defined(GRANT_COMPILATION)
#error "Only <grant.h> can be included directly."
#endif

#include "grant-token-store.h"

G_BEGIN_DECLS

#define GRANT_TYPE_MEMORY_STORE (grant_memory_store_get_type ())

GRANT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GrantMemoryStore, grant_memory_store, GRANT, MEMORY_STORE, GObject)

GRANT_AVAILABLE_IN_ALL
GrantMemoryStore *grant_memory_store_new (void);

G_END_DECLS
