/* grant-secret-store.h: tokens in the Secret Service (GNOME Keyring, KWallet)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_GRANT_INSIDE) && !defined(GRANT_COMPILATION)
#error "Only <grant.h> can be included directly."
#endif

#include "grant-token-store.h"

G_BEGIN_DECLS

#define GRANT_TYPE_SECRET_STORE (grant_secret_store_get_type ())

GRANT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GrantSecretStore, grant_secret_store, GRANT, SECRET_STORE, GObject)

GRANT_AVAILABLE_IN_ALL
GrantSecretStore *grant_secret_store_new                   (void);
GRANT_AVAILABLE_IN_ALL
gboolean          grant_secret_store_is_service_available  (GCancellable  *cancellable);

G_END_DECLS
