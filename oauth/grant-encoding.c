/* grant-encoding.c: the two percent-encodings OAuth uses, and parameter lists
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "grant-error.h"
#include "grant-encoding-private.h"

/*
 * RFC 5849 §3.6: everything but ALPHA, DIGIT, "-", ".", "_" and "~" is
 * encoded, with upper-case hex. This is the same set GLib's escaper keeps
 * with no reserved characters allowed; it is written out here because it
 * runs a dozen times for every signature and GLib's version validates
 * UTF-8 and allocates on every call.
 */
static const guint8 unreserved[256] = {
  ['-'] = 1, ['.'] = 1, ['_'] = 1, ['~'] = 1,
  ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
  ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
  ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
  ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
  ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
  ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
  ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
  ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
  ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
  ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

static inline gboolean
is_unreserved (guchar c)
{
  return unreserved[c];
}

/* Copies the bytes of [start, end) to @w up to the first one that is
 * not unreserved; returns the end of what it copied. */
char *
grant_copy_unreserved (char       *w,
                       const char *start,
                       const char *end)
{
  const guchar *p = (const guchar *) start;

  while (p < (const guchar *) end && is_unreserved (*p))
    *w++ = *p++;
  return w;
}

static inline char *
encode_to (char         *w,
           const guchar *p,
           gsize         len,
           gboolean      space_as_plus)
{
  static const char hex[] = "0123456789ABCDEF";

  for (const guchar *end = p + len; p < end; p++)
    {
      if (is_unreserved (*p))
        *w++ = *p;
      else if (*p == ' ' && space_as_plus)
        *w++ = '+';
      else
        {
          *w++ = '%';
          *w++ = hex[*p >> 4];
          *w++ = hex[*p & 0x0f];
        }
    }
  return w;
}

/* Writes the @len bytes at @str in the RFC 5849 encoding to @w, which
 * has room for 3 * @len bytes, and returns the end of what it wrote:
 * for callers that size one buffer for a whole base string. */
char *
grant_percent_encode_to (char       *w,
                         const char *str,
                         gsize       len)
{
  return encode_to (w, (const guchar *) str, len, FALSE);
}

static void
append_encoded (GString    *out,
                const char *str,
                gboolean    space_as_plus)
{
  gsize len, start;
  char *w;

  if (str == NULL)
    return;

  /* Room for the worst case, written through a pointer, then trimmed:
   * this runs over every byte of every base string. */
  len = strlen (str);
  start = out->len;
  g_string_set_size (out, start + 3 * len);
  w = encode_to (out->str + start, (const guchar *) str, len, space_as_plus);
  g_string_truncate (out, w - out->str);
}

void
grant_string_append_percent_encoded (GString    *out,
                                     const char *str)
{
  append_encoded (out, str, FALSE);
}

char *
grant_percent_encode (const char *str)
{
  GString *out = g_string_sized_new (str ? strlen (str) + 8 : 1);

  grant_string_append_percent_encoded (out, str);
  return g_string_free (out, FALSE);
}

/*
 * application/x-www-form-urlencoded as browsers and Python's quote_plus
 * write it: the RFC 3986 encoding above, except that a space is "+".
 */
void
grant_string_append_form_encoded (GString    *out,
                                  const char *str)
{
  append_encoded (out, str, TRUE);
}

static void
grant_param_free (gpointer data)
{
  GrantParam *param = data;

  g_free (param->name);
  g_free (param->value);
  g_free (param);
}

GPtrArray *
grant_params_new (void)
{
  return g_ptr_array_new_with_free_func (grant_param_free);
}

void
grant_params_add (GPtrArray  *params,
                  const char *name,
                  const char *value)
{
  GrantParam *param = g_new (GrantParam, 1);

  param->name = g_strdup (name);
  param->value = g_strdup (value ? value : "");
  g_ptr_array_add (params, param);
}

const char *
grant_params_lookup (GPtrArray  *params,
                     const char *name)
{
  for (guint i = 0; i < params->len; i++)
    {
      GrantParam *param = g_ptr_array_index (params, i);

      if (g_str_equal (param->name, name))
        return param->value;
    }
  return NULL;
}

char *
grant_form_unescape (const char *start,
                     const char *end)
{
  g_autofree char *plus_free = NULL;

  /* Most names and values need no decoding at all. */
  if (memchr (start, '%', end - start) == NULL && memchr (start, '+', end - start) == NULL)
    return g_strndup (start, end - start);

  plus_free = g_strndup (start, end - start);

  for (char *p = plus_free; *p; p++)
    if (*p == '+')
      *p = ' ';
  return g_uri_unescape_segment (plus_free, NULL, NULL);
}

/*
 * The pieces of a form or query, split on "&" only (as Python's parse_qsl
 * does since 3.9.2). A piece without "=" is a name with an empty value,
 * which RFC 5849's own example ("c2&a3=2+q") depends on; empty pieces are
 * skipped. Nothing is decoded: the pieces point into @data.
 */
void
grant_form_iter_init (GrantFormIter *iter,
                      const char    *data,
                      gsize          length)
{
  iter->next = data;
  iter->end = data ? data + length : NULL;
}

gboolean
grant_form_iter_next (GrantFormIter *iter)
{
  while (iter->next != NULL && iter->next < iter->end)
    {
      const char *start = iter->next;
      const char *amp = memchr (start, '&', iter->end - start);
      const char *piece_end = amp ? amp : iter->end;
      const char *eq;

      iter->next = piece_end + 1;
      if (piece_end == start)
        continue;

      eq = memchr (start, '=', piece_end - start);
      iter->piece = start;
      iter->piece_end = piece_end;
      iter->name = start;
      iter->name_end = eq ? eq : piece_end;
      iter->value = eq ? eq + 1 : NULL;
      iter->value_end = eq ? piece_end : NULL;
      return TRUE;
    }
  return FALSE;
}

/* The decoded name and value of the piece @iter is at; FALSE for a bad
 * escape. */
static gboolean
form_iter_decode (const GrantFormIter  *iter,
                  char                **name,
                  char                **value)
{
  *name = grant_form_unescape (iter->name, iter->name_end);
  *value = iter->value ? grant_form_unescape (iter->value, iter->value_end) : g_strdup ("");
  if (*name != NULL && *value != NULL)
    return TRUE;
  g_clear_pointer (name, g_free);
  g_clear_pointer (value, g_free);
  return FALSE;
}

gboolean
grant_params_parse_form (GPtrArray  *params,
                         const char *data,
                         gssize      length,
                         GError    **error)
{
  GrantFormIter iter;

  if (data == NULL)
    return TRUE;
  if (length < 0)
    length = strlen (data);
  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                           "Form data contains a NUL byte");
      return FALSE;
    }

  grant_form_iter_init (&iter, data, length);
  while (grant_form_iter_next (&iter))
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (!form_iter_decode (&iter, &name, &value))
        {
          g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                               "Form data has an invalid percent-escape");
          return FALSE;
        }
      grant_params_add (params, name, value);
    }

  return TRUE;
}

/*
 * Whether a body with no Content-Type is a form. The characters are the
 * ones oauthlib accepts in a urlencoded string; anything else (braces,
 * quotes, spaces, bytes above 0x7f) means JSON, XML or binary.
 */
gboolean
grant_form_looks_encoded (const char *data,
                          gsize       length)
{
  static const char allowed[] = "_.-=&;:%+~,*@!()/?'$";
  GrantFormIter iter;

  if (data == NULL || length == 0)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      guchar c = data[i];

      if (!g_ascii_isalnum (c) && (c == '\0' || strchr (allowed, c) == NULL))
        return FALSE;
    }

  /* And every piece decodes. */
  grant_form_iter_init (&iter, data, length);
  while (grant_form_iter_next (&iter))
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (!form_iter_decode (&iter, &name, &value))
        return FALSE;
    }
  return TRUE;
}

void
grant_params_append_form (GPtrArray *params,
                          GString   *out)
{
  for (guint i = 0; i < params->len; i++)
    {
      GrantParam *param = g_ptr_array_index (params, i);

      if (out->len > 0)
        g_string_append_c (out, '&');
      grant_string_append_form_encoded (out, param->name);
      g_string_append_c (out, '=');
      grant_string_append_form_encoded (out, param->value);
    }
}

char *
grant_params_to_form (GPtrArray *params)
{
  GString *out = g_string_new (NULL);

  grant_params_append_form (params, out);
  return g_string_free (out, FALSE);
}

/* The last value wins, as with Python's dict(pairs). */
GHashTable *
grant_params_to_hash_table (GPtrArray *params)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < params->len; i++)
    {
      GrantParam *param = g_ptr_array_index (params, i);

      g_hash_table_replace (table, g_strdup (param->name), g_strdup (param->value));
    }
  return table;
}

static gboolean
is_hex_escape (const char *p)
{
  return p[0] == '%' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]);
}

/*
 * Makes a URL a person typed into one GUri will parse: spaces, quotes,
 * brackets and bytes above 0x7f in the path, query and fragment are
 * percent-encoded, existing escapes are kept, and a stray "%" becomes
 * "%25". The scheme and authority are left alone so that an IPv6 literal
 * keeps its brackets. This is what browsers and requests do before
 * sending, so the signature covers the URL that really goes on the wire.
 */
static const guint8 kept_in_uri[256] = {
  ['!'] = 1, ['$'] = 1, ['&'] = 1, ['\''] = 1, ['('] = 1, [')'] = 1,
  ['*'] = 1, ['+'] = 1, [','] = 1, [';'] = 1, ['='] = 1, [':'] = 1,
  ['@'] = 1, ['/'] = 1, ['?'] = 1, ['#'] = 1, ['~'] = 1, ['-'] = 1,
  ['.'] = 1, ['_'] = 1,
  ['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1,
};

/* Whether @text, a path, query or what follows a URL's authority, holds
 * anything grant_uri_requote() would change. */
gboolean
grant_uri_text_needs_requote (const char *text)
{
  const guchar *p = (const guchar *) text;

  for (;;)
    {
      /* "%" and NUL are not in the table: the loop stops only for them
       * and for what needs quoting. */
      while (kept_in_uri[*p])
        p++;
      if (*p == '\0')
        return FALSE;
      if (*p != '%' || !is_hex_escape ((const char *) p))
        return TRUE;
      p += 3;
    }
}

static const char *
after_authority (const char *uri)
{
  const char *scheme_end = strstr (uri, "://");

  if (scheme_end == NULL)
    return uri;
  return scheme_end + 3 + strcspn (scheme_end + 3, "/?#");
}

/* Whether grant_uri_requote() would change @uri. */
gboolean
grant_uri_needs_requote (const char *uri)
{
  return grant_uri_text_needs_requote (after_authority (uri));
}

char *
grant_uri_requote (const char *uri)
{
  const char *rest = after_authority (uri);
  GString *out;

  if (!grant_uri_text_needs_requote (rest))
    return g_strdup (uri);

  out = g_string_sized_new (strlen (uri) + 16);
  g_string_append_len (out, uri, rest - uri);
  for (const char *p = rest; *p; p++)
    {
      guchar c = *p;

      if (c == '%')
        {
          if (is_hex_escape (p))
            g_string_append_c (out, '%');
          else
            g_string_append (out, "%25");
        }
      else if (kept_in_uri[c])
        g_string_append_c (out, c);
      else
        g_string_append_printf (out, "%%%02X", c);
    }

  return g_string_free (out, FALSE);
}

/* Appends form-encoded @params to @uri's query, before any fragment,
 * keeping whatever query @uri already has byte for byte. */
char *
grant_uri_append_params (const char *uri,
                         GPtrArray  *params)
{
  const char *hash = strchr (uri, '#');
  gsize base_len = hash ? (gsize) (hash - uri) : strlen (uri);
  GString *out = g_string_new_len (uri, base_len);
  const char *question = memchr (uri, '?', base_len);

  if (params->len > 0)
    {
      if (question == NULL)
        g_string_append_c (out, '?');
      else if (uri[base_len - 1] != '?' && uri[base_len - 1] != '&')
        g_string_append_c (out, '&');
      for (guint i = 0; i < params->len; i++)
        {
          GrantParam *param = g_ptr_array_index (params, i);

          if (i > 0)
            g_string_append_c (out, '&');
          grant_string_append_form_encoded (out, param->name);
          g_string_append_c (out, '=');
          grant_string_append_form_encoded (out, param->value);
        }
    }
  if (hash != NULL)
    g_string_append (out, hash);
  return g_string_free (out, FALSE);
}

/* Where the query of @uri starts (after "?") and ends (at "#" or the
 * end); FALSE when it has none. */
static gboolean
uri_query_bounds (const char  *uri,
                  const char **start,
                  const char **end)
{
  const char *hash = strchr (uri, '#');
  gsize base_len = hash ? (gsize) (hash - uri) : strlen (uri);
  const char *question = memchr (uri, '?', base_len);

  if (question == NULL)
    return FALSE;
  *start = question + 1;
  *end = uri + base_len;
  return TRUE;
}

/* Whether the piece @iter is at is named @name. */
static gboolean
form_iter_is_named (const GrantFormIter *iter,
                    const char          *name)
{
  g_autofree char *piece_name = grant_form_unescape (iter->name, iter->name_end);

  return g_strcmp0 (piece_name, name) == 0;
}

/* The first value of @name in the query of @uri, form-decoded; NULL when
 * there is none (or it does not decode). */
char *
grant_uri_get_param (const char *uri,
                     const char *name)
{
  const char *start, *end;
  GrantFormIter iter;

  if (!uri_query_bounds (uri, &start, &end))
    return NULL;
  grant_form_iter_init (&iter, start, end - start);
  while (grant_form_iter_next (&iter))
    {
      if (form_iter_is_named (&iter, name))
        return iter.value ? grant_form_unescape (iter.value, iter.value_end) : g_strdup ("");
    }
  return NULL;
}

/* @uri with the first @name parameter of its query set to @value and any
 * other removed (all of them when @value is NULL), or @value added at the
 * end. The other parameters keep their encoding; empty pieces go. */
char *
grant_uri_set_param (const char *uri,
                     const char *name,
                     const char *value)
{
  const char *start, *end;
  const char *hash = strchr (uri, '#');
  gboolean placed = FALSE;
  GrantFormIter iter;
  GString *out;

  if (!uri_query_bounds (uri, &start, &end))
    {
      g_autoptr(GPtrArray) params = grant_params_new ();

      if (value != NULL)
        grant_params_add (params, name, value);
      return grant_uri_append_params (uri, params);
    }

  out = g_string_new_len (uri, start - uri);
  grant_form_iter_init (&iter, start, end - start);
  while (grant_form_iter_next (&iter))
    {
      gboolean named = form_iter_is_named (&iter, name);

      if (named && (value == NULL || placed))
        continue;
      if (out->str[out->len - 1] != '?')
        g_string_append_c (out, '&');
      if (named)
        {
          grant_string_append_form_encoded (out, name);
          g_string_append_c (out, '=');
          grant_string_append_form_encoded (out, value);
          placed = TRUE;
        }
      else
        g_string_append_len (out, iter.piece, iter.piece_end - iter.piece);
    }
  if (value != NULL && !placed)
    {
      if (out->str[out->len - 1] != '?')
        g_string_append_c (out, '&');
      grant_string_append_form_encoded (out, name);
      g_string_append_c (out, '=');
      grant_string_append_form_encoded (out, value);
    }
  if (out->str[out->len - 1] == '?')
    g_string_truncate (out, out->len - 1);
  if (hash != NULL)
    g_string_append (out, hash);
  return g_string_free (out, FALSE);
}

/* The parameters of an authorization redirect: its query (OAuth 1, the
 * OAuth 2 code grant) or its fragment (the implicit grant). */
gboolean
grant_uri_parse_redirect (const char  *url,
                          gboolean     fragment,
                          GPtrArray   *params,
                          GError     **error)
{
  g_autofree char *requoted = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *part;

  if (url == NULL)
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                           "No authorization response URL was given");
      return FALSE;
    }

  /* grant_uri_requote would turn a stray "%" into "%25" and so read an
   * invalid escape literally. */
  for (const char *p = url; *p; p++)
    if (*p == '%' && !(g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2])))
      {
        g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                             "The authorization response URL has an invalid percent-escape");
        return FALSE;
      }

  requoted = grant_uri_requote (url);
  uri = g_uri_parse (requoted, G_URI_FLAGS_ENCODED | G_URI_FLAGS_PARSE_RELAXED, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "The authorization response URL does not parse: %s", local_error->message);
      return FALSE;
    }

  part = fragment ? g_uri_get_fragment (uri) : g_uri_get_query (uri);
  if (!grant_params_parse_form (params, part, -1, NULL))
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                           "The authorization response URL has an invalid percent-escape");
      return FALSE;
    }
  return TRUE;
}
