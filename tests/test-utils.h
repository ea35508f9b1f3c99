/* test-utils.h: servers for the test suites
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "grant.h"

G_BEGIN_DECLS

/* A SoupServer on 127.0.0.1 running in a thread of its own, so that the
 * blocking client calls under test do not deadlock against it. */
typedef struct _TestServer TestServer;

typedef void (*TestServerSetup) (SoupServer *server,
                                 gpointer    user_data);

TestServer *test_server_new        (TestServerSetup  setup,
                                    gpointer         user_data);
void        test_server_free       (TestServer      *server);
const char *test_server_get_url    (TestServer      *server);
char       *test_server_url        (TestServer      *server,
                                    const char      *path);
GMainContext *test_server_get_context (TestServer   *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestServer, test_server_free)

/* The oauthlib OAuth 1 provider in tests/servers, as a child process. */
typedef struct _TestProvider TestProvider;

TestProvider *test_provider_start   (void);
TestProvider *test_provider_start_argv (const char * const *argv);
void          test_provider_stop    (TestProvider *provider);
const char   *test_provider_get_url (TestProvider *provider);
char         *test_provider_url     (TestProvider *provider,
                                     const char   *path);
JsonObject   *test_provider_stats   (TestProvider *provider);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestProvider, test_provider_stop)

/* Credentials the provider knows. */
#define TEST_CLIENT_KEY    "grant-client-key"
#define TEST_CLIENT_SECRET "grant-client-secret"

char     *test_read_data_file (const char *name);

/* Runs the default main context until *done is TRUE. */
void      test_wait_for       (gboolean   *done);

G_END_DECLS
