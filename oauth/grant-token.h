/* grant-token.h: an OAuth 2 token
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_GRANT_INSIDE) && !defined(GRANT_COMPILATION)
#error "Only <grant.h> can be included directly."
#endif

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "grant-version.h"

G_BEGIN_DECLS

#define GRANT_TYPE_TOKEN (grant_token_get_type ())

GRANT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GrantToken, grant_token, GRANT, TOKEN, GObject)

GRANT_AVAILABLE_IN_ALL
GrantToken         *grant_token_new                  (const char   *access_token);
GRANT_AVAILABLE_IN_ALL
GrantToken         *grant_token_new_from_json        (const char   *json,
                                                      GError      **error);
GRANT_AVAILABLE_IN_ALL
GrantToken         *grant_token_new_from_json_object (JsonObject   *object,
                                                      GError      **error);
GRANT_AVAILABLE_IN_ALL
GrantToken         *grant_token_copy                 (GrantToken   *self);

GRANT_AVAILABLE_IN_ALL
const char         *grant_token_get_access_token     (GrantToken   *self);
GRANT_AVAILABLE_IN_ALL
void                grant_token_set_access_token     (GrantToken   *self,
                                                      const char   *access_token);
GRANT_AVAILABLE_IN_ALL
const char         *grant_token_get_token_type       (GrantToken   *self);
GRANT_AVAILABLE_IN_ALL
void                grant_token_set_token_type       (GrantToken   *self,
                                                      const char   *token_type);
GRANT_AVAILABLE_IN_ALL
gboolean            grant_token_is_bearer            (GrantToken   *self);
GRANT_AVAILABLE_IN_ALL
const char         *grant_token_get_refresh_token    (GrantToken   *self);
GRANT_AVAILABLE_IN_ALL
void                grant_token_set_refresh_token    (GrantToken   *self,
                                                      const char   *refresh_token);
GRANT_AVAILABLE_IN_ALL
gint64              grant_token_get_expires_in       (GrantToken   *self);
GRANT_AVAILABLE_IN_ALL
gint64              grant_token_get_expires_at       (GrantToken   *self);
GRANT_AVAILABLE_IN_ALL
void                grant_token_set_expires_at       (GrantToken   *self,
                                                      gint64        expires_at);
GRANT_AVAILABLE_IN_ALL
void                grant_token_set_expires_in       (GrantToken   *self,
                                                      gint64        expires_in);
GRANT_AVAILABLE_IN_ALL
const char * const *grant_token_get_scope            (GrantToken   *self);
GRANT_AVAILABLE_IN_ALL
void                grant_token_set_scope            (GrantToken   *self,
                                                      const char * const *scope);
GRANT_AVAILABLE_IN_ALL
const char         *grant_token_get_id_token         (GrantToken   *self);
GRANT_AVAILABLE_IN_ALL
JsonObject         *grant_token_get_extras           (GrantToken   *self);
GRANT_AVAILABLE_IN_ALL
char               *grant_token_get_extra_string     (GrantToken   *self,
                                                      const char   *name);
GRANT_AVAILABLE_IN_ALL
gboolean            grant_token_is_expired           (GrantToken   *self,
                                                      gint64        leeway_seconds);
GRANT_AVAILABLE_IN_ALL
JsonObject         *grant_token_to_json_object       (GrantToken   *self);
GRANT_AVAILABLE_IN_ALL
char               *grant_token_to_json              (GrantToken   *self);

G_END_DECLS
