/* grant-body-private.h: token response bodies, form or JSON
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  GRANT_BODY_EMPTY,
  GRANT_BODY_FORM,
  GRANT_BODY_JSON,
  GRANT_BODY_UNREADABLE,
} GrantBodyFormat;

GrantBodyFormat grant_body_parse_params (GBytes     *body,
                                                 GPtrArray  *params);
const char     *grant_json_string_member (JsonObject *object,
                                          const char *name);
JsonNode       *grant_json_node_deep_copy   (JsonNode   *node);
char           *grant_json_node_to_string   (JsonNode   *node);
JsonObject     *grant_json_object_deep_copy (JsonObject *object);

G_END_DECLS
