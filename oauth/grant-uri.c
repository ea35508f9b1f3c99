/* grant-uri.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libsoup/soup.h>

#include "grant-encoding-private.h"
#include "grant-uri-private.h"

static int
effective_port (GUri *uri)
{
  int port = g_uri_get_port (uri);
  const char *scheme = g_uri_get_scheme (uri);

  if (port > 0 || scheme == NULL)
    return port;
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return 443;
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    return 80;
  return port;
}

/* RFC 6454: scheme, host and port. Anything less lets a redirect to
 * http:// or to another port on the same host collect credentials. */
gboolean
grant_uri_same_origin (GUri *a,
                       GUri *b)
{
  const char *host_a, *host_b;

  if (a == NULL || b == NULL)
    return FALSE;

  host_a = g_uri_get_host (a);
  host_b = g_uri_get_host (b);

  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         host_a != NULL && host_b != NULL &&
         g_ascii_strcasecmp (host_a, host_b) == 0 &&
         effective_port (a) == effective_port (b);
}

gboolean
grant_method_has_body (const char *method)
{
  return method != NULL &&
         g_ascii_strcasecmp (method, "GET") != 0 &&
         g_ascii_strcasecmp (method, "HEAD") != 0;
}

/* @text parsed as libsoup takes a URL, after requoting what a person may
 * have typed raw (see grant_uri_requote()); NULL, with GLib's reason,
 * when it does not parse. */
GUri *
grant_uri_parse_http (const char  *text,
                      GError     **error)
{
  g_autofree char *requoted = grant_uri_needs_requote (text) ? grant_uri_requote (text) : NULL;

  return g_uri_parse (requoted ? requoted : text, SOUP_HTTP_URI_FLAGS, error);
}
