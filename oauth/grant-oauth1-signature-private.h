/* grant-oauth1-signature-private.h: RFC 5849 signing, no I/O
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <gnutls/abstract.h>

#include "grant-encoding-private.h"
#include "grant-oauth1-endpoints-private.h"
#include "grant-oauth1-key-private.h"
#include "grant-oauth1.h"

G_BEGIN_DECLS

/* Everything that goes into one signature. Strings are borrowed. */
typedef struct {
  GrantOAuth1SignatureMethod  method;
  GrantOAuth1Placement        placement;
  const char                 *client_key;
  const char                 *client_secret;
  const char                 *token;
  const char                 *token_secret;
  const char                 *callback;
  const char                 *verifier;
  const char                 *realm;
  gnutls_privkey_t            rsa_key;
  GrantOAuth1Key             *key;       /* made from exactly these secrets, or NULL */
  GrantOAuth1Endpoints       *endpoints; /* the signer's known endpoints, or NULL */
  const char                 *nonce;      /* NULL: a fresh one */
  const char                 *timestamp;  /* NULL: now */
  gboolean                    force_include_body;
} GrantOAuth1Credentials;

/* The request as the application built it. */
typedef struct {
  const char *method;
  const char *uri;           /* absolute; raw characters are requoted */
  GUri       *parsed_uri;    /* or the URI already parsed; NULL for @uri */
  const char *host;          /* a Host header that overrides the URI's, or NULL */
  const char *content_type;  /* NULL when the request has none */
  GBytes     *body;          /* NULL when the request has none */
} GrantOAuth1Request;

/* What signing changes. A NULL member means "leave it as it was". */
typedef struct {
  char   *uri;
  char   *authorization;
  char   *content_type;
  GBytes *body;
} GrantOAuth1Signed;

char             *grant_oauth1_base_string_uri        (const char              *uri,
                                                       const char              *host,
                                                       GError                 **error);
char             *grant_oauth1_normalize_parameters   (GPtrArray               *params);
char             *grant_oauth1_signature_base_string  (const char              *http_method,
                                                       const char              *base_string_uri,
                                                       GPtrArray               *params);
char             *grant_oauth1_compute_signature      (GrantOAuth1SignatureMethod method,
                                                       const char              *base_string,
                                                       const char              *client_secret,
                                                       const char              *token_secret,
                                                       gnutls_privkey_t         rsa_key,
                                                       GError                 **error);
gnutls_privkey_t  grant_oauth1_load_rsa_key           (const char              *pem,
                                                       gssize                   length,
                                                       GError                 **error);
gboolean          grant_oauth1_sign_request           (const GrantOAuth1Credentials *credentials,
                                                       const GrantOAuth1Request     *request,
                                                       GrantOAuth1Signed            *signed_out,
                                                       GError                      **error);
void              grant_oauth1_signed_clear           (GrantOAuth1Signed       *signed_out);
gboolean          grant_content_type_is_form          (const char              *content_type);

G_END_DECLS
