/* grant-oauth2.h: an OAuth 2 token on any SoupMessage
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_GRANT_INSIDE) && !defined(GRANT_COMPILATION)
#error "Only <grant.h> can be included directly."
#endif

#include <libsoup/soup.h>

#include "grant-oauth2-session.h"
#include "grant-token.h"
#include "grant-version.h"

G_BEGIN_DECLS

#define GRANT_TYPE_OAUTH2 (grant_oauth2_get_type ())

GRANT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GrantOAuth2, grant_oauth2, GRANT, OAUTH2, GObject)

GRANT_AVAILABLE_IN_ALL
GrantOAuth2         *grant_oauth2_new                   (GrantToken          *token);
GRANT_AVAILABLE_IN_ALL
GrantToken          *grant_oauth2_get_token             (GrantOAuth2         *self);
GRANT_AVAILABLE_IN_ALL
void                 grant_oauth2_set_token             (GrantOAuth2         *self,
                                                         GrantToken          *token);
GRANT_AVAILABLE_IN_ALL
GrantTokenPlacement  grant_oauth2_get_placement         (GrantOAuth2         *self);
GRANT_AVAILABLE_IN_ALL
void                 grant_oauth2_set_placement         (GrantOAuth2         *self,
                                                         GrantTokenPlacement  placement);
GRANT_AVAILABLE_IN_ALL
gboolean             grant_oauth2_add_token             (GrantOAuth2         *self,
                                                         SoupMessage         *message,
                                                         GBytes              *body,
                                                         GError             **error);
GRANT_AVAILABLE_IN_ALL
void                 grant_oauth2_attach                (GrantOAuth2         *self,
                                                         SoupSession         *session);
GRANT_AVAILABLE_IN_ALL
void                 grant_oauth2_detach                (GrantOAuth2         *self,
                                                         SoupSession         *session);

G_END_DECLS
