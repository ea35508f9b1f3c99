/* grant-pkce.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "grant-pkce-private.h"
#include "grant-random-private.h"

/* RFC 7636 §4.1: unreserved characters, 43 to 128 of them. 66 is not a
 * power of two, so bytes at or above the largest multiple of 66 are drawn
 * again rather than folded (which would favour the first characters). */
static const char verifier_chars[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

static char *
random_string (gsize n,
               const char *alphabet)
{
  gsize size = strlen (alphabet);
  guint limit = 256 - (256 % size);
  char *out = g_malloc (n + 1);
  gsize filled = 0;

  while (filled < n)
    {
      guint8 buffer[64];

      grant_random_fill (buffer, sizeof buffer);
      for (gsize i = 0; i < sizeof buffer && filled < n; i++)
        if (buffer[i] < limit)
          out[filled++] = alphabet[buffer[i] % size];
      memset (buffer, 0, sizeof buffer);
    }
  out[n] = '\0';
  return out;
}

char *
grant_pkce_new_verifier (gsize length)
{
  return random_string (CLAMP (length, 43, 128), verifier_chars);
}

gboolean
grant_pkce_verifier_valid (const char *verifier)
{
  gsize len;

  if (verifier == NULL)
    return FALSE;
  len = strlen (verifier);
  if (len < 43 || len > 128)
    return FALSE;
  return strspn (verifier, verifier_chars) == len;
}

/* BASE64URL(SHA256(ASCII(verifier))) without padding, RFC 7636 §4.2. */
char *
grant_pkce_s256_challenge (const char *verifier)
{
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  GChecksum *sha256 = g_checksum_new (G_CHECKSUM_SHA256);
  char *encoded;

  g_checksum_update (sha256, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (sha256, digest, &digest_len);
  g_checksum_free (sha256);

  encoded = g_base64_encode (digest, digest_len);
  for (char *p = encoded; *p; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  return encoded;
}

/* 32 characters from 62: about 190 bits. */
char *
grant_state_new (void)
{
  return random_string (32, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
}

/* Compares without stopping at the first difference, so that the time
 * taken says nothing about how much of a guessed state was right. */
gboolean
grant_secure_equal (const char *a,
                    const char *b)
{
  gsize la, lb;
  guint8 diff;

  if (a == NULL || b == NULL)
    return FALSE;
  la = strlen (a);
  lb = strlen (b);
  diff = la != lb;
  for (gsize i = 0; i < la; i++)
    diff |= (guint8) a[i] ^ (guint8) (lb ? b[i % lb] : 0);
  return diff == 0;
}
