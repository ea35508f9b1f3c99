/* grant-error.h: the GRANT_ERROR domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_GRANT_INSIDE) && !defined(GRANT_COMPILATION)
#error "Only <grant.h> can be included directly."
#endif

#include <glib.h>

#include "grant-version.h"

G_BEGIN_DECLS

/**
 * GRANT_ERROR:
 *
 * The error domain of every error Grant reports itself. Transport
 * failures keep their own domain (`G_IO_ERROR`, `G_TLS_ERROR`,
 * `SOUP_SESSION_ERROR`), so that an application can tell a refused
 * request from a network that is down.
 */
#define GRANT_ERROR (grant_error_quark ())

/**
 * GrantError:
 * @GRANT_ERROR_FAILED: something went wrong that has no more specific code.
 * @GRANT_ERROR_INVALID_ARGUMENT: the application passed a value Grant cannot
 *   use, such as a URL that does not parse or a body on a GET request.
 * @GRANT_ERROR_INVALID_KEY: a private key could not be read, or is not an
 *   RSA key.
 * @GRANT_ERROR_UNSUPPORTED_METHOD: a signature method or placement name is not
 *   one Grant knows.
 * @GRANT_ERROR_TOKEN_REQUEST_DENIED: the server answered a token request with
 *   an HTTP error; the message carries the status and what the server said.
 * @GRANT_ERROR_TOKEN_MISSING: a response or URL that should carry a token
 *   does not.
 * @GRANT_ERROR_VERIFIER_MISSING: an OAuth 1 access token was requested
 *   before a verifier was known.
 * @GRANT_ERROR_MALFORMED_RESPONSE: the server's answer could not be read
 *   (empty, truncated, HTML, or neither form-encoded nor JSON).
 * @GRANT_ERROR_INVALID_REQUEST: OAuth 2 `invalid_request`: the server found
 *   the request malformed (RFC 6749 §5.2, §4.1.2.1, RFC 6750 §3.1).
 * @GRANT_ERROR_INVALID_CLIENT: `invalid_client`: client authentication
 *   failed; check the client id, the secret and the client authentication
 *   method.
 * @GRANT_ERROR_INVALID_GRANT: `invalid_grant`: the code, refresh token or
 *   password was refused (expired, revoked, already used, or issued to
 *   another client).
 * @GRANT_ERROR_UNAUTHORIZED_CLIENT: `unauthorized_client`: this client may
 *   not use this grant type.
 * @GRANT_ERROR_UNSUPPORTED_GRANT_TYPE: `unsupported_grant_type`.
 * @GRANT_ERROR_INVALID_SCOPE: `invalid_scope`.
 * @GRANT_ERROR_ACCESS_DENIED: `access_denied`: the user or the server
 *   refused.
 * @GRANT_ERROR_UNSUPPORTED_RESPONSE_TYPE: `unsupported_response_type`.
 * @GRANT_ERROR_SERVER_ERROR: `server_error`.
 * @GRANT_ERROR_TEMPORARILY_UNAVAILABLE: `temporarily_unavailable`.
 * @GRANT_ERROR_INVALID_TOKEN: `invalid_token` (RFC 6750): the access
 *   token was refused by a protected resource.
 * @GRANT_ERROR_INSUFFICIENT_SCOPE: `insufficient_scope` (RFC 6750).
 * @GRANT_ERROR_SERVER_REPORTED: the server reported an error code Grant has
 *   no code for; the message carries the server's code and description.
 * @GRANT_ERROR_INSECURE_TRANSPORT: an OAuth 2 endpoint or protected URL is
 *   not https, and insecure transport was not allowed.
 * @GRANT_ERROR_MISMATCHING_STATE: the `state` in the authorization response
 *   is missing or is not the one this session sent (possible CSRF).
 * @GRANT_ERROR_MISSING_CODE: the authorization response has no `code`.
 * @GRANT_ERROR_MISMATCHING_ISSUER: the `iss` in the authorization response
 *   is not the expected issuer (RFC 9207, possible mix-up attack).
 * @GRANT_ERROR_TOKEN_EXPIRED: the access token has expired and automatic
 *   refresh is off (or there is nothing to refresh it with).
 * @GRANT_ERROR_SCOPE_CHANGED: the server granted other scopes than were
 *   asked for, and the session was set to treat that as an error.
 * @GRANT_ERROR_STORE_FAILED: a token could not be loaded, saved or deleted
 *   in its token store (keyring locked or gone, file not writable or
 *   corrupt). A session keeps working with the token in memory.
 *
 * Error codes in the %GRANT_ERROR domain.
 */
typedef enum {
  GRANT_ERROR_FAILED,
  GRANT_ERROR_INVALID_ARGUMENT,
  GRANT_ERROR_INVALID_KEY,
  GRANT_ERROR_UNSUPPORTED_METHOD,
  GRANT_ERROR_TOKEN_REQUEST_DENIED,
  GRANT_ERROR_TOKEN_MISSING,
  GRANT_ERROR_VERIFIER_MISSING,
  GRANT_ERROR_MALFORMED_RESPONSE,
  GRANT_ERROR_INVALID_REQUEST,
  GRANT_ERROR_INVALID_CLIENT,
  GRANT_ERROR_INVALID_GRANT,
  GRANT_ERROR_UNAUTHORIZED_CLIENT,
  GRANT_ERROR_UNSUPPORTED_GRANT_TYPE,
  GRANT_ERROR_INVALID_SCOPE,
  GRANT_ERROR_ACCESS_DENIED,
  GRANT_ERROR_UNSUPPORTED_RESPONSE_TYPE,
  GRANT_ERROR_SERVER_ERROR,
  GRANT_ERROR_TEMPORARILY_UNAVAILABLE,
  GRANT_ERROR_INVALID_TOKEN,
  GRANT_ERROR_INSUFFICIENT_SCOPE,
  GRANT_ERROR_SERVER_REPORTED,
  GRANT_ERROR_INSECURE_TRANSPORT,
  GRANT_ERROR_MISMATCHING_STATE,
  GRANT_ERROR_MISSING_CODE,
  GRANT_ERROR_MISMATCHING_ISSUER,
  GRANT_ERROR_TOKEN_EXPIRED,
  GRANT_ERROR_SCOPE_CHANGED,
  GRANT_ERROR_STORE_FAILED,
} GrantError;

GRANT_AVAILABLE_IN_ALL
GQuark grant_error_quark (void);

G_END_DECLS
