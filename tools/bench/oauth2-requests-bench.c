/* oauth2-requests-bench.c: authorized requests per second, and a refresh storm
 *
 * One SoupServer on 127.0.0.1 (in a thread of this process) answers
 * protected GETs and token requests. In the same run this times:
 *   - bare libsoup GETs with no OAuth at all (the anchor for overhead),
 *   - GrantOAuth2Session.send_and_read,
 *   - requests-oauthlib's OAuth2Session.get (Debian python3-requests-oauthlib),
 * all over keep-alive connections, then sends 1000 concurrent requests on an
 * expired token through Grant and through requests-oauthlib and counts the
 * refreshes the server saw. It prints rates and ratios; it is not a test.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <string.h>

#include "grant.h"

#define SECONDS 1.0
#define ROUNDS 3
#define STORM 1000

static gint refreshes;
static gint served;
static char *base_url;

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  if (g_str_equal (path, "/token"))
    {
      static const char token[] =
        "{\"access_token\":\"fresh-token\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
        "\"refresh_token\":\"refresh-2\"}";

      g_atomic_int_inc (&refreshes);
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, token, strlen (token));
      return;
    }

  g_atomic_int_inc (&served);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"ok\":true}", 11);
}

static gpointer
server_thread (gpointer data)
{
  GMainContext *context = g_main_context_new ();
  GMainLoop *loop = g_main_loop_new (context, FALSE);
  SoupServer *server;
  GSList *uris;

  g_main_context_push_thread_default (context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, handle, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, NULL))
    g_error ("cannot listen on 127.0.0.1");
  uris = soup_server_get_uris (server);
  base_url = g_uri_to_string (uris->data);
  base_url[strlen (base_url) - 1] = '\0';
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_atomic_pointer_set ((gpointer *) data, base_url);
  g_main_loop_run (loop);
  return NULL;
}

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static double
bench_bare (const char *url)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  double start = now (), elapsed;
  guint n = 0;

  do
    {
      for (int i = 0; i < 100; i++)
        {
          g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
          g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);
        }
      n += 100;
      elapsed = now () - start;
    }
  while (elapsed < SECONDS);
  return n / elapsed;
}

static GrantOAuth2Session *
new_session (gint64 expires_at)
{
  GrantOAuth2Session *session = grant_oauth2_session_new ("bench-client", "bench-secret");
  g_autoptr(GrantToken) token = grant_token_new ("initial-token");
  g_autofree char *token_url = g_strconcat (base_url, "/token", NULL);

  grant_token_set_refresh_token (token, "refresh-1");
  grant_token_set_expires_at (token, expires_at);
  g_object_set (session, "allow-insecure-transport", TRUE, "token-url", token_url, NULL);
  grant_oauth2_session_set_token (session, token);
  return session;
}

static double
bench_grant (const char *url)
{
  g_autoptr(GrantOAuth2Session) session = new_session (g_get_real_time () / G_USEC_PER_SEC + 3600);
  double start = now (), elapsed;
  guint n = 0;

  do
    {
      for (int i = 0; i < 100; i++)
        {
          g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
          g_autoptr(GBytes) body = grant_oauth2_session_send_and_read (session, msg, NULL, 0, NULL, NULL);
        }
      n += 100;
      elapsed = now () - start;
    }
  while (elapsed < SECONDS);
  return n / elapsed;
}

static char *
run_python (const char *script,
            const char *arg1,
            const char *arg2)
{
  const char *argv[] = { "/usr/bin/python3", "-c", script, arg1, arg2, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error) ||
      status != 0)
    {
      g_printerr ("requests-oauthlib anchor could not run (%s); install python3-requests-oauthlib\n",
                  error ? error->message : err);
      g_free (out);
      return NULL;
    }
  return out;
}

static const char requests_rate[] =
  "import sys, time\n"
  "from requests_oauthlib import OAuth2Session\n"
  "s = OAuth2Session('bench-client', token={'access_token': 'initial-token', 'token_type': 'Bearer',\n"
  "                                          'expires_at': time.time() + 3600})\n"
  "url = sys.argv[1]; seconds = float(sys.argv[2]); n = 0; start = time.perf_counter()\n"
  "while time.perf_counter() - start < seconds:\n"
  "    for _ in range(100):\n"
  "        s.get(url)\n"
  "    n += 100\n"
  "print(n / (time.perf_counter() - start))\n";

/* requests-oauthlib has no lock: every thread that sees the expired token
 * refreshes it. 50 workers, 1000 requests. */
static const char requests_storm[] =
  "import sys, time\n"
  "from concurrent.futures import ThreadPoolExecutor\n"
  "from requests_oauthlib import OAuth2Session\n"
  "base = sys.argv[1]\n"
  "s = OAuth2Session('bench-client', token={'access_token': 'initial-token', 'token_type': 'Bearer',\n"
  "                  'refresh_token': 'refresh-1', 'expires_at': time.time() - 10},\n"
  "                  auto_refresh_url=base + '/token', token_updater=lambda t: None,\n"
  "                  auto_refresh_kwargs={'client_id': 'bench-client', 'client_secret': 'bench-secret'})\n"
  "with ThreadPoolExecutor(max_workers=50) as pool:\n"
  "    list(pool.map(lambda i: s.get(base + '/api'), range(int(sys.argv[2]))))\n";

typedef struct {
  guint done;
  guint failed;
} Storm;

static void
on_storm_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Storm *storm = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = grant_oauth2_session_send_and_read_finish (GRANT_OAUTH2_SESSION (source), result, &error);

  storm->done++;
  if (body == NULL)
    storm->failed++;
}

int
main (void)
{
  g_autofree char *url = NULL;
  g_autofree char *storm_count = g_strdup_printf ("%d", STORM);
  g_autofree char *seconds = g_strdup_printf ("%.1f", SECONDS);
  g_autofree char *py_rate = NULL;
  gpointer ready = NULL;
  double bare, grant, requests = 0;
  gint grant_refreshes, requests_refreshes = -1;
  Storm storm = { 0, 0 };

  g_setenv ("OAUTHLIB_INSECURE_TRANSPORT", "1", TRUE);
  g_thread_new ("server", server_thread, &ready);
  while (g_atomic_pointer_get (&ready) == NULL)
    g_usleep (1000);
  url = g_strconcat (base_url, "/api", NULL);

  /* Alternating rounds, best of each: the two share the machine with the
   * server thread, and whatever else runs shifts both the same way. */
  bare = grant = 0;
  for (int round = 0; round < ROUNDS; round++)
    {
      bare = MAX (bare, bench_bare (url));
      grant = MAX (grant, bench_grant (url));
    }
  py_rate = run_python (requests_rate, url, seconds);
  if (py_rate)
    requests = g_ascii_strtod (py_rate, NULL);

  printf ("Authorized GET over keep-alive loopback (same server, same run, best of %d rounds)\n", ROUNDS);
  printf ("  bare libsoup, no OAuth (anchor)      %10.0f requests/s\n", bare);
  printf ("  Grant OAuth2Session.send_and_read    %10.0f requests/s\n", grant);
  printf ("  requests-oauthlib OAuth2Session.get  %10.0f requests/s\n", requests);
  if (requests > 0)
    printf ("  Grant / requests-oauthlib = %6.1fx   (target >= 5x)\n", grant / requests);
  printf ("  Grant overhead over bare libsoup = %+.1f %%   (target <= 10 %%)\n",
          100.0 * (bare / grant - 1.0));

  /* The storm: every request starts before the refresh can finish. */
  {
    g_autoptr(GrantOAuth2Session) session = new_session (g_get_real_time () / G_USEC_PER_SEC - 10);

    g_atomic_int_set (&refreshes, 0);
    for (int i = 0; i < STORM; i++)
      {
        g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
        grant_oauth2_session_send_and_read_async (session, msg, NULL, 0, NULL, on_storm_done, &storm);
      }
    while (storm.done < STORM)
      g_main_context_iteration (NULL, TRUE);
    grant_refreshes = g_atomic_int_get (&refreshes);
  }

  g_atomic_int_set (&refreshes, 0);
  {
    g_autofree char *out = run_python (requests_storm, base_url, storm_count);
    if (out != NULL)
      requests_refreshes = g_atomic_int_get (&refreshes);
  }

  printf ("\nRefresh storm: %d concurrent requests on an expired token\n", STORM);
  printf ("  Grant:             %d refresh request(s), %u of %d requests failed\n",
          grant_refreshes, storm.failed, STORM);
  printf ("  requests-oauthlib: %d refresh request(s)\n", requests_refreshes);
  return 0;
}
