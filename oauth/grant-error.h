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
} GrantError;

GRANT_AVAILABLE_IN_ALL
GQuark grant_error_quark (void);

G_END_DECLS
