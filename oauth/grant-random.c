/* grant-random.c: state, nonces and verifiers come from here and only here
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <pthread.h>
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

/*
 * OAuth 1 nonces are drawn from a small per-thread pool that GnuTLS's
 * nonce generator refills: one call of the generator serves sixteen
 * signatures, which matters when a client signs thousands of requests a
 * second. Nonces are sent in the clear and are no secret; what matters is
 * that they never repeat, so a child process throws away the pool it
 * inherited rather than sending its parent's next nonces.
 */
#define NONCE_POOL_SIZE 192

typedef struct {
  guint8 bytes[NONCE_POOL_SIZE];
  gsize  used;
} NoncePool;

static __thread NoncePool nonce_pool = { { 0, }, NONCE_POOL_SIZE };

static void
drop_nonce_pool_after_fork (void)
{
  memset (nonce_pool.bytes, 0, sizeof nonce_pool.bytes);
  nonce_pool.used = NONCE_POOL_SIZE;
}

static void
take_nonce_bytes (guint8 *out,
                  gsize   n_bytes)
{
  static gsize fork_handler_set = 0;

  if (g_once_init_enter (&fork_handler_set))
    {
      pthread_atfork (NULL, NULL, drop_nonce_pool_after_fork);
      g_once_init_leave (&fork_handler_set, 1);
    }

  if (n_bytes > NONCE_POOL_SIZE - nonce_pool.used)
    {
      fill (GNUTLS_RND_NONCE, nonce_pool.bytes, NONCE_POOL_SIZE);
      nonce_pool.used = 0;
    }
  memcpy (out, nonce_pool.bytes + nonce_pool.used, n_bytes);
  /* A nonce handed out is gone from the pool. */
  memset (nonce_pool.bytes + nonce_pool.used, 0, n_bytes);
  nonce_pool.used += n_bytes;
}

/* Writes 2 * n_bytes hex digits and a NUL to @out; n_bytes <= 64. For
 * OAuth 1 nonces, which must never repeat and never be guessed but are
 * not secrets. */
void
grant_random_nonce_hex (char  *out,
                        gsize  n_bytes)
{
  static const char digits[] = "0123456789abcdef";
  guint8 raw[64];

  g_assert (n_bytes <= sizeof raw);
  take_nonce_bytes (raw, n_bytes);
  for (gsize i = 0; i < n_bytes; i++)
    {
      out[2 * i] = digits[raw[i] >> 4];
      out[2 * i + 1] = digits[raw[i] & 0x0f];
    }
  out[n_bytes * 2] = '\0';
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
