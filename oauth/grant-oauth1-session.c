/* grant-oauth1-session.c: request token, authorization, access token
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "grant-encoding-private.h"
#include "grant-error.h"
#include "grant-http-private.h"
#include "grant-oauth1-private.h"
#include "grant-oauth1-session.h"
#include "grant-body-private.h"
#include "grant-provider-registry-private.h"
#include "grant-token-store.h"
#include "grant-uri-private.h"

/**
 * GrantOAuth1Session:
 *
 * Runs the OAuth 1.0a three-legged flow and sends signed requests.
 *
 * This is requests-oauthlib's `OAuth1Session`: a [class@OAuth1] that holds
 * the credentials, a `SoupSession` to talk through, and the steps of the
 * dance:
 *
 * 1. [method@OAuth1Session.fetch_request_token] gets temporary credentials
 *    (sending `oauth_callback`);
 * 2. [method@OAuth1Session.authorization_url] is where the user approves
 *    the application;
 * 3. [method@OAuth1Session.parse_authorization_response] reads the
 *    verifier from the URL the provider redirected to;
 * 4. [method@OAuth1Session.fetch_access_token] trades the temporary
 *    credentials and the verifier for the access token;
 * 5. [method@OAuth1Session.send_and_read] sends signed requests.
 *
 * Every method that talks to a server has a blocking form and an
 * `_async`/`_finish` pair, and takes a `GCancellable`. Timeouts are those of
 * the `SoupSession` (see its `timeout` property). Token responses are read
 * whether they are form-encoded or JSON, and every field the server sent is
 * returned.
 */

struct _GrantOAuth1Session
{
  GObject parent_instance;

  GrantOAuth1 *auth;
  SoupSession *soup_session;

  /* Temporary credentials are not an authorization; requests-oauthlib
   * reports `authorized` as soon as it has them. */
  gboolean token_is_temporary;

  GrantTokenStore *token_store;
  char            *account;
  char            *provider;
  gboolean         load_attempted;

  char            *request_token_url;
  char            *authorization_url;
  char            *access_token_url;
};

G_DEFINE_FINAL_TYPE (GrantOAuth1Session, grant_oauth1_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_AUTH,
  PROP_SOUP_SESSION,
  PROP_AUTHORIZED,
  PROP_TOKEN_STORE,
  PROP_ACCOUNT,
  PROP_PROVIDER,
  PROP_REQUEST_TOKEN_URL,
  PROP_AUTHORIZATION_URL,
  PROP_ACCESS_TOKEN_URL,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_STORE_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_auth_changed (GrantOAuth1Session *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AUTHORIZED]);
}

static void
grant_oauth1_session_constructed (GObject *object)
{
  GrantOAuth1Session *self = GRANT_OAUTH1_SESSION (object);

  G_OBJECT_CLASS (grant_oauth1_session_parent_class)->constructed (object);

  if (self->auth == NULL)
    self->auth = g_object_new (GRANT_TYPE_OAUTH1, NULL);
  if (self->soup_session == NULL)
    self->soup_session = soup_session_new_with_options ("user-agent", "grant/" GRANT_VERSION_S " ", NULL);

  g_signal_connect_object (self->auth, "notify::token",
                           G_CALLBACK (on_auth_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->auth, "notify::token-secret",
                           G_CALLBACK (on_auth_changed), self, G_CONNECT_SWAPPED);
}

static void
grant_oauth1_session_dispose (GObject *object)
{
  GrantOAuth1Session *self = GRANT_OAUTH1_SESSION (object);

  g_clear_object (&self->auth);
  g_clear_object (&self->soup_session);
  g_clear_object (&self->token_store);
  g_clear_pointer (&self->account, g_free);
  g_clear_pointer (&self->provider, g_free);
  g_clear_pointer (&self->request_token_url, g_free);
  g_clear_pointer (&self->authorization_url, g_free);
  g_clear_pointer (&self->access_token_url, g_free);

  G_OBJECT_CLASS (grant_oauth1_session_parent_class)->dispose (object);
}

static void
grant_oauth1_session_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  GrantOAuth1Session *self = GRANT_OAUTH1_SESSION (object);

  switch (prop_id)
    {
    case PROP_AUTH:
      g_value_set_object (value, self->auth);
      break;
    case PROP_SOUP_SESSION:
      g_value_set_object (value, self->soup_session);
      break;
    case PROP_AUTHORIZED:
      g_value_set_boolean (value, grant_oauth1_session_get_authorized (self));
      break;
    case PROP_TOKEN_STORE:
      g_value_set_object (value, self->token_store);
      break;
    case PROP_ACCOUNT:
      g_value_set_string (value, self->account);
      break;
    case PROP_PROVIDER:
      g_value_set_string (value, self->provider);
      break;
    case PROP_REQUEST_TOKEN_URL:
      g_value_set_string (value, self->request_token_url);
      break;
    case PROP_AUTHORIZATION_URL:
      g_value_set_string (value, self->authorization_url);
      break;
    case PROP_ACCESS_TOKEN_URL:
      g_value_set_string (value, self->access_token_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_oauth1_session_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  GrantOAuth1Session *self = GRANT_OAUTH1_SESSION (object);

  switch (prop_id)
    {
    case PROP_AUTH:
      self->auth = g_value_dup_object (value);
      break;
    case PROP_SOUP_SESSION:
      self->soup_session = g_value_dup_object (value);
      break;
    case PROP_TOKEN_STORE:
      if (g_set_object (&self->token_store, g_value_get_object (value)))
        {
          self->load_attempted = FALSE;
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_ACCOUNT:
      g_free (self->account);
      self->account = g_value_dup_string (value);
      self->load_attempted = FALSE;
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_PROVIDER:
      g_free (self->provider);
      self->provider = g_value_dup_string (value);
      self->load_attempted = FALSE;
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_REQUEST_TOKEN_URL:
      g_free (self->request_token_url);
      self->request_token_url = g_value_dup_string (value);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_AUTHORIZATION_URL:
      g_free (self->authorization_url);
      self->authorization_url = g_value_dup_string (value);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_ACCESS_TOKEN_URL:
      g_free (self->access_token_url);
      self->access_token_url = g_value_dup_string (value);
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_oauth1_session_class_init (GrantOAuth1SessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = grant_oauth1_session_constructed;
  object_class->dispose = grant_oauth1_session_dispose;
  object_class->get_property = grant_oauth1_session_get_property;
  object_class->set_property = grant_oauth1_session_set_property;

  /**
   * GrantOAuth1Session:auth:
   *
   * The credentials and signing settings. Change the token, the signature
   * method or the placement on it at any time.
   */
  props[PROP_AUTH] =
    g_param_spec_object ("auth", NULL, NULL, GRANT_TYPE_OAUTH1,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * GrantOAuth1Session:soup-session:
   *
   * The `SoupSession` requests go through. Give one to share its
   * connections, proxy and TLS settings, or its timeout.
   */
  props[PROP_SOUP_SESSION] =
    g_param_spec_object ("soup-session", NULL, NULL, SOUP_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * GrantOAuth1Session:authorized:
   *
   * Whether the session holds access-token credentials it can sign
   * requests with: a token and, unless the signature method is RSA, the
   * client and token secrets. Temporary credentials from
   * [method@OAuth1Session.fetch_request_token] do not count.
   */
  props[PROP_AUTHORIZED] =
    g_param_spec_boolean ("authorized", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * GrantOAuth1Session:token-store:
   *
   * Where the access-token credentials are kept between runs: loaded on
   * the first signed request, saved when
   * [method@OAuth1Session.fetch_access_token] obtains them, deleted by
   * [method@OAuth1Session.logout].
   */
  props[PROP_TOKEN_STORE] =
    g_param_spec_object ("token-store", NULL, NULL, GRANT_TYPE_TOKEN_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * GrantOAuth1Session:account:
   *
   * The account the token is stored under.
   */
  props[PROP_ACCOUNT] =
    g_param_spec_string ("account", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * GrantOAuth1Session:provider:
   *
   * The provider id the token is stored under, such as `twitter`.
   */
  props[PROP_PROVIDER] =
    g_param_spec_string ("provider", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * GrantOAuth1Session:request-token-url:
   *
   * The request-token endpoint used when a call is given none.
   */
  props[PROP_REQUEST_TOKEN_URL] =
    g_param_spec_string ("request-token-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * GrantOAuth1Session:authorization-endpoint:
   *
   * The authorization endpoint used when a call is given none.
   */
  props[PROP_AUTHORIZATION_URL] =
    g_param_spec_string ("authorization-endpoint", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * GrantOAuth1Session:access-token-url:
   *
   * The access-token endpoint used when a call is given none.
   */
  props[PROP_ACCESS_TOKEN_URL] =
    g_param_spec_string ("access-token-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * GrantOAuth1Session::store-error:
   * @self: the session
   * @error: what went wrong
   *
   * Emitted when the token store could not load, save or delete the token;
   * the session keeps working with the token in memory.
   */
  signals[SIGNAL_STORE_ERROR] =
    g_signal_new ("store-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
grant_oauth1_session_init (GrantOAuth1Session *self)
{
}

/**
 * grant_oauth1_session_new:
 * @client_key: the client identifier the provider issued
 * @client_secret: (nullable): the client's shared secret
 * @callback_uri: (nullable): where the provider sends the user back, or `oob`
 *
 * Creates a session with HMAC-SHA1 signatures in the `Authorization` header
 * and a `SoupSession` of its own.
 *
 * Returns: (transfer full): a new `GrantOAuth1Session`
 */
GrantOAuth1Session *
grant_oauth1_session_new (const char *client_key,
                          const char *client_secret,
                          const char *callback_uri)
{
  g_autoptr(GrantOAuth1) auth = grant_oauth1_new (client_key, client_secret);

  grant_oauth1_set_callback_uri (auth, callback_uri);
  return grant_oauth1_session_new_with_auth (auth, NULL);
}

/**
 * grant_oauth1_session_new_with_auth:
 * @auth: the credentials and signing settings
 * @soup_session: (nullable): the `SoupSession` to send through, or %NULL for
 *   a new one
 *
 * Creates a session around an existing [class@OAuth1].
 *
 * Returns: (transfer full): a new `GrantOAuth1Session`
 */
GrantOAuth1Session *
grant_oauth1_session_new_with_auth (GrantOAuth1 *auth,
                                    SoupSession *soup_session)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1 (auth), NULL);
  g_return_val_if_fail (soup_session == NULL || SOUP_IS_SESSION (soup_session), NULL);

  return g_object_new (GRANT_TYPE_OAUTH1_SESSION,
                       "auth", auth,
                       "soup-session", soup_session,
                       NULL);
}


/**
 * grant_oauth1_session_new_for_provider_object:
 * @provider: a provider that speaks OAuth 1.0a
 * @client_key: the client key the provider issued
 * @client_secret: (nullable): the client secret
 * @callback_uri: (nullable): where the provider sends the user back, or `oob`
 *
 * Creates a session with @provider's OAuth 1 endpoints and fixes.
 *
 * Returns: (transfer full): a new `GrantOAuth1Session`
 */
GrantOAuth1Session *
grant_oauth1_session_new_for_provider_object (GrantProvider *provider,
                                              const char    *client_key,
                                              const char    *client_secret,
                                              const char    *callback_uri)
{
  GrantOAuth1Session *self;

  g_return_val_if_fail (GRANT_IS_PROVIDER (provider), NULL);

  self = grant_oauth1_session_new (client_key, client_secret, callback_uri);
  grant_provider_configure_oauth1_session (provider, self);
  return self;
}

/**
 * grant_oauth1_session_new_for_provider:
 * @provider_id: a provider id, such as `twitter`
 * @client_key: the client key the provider issued
 * @client_secret: (nullable): the client secret
 * @callback_uri: (nullable): where the provider sends the user back, or `oob`
 * @error: return location for a #GError
 *
 * Creates a session for an OAuth 1 provider known to the default
 * [class@ProviderRegistry].
 *
 * Returns: (transfer full): a new `GrantOAuth1Session`, or %NULL
 */
GrantOAuth1Session *
grant_oauth1_session_new_for_provider (const char  *provider_id,
                                       const char  *client_key,
                                       const char  *client_secret,
                                       const char  *callback_uri,
                                       GError     **error)
{
  g_autoptr(GrantProvider) provider = NULL;

  g_return_val_if_fail (provider_id != NULL, NULL);

  provider = grant_provider_registry_lookup_for_protocol (provider_id, GRANT_PROVIDER_PROTOCOLS_OAUTH1, error);
  if (provider == NULL)
    return NULL;
  return grant_oauth1_session_new_for_provider_object (provider, client_key, client_secret, callback_uri);
}

/**
 * grant_oauth1_session_get_auth:
 * @self: a `GrantOAuth1Session`
 *
 * Gets [property@OAuth1Session:auth].
 *
 * Returns: (transfer none): the credentials and signing settings
 */
GrantOAuth1 *
grant_oauth1_session_get_auth (GrantOAuth1Session *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1_SESSION (self), NULL);
  return self->auth;
}

/**
 * grant_oauth1_session_get_soup_session:
 * @self: a `GrantOAuth1Session`
 *
 * Gets [property@OAuth1Session:soup-session].
 *
 * Returns: (transfer none): the `SoupSession` requests go through
 */
SoupSession *
grant_oauth1_session_get_soup_session (GrantOAuth1Session *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1_SESSION (self), NULL);
  return self->soup_session;
}

static gboolean
is_set (const char *s)
{
  return s != NULL && *s != '\0';
}

static gboolean
uses_rsa (GrantOAuth1 *auth)
{
  switch (grant_oauth1_get_signature_method (auth))
    {
    case GRANT_OAUTH1_SIGNATURE_RSA_SHA1:
    case GRANT_OAUTH1_SIGNATURE_RSA_SHA256:
    case GRANT_OAUTH1_SIGNATURE_RSA_SHA512:
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * grant_oauth1_session_get_authorized:
 * @self: a `GrantOAuth1Session`
 *
 * Gets [property@OAuth1Session:authorized].
 *
 * Returns: whether the session can sign requests for a user
 */
gboolean
grant_oauth1_session_get_authorized (GrantOAuth1Session *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1_SESSION (self), FALSE);

  if (self->token_is_temporary || !is_set (grant_oauth1_get_token (self->auth)))
    return FALSE;
  if (uses_rsa (self->auth))
    return TRUE;
  return is_set (grant_oauth1_get_client_secret (self->auth)) &&
         is_set (grant_oauth1_get_token_secret (self->auth));
}

static GHashTable *
new_string_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * grant_oauth1_session_get_token:
 * @self: a `GrantOAuth1Session`
 *
 * Gets the token credentials as requests-oauthlib returns them:
 * `oauth_token`, `oauth_token_secret` and `oauth_verifier`, each only when
 * it is set. Store them to restore the session later with
 * [method@OAuth1Session.set_token].
 *
 * Returns: (transfer full) (element-type utf8 utf8): the token
 */
GHashTable *
grant_oauth1_session_get_token (GrantOAuth1Session *self)
{
  GHashTable *token;
  const char *value;

  g_return_val_if_fail (GRANT_IS_OAUTH1_SESSION (self), NULL);

  token = new_string_table ();
  if (is_set (value = grant_oauth1_get_token (self->auth)))
    g_hash_table_insert (token, g_strdup ("oauth_token"), g_strdup (value));
  if (is_set (value = grant_oauth1_get_token_secret (self->auth)))
    g_hash_table_insert (token, g_strdup ("oauth_token_secret"), g_strdup (value));
  if (is_set (value = grant_oauth1_get_verifier (self->auth)))
    g_hash_table_insert (token, g_strdup ("oauth_verifier"), g_strdup (value));
  return token;
}

/**
 * grant_oauth1_session_set_token:
 * @self: a `GrantOAuth1Session`
 * @token: (element-type utf8 utf8): `oauth_token`, and optionally
 *   `oauth_token_secret` and `oauth_verifier`
 * @error: return location for a #GError
 *
 * Replaces the token credentials, for instance with access-token
 * credentials saved from an earlier run. A key that is absent clears that
 * credential. Other keys are ignored.
 *
 * Returns: %TRUE if @token had an `oauth_token`; %FALSE with
 *   %GRANT_ERROR_TOKEN_MISSING otherwise, and nothing is changed
 */
gboolean
grant_oauth1_session_set_token (GrantOAuth1Session  *self,
                                GHashTable          *token,
                                GError             **error)
{
  const char *oauth_token;

  g_return_val_if_fail (GRANT_IS_OAUTH1_SESSION (self), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);

  oauth_token = g_hash_table_lookup (token, "oauth_token");
  if (!is_set (oauth_token))
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_TOKEN_MISSING,
                           "The token has no “oauth_token”; nothing was changed");
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self->auth));
  self->token_is_temporary = FALSE;
  grant_oauth1_set_token (self->auth, oauth_token);
  grant_oauth1_set_token_secret (self->auth, g_hash_table_lookup (token, "oauth_token_secret"));
  grant_oauth1_set_verifier (self->auth, g_hash_table_lookup (token, "oauth_verifier"));
  g_object_thaw_notify (G_OBJECT (self->auth));
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AUTHORIZED]);
  return TRUE;
}

/* One token request in flight: what is sent, and what to do with the
 * answer. Shared by the blocking and the async paths. */
typedef struct {
  SoupMessage     *message;
  GrantOAuth1Step  step;
  char            *realm;
  char            *host;
  guint            redirects;
} TokenRequest;

/* A token endpoint that moved answers 307 or 308; libsoup does not resend
 * a POST for those, so the session does, a few times at most. */
#define MAX_TOKEN_REDIRECTS 5

static void
token_request_free (gpointer data)
{
  TokenRequest *request = data;

  g_clear_object (&request->message);
  g_free (request->realm);
  g_free (request->host);
  g_free (request);
}

static SoupMessage *
new_message (const char  *method,
             const char  *url,
             GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;

  if (url == NULL)
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                           "No endpoint URL was given");
      return NULL;
    }

  uri = grant_uri_parse_http (url, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "The endpoint URL “%s” does not parse: %s", url, local_error->message);
      return NULL;
    }
  if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "The endpoint URL “%s” is not an http or https URL", url);
      return NULL;
    }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "The endpoint URL “%s” has no host", url);
      return NULL;
    }

  return soup_message_new_from_uri (method, uri);
}

static TokenRequest *
token_request_new (GrantOAuth1Session  *self,
                   const char          *url,
                   GrantOAuth1Step      step,
                   const char * const  *realms,
                   GError             **error)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *realm = NULL;
  TokenRequest *request;

  if (url == NULL)
    url = step == GRANT_OAUTH1_STEP_REQUEST_TOKEN ? self->request_token_url : self->access_token_url;
  message = new_message (SOUP_METHOD_POST, url, error);
  if (message == NULL)
    return NULL;

  if (realms != NULL && realms[0] != NULL)
    realm = g_strjoinv (" ", (char **) realms);

  if (!grant_oauth1_sign_message_for_step (self->auth, message, NULL, step, realm, error))
    return NULL;

  request = g_new0 (TokenRequest, 1);
  request->message = g_steal_pointer (&message);
  request->step = step;
  request->realm = g_steal_pointer (&realm);
  request->host = g_strdup (g_uri_get_host (soup_message_get_uri (request->message)));
  return request;
}

static const char *
step_name (GrantOAuth1Step step)
{
  return step == GRANT_OAUTH1_STEP_REQUEST_TOKEN ? "request token" : "access token";
}

/*
 * After a 307 or 308, points @request at the new location, signed afresh.
 * Returns FALSE when there is nothing to follow (another status), and
 * FALSE with @error set when the redirect must not be followed.
 */
static gboolean
token_request_follow_redirect (GrantOAuth1Session  *self,
                               TokenRequest        *request,
                               GError             **error)
{
  guint status = soup_message_get_status (request->message);
  GUri *from = soup_message_get_uri (request->message);
  const char *location;
  g_autoptr(GUri) to = NULL;
  g_autoptr(SoupMessage) next = NULL;

  if (status != SOUP_STATUS_TEMPORARY_REDIRECT && status != SOUP_STATUS_PERMANENT_REDIRECT)
    return FALSE;

  location = soup_message_headers_get_one (soup_message_get_response_headers (request->message),
                                           "Location");
  if (location != NULL)
    to = g_uri_parse_relative (from, location, SOUP_HTTP_URI_FLAGS, NULL);
  if (to == NULL)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE,
                   "The %s endpoint on %s answered HTTP %u without a usable Location",
                   step_name (request->step), request->host, status);
      return FALSE;
    }
  if (!grant_uri_same_origin (from, to))
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_REQUEST_DENIED,
                   "The %s endpoint on %s redirected to another origin (%s); Grant "
                   "does not send credentials there. If the provider has moved, "
                   "use the new URL as the endpoint", step_name (request->step),
                   request->host, g_uri_get_host (to));
      return FALSE;
    }
  if (++request->redirects > MAX_TOKEN_REDIRECTS)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_REQUEST_DENIED,
                   "The %s endpoint on %s redirected more than %d times",
                   step_name (request->step), request->host, MAX_TOKEN_REDIRECTS);
      return FALSE;
    }

  next = soup_message_new_from_uri (SOUP_METHOD_POST, to);
  if (!grant_oauth1_sign_message_for_step (self->auth, next, NULL, request->step,
                                           request->realm, error))
    return FALSE;
  g_set_object (&request->message, next);
  return TRUE;
}

static GHashTable *
token_request_finish (GrantOAuth1Session  *self,
                      TokenRequest        *request,
                      GBytes              *body,
                      GError             **error)
{
  guint status = soup_message_get_status (request->message);
  const char *reason = soup_message_get_reason_phrase (request->message);
  const char *secrets[] = {
    grant_oauth1_get_client_secret (self->auth),
    grant_oauth1_get_token_secret (self->auth),
    grant_oauth1_get_verifier (self->auth),
  };
  const gsize n_secrets = G_N_ELEMENTS (secrets);
  g_autoptr(GPtrArray) params = grant_params_new ();
  GrantBodyFormat format = grant_body_parse_params (body, params);
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;
  g_autofree char *text = data ? g_strndup (data, len) : NULL;
  const char *problem = grant_params_lookup (params, "oauth_problem");
  g_autofree char *safe_problem = NULL;
  const char *token;

  /* Whatever the server says is quoted only after redaction: a server
   * that echoes a PLAINTEXT request back puts the secrets in its text. */
  if (problem != NULL)
    safe_problem = grant_http_redact (problem, -1, secrets, n_secrets);

  if (status < 200 || status >= 300)
    {
      g_autofree char *detail = NULL;
      g_autofree char *raw = NULL;

      if (problem != NULL)
        {
          const char *advice = grant_params_lookup (params, "oauth_problem_advice");

          raw = advice
            ? g_strdup_printf ("oauth_problem=%s (%s)", problem, advice)
            : g_strdup_printf ("oauth_problem=%s", problem);
          detail = grant_http_redact (raw, -1, secrets, n_secrets);
        }
      else if (grant_params_lookup (params, "error") != NULL)
        {
          const char *description = grant_params_lookup (params, "error_description");

          raw = description
            ? g_strdup_printf ("%s: %s", grant_params_lookup (params, "error"), description)
            : g_strdup (grant_params_lookup (params, "error"));
          detail = grant_http_redact (raw, -1, secrets, n_secrets);
        }
      else if (format == GRANT_BODY_UNREADABLE && grant_http_body_is_html (soup_message_headers_get_one (soup_message_get_response_headers (request->message), "Content-Type"), body))
        detail = g_strdup ("the server sent an HTML page");
      else
        detail = grant_http_body_excerpt (body, secrets, n_secrets);

      g_set_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_REQUEST_DENIED,
                   "The %s request to %s was refused (HTTP %u %s): %s",
                   step_name (request->step), request->host, status,
                   reason ? reason : soup_status_get_phrase (status), detail);
      return NULL;
    }

  switch (format)
    {
    case GRANT_BODY_EMPTY:
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE,
                   "%s answered the %s request with an empty body (HTTP %u)",
                   request->host, step_name (request->step), status);
      return NULL;
    case GRANT_BODY_UNREADABLE:
      if (grant_http_body_is_html (soup_message_headers_get_one (soup_message_get_response_headers (request->message), "Content-Type"), body))
        g_set_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE,
                     "%s answered the %s request with an HTML page (HTTP %u) instead "
                     "of a token; check the endpoint URL",
                     request->host, step_name (request->step), status);
      else
        {
          g_autofree char *excerpt = grant_http_body_excerpt (body, secrets, n_secrets);

          g_set_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE,
                       "%s answered the %s request (HTTP %u) with a body that is "
                       "neither form-encoded nor a JSON object: %s",
                       request->host, step_name (request->step), status, excerpt);
        }
      return NULL;
    case GRANT_BODY_FORM:
    case GRANT_BODY_JSON:
    default:
      break;
    }

  token = grant_params_lookup (params, "oauth_token");
  if (!is_set (token))
    {
      if (problem != NULL)
        g_set_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_MISSING,
                     "The %s response from %s has no oauth_token; the server "
                     "reported oauth_problem=%s", step_name (request->step),
                     request->host, safe_problem);
      else
        g_set_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_MISSING,
                     "The %s response from %s has no oauth_token",
                     step_name (request->step), request->host);
      return NULL;
    }

  g_object_freeze_notify (G_OBJECT (self->auth));
  self->token_is_temporary = request->step == GRANT_OAUTH1_STEP_REQUEST_TOKEN;
  grant_oauth1_set_token (self->auth, token);
  grant_oauth1_set_token_secret (self->auth, grant_params_lookup (params, "oauth_token_secret"));
  if (request->step == GRANT_OAUTH1_STEP_ACCESS_TOKEN)
    grant_oauth1_set_verifier (self->auth, NULL);
  g_object_thaw_notify (G_OBJECT (self->auth));
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AUTHORIZED]);

  return grant_params_to_hash_table (params);
}

static GrantTokenKey *
store_key (GrantOAuth1Session *self)
{
  return grant_token_key_new (GRANT_PROTOCOL_OAUTH1, self->provider,
                              grant_oauth1_get_client_key (self->auth), self->account);
}

static JsonObject *
stored_token (GrantOAuth1Session *self)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "oauth_token", grant_oauth1_get_token (self->auth));
  if (grant_oauth1_get_token_secret (self->auth) != NULL)
    json_object_set_string_member (object, "oauth_token_secret", grant_oauth1_get_token_secret (self->auth));
  return object;
}

static void
adopt_stored (GrantOAuth1Session *self,
              JsonObject         *object)
{
  const char *token;

  if (object == NULL || is_set (grant_oauth1_get_token (self->auth)))
    return;
  token = json_object_get_string_member_with_default (object, "oauth_token", NULL);
  if (!is_set (token))
    return;
  g_object_freeze_notify (G_OBJECT (self->auth));
  self->token_is_temporary = FALSE;
  grant_oauth1_set_token (self->auth, token);
  grant_oauth1_set_token_secret (self->auth,
                                 json_object_get_string_member_with_default (object, "oauth_token_secret", NULL));
  g_object_thaw_notify (G_OBJECT (self->auth));
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AUTHORIZED]);
}

static void
ensure_loaded_sync (GrantOAuth1Session *self,
                    GCancellable       *cancellable)
{
  g_autoptr(GrantTokenKey) key = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  if (self->token_store == NULL || self->load_attempted)
    return;
  self->load_attempted = TRUE;
  key = store_key (self);
  object = grant_token_store_load (self->token_store, key, cancellable, &error);
  if (error != NULL)
    g_signal_emit (self, signals[SIGNAL_STORE_ERROR], 0, error);
  else
    adopt_stored (self, object);
}

/* Access-token credentials go to the store as soon as they exist; a store
 * that fails leaves them in use, signals, and fails the call. */
static GHashTable *
save_access_token_sync (GrantOAuth1Session  *self,
                        TokenRequest        *request,
                        GHashTable          *token,
                        GCancellable        *cancellable,
                        GError             **error)
{
  g_autoptr(GrantTokenKey) key = NULL;
  g_autoptr(JsonObject) object = NULL;
  GError *store_error = NULL;

  if (token == NULL || self->token_store == NULL || request->step != GRANT_OAUTH1_STEP_ACCESS_TOKEN)
    return token;
  key = store_key (self);
  object = stored_token (self);
  if (!grant_token_store_save (self->token_store, key, object, cancellable, &store_error))
    {
      g_signal_emit (self, signals[SIGNAL_STORE_ERROR], 0, store_error);
      g_propagate_error (error, store_error);
      g_hash_table_unref (token);
      return NULL;
    }
  self->load_attempted = TRUE;
  return token;
}

static GHashTable *
token_request_run (GrantOAuth1Session  *self,
                   TokenRequest        *request,
                   GCancellable        *cancellable,
                   GError             **error)
{
  for (;;)
    {
      g_autoptr(GBytes) body = NULL;
      GError *redirect_error = NULL;

      body = grant_http_send_and_read_bounded (self->soup_session, request->message,
                                               GRANT_TOKEN_RESPONSE_MAX, cancellable, error);
      if (body == NULL)
        return NULL;
      if (token_request_follow_redirect (self, request, &redirect_error))
        continue;
      if (redirect_error != NULL)
        {
          g_propagate_error (error, redirect_error);
          return NULL;
        }
      return save_access_token_sync (self, request,
                                     token_request_finish (self, request, body, error),
                                     cancellable, error);
    }
}

static void on_token_response (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data);

static void
token_request_send_async (GrantOAuth1Session *self,
                          GTask              *task)
{
  TokenRequest *request = g_task_get_task_data (task);

  grant_http_send_and_read_bounded_async (self->soup_session, request->message,
                                          GRANT_TOKEN_RESPONSE_MAX, G_PRIORITY_DEFAULT,
                                          g_task_get_cancellable (task),
                                          on_token_response, task);
}

static void
on_access_token_saved (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GrantOAuth1Session *self = g_task_get_source_object (task);
  GHashTable *token = g_task_get_task_data (task);
  GError *error = NULL;

  if (!grant_token_store_save_finish (GRANT_TOKEN_STORE (source), result, &error))
    {
      g_signal_emit (self, signals[SIGNAL_STORE_ERROR], 0, error);
      g_task_return_error (task, error);
      return;
    }
  self->load_attempted = TRUE;
  g_task_return_pointer (task, g_hash_table_ref (token), (GDestroyNotify) g_hash_table_unref);
}

static void
on_token_response (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GrantOAuth1Session *self = g_task_get_source_object (task);
  TokenRequest *request = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  GHashTable *token;
  GError *error = NULL;

  body = grant_http_send_and_read_bounded_finish (result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (token_request_follow_redirect (self, request, &error))
    {
      token_request_send_async (self, g_steal_pointer (&task));
      return;
    }
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  token = token_request_finish (self, request, body, &error);
  if (token == NULL)
    g_task_return_error (task, error);
  else if (self->token_store != NULL && request->step == GRANT_OAUTH1_STEP_ACCESS_TOKEN)
    {
      g_autoptr(GrantTokenKey) key = store_key (self);
      g_autoptr(JsonObject) object = stored_token (self);

      g_task_set_task_data (task, token, (GDestroyNotify) g_hash_table_unref);
      grant_token_store_save_async (self->token_store, key, object, NULL,
                                    on_access_token_saved, g_steal_pointer (&task));
    }
  else
    g_task_return_pointer (task, token, (GDestroyNotify) g_hash_table_unref);
}

static void
token_request_start (GrantOAuth1Session  *self,
                     GTask               *task,
                     TokenRequest        *request)
{
  g_task_set_task_data (task, request, token_request_free);
  token_request_send_async (self, task);
}

/**
 * grant_oauth1_session_fetch_request_token:
 * @self: a `GrantOAuth1Session`
 * @url: (nullable): the provider's request-token (temporary credentials)
 *   endpoint, or %NULL for [property@OAuth1Session:request-token-url]
 * @realms: (nullable) (array zero-terminated=1): realms to ask for, sent
 *   space-separated as the header's `realm`
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a #GError
 *
 * Asks for temporary credentials (RFC 5849 §2.1). The request is a signed
 * POST that carries [property@OAuth1:callback-uri] as `oauth_callback`;
 * no other request does. On success the temporary token and secret are set
 * on [property@OAuth1Session:auth].
 *
 * Returns: (transfer full) (element-type utf8 utf8): every field of the
 *   response, such as `oauth_token`, `oauth_token_secret` and
 *   `oauth_callback_confirmed`
 */
GHashTable *
grant_oauth1_session_fetch_request_token (GrantOAuth1Session  *self,
                                          const char          *url,
                                          const char * const  *realms,
                                          GCancellable        *cancellable,
                                          GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  TokenRequest *request;
  GHashTable *token;

  g_return_val_if_fail (GRANT_IS_OAUTH1_SESSION (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  request = token_request_new (self, url, GRANT_OAUTH1_STEP_REQUEST_TOKEN, realms, error);
  if (request == NULL)
    return NULL;
  token = token_request_run (self, request, cancellable, error);
  token_request_free (request);
  return token;
}

/**
 * grant_oauth1_session_fetch_request_token_async:
 * @self: a `GrantOAuth1Session`
 * @url: (nullable): the provider's request-token endpoint
 * @realms: (nullable) (array zero-terminated=1): realms to ask for
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async): called when the request is done
 * @user_data: data for @callback
 *
 * Asynchronous form of [method@OAuth1Session.fetch_request_token].
 */
void
grant_oauth1_session_fetch_request_token_async (GrantOAuth1Session  *self,
                                                const char          *url,
                                                const char * const  *realms,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TokenRequest *request;
  GError *error = NULL;

  g_return_if_fail (GRANT_IS_OAUTH1_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, grant_oauth1_session_fetch_request_token_async);

  request = token_request_new (self, url, GRANT_OAUTH1_STEP_REQUEST_TOKEN, realms, &error);
  if (request == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  token_request_start (self, g_steal_pointer (&task), request);
}

/**
 * grant_oauth1_session_fetch_request_token_finish:
 * @self: a `GrantOAuth1Session`
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@OAuth1Session.fetch_request_token_async].
 *
 * Returns: (transfer full) (element-type utf8 utf8): every field of the response
 */
GHashTable *
grant_oauth1_session_fetch_request_token_finish (GrantOAuth1Session  *self,
                                                 GAsyncResult        *result,
                                                 GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * grant_oauth1_session_authorization_url:
 * @self: a `GrantOAuth1Session`
 * @url: (nullable): the provider's authorization endpoint, or %NULL for
 *   [property@OAuth1Session:authorization-endpoint]
 * @request_token: (nullable): the temporary token, or %NULL for the one
 *   the session holds
 * @extra_params: (nullable) (element-type utf8 utf8): more query
 *   parameters, added in the order of their names
 *
 * Builds the URL to send the user to (RFC 5849 §2.2). The endpoint's own
 * query is kept; @extra_params come next and `oauth_token` last.
 *
 * Returns: (transfer full): the authorization URL
 */
char *
grant_oauth1_session_authorization_url (GrantOAuth1Session *self,
                                        const char         *url,
                                        const char         *request_token,
                                        GHashTable         *extra_params)
{
  g_autoptr(GPtrArray) params = grant_params_new ();
  const char *token;

  g_return_val_if_fail (GRANT_IS_OAUTH1_SESSION (self), NULL);

  if (url == NULL)
    url = self->authorization_url;
  g_return_val_if_fail (url != NULL, NULL);

  if (extra_params != NULL)
    {
      g_autofree const char **keys = (const char **) g_hash_table_get_keys_as_array (extra_params, NULL);
      guint n = g_hash_table_size (extra_params);

      qsort (keys, n, sizeof (char *), compare_strings);
      for (guint i = 0; i < n; i++)
        grant_params_add (params, keys[i], g_hash_table_lookup (extra_params, keys[i]));
    }

  token = request_token ? request_token : grant_oauth1_get_token (self->auth);
  if (is_set (token))
    grant_params_add (params, "oauth_token", token);

  return grant_uri_append_params (url, params);
}

/**
 * grant_oauth1_session_parse_authorization_response:
 * @self: a `GrantOAuth1Session`
 * @url: the URL the provider redirected the user to
 * @error: return location for a #GError
 *
 * Reads `oauth_token` and `oauth_verifier` from the callback URL
 * (RFC 5849 §2.2) and keeps them for [method@OAuth1Session.fetch_access_token].
 *
 * Returns: (transfer full) (element-type utf8 utf8): the query parameters,
 *   or %NULL with %GRANT_ERROR_TOKEN_MISSING if there is no `oauth_token`
 */
GHashTable *
grant_oauth1_session_parse_authorization_response (GrantOAuth1Session  *self,
                                                   const char          *url,
                                                   GError             **error)
{
  g_autoptr(GPtrArray) params = grant_params_new ();
  const char *token, *verifier, *problem;

  g_return_val_if_fail (GRANT_IS_OAUTH1_SESSION (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!grant_uri_parse_redirect (url, FALSE, params, error))
    return NULL;

  token = grant_params_lookup (params, "oauth_token");
  if (!is_set (token))
    {
      problem = grant_params_lookup (params, "oauth_problem");
      if (problem == NULL)
        problem = grant_params_lookup (params, "denied");
      if (problem != NULL)
        g_set_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_MISSING,
                     "The provider sent the user back without a token (%s); the "
                     "user may have refused access", problem);
      else
        g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_TOKEN_MISSING,
                             "The authorization response URL has no oauth_token; pass "
                             "the whole URL the provider redirected to");
      return NULL;
    }

  grant_oauth1_set_token (self->auth, token);
  verifier = grant_params_lookup (params, "oauth_verifier");
  if (is_set (verifier))
    grant_oauth1_set_verifier (self->auth, verifier);

  return grant_params_to_hash_table (params);
}

static TokenRequest *
access_token_request_new (GrantOAuth1Session  *self,
                          const char          *url,
                          const char          *verifier,
                          GError             **error)
{
  if (!is_set (verifier) && !is_set (grant_oauth1_get_verifier (self->auth)))
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_VERIFIER_MISSING,
                           "No verifier is known: pass the oauth_verifier the "
                           "provider gave, or first call "
                           "parse_authorization_response() with the callback URL");
      return NULL;
    }
  if (!is_set (grant_oauth1_get_token (self->auth)))
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_TOKEN_MISSING,
                           "No request token is known: call fetch_request_token() "
                           "first, or set the token");
      return NULL;
    }

  if (is_set (verifier))
    grant_oauth1_set_verifier (self->auth, verifier);
  return token_request_new (self, url, GRANT_OAUTH1_STEP_ACCESS_TOKEN, NULL, error);
}

/**
 * grant_oauth1_session_fetch_access_token:
 * @self: a `GrantOAuth1Session`
 * @url: (nullable): the provider's access-token endpoint, or %NULL for
 *   [property@OAuth1Session:access-token-url]
 * @verifier: (nullable): the verifier, or %NULL for the one from
 *   [method@OAuth1Session.parse_authorization_response]
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a #GError
 *
 * Trades the temporary credentials and the verifier for token credentials
 * (RFC 5849 §2.3). On success they are set on
 * [property@OAuth1Session:auth], the verifier is forgotten and
 * [property@OAuth1Session:authorized] becomes %TRUE.
 *
 * Returns: (transfer full) (element-type utf8 utf8): every field of the
 *   response, such as `oauth_token`, `oauth_token_secret` and `user_id`
 */
GHashTable *
grant_oauth1_session_fetch_access_token (GrantOAuth1Session  *self,
                                         const char          *url,
                                         const char          *verifier,
                                         GCancellable        *cancellable,
                                         GError             **error)
{
  TokenRequest *request;
  GHashTable *token;

  g_return_val_if_fail (GRANT_IS_OAUTH1_SESSION (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  request = access_token_request_new (self, url, verifier, error);
  if (request == NULL)
    return NULL;
  token = token_request_run (self, request, cancellable, error);
  token_request_free (request);
  return token;
}

/**
 * grant_oauth1_session_fetch_access_token_async:
 * @self: a `GrantOAuth1Session`
 * @url: (nullable): the provider's access-token endpoint
 * @verifier: (nullable): the verifier, or %NULL for the one already known
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async): called when the request is done
 * @user_data: data for @callback
 *
 * Asynchronous form of [method@OAuth1Session.fetch_access_token].
 */
void
grant_oauth1_session_fetch_access_token_async (GrantOAuth1Session  *self,
                                               const char          *url,
                                               const char          *verifier,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TokenRequest *request;
  GError *error = NULL;

  g_return_if_fail (GRANT_IS_OAUTH1_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, grant_oauth1_session_fetch_access_token_async);

  request = access_token_request_new (self, url, verifier, &error);
  if (request == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  token_request_start (self, g_steal_pointer (&task), request);
}

/**
 * grant_oauth1_session_fetch_access_token_finish:
 * @self: a `GrantOAuth1Session`
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@OAuth1Session.fetch_access_token_async].
 *
 * Returns: (transfer full) (element-type utf8 utf8): every field of the response
 */
GHashTable *
grant_oauth1_session_fetch_access_token_finish (GrantOAuth1Session  *self,
                                                GAsyncResult        *result,
                                                GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * grant_oauth1_session_send_and_read:
 * @self: a `GrantOAuth1Session`
 * @message: the request
 * @body: (nullable): the request body (see [method@OAuth1.sign_message])
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a #GError
 *
 * Signs @message with the session's token credentials (no callback, no
 * verifier) and sends it. As with `soup_session_send_and_read()`, an HTTP
 * error status is not a #GError: look at the message's status.
 *
 * Returns: (transfer full): the response body
 */
GBytes *
grant_oauth1_session_send_and_read (GrantOAuth1Session  *self,
                                    SoupMessage         *message,
                                    GBytes              *body,
                                    GCancellable        *cancellable,
                                    GError             **error)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1_SESSION (self), NULL);
  g_return_val_if_fail (SOUP_IS_MESSAGE (message), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_loaded_sync (self, cancellable);
  if (!grant_oauth1_sign_message_for_step (self->auth, message, body,
                                           GRANT_OAUTH1_STEP_RESOURCE, NULL, error))
    return NULL;
  return soup_session_send_and_read (self->soup_session, message, cancellable, error);
}

static void
on_sent_and_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *body;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
}

typedef struct {
  SoupMessage *message;
  GBytes      *body;
} PendingSend;

static PendingSend *
pending_send_new (SoupMessage *message,
                  GBytes      *body)
{
  PendingSend *pending = g_new0 (PendingSend, 1);

  pending->message = g_object_ref (message);
  pending->body = body ? g_bytes_ref (body) : NULL;
  return pending;
}

static void
pending_send_free (gpointer data)
{
  PendingSend *pending = data;

  g_object_unref (pending->message);
  g_clear_pointer (&pending->body, g_bytes_unref);
  g_free (pending);
}

/* Signs and sends the message of @task (taken). */
static void
send_signed (GrantOAuth1Session *self,
             GTask              *task)
{
  PendingSend *pending = g_task_get_task_data (task);
  GError *error = NULL;

  if (!grant_oauth1_sign_message_for_step (self->auth, pending->message, pending->body,
                                           GRANT_OAUTH1_STEP_RESOURCE, NULL, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  soup_session_send_and_read_async (self->soup_session, pending->message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), on_sent_and_read, task);
}

static void
on_send_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  GrantOAuth1Session *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  object = grant_token_store_load_finish (GRANT_TOKEN_STORE (source), result, &error);
  if (error != NULL)
    g_signal_emit (self, signals[SIGNAL_STORE_ERROR], 0, error);
  else
    adopt_stored (self, object);
  send_signed (self, task);
}

/**
 * grant_oauth1_session_logout:
 * @self: a `GrantOAuth1Session`
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a #GError
 *
 * Forgets the token credentials and deletes them from
 * [property@OAuth1Session:token-store]. They are forgotten even if the
 * store fails.
 *
 * Returns: %TRUE unless the store failed
 */
gboolean
grant_oauth1_session_logout (GrantOAuth1Session  *self,
                             GCancellable        *cancellable,
                             GError             **error)
{
  g_autoptr(GrantTokenKey) key = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (GRANT_IS_OAUTH1_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  key = store_key (self);
  g_object_freeze_notify (G_OBJECT (self->auth));
  grant_oauth1_set_token (self->auth, NULL);
  grant_oauth1_set_token_secret (self->auth, NULL);
  grant_oauth1_set_verifier (self->auth, NULL);
  g_object_thaw_notify (G_OBJECT (self->auth));
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AUTHORIZED]);
  self->load_attempted = TRUE;

  if (self->token_store != NULL &&
      !grant_token_store_delete (self->token_store, key, cancellable, &local_error))
    {
      g_signal_emit (self, signals[SIGNAL_STORE_ERROR], 0, local_error);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/**
 * grant_oauth1_session_send_and_read_async:
 * @self: a `GrantOAuth1Session`
 * @message: the request
 * @body: (nullable): the request body
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async): called when the response has been read
 * @user_data: data for @callback
 *
 * Asynchronous form of [method@OAuth1Session.send_and_read].
 */
void
grant_oauth1_session_send_and_read_async (GrantOAuth1Session  *self,
                                          SoupMessage         *message,
                                          GBytes              *body,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GRANT_IS_OAUTH1_SESSION (self));
  g_return_if_fail (SOUP_IS_MESSAGE (message));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, grant_oauth1_session_send_and_read_async);
  g_task_set_task_data (task, pending_send_new (message, body), pending_send_free);

  if (self->token_store != NULL && !self->load_attempted)
    {
      g_autoptr(GrantTokenKey) key = store_key (self);

      self->load_attempted = TRUE;
      grant_token_store_load_async (self->token_store, key, cancellable,
                                    on_send_loaded, g_steal_pointer (&task));
      return;
    }
  send_signed (self, g_steal_pointer (&task));
}

/**
 * grant_oauth1_session_send_and_read_finish:
 * @self: a `GrantOAuth1Session`
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@OAuth1Session.send_and_read_async].
 *
 * Returns: (transfer full): the response body
 */
GBytes *
grant_oauth1_session_send_and_read_finish (GrantOAuth1Session  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
