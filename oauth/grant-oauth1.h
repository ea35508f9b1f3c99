/* grant-oauth1.h: OAuth 1.0a request signing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_GRANT_INSIDE) && !defined(GRANT_COMPILATION)
#error "Only <grant.h> can be included directly."
#endif

#include <glib-object.h>
#include <libsoup/soup.h>

#include "grant-version.h"

G_BEGIN_DECLS

/**
 * GrantOAuth1SignatureMethod:
 * @GRANT_OAUTH1_SIGNATURE_HMAC_SHA1: `HMAC-SHA1` (RFC 5849 §3.4.2), the default.
 * @GRANT_OAUTH1_SIGNATURE_HMAC_SHA256: `HMAC-SHA256`, an extension some providers require.
 * @GRANT_OAUTH1_SIGNATURE_HMAC_SHA512: `HMAC-SHA512`, an extension.
 * @GRANT_OAUTH1_SIGNATURE_RSA_SHA1: `RSA-SHA1` (RFC 5849 §3.4.3) with the
 *   client's private key; the client and token secrets are not used.
 * @GRANT_OAUTH1_SIGNATURE_RSA_SHA256: `RSA-SHA256`, an extension.
 * @GRANT_OAUTH1_SIGNATURE_RSA_SHA512: `RSA-SHA512`, an extension.
 * @GRANT_OAUTH1_SIGNATURE_PLAINTEXT: `PLAINTEXT` (RFC 5849 §3.4.4): the
 *   secrets themselves are sent, so only use it over https.
 *
 * How an OAuth 1 request is signed.
 */
typedef enum {
  GRANT_OAUTH1_SIGNATURE_HMAC_SHA1,
  GRANT_OAUTH1_SIGNATURE_HMAC_SHA256,
  GRANT_OAUTH1_SIGNATURE_HMAC_SHA512,
  GRANT_OAUTH1_SIGNATURE_RSA_SHA1,
  GRANT_OAUTH1_SIGNATURE_RSA_SHA256,
  GRANT_OAUTH1_SIGNATURE_RSA_SHA512,
  GRANT_OAUTH1_SIGNATURE_PLAINTEXT,
} GrantOAuth1SignatureMethod;

/**
 * GrantOAuth1Placement:
 * @GRANT_OAUTH1_PLACEMENT_HEADER: in an `Authorization: OAuth …` header
 *   (RFC 5849 §3.5.1), the default.
 * @GRANT_OAUTH1_PLACEMENT_QUERY: appended to the URL's query (§3.5.3).
 * @GRANT_OAUTH1_PLACEMENT_BODY: appended to a form-encoded body (§3.5.2);
 *   only for requests whose body is `application/x-www-form-urlencoded`.
 *
 * Where the `oauth_*` protocol parameters travel.
 */
typedef enum {
  GRANT_OAUTH1_PLACEMENT_HEADER,
  GRANT_OAUTH1_PLACEMENT_QUERY,
  GRANT_OAUTH1_PLACEMENT_BODY,
} GrantOAuth1Placement;

#define GRANT_TYPE_OAUTH1 (grant_oauth1_get_type ())

GRANT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GrantOAuth1, grant_oauth1, GRANT, OAUTH1, GObject)

GRANT_AVAILABLE_IN_ALL
GrantOAuth1                *grant_oauth1_new                     (const char                 *client_key,
                                                                  const char                 *client_secret);

GRANT_AVAILABLE_IN_ALL
const char                 *grant_oauth1_get_client_key          (GrantOAuth1                *self);
GRANT_AVAILABLE_IN_ALL
void                        grant_oauth1_set_client_key          (GrantOAuth1                *self,
                                                                  const char                 *client_key);
GRANT_AVAILABLE_IN_ALL
const char                 *grant_oauth1_get_client_secret       (GrantOAuth1                *self);
GRANT_AVAILABLE_IN_ALL
void                        grant_oauth1_set_client_secret       (GrantOAuth1                *self,
                                                                  const char                 *client_secret);
GRANT_AVAILABLE_IN_ALL
const char                 *grant_oauth1_get_token               (GrantOAuth1                *self);
GRANT_AVAILABLE_IN_ALL
void                        grant_oauth1_set_token               (GrantOAuth1                *self,
                                                                  const char                 *token);
GRANT_AVAILABLE_IN_ALL
const char                 *grant_oauth1_get_token_secret        (GrantOAuth1                *self);
GRANT_AVAILABLE_IN_ALL
void                        grant_oauth1_set_token_secret        (GrantOAuth1                *self,
                                                                  const char                 *token_secret);
GRANT_AVAILABLE_IN_ALL
const char                 *grant_oauth1_get_callback_uri        (GrantOAuth1                *self);
GRANT_AVAILABLE_IN_ALL
void                        grant_oauth1_set_callback_uri        (GrantOAuth1                *self,
                                                                  const char                 *callback_uri);
GRANT_AVAILABLE_IN_ALL
const char                 *grant_oauth1_get_verifier            (GrantOAuth1                *self);
GRANT_AVAILABLE_IN_ALL
void                        grant_oauth1_set_verifier            (GrantOAuth1                *self,
                                                                  const char                 *verifier);
GRANT_AVAILABLE_IN_ALL
const char                 *grant_oauth1_get_realm               (GrantOAuth1                *self);
GRANT_AVAILABLE_IN_ALL
void                        grant_oauth1_set_realm               (GrantOAuth1                *self,
                                                                  const char                 *realm);
GRANT_AVAILABLE_IN_ALL
GrantOAuth1SignatureMethod  grant_oauth1_get_signature_method    (GrantOAuth1                *self);
GRANT_AVAILABLE_IN_ALL
void                        grant_oauth1_set_signature_method    (GrantOAuth1                *self,
                                                                  GrantOAuth1SignatureMethod  method);
GRANT_AVAILABLE_IN_ALL
GrantOAuth1Placement        grant_oauth1_get_placement           (GrantOAuth1                *self);
GRANT_AVAILABLE_IN_ALL
void                        grant_oauth1_set_placement           (GrantOAuth1                *self,
                                                                  GrantOAuth1Placement        placement);
GRANT_AVAILABLE_IN_ALL
gboolean                    grant_oauth1_set_rsa_key             (GrantOAuth1                *self,
                                                                  const char                 *pem,
                                                                  GError                    **error);
GRANT_AVAILABLE_IN_ALL
gboolean                    grant_oauth1_get_has_rsa_key         (GrantOAuth1                *self);
GRANT_AVAILABLE_IN_ALL
gboolean                    grant_oauth1_get_force_include_body  (GrantOAuth1                *self);
GRANT_AVAILABLE_IN_ALL
void                        grant_oauth1_set_force_include_body  (GrantOAuth1                *self,
                                                                  gboolean                    force_include_body);
GRANT_AVAILABLE_IN_ALL
void                        grant_oauth1_set_fixed_nonce         (GrantOAuth1                *self,
                                                                  const char                 *nonce,
                                                                  const char                 *timestamp);

GRANT_AVAILABLE_IN_ALL
gboolean                    grant_oauth1_sign                    (GrantOAuth1                *self,
                                                                  const char                 *method,
                                                                  const char                 *uri,
                                                                  SoupMessageHeaders         *headers,
                                                                  GBytes                     *body,
                                                                  char                      **out_uri,
                                                                  GBytes                    **out_body,
                                                                  GError                    **error);
GRANT_AVAILABLE_IN_ALL
gboolean                    grant_oauth1_sign_message            (GrantOAuth1                *self,
                                                                  SoupMessage                *message,
                                                                  GBytes                     *body,
                                                                  GError                    **error);
GRANT_AVAILABLE_IN_ALL
void                        grant_oauth1_attach                  (GrantOAuth1                *self,
                                                                  SoupSession                *session);
GRANT_AVAILABLE_IN_ALL
void                        grant_oauth1_detach                  (GrantOAuth1                *self,
                                                                  SoupSession                *session);

GRANT_AVAILABLE_IN_ALL
const char                 *grant_oauth1_signature_method_to_string   (GrantOAuth1SignatureMethod  method);
GRANT_AVAILABLE_IN_ALL
gboolean                    grant_oauth1_signature_method_from_string (const char                 *name,
                                                                       GrantOAuth1SignatureMethod *method,
                                                                       GError                    **error);

G_END_DECLS
