/* grant-scope.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "grant-scope-private.h"

/*
 * RFC 6749 §3.3 separates scopes with spaces. GitHub, Facebook and others
 * answer with commas; a scope never contains either, so a string with no
 * space but a comma is read as a comma-separated list.
 */
char **
grant_scope_parse (const char *text)
{
  const char *separators = " ";
  g_auto(GStrv) parts = NULL;
  GPtrArray *out;

  if (text == NULL)
    return NULL;
  if (strchr (text, ' ') == NULL && strchr (text, ',') != NULL)
    separators = ",";

  parts = g_strsplit_set (text, separators, -1);
  out = g_ptr_array_new ();
  for (char **p = parts; *p; p++)
    {
      g_strstrip (*p);
      if (**p != '\0')
        g_ptr_array_add (out, g_strdup (*p));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

char *
grant_scope_join (const char * const *scope)
{
  if (scope == NULL)
    return NULL;
  return g_strjoinv (" ", (char **) scope);
}

/* Scopes are a set: order and repetition do not matter. */
gboolean
grant_scope_equal (const char * const *a,
                   const char * const *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  for (const char * const *p = a; *p; p++)
    if (!g_strv_contains (b, *p))
      return FALSE;
  for (const char * const *p = b; *p; p++)
    if (!g_strv_contains (a, *p))
      return FALSE;
  return TRUE;
}
