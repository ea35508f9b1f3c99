/* grant-request.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "grant-body-private.h"
#include "grant-encoding-private.h"
#include "grant-request.h"

/**
 * GrantRequest:
 *
 * A request about to be sent, as a compliance hook sees it.
 *
 * The `access-token-request`, `refresh-token-request` and
 * `protected-request` signals of [class@OAuth2Session] pass one of these.
 * A handler, in C, Python or JavaScript, can change the method, the URL,
 * the headers and the body; what it changes is what is sent. Helpers read
 * and change a form body one field at a time, or turn it into JSON for
 * servers that want their token requests that way.
 *
 * ```python
 * def send_json(session, request):
 *     request.set_json_body(request.get_form())
 * session.connect("access-token-request", send_json)
 * ```
 */

struct _GrantRequest
{
  GObject parent_instance;

  char               *method;
  char               *uri;
  SoupMessageHeaders *headers;
  GBytes             *body;
};

G_DEFINE_FINAL_TYPE (GrantRequest, grant_request, G_TYPE_OBJECT)

static void
grant_request_finalize (GObject *object)
{
  GrantRequest *self = GRANT_REQUEST (object);

  g_free (self->method);
  g_free (self->uri);
  soup_message_headers_unref (self->headers);
  g_clear_pointer (&self->body, g_bytes_unref);

  G_OBJECT_CLASS (grant_request_parent_class)->finalize (object);
}

static void
grant_request_class_init (GrantRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = grant_request_finalize;
}

static void
grant_request_init (GrantRequest *self)
{
  self->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
}

/**
 * grant_request_new:
 * @method: the HTTP method
 * @uri: the URL
 *
 * Creates a request with no headers and no body.
 *
 * Returns: (transfer full): a new `GrantRequest`
 */
GrantRequest *
grant_request_new (const char *method,
                   const char *uri)
{
  GrantRequest *self = g_object_new (GRANT_TYPE_REQUEST, NULL);

  self->method = g_strdup (method);
  self->uri = g_strdup (uri);
  return self;
}

/**
 * grant_request_get_method:
 * @self: a `GrantRequest`
 *
 * Gets the HTTP method.
 *
 * Returns: the method
 */
const char *
grant_request_get_method (GrantRequest *self)
{
  g_return_val_if_fail (GRANT_IS_REQUEST (self), NULL);
  return self->method;
}

/**
 * grant_request_set_method:
 * @self: a `GrantRequest`
 * @method: the HTTP method
 *
 * Sets the HTTP method.
 */
void
grant_request_set_method (GrantRequest *self,
                          const char   *method)
{
  g_return_if_fail (GRANT_IS_REQUEST (self));
  g_return_if_fail (method != NULL);

  g_free (self->method);
  self->method = g_strdup (method);
}

/**
 * grant_request_get_uri:
 * @self: a `GrantRequest`
 *
 * Gets the URL.
 *
 * Returns: the URL
 */
const char *
grant_request_get_uri (GrantRequest *self)
{
  g_return_val_if_fail (GRANT_IS_REQUEST (self), NULL);
  return self->uri;
}

/**
 * grant_request_set_uri:
 * @self: a `GrantRequest`
 * @uri: the URL to send to
 *
 * Sets the URL. A protected request whose URL a hook moves to another
 * origin does not take its token along.
 */
void
grant_request_set_uri (GrantRequest *self,
                       const char   *uri)
{
  g_return_if_fail (GRANT_IS_REQUEST (self));
  g_return_if_fail (uri != NULL);

  g_free (self->uri);
  self->uri = g_strdup (uri);
}

/**
 * grant_request_get_headers:
 * @self: a `GrantRequest`
 *
 * Gets the request headers. Change them in place.
 *
 * Returns: (transfer none): the headers
 */
SoupMessageHeaders *
grant_request_get_headers (GrantRequest *self)
{
  g_return_val_if_fail (GRANT_IS_REQUEST (self), NULL);
  return self->headers;
}

/**
 * grant_request_get_body:
 * @self: a `GrantRequest`
 *
 * Gets the request body.
 *
 * Returns: (transfer none) (nullable): the body
 */
GBytes *
grant_request_get_body (GrantRequest *self)
{
  g_return_val_if_fail (GRANT_IS_REQUEST (self), NULL);
  return self->body;
}

/**
 * grant_request_set_body:
 * @self: a `GrantRequest`
 * @content_type: (nullable): the `Content-Type` of @body, or %NULL to
 *   leave the header as it is
 * @body: (nullable): the new body, or %NULL for none
 *
 * Replaces the body.
 */
void
grant_request_set_body (GrantRequest *self,
                        const char   *content_type,
                        GBytes       *body)
{
  g_return_if_fail (GRANT_IS_REQUEST (self));

  g_clear_pointer (&self->body, g_bytes_unref);
  if (body != NULL)
    self->body = g_bytes_ref (body);
  if (content_type != NULL)
    soup_message_headers_replace (self->headers, "Content-Type", content_type);
  else if (body == NULL)
    soup_message_headers_remove (self->headers, "Content-Type");
}

static GPtrArray *
form_params (GrantRequest *self)
{
  GPtrArray *params = grant_params_new ();
  gsize len = 0;
  const char *data = self->body ? g_bytes_get_data (self->body, &len) : NULL;

  if (data != NULL)
    grant_params_parse_form (params, data, len, NULL);
  return params;
}

/**
 * grant_request_get_form_value:
 * @self: a `GrantRequest`
 * @name: a form field
 *
 * Reads one field of a form-encoded body.
 *
 * Returns: (transfer full) (nullable): its value, or %NULL
 */
char *
grant_request_get_form_value (GrantRequest *self,
                              const char   *name)
{
  g_autoptr(GPtrArray) params = NULL;

  g_return_val_if_fail (GRANT_IS_REQUEST (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  params = form_params (self);
  return g_strdup (grant_params_lookup (params, name));
}

/**
 * grant_request_set_form_value:
 * @self: a `GrantRequest`
 * @name: a form field
 * @value: (nullable): its new value, or %NULL to remove the field
 *
 * Changes one field of a form-encoded body, keeping the others in order.
 */
void
grant_request_set_form_value (GrantRequest *self,
                              const char   *name,
                              const char   *value)
{
  g_autoptr(GPtrArray) params = NULL;
  g_autoptr(GPtrArray) updated = NULL;
  gboolean replaced = FALSE;
  GString *out;

  g_return_if_fail (GRANT_IS_REQUEST (self));
  g_return_if_fail (name != NULL);

  params = form_params (self);
  updated = grant_params_new ();
  for (guint i = 0; i < params->len; i++)
    {
      GrantParam *param = g_ptr_array_index (params, i);

      if (!g_str_equal (param->name, name))
        grant_params_add (updated, param->name, param->value);
      else if (value != NULL && !replaced)
        {
          grant_params_add (updated, name, value);
          replaced = TRUE;
        }
    }
  if (value != NULL && !replaced)
    grant_params_add (updated, name, value);

  out = g_string_new (NULL);
  grant_params_append_form (updated, out);
  g_clear_pointer (&self->body, g_bytes_unref);
  self->body = g_string_free_to_bytes (out);
  soup_message_headers_replace (self->headers, "Content-Type", "application/x-www-form-urlencoded");
}

/**
 * grant_request_get_form:
 * @self: a `GrantRequest`
 *
 * Reads a form-encoded body as a JSON object of strings (the last value
 * wins where a name repeats).
 *
 * Returns: (transfer full): the fields
 */
JsonObject *
grant_request_get_form (GrantRequest *self)
{
  g_autoptr(GPtrArray) params = NULL;
  JsonObject *object;

  g_return_val_if_fail (GRANT_IS_REQUEST (self), NULL);

  params = form_params (self);
  object = json_object_new ();
  for (guint i = 0; i < params->len; i++)
    {
      GrantParam *param = g_ptr_array_index (params, i);
      json_object_set_string_member (object, param->name, param->value);
    }
  return object;
}

/**
 * grant_request_get_query_value:
 * @self: a `GrantRequest`
 * @name: a query parameter
 *
 * Reads one parameter of the URL's query, decoded (`+` is a space). An
 * API that wants the token as a parameter (`access_token=…`) is served by
 * checking for it here and adding it with
 * [method@Request.set_query_value].
 *
 * Returns: (transfer full) (nullable): its first value (empty when the
 *   parameter has no `=`), or %NULL when the query does not have it
 */
char *
grant_request_get_query_value (GrantRequest *self,
                               const char   *name)
{
  g_return_val_if_fail (GRANT_IS_REQUEST (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return grant_uri_get_param (self->uri, name);
}

/**
 * grant_request_set_query_value:
 * @self: a `GrantRequest`
 * @name: a query parameter
 * @value: (nullable): its new value, or %NULL to remove the parameter
 *
 * Changes one parameter of the URL's query: its first occurrence takes
 * @value and any others go, or it is added at the end. The other
 * parameters keep their encoding as written (empty pieces such as `&&`
 * are dropped), and so do the path and fragment.
 */
void
grant_request_set_query_value (GrantRequest *self,
                               const char   *name,
                               const char   *value)
{
  char *uri;

  g_return_if_fail (GRANT_IS_REQUEST (self));
  g_return_if_fail (name != NULL);

  uri = grant_uri_set_param (self->uri, name, value);
  g_free (self->uri);
  self->uri = uri;
}

/**
 * grant_request_set_json_body:
 * @self: a `GrantRequest`
 * @object: the body
 *
 * Replaces the body with @object as JSON, with `Content-Type:
 * application/json`: what providers that refuse form-encoded token
 * requests need.
 */
void
grant_request_set_json_body (GrantRequest *self,
                             JsonObject   *object)
{
  g_autoptr(JsonNode) node = NULL;
  char *text;

  g_return_if_fail (GRANT_IS_REQUEST (self));
  g_return_if_fail (object != NULL);

  node = json_node_init_object (json_node_alloc (), object);
  text = json_to_string (node, FALSE);
  g_clear_pointer (&self->body, g_bytes_unref);
  self->body = g_bytes_new_take (text, strlen (text));
  soup_message_headers_replace (self->headers, "Content-Type", "application/json");
}
