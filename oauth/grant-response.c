/* grant-response.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "grant-http-private.h"
#include "grant-response.h"

/**
 * GrantResponse:
 *
 * A token endpoint's answer, as a compliance hook sees it before Grant
 * reads it.
 *
 * The `access-token-response` and `refresh-token-response` signals of
 * [class@OAuth2Session] pass one of these. A handler can change the
 * status, the headers and the body (as bytes, or as a JSON object) to
 * make a provider's answer look like RFC 6749 says it should.
 *
 * ```python
 * def fix(session, response):
 *     token = response.get_json()
 *     token.set_string_member("token_type", "Bearer")
 *     response.set_json(token)
 * session.connect("access-token-response", fix)
 * ```
 */

struct _GrantResponse
{
  GObject parent_instance;

  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
};

G_DEFINE_FINAL_TYPE (GrantResponse, grant_response, G_TYPE_OBJECT)

static void
grant_response_finalize (GObject *object)
{
  GrantResponse *self = GRANT_RESPONSE (object);

  soup_message_headers_unref (self->headers);
  g_clear_pointer (&self->body, g_bytes_unref);

  G_OBJECT_CLASS (grant_response_parent_class)->finalize (object);
}

static void
grant_response_class_init (GrantResponseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = grant_response_finalize;
}

static void
grant_response_init (GrantResponse *self)
{
}

/**
 * grant_response_new:
 * @status: the HTTP status
 * @headers: (nullable): the response headers, copied
 * @body: (nullable): the body
 *
 * Creates a response.
 *
 * Returns: (transfer full): a new `GrantResponse`
 */
GrantResponse *
grant_response_new (guint               status,
                    SoupMessageHeaders *headers,
                    GBytes             *body)
{
  GrantResponse *self = g_object_new (GRANT_TYPE_RESPONSE, NULL);

  self->status = status;
  self->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  if (headers != NULL)
    grant_http_append_headers (self->headers, headers);
  self->body = body ? g_bytes_ref (body) : g_bytes_new (NULL, 0);
  return self;
}

/**
 * grant_response_get_status:
 * @self: a `GrantResponse`
 *
 * Gets the HTTP status.
 *
 * Returns: the status
 */
guint
grant_response_get_status (GrantResponse *self)
{
  g_return_val_if_fail (GRANT_IS_RESPONSE (self), 0);
  return self->status;
}

/**
 * grant_response_set_status:
 * @self: a `GrantResponse`
 * @status: an HTTP status
 *
 * Sets the HTTP status Grant will read the body with.
 */
void
grant_response_set_status (GrantResponse *self,
                           guint          status)
{
  g_return_if_fail (GRANT_IS_RESPONSE (self));
  self->status = status;
}

/**
 * grant_response_get_headers:
 * @self: a `GrantResponse`
 *
 * Gets the response headers. Change them in place.
 *
 * Returns: (transfer none): the headers
 */
SoupMessageHeaders *
grant_response_get_headers (GrantResponse *self)
{
  g_return_val_if_fail (GRANT_IS_RESPONSE (self), NULL);
  return self->headers;
}

/**
 * grant_response_get_body:
 * @self: a `GrantResponse`
 *
 * Gets the body.
 *
 * Returns: (transfer none): the body
 */
GBytes *
grant_response_get_body (GrantResponse *self)
{
  g_return_val_if_fail (GRANT_IS_RESPONSE (self), NULL);
  return self->body;
}

/**
 * grant_response_set_body:
 * @self: a `GrantResponse`
 * @content_type: (nullable): the new `Content-Type`, or %NULL to keep it
 * @body: the new body
 *
 * Replaces the body.
 */
void
grant_response_set_body (GrantResponse *self,
                         const char    *content_type,
                         GBytes        *body)
{
  g_return_if_fail (GRANT_IS_RESPONSE (self));
  g_return_if_fail (body != NULL);

  g_bytes_unref (self->body);
  self->body = g_bytes_ref (body);
  if (content_type != NULL)
    soup_message_headers_replace (self->headers, "Content-Type", content_type);
}

/**
 * grant_response_get_text:
 * @self: a `GrantResponse`
 *
 * Gets the body as text.
 *
 * Returns: (transfer full): the body, NUL-terminated
 */
char *
grant_response_get_text (GrantResponse *self)
{
  g_return_val_if_fail (GRANT_IS_RESPONSE (self), NULL);
  if (g_bytes_get_size (self->body) == 0)
    return g_strdup ("");
  return g_strndup (g_bytes_get_data (self->body, NULL), g_bytes_get_size (self->body));
}

/**
 * grant_response_get_json:
 * @self: a `GrantResponse`
 *
 * Reads the body as a JSON object. Changing the object does not change the
 * body: give it back with [method@Response.set_json].
 *
 * Returns: (transfer full) (nullable): the object, or %NULL if the body is
 *   not a JSON object
 */
JsonObject *
grant_response_get_json (GrantResponse *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  g_return_val_if_fail (GRANT_IS_RESPONSE (self), NULL);

  if (g_bytes_get_size (self->body) == 0)
    return NULL;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (self->body, NULL),
                                   g_bytes_get_size (self->body), NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

/**
 * grant_response_set_json:
 * @self: a `GrantResponse`
 * @object: the new body
 *
 * Replaces the body with @object as JSON, with `Content-Type:
 * application/json`.
 */
void
grant_response_set_json (GrantResponse *self,
                         JsonObject    *object)
{
  g_autoptr(JsonNode) node = NULL;
  char *text;

  g_return_if_fail (GRANT_IS_RESPONSE (self));
  g_return_if_fail (object != NULL);

  node = json_node_init_object (json_node_alloc (), object);
  text = json_to_string (node, FALSE);
  g_bytes_unref (self->body);
  self->body = g_bytes_new_take (text, strlen (text));
  soup_message_headers_replace (self->headers, "Content-Type", "application/json");
}
