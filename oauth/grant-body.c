/* grant-response.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "grant-encoding-private.h"
#include "grant-body-private.h"

/* A JSON value as the string a form would have carried: a string as it
 * is, a number or boolean written out, an object or array as JSON text;
 * NULL for null. */
char *
grant_json_node_to_string (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return g_strdup (json_node_get_string (node));
        case G_TYPE_INT64:
          return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
        case G_TYPE_BOOLEAN:
          return g_strdup (json_node_get_boolean (node) ? "true" : "false");
        case G_TYPE_DOUBLE:
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];

            return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
          }
        default:
          break;
        }
    }
  return json_to_string (node, FALSE);
}

/*
 * Token responses come form-encoded (RFC 5849 §2.1, GitHub without an
 * Accept header) or as a JSON object (RFC 6749 §5.1, and many OAuth 1
 * servers in practice). The body decides, not the Content-Type, which
 * servers get wrong often enough (Facebook's text/plain). Nested JSON
 * values are kept as their JSON text; nulls are left out.
 */
GrantBodyFormat
grant_body_parse_params (GBytes    *body,
                             GPtrArray *params)
{
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  if (data == NULL || len == 0)
    return GRANT_BODY_EMPTY;

  text = g_strndup (data, len);
  g_strstrip (text);
  if (*text == '\0')
    return GRANT_BODY_EMPTY;

  if (grant_form_looks_encoded (text, strlen (text)))
    {
      if (grant_params_parse_form (params, text, -1, NULL))
        return GRANT_BODY_FORM;
      return GRANT_BODY_UNREADABLE;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return GRANT_BODY_UNREADABLE;

  object = json_node_get_object (json_parser_get_root (parser));
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    {
      g_autofree char *value = grant_json_node_to_string (member);

      if (value != NULL)
        grant_params_add (params, name, value);
    }
  return GRANT_BODY_JSON;
}

/* The member @name of @object when it is a string; NULL otherwise (absent,
 * null, a number, an object…). */
const char *
grant_json_string_member (JsonObject *object,
                          const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

/* json_node_copy shares the object or array a node holds; a token's
 * extras, or what a store keeps, must not alias anyone else's. */
JsonNode *
grant_json_node_deep_copy (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *copy = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        JsonNode *out;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          json_object_set_member (copy, name, grant_json_node_deep_copy (member));
        out = json_node_init_object (json_node_alloc (), copy);
        json_object_unref (copy);
        return out;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *source = json_node_get_array (node);
        JsonArray *copy = json_array_sized_new (json_array_get_length (source));
        JsonNode *out;

        for (guint i = 0; i < json_array_get_length (source); i++)
          json_array_add_element (copy, grant_json_node_deep_copy (json_array_get_element (source, i)));
        out = json_node_init_array (json_node_alloc (), copy);
        json_array_unref (copy);
        return out;
      }
    default:
      return json_node_copy (node);
    }
}

JsonObject *
grant_json_object_deep_copy (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autoptr(JsonNode) copy = grant_json_node_deep_copy (node);

  return json_object_ref (json_node_get_object (copy));
}
