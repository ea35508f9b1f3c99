/* grant-http-private.h: sending a request and reading a bounded answer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Token endpoints answer with a few hundred bytes; anything past this is
 * not a token response, and reading it all would let a hostile server
 * exhaust memory. */
#define GRANT_TOKEN_RESPONSE_MAX (1024 * 1024)

GBytes  *grant_http_send_and_read_bounded        (SoupSession          *session,
                                                  SoupMessage          *message,
                                                  gsize                 max_bytes,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void     grant_http_send_and_read_bounded_async  (SoupSession          *session,
                                                  SoupMessage          *message,
                                                  gsize                 max_bytes,
                                                  int                   io_priority,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GBytes  *grant_http_send_and_read_bounded_finish (GAsyncResult         *result,
                                                  GError              **error);

char    *grant_http_redact                       (const char           *text,
                                                  gssize                length,
                                                  const char * const   *secrets,
                                                  gsize                 n_secrets);
char    *grant_http_body_excerpt                 (GBytes               *body,
                                                  const char * const   *secrets,
                                                  gsize                 n_secrets);
gboolean grant_http_body_is_html                 (const char           *content_type,
                                                  GBytes               *body);
void     grant_http_append_headers               (SoupMessageHeaders   *to,
                                                  SoupMessageHeaders   *from);

G_END_DECLS
