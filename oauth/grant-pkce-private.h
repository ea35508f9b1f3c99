/* grant-pkce-private.h: PKCE (RFC 7636) and the state parameter
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GRANT_PKCE_VERIFIER_LENGTH 64

char     *grant_pkce_new_verifier    (gsize       length);
char     *grant_pkce_s256_challenge  (const char *verifier);
gboolean  grant_pkce_verifier_valid  (const char *verifier);
char     *grant_state_new            (void);
gboolean  grant_secure_equal         (const char *a,
                                      const char *b);

G_END_DECLS
