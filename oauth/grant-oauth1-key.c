/* grant-oauth1-key.c: OAuth 1 signing keys, and HMACs keyed once per signer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "grant-encoding-private.h"
#include "grant-oauth1-key-private.h"
#include "grant-random-private.h"

/* RFC 5849 §3.4.2: the two secrets, encoded, joined by "&". It is a
 * secret: free it with grant_secret_free(). */
char *
grant_oauth1_signing_key (const char *client_secret,
                          const char *token_secret)
{
  GString *key = g_string_new (NULL);

  grant_string_append_percent_encoded (key, client_secret);
  g_string_append_c (key, '&');
  grant_string_append_percent_encoded (key, token_secret);
  return g_string_free (key, FALSE);
}

/* GNUTLS_MAC_UNKNOWN for a method that is not HMAC. */
gnutls_mac_algorithm_t
grant_oauth1_hmac_algorithm (GrantOAuth1SignatureMethod method)
{
  switch (method)
    {
    case GRANT_OAUTH1_SIGNATURE_HMAC_SHA1:
      return GNUTLS_MAC_SHA1;
    case GRANT_OAUTH1_SIGNATURE_HMAC_SHA256:
      return GNUTLS_MAC_SHA256;
    case GRANT_OAUTH1_SIGNATURE_HMAC_SHA512:
      return GNUTLS_MAC_SHA512;
    default:
      return GNUTLS_MAC_UNKNOWN;
    }
}

/*
 * An HMAC already keyed with "client_secret&token_secret", for a signer
 * to keep while its secrets stay the same: each signature then starts
 * from the keyed state instead of hashing the key again. Output resets
 * the state, so one signature at a time works on @working in place; one
 * that finds it busy works on a copy of @keyed, which nothing ever writes
 * to and so can be copied from any thread. GnuTLS wipes the keyed states
 * when the handles are freed.
 */
struct _GrantOAuth1Key
{
  GMutex                  lock;
  gnutls_hmac_hd_t        working;
  gnutls_hmac_hd_t        keyed;
  gnutls_mac_algorithm_t  algorithm;
};

GrantOAuth1Key *
grant_oauth1_key_new (GrantOAuth1SignatureMethod  method,
                      const char                 *client_secret,
                      const char                 *token_secret)
{
  gnutls_mac_algorithm_t algorithm = grant_oauth1_hmac_algorithm (method);
  gnutls_hmac_hd_t keyed = NULL;
  gnutls_hmac_hd_t working;
  GrantOAuth1Key *key;
  char *secret;
  int ret;

  if (algorithm == GNUTLS_MAC_UNKNOWN)
    return NULL;

  secret = grant_oauth1_signing_key (client_secret, token_secret);
  ret = gnutls_hmac_init (&keyed, algorithm, secret, strlen (secret));
  grant_secret_free (secret);
  if (ret < 0)
    return NULL;
  working = gnutls_hmac_copy (keyed);
  if (working == NULL)
    {
      gnutls_hmac_deinit (keyed, NULL);
      return NULL;
    }

  key = g_new0 (GrantOAuth1Key, 1);
  g_mutex_init (&key->lock);
  key->working = working;
  key->keyed = keyed;
  key->algorithm = algorithm;
  return key;
}

void
grant_oauth1_key_free (GrantOAuth1Key *key)
{
  if (key == NULL)
    return;
  gnutls_hmac_deinit (key->working, NULL);
  gnutls_hmac_deinit (key->keyed, NULL);
  g_mutex_clear (&key->lock);
  g_free (key);
}

/* The HMAC of @data with @key by @algorithm into @digest. FALSE when
 * @key cannot make it, and the caller keys its own. */
gboolean
grant_oauth1_key_digest (GrantOAuth1Key         *key,
                         gnutls_mac_algorithm_t  algorithm,
                         const char             *data,
                         gsize                   len,
                         guint8                 *digest)
{
  gnutls_hmac_hd_t copy;
  int ret;

  if (key->algorithm != algorithm)
    return FALSE;

  if (g_mutex_trylock (&key->lock))
    {
      ret = gnutls_hmac (key->working, data, len);
      /* Output resets the state to the keyed one, failure or not. */
      gnutls_hmac_output (key->working, digest);
      g_mutex_unlock (&key->lock);
      return ret >= 0;
    }

  copy = gnutls_hmac_copy (key->keyed);
  if (copy == NULL)
    return FALSE;
  ret = gnutls_hmac (copy, data, len);
  gnutls_hmac_deinit (copy, digest);
  return ret >= 0;
}
