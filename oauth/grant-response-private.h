/* grant-response-private.h: reading token responses, form or JSON
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  GRANT_RESPONSE_EMPTY,
  GRANT_RESPONSE_FORM,
  GRANT_RESPONSE_JSON,
  GRANT_RESPONSE_UNREADABLE,
} GrantResponseFormat;

GrantResponseFormat grant_response_parse_params (GBytes     *body,
                                                 GPtrArray  *params);

G_END_DECLS
