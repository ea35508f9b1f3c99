/* oauth1-sign-bench.c: HMAC-SHA1 signatures per second
 *
 * Signs one fixed request (GET with five query parameters, every
 * credential set) through Grant's public API, and in the same run times
 * the two anchors it is compared with: a bare HMAC-SHA1 over the same
 * base string, and oauthlib's Client.sign on the same request (Debian's
 * python3-oauthlib). Prints rates and ratios; it is not a test.
 *
 * Each contestant runs in several short rounds, interleaved with the
 * others, and keeps its best round: on a shared machine the slow rounds
 * measure the neighbours, not the code. Rounds are timed in the CPU time
 * of the signing thread (time.thread_time() for oauthlib), which leaves
 * out the time the thread waits for a CPU; every contestant is
 * single-threaded and CPU-bound. Two more lines show what the
 * fixed request does not: a URL whose path changes every time (the signer
 * cannot reuse what it learnt of an endpoint, so GUri parses each one)
 * and a SoupMessage signed as GrantOAuth1Session and attached sessions
 * sign them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>

#include "grant.h"

#define URL "https://api.example.com/1.1/statuses/home_timeline.json?count=20&since_id=12345&include_entities=true&trim_user=false&exclude_replies=true"
#define ROUNDS 21
#define ROUND_SECONDS 0.15
#define N_COLD_URLS 1024

static const char oauthlib_script[] =
  "import sys, time\n"
  "from oauthlib.oauth1 import Client\n"
  "c = Client('xvz1evFS4wEEPTGEFPHBog', client_secret='kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',\n"
  "           resource_owner_key='370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',\n"
  "           resource_owner_secret='LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE')\n"
  "url = sys.argv[1]\n"
  "best = 0\n"
  "for _ in range(int(sys.argv[3])):\n"
  "    n = 0\n"
  "    start = time.thread_time()\n"
  "    while time.thread_time() - start < float(sys.argv[2]):\n"
  "        for _ in range(100):\n"
  "            c.sign(url)\n"
  "        n += 100\n"
  "    best = max(best, n / (time.thread_time() - start))\n"
  "print(best)\n";

/* Seconds of CPU time this thread has used. */
static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static GrantOAuth1 *
new_signer (void)
{
  GrantOAuth1 *auth = grant_oauth1_new ("xvz1evFS4wEEPTGEFPHBog",
                                        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw");

  grant_oauth1_set_token (auth, "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb");
  grant_oauth1_set_token_secret (auth, "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE");
  return auth;
}

typedef void (*SignFunc) (gpointer data, guint i);

/* One round of @sign for ROUND_SECONDS; signatures per second. */
static double
round_rate (SignFunc sign,
            gpointer data)
{
  double start = now (), elapsed;
  guint64 n = 0;

  do
    {
      for (guint i = 0; i < 1000; i++)
        sign (data, (guint) (n + i));
      n += 1000;
      elapsed = now () - start;
    }
  while (elapsed < ROUND_SECONDS);

  return n / elapsed;
}

typedef struct {
  GrantOAuth1 *auth;
  char       **urls;  /* NULL for the fixed URL */
  SoupMessage *message;
} GrantCase;

static void
sign_url (gpointer data,
          guint    i)
{
  GrantCase *c = data;
  SoupMessageHeaders *headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  char *uri = NULL;

  if (!grant_oauth1_sign (c->auth, "GET", c->urls ? c->urls[i % N_COLD_URLS] : URL,
                          headers, NULL, &uri, NULL, NULL))
    g_error ("signing failed");
  g_free (uri);
  soup_message_headers_unref (headers);
}

static void
sign_message (gpointer data,
              guint    i)
{
  GrantCase *c = data;

  if (!grant_oauth1_sign_message (c->auth, c->message, NULL, NULL))
    g_error ("signing failed");
}

/* The base string Grant builds for the same request, signed with nothing
 * but an HMAC: the floor any OAuth 1 signer sits on. */
static const char bare_key[] =
  "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw&LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";
static const char bare_base[] =
  "GET&https%3A%2F%2Fapi.example.com%2F1.1%2Fstatuses%2Fhome_timeline.json&count%3D20"
  "%26exclude_replies%3Dtrue%26include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog"
  "%26oauth_nonce%3Dd4b16ee4c31c32bf05b5b6e0%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp"
  "%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version"
  "%3D1.0%26since_id%3D12345%26trim_user%3Dfalse";

static void
sign_bare (gpointer data,
           guint    i)
{
  guint8 digest[20];
  char *b64;

  gnutls_hmac_fast (GNUTLS_MAC_SHA1, bare_key, sizeof bare_key - 1,
                    bare_base, sizeof bare_base - 1, digest);
  b64 = g_base64_encode (digest, sizeof digest);
  g_free (b64);
}

static double
bench_oauthlib (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *seconds = g_strdup_printf ("%.1f", ROUND_SECONDS);
  g_autofree char *rounds = g_strdup_printf ("%d", ROUNDS);
  const char *argv[] = { "/usr/bin/python3", "-c", oauthlib_script, URL, seconds, rounds, NULL };
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, &err, &status, &error) || status != 0)
    {
      g_printerr ("oauthlib anchor could not run (%s); install python3-oauthlib\n",
                  error ? error->message : err);
      return 0;
    }
  return g_ascii_strtod (out, NULL);
}

int
main (void)
{
  g_autoptr(GrantOAuth1) auth = new_signer ();
  g_autoptr(GrantOAuth1) cold_auth = new_signer ();
  g_autoptr(GrantOAuth1) message_auth = new_signer ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", URL);
  g_auto(GStrv) cold_urls = g_new0 (char *, N_COLD_URLS + 1);
  GrantCase fixed = { auth, NULL, NULL };
  GrantCase cold = { cold_auth, cold_urls, NULL };
  GrantCase as_message = { message_auth, NULL, message };
  double grant = 0, grant_cold = 0, grant_message = 0, bare = 0, oauthlib;

  for (guint i = 0; i < N_COLD_URLS; i++)
    cold_urls[i] = g_strdup_printf ("https://api.example.com/1.1/statuses/%u/home_timeline.json"
                                    "?count=20&since_id=12345&include_entities=true"
                                    "&trim_user=false&exclude_replies=true", i);

  for (int r = 0; r < ROUNDS; r++)
    {
      grant = MAX (grant, round_rate (sign_url, &fixed));
      bare = MAX (bare, round_rate (sign_bare, NULL));
      grant_cold = MAX (grant_cold, round_rate (sign_url, &cold));
      grant_message = MAX (grant_message, round_rate (sign_message, &as_message));
    }
  oauthlib = bench_oauthlib ();

  printf ("OAuth 1 HMAC-SHA1 signing, GET with five query parameters, all credentials\n");
  printf ("(best of %d rounds of %.2f s of CPU time each)\n", ROUNDS, ROUND_SECONDS);
  printf ("  Grant, grant_oauth1_sign (fixed URL)     %10.0f signatures/s\n", grant);
  printf ("  Grant, a new path every time             %10.0f signatures/s\n", grant_cold);
  printf ("  Grant, grant_oauth1_sign_message         %10.0f signatures/s\n", grant_message);
  printf ("  bare HMAC-SHA1 + base64 (anchor)         %10.0f signatures/s\n", bare);
  printf ("  oauthlib Client.sign (anchor)            %10.0f signatures/s\n", oauthlib);
  printf ("\n");
  if (oauthlib > 0)
    printf ("  Grant / oauthlib      = %6.1fx   (target >= 50x)\n", grant / oauthlib);
  printf ("  bare HMAC / Grant     = %6.2fx   (target <= 3x)\n", bare / grant);
  printf ("  bare HMAC / Grant, new path every time = %6.2fx\n", bare / grant_cold);
  printf ("  bare HMAC / Grant, SoupMessage         = %6.2fx\n", bare / grant_message);
  return 0;
}
