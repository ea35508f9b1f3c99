/* grant-token-store-private.h: what the stores share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "grant-token-store.h"

G_BEGIN_DECLS

const char    *grant_protocol_to_string   (GrantProtocol  protocol);
GrantProtocol  grant_protocol_from_string (const char    *text);

G_END_DECLS
