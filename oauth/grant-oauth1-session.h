/* grant-oauth1-session.h: the OAuth 1.0a three-legged flow
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_GRANT_INSIDE) && !defined(GRANT_COMPILATION)
#error "Only <grant.h> can be included directly."
#endif

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "grant-oauth1.h"

G_BEGIN_DECLS

#define GRANT_TYPE_OAUTH1_SESSION (grant_oauth1_session_get_type ())

GRANT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GrantOAuth1Session, grant_oauth1_session, GRANT, OAUTH1_SESSION, GObject)

GRANT_AVAILABLE_IN_ALL
GrantOAuth1Session *grant_oauth1_session_new                              (const char          *client_key,
                                                                           const char          *client_secret,
                                                                           const char          *callback_uri);
GRANT_AVAILABLE_IN_ALL
GrantOAuth1Session *grant_oauth1_session_new_with_auth                    (GrantOAuth1         *auth,
                                                                           SoupSession         *soup_session);
typedef struct _GrantProvider GrantProvider;

GRANT_AVAILABLE_IN_ALL
GrantOAuth1Session *grant_oauth1_session_new_for_provider                 (const char          *provider_id,
                                                                           const char          *client_key,
                                                                           const char          *client_secret,
                                                                           const char          *callback_uri,
                                                                           GError             **error);
GRANT_AVAILABLE_IN_ALL
GrantOAuth1Session *grant_oauth1_session_new_for_provider_object          (GrantProvider       *provider,
                                                                           const char          *client_key,
                                                                           const char          *client_secret,
                                                                           const char          *callback_uri);

GRANT_AVAILABLE_IN_ALL
GrantOAuth1        *grant_oauth1_session_get_auth                         (GrantOAuth1Session  *self);
GRANT_AVAILABLE_IN_ALL
SoupSession        *grant_oauth1_session_get_soup_session                 (GrantOAuth1Session  *self);
GRANT_AVAILABLE_IN_ALL
gboolean            grant_oauth1_session_get_authorized                   (GrantOAuth1Session  *self);

GRANT_AVAILABLE_IN_ALL
GHashTable         *grant_oauth1_session_get_token                        (GrantOAuth1Session  *self);
GRANT_AVAILABLE_IN_ALL
gboolean            grant_oauth1_session_set_token                        (GrantOAuth1Session  *self,
                                                                           GHashTable          *token,
                                                                           GError             **error);

GRANT_AVAILABLE_IN_ALL
GHashTable         *grant_oauth1_session_fetch_request_token              (GrantOAuth1Session  *self,
                                                                           const char          *url,
                                                                           const char * const  *realms,
                                                                           GCancellable        *cancellable,
                                                                           GError             **error);
GRANT_AVAILABLE_IN_ALL
void                grant_oauth1_session_fetch_request_token_async        (GrantOAuth1Session  *self,
                                                                           const char          *url,
                                                                           const char * const  *realms,
                                                                           GCancellable        *cancellable,
                                                                           GAsyncReadyCallback  callback,
                                                                           gpointer             user_data);
GRANT_AVAILABLE_IN_ALL
GHashTable         *grant_oauth1_session_fetch_request_token_finish       (GrantOAuth1Session  *self,
                                                                           GAsyncResult        *result,
                                                                           GError             **error);

GRANT_AVAILABLE_IN_ALL
char               *grant_oauth1_session_authorization_url                (GrantOAuth1Session  *self,
                                                                           const char          *url,
                                                                           const char          *request_token,
                                                                           GHashTable          *extra_params);
GRANT_AVAILABLE_IN_ALL
GHashTable         *grant_oauth1_session_parse_authorization_response     (GrantOAuth1Session  *self,
                                                                           const char          *url,
                                                                           GError             **error);

GRANT_AVAILABLE_IN_ALL
GHashTable         *grant_oauth1_session_fetch_access_token               (GrantOAuth1Session  *self,
                                                                           const char          *url,
                                                                           const char          *verifier,
                                                                           GCancellable        *cancellable,
                                                                           GError             **error);
GRANT_AVAILABLE_IN_ALL
void                grant_oauth1_session_fetch_access_token_async         (GrantOAuth1Session  *self,
                                                                           const char          *url,
                                                                           const char          *verifier,
                                                                           GCancellable        *cancellable,
                                                                           GAsyncReadyCallback  callback,
                                                                           gpointer             user_data);
GRANT_AVAILABLE_IN_ALL
GHashTable         *grant_oauth1_session_fetch_access_token_finish        (GrantOAuth1Session  *self,
                                                                           GAsyncResult        *result,
                                                                           GError             **error);

GRANT_AVAILABLE_IN_ALL
gboolean            grant_oauth1_session_logout                           (GrantOAuth1Session  *self,
                                                                           GCancellable        *cancellable,
                                                                           GError             **error);

GRANT_AVAILABLE_IN_ALL
GBytes             *grant_oauth1_session_send_and_read                    (GrantOAuth1Session  *self,
                                                                           SoupMessage         *message,
                                                                           GBytes              *body,
                                                                           GCancellable        *cancellable,
                                                                           GError             **error);
GRANT_AVAILABLE_IN_ALL
void                grant_oauth1_session_send_and_read_async              (GrantOAuth1Session  *self,
                                                                           SoupMessage         *message,
                                                                           GBytes              *body,
                                                                           GCancellable        *cancellable,
                                                                           GAsyncReadyCallback  callback,
                                                                           gpointer             user_data);
GRANT_AVAILABLE_IN_ALL
GBytes             *grant_oauth1_session_send_and_read_finish             (GrantOAuth1Session  *self,
                                                                           GAsyncResult        *result,
                                                                           GError             **error);

G_END_DECLS
