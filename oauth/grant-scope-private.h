/* grant-scope-private.h: OAuth 2 scope lists
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     **grant_scope_parse  (const char         *text);
char      *grant_scope_join   (const char * const *scope);
gboolean   grant_scope_equal  (const char * const *a,
                               const char * const *b);

G_END_DECLS
