/* fault-server.h: an in-process HTTP server that records every request and
 * answers however a test tells it to, for the session fault tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "test-utils.h"

G_BEGIN_DECLS

/* One request as the server saw it. Immutable once recorded. */
typedef struct {
  char               *method;
  char               *path;
  char               *query;
  char               *authorization;
  char               *content_type;
  char               *accept;
  char               *body;
  GHashTable         *form;     /* the body, form-decoded (empty if not a form) */
  SoupMessageHeaders *headers;
  /* The Bearer access token the request carries ("header", "query",
   * "body") or "nowhere". */
  char               *token;
  const char         *token_where;
} Recorded;

typedef struct _FaultServer FaultServer;

/* Answers one request, on the server thread. The request's Recorded is
 * the message's "fault-recorded" data. */
typedef void (*FaultRespond) (FaultServer       *fs,
                              SoupServerMessage *msg,
                              const char        *path,
                              gconstpointer      data);

/* Fields below the lock are shared with the server thread. */
struct _FaultServer
{
  TestServer    *ts;
  FaultRespond   respond;
  gconstpointer  data;

  GMutex         lock;
  GPtrArray     *requests;         /* Recorded */
  guint          n_token_requests;
  guint64        bytes_streamed;
  gboolean       stream_finished;
  char          *last_echo;
};

FaultServer    *fault_server_new        (FaultRespond       respond,
                                         gconstpointer      data);
void            fault_server_free       (FaultServer       *fs);
char           *fault_server_url        (FaultServer       *fs,
                                         const char        *path);
guint           fault_server_count      (FaultServer       *fs);
guint           fault_server_count_path (FaultServer       *fs,
                                         const char        *prefix);
const Recorded *fault_server_request    (FaultServer       *fs,
                                         guint              i);
const Recorded *fault_server_request_on (FaultServer       *fs,
                                         const char        *prefix,
                                         guint              n);
void            fault_server_stream     (FaultServer       *fs,
                                         SoupServerMessage *msg,
                                         const char        *content_type,
                                         const char        *prefix,
                                         guint64            size);

GHashTable     *fault_parse_form        (const char        *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FaultServer, fault_server_free)

G_END_DECLS
