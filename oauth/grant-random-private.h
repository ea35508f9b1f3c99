/* grant-random-private.h: secrets from the system CSPRNG, and their disposal
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void   grant_random_fill  (guint8 *buffer,
                           gsize   length);
void   grant_random_nonce_hex (char  *out,
                               gsize  n_bytes);

void   grant_secret_wipe  (char   *secret);
void   grant_secret_free  (char   *secret);

G_END_DECLS
