/* grant-oauth1-endpoints.c: what a signer learnt of the URLs it signed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "grant-oauth1-endpoints-private.h"

/*
 * The base-string URIs, encoded, of the last few endpoints a signer
 * signed for, by the text of the URL up to its query. Parsing a URL was
 * a third of the work of signing it, and a client calls the same few
 * endpoints over and over with different queries. An entry is made only
 * from a URL GUri parsed, and used only for the very same text up to the
 * first "?" or "#", which is where GUri ends the path; the signer then
 * reads the query from the rest of the text, which is what GUri would
 * return for it once the URL is requoted.
 */
#define N_ENDPOINTS 8
#define MAX_PREFIX 512

typedef struct {
  char  *prefix;
  gsize  prefix_len;
  char  *base_string_uri;
  gsize  base_string_uri_len;
} Endpoint;

struct _GrantOAuth1Endpoints
{
  GMutex   lock;
  Endpoint entries[N_ENDPOINTS];
  guint    next;
};

GrantOAuth1Endpoints *
grant_oauth1_endpoints_new (void)
{
  GrantOAuth1Endpoints *endpoints = g_new0 (GrantOAuth1Endpoints, 1);

  g_mutex_init (&endpoints->lock);
  return endpoints;
}

void
grant_oauth1_endpoints_free (GrantOAuth1Endpoints *endpoints)
{
  if (endpoints == NULL)
    return;
  for (guint i = 0; i < N_ENDPOINTS; i++)
    {
      g_free (endpoints->entries[i].prefix);
      g_free (endpoints->entries[i].base_string_uri);
    }
  g_mutex_clear (&endpoints->lock);
  g_free (endpoints);
}

/* Appends the base-string URI for @prefix to @out if it is known. */
gboolean
grant_oauth1_endpoints_lookup (GrantOAuth1Endpoints *endpoints,
                               const char           *prefix,
                               gsize                 prefix_len,
                               GString              *out)
{
  gboolean found = FALSE;

  /* Never wait: a busy memo (or one a fork left locked) is skipped and
   * the URL parsed. */
  if (!g_mutex_trylock (&endpoints->lock))
    return FALSE;
  for (guint i = 0; i < N_ENDPOINTS; i++)
    {
      const Endpoint *entry = &endpoints->entries[i];

      if (entry->prefix != NULL && entry->prefix_len == prefix_len &&
          memcmp (entry->prefix, prefix, prefix_len) == 0)
        {
          g_string_append_len (out, entry->base_string_uri, entry->base_string_uri_len);
          found = TRUE;
          break;
        }
    }
  g_mutex_unlock (&endpoints->lock);
  return found;
}

static gboolean
has_userinfo (const char *prefix,
              gsize       prefix_len)
{
  const char *end = prefix + prefix_len;
  const char *authority = g_strstr_len (prefix, prefix_len, "://");
  const char *slash;

  if (authority == NULL)
    return TRUE;
  authority += 3;
  slash = memchr (authority, '/', end - authority);
  return memchr (authority, '@', (slash ? slash : end) - authority) != NULL;
}

void
grant_oauth1_endpoints_remember (GrantOAuth1Endpoints *endpoints,
                                 const char           *prefix,
                                 gsize                 prefix_len,
                                 const char           *base_string_uri,
                                 gsize                 base_string_uri_len)
{
  Endpoint *entry;

  /* Long URLs are not worth keeping, and credentials in a URL are not
   * kept at all. */
  if (prefix_len > MAX_PREFIX || has_userinfo (prefix, prefix_len))
    return;
  if (!g_mutex_trylock (&endpoints->lock))
    return;
  entry = &endpoints->entries[endpoints->next];
  endpoints->next = (endpoints->next + 1) % N_ENDPOINTS;
  g_free (entry->prefix);
  g_free (entry->base_string_uri);
  entry->prefix = g_strndup (prefix, prefix_len);
  entry->prefix_len = prefix_len;
  entry->base_string_uri = g_strndup (base_string_uri, base_string_uri_len);
  entry->base_string_uri_len = base_string_uri_len;
  g_mutex_unlock (&endpoints->lock);
}
