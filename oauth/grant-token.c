/* grant-token.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "grant-error.h"
#include "grant-body-private.h"
#include "grant-random-private.h"
#include "grant-scope-private.h"
#include "grant-token.h"

/**
 * GrantToken:
 *
 * An OAuth 2 token: what a token endpoint returned, or what was stored.
 *
 * The fields RFC 6749 §5.1 names have properties; every other field the
 * server sent is kept in [method@Token.get_extras] and written back by
 * [method@Token.to_json]. A token read back from JSON keeps the
 * `expires_at` it was stored with instead of computing a new one from
 * `expires_in`, so a restored token expires when it really does.
 *
 * `expires_in` is read whether the server sent a number or a string, and
 * `scope` whether it is space-separated (as RFC 6749 says), comma-separated
 * (as GitHub and others send it) or a JSON array. `token_type` compares
 * case-insensitively and is `Bearer` when the server left it out.
 */

struct _GrantToken
{
  GObject parent_instance;

  char       *access_token;
  char       *token_type;
  char       *refresh_token;
  gint64      expires_in;
  gint64      expires_at;
  char      **scope;
  char       *id_token;
  JsonObject *extras;
};

G_DEFINE_FINAL_TYPE (GrantToken, grant_token, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACCESS_TOKEN,
  PROP_TOKEN_TYPE,
  PROP_REFRESH_TOKEN,
  PROP_EXPIRES_IN,
  PROP_EXPIRES_AT,
  PROP_SCOPE,
  PROP_ID_TOKEN,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
grant_token_finalize (GObject *object)
{
  GrantToken *self = GRANT_TOKEN (object);

  grant_secret_free (self->access_token);
  g_free (self->token_type);
  grant_secret_free (self->refresh_token);
  g_strfreev (self->scope);
  grant_secret_free (self->id_token);
  json_object_unref (self->extras);

  G_OBJECT_CLASS (grant_token_parent_class)->finalize (object);
}

static void
grant_token_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  GrantToken *self = GRANT_TOKEN (object);

  switch (prop_id)
    {
    case PROP_ACCESS_TOKEN:
      g_value_set_string (value, self->access_token);
      break;
    case PROP_TOKEN_TYPE:
      g_value_set_string (value, grant_token_get_token_type (self));
      break;
    case PROP_REFRESH_TOKEN:
      g_value_set_string (value, self->refresh_token);
      break;
    case PROP_EXPIRES_IN:
      g_value_set_int64 (value, self->expires_in);
      break;
    case PROP_EXPIRES_AT:
      g_value_set_int64 (value, self->expires_at);
      break;
    case PROP_SCOPE:
      g_value_set_boxed (value, self->scope);
      break;
    case PROP_ID_TOKEN:
      g_value_set_string (value, self->id_token);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_token_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  GrantToken *self = GRANT_TOKEN (object);

  switch (prop_id)
    {
    case PROP_ACCESS_TOKEN:
      grant_token_set_access_token (self, g_value_get_string (value));
      break;
    case PROP_TOKEN_TYPE:
      grant_token_set_token_type (self, g_value_get_string (value));
      break;
    case PROP_REFRESH_TOKEN:
      grant_token_set_refresh_token (self, g_value_get_string (value));
      break;
    case PROP_EXPIRES_IN:
      grant_token_set_expires_in (self, g_value_get_int64 (value));
      break;
    case PROP_EXPIRES_AT:
      grant_token_set_expires_at (self, g_value_get_int64 (value));
      break;
    case PROP_SCOPE:
      grant_token_set_scope (self, g_value_get_boxed (value));
      break;
    case PROP_ID_TOKEN:
      grant_secret_free (self->id_token);
      self->id_token = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_token_class_init (GrantTokenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = grant_token_finalize;
  object_class->get_property = grant_token_get_property;
  object_class->set_property = grant_token_set_property;

  /**
   * GrantToken:access-token:
   *
   * The access token.
   */
  props[PROP_ACCESS_TOKEN] = g_param_spec_string ("access-token", NULL, NULL, NULL, rw);

  /**
   * GrantToken:token-type:
   *
   * The token type as the server spelled it; `Bearer` when it sent none.
   */
  props[PROP_TOKEN_TYPE] = g_param_spec_string ("token-type", NULL, NULL, NULL, rw);

  /**
   * GrantToken:refresh-token:
   *
   * The refresh token, if the server issued one.
   */
  props[PROP_REFRESH_TOKEN] = g_param_spec_string ("refresh-token", NULL, NULL, NULL, rw);

  /**
   * GrantToken:expires-in:
   *
   * The lifetime in seconds the server gave, or 0 if it gave none.
   */
  props[PROP_EXPIRES_IN] = g_param_spec_int64 ("expires-in", NULL, NULL, 0, G_MAXINT64, 0, rw);

  /**
   * GrantToken:expires-at:
   *
   * When the access token expires, in seconds since the Unix epoch, or 0
   * if that is not known (the token is then never considered expired).
   */
  props[PROP_EXPIRES_AT] = g_param_spec_int64 ("expires-at", NULL, NULL, 0, G_MAXINT64, 0, rw);

  /**
   * GrantToken:scope:
   *
   * The scopes granted, or %NULL if the server did not say.
   */
  props[PROP_SCOPE] = g_param_spec_boxed ("scope", NULL, NULL, G_TYPE_STRV, rw);

  /**
   * GrantToken:id-token:
   *
   * The OpenID Connect ID token, if there is one. Grant does not validate
   * it.
   */
  props[PROP_ID_TOKEN] = g_param_spec_string ("id-token", NULL, NULL, NULL, rw);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
grant_token_init (GrantToken *self)
{
  self->extras = json_object_new ();
}

/**
 * grant_token_new:
 * @access_token: (nullable): the access token
 *
 * Creates a Bearer token with no expiry.
 *
 * Returns: (transfer full): a new `GrantToken`
 */
GrantToken *
grant_token_new (const char *access_token)
{
  return g_object_new (GRANT_TYPE_TOKEN, "access-token", access_token, NULL);
}

/* (gint64) of a NaN or of a double outside the gint64 range is undefined. */
static gboolean
double_to_seconds (double  d,
                   gint64 *out)
{
  if (isnan (d))
    return FALSE;
  if (d >= 9223372036854775807.0)
    *out = G_MAXINT64;
  else if (d <= -9223372036854775807.0)
    *out = -G_MAXINT64;
  else
    *out = (gint64) d;
  return TRUE;
}

static gboolean
parse_integer (JsonNode    *node,
               const char  *name,
               gint64      *out,
               gboolean    *present,
               GError     **error)
{
  *present = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_INT64)
        {
          *out = json_node_get_int (node);
          *present = TRUE;
          return TRUE;
        }
      if (type == G_TYPE_DOUBLE && double_to_seconds (json_node_get_double (node), out))
        {
          *present = TRUE;
          return TRUE;
        }
      if (type == G_TYPE_STRING)
        {
          const char *text = json_node_get_string (node);
          char *end = NULL;
          double d;

          while (g_ascii_isspace (*text))
            text++;
          if (*text == '\0')
            return TRUE;
          d = g_ascii_strtod (text, &end);
          while (end && g_ascii_isspace (*end))
            end++;
          if (end != NULL && *end == '\0' && double_to_seconds (d, out))
            {
              *present = TRUE;
              return TRUE;
            }
        }
    }

  g_set_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE,
               "The token's “%s” is not a number of seconds", name);
  return FALSE;
}

static char **
parse_scope (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      GPtrArray *out = g_ptr_array_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            g_ptr_array_add (out, g_strdup (json_node_get_string (element)));
        }
      g_ptr_array_add (out, NULL);
      return (char **) g_ptr_array_free (out, FALSE);
    }

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return grant_scope_parse (json_node_get_string (node));

  return NULL;
}

/**
 * grant_token_new_from_json_object:
 * @object: a token as a JSON object, from a server or from storage
 * @error: return location for a #GError
 *
 * Reads a token. `access_token` is required; `expires_at`, when present,
 * is kept, and otherwise computed from `expires_in`.
 *
 * Returns: (transfer full): a new `GrantToken`, or %NULL with
 *   %GRANT_ERROR_TOKEN_MISSING or %GRANT_ERROR_MALFORMED_RESPONSE
 */
GrantToken *
grant_token_new_from_json_object (JsonObject  *object,
                                  GError     **error)
{
  g_autoptr(GrantToken) self = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;
  gint64 expires_in = 0, expires_at = 0;
  gboolean has_in = FALSE, has_at = FALSE;

  g_return_val_if_fail (object != NULL, NULL);

  node = json_object_get_member (object, "access_token");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING ||
      *json_node_get_string (node) == '\0')
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_TOKEN_MISSING,
                           "The token has no access_token");
      return NULL;
    }

  if (!parse_integer (json_object_get_member (object, "expires_in"), "expires_in",
                      &expires_in, &has_in, error))
    return NULL;

  node = json_object_get_member (object, "expires_at");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    {
      /* Some stores keep an ISO 8601 date. */
      g_autoptr(GDateTime) date = g_date_time_new_from_iso8601 (json_node_get_string (node), NULL);

      if (date != NULL)
        {
          expires_at = g_date_time_to_unix (date);
          has_at = TRUE;
        }
    }
  if (!has_at && !parse_integer (node, "expires_at", &expires_at, &has_at, error))
    return NULL;

  self = g_object_new (GRANT_TYPE_TOKEN, NULL);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    {
      const char *text = NULL;

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        text = json_node_get_string (node);

      if (g_str_equal (name, "access_token"))
        self->access_token = g_strdup (text);
      else if (g_str_equal (name, "token_type"))
        self->token_type = g_strdup (text);
      else if (g_str_equal (name, "refresh_token"))
        self->refresh_token = (text && *text) ? g_strdup (text) : NULL;
      else if (g_str_equal (name, "id_token"))
        self->id_token = g_strdup (text);
      else if (g_str_equal (name, "scope"))
        self->scope = parse_scope (node);
      else if (g_str_equal (name, "expires_in") || g_str_equal (name, "expires_at"))
        ;
      else
        json_object_set_member (self->extras, name, grant_json_node_deep_copy (node));
    }

  if (has_in && expires_in > 0)
    self->expires_in = expires_in;
  if (has_at && expires_at > 0)
    self->expires_at = expires_at;
  else if (has_in && expires_in != 0)
    {
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;

      /* A negative lifetime is a token that is already expired (some
       * servers, and requests-oauthlib users forcing a refresh, send -1);
       * 0 means the server gave no lifetime. */
      if (expires_in < 0)
        self->expires_at = MAX (1, now + MAX (expires_in, -now + 1));
      else
        self->expires_at = expires_in > G_MAXINT64 - now ? G_MAXINT64 : now + expires_in;
    }

  return g_steal_pointer (&self);
}

/**
 * grant_token_new_from_json:
 * @json: a token as JSON text
 * @error: return location for a #GError
 *
 * Reads a token from JSON text, as [method@Token.to_json] writes it.
 *
 * Returns: (transfer full): a new `GrantToken`, or %NULL
 */
GrantToken *
grant_token_new_from_json (const char  *json,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE,
                   "The token is not valid JSON: %s", local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE,
                           "The token is not a JSON object");
      return NULL;
    }
  return grant_token_new_from_json_object (json_node_get_object (json_parser_get_root (parser)), error);
}

/**
 * grant_token_copy:
 * @self: a `GrantToken`
 *
 * Copies a token.
 *
 * Returns: (transfer full): a new `GrantToken` with the same fields
 */
GrantToken *
grant_token_copy (GrantToken *self)
{
  GrantToken *copy;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  g_return_val_if_fail (GRANT_IS_TOKEN (self), NULL);

  copy = g_object_new (GRANT_TYPE_TOKEN, NULL);
  copy->access_token = g_strdup (self->access_token);
  copy->token_type = g_strdup (self->token_type);
  copy->refresh_token = g_strdup (self->refresh_token);
  copy->expires_in = self->expires_in;
  copy->expires_at = self->expires_at;
  copy->scope = g_strdupv (self->scope);
  copy->id_token = g_strdup (self->id_token);
  json_object_iter_init (&iter, self->extras);
  while (json_object_iter_next (&iter, &name, &node))
    json_object_set_member (copy->extras, name, grant_json_node_deep_copy (node));
  return copy;
}

/**
 * grant_token_get_access_token:
 * @self: a `GrantToken`
 *
 * Gets [property@Token:access-token].
 *
 * Returns: (nullable): the access token
 */
const char *
grant_token_get_access_token (GrantToken *self)
{
  g_return_val_if_fail (GRANT_IS_TOKEN (self), NULL);
  return self->access_token;
}

/**
 * grant_token_set_access_token:
 * @self: a `GrantToken`
 * @access_token: (nullable): the access token
 *
 * Sets [property@Token:access-token].
 */
void
grant_token_set_access_token (GrantToken *self,
                              const char *access_token)
{
  g_return_if_fail (GRANT_IS_TOKEN (self));

  if (g_strcmp0 (self->access_token, access_token) == 0)
    return;
  grant_secret_free (self->access_token);
  self->access_token = g_strdup (access_token);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ACCESS_TOKEN]);
}

/**
 * grant_token_get_token_type:
 * @self: a `GrantToken`
 *
 * Gets [property@Token:token-type].
 *
 * Returns: the token type, `Bearer` if the server sent none
 */
const char *
grant_token_get_token_type (GrantToken *self)
{
  g_return_val_if_fail (GRANT_IS_TOKEN (self), NULL);
  return self->token_type ? self->token_type : "Bearer";
}

/**
 * grant_token_set_token_type:
 * @self: a `GrantToken`
 * @token_type: (nullable): the token type
 *
 * Sets [property@Token:token-type].
 */
void
grant_token_set_token_type (GrantToken *self,
                            const char *token_type)
{
  g_return_if_fail (GRANT_IS_TOKEN (self));

  if (g_strcmp0 (self->token_type, token_type) == 0)
    return;
  g_free (self->token_type);
  self->token_type = g_strdup (token_type);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TOKEN_TYPE]);
}

/**
 * grant_token_is_bearer:
 * @self: a `GrantToken`
 *
 * Whether the token is a Bearer token (RFC 6750), comparing the type
 * case-insensitively.
 *
 * Returns: %TRUE for a Bearer token
 */
gboolean
grant_token_is_bearer (GrantToken *self)
{
  g_return_val_if_fail (GRANT_IS_TOKEN (self), FALSE);
  return g_ascii_strcasecmp (grant_token_get_token_type (self), "Bearer") == 0;
}

/**
 * grant_token_get_refresh_token:
 * @self: a `GrantToken`
 *
 * Gets [property@Token:refresh-token].
 *
 * Returns: (nullable): the refresh token
 */
const char *
grant_token_get_refresh_token (GrantToken *self)
{
  g_return_val_if_fail (GRANT_IS_TOKEN (self), NULL);
  return self->refresh_token;
}

/**
 * grant_token_set_refresh_token:
 * @self: a `GrantToken`
 * @refresh_token: (nullable): the refresh token
 *
 * Sets [property@Token:refresh-token].
 */
void
grant_token_set_refresh_token (GrantToken *self,
                               const char *refresh_token)
{
  g_return_if_fail (GRANT_IS_TOKEN (self));

  if (g_strcmp0 (self->refresh_token, refresh_token) == 0)
    return;
  grant_secret_free (self->refresh_token);
  self->refresh_token = g_strdup (refresh_token);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REFRESH_TOKEN]);
}

/**
 * grant_token_get_expires_in:
 * @self: a `GrantToken`
 *
 * Gets [property@Token:expires-in].
 *
 * Returns: the lifetime the server gave, in seconds, or 0
 */
gint64
grant_token_get_expires_in (GrantToken *self)
{
  g_return_val_if_fail (GRANT_IS_TOKEN (self), 0);
  return self->expires_in;
}

/**
 * grant_token_set_expires_in:
 * @self: a `GrantToken`
 * @expires_in: a lifetime in seconds from now, or 0 for none
 *
 * Sets [property@Token:expires-in], and [property@Token:expires-at] to now
 * plus @expires_in.
 */
void
grant_token_set_expires_in (GrantToken *self,
                            gint64      expires_in)
{
  g_return_if_fail (GRANT_IS_TOKEN (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->expires_in != expires_in)
    {
      self->expires_in = MAX (expires_in, 0);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_EXPIRES_IN]);
    }
  grant_token_set_expires_at (self, expires_in > 0
                                      ? g_get_real_time () / G_USEC_PER_SEC + expires_in
                                      : 0);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * grant_token_get_expires_at:
 * @self: a `GrantToken`
 *
 * Gets [property@Token:expires-at].
 *
 * Returns: the expiry in seconds since the epoch, or 0 if unknown
 */
gint64
grant_token_get_expires_at (GrantToken *self)
{
  g_return_val_if_fail (GRANT_IS_TOKEN (self), 0);
  return self->expires_at;
}

/**
 * grant_token_set_expires_at:
 * @self: a `GrantToken`
 * @expires_at: seconds since the epoch, or 0 for unknown
 *
 * Sets [property@Token:expires-at].
 */
void
grant_token_set_expires_at (GrantToken *self,
                            gint64      expires_at)
{
  g_return_if_fail (GRANT_IS_TOKEN (self));

  expires_at = MAX (expires_at, 0);
  if (self->expires_at == expires_at)
    return;
  self->expires_at = expires_at;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_EXPIRES_AT]);
}

/**
 * grant_token_get_scope:
 * @self: a `GrantToken`
 *
 * Gets [property@Token:scope].
 *
 * Returns: (nullable) (transfer none): the granted scopes
 */
const char * const *
grant_token_get_scope (GrantToken *self)
{
  g_return_val_if_fail (GRANT_IS_TOKEN (self), NULL);
  return (const char * const *) self->scope;
}

/**
 * grant_token_set_scope:
 * @self: a `GrantToken`
 * @scope: (nullable) (array zero-terminated=1): the granted scopes
 *
 * Sets [property@Token:scope].
 */
void
grant_token_set_scope (GrantToken         *self,
                       const char * const *scope)
{
  g_return_if_fail (GRANT_IS_TOKEN (self));

  g_strfreev (self->scope);
  self->scope = g_strdupv ((char **) scope);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SCOPE]);
}

/**
 * grant_token_get_id_token:
 * @self: a `GrantToken`
 *
 * Gets [property@Token:id-token].
 *
 * Returns: (nullable): the ID token
 */
const char *
grant_token_get_id_token (GrantToken *self)
{
  g_return_val_if_fail (GRANT_IS_TOKEN (self), NULL);
  return self->id_token;
}

/**
 * grant_token_get_extras:
 * @self: a `GrantToken`
 *
 * Gets every field of the token that has no property of its own, as the
 * server sent it (for instance `user_id`, or a provider's own fields).
 * Changes to the object change the token.
 *
 * Returns: (transfer none): the other fields
 */
JsonObject *
grant_token_get_extras (GrantToken *self)
{
  g_return_val_if_fail (GRANT_IS_TOKEN (self), NULL);
  return self->extras;
}

/**
 * grant_token_get_extra_string:
 * @self: a `GrantToken`
 * @name: a field name
 *
 * Gets one of the other fields as a string: a string as it is, a number
 * or boolean written out, an object or array as JSON.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if absent or null
 */
char *
grant_token_get_extra_string (GrantToken *self,
                              const char *name)
{
  JsonNode *node;

  g_return_val_if_fail (GRANT_IS_TOKEN (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  node = json_object_get_member (self->extras, name);
  return grant_json_node_to_string (node);
}

/**
 * grant_token_is_expired:
 * @self: a `GrantToken`
 * @leeway_seconds: how long before the real expiry to count it as expired
 *
 * Whether the access token has expired, or will within @leeway_seconds.
 * A token whose expiry is unknown never expires.
 *
 * Returns: %TRUE if the token should be refreshed before use
 */
gboolean
grant_token_is_expired (GrantToken *self,
                        gint64      leeway_seconds)
{
  g_return_val_if_fail (GRANT_IS_TOKEN (self), TRUE);

  if (self->expires_at <= 0)
    return FALSE;
  return g_get_real_time () / G_USEC_PER_SEC + leeway_seconds >= self->expires_at;
}

/**
 * grant_token_to_json_object:
 * @self: a `GrantToken`
 *
 * Writes the token as a JSON object: the RFC 6749 fields, `expires_at`,
 * `scope` space-separated, and every other field the server sent.
 *
 * Returns: (transfer full): a new JSON object
 */
JsonObject *
grant_token_to_json_object (GrantToken *self)
{
  JsonObject *object;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  g_return_val_if_fail (GRANT_IS_TOKEN (self), NULL);

  object = json_object_new ();
  json_object_iter_init (&iter, self->extras);
  while (json_object_iter_next (&iter, &name, &node))
    json_object_set_member (object, name, grant_json_node_deep_copy (node));

  if (self->access_token)
    json_object_set_string_member (object, "access_token", self->access_token);
  json_object_set_string_member (object, "token_type", grant_token_get_token_type (self));
  if (self->refresh_token)
    json_object_set_string_member (object, "refresh_token", self->refresh_token);
  if (self->expires_in > 0)
    json_object_set_int_member (object, "expires_in", self->expires_in);
  if (self->expires_at > 0)
    json_object_set_int_member (object, "expires_at", self->expires_at);
  if (self->scope)
    {
      g_autofree char *joined = g_strjoinv (" ", self->scope);
      json_object_set_string_member (object, "scope", joined);
    }
  if (self->id_token)
    json_object_set_string_member (object, "id_token", self->id_token);
  return object;
}

/**
 * grant_token_to_json:
 * @self: a `GrantToken`
 *
 * Writes the token as JSON text, for storage; read it back with
 * [ctor@Token.new_from_json]. The text holds secrets.
 *
 * Returns: (transfer full): JSON text
 */
char *
grant_token_to_json (GrantToken *self)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (GRANT_IS_TOKEN (self), NULL);

  object = grant_token_to_json_object (self);
  node = json_node_init_object (json_node_alloc (), object);
  return json_to_string (node, FALSE);
}
