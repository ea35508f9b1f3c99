/* grant-request.h: a request a hook can rewrite
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

#define GRANT_TYPE_REQUEST (grant_request_get_type ())

GRANT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GrantRequest, grant_request, GRANT, REQUEST, GObject)

GRANT_AVAILABLE_IN_ALL
GrantRequest       *grant_request_new               (const char         *method,
                                                     const char         *uri);
GRANT_AVAILABLE_IN_ALL
const char         *grant_request_get_method        (GrantRequest       *self);
GRANT_AVAILABLE_IN_ALL
void                grant_request_set_method        (GrantRequest       *self,
                                                     const char         *method);
GRANT_AVAILABLE_IN_ALL
const char         *grant_request_get_uri           (GrantRequest       *self);
GRANT_AVAILABLE_IN_ALL
void                grant_request_set_uri           (GrantRequest       *self,
                                                     const char         *uri);
GRANT_AVAILABLE_IN_ALL
SoupMessageHeaders *grant_request_get_headers       (GrantRequest       *self);
GRANT_AVAILABLE_IN_ALL
GBytes             *grant_request_get_body          (GrantRequest       *self);
GRANT_AVAILABLE_IN_ALL
void                grant_request_set_body          (GrantRequest       *self,
                                                     const char         *content_type,
                                                     GBytes             *body);
GRANT_AVAILABLE_IN_ALL
char               *grant_request_get_form_value    (GrantRequest       *self,
                                                     const char         *name);
GRANT_AVAILABLE_IN_ALL
void                grant_request_set_form_value    (GrantRequest       *self,
                                                     const char         *name,
                                                     const char         *value);
GRANT_AVAILABLE_IN_ALL
JsonObject         *grant_request_get_form          (GrantRequest       *self);
GRANT_AVAILABLE_IN_ALL
char               *grant_request_get_query_value   (GrantRequest       *self,
                                                     const char         *name);
GRANT_AVAILABLE_IN_ALL
void                grant_request_set_query_value   (GrantRequest       *self,
                                                     const char         *name,
                                                     const char         *value);
GRANT_AVAILABLE_IN_ALL
void                grant_request_set_json_body     (GrantRequest       *self,
                                                     JsonObject         *object);

G_END_DECLS
