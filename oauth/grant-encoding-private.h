/* grant-encoding-private.h: percent and form encoding, ordered parameter lists
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One name/value pair. OAuth signs lists, not maps: the same name may
 * appear twice and the order on the wire matters for some renderings. */
typedef struct {
  char *name;
  char *value;
} GrantParam;

void        grant_string_append_percent_encoded (GString    *out,
                                                 const char *str);
/* The pieces of a form or query, undecoded; see grant_form_iter_next().
 * @value is NULL for a piece without "=". */
typedef struct {
  const char *piece, *piece_end;
  const char *name, *name_end;
  const char *value, *value_end;
  /*< private >*/
  const char *next, *end;
} GrantFormIter;

char       *grant_percent_encode                (const char *str);
char       *grant_percent_encode_to             (char       *w,
                                                 const char *str,
                                                 gsize       len);
void        grant_string_append_form_encoded    (GString    *out,
                                                 const char *str);
char       *grant_copy_unreserved               (char       *w,
                                                 const char *start,
                                                 const char *end);
char       *grant_form_unescape                 (const char *start,
                                                 const char *end);

void        grant_form_iter_init                (GrantFormIter *iter,
                                                 const char    *data,
                                                 gsize          length);
gboolean    grant_form_iter_next                (GrantFormIter *iter);

GPtrArray  *grant_params_new                    (void);
void        grant_params_add                    (GPtrArray  *params,
                                                 const char *name,
                                                 const char *value);
const char *grant_params_lookup                 (GPtrArray  *params,
                                                 const char *name);
gboolean    grant_params_parse_form             (GPtrArray  *params,
                                                 const char *data,
                                                 gssize      length,
                                                 GError    **error);
gboolean    grant_form_looks_encoded            (const char *data,
                                                 gsize       length);
void        grant_params_append_form            (GPtrArray  *params,
                                                 GString    *out);
char       *grant_params_to_form                (GPtrArray  *params);
GHashTable *grant_params_to_hash_table          (GPtrArray  *params);

char       *grant_uri_requote                   (const char *uri);
gboolean    grant_uri_needs_requote             (const char *uri);
gboolean    grant_uri_text_needs_requote        (const char *text);
char       *grant_uri_append_params             (const char *uri,
                                                 GPtrArray  *params);
char       *grant_uri_get_param                 (const char *uri,
                                                 const char *name);
char       *grant_uri_set_param                 (const char *uri,
                                                 const char *name,
                                                 const char *value);
gboolean    grant_uri_parse_redirect            (const char *url,
                                                 gboolean    fragment,
                                                 GPtrArray  *params,
                                                 GError    **error);

G_END_DECLS
