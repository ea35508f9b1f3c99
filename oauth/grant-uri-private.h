/* grant-uri-private.h: origin checks for credentials and redirects
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean grant_uri_same_origin   (GUri       *a,
                                  GUri       *b);
gboolean grant_method_has_body   (const char *method);
GUri    *grant_uri_parse_http    (const char *text,
                                  GError    **error);

G_END_DECLS
