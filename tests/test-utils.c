/* test-utils.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <signal.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "test-utils.h"

struct _TestServer
{
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  SoupServer      *server;
  char            *url;
  TestServerSetup  setup;
  gpointer         user_data;
  GMutex           lock;
  GCond            ready;
  gboolean         started;
};

static gpointer
server_thread (gpointer data)
{
  TestServer *ts = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (ts->context);

  ts->server = soup_server_new (NULL, NULL);
  ts->setup (ts->server, ts->user_data);
  soup_server_listen_local (ts->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (ts->server);
  ts->url = g_uri_to_string (uris->data);
  /* g_uri_to_string gives "http://127.0.0.1:PORT/"; callers add paths. */
  if (g_str_has_suffix (ts->url, "/"))
    ts->url[strlen (ts->url) - 1] = '\0';
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&ts->lock);
  ts->started = TRUE;
  g_cond_signal (&ts->ready);
  g_mutex_unlock (&ts->lock);

  g_main_loop_run (ts->loop);

  soup_server_disconnect (ts->server);
  g_clear_object (&ts->server);
  /* Let the disconnects finish before the context goes away. */
  while (g_main_context_iteration (ts->context, FALSE))
    ;
  g_main_context_pop_thread_default (ts->context);
  return NULL;
}

TestServer *
test_server_new (TestServerSetup setup,
                 gpointer        user_data)
{
  TestServer *ts = g_new0 (TestServer, 1);

  ts->context = g_main_context_new ();
  ts->loop = g_main_loop_new (ts->context, FALSE);
  ts->setup = setup;
  ts->user_data = user_data;
  g_mutex_init (&ts->lock);
  g_cond_init (&ts->ready);

  ts->thread = g_thread_new ("test-server", server_thread, ts);
  g_mutex_lock (&ts->lock);
  while (!ts->started)
    g_cond_wait (&ts->ready, &ts->lock);
  g_mutex_unlock (&ts->lock);
  return ts;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
test_server_free (TestServer *ts)
{
  g_main_context_invoke (ts->context, quit_loop, ts->loop);
  g_thread_join (ts->thread);
  g_main_loop_unref (ts->loop);
  g_main_context_unref (ts->context);
  g_mutex_clear (&ts->lock);
  g_cond_clear (&ts->ready);
  g_free (ts->url);
  g_free (ts);
}

const char *
test_server_get_url (TestServer *ts)
{
  return ts->url;
}

char *
test_server_url (TestServer *ts,
                 const char *path)
{
  return g_strconcat (ts->url, path, NULL);
}

GMainContext *
test_server_get_context (TestServer *ts)
{
  return ts->context;
}

struct _TestProvider
{
  GSubprocess *process;
  char        *url;
};

TestProvider *
test_provider_start_argv (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  TestProvider *provider = g_new0 (TestProvider, 1);

  provider->process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                                         &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (provider->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL || !g_str_has_prefix (line, "READY "))
    g_error ("The test server %s did not start (it printed “%s”)", argv[1],
             line ? line : "nothing");
  provider->url = g_strdup (line + strlen ("READY "));
  return provider;
}

TestProvider *
test_provider_start (void)
{
  const char *python = g_getenv ("GRANT_PYTHON");
  const char *script = g_getenv ("GRANT_OAUTH1_PROVIDER");
  g_autofree char *key_path = g_test_build_filename (G_TEST_DIST, "data", "rsa-public.pem", NULL);
  const char *argv[] = {
    python ? python : "/usr/bin/python3", script, "--port", "0", "--exit-on-stdin-eof", "--quiet",
    "--rsa-public-key", key_path, NULL
  };

  g_assert_nonnull (script);
  return test_provider_start_argv (argv);
}

void
test_provider_stop (TestProvider *provider)
{
  if (provider == NULL)
    return;
  g_subprocess_send_signal (provider->process, SIGTERM);
  g_subprocess_wait (provider->process, NULL, NULL);
  g_object_unref (provider->process);
  g_free (provider->url);
  g_free (provider);
}

const char *
test_provider_get_url (TestProvider *provider)
{
  return provider->url;
}

char *
test_provider_url (TestProvider *provider,
                   const char   *path)
{
  return g_strconcat (provider->url, path, NULL);
}

JsonObject *
test_provider_stats (TestProvider *provider)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = test_provider_url (provider, "/stats");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

char *
test_read_data_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

void
test_wait_for (gboolean *done)
{
  while (!*done)
    g_main_context_iteration (NULL, TRUE);
}
