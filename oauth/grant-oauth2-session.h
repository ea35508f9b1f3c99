/* grant-oauth2-session.h: OAuth 2 client sessions
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_GRANT_INSIDE) && !defined(GRANT_COMPILATION)
#error "Only <grant.h> can be included directly."
#endif

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "grant-request.h"
#include "grant-response.h"
#include "grant-token.h"
#include "grant-version.h"

G_BEGIN_DECLS

/**
 * GrantClientType:
 * @GRANT_CLIENT_TYPE_WEB_APPLICATION: authorization code grant (RFC 6749
 *   §4.1), with PKCE; oauthlib's `WebApplicationClient`.
 * @GRANT_CLIENT_TYPE_MOBILE_APPLICATION: implicit grant (§4.2), token in the
 *   redirect's fragment; `MobileApplicationClient`.
 * @GRANT_CLIENT_TYPE_LEGACY_APPLICATION: resource owner password grant
 *   (§4.3); `LegacyApplicationClient`.
 * @GRANT_CLIENT_TYPE_BACKEND_APPLICATION: client credentials grant (§4.4);
 *   `BackendApplicationClient`.
 *
 * Which grant a [class@OAuth2Session] uses to obtain tokens.
 */
typedef enum {
  GRANT_CLIENT_TYPE_WEB_APPLICATION,
  GRANT_CLIENT_TYPE_MOBILE_APPLICATION,
  GRANT_CLIENT_TYPE_LEGACY_APPLICATION,
  GRANT_CLIENT_TYPE_BACKEND_APPLICATION,
} GrantClientType;

/**
 * GrantClientAuth:
 * @GRANT_CLIENT_AUTH_AUTOMATIC: what requests-oauthlib does: HTTP Basic
 *   with the client id and secret (an empty password when there is no
 *   secret), unless [property@OAuth2Session:include-client-id] is set, in
 *   which case the id (and the secret, when there is one) go in the body.
 * @GRANT_CLIENT_AUTH_BASIC: `client_secret_basic`: HTTP Basic, the id and
 *   secret form-encoded first (RFC 6749 §2.3.1). While the session has no
 *   client secret (%NULL; an empty one counts as a secret), it is a public
 *   client, as with %GRANT_CLIENT_AUTH_NONE.
 * @GRANT_CLIENT_AUTH_POST: `client_secret_post`: `client_id` and
 *   `client_secret` in the request body.
 * @GRANT_CLIENT_AUTH_NONE: a public client: `client_id` in the body and no
 *   secret.
 *
 * How the client authenticates to the token endpoint, for every token
 * request, refreshes included.
 */
typedef enum {
  GRANT_CLIENT_AUTH_AUTOMATIC,
  GRANT_CLIENT_AUTH_BASIC,
  GRANT_CLIENT_AUTH_POST,
  GRANT_CLIENT_AUTH_NONE,
} GrantClientAuth;

/**
 * GrantPkceMethod:
 * @GRANT_PKCE_METHOD_NONE: no PKCE.
 * @GRANT_PKCE_METHOD_S256: `S256` (RFC 7636 §4.2), the default for the
 *   authorization-code grant.
 * @GRANT_PKCE_METHOD_PLAIN: `plain`: the verifier itself is the challenge.
 *   Only for servers that cannot do S256.
 *
 * The PKCE code challenge method.
 */
typedef enum {
  GRANT_PKCE_METHOD_NONE,
  GRANT_PKCE_METHOD_S256,
  GRANT_PKCE_METHOD_PLAIN,
} GrantPkceMethod;

/**
 * GrantTokenPlacement:
 * @GRANT_TOKEN_PLACEMENT_HEADER: `Authorization: Bearer …` (RFC 6750 §2.1).
 * @GRANT_TOKEN_PLACEMENT_QUERY: `access_token=` in the URL's query (§2.3).
 * @GRANT_TOKEN_PLACEMENT_BODY: `access_token=` in a form-encoded body (§2.2).
 *
 * Where the access token goes in a protected request.
 */
typedef enum {
  GRANT_TOKEN_PLACEMENT_HEADER,
  GRANT_TOKEN_PLACEMENT_QUERY,
  GRANT_TOKEN_PLACEMENT_BODY,
} GrantTokenPlacement;

/**
 * GrantSendFlags:
 * @GRANT_SEND_NONE: the token is added (refreshed first if it is due).
 * @GRANT_SEND_WITHHOLD_TOKEN: send the request without the token.
 *
 * Flags for [method@OAuth2Session.send_and_read].
 */
typedef enum /*< flags >*/ {
  GRANT_SEND_NONE = 0,
  GRANT_SEND_WITHHOLD_TOKEN = 1 << 0,
} GrantSendFlags;

#define GRANT_TYPE_OAUTH2_SESSION (grant_oauth2_session_get_type ())

GRANT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GrantOAuth2Session, grant_oauth2_session, GRANT, OAUTH2_SESSION, GObject)

GRANT_AVAILABLE_IN_ALL
GrantOAuth2Session *grant_oauth2_session_new                     (const char          *client_id,
                                                                  const char          *client_secret);
GRANT_AVAILABLE_IN_ALL
GrantOAuth2Session *grant_oauth2_session_new_for_client_type     (GrantClientType      client_type,
                                                                  const char          *client_id,
                                                                  const char          *client_secret);

typedef struct _GrantProvider GrantProvider;

GRANT_AVAILABLE_IN_ALL
GrantOAuth2Session *grant_oauth2_session_new_for_provider        (const char          *provider_id,
                                                                  const char          *client_id,
                                                                  const char          *client_secret,
                                                                  GError             **error);
GRANT_AVAILABLE_IN_ALL
GrantOAuth2Session *grant_oauth2_session_new_for_provider_object (GrantProvider       *provider,
                                                                  const char          *client_id,
                                                                  const char          *client_secret);

GRANT_AVAILABLE_IN_ALL
SoupSession        *grant_oauth2_session_get_soup_session        (GrantOAuth2Session  *self);
GRANT_AVAILABLE_IN_ALL
const char         *grant_oauth2_session_get_client_id           (GrantOAuth2Session  *self);
GRANT_AVAILABLE_IN_ALL
GrantToken         *grant_oauth2_session_get_token               (GrantOAuth2Session  *self);
GRANT_AVAILABLE_IN_ALL
void                grant_oauth2_session_set_token               (GrantOAuth2Session  *self,
                                                                  GrantToken          *token);
GRANT_AVAILABLE_IN_ALL
gboolean            grant_oauth2_session_get_authorized          (GrantOAuth2Session  *self);
GRANT_AVAILABLE_IN_ALL
const char         *grant_oauth2_session_get_state               (GrantOAuth2Session  *self);
GRANT_AVAILABLE_IN_ALL
char               *grant_oauth2_session_new_state               (GrantOAuth2Session  *self);
GRANT_AVAILABLE_IN_ALL
const char         *grant_oauth2_session_get_code_verifier       (GrantOAuth2Session  *self);
GRANT_AVAILABLE_IN_ALL
void                grant_oauth2_session_set_code_verifier       (GrantOAuth2Session  *self,
                                                                  const char          *code_verifier);

GRANT_AVAILABLE_IN_ALL
gboolean            grant_oauth2_session_load_token              (GrantOAuth2Session  *self,
                                                                  GCancellable        *cancellable,
                                                                  GError             **error);
GRANT_AVAILABLE_IN_ALL
gboolean            grant_oauth2_session_logout                  (GrantOAuth2Session  *self,
                                                                  GCancellable        *cancellable,
                                                                  GError             **error);

GRANT_AVAILABLE_IN_ALL
char               *grant_oauth2_session_authorization_url       (GrantOAuth2Session  *self,
                                                                  const char          *url,
                                                                  const char          *state,
                                                                  GHashTable          *extra_params,
                                                                  char               **out_state,
                                                                  GError             **error);

GRANT_AVAILABLE_IN_ALL
GrantToken         *grant_oauth2_session_fetch_token             (GrantOAuth2Session  *self,
                                                                  const char          *token_url,
                                                                  const char          *authorization_response,
                                                                  const char          *code,
                                                                  GHashTable          *extra_params,
                                                                  GCancellable        *cancellable,
                                                                  GError             **error);
GRANT_AVAILABLE_IN_ALL
void                grant_oauth2_session_fetch_token_async       (GrantOAuth2Session  *self,
                                                                  const char          *token_url,
                                                                  const char          *authorization_response,
                                                                  const char          *code,
                                                                  GHashTable          *extra_params,
                                                                  GCancellable        *cancellable,
                                                                  GAsyncReadyCallback  callback,
                                                                  gpointer             user_data);
GRANT_AVAILABLE_IN_ALL
GrantToken         *grant_oauth2_session_fetch_token_finish      (GrantOAuth2Session  *self,
                                                                  GAsyncResult        *result,
                                                                  GError             **error);

GRANT_AVAILABLE_IN_ALL
GrantToken         *grant_oauth2_session_fetch_token_with_password        (GrantOAuth2Session  *self,
                                                                           const char          *token_url,
                                                                           const char          *username,
                                                                           const char          *password,
                                                                           GHashTable          *extra_params,
                                                                           GCancellable        *cancellable,
                                                                           GError             **error);
GRANT_AVAILABLE_IN_ALL
void                grant_oauth2_session_fetch_token_with_password_async  (GrantOAuth2Session  *self,
                                                                           const char          *token_url,
                                                                           const char          *username,
                                                                           const char          *password,
                                                                           GHashTable          *extra_params,
                                                                           GCancellable        *cancellable,
                                                                           GAsyncReadyCallback  callback,
                                                                           gpointer             user_data);
GRANT_AVAILABLE_IN_ALL
GrantToken         *grant_oauth2_session_fetch_token_with_password_finish (GrantOAuth2Session  *self,
                                                                           GAsyncResult        *result,
                                                                           GError             **error);

GRANT_AVAILABLE_IN_ALL
GrantToken         *grant_oauth2_session_token_from_fragment     (GrantOAuth2Session  *self,
                                                                  const char          *authorization_response,
                                                                  GError             **error);

GRANT_AVAILABLE_IN_ALL
GrantToken         *grant_oauth2_session_refresh_token           (GrantOAuth2Session  *self,
                                                                  const char          *token_url,
                                                                  GHashTable          *extra_params,
                                                                  GCancellable        *cancellable,
                                                                  GError             **error);
GRANT_AVAILABLE_IN_ALL
void                grant_oauth2_session_refresh_token_async     (GrantOAuth2Session  *self,
                                                                  const char          *token_url,
                                                                  GHashTable          *extra_params,
                                                                  GCancellable        *cancellable,
                                                                  GAsyncReadyCallback  callback,
                                                                  gpointer             user_data);
GRANT_AVAILABLE_IN_ALL
GrantToken         *grant_oauth2_session_refresh_token_finish    (GrantOAuth2Session  *self,
                                                                  GAsyncResult        *result,
                                                                  GError             **error);

GRANT_AVAILABLE_IN_ALL
GBytes             *grant_oauth2_session_send_and_read           (GrantOAuth2Session  *self,
                                                                  SoupMessage         *message,
                                                                  GBytes              *body,
                                                                  GrantSendFlags       flags,
                                                                  GCancellable        *cancellable,
                                                                  GError             **error);
GRANT_AVAILABLE_IN_ALL
void                grant_oauth2_session_send_and_read_async     (GrantOAuth2Session  *self,
                                                                  SoupMessage         *message,
                                                                  GBytes              *body,
                                                                  GrantSendFlags       flags,
                                                                  GCancellable        *cancellable,
                                                                  GAsyncReadyCallback  callback,
                                                                  gpointer             user_data);
GRANT_AVAILABLE_IN_ALL
GBytes             *grant_oauth2_session_send_and_read_finish    (GrantOAuth2Session  *self,
                                                                  GAsyncResult        *result,
                                                                  GError             **error);

G_END_DECLS
