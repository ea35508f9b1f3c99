/* grant-demo-browser.c
 *
 * A person at a browser, as far as the local demo providers need one:
 * follow redirects, keep cookies, fill in the login and consent forms of
 * oidc-provider's development interactions, and stop at the redirect URI.
 * `grant demo` and the interop tests both use it; it is not part of the
 * library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <signal.h>
#include <string.h>

#include <libsoup/soup.h>

#include "grant-demo-browser.h"

#define MAX_STEPS 20

static char *
form_prompt (const char *html)
{
  g_autoptr(GRegex) re = g_regex_new ("name=\"prompt\"\\s+value=\"([a-z_]+)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (html != NULL && g_regex_match (re, html, 0, &match))
    return g_match_info_fetch (match, 1);
  return NULL;
}

char *
grant_demo_browser_authorize (const char  *authorization_url,
                              const char  *redirect_prefix,
                              const char  *login,
                              GError     **error)
{
  g_autoptr(SoupSession) browser = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(GUri) current = NULL;
  g_autofree char *post_form = NULL;

  soup_session_add_feature_by_type (browser, SOUP_TYPE_COOKIE_JAR);
  current = g_uri_parse (authorization_url, SOUP_HTTP_URI_FLAGS, error);
  if (current == NULL)
    return NULL;

  for (int step = 0; step < MAX_STEPS; step++)
    {
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autofree char *text = NULL;
      g_autofree char *prompt = NULL;
      const char *location;
      guint status;

      if (post_form != NULL)
        {
          g_autoptr(GBytes) form = g_bytes_new (post_form, strlen (post_form));

          msg = soup_message_new_from_uri ("POST", current);
          soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", form);
          g_clear_pointer (&post_form, g_free);
        }
      else
        msg = soup_message_new_from_uri ("GET", current);
      soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);

      body = soup_session_send_and_read (browser, msg, NULL, error);
      if (body == NULL)
        return NULL;
      status = soup_message_get_status (msg);

      if (SOUP_STATUS_IS_REDIRECTION (status))
        {
          GUri *next;

          location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
          if (location == NULL)
            break;
          next = g_uri_parse_relative (current, location, SOUP_HTTP_URI_FLAGS, error);
          if (next == NULL)
            return NULL;
          g_uri_unref (current);
          current = next;
          {
            g_autofree char *where = g_uri_to_string (current);

            if (g_str_has_prefix (where, redirect_prefix))
              return g_steal_pointer (&where);
          }
          continue;
        }

      text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      if (status == 200 && (prompt = form_prompt (text)) != NULL)
        {
          if (g_str_equal (prompt, "login"))
            {
              g_autofree char *escaped = g_uri_escape_string (login, NULL, FALSE);
              post_form = g_strdup_printf ("prompt=login&login=%s&password=demo", escaped);
            }
          else
            post_form = g_strdup_printf ("prompt=%s", prompt);
          continue;
        }

      /* The OAuth 1 demo provider answers an out-of-band authorization
       * with the verifier as its page. */
      if (status == 200)
        return g_steal_pointer (&text);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "The authorization page answered HTTP %u: %.200s", status, text);
      return NULL;
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "The authorization did not reach the redirect URI");
  return NULL;
}

/* How long a test server may take to say it is listening. */
#define SERVER_START_SECONDS 30

typedef struct {
  GMainLoop *loop;
  char      *line;
  GError    *error;
} FirstLine;

static void
on_first_line (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  FirstLine *first = data;

  first->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                           NULL, &first->error);
  g_main_loop_quit (first->loop);
}

static gboolean
give_up (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* Starts a test server that prints `READY URL` on stdout once listening.
 * A server that says nothing in SERVER_START_SECONDS is stopped and an
 * error returned, rather than waited for for ever. */
GSubprocess *
grant_demo_server_start (const char * const  *argv,
                         char               **url,
                         GError             **error)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) timeout = g_timeout_source_new_seconds (SERVER_START_SECONDS);
  g_autofree char *line = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE;
  FirstLine first = { NULL, NULL, NULL };
  const char *name = argv[1] ? argv[1] : argv[0];

  if (g_getenv ("GRANT_DEMO_VERBOSE") == NULL)
    flags |= G_SUBPROCESS_FLAGS_STDERR_SILENCE;
  process = g_subprocess_newv (argv, flags, error);
  if (process == NULL)
    return NULL;

  /* A private context: nothing else of the caller's runs meanwhile. */
  g_main_context_push_thread_default (context);
  first.loop = g_main_loop_new (context, FALSE);
  g_source_set_callback (timeout, give_up, cancellable, NULL);
  g_source_attach (timeout, context);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, cancellable, on_first_line, &first);
  g_main_loop_run (first.loop);
  g_source_destroy (timeout);
  g_main_loop_unref (first.loop);
  g_main_context_pop_thread_default (context);
  line = first.line;

  if (line == NULL || !g_str_has_prefix (line, "READY "))
    {
      if (g_error_matches (first.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                     "%s did not say it was listening within %d seconds",
                     name, SERVER_START_SECONDS);
      else if (first.error != NULL)
        g_propagate_error (error, g_steal_pointer (&first.error));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "%s did not start (it printed “%s”)", name, line ? line : "nothing");
      g_clear_error (&first.error);
      g_subprocess_force_exit (process);
      return NULL;
    }
  *url = g_strdup (line + strlen ("READY "));
  return g_steal_pointer (&process);
}

void
grant_demo_server_stop (GSubprocess *server)
{
  if (server == NULL)
    return;
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_object_unref (server);
}
