/* oauth1-sign-bench.c: HMAC-SHA1 signatures per second
 *
 * Signs one fixed request (GET with five query parameters, every
 * credential set) through Grant's public API, and in the same run times
 * the two anchors it is compared with: a bare HMAC-SHA1 over the same
 * base string, and oauthlib's Client.sign on the same request (Debian's
 * python3-oauthlib). Prints rates and ratios; it is not a test.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "grant.h"

#define URL "https://api.example.com/1.1/statuses/home_timeline.json?count=20&since_id=12345&include_entities=true&trim_user=false&exclude_replies=true"
#define SECONDS 2.0

static const char oauthlib_script[] =
  "import sys, time\n"
  "from oauthlib.oauth1 import Client\n"
  "c = Client('xvz1evFS4wEEPTGEFPHBog', client_secret='kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',\n"
  "           resource_owner_key='370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',\n"
  "           resource_owner_secret='LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE')\n"
  "url = sys.argv[1]\n"
  "n = 0\n"
  "start = time.perf_counter()\n"
  "while time.perf_counter() - start < float(sys.argv[2]):\n"
  "    for _ in range(100):\n"
  "        c.sign(url)\n"
  "    n += 100\n"
  "print(n / (time.perf_counter() - start))\n";

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static double
bench_grant (void)
{
  g_autoptr(GrantOAuth1) auth = grant_oauth1_new ("xvz1evFS4wEEPTGEFPHBog",
                                                  "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw");
  double start, elapsed;
  guint64 n = 0;

  grant_oauth1_set_token (auth, "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb");
  grant_oauth1_set_token_secret (auth, "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE");

  start = now ();
  do
    {
      for (int i = 0; i < 1000; i++)
        {
          SoupMessageHeaders *headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
          char *uri = NULL;

          if (!grant_oauth1_sign (auth, "GET", URL, headers, NULL, &uri, NULL, NULL))
            g_error ("signing failed");
          g_free (uri);
          soup_message_headers_unref (headers);
        }
      n += 1000;
      elapsed = now () - start;
    }
  while (elapsed < SECONDS);

  return n / elapsed;
}

/* The base string Grant builds for the same request, signed with nothing
 * but an HMAC: the floor any OAuth 1 signer sits on. */
static double
bench_bare_hmac (void)
{
  g_autoptr(GrantOAuth1) auth = grant_oauth1_new ("xvz1evFS4wEEPTGEFPHBog", NULL);
  const char *key = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw&LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";
  const char *base =
    "GET&https%3A%2F%2Fapi.example.com%2F1.1%2Fstatuses%2Fhome_timeline.json&count%3D20"
    "%26exclude_replies%3Dtrue%26include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog"
    "%26oauth_nonce%3Dd4b16ee4c31c32bf05b5b6e0%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp"
    "%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version"
    "%3D1.0%26since_id%3D12345%26trim_user%3Dfalse";
  gsize key_len = strlen (key), base_len = strlen (base);
  double start, elapsed;
  guint64 n = 0;

  start = now ();
  do
    {
      for (int i = 0; i < 1000; i++)
        {
          guint8 digest[20];
          char *b64;

          gnutls_hmac_fast (GNUTLS_MAC_SHA1, key, key_len, base, base_len, digest);
          b64 = g_base64_encode (digest, sizeof digest);
          g_free (b64);
        }
      n += 1000;
      elapsed = now () - start;
    }
  while (elapsed < SECONDS);

  (void) auth;
  return n / elapsed;
}

static double
bench_oauthlib (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *seconds = g_strdup_printf ("%.1f", SECONDS);
  const char *argv[] = { "/usr/bin/python3", "-c", oauthlib_script, URL, seconds, NULL };
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
  double grant, bare, oauthlib;

  grant = bench_grant ();
  bare = bench_bare_hmac ();
  oauthlib = bench_oauthlib ();

  printf ("OAuth 1 HMAC-SHA1 signing, GET with five query parameters, all credentials\n");
  printf ("  Grant (grant_oauth1_sign)        %12.0f signatures/s\n", grant);
  printf ("  bare HMAC-SHA1 + base64 (anchor) %12.0f signatures/s\n", bare);
  printf ("  oauthlib Client.sign (anchor)    %12.0f signatures/s\n", oauthlib);
  printf ("\n");
  if (oauthlib > 0)
    printf ("  Grant / oauthlib      = %6.1fx   (target >= 50x)\n", grant / oauthlib);
  printf ("  bare HMAC / Grant     = %6.2fx   (target <= 3x)\n", bare / grant);
  return 0;
}
