/* grant-scope.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "grant-scope-private.h"

/*
 * RFC 6749 §3.3 separates scopes with spaces. GitHub, Facebook and others
 * answer with commas (sometimes followed by a space), so a string with
 * commas and no whitespace, or with ", ", is read as a comma list.
 */
char **
grant_scope_parse (const char *text)
{
  const char *separators = " \t\r\n\f\v";
  g_auto(GStrv) parts = NULL;
  GPtrArray *out;

  if (text == NULL)
    return NULL;
  /* "a,b" and "a, b" are comma lists; a comma inside space-separated
   * scopes with no space after it is left alone. */
  if (strchr (text, ',') != NULL &&
      (strpbrk (text, separators) == NULL || strstr (text, ", ") != NULL))
    separators = " \t\r\n\f\v,";

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
