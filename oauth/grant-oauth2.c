/* grant-oauth2.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "grant-encoding-private.h"
#include "grant-enum-types.h"
#include "grant-error.h"
#include "grant-oauth2.h"
#include "grant-oauth2-protocol-private.h"
#include "grant-uri-private.h"

/**
 * GrantOAuth2:
 *
 * Puts an OAuth 2 Bearer token on requests: requests-oauthlib's `OAuth2`
 * auth helper.
 *
 * It does no refreshing and runs no hooks — that is
 * [class@OAuth2Session]'s job — but it refuses what a careful client must
 * refuse: no token, an expired token, a token type other than Bearer, and
 * http URLs (unless `GRANT_INSECURE_TRANSPORT=1`). Attached to a
 * `SoupSession`, it adds the token to every message the session queues;
 * libsoup drops the `Authorization` header when a redirect leaves the
 * origin.
 */

struct _GrantOAuth2
{
  GObject parent_instance;

  GrantToken          *token;
  GrantTokenPlacement  placement;
};

G_DEFINE_FINAL_TYPE (GrantOAuth2, grant_oauth2, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TOKEN,
  PROP_PLACEMENT,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
grant_oauth2_dispose (GObject *object)
{
  g_clear_object (&GRANT_OAUTH2 (object)->token);
  G_OBJECT_CLASS (grant_oauth2_parent_class)->dispose (object);
}

static void
grant_oauth2_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  GrantOAuth2 *self = GRANT_OAUTH2 (object);

  switch (prop_id)
    {
    case PROP_TOKEN:
      g_value_set_object (value, self->token);
      break;
    case PROP_PLACEMENT:
      g_value_set_enum (value, self->placement);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_oauth2_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  GrantOAuth2 *self = GRANT_OAUTH2 (object);

  switch (prop_id)
    {
    case PROP_TOKEN:
      grant_oauth2_set_token (self, g_value_get_object (value));
      break;
    case PROP_PLACEMENT:
      grant_oauth2_set_placement (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_oauth2_class_init (GrantOAuth2Class *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = grant_oauth2_dispose;
  object_class->get_property = grant_oauth2_get_property;
  object_class->set_property = grant_oauth2_set_property;

  /**
   * GrantOAuth2:token:
   *
   * The token to send.
   */
  props[PROP_TOKEN] =
    g_param_spec_object ("token", NULL, NULL, GRANT_TYPE_TOKEN,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * GrantOAuth2:placement:
   *
   * Where the token goes.
   */
  props[PROP_PLACEMENT] =
    g_param_spec_enum ("placement", NULL, NULL, GRANT_TYPE_TOKEN_PLACEMENT,
                       GRANT_TOKEN_PLACEMENT_HEADER,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
grant_oauth2_init (GrantOAuth2 *self)
{
}

/**
 * grant_oauth2_new:
 * @token: (nullable): the token to send
 *
 * Creates a helper that puts @token in the `Authorization` header.
 *
 * Returns: (transfer full): a new `GrantOAuth2`
 */
GrantOAuth2 *
grant_oauth2_new (GrantToken *token)
{
  return g_object_new (GRANT_TYPE_OAUTH2, "token", token, NULL);
}

/**
 * grant_oauth2_get_token:
 * @self: a `GrantOAuth2`
 *
 * Gets [property@OAuth2:token].
 *
 * Returns: (transfer none) (nullable): the token
 */
GrantToken *
grant_oauth2_get_token (GrantOAuth2 *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH2 (self), NULL);
  return self->token;
}

/**
 * grant_oauth2_set_token:
 * @self: a `GrantOAuth2`
 * @token: (nullable): the token to send
 *
 * Sets [property@OAuth2:token].
 */
void
grant_oauth2_set_token (GrantOAuth2 *self,
                        GrantToken  *token)
{
  g_return_if_fail (GRANT_IS_OAUTH2 (self));

  if (g_set_object (&self->token, token))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TOKEN]);
}

/**
 * grant_oauth2_get_placement:
 * @self: a `GrantOAuth2`
 *
 * Gets [property@OAuth2:placement].
 *
 * Returns: where the token goes
 */
GrantTokenPlacement
grant_oauth2_get_placement (GrantOAuth2 *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH2 (self), GRANT_TOKEN_PLACEMENT_HEADER);
  return self->placement;
}

/**
 * grant_oauth2_set_placement:
 * @self: a `GrantOAuth2`
 * @placement: where the token goes
 *
 * Sets [property@OAuth2:placement].
 */
void
grant_oauth2_set_placement (GrantOAuth2         *self,
                            GrantTokenPlacement  placement)
{
  g_return_if_fail (GRANT_IS_OAUTH2 (self));

  if (self->placement == placement)
    return;
  self->placement = placement;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PLACEMENT]);
}

/**
 * grant_oauth2_add_token:
 * @self: a `GrantOAuth2`
 * @message: the request
 * @body: (nullable): the request body, for body placement (libsoup 3 cannot
 *   read a message's body back); set on @message
 * @error: return location for a #GError
 *
 * Puts the token on @message.
 *
 * Returns: %TRUE if the token was placed; %FALSE with
 *   %GRANT_ERROR_TOKEN_MISSING, %GRANT_ERROR_TOKEN_EXPIRED,
 *   %GRANT_ERROR_INSECURE_TRANSPORT or %GRANT_ERROR_INVALID_ARGUMENT
 */
gboolean
grant_oauth2_add_token (GrantOAuth2  *self,
                        SoupMessage  *message,
                        GBytes       *body,
                        GError      **error)
{
  g_autofree char *uri = NULL;
  const char *access_token;

  g_return_val_if_fail (GRANT_IS_OAUTH2 (self), FALSE);
  g_return_val_if_fail (SOUP_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  uri = g_uri_to_string (soup_message_get_uri (message));
  if (!grant_oauth2_transport_allowed (uri, FALSE))
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INSECURE_TRANSPORT,
                   "OAuth 2 tokens are only sent over https, and %s is not; for a test "
                   "server set GRANT_INSECURE_TRANSPORT=1", uri);
      return FALSE;
    }
  if (self->token == NULL || grant_token_get_access_token (self->token) == NULL)
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_TOKEN_MISSING,
                           "There is no access token to send");
      return FALSE;
    }
  if (grant_token_is_expired (self->token, 0))
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_TOKEN_EXPIRED,
                           "The access token has expired; refresh it (a GrantOAuth2Session "
                           "does that by itself)");
      return FALSE;
    }
  if (!grant_token_is_bearer (self->token))
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "Grant sends Bearer tokens, and this is a “%s” token",
                   grant_token_get_token_type (self->token));
      return FALSE;
    }

  access_token = grant_token_get_access_token (self->token);
  switch (self->placement)
    {
    case GRANT_TOKEN_PLACEMENT_QUERY:
      {
        g_autoptr(GPtrArray) params = grant_params_new ();
        g_autofree char *with_token = NULL;
        g_autoptr(GUri) parsed = NULL;

        grant_params_add (params, "access_token", access_token);
        with_token = grant_uri_append_params (uri, params);
        parsed = g_uri_parse (with_token, SOUP_HTTP_URI_FLAGS, NULL);
        soup_message_set_uri (message, parsed);
        if (body != NULL)
          soup_message_set_request_body_from_bytes (message,
                                                    soup_message_headers_get_one (soup_message_get_request_headers (message),
                                                                                  "Content-Type"),
                                                    body);
      }
      break;

    case GRANT_TOKEN_PLACEMENT_BODY:
      {
        const char *type = soup_message_headers_get_one (soup_message_get_request_headers (message),
                                                          "Content-Type");
        g_autoptr(GBytes) bytes = NULL;
        GString *form;

        if (!grant_method_has_body (soup_message_get_method (message)) ||
            (body != NULL && g_bytes_get_size (body) > 0 &&
             (type == NULL || g_ascii_strncasecmp (type, "application/x-www-form-urlencoded", 33) != 0)))
          {
            g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                                 "The token can only go in a form-encoded body; place it in "
                                 "the header or the query instead");
            return FALSE;
          }
        form = g_string_new_len (body ? g_bytes_get_data (body, NULL) : NULL, body ? g_bytes_get_size (body) : 0);
        if (form->len > 0)
          g_string_append_c (form, '&');
        g_string_append (form, "access_token=");
        grant_string_append_form_encoded (form, access_token);
        bytes = g_string_free_to_bytes (form);
        soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", bytes);
      }
      break;

    case GRANT_TOKEN_PLACEMENT_HEADER:
    default:
      {
        g_autofree char *header = g_strconcat ("Bearer ", access_token, NULL);

        soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", header);
        if (body != NULL)
          soup_message_set_request_body_from_bytes (message,
                                                    soup_message_headers_get_one (soup_message_get_request_headers (message),
                                                                                  "Content-Type"),
                                                    body);
      }
      break;
    }
  return TRUE;
}

static void
on_request_queued (SoupSession *session,
                   SoupMessage *message,
                   GrantOAuth2 *self)
{
  g_autoptr(GError) error = NULL;

  /* Header placement only: a queued message's body cannot be read. */
  if (self->placement == GRANT_TOKEN_PLACEMENT_BODY)
    return;
  if (!grant_oauth2_add_token (self, message, NULL, &error))
    g_debug ("No token added to the request for %s: %s",
             g_uri_get_host (soup_message_get_uri (message)), error->message);
}

/**
 * grant_oauth2_attach:
 * @self: a `GrantOAuth2`
 * @session: a `SoupSession`
 *
 * Adds the token to every message @session queues from now on (header or
 * query placement). A message the token cannot be added to (expired, http)
 * is sent without it, and the server's answer says so.
 */
void
grant_oauth2_attach (GrantOAuth2 *self,
                     SoupSession *session)
{
  g_return_if_fail (GRANT_IS_OAUTH2 (self));
  g_return_if_fail (SOUP_IS_SESSION (session));

  grant_oauth2_detach (self, session);
  g_signal_connect_object (session, "request-queued", G_CALLBACK (on_request_queued), self, 0);
}

/**
 * grant_oauth2_detach:
 * @self: a `GrantOAuth2`
 * @session: a `SoupSession`
 *
 * Stops adding the token to @session's messages.
 */
void
grant_oauth2_detach (GrantOAuth2 *self,
                     SoupSession *session)
{
  g_return_if_fail (GRANT_IS_OAUTH2 (self));
  g_return_if_fail (SOUP_IS_SESSION (session));

  g_signal_handlers_disconnect_by_func (session, on_request_queued, self);
}
