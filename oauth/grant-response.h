/* grant-response.h: a response a hook can rewrite before it is parsed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_GRANT_INSIDE) && !defined(GRANT_COMPILATION)
#error "Only <grant.h> can be included directly."
#endif

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "grant-version.h"

G_BEGIN_DECLS

#define GRANT_TYPE_RESPONSE (grant_response_get_type ())

GRANT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GrantResponse, grant_response, GRANT, RESPONSE, GObject)

GRANT_AVAILABLE_IN_ALL
GrantResponse      *grant_response_new           (guint               status,
                                                  SoupMessageHeaders *headers,
                                                  GBytes             *body);
GRANT_AVAILABLE_IN_ALL
guint               grant_response_get_status    (GrantResponse      *self);
GRANT_AVAILABLE_IN_ALL
void                grant_response_set_status    (GrantResponse      *self,
                                                  guint               status);
GRANT_AVAILABLE_IN_ALL
SoupMessageHeaders *grant_response_get_headers   (GrantResponse      *self);
GRANT_AVAILABLE_IN_ALL
GBytes             *grant_response_get_body      (GrantResponse      *self);
GRANT_AVAILABLE_IN_ALL
void                grant_response_set_body      (GrantResponse      *self,
                                                  const char         *content_type,
                                                  GBytes             *body);
GRANT_AVAILABLE_IN_ALL
char               *grant_response_get_text      (GrantResponse      *self);
GRANT_AVAILABLE_IN_ALL
JsonObject         *grant_response_get_json      (GrantResponse      *self);
GRANT_AVAILABLE_IN_ALL
void                grant_response_set_json      (GrantResponse      *self,
                                                  JsonObject         *object);

G_END_DECLS
