/* grant-oauth1-key-private.h: OAuth 1 signing keys
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "grant-oauth1.h"

G_BEGIN_DECLS

typedef struct _GrantOAuth1Key GrantOAuth1Key;

char                   *grant_oauth1_signing_key     (const char                 *client_secret,
                                                      const char                 *token_secret);
gnutls_mac_algorithm_t  grant_oauth1_hmac_algorithm  (GrantOAuth1SignatureMethod  method);
GrantOAuth1Key         *grant_oauth1_key_new         (GrantOAuth1SignatureMethod  method,
                                                      const char                 *client_secret,
                                                      const char                 *token_secret);
void                    grant_oauth1_key_free        (GrantOAuth1Key             *key);
gboolean                grant_oauth1_key_digest      (GrantOAuth1Key             *key,
                                                      gnutls_mac_algorithm_t      algorithm,
                                                      const char                 *data,
                                                      gsize                       len,
                                                      guint8                     *digest);

G_END_DECLS
