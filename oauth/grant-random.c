/* grant-random.c: state, nonces and verifiers come from here and only here
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>

#include "grant-random-private.h"

/*
 * GnuTLS draws from getrandom() and reseeds itself; GLib's g_random_*
 * is a Mersenne Twister whose output can be predicted from a few samples,
 * which is exactly what an attacker forging a callback would need.
 */
static void
fill (gnutls_rnd_level_t  level,
      guint8             *buffer,
      gsize               length)
{
  int ret = gnutls_rnd (level, buffer, length);

  /* gnutls_rnd only fails if the library could not initialise its
   * generator at all; carrying on with a predictable value would be worse
   * than stopping. */
  if (ret < 0)
    g_error ("Grant could not read the system random number generator: %s",
             gnutls_strerror (ret));
}

/* For secrets: state, PKCE verifiers. */
void
grant_random_fill (guint8 *buffer,
                   gsize   length)
{
  fill (GNUTLS_RND_RANDOM, buffer, length);
}

/* Writes 2 * n_bytes hex digits and a NUL to @out; n_bytes <= 64. For
 * OAuth 1 nonces, which must never repeat and never be guessed but are
 * not secrets: GnuTLS's nonce generator is unpredictable and cheaper. */
void
grant_random_nonce_hex (char  *out,
                        gsize  n_bytes)
{
  static const char digits[] = "0123456789abcdef";
  guint8 raw[64];

  g_assert (n_bytes <= sizeof raw);
  fill (GNUTLS_RND_NONCE, raw, n_bytes);
  for (gsize i = 0; i < n_bytes; i++)
    {
      out[2 * i] = digits[raw[i] >> 4];
      out[2 * i + 1] = digits[raw[i] & 0x0f];
    }
  out[n_bytes * 2] = '\0';
  memset (raw, 0, n_bytes);
}

/* Zeroes the string @secret in place. gnutls_memset() is a write the
 * compiler may not drop, as it may a memset() before free(). */
void
grant_secret_wipe (char *secret)
{
  if (secret != NULL)
    gnutls_memset (secret, 0, strlen (secret));
}

/* Zeroes, then frees, the string @secret (which may be NULL). */
void
grant_secret_free (char *secret)
{
  grant_secret_wipe (secret);
  g_free (secret);
}
