/* grant-oauth2-protocol-private.h: OAuth 2 requests and responses, no I/O
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "grant-error.h"
#include "grant-token.h"

G_BEGIN_DECLS

/* Secrets a message must not quote back, in any encoding. */
typedef struct {
  const char *values[8];
} GrantSecrets;

GrantError   grant_oauth2_error_from_code          (const char          *code);
void         grant_oauth2_set_error                (GError             **error,
                                                    const char          *context,
                                                    guint                status,
                                                    const char          *code,
                                                    const char          *description,
                                                    const GrantSecrets  *secrets);
JsonObject  *grant_oauth2_parse_body               (GBytes              *body,
                                                    gboolean            *is_empty);
GrantToken  *grant_oauth2_token_from_response      (guint                status,
                                                    const char          *content_type,
                                                    GBytes              *body,
                                                    const char          *context,
                                                    const GrantSecrets  *secrets,
                                                    GError             **error);
char        *grant_oauth2_basic_credentials        (const char          *client_id,
                                                    const char          *client_secret);
char        *grant_oauth2_bearer_error             (const char          *www_authenticate);
gboolean     grant_oauth2_transport_allowed        (const char          *uri,
                                                    gboolean             allow_insecure);

G_END_DECLS
