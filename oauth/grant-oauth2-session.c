/* grant-oauth2-session.c: every OAuth 2 grant, refresh done once, hooks as signals
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "grant-encoding-private.h"
#include "grant-enum-types.h"
#include "grant-error.h"
#include "grant-random-private.h"
#include "grant-http-private.h"
#include "grant-oauth2-protocol-private.h"
#include "grant-oauth2-session.h"
#include "grant-pkce-private.h"
#include "grant-provider-registry-private.h"
#include "grant-scope-private.h"
#include "grant-token-store.h"
#include "grant-uri-private.h"

/**
 * GrantOAuth2Session:
 *
 * An OAuth 2 client session: requests-oauthlib's `OAuth2Session` for GLib.
 *
 * A session obtains tokens with the grant its [enum@ClientType] names —
 * authorization code with PKCE (the default), implicit, password or client
 * credentials — and sends requests with the token in them:
 *
 * - [method@OAuth2Session.authorization_url] builds the URL to send the
 *   user to, with a `state` from the system CSPRNG and an S256 PKCE
 *   challenge;
 * - [method@OAuth2Session.fetch_token] trades the code (or the whole
 *   redirect URL, whose `state`, `error` and `iss` are checked) for a
 *   token; [method@OAuth2Session.fetch_token_with_password] and, for a
 *   backend client, [method@OAuth2Session.fetch_token] run the other
 *   grants; [method@OAuth2Session.token_from_fragment] reads an implicit
 *   grant's token;
 * - [method@OAuth2Session.send_and_read] sends a request with the token,
 *   refreshing it first when it is due (once, however many requests are
 *   waiting) and once more when a resource answers `401 invalid_token`.
 *
 * Every request that carries a client secret or a token must go to an
 * https URL unless [property@OAuth2Session:allow-insecure-transport] (or
 * `GRANT_INSECURE_TRANSPORT=1` / `OAUTHLIB_INSECURE_TRANSPORT=1`) says
 * otherwise. Token responses are judged by their HTTP status as well as
 * their body, whether JSON or form-encoded.
 *
 * Compliance hooks are signals: `access-token-request`,
 * `access-token-response`, `refresh-token-request`,
 * `refresh-token-response` and `protected-request` pass a
 * [class@Request] or [class@Response] whose changes are what is sent or
 * read. Every new or refreshed token is announced with
 * [signal@OAuth2Session::token-updated].
 */

struct _GrantOAuth2Session
{
  GObject parent_instance;

  GMainContext        *context;
  SoupSession         *soup_session;

  char                *client_id;
  char                *client_secret;
  GrantClientType      client_type;
  GrantClientAuth      client_auth;
  gboolean             include_client_id;
  char                *redirect_uri;
  char               **scope;
  char                *state;
  char                *code_verifier;
  GrantPkceMethod      pkce_method;
  GrantTokenPlacement  token_placement;
  char                *token_url;
  char                *issuer;
  char                *token_request_method;
  gboolean             auto_refresh;
  gint64               refresh_leeway;
  gboolean             allow_insecure;
  gboolean             strict_scope;
  gboolean             scope_changed;
  guint                timeout;

  char                *authorization_url;
  char                *refresh_url;
  char                *scope_separator;

  GrantTokenStore     *token_store;
  char                *account;
  char                *provider;
  gboolean             load_attempted;

  /* The token and the one refresh in flight, shared by every thread that
   * sends through this session. */
  GMutex               lock;
  GCond                refreshed;
  GrantToken          *token;
  gboolean             refreshing;
  gboolean             refreshing_async;
  guint                refresh_generation;
  GError              *refresh_error;
  GPtrArray           *refresh_waiters;
};

G_DEFINE_FINAL_TYPE (GrantOAuth2Session, grant_oauth2_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SOUP_SESSION,
  PROP_CLIENT_ID,
  PROP_CLIENT_SECRET,
  PROP_CLIENT_TYPE,
  PROP_CLIENT_AUTH,
  PROP_INCLUDE_CLIENT_ID,
  PROP_REDIRECT_URI,
  PROP_SCOPE,
  PROP_STATE,
  PROP_CODE_VERIFIER,
  PROP_PKCE_METHOD,
  PROP_TOKEN_PLACEMENT,
  PROP_TOKEN,
  PROP_TOKEN_URL,
  PROP_ISSUER,
  PROP_TOKEN_REQUEST_METHOD,
  PROP_AUTO_REFRESH,
  PROP_REFRESH_LEEWAY,
  PROP_ALLOW_INSECURE_TRANSPORT,
  PROP_STRICT_SCOPE,
  PROP_SCOPE_CHANGED,
  PROP_TIMEOUT,
  PROP_AUTHORIZED,
  PROP_TOKEN_STORE,
  PROP_ACCOUNT,
  PROP_PROVIDER,
  PROP_AUTHORIZATION_URL,
  PROP_REFRESH_URL,
  PROP_SCOPE_SEPARATOR,
  N_PROPS
};

enum {
  SIGNAL_TOKEN_UPDATED,
  SIGNAL_STORE_ERROR,
  SIGNAL_SCOPE_CHANGED,
  SIGNAL_ACCESS_TOKEN_REQUEST,
  SIGNAL_ACCESS_TOKEN_RESPONSE,
  SIGNAL_REFRESH_TOKEN_REQUEST,
  SIGNAL_REFRESH_TOKEN_RESPONSE,
  SIGNAL_PROTECTED_REQUEST,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

#define DEFAULT_REFRESH_LEEWAY 60

static gboolean
is_set (const char *s)
{
  return s != NULL && *s != '\0';
}

/* Setters for the string properties; secrets are wiped when replaced. */
static void
set_string (GrantOAuth2Session  *self,
            char               **member,
            const char          *value,
            int                  prop)
{
  if (g_strcmp0 (*member, value) == 0)
    return;
  grant_secret_free (*member);
  *member = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
grant_oauth2_session_constructed (GObject *object)
{
  GrantOAuth2Session *self = GRANT_OAUTH2_SESSION (object);

  G_OBJECT_CLASS (grant_oauth2_session_parent_class)->constructed (object);

  if (self->soup_session == NULL)
    self->soup_session = soup_session_new_with_options ("user-agent", "grant/" GRANT_VERSION_S " ", NULL);
  if (self->timeout > 0)
    soup_session_set_timeout (self->soup_session, self->timeout);
}

static void
grant_oauth2_session_dispose (GObject *object)
{
  GrantOAuth2Session *self = GRANT_OAUTH2_SESSION (object);

  g_clear_object (&self->soup_session);
  g_clear_object (&self->token);
  g_clear_object (&self->token_store);

  G_OBJECT_CLASS (grant_oauth2_session_parent_class)->dispose (object);
}

static void
grant_oauth2_session_finalize (GObject *object)
{
  GrantOAuth2Session *self = GRANT_OAUTH2_SESSION (object);

  g_main_context_unref (self->context);
  g_free (self->client_id);
  grant_secret_free (self->client_secret);
  g_free (self->redirect_uri);
  g_strfreev (self->scope);
  grant_secret_free (self->state);
  grant_secret_free (self->code_verifier);
  g_free (self->token_url);
  g_free (self->issuer);
  g_free (self->token_request_method);
  g_free (self->account);
  g_free (self->provider);
  g_free (self->authorization_url);
  g_free (self->refresh_url);
  g_free (self->scope_separator);
  g_clear_error (&self->refresh_error);
  g_ptr_array_unref (self->refresh_waiters);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->refreshed);

  G_OBJECT_CLASS (grant_oauth2_session_parent_class)->finalize (object);
}

static void
grant_oauth2_session_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  GrantOAuth2Session *self = GRANT_OAUTH2_SESSION (object);

  switch (prop_id)
    {
    case PROP_SOUP_SESSION:
      g_value_set_object (value, self->soup_session);
      break;
    case PROP_CLIENT_ID:
      g_value_set_string (value, self->client_id);
      break;
    case PROP_CLIENT_SECRET:
      g_value_set_string (value, self->client_secret);
      break;
    case PROP_CLIENT_TYPE:
      g_value_set_enum (value, self->client_type);
      break;
    case PROP_CLIENT_AUTH:
      g_value_set_enum (value, self->client_auth);
      break;
    case PROP_INCLUDE_CLIENT_ID:
      g_value_set_boolean (value, self->include_client_id);
      break;
    case PROP_REDIRECT_URI:
      g_value_set_string (value, self->redirect_uri);
      break;
    case PROP_SCOPE:
      g_value_set_boxed (value, self->scope);
      break;
    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    case PROP_CODE_VERIFIER:
      g_value_set_string (value, self->code_verifier);
      break;
    case PROP_PKCE_METHOD:
      g_value_set_enum (value, self->pkce_method);
      break;
    case PROP_TOKEN_PLACEMENT:
      g_value_set_enum (value, self->token_placement);
      break;
    case PROP_TOKEN:
      g_value_take_object (value, grant_oauth2_session_get_token (self));
      break;
    case PROP_TOKEN_URL:
      g_value_set_string (value, self->token_url);
      break;
    case PROP_ISSUER:
      g_value_set_string (value, self->issuer);
      break;
    case PROP_TOKEN_REQUEST_METHOD:
      g_value_set_string (value, self->token_request_method);
      break;
    case PROP_AUTO_REFRESH:
      g_value_set_boolean (value, self->auto_refresh);
      break;
    case PROP_REFRESH_LEEWAY:
      g_value_set_int64 (value, self->refresh_leeway);
      break;
    case PROP_ALLOW_INSECURE_TRANSPORT:
      g_value_set_boolean (value, self->allow_insecure);
      break;
    case PROP_STRICT_SCOPE:
      g_value_set_boolean (value, self->strict_scope);
      break;
    case PROP_SCOPE_CHANGED:
      g_value_set_boolean (value, self->scope_changed);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_AUTHORIZED:
      g_value_set_boolean (value, grant_oauth2_session_get_authorized (self));
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
    case PROP_AUTHORIZATION_URL:
      g_value_set_string (value, self->authorization_url);
      break;
    case PROP_REFRESH_URL:
      g_value_set_string (value, self->refresh_url);
      break;
    case PROP_SCOPE_SEPARATOR:
      g_value_set_string (value, self->scope_separator);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_boolean (GrantOAuth2Session *self,
             gboolean           *member,
             gboolean            value,
             int                 prop)
{
  value = !!value;
  if (*member == value)
    return;
  *member = value;
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
set_enum (GrantOAuth2Session *self,
          int                *member,
          int                 value,
          int                 prop)
{
  if (*member == value)
    return;
  *member = value;
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
grant_oauth2_session_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  GrantOAuth2Session *self = GRANT_OAUTH2_SESSION (object);

  switch (prop_id)
    {
    case PROP_SOUP_SESSION:
      self->soup_session = g_value_dup_object (value);
      break;
    case PROP_CLIENT_ID:
      set_string (self, &self->client_id, g_value_get_string (value), prop_id);
      break;
    case PROP_CLIENT_SECRET:
      set_string (self, &self->client_secret, g_value_get_string (value), prop_id);
      break;
    case PROP_CLIENT_TYPE:
      set_enum (self, (int *) &self->client_type, g_value_get_enum (value), prop_id);
      break;
    case PROP_CLIENT_AUTH:
      set_enum (self, (int *) &self->client_auth, g_value_get_enum (value), prop_id);
      break;
    case PROP_INCLUDE_CLIENT_ID:
      set_boolean (self, &self->include_client_id, g_value_get_boolean (value), prop_id);
      break;
    case PROP_REDIRECT_URI:
      set_string (self, &self->redirect_uri, g_value_get_string (value), prop_id);
      break;
    case PROP_SCOPE:
      g_strfreev (self->scope);
      self->scope = g_value_dup_boxed (value);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_CODE_VERIFIER:
      grant_oauth2_session_set_code_verifier (self, g_value_get_string (value));
      break;
    case PROP_PKCE_METHOD:
      set_enum (self, (int *) &self->pkce_method, g_value_get_enum (value), prop_id);
      break;
    case PROP_TOKEN_PLACEMENT:
      set_enum (self, (int *) &self->token_placement, g_value_get_enum (value), prop_id);
      break;
    case PROP_TOKEN:
      grant_oauth2_session_set_token (self, g_value_get_object (value));
      break;
    case PROP_TOKEN_URL:
      set_string (self, &self->token_url, g_value_get_string (value), prop_id);
      break;
    case PROP_ISSUER:
      set_string (self, &self->issuer, g_value_get_string (value), prop_id);
      break;
    case PROP_TOKEN_REQUEST_METHOD:
      {
        const char *method = g_value_get_string (value);

        if (method == NULL || (g_ascii_strcasecmp (method, "POST") != 0 &&
                               g_ascii_strcasecmp (method, "GET") != 0))
          {
            g_warning ("GrantOAuth2Session:token-request-method must be POST or GET");
            break;
          }
        {
          g_autofree char *upper = g_ascii_strup (method, -1);
          set_string (self, &self->token_request_method, upper, prop_id);
        }
      }
      break;
    case PROP_AUTO_REFRESH:
      set_boolean (self, &self->auto_refresh, g_value_get_boolean (value), prop_id);
      break;
    case PROP_REFRESH_LEEWAY:
      if (self->refresh_leeway != g_value_get_int64 (value))
        {
          self->refresh_leeway = g_value_get_int64 (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_ALLOW_INSECURE_TRANSPORT:
      set_boolean (self, &self->allow_insecure, g_value_get_boolean (value), prop_id);
      break;
    case PROP_STRICT_SCOPE:
      set_boolean (self, &self->strict_scope, g_value_get_boolean (value), prop_id);
      break;
    case PROP_TIMEOUT:
      if (self->timeout != g_value_get_uint (value))
        {
          self->timeout = g_value_get_uint (value);
          if (self->soup_session != NULL)
            soup_session_set_timeout (self->soup_session, self->timeout);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_TOKEN_STORE:
      if (g_set_object (&self->token_store, g_value_get_object (value)))
        {
          self->load_attempted = FALSE;
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_ACCOUNT:
      set_string (self, &self->account, g_value_get_string (value), prop_id);
      self->load_attempted = FALSE;
      break;
    case PROP_PROVIDER:
      set_string (self, &self->provider, g_value_get_string (value), prop_id);
      self->load_attempted = FALSE;
      break;
    case PROP_AUTHORIZATION_URL:
      set_string (self, &self->authorization_url, g_value_get_string (value), prop_id);
      break;
    case PROP_REFRESH_URL:
      set_string (self, &self->refresh_url, g_value_get_string (value), prop_id);
      break;
    case PROP_SCOPE_SEPARATOR:
      set_string (self, &self->scope_separator,
                  g_value_get_string (value) ? g_value_get_string (value) : " ", prop_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_oauth2_session_class_init (GrantOAuth2SessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = grant_oauth2_session_constructed;
  object_class->dispose = grant_oauth2_session_dispose;
  object_class->finalize = grant_oauth2_session_finalize;
  object_class->get_property = grant_oauth2_session_get_property;
  object_class->set_property = grant_oauth2_session_set_property;

  /**
   * GrantOAuth2Session:soup-session:
   *
   * The `SoupSession` requests go through; give one to share its
   * connections, proxy and TLS settings.
   */
  props[PROP_SOUP_SESSION] =
    g_param_spec_object ("soup-session", NULL, NULL, SOUP_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * GrantOAuth2Session:client-id:
   *
   * The client identifier the provider issued.
   */
  props[PROP_CLIENT_ID] = g_param_spec_string ("client-id", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth2Session:client-secret:
   *
   * The client secret, for confidential clients.
   */
  props[PROP_CLIENT_SECRET] = g_param_spec_string ("client-secret", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth2Session:client-type:
   *
   * The grant the session uses.
   */
  props[PROP_CLIENT_TYPE] =
    g_param_spec_enum ("client-type", NULL, NULL, GRANT_TYPE_CLIENT_TYPE,
                       GRANT_CLIENT_TYPE_WEB_APPLICATION, rw);

  /**
   * GrantOAuth2Session:client-auth:
   *
   * How the client authenticates to the token endpoint.
   */
  props[PROP_CLIENT_AUTH] =
    g_param_spec_enum ("client-auth", NULL, NULL, GRANT_TYPE_CLIENT_AUTH,
                       GRANT_CLIENT_AUTH_AUTOMATIC, rw);

  /**
   * GrantOAuth2Session:include-client-id:
   *
   * With %GRANT_CLIENT_AUTH_AUTOMATIC, send the client id (and secret) in
   * the body instead of HTTP Basic, as requests-oauthlib's
   * `include_client_id=True` does.
   */
  props[PROP_INCLUDE_CLIENT_ID] = g_param_spec_boolean ("include-client-id", NULL, NULL, FALSE, rw);

  /**
   * GrantOAuth2Session:redirect-uri:
   *
   * The redirect URI registered with the provider.
   */
  props[PROP_REDIRECT_URI] = g_param_spec_string ("redirect-uri", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth2Session:scope:
   *
   * The scopes to ask for.
   */
  props[PROP_SCOPE] = g_param_spec_boxed ("scope", NULL, NULL, G_TYPE_STRV, rw);

  /**
   * GrantOAuth2Session:state:
   *
   * The `state` sent with the last authorization URL, which the
   * authorization response must carry back.
   */
  props[PROP_STATE] = g_param_spec_string ("state", NULL, NULL, NULL, ro);

  /**
   * GrantOAuth2Session:code-verifier:
   *
   * The PKCE code verifier of the last authorization URL. Read it to finish
   * the flow in another session or process, and set it there.
   */
  props[PROP_CODE_VERIFIER] = g_param_spec_string ("code-verifier", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth2Session:pkce-method:
   *
   * The PKCE method for the authorization-code grant.
   */
  props[PROP_PKCE_METHOD] =
    g_param_spec_enum ("pkce-method", NULL, NULL, GRANT_TYPE_PKCE_METHOD,
                       GRANT_PKCE_METHOD_S256, rw);

  /**
   * GrantOAuth2Session:token-placement:
   *
   * Where protected requests carry the access token.
   */
  props[PROP_TOKEN_PLACEMENT] =
    g_param_spec_enum ("token-placement", NULL, NULL, GRANT_TYPE_TOKEN_PLACEMENT,
                       GRANT_TOKEN_PLACEMENT_HEADER, rw);

  /**
   * GrantOAuth2Session:token:
   *
   * The current token: a copy is returned, and setting it replaces the
   * session's.
   */
  props[PROP_TOKEN] = g_param_spec_object ("token", NULL, NULL, GRANT_TYPE_TOKEN, rw);

  /**
   * GrantOAuth2Session:token-url:
   *
   * The token endpoint used to refresh. [method@OAuth2Session.fetch_token]
   * sets it when it is not set yet.
   */
  props[PROP_TOKEN_URL] = g_param_spec_string ("token-url", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth2Session:issuer:
   *
   * The authorization server's issuer identifier. When set, an `iss` in the
   * authorization response must equal it (RFC 9207).
   */
  props[PROP_ISSUER] = g_param_spec_string ("issuer", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth2Session:token-request-method:
   *
   * `POST` (the default) or `GET` for token requests.
   */
  props[PROP_TOKEN_REQUEST_METHOD] = g_param_spec_string ("token-request-method", NULL, NULL, "POST", rw);

  /**
   * GrantOAuth2Session:auto-refresh:
   *
   * Whether a token that is due is refreshed before a request is sent, and
   * a request that got `401 invalid_token` is sent once more with a
   * refreshed token. When off, an expired token is
   * %GRANT_ERROR_TOKEN_EXPIRED before anything is sent.
   */
  props[PROP_AUTO_REFRESH] = g_param_spec_boolean ("auto-refresh", NULL, NULL, TRUE, rw);

  /**
   * GrantOAuth2Session:refresh-leeway:
   *
   * How many seconds before its expiry a token is refreshed; never more
   * than half the lifetime the server gave the token.
   */
  props[PROP_REFRESH_LEEWAY] =
    g_param_spec_int64 ("refresh-leeway", NULL, NULL, 0, G_MAXINT32, DEFAULT_REFRESH_LEEWAY, rw);

  /**
   * GrantOAuth2Session:allow-insecure-transport:
   *
   * Allow http URLs for endpoints and protected requests. For tests and
   * loopback servers only.
   */
  props[PROP_ALLOW_INSECURE_TRANSPORT] =
    g_param_spec_boolean ("allow-insecure-transport", NULL, NULL, FALSE, rw);

  /**
   * GrantOAuth2Session:strict-scope:
   *
   * Whether a token granting other scopes than were asked for is an error
   * (%GRANT_ERROR_SCOPE_CHANGED). By default it is reported through
   * [signal@OAuth2Session::scope-changed] and accepted.
   */
  props[PROP_STRICT_SCOPE] = g_param_spec_boolean ("strict-scope", NULL, NULL, FALSE, rw);

  /**
   * GrantOAuth2Session:scope-changed:
   *
   * Whether the last token granted other scopes than were asked for.
   */
  props[PROP_SCOPE_CHANGED] = g_param_spec_boolean ("scope-changed", NULL, NULL, FALSE, ro);

  /**
   * GrantOAuth2Session:timeout:
   *
   * Seconds to wait for a server before failing with
   * `G_IO_ERROR_TIMED_OUT`; 0 keeps the `SoupSession`'s own.
   */
  props[PROP_TIMEOUT] = g_param_spec_uint ("timeout", NULL, NULL, 0, G_MAXUINT, 0, rw);

  /**
   * GrantOAuth2Session:authorized:
   *
   * Whether the session has an access token.
   */
  props[PROP_AUTHORIZED] = g_param_spec_boolean ("authorized", NULL, NULL, FALSE, ro);

  /**
   * GrantOAuth2Session:token-store:
   *
   * Where the token is kept between runs. With a store, the session loads
   * its token on first use, and saves every new or refreshed token before
   * [signal@OAuth2Session::token-updated] is emitted and before a waiting
   * request goes on.
   */
  props[PROP_TOKEN_STORE] =
    g_param_spec_object ("token-store", NULL, NULL, GRANT_TYPE_TOKEN_STORE, rw);

  /**
   * GrantOAuth2Session:account:
   *
   * The account the token is stored under, as the application names it
   * (an e-mail address, a user name).
   */
  props[PROP_ACCOUNT] = g_param_spec_string ("account", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth2Session:provider:
   *
   * The provider id the token is stored under, such as `github`.
   */
  props[PROP_PROVIDER] = g_param_spec_string ("provider", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth2Session:authorization-endpoint:
   *
   * The authorization endpoint [method@OAuth2Session.authorization_url]
   * uses when it is given none (a provider sets it).
   */
  props[PROP_AUTHORIZATION_URL] = g_param_spec_string ("authorization-endpoint", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth2Session:refresh-url:
   *
   * Where refreshes go when it is not [property@OAuth2Session:token-url].
   */
  props[PROP_REFRESH_URL] = g_param_spec_string ("refresh-url", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth2Session:scope-separator:
   *
   * What goes between scopes in requests: a space (RFC 6749), or a comma
   * for providers that want one.
   */
  props[PROP_SCOPE_SEPARATOR] = g_param_spec_string ("scope-separator", NULL, NULL, " ", rw);

  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * GrantOAuth2Session::store-error:
   * @self: the session
   * @error: what went wrong
   *
   * Emitted when the token store could not load, save or delete the token.
   * The session keeps working with the token in memory; no token is lost
   * without this being said.
   */
  signals[SIGNAL_STORE_ERROR] =
    g_signal_new ("store-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * GrantOAuth2Session::token-updated:
   * @self: the session
   * @token: the new token
   *
   * Emitted for every new or refreshed token, after it is in place and
   * before a request waiting for it goes on. requests-oauthlib's
   * `token_updater`; store @token here.
   */
  signals[SIGNAL_TOKEN_UPDATED] =
    g_signal_new ("token-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, GRANT_TYPE_TOKEN);

  /**
   * GrantOAuth2Session::scope-changed:
   * @self: the session
   * @requested: (array zero-terminated=1): the scopes asked for
   * @granted: (array zero-terminated=1): the scopes granted
   *
   * Emitted when a token grants other scopes than were asked for (Google
   * adds `openid`, Microsoft leaves out `offline_access`).
   */
  signals[SIGNAL_SCOPE_CHANGED] =
    g_signal_new ("scope-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRV, G_TYPE_STRV);

  /**
   * GrantOAuth2Session::access-token-request:
   * @self: the session
   * @request: the token request, to change in place
   *
   * Emitted before a token request (any grant but refresh) is sent.
   */
  signals[SIGNAL_ACCESS_TOKEN_REQUEST] =
    g_signal_new ("access-token-request", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, GRANT_TYPE_REQUEST);

  /**
   * GrantOAuth2Session::access-token-response:
   * @self: the session
   * @response: the answer, to change in place before it is read
   *
   * Emitted when a token response arrives, before it is parsed.
   */
  signals[SIGNAL_ACCESS_TOKEN_RESPONSE] =
    g_signal_new ("access-token-response", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, GRANT_TYPE_RESPONSE);

  /**
   * GrantOAuth2Session::refresh-token-request:
   * @self: the session
   * @request: the refresh request, to change in place
   *
   * Emitted before a refresh request is sent.
   */
  signals[SIGNAL_REFRESH_TOKEN_REQUEST] =
    g_signal_new ("refresh-token-request", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, GRANT_TYPE_REQUEST);

  /**
   * GrantOAuth2Session::refresh-token-response:
   * @self: the session
   * @response: the answer, to change in place before it is read
   *
   * Emitted when a refresh response arrives, before it is parsed.
   */
  signals[SIGNAL_REFRESH_TOKEN_RESPONSE] =
    g_signal_new ("refresh-token-response", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, GRANT_TYPE_RESPONSE);

  /**
   * GrantOAuth2Session::protected-request:
   * @self: the session
   * @request: the request, to change in place; the token is placed after
   *
   * Emitted before a request is sent with the token: once per send, so
   * a request that is sent again after a refresh comes back to the
   * handlers as the application gave it, with the new token in
   * [property@OAuth2Session:token].
   */
  signals[SIGNAL_PROTECTED_REQUEST] =
    g_signal_new ("protected-request", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, GRANT_TYPE_REQUEST);
}

static void
grant_oauth2_session_init (GrantOAuth2Session *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->scope_separator = g_strdup (" ");
  self->pkce_method = GRANT_PKCE_METHOD_S256;
  self->token_request_method = g_strdup ("POST");
  self->auto_refresh = TRUE;
  self->refresh_leeway = DEFAULT_REFRESH_LEEWAY;
  self->refresh_waiters = g_ptr_array_new ();
  g_mutex_init (&self->lock);
  g_cond_init (&self->refreshed);
}

/**
 * grant_oauth2_session_new:
 * @client_id: the client identifier
 * @client_secret: (nullable): the client secret, or %NULL for a public client
 *
 * Creates a session for the authorization-code grant with PKCE S256.
 *
 * Returns: (transfer full): a new `GrantOAuth2Session`
 */
GrantOAuth2Session *
grant_oauth2_session_new (const char *client_id,
                          const char *client_secret)
{
  return grant_oauth2_session_new_for_client_type (GRANT_CLIENT_TYPE_WEB_APPLICATION,
                                                   client_id, client_secret);
}

/**
 * grant_oauth2_session_new_for_client_type:
 * @client_type: the grant to use
 * @client_id: the client identifier
 * @client_secret: (nullable): the client secret
 *
 * Creates a session for a given grant.
 *
 * Returns: (transfer full): a new `GrantOAuth2Session`
 */
GrantOAuth2Session *
grant_oauth2_session_new_for_client_type (GrantClientType  client_type,
                                          const char      *client_id,
                                          const char      *client_secret)
{
  return g_object_new (GRANT_TYPE_OAUTH2_SESSION,
                       "client-type", client_type,
                       "client-id", client_id,
                       "client-secret", client_secret,
                       NULL);
}


/**
 * grant_oauth2_session_new_for_provider_object:
 * @provider: a provider
 * @client_id: the client identifier the provider issued
 * @client_secret: (nullable): the client secret
 *
 * Creates a session with @provider's endpoints, scopes, client
 * authentication, PKCE and token placement, and its compliance fixes
 * connected. Any of it can still be changed on the session.
 *
 * Returns: (transfer full): a new `GrantOAuth2Session`
 */
GrantOAuth2Session *
grant_oauth2_session_new_for_provider_object (GrantProvider *provider,
                                              const char    *client_id,
                                              const char    *client_secret)
{
  GrantOAuth2Session *self;

  g_return_val_if_fail (GRANT_IS_PROVIDER (provider), NULL);

  self = grant_oauth2_session_new (client_id, client_secret);
  grant_provider_configure_oauth2_session (provider, self);
  return self;
}

/**
 * grant_oauth2_session_new_for_provider:
 * @provider_id: a provider id, such as `github`
 * @client_id: the client identifier the provider issued
 * @client_secret: (nullable): the client secret
 * @error: return location for a #GError
 *
 * Creates a session for a provider known to the default
 * [class@ProviderRegistry]; see
 * [ctor@OAuth2Session.new_for_provider_object].
 *
 * Returns: (transfer full): a new `GrantOAuth2Session`, or %NULL with
 *   %GRANT_ERROR_INVALID_ARGUMENT if no OAuth 2 provider has that id
 */
GrantOAuth2Session *
grant_oauth2_session_new_for_provider (const char  *provider_id,
                                       const char  *client_id,
                                       const char  *client_secret,
                                       GError     **error)
{
  g_autoptr(GrantProvider) provider = NULL;

  g_return_val_if_fail (provider_id != NULL, NULL);

  provider = grant_provider_registry_lookup_for_protocol (provider_id, GRANT_PROVIDER_PROTOCOLS_OAUTH2, error);
  if (provider == NULL)
    return NULL;
  return grant_oauth2_session_new_for_provider_object (provider, client_id, client_secret);
}

/**
 * grant_oauth2_session_get_soup_session:
 * @self: a `GrantOAuth2Session`
 *
 * Gets [property@OAuth2Session:soup-session].
 *
 * Returns: (transfer none): the `SoupSession`
 */
SoupSession *
grant_oauth2_session_get_soup_session (GrantOAuth2Session *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH2_SESSION (self), NULL);
  return self->soup_session;
}

/**
 * grant_oauth2_session_get_client_id:
 * @self: a `GrantOAuth2Session`
 *
 * Gets [property@OAuth2Session:client-id].
 *
 * Returns: (nullable): the client id
 */
const char *
grant_oauth2_session_get_client_id (GrantOAuth2Session *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH2_SESSION (self), NULL);
  return self->client_id;
}

/**
 * grant_oauth2_session_get_token:
 * @self: a `GrantOAuth2Session`
 *
 * Gets a copy of the current token.
 *
 * Returns: (transfer full) (nullable): the token, or %NULL
 */
GrantToken *
grant_oauth2_session_get_token (GrantOAuth2Session *self)
{
  GrantToken *copy = NULL;

  g_return_val_if_fail (GRANT_IS_OAUTH2_SESSION (self), NULL);

  g_mutex_lock (&self->lock);
  if (self->token != NULL)
    copy = grant_token_copy (self->token);
  g_mutex_unlock (&self->lock);
  return copy;
}

static void
install_token (GrantOAuth2Session *self,
               GrantToken         *token)
{
  /* The session's token is its own: the one a caller got back, or a
   * signal handler saw, can change without touching it. */
  g_autoptr(GrantToken) own = token != NULL ? grant_token_copy (token) : NULL;

  g_mutex_lock (&self->lock);
  g_set_object (&self->token, own);
  g_mutex_unlock (&self->lock);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TOKEN]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AUTHORIZED]);
}

/**
 * grant_oauth2_session_set_token:
 * @self: a `GrantOAuth2Session`
 * @token: (nullable): a token, for instance one stored earlier
 *
 * Replaces the session's token with a copy of @token. Its `expires_at` is
 * kept as it is.
 */
void
grant_oauth2_session_set_token (GrantOAuth2Session *self,
                                GrantToken         *token)
{
  g_return_if_fail (GRANT_IS_OAUTH2_SESSION (self));
  g_return_if_fail (token == NULL || GRANT_IS_TOKEN (token));

  install_token (self, token);
}

/**
 * grant_oauth2_session_get_authorized:
 * @self: a `GrantOAuth2Session`
 *
 * Gets [property@OAuth2Session:authorized].
 *
 * Returns: whether the session has an access token
 */
gboolean
grant_oauth2_session_get_authorized (GrantOAuth2Session *self)
{
  gboolean authorized;

  g_return_val_if_fail (GRANT_IS_OAUTH2_SESSION (self), FALSE);

  g_mutex_lock (&self->lock);
  authorized = self->token != NULL && is_set (grant_token_get_access_token (self->token));
  g_mutex_unlock (&self->lock);
  return authorized;
}

/**
 * grant_oauth2_session_get_state:
 * @self: a `GrantOAuth2Session`
 *
 * Gets [property@OAuth2Session:state].
 *
 * Returns: (nullable): the state of the last authorization URL
 */
const char *
grant_oauth2_session_get_state (GrantOAuth2Session *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH2_SESSION (self), NULL);
  return self->state;
}

/**
 * grant_oauth2_session_new_state:
 * @self: a `GrantOAuth2Session`
 *
 * Makes a new `state` from the system CSPRNG and keeps it for the check of
 * the authorization response.
 *
 * Returns: (transfer full): the new state
 */
char *
grant_oauth2_session_new_state (GrantOAuth2Session *self)
{
  g_autofree char *state = grant_state_new ();

  g_return_val_if_fail (GRANT_IS_OAUTH2_SESSION (self), NULL);

  set_string (self, &self->state, state, PROP_STATE);
  return g_steal_pointer (&state);
}

/**
 * grant_oauth2_session_get_code_verifier:
 * @self: a `GrantOAuth2Session`
 *
 * Gets [property@OAuth2Session:code-verifier].
 *
 * Returns: (nullable): the PKCE code verifier
 */
const char *
grant_oauth2_session_get_code_verifier (GrantOAuth2Session *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH2_SESSION (self), NULL);
  return self->code_verifier;
}

/**
 * grant_oauth2_session_set_code_verifier:
 * @self: a `GrantOAuth2Session`
 * @code_verifier: (nullable): the verifier of the authorization URL the
 *   user was sent to
 *
 * Sets [property@OAuth2Session:code-verifier], to finish a flow that
 * another session or process started.
 */
void
grant_oauth2_session_set_code_verifier (GrantOAuth2Session *self,
                                        const char         *code_verifier)
{
  g_return_if_fail (GRANT_IS_OAUTH2_SESSION (self));
  set_string (self, &self->code_verifier, code_verifier, PROP_CODE_VERIFIER);
}

static char *
join_scope (GrantOAuth2Session *self)
{
  return g_strjoinv (self->scope_separator, self->scope);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Extra parameters are added in the order of their names, so that the
 * same call always builds the same URL or body. */
static void
add_extra_params (GPtrArray  *params,
                  GHashTable *extra_params)
{
  g_autofree const char **keys = NULL;
  guint n = 0;

  if (extra_params == NULL)
    return;
  keys = (const char **) g_hash_table_get_keys_as_array (extra_params, &n);
  qsort (keys, n, sizeof (char *), compare_keys);
  for (guint i = 0; i < n; i++)
    {
      const char *value = g_hash_table_lookup (extra_params, keys[i]);

      if (is_set (value))
        grant_params_add (params, keys[i], value);
    }
}

/* A URL fit for an error message: a query can hold a code, a verifier or
 * a secret (a GET token request carries all three). */
static char *
uri_for_message (const char *uri)
{
  g_autoptr(GUri) parsed = uri ? g_uri_parse (uri, G_URI_FLAGS_PARSE_RELAXED | G_URI_FLAGS_ENCODED, NULL) : NULL;

  if (parsed == NULL)
    return g_strdup ("a URL that does not parse");
  return g_uri_to_string_partial (parsed, G_URI_HIDE_USERINFO | G_URI_HIDE_QUERY | G_URI_HIDE_FRAGMENT);
}

static gboolean
check_transport (GrantOAuth2Session  *self,
                 const char          *uri,
                 const char          *what,
                 GError             **error)
{
  g_autofree char *shown = NULL;

  if (grant_oauth2_transport_allowed (uri, self->allow_insecure))
    return TRUE;
  shown = uri_for_message (uri);
  g_set_error (error, GRANT_ERROR, GRANT_ERROR_INSECURE_TRANSPORT,
               "OAuth 2 needs https, and %s is not (%s); for a test server set "
               "“allow-insecure-transport” or GRANT_INSECURE_TRANSPORT=1", what, shown);
  return FALSE;
}

/**
 * grant_oauth2_session_authorization_url:
 * @self: a `GrantOAuth2Session`
 * @url: (nullable): the authorization endpoint, or %NULL for
 *   [property@OAuth2Session:authorization-endpoint]
 * @state: (nullable): the state to send, or %NULL for a new random one;
 *   either way it is kept for the check of the response
 * @extra_params: (nullable) (element-type utf8 utf8): more parameters, such
 *   as `prompt` or `access_type`, added in the order of their names
 * @out_state: (out) (optional) (transfer full): the state sent
 * @error: return location for a #GError
 *
 * Builds the URL to send the user to (RFC 6749 §4.1.1, §4.2.1). For the
 * authorization-code grant a new PKCE verifier is made and its challenge
 * sent (S256 unless [property@OAuth2Session:pkce-method] says otherwise).
 * The endpoint's own query is kept.
 *
 * Returns: (transfer full): the URL, or %NULL for a client type with no
 *   authorization step or an http endpoint
 */
char *
grant_oauth2_session_authorization_url (GrantOAuth2Session  *self,
                                        const char          *url,
                                        const char          *state,
                                        GHashTable          *extra_params,
                                        char               **out_state,
                                        GError             **error)
{
  g_autoptr(GPtrArray) params = NULL;
  gboolean code_flow;

  g_return_val_if_fail (GRANT_IS_OAUTH2_SESSION (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (url == NULL)
    url = self->authorization_url;
  if (url == NULL)
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                           "No authorization endpoint is known; pass one, or set "
                           "“authorization-endpoint”");
      return NULL;
    }

  if (self->client_type != GRANT_CLIENT_TYPE_WEB_APPLICATION &&
      self->client_type != GRANT_CLIENT_TYPE_MOBILE_APPLICATION)
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                           "Password and client-credentials clients have no "
                           "authorization step; call fetch_token directly");
      return NULL;
    }
  if (!check_transport (self, url, "the authorization endpoint", error))
    return NULL;

  code_flow = self->client_type == GRANT_CLIENT_TYPE_WEB_APPLICATION;
  if (state != NULL)
    set_string (self, &self->state, state, PROP_STATE);
  else
    g_free (grant_oauth2_session_new_state (self));

  params = grant_params_new ();
  grant_params_add (params, "response_type", code_flow ? "code" : "token");
  grant_params_add (params, "client_id", self->client_id);
  if (is_set (self->redirect_uri))
    grant_params_add (params, "redirect_uri", self->redirect_uri);
  if (self->scope != NULL && self->scope[0] != NULL)
    {
      g_autofree char *scope = join_scope (self);
      grant_params_add (params, "scope", scope);
    }
  grant_params_add (params, "state", self->state);

  if (code_flow && self->pkce_method != GRANT_PKCE_METHOD_NONE)
    {
      g_autofree char *verifier = grant_pkce_new_verifier (GRANT_PKCE_VERIFIER_LENGTH);

      grant_oauth2_session_set_code_verifier (self, verifier);
      if (self->pkce_method == GRANT_PKCE_METHOD_S256)
        {
          g_autofree char *challenge = grant_pkce_s256_challenge (verifier);

          grant_params_add (params, "code_challenge", challenge);
          grant_params_add (params, "code_challenge_method", "S256");
        }
      else
        {
          /* requests-oauthlib sends no challenge at all for "plain". */
          grant_params_add (params, "code_challenge", verifier);
          grant_params_add (params, "code_challenge_method", "plain");
        }
    }

  add_extra_params (params, extra_params);

  if (out_state != NULL)
    *out_state = g_strdup (self->state);
  return grant_uri_append_params (url, params);
}

/* ------------------------------------------------------------------ */
/* Token requests                                                      */

typedef enum {
  CALL_ACCESS,
  CALL_REFRESH,
} CallKind;

/* One token request: what goes out, what to do with what comes back. */
typedef struct {
  CallKind       kind;
  SoupMessage   *message;
  char         **requested_scope;
  char          *previous_refresh_token;
  char          *context;
  char          *secrets[8];
} TokenCall;

static void
token_call_free (gpointer data)
{
  TokenCall *call = data;

  g_clear_object (&call->message);
  g_strfreev (call->requested_scope);
  grant_secret_free (call->previous_refresh_token);
  g_free (call->context);
  for (guint i = 0; i < G_N_ELEMENTS (call->secrets); i++)
    grant_secret_free (call->secrets[i]);
  g_free (call);
}

static void
token_call_add_secret (TokenCall  *call,
                       const char *secret)
{
  for (guint i = 0; i < G_N_ELEMENTS (call->secrets); i++)
    if (call->secrets[i] == NULL)
      {
        call->secrets[i] = g_strdup (secret);
        return;
      }
}

static void
token_call_get_secrets (TokenCall    *call,
                        GrantSecrets *secrets)
{
  for (guint i = 0; i < G_N_ELEMENTS (secrets->values); i++)
    secrets->values[i] = call->secrets[i];
}

/* Builds a SoupMessage from what the hooks left in @request. */
static SoupMessage *
message_from_request (GrantRequest  *request,
                      GError       **error)
{
  g_autoptr(GUri) uri = grant_uri_parse_http (grant_request_get_uri (request), NULL);
  SoupMessage *message;
  GBytes *body;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_autofree char *shown = uri_for_message (grant_request_get_uri (request));

      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "The token endpoint URL (%s) has no host or does not parse", shown);
      return NULL;
    }

  message = soup_message_new_from_uri (grant_request_get_method (request), uri);
  grant_http_append_headers (soup_message_get_request_headers (message), grant_request_get_headers (request));

  body = grant_request_get_body (request);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (message,
                                              soup_message_headers_get_one (grant_request_get_headers (request),
                                                                            "Content-Type"),
                                              body);
  return message;
}

/* Adds client authentication to a token request (RFC 6749 §2.3). */
static void
add_client_auth (GrantOAuth2Session *self,
                 GPtrArray          *params,
                 SoupMessageHeaders *headers)
{
  GrantClientAuth method = self->client_auth;

  if (method == GRANT_CLIENT_AUTH_AUTOMATIC)
    {
      if (self->include_client_id)
        method = GRANT_CLIENT_AUTH_POST;
      else if (is_set (self->client_id))
        method = GRANT_CLIENT_AUTH_BASIC;
      else
        return;
    }

  /* client_secret_basic without a secret is a public client (a desktop
   * app registered for both, or whose secret is set later): it names
   * itself in the body. An empty secret is a secret. */
  if (self->client_auth == GRANT_CLIENT_AUTH_BASIC && self->client_secret == NULL)
    method = GRANT_CLIENT_AUTH_NONE;

  switch (method)
    {
    case GRANT_CLIENT_AUTH_BASIC:
      {
        g_autofree char *header = grant_oauth2_basic_credentials (self->client_id, self->client_secret);
        soup_message_headers_replace (headers, "Authorization", header);
      }
      break;
    case GRANT_CLIENT_AUTH_POST:
      grant_params_add (params, "client_id", self->client_id);
      if (self->client_secret != NULL)
        grant_params_add (params, "client_secret", self->client_secret);
      break;
    case GRANT_CLIENT_AUTH_NONE:
    case GRANT_CLIENT_AUTH_AUTOMATIC:
    default:
      grant_params_add (params, "client_id", self->client_id);
      break;
    }
}

static char *
endpoint_context (CallKind    kind,
                  const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_PARSE_RELAXED, NULL);
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  return g_strdup_printf ("The %s request to %s failed", kind == CALL_REFRESH ? "refresh" : "token",
                          host ? host : url);
}

/*
 * Everything before the network: the body for the grant (@grant_params
 * first, then client authentication, then the extras), the hooks, and the
 * message. The grant's own parameters come first as in oauthlib, so the
 * wire format matches what providers have been tested against.
 */
static TokenCall *
token_call_new (GrantOAuth2Session  *self,
                CallKind             kind,
                const char          *url,
                GPtrArray           *grant_params,
                GHashTable          *extra_params,
                GError             **error)
{
  g_autoptr(GPtrArray) params = grant_params_new ();
  g_autoptr(GrantRequest) request = NULL;
  gboolean use_get;
  TokenCall *call;

  if (url == NULL)
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                           "No token endpoint URL is known; pass one, or set “token-url”");
      return NULL;
    }
  if (!check_transport (self, url, "the token endpoint", error))
    return NULL;

  use_get = g_strcmp0 (self->token_request_method, "GET") == 0;
  request = grant_request_new (use_get ? "GET" : "POST", url);
  soup_message_headers_replace (grant_request_get_headers (request), "Accept", "application/json");

  grant_params_add (params, "grant_type", ((GrantParam *) g_ptr_array_index (grant_params, 0))->value);
  add_client_auth (self, params, grant_request_get_headers (request));
  for (guint i = 1; i < grant_params->len; i++)
    {
      GrantParam *param = g_ptr_array_index (grant_params, i);
      grant_params_add (params, param->name, param->value);
    }
  add_extra_params (params, extra_params);

  if (use_get)
    {
      g_autofree char *with_query = grant_uri_append_params (url, params);
      grant_request_set_uri (request, with_query);
    }
  else
    {
      g_autofree char *form = grant_params_to_form (params);
      g_autoptr(GBytes) body = g_bytes_new (form, strlen (form));

      grant_request_set_body (request, "application/x-www-form-urlencoded", body);
      grant_secret_wipe (form);
    }

  g_signal_emit (self, signals[kind == CALL_REFRESH ? SIGNAL_REFRESH_TOKEN_REQUEST
                                                    : SIGNAL_ACCESS_TOKEN_REQUEST], 0, request);

  call = g_new0 (TokenCall, 1);
  call->kind = kind;
  call->context = endpoint_context (kind, url);
  call->requested_scope = g_strdupv (self->scope);
  token_call_add_secret (call, self->client_secret);
  {
    /* base64 (id:secret) is the secret too, should a server echo it. */
    const char *basic = soup_message_headers_get_one (grant_request_get_headers (request), "Authorization");

    if (basic != NULL && g_str_has_prefix (basic, "Basic "))
      token_call_add_secret (call, basic + strlen ("Basic "));
  }
  for (guint i = 0; i < params->len; i++)
    {
      GrantParam *param = g_ptr_array_index (params, i);

      if (g_str_equal (param->name, "code") || g_str_equal (param->name, "password") ||
          g_str_equal (param->name, "refresh_token") || g_str_equal (param->name, "code_verifier"))
        token_call_add_secret (call, param->value);
    }
  if (kind == CALL_REFRESH)
    call->previous_refresh_token = g_strdup (grant_params_lookup (params, "refresh_token"));

  if (!check_transport (self, grant_request_get_uri (request), "the token endpoint", error))
    {
      token_call_free (call);
      return NULL;
    }
  call->message = message_from_request (request, error);
  if (call->message == NULL)
    {
      token_call_free (call);
      return NULL;
    }
  /* A token endpoint that redirects gets no second request: the
   * credentials in this one are not for wherever it points. */
  soup_message_add_flags (call->message, SOUP_MESSAGE_NO_REDIRECT);
  return call;
}

/*
 * What the server said, through the response hooks, into a token — and
 * the token into the session. The old refresh token is kept when a
 * refresh does not return one; a rotated one replaces it.
 */
static GrantToken *
token_call_finish (GrantOAuth2Session  *self,
                   TokenCall           *call,
                   GBytes              *body,
                   GError             **error)
{
  g_autoptr(GrantResponse) response = NULL;
  g_autoptr(GrantToken) token = NULL;
  GrantSecrets secrets;
  guint status = soup_message_get_status (call->message);
  const char * const *granted;

  response = grant_response_new (status, soup_message_get_response_headers (call->message), body);
  g_signal_emit (self, signals[call->kind == CALL_REFRESH ? SIGNAL_REFRESH_TOKEN_RESPONSE
                                                          : SIGNAL_ACCESS_TOKEN_RESPONSE], 0, response);

  if (SOUP_STATUS_IS_REDIRECTION (grant_response_get_status (response)))
    {
      const char *location = soup_message_headers_get_one (grant_response_get_headers (response), "Location");

      g_set_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE,
                   "%s: the token endpoint redirected (HTTP %u) to %s; use that URL as the "
                   "endpoint if it is the provider's", call->context,
                   grant_response_get_status (response), location ? location : "nowhere");
      return NULL;
    }

  token_call_get_secrets (call, &secrets);
  token = grant_oauth2_token_from_response (grant_response_get_status (response),
                                            soup_message_headers_get_one (grant_response_get_headers (response),
                                                                          "Content-Type"),
                                            grant_response_get_body (response),
                                            call->context, &secrets, error);
  if (token == NULL)
    return NULL;

  if (grant_token_get_refresh_token (token) == NULL && call->previous_refresh_token != NULL)
    grant_token_set_refresh_token (token, call->previous_refresh_token);

  /* RFC 6749 §5.1: no scope in the answer means the scope asked for. */
  granted = grant_token_get_scope (token);
  if (granted == NULL && call->requested_scope != NULL)
    grant_token_set_scope (token, (const char * const *) call->requested_scope);
  else if (granted != NULL && call->requested_scope != NULL && call->requested_scope[0] != NULL &&
           !grant_scope_equal ((const char * const *) call->requested_scope, granted))
    {
      if (self->strict_scope)
        {
          g_autofree char *asked = grant_scope_join ((const char * const *) call->requested_scope);
          g_autofree char *got = grant_scope_join (granted);

          g_set_error (error, GRANT_ERROR, GRANT_ERROR_SCOPE_CHANGED,
                       "The server granted the scopes “%s” instead of “%s”", got, asked);
          return NULL;
        }
      set_boolean (self, &self->scope_changed, TRUE, PROP_SCOPE_CHANGED);
      g_signal_emit (self, signals[SIGNAL_SCOPE_CHANGED], 0, call->requested_scope, granted);
    }
  else
    set_boolean (self, &self->scope_changed, FALSE, PROP_SCOPE_CHANGED);

  return g_steal_pointer (&token);
}

static void ensure_loaded_sync (GrantOAuth2Session *self,
                                GCancellable       *cancellable);

/* The key this session's token is filed under. */
static GrantTokenKey *
store_key (GrantOAuth2Session *self)
{
  return grant_token_key_new (GRANT_PROTOCOL_OAUTH2, self->provider, self->client_id, self->account);
}

static void
report_store_error (GrantOAuth2Session *self,
                    const GError       *error)
{
  g_signal_emit (self, signals[SIGNAL_STORE_ERROR], 0, error);
}

/* A new token becomes the session's, then is announced: after the store
 * has it (or has said why not), never before. */
static void
adopt_token (GrantOAuth2Session *self,
             GrantToken         *token,
             const GError       *store_error)
{
  install_token (self, token);
  /* A token the session obtained is newer than any it would load. */
  self->load_attempted = TRUE;
  if (store_error != NULL)
    report_store_error (self, store_error);
  g_signal_emit (self, signals[SIGNAL_TOKEN_UPDATED], 0, token);
}

/*
 * Saves @token (which it takes), installs and announces it. A failed save
 * leaves the token in use and is reported twice: the store-error signal,
 * and GRANT_ERROR_STORE_FAILED from the call that obtained the token.
 */
static GrantToken *
store_and_adopt_sync (GrantOAuth2Session  *self,
                      GrantToken          *token,
                      GCancellable        *cancellable,
                      GError             **error)
{
  g_autoptr(GError) store_error = NULL;

  if (self->token_store != NULL)
    {
      g_autoptr(GrantTokenKey) key = store_key (self);
      g_autoptr(JsonObject) object = grant_token_to_json_object (token);

      grant_token_store_save (self->token_store, key, object, cancellable, &store_error);
    }
  adopt_token (self, token, store_error);
  if (store_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&store_error));
      g_object_unref (token);
      return NULL;
    }
  return token;
}

typedef struct {
  GTask      *task;
  GrantToken *token;
} PendingSave;

static void
on_token_saved (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  PendingSave *pending = user_data;
  GrantOAuth2Session *self = g_task_get_source_object (pending->task);
  GError *store_error = NULL;

  grant_token_store_save_finish (GRANT_TOKEN_STORE (source), result, &store_error);
  adopt_token (self, pending->token, store_error);
  if (store_error != NULL)
    {
      g_task_return_error (pending->task, store_error);
      g_object_unref (pending->token);
    }
  else
    g_task_return_pointer (pending->task, pending->token, g_object_unref);
  g_object_unref (pending->task);
  g_free (pending);
}

/* The async twin of store_and_adopt_sync(); completes @task (taken). */
static void
store_and_adopt_async (GrantOAuth2Session *self,
                       GrantToken         *token,
                       GTask              *task)
{
  g_autoptr(GrantTokenKey) key = NULL;
  g_autoptr(JsonObject) object = NULL;
  PendingSave *pending;

  if (self->token_store == NULL)
    {
      adopt_token (self, token, NULL);
      g_task_return_pointer (task, token, g_object_unref);
      g_object_unref (task);
      return;
    }

  pending = g_new0 (PendingSave, 1);
  pending->task = task;
  pending->token = token;
  key = store_key (self);
  object = grant_token_to_json_object (token);
  grant_token_store_save_async (self->token_store, key, object, NULL, on_token_saved, pending);
}

/* Sends @call (which it frees) and returns the token; a NULL @call is a
 * request that could not even be built, and @error says why. */
static GrantToken *
token_call_run (GrantOAuth2Session  *self,
                TokenCall           *call,
                GCancellable        *cancellable,
                GError             **error)
{
  g_autoptr(GBytes) body = NULL;
  GrantToken *token = NULL;

  if (call == NULL)
    return NULL;
  body = grant_http_send_and_read_bounded (self->soup_session, call->message,
                                           GRANT_TOKEN_RESPONSE_MAX, cancellable, error);
  if (body != NULL)
    token = token_call_finish (self, call, body, error);
  token_call_free (call);
  if (token == NULL)
    return NULL;
  return store_and_adopt_sync (self, token, cancellable, error);
}

static void
on_token_call_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GrantOAuth2Session *self = g_task_get_source_object (task);
  TokenCall *call = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  GrantToken *token;

  body = grant_http_send_and_read_bounded_finish (result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  token = token_call_finish (self, call, body, &error);
  if (token == NULL)
    g_task_return_error (task, error);
  else
    store_and_adopt_async (self, token, g_steal_pointer (&task));
}

/* The async twin of token_call_run(): @error is set when @call is NULL. */
static void
token_call_start (GrantOAuth2Session  *self,
                  TokenCall           *call,
                  GError              *error,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data,
                  gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (call == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, call, token_call_free);
  grant_http_send_and_read_bounded_async (self->soup_session, call->message,
                                          GRANT_TOKEN_RESPONSE_MAX, G_PRIORITY_DEFAULT,
                                          g_task_get_cancellable (task),
                                          on_token_call_done, task);
}

/* The authorization response: error, state, issuer, code, in that order
 * (RFC 6749 §4.1.2, RFC 9207). */
static char *
code_from_response (GrantOAuth2Session  *self,
                    const char          *url,
                    GError             **error)
{
  g_autoptr(GPtrArray) params = grant_params_new ();
  const char *value, *iss;

  if (!grant_uri_parse_redirect (url, FALSE, params, error))
    return NULL;

  if ((value = grant_params_lookup (params, "error")) != NULL)
    {
      grant_oauth2_set_error (error, "The authorization was refused", 0, value,
                              grant_params_lookup (params, "error_description"), NULL);
      return NULL;
    }

  if (self->state != NULL && !grant_secure_equal (self->state, grant_params_lookup (params, "state")))
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_MISMATCHING_STATE,
                           "The authorization response's state does not match the one this "
                           "session sent; the response may be forged (CSRF) or from another "
                           "attempt");
      return NULL;
    }

  iss = grant_params_lookup (params, "iss");
  if (iss != NULL && self->issuer != NULL && !g_str_equal (iss, self->issuer))
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_MISMATCHING_ISSUER,
                   "The authorization response comes from the issuer “%s”, not “%s” (RFC 9207); "
                   "it may be a mix-up attack", iss, self->issuer);
      return NULL;
    }

  value = grant_params_lookup (params, "code");
  if (!is_set (value))
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_MISSING_CODE,
                           "The authorization response has no code; pass the whole URL the "
                           "provider redirected to");
      return NULL;
    }
  return g_strdup (value);
}

static TokenCall *
fetch_token_call_new (GrantOAuth2Session  *self,
                      const char          *token_url,
                      const char          *authorization_response,
                      const char          *code,
                      GHashTable          *extra_params,
                      GError             **error)
{
  g_autoptr(GPtrArray) grant = grant_params_new ();
  g_autofree char *parsed_code = NULL;

  switch (self->client_type)
    {
    case GRANT_CLIENT_TYPE_WEB_APPLICATION:
      if (code == NULL)
        {
          if (authorization_response == NULL)
            {
              g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                                   "fetch_token needs the code or the authorization response URL");
              return NULL;
            }
          parsed_code = code_from_response (self, authorization_response, error);
          if (parsed_code == NULL)
            return NULL;
          code = parsed_code;
        }
      grant_params_add (grant, "grant_type", "authorization_code");
      if (self->pkce_method != GRANT_PKCE_METHOD_NONE)
        {
          if (self->code_verifier == NULL)
            {
              g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                                   "No PKCE code verifier is known: build the authorization URL "
                                   "with this session, or set “code-verifier” to the one used");
              return NULL;
            }
          grant_params_add (grant, "code_verifier", self->code_verifier);
        }
      grant_params_add (grant, "code", code);
      if (is_set (self->redirect_uri))
        grant_params_add (grant, "redirect_uri", self->redirect_uri);
      break;

    case GRANT_CLIENT_TYPE_BACKEND_APPLICATION:
      grant_params_add (grant, "grant_type", "client_credentials");
      if (self->scope != NULL && self->scope[0] != NULL)
        {
          g_autofree char *scope = join_scope (self);
          grant_params_add (grant, "scope", scope);
        }
      break;

    case GRANT_CLIENT_TYPE_LEGACY_APPLICATION:
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                           "A password client gets its token with fetch_token_with_password");
      return NULL;

    case GRANT_CLIENT_TYPE_MOBILE_APPLICATION:
    default:
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                           "An implicit-grant client reads its token with token_from_fragment");
      return NULL;
    }

  if (token_url == NULL)
    token_url = self->token_url;
  else if (self->token_url == NULL)
    set_string (self, &self->token_url, token_url, PROP_TOKEN_URL);
  return token_call_new (self, CALL_ACCESS, token_url, grant, extra_params, error);
}

/**
 * grant_oauth2_session_fetch_token:
 * @self: a `GrantOAuth2Session`
 * @token_url: (nullable): the token endpoint, or %NULL for
 *   [property@OAuth2Session:token-url]
 * @authorization_response: (nullable): the whole URL the provider
 *   redirected the user to; its `state`, `error` and `iss` are checked
 * @code: (nullable): the authorization code, when the application read it
 *   itself
 * @extra_params: (nullable) (element-type utf8 utf8): more body parameters
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a #GError
 *
 * Obtains a token: with the authorization code for a web-application
 * client (sending the PKCE verifier), or with the client credentials for a
 * backend client. The HTTP status and the body are both checked: an OAuth
 * error becomes its [error@Error] code with the server's description.
 * The new token is installed and announced with
 * [signal@OAuth2Session::token-updated].
 *
 * Returns: (transfer full): the token
 */
GrantToken *
grant_oauth2_session_fetch_token (GrantOAuth2Session  *self,
                                  const char          *token_url,
                                  const char          *authorization_response,
                                  const char          *code,
                                  GHashTable          *extra_params,
                                  GCancellable        *cancellable,
                                  GError             **error)
{
  g_return_val_if_fail (GRANT_IS_OAUTH2_SESSION (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return token_call_run (self,
                         fetch_token_call_new (self, token_url, authorization_response,
                                               code, extra_params, error),
                         cancellable, error);
}

/**
 * grant_oauth2_session_fetch_token_async:
 * @self: a `GrantOAuth2Session`
 * @token_url: (nullable): the token endpoint
 * @authorization_response: (nullable): the URL the provider redirected to
 * @code: (nullable): the authorization code
 * @extra_params: (nullable) (element-type utf8 utf8): more body parameters
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async): called when the token is in
 * @user_data: data for @callback
 *
 * Asynchronous form of [method@OAuth2Session.fetch_token].
 */
void
grant_oauth2_session_fetch_token_async (GrantOAuth2Session  *self,
                                        const char          *token_url,
                                        const char          *authorization_response,
                                        const char          *code,
                                        GHashTable          *extra_params,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GError *error = NULL;
  TokenCall *call;

  g_return_if_fail (GRANT_IS_OAUTH2_SESSION (self));

  call = fetch_token_call_new (self, token_url, authorization_response, code, extra_params, &error);
  token_call_start (self, call, error, cancellable, callback, user_data,
                    grant_oauth2_session_fetch_token_async);
}

/**
 * grant_oauth2_session_fetch_token_finish:
 * @self: a `GrantOAuth2Session`
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@OAuth2Session.fetch_token_async].
 *
 * Returns: (transfer full): the token
 */
GrantToken *
grant_oauth2_session_fetch_token_finish (GrantOAuth2Session  *self,
                                         GAsyncResult        *result,
                                         GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static TokenCall *
password_call_new (GrantOAuth2Session  *self,
                   const char          *token_url,
                   const char          *username,
                   const char          *password,
                   GHashTable          *extra_params,
                   GError             **error)
{
  g_autoptr(GPtrArray) grant = grant_params_new ();

  if (username == NULL || password == NULL)
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                           "The password grant needs both a username and a password");
      return NULL;
    }

  grant_params_add (grant, "grant_type", "password");
  grant_params_add (grant, "username", username);
  grant_params_add (grant, "password", password);
  if (self->scope != NULL && self->scope[0] != NULL)
    {
      g_autofree char *scope = join_scope (self);
      grant_params_add (grant, "scope", scope);
    }
  if (token_url == NULL)
    token_url = self->token_url;
  else if (self->token_url == NULL)
    set_string (self, &self->token_url, token_url, PROP_TOKEN_URL);
  return token_call_new (self, CALL_ACCESS, token_url, grant, extra_params, error);
}

/**
 * grant_oauth2_session_fetch_token_with_password:
 * @self: a `GrantOAuth2Session`
 * @token_url: (nullable): the token endpoint
 * @username: the resource owner's username
 * @password: the resource owner's password
 * @extra_params: (nullable) (element-type utf8 utf8): more body parameters
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a #GError
 *
 * Obtains a token with the resource owner password grant (RFC 6749 §4.3).
 * The username and password go in the body, never in HTTP Basic, which
 * carries the client's credentials.
 *
 * Returns: (transfer full): the token
 */
GrantToken *
grant_oauth2_session_fetch_token_with_password (GrantOAuth2Session  *self,
                                                const char          *token_url,
                                                const char          *username,
                                                const char          *password,
                                                GHashTable          *extra_params,
                                                GCancellable        *cancellable,
                                                GError             **error)
{
  g_return_val_if_fail (GRANT_IS_OAUTH2_SESSION (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return token_call_run (self,
                         password_call_new (self, token_url, username, password,
                                            extra_params, error),
                         cancellable, error);
}

/**
 * grant_oauth2_session_fetch_token_with_password_async:
 * @self: a `GrantOAuth2Session`
 * @token_url: (nullable): the token endpoint
 * @username: the resource owner's username
 * @password: the resource owner's password
 * @extra_params: (nullable) (element-type utf8 utf8): more body parameters
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async): called when the token is in
 * @user_data: data for @callback
 *
 * Asynchronous form of [method@OAuth2Session.fetch_token_with_password].
 */
void
grant_oauth2_session_fetch_token_with_password_async (GrantOAuth2Session  *self,
                                                      const char          *token_url,
                                                      const char          *username,
                                                      const char          *password,
                                                      GHashTable          *extra_params,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data)
{
  GError *error = NULL;
  TokenCall *call;

  g_return_if_fail (GRANT_IS_OAUTH2_SESSION (self));

  call = password_call_new (self, token_url, username, password, extra_params, &error);
  token_call_start (self, call, error, cancellable, callback, user_data,
                    grant_oauth2_session_fetch_token_with_password_async);
}

/**
 * grant_oauth2_session_fetch_token_with_password_finish:
 * @self: a `GrantOAuth2Session`
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@OAuth2Session.fetch_token_with_password_async].
 *
 * Returns: (transfer full): the token
 */
GrantToken *
grant_oauth2_session_fetch_token_with_password_finish (GrantOAuth2Session  *self,
                                                       GAsyncResult        *result,
                                                       GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * grant_oauth2_session_token_from_fragment:
 * @self: a `GrantOAuth2Session`
 * @authorization_response: the URL the provider redirected to, with the
 *   token in its fragment
 * @error: return location for a #GError
 *
 * Reads the token of an implicit grant (RFC 6749 §4.2.2), checking the
 * state, and installs it.
 *
 * Returns: (transfer full): the token
 */
GrantToken *
grant_oauth2_session_token_from_fragment (GrantOAuth2Session  *self,
                                          const char          *authorization_response,
                                          GError             **error)
{
  g_autoptr(GPtrArray) params = grant_params_new ();
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(GrantToken) token = NULL;
  const char *value;

  g_return_val_if_fail (GRANT_IS_OAUTH2_SESSION (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!grant_uri_parse_redirect (authorization_response, TRUE, params, error))
    return NULL;

  if ((value = grant_params_lookup (params, "error")) != NULL)
    {
      grant_oauth2_set_error (error, "The authorization was refused", 0, value,
                              grant_params_lookup (params, "error_description"), NULL);
      return NULL;
    }
  if (self->state != NULL && !grant_secure_equal (self->state, grant_params_lookup (params, "state")))
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_MISMATCHING_STATE,
                           "The authorization response's state does not match the one this "
                           "session sent");
      return NULL;
    }

  for (guint i = 0; i < params->len; i++)
    {
      GrantParam *param = g_ptr_array_index (params, i);

      /* A code smuggled into an implicit response is not ours to keep. */
      if (!g_str_equal (param->name, "state") && !g_str_equal (param->name, "code"))
        json_object_set_string_member (object, param->name, param->value);
    }

  token = grant_token_new_from_json_object (object, error);
  if (token == NULL)
    return NULL;
  if (grant_token_get_scope (token) == NULL && self->scope != NULL)
    grant_token_set_scope (token, (const char * const *) self->scope);

  return store_and_adopt_sync (self, g_steal_pointer (&token), NULL, error);
}

/* ------------------------------------------------------------------ */
/* Refresh                                                             */

/* Under the lock. */
static gboolean
can_refresh_locked (GrantOAuth2Session *self)
{
  if (self->token != NULL && grant_token_get_refresh_token (self->token) != NULL)
    return self->token_url != NULL || self->refresh_url != NULL;
  /* A backend client "refreshes" by asking for a new token. */
  return self->client_type == GRANT_CLIENT_TYPE_BACKEND_APPLICATION && self->token_url != NULL;
}

typedef void (*LoadedFunc) (GrantOAuth2Session *self,
                            gpointer            data);

static void ensure_loaded_sync  (GrantOAuth2Session *self,
                                 GCancellable       *cancellable);
static void ensure_loaded_async (GrantOAuth2Session *self,
                                 GCancellable       *cancellable,
                                 LoadedFunc          then,
                                 gpointer            data);

static TokenCall *
refresh_call_new (GrantOAuth2Session  *self,
                  const char          *token_url,
                  GHashTable          *extra_params,
                  GError             **error)
{
  g_autoptr(GPtrArray) grant = grant_params_new ();
  g_autofree char *refresh_token = NULL;
  const char *url = token_url ? token_url : self->refresh_url ? self->refresh_url : self->token_url;

  g_mutex_lock (&self->lock);
  if (self->token != NULL)
    refresh_token = g_strdup (grant_token_get_refresh_token (self->token));
  g_mutex_unlock (&self->lock);

  if (refresh_token == NULL)
    {
      if (self->client_type == GRANT_CLIENT_TYPE_BACKEND_APPLICATION)
        return fetch_token_call_new (self, url, NULL, NULL, extra_params, error);
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_TOKEN_EXPIRED,
                           "The token cannot be refreshed: the server issued no refresh token");
      return NULL;
    }

  grant_params_add (grant, "grant_type", "refresh_token");
  grant_params_add (grant, "refresh_token", refresh_token);
  return token_call_new (self, CALL_REFRESH, url, grant, extra_params, error);
}

/**
 * grant_oauth2_session_refresh_token:
 * @self: a `GrantOAuth2Session`
 * @token_url: (nullable): the token endpoint, or %NULL for
 *   [property@OAuth2Session:token-url]
 * @extra_params: (nullable) (element-type utf8 utf8): more body parameters
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a #GError
 *
 * Refreshes the token now (RFC 6749 §6), with the client authentication
 * the session is set up for. A backend client asks for a new token
 * instead. When the server returns no new refresh token, the old one is
 * kept; a rotated one replaces it.
 *
 * Returns: (transfer full): the new token
 */
GrantToken *
grant_oauth2_session_refresh_token (GrantOAuth2Session  *self,
                                    const char          *token_url,
                                    GHashTable          *extra_params,
                                    GCancellable        *cancellable,
                                    GError             **error)
{
  g_return_val_if_fail (GRANT_IS_OAUTH2_SESSION (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_loaded_sync (self, cancellable);
  return token_call_run (self, refresh_call_new (self, token_url, extra_params, error),
                         cancellable, error);
}

/**
 * grant_oauth2_session_refresh_token_async:
 * @self: a `GrantOAuth2Session`
 * @token_url: (nullable): the token endpoint
 * @extra_params: (nullable) (element-type utf8 utf8): more body parameters
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async): called when the token is in
 * @user_data: data for @callback
 *
 * Asynchronous form of [method@OAuth2Session.refresh_token].
 */
/* What refresh_token_async needs once the stored token is loaded. */
typedef struct {
  char                *token_url;
  GHashTable          *extra_params;
  GCancellable        *cancellable;
  GAsyncReadyCallback  callback;
  gpointer             user_data;
} RefreshStart;

static void
refresh_start (GrantOAuth2Session *self,
               gpointer            data)
{
  RefreshStart *start = data;
  GError *error = NULL;
  TokenCall *call;

  call = refresh_call_new (self, start->token_url, start->extra_params, &error);
  token_call_start (self, call, error, start->cancellable, start->callback, start->user_data,
                    grant_oauth2_session_refresh_token_async);
  g_free (start->token_url);
  g_clear_pointer (&start->extra_params, g_hash_table_unref);
  g_clear_object (&start->cancellable);
  g_free (start);
}

void
grant_oauth2_session_refresh_token_async (GrantOAuth2Session  *self,
                                          const char          *token_url,
                                          GHashTable          *extra_params,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  RefreshStart *start;

  g_return_if_fail (GRANT_IS_OAUTH2_SESSION (self));

  start = g_new0 (RefreshStart, 1);
  start->token_url = g_strdup (token_url);
  start->extra_params = extra_params ? g_hash_table_ref (extra_params) : NULL;
  start->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  start->callback = callback;
  start->user_data = user_data;
  ensure_loaded_async (self, cancellable, refresh_start, start);
}

/**
 * grant_oauth2_session_refresh_token_finish:
 * @self: a `GrantOAuth2Session`
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@OAuth2Session.refresh_token_async].
 *
 * Returns: (transfer full): the new token
 */
GrantToken *
grant_oauth2_session_refresh_token_finish (GrantOAuth2Session  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The leeway, but never more than half the token's lifetime: a server
 * handing out one-minute tokens would otherwise have every request
 * refresh first. Under the lock. */
static gint64
effective_leeway (GrantOAuth2Session *self)
{
  gint64 lifetime = grant_token_get_expires_in (self->token);

  if (lifetime > 0)
    return MIN (self->refresh_leeway, lifetime / 2);
  return self->refresh_leeway;
}

/*
 * Whether the token must be refreshed before use. @stale is the access
 * token a server just refused: it needs refreshing only if the session
 * still holds it (another request may have refreshed it meanwhile).
 * Under the lock.
 */
static gboolean
needs_refresh_locked (GrantOAuth2Session *self,
                      const char         *stale)
{
  if (self->token == NULL)
    return FALSE;
  if (stale != NULL)
    return g_strcmp0 (grant_token_get_access_token (self->token), stale) == 0;
  return grant_token_is_expired (self->token, effective_leeway (self));
}

/* Under the lock: why a token that needs refreshing cannot be. */
static void
set_expired_error_locked (GrantOAuth2Session  *self,
                          GError             **error)
{
  if (!self->auto_refresh)
    g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_TOKEN_EXPIRED,
                         "The access token has expired and automatic refresh is off; "
                         "refresh it, or turn on “auto-refresh”");
  else if (self->token_url == NULL && self->refresh_url == NULL)
    g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_TOKEN_EXPIRED,
                         "The access token has expired and no token endpoint is known "
                         "to refresh it; set “token-url”");
  else
    g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_TOKEN_EXPIRED,
                         "The access token has expired and the server issued no refresh "
                         "token; authorize again");
}

static void on_refresh_done (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data);

/* Ends a refresh: wakes the blocking waiters and completes the async
 * ones, all with the same result. A refresh cancelled by the caller that
 * started it is no result for the others: blocking waiters try again, and
 * the async ones get a refresh of their own. */
static void
refresh_done (GrantOAuth2Session *self,
              const GError       *error)
{
  g_autoptr(GPtrArray) waiters = NULL;

  g_mutex_lock (&self->lock);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      error = NULL;
      self->refresh_generation++;
      g_clear_error (&self->refresh_error);
      if (self->refresh_waiters->len > 0)
        {
          self->refreshing_async = TRUE;
          g_cond_broadcast (&self->refreshed);
          g_mutex_unlock (&self->lock);
          grant_oauth2_session_refresh_token_async (self, NULL, NULL, NULL, on_refresh_done, NULL);
          return;
        }
      self->refreshing = FALSE;
      g_cond_broadcast (&self->refreshed);
      g_mutex_unlock (&self->lock);
      return;
    }
  self->refreshing = FALSE;
  self->refresh_generation++;
  g_clear_error (&self->refresh_error);
  if (error != NULL)
    self->refresh_error = g_error_copy (error);
  waiters = self->refresh_waiters;
  self->refresh_waiters = g_ptr_array_new ();
  g_cond_broadcast (&self->refreshed);
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (waiter, g_error_copy (error));
      else
        g_task_return_boolean (waiter, TRUE);
      g_object_unref (waiter);
    }
}

/*
 * Another session or process sharing the store may have refreshed the
 * token already; with rotating refresh tokens, refreshing again with the
 * old one would fail and, on many servers, revoke the grant. So before a
 * refresh, a newer stored token that is still good is taken instead.
 */
static gboolean
adopt_if_newer (GrantOAuth2Session *self,
                JsonObject         *object)
{
  g_autoptr(GrantToken) stored = NULL;
  gboolean newer;

  if (object == NULL || (stored = grant_token_new_from_json_object (object, NULL)) == NULL)
    return FALSE;

  g_mutex_lock (&self->lock);
  newer = self->token != NULL &&
          g_strcmp0 (grant_token_get_access_token (stored), grant_token_get_access_token (self->token)) != 0 &&
          !grant_token_is_expired (stored, effective_leeway (self));
  g_mutex_unlock (&self->lock);
  if (!newer)
    return FALSE;

  adopt_token (self, stored, NULL);
  return TRUE;
}

static gboolean
adopt_newer_stored_sync (GrantOAuth2Session *self,
                         GCancellable       *cancellable)
{
  g_autoptr(GrantTokenKey) key = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  if (self->token_store == NULL)
    return FALSE;
  key = store_key (self);
  object = grant_token_store_load (self->token_store, key, cancellable, &error);
  if (error != NULL)
    {
      report_store_error (self, error);
      return FALSE;
    }
  return adopt_if_newer (self, object);
}

static void on_refresh_done (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data);

static void refresh_done (GrantOAuth2Session *self,
                          const GError       *error);

/* The async refresh starts by looking in the store (see adopt_if_newer). */
static void
on_refresh_store_checked (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GrantOAuth2Session) self = user_data;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  object = grant_token_store_load_finish (GRANT_TOKEN_STORE (source), result, &error);
  if (error != NULL)
    report_store_error (self, error);
  else if (adopt_if_newer (self, object))
    {
      refresh_done (self, NULL);
      return;
    }
  grant_oauth2_session_refresh_token_async (self, NULL, NULL, NULL, on_refresh_done, NULL);
}

/* What a request about to be sent must do about the token, decided under
 * the lock: go on, fail (with @error set), or have it refreshed. */
typedef enum {
  TOKEN_USABLE,
  TOKEN_UNUSABLE,
  TOKEN_NEEDS_REFRESH,
} TokenNeed;

static TokenNeed
token_need_locked (GrantOAuth2Session  *self,
                   const char          *stale,
                   GError             **error)
{
  if (!needs_refresh_locked (self, stale))
    return TOKEN_USABLE;
  if (!self->auto_refresh || !can_refresh_locked (self))
    {
      set_expired_error_locked (self, error);
      return TOKEN_UNUSABLE;
    }
  return TOKEN_NEEDS_REFRESH;
}

/*
 * Makes sure the token is fresh before a blocking request. However many
 * threads arrive with an expired token, one refreshes and the others
 * wait for its result.
 */
static gboolean
ensure_token_sync (GrantOAuth2Session  *self,
                   const char          *stale,
                   GCancellable        *cancellable,
                   GError             **error)
{
  g_autoptr(GrantToken) token = NULL;
  GError *local_error = NULL;

  g_mutex_lock (&self->lock);
  for (;;)
    {
      TokenNeed need = token_need_locked (self, stale, error);

      if (need != TOKEN_NEEDS_REFRESH)
        {
          g_mutex_unlock (&self->lock);
          return need == TOKEN_USABLE;
        }
      if (!self->refreshing)
        break;

      if (self->refreshing_async && g_main_context_acquire (self->context))
        {
          /* The refresh in flight needs the session's main context, and
           * no other thread is running it: run it here rather than wait
           * for it forever. */
          g_mutex_unlock (&self->lock);
          g_main_context_iteration (self->context, TRUE);
          g_main_context_release (self->context);
          g_mutex_lock (&self->lock);
        }
      else
        {
          guint generation = self->refresh_generation;

          while (self->refreshing && self->refresh_generation == generation)
            g_cond_wait (&self->refreshed, &self->lock);
          if (self->refresh_generation == generation + 1 && self->refresh_error != NULL)
            {
              g_propagate_error (error, g_error_copy (self->refresh_error));
              g_mutex_unlock (&self->lock);
              return FALSE;
            }
        }
    }

  self->refreshing = TRUE;
  self->refreshing_async = FALSE;
  g_mutex_unlock (&self->lock);

  if (adopt_newer_stored_sync (self, cancellable))
    {
      refresh_done (self, NULL);
      return TRUE;
    }

  token = grant_oauth2_session_refresh_token (self, NULL, NULL, cancellable, &local_error);
  /* A token the store would not take is still a fresh token: the
   * store-error signal has said so, and the requests go on. */
  if (g_error_matches (local_error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED))
    g_clear_error (&local_error);
  refresh_done (self, local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static void
on_refresh_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GrantOAuth2Session *self = GRANT_OAUTH2_SESSION (source);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  token = grant_oauth2_session_refresh_token_finish (self, result, &error);
  if (g_error_matches (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED))
    g_clear_error (&error);
  refresh_done (self, error);
}

/* The async twin of ensure_token_sync(): the task joins the refresh in
 * flight, or starts the one every later request will join. */
static void
ensure_token_async (GrantOAuth2Session  *self,
                    const char          *stale,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  gboolean start = FALSE;
  GError *error = NULL;
  TokenNeed need;

  g_task_set_source_tag (task, ensure_token_async);

  g_mutex_lock (&self->lock);
  need = token_need_locked (self, stale, &error);
  if (need != TOKEN_NEEDS_REFRESH)
    {
      g_mutex_unlock (&self->lock);
      if (need == TOKEN_USABLE)
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_ptr_array_add (self->refresh_waiters, task);
  if (!self->refreshing)
    {
      self->refreshing = TRUE;
      self->refreshing_async = TRUE;
      start = TRUE;
    }
  g_mutex_unlock (&self->lock);

  /* No cancellable: one waiter giving up must not fail the others. */
  if (start && self->token_store != NULL)
    {
      g_autoptr(GrantTokenKey) key = store_key (self);

      grant_token_store_load_async (self->token_store, key, NULL, on_refresh_store_checked,
                                    g_object_ref (self));
    }
  else if (start)
    grant_oauth2_session_refresh_token_async (self, NULL, NULL, NULL, on_refresh_done, NULL);
}

static gboolean
ensure_token_finish (GrantOAuth2Session  *self,
                     GAsyncResult        *result,
                     GError             **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* The token store                                                     */

/* Takes a stored token as the session's, unless one is already there. */
static gboolean
adopt_stored (GrantOAuth2Session *self,
              JsonObject         *object)
{
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  if (object == NULL)
    return FALSE;
  token = grant_token_new_from_json_object (object, &error);
  if (token == NULL)
    {
      g_autoptr(GError) store_error = g_error_new (GRANT_ERROR, GRANT_ERROR_STORE_FAILED,
                                                   "The stored token cannot be read: %s",
                                                   error->message);
      report_store_error (self, store_error);
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  if (self->token != NULL)
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
  g_mutex_unlock (&self->lock);
  install_token (self, token);
  return TRUE;
}

/* Whether the session should load its token from the store now: the
 * first time it needs one, unless it has one already. Asking decides. */
static gboolean
take_load_turn (GrantOAuth2Session *self)
{
  gboolean has_token;

  if (self->token_store == NULL || self->load_attempted)
    return FALSE;
  self->load_attempted = TRUE;
  g_mutex_lock (&self->lock);
  has_token = self->token != NULL;
  g_mutex_unlock (&self->lock);
  return !has_token;
}

/* The first request of a session with a store loads the token. A store
 * that fails is reported and the session goes on without a token. */
static void
ensure_loaded_sync (GrantOAuth2Session *self,
                    GCancellable       *cancellable)
{
  g_autoptr(GrantTokenKey) key = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  if (!take_load_turn (self))
    return;

  key = store_key (self);
  object = grant_token_store_load (self->token_store, key, cancellable, &error);
  if (error != NULL)
    report_store_error (self, error);
  else
    adopt_stored (self, object);
}

typedef struct {
  GrantOAuth2Session *self;
  LoadedFunc          then;
  gpointer            data;
} LoadStep;

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  LoadStep *step = user_data;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  object = grant_token_store_load_finish (GRANT_TOKEN_STORE (source), result, &error);
  if (error != NULL)
    report_store_error (step->self, error);
  else
    adopt_stored (step->self, object);
  step->then (step->self, step->data);
  g_object_unref (step->self);
  g_free (step);
}

/* ensure_loaded_sync () without blocking: @then runs after the load, or
 * at once when there is nothing to load. */
static void
ensure_loaded_async (GrantOAuth2Session *self,
                     GCancellable       *cancellable,
                     LoadedFunc          then,
                     gpointer            data)
{
  g_autoptr(GrantTokenKey) key = NULL;
  LoadStep *step;

  if (!take_load_turn (self))
    {
      then (self, data);
      return;
    }
  step = g_new0 (LoadStep, 1);
  step->self = g_object_ref (self);
  step->then = then;
  step->data = data;
  key = store_key (self);
  grant_token_store_load_async (self->token_store, key, cancellable, on_loaded, step);
}

/**
 * grant_oauth2_session_load_token:
 * @self: a `GrantOAuth2Session`
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a #GError
 *
 * Loads the token from [property@OAuth2Session:token-store] now, rather
 * than on the first request, replacing any the session has.
 *
 * Returns: %TRUE if a token was found; %FALSE with @error unset if there is
 *   none, set if the store failed
 */
gboolean
grant_oauth2_session_load_token (GrantOAuth2Session  *self,
                                 GCancellable        *cancellable,
                                 GError             **error)
{
  g_autoptr(GrantTokenKey) key = NULL;
  g_autoptr(JsonObject) object = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (GRANT_IS_OAUTH2_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->token_store == NULL)
    return FALSE;
  self->load_attempted = TRUE;
  key = store_key (self);
  object = grant_token_store_load (self->token_store, key, cancellable, &local_error);
  if (local_error != NULL)
    {
      report_store_error (self, local_error);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  install_token (self, NULL);
  return adopt_stored (self, object);
}

/**
 * grant_oauth2_session_logout:
 * @self: a `GrantOAuth2Session`
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a #GError
 *
 * Forgets the token, and deletes it from
 * [property@OAuth2Session:token-store]. The token is forgotten even if
 * the store fails.
 *
 * Returns: %TRUE unless the store failed
 */
gboolean
grant_oauth2_session_logout (GrantOAuth2Session  *self,
                             GCancellable        *cancellable,
                             GError             **error)
{
  g_autoptr(GrantTokenKey) key = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (GRANT_IS_OAUTH2_SESSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  install_token (self, NULL);
  self->load_attempted = TRUE;
  if (self->token_store == NULL)
    return TRUE;

  key = store_key (self);
  if (!grant_token_store_delete (self->token_store, key, cancellable, &local_error))
    {
      report_store_error (self, local_error);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Protected requests                                                  */

/* One request sent with the token, possibly twice (after a 401). */
typedef struct {
  SoupMessage        *message;
  GBytes             *body;
  char               *content_type;
  GUri               *base_uri;
  char               *used_token;
  GrantSendFlags      flags;
  gboolean            prepared;
  gboolean            retried;
  gulong              restarted_id;

  /* The request as the application gave it: every send starts again
   * from here, so a hook that put the token in the request itself (Slack,
   * Instagram) puts the refreshed one in a resend. */
  GUri               *app_uri;
  char               *app_method;
  SoupMessageHeaders *app_headers;
  GBytes             *app_body;
} ProtectedCall;

static void
protected_call_free (gpointer data)
{
  ProtectedCall *call = data;

  if (call->restarted_id != 0)
    g_signal_handler_disconnect (call->message, call->restarted_id);
  g_clear_object (&call->message);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call->content_type);
  g_clear_pointer (&call->base_uri, g_uri_unref);
  grant_secret_free (call->used_token);
  g_clear_pointer (&call->app_uri, g_uri_unref);
  g_free (call->app_method);
  g_clear_pointer (&call->app_headers, soup_message_headers_unref);
  g_clear_pointer (&call->app_body, g_bytes_unref);
  g_free (call);
}

static ProtectedCall *
protected_call_new (SoupMessage    *message,
                    GBytes         *body,
                    GrantSendFlags  flags)
{
  ProtectedCall *call = g_new0 (ProtectedCall, 1);

  call->message = g_object_ref (message);
  call->body = body ? g_bytes_ref (body) : NULL;
  call->content_type = g_strdup (soup_message_headers_get_one (soup_message_get_request_headers (message),
                                                               "Content-Type"));
  call->flags = flags;
  return call;
}

static gboolean
protected_call_has_hook (GrantOAuth2Session *self,
                         ProtectedCall      *call)
{
  return !(call->flags & GRANT_SEND_WITHHOLD_TOKEN) &&
         g_signal_has_handler_pending (self, signals[SIGNAL_PROTECTED_REQUEST], 0, FALSE);
}

/* Puts the message back as the application gave it (see app_uri); the
 * first time, keeps a copy of it, when there is a hook to run again. */
static void
protected_call_restore (GrantOAuth2Session *self,
                        ProtectedCall      *call)
{
  SoupMessageHeaders *headers = soup_message_get_request_headers (call->message);

  if (call->app_uri == NULL)
    {
      if (!protected_call_has_hook (self, call))
        return;
      call->app_uri = g_uri_ref (soup_message_get_uri (call->message));
      call->app_method = g_strdup (soup_message_get_method (call->message));
      call->app_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
      grant_http_append_headers (call->app_headers, headers);
      call->app_body = call->body ? g_bytes_ref (call->body) : NULL;
      return;
    }

  soup_message_set_uri (call->message, call->app_uri);
  soup_message_set_method (call->message, call->app_method);
  soup_message_headers_clear (headers);
  grant_http_append_headers (headers, call->app_headers);
  g_clear_pointer (&call->body, g_bytes_unref);
  call->body = call->app_body ? g_bytes_ref (call->app_body) : NULL;
  g_free (call->content_type);
  call->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  g_clear_pointer (&call->base_uri, g_uri_unref);
}

/* Credentials stay with the origin the request was meant for: libsoup
 * drops Authorization on a cross-origin redirect already, and a body that
 * carried the token goes on without it. */
static void
on_protected_restarted (SoupMessage   *message,
                        ProtectedCall *call)
{
  if (call->base_uri == NULL || grant_uri_same_origin (soup_message_get_uri (message), call->base_uri))
    return;

  soup_message_headers_remove (soup_message_get_request_headers (message), "Authorization");
  if (call->body != NULL && grant_method_has_body (soup_message_get_method (message)))
    soup_message_set_request_body_from_bytes (message, call->content_type, call->body);
}

/* Runs the protected-request hook (on every send, when someone listens),
 * so that what the handlers left is what is sent. */
static gboolean
protected_call_run_hook (GrantOAuth2Session  *self,
                         ProtectedCall       *call,
                         GError             **error)
{
  g_autoptr(GrantRequest) request = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *uri_text = NULL;
  SoupMessageHeaders *headers = soup_message_get_request_headers (call->message);

  if (!protected_call_has_hook (self, call))
    {
      call->base_uri = g_uri_ref (soup_message_get_uri (call->message));
      return TRUE;
    }

  uri_text = g_uri_to_string (soup_message_get_uri (call->message));
  request = grant_request_new (soup_message_get_method (call->message), uri_text);
  grant_http_append_headers (grant_request_get_headers (request), headers);
  if (call->body != NULL)
    grant_request_set_body (request, NULL, call->body);

  g_signal_emit (self, signals[SIGNAL_PROTECTED_REQUEST], 0, request);

  uri = grant_uri_parse_http (grant_request_get_uri (request), &local_error);
  if (uri == NULL)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "The request URL does not parse: %s", local_error->message);
      return FALSE;
    }
  soup_message_set_method (call->message, grant_request_get_method (request));
  soup_message_headers_clear (headers);
  grant_http_append_headers (headers, grant_request_get_headers (request));
  g_clear_pointer (&call->body, g_bytes_unref);
  if (grant_request_get_body (request) != NULL)
    call->body = g_bytes_ref (grant_request_get_body (request));
  g_free (call->content_type);
  call->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  call->base_uri = g_steal_pointer (&uri);
  return TRUE;
}

/* Runs the hook on the request as the application gave it, then places
 * the current token: the first send, and a resend after a refresh. */
static gboolean
protected_call_prepare (GrantOAuth2Session  *self,
                        ProtectedCall       *call,
                        GError             **error)
{
  g_autofree char *access_token = NULL;
  g_autofree char *token_type = NULL;
  gboolean bearer = TRUE;

  /* Without a hook, a resend keeps the first send's base_uri and body. */
  if (!call->prepared || call->app_uri != NULL)
    {
      protected_call_restore (self, call);
      if (!protected_call_run_hook (self, call, error))
        return FALSE;
    }
  if (!call->prepared)
    {
      call->prepared = TRUE;
      call->restarted_id = g_signal_connect (call->message, "restarted",
                                             G_CALLBACK (on_protected_restarted), call);
    }

  /* Every send, the first or a resend after a 401, starts from the
   * request as it was before any token was placed. */
  if (soup_message_get_uri (call->message) != call->base_uri)
    soup_message_set_uri (call->message, call->base_uri);
  if (call->body != NULL)
    soup_message_set_request_body_from_bytes (call->message, call->content_type, call->body);

  if (call->flags & GRANT_SEND_WITHHOLD_TOKEN)
    return TRUE;

  g_mutex_lock (&self->lock);
  if (self->token != NULL && is_set (grant_token_get_access_token (self->token)))
    {
      access_token = g_strdup (grant_token_get_access_token (self->token));
      bearer = grant_token_is_bearer (self->token);
      token_type = g_strdup (grant_token_get_token_type (self->token));
    }
  g_mutex_unlock (&self->lock);
  if (access_token == NULL)
    return TRUE;

  if (!self->allow_insecure &&
      g_ascii_strcasecmp (g_uri_get_scheme (call->base_uri), "https") != 0)
    {
      g_autofree char *uri_text = g_uri_to_string (call->base_uri);

      if (!check_transport (self, uri_text, "the request URL", error))
        return FALSE;
    }
  if (!bearer)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "Grant sends Bearer tokens, and the server issued a “%s” token", token_type);
      return FALSE;
    }

  grant_secret_free (call->used_token);
  call->used_token = g_strdup (access_token);

  switch (self->token_placement)
    {
    case GRANT_TOKEN_PLACEMENT_QUERY:
      {
        g_autoptr(GPtrArray) params = grant_params_new ();
        g_autofree char *uri_text = g_uri_to_string (call->base_uri);
        g_autofree char *with_token = NULL;
        g_autoptr(GUri) uri = NULL;

        grant_params_add (params, "access_token", access_token);
        with_token = grant_uri_append_params (uri_text, params);
        uri = g_uri_parse (with_token, SOUP_HTTP_URI_FLAGS, NULL);
        soup_message_set_uri (call->message, uri);
      }
      break;

    case GRANT_TOKEN_PLACEMENT_BODY:
      {
        GString *body;

        if (!grant_method_has_body (soup_message_get_method (call->message)) ||
            (call->body != NULL && g_bytes_get_size (call->body) > 0 &&
             (call->content_type == NULL ||
              g_ascii_strncasecmp (call->content_type, "application/x-www-form-urlencoded", 33) != 0)))
          {
            g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                                 "The token can only go in a form-encoded body; this request "
                                 "has none, so place it in the header or the query");
            return FALSE;
          }
        body = g_string_new_len (call->body ? g_bytes_get_data (call->body, NULL) : NULL,
                                 call->body ? g_bytes_get_size (call->body) : 0);
        if (body->len > 0)
          g_string_append_c (body, '&');
        g_string_append (body, "access_token=");
        grant_string_append_form_encoded (body, access_token);
        {
          g_autoptr(GBytes) bytes = g_string_free_to_bytes (body);
          soup_message_set_request_body_from_bytes (call->message, "application/x-www-form-urlencoded", bytes);
        }
      }
      break;

    case GRANT_TOKEN_PLACEMENT_HEADER:
    default:
      {
        g_autofree char *header = g_strconcat ("Bearer ", access_token, NULL);

        soup_message_headers_replace (soup_message_get_request_headers (call->message),
                                      "Authorization", header);
        grant_secret_wipe (header);
      }
      break;
    }
  grant_secret_wipe (access_token);
  return TRUE;
}

/* RFC 6750 §3.1: a 401 whose challenge says the token is no good earns
 * one refresh and one resend. */
static gboolean
protected_call_should_retry (GrantOAuth2Session *self,
                             ProtectedCall      *call)
{
  g_autofree char *bearer_error = NULL;

  if (call->retried || call->used_token == NULL || !self->auto_refresh ||
      soup_message_get_status (call->message) != SOUP_STATUS_UNAUTHORIZED)
    return FALSE;
  bearer_error = grant_oauth2_bearer_error (soup_message_headers_get_one (soup_message_get_response_headers (call->message),
                                                                           "WWW-Authenticate"));
  if (g_strcmp0 (bearer_error, "invalid_token") != 0)
    return FALSE;

  g_mutex_lock (&self->lock);
  if (!can_refresh_locked (self))
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
  g_mutex_unlock (&self->lock);
  call->retried = TRUE;
  return TRUE;
}

/**
 * grant_oauth2_session_send_and_read:
 * @self: a `GrantOAuth2Session`
 * @message: the request
 * @body: (nullable): the request body (libsoup 3 cannot read a message's
 *   body back, so Grant sets it)
 * @flags: flags, such as %GRANT_SEND_WITHHOLD_TOKEN
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a #GError
 *
 * Sends @message with the access token. A token that is due is refreshed
 * first when [property@OAuth2Session:auto-refresh] is on (and is
 * %GRANT_ERROR_TOKEN_EXPIRED otherwise); a `401` with `error="invalid_token"`
 * gets one refresh and one resend. [signal@OAuth2Session::protected-request]
 * runs before the token is placed. As with `soup_session_send_and_read()`,
 * an HTTP error status is not a #GError.
 *
 * Returns: (transfer full): the response body
 */
GBytes *
grant_oauth2_session_send_and_read (GrantOAuth2Session  *self,
                                    SoupMessage         *message,
                                    GBytes              *body,
                                    GrantSendFlags       flags,
                                    GCancellable        *cancellable,
                                    GError             **error)
{
  ProtectedCall *call;
  GBytes *response = NULL;

  g_return_val_if_fail (GRANT_IS_OAUTH2_SESSION (self), NULL);
  g_return_val_if_fail (SOUP_IS_MESSAGE (message), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  call = protected_call_new (message, body, flags);
  if (!(flags & GRANT_SEND_WITHHOLD_TOKEN))
    {
      ensure_loaded_sync (self, cancellable);
      if (!ensure_token_sync (self, NULL, cancellable, error))
        goto out;
    }

  for (;;)
    {
      /* The 401's body is not the answer, whatever happens next. */
      g_clear_pointer (&response, g_bytes_unref);
      if (!protected_call_prepare (self, call, error))
        goto out;
      response = soup_session_send_and_read (self->soup_session, message, cancellable, error);
      if (response == NULL || !protected_call_should_retry (self, call))
        break;
      if (!ensure_token_sync (self, call->used_token, cancellable, error))
        {
          g_clear_pointer (&response, g_bytes_unref);
          break;
        }
    }

out:
  protected_call_free (call);
  return response;
}

static void protected_call_send (GTask *task);

static void
on_protected_sent (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data);

static void
on_protected_token_ready (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!ensure_token_finish (GRANT_OAUTH2_SESSION (source), result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  protected_call_send (task);
}

static void
protected_call_send (GTask *task)
{
  GrantOAuth2Session *self = g_task_get_source_object (task);
  ProtectedCall *call = g_task_get_task_data (task);
  GError *error = NULL;

  if (!protected_call_prepare (self, call, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  soup_session_send_and_read_async (self->soup_session, call->message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), on_protected_sent, task);
}

static void
on_protected_sent (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  GrantOAuth2Session *self = g_task_get_source_object (task);
  ProtectedCall *call = g_task_get_task_data (task);
  GError *error = NULL;
  GBytes *body;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (protected_call_should_retry (self, call))
    {
      g_bytes_unref (body);
      ensure_token_async (self, call->used_token, g_task_get_cancellable (task),
                          on_protected_token_ready, task);
      return;
    }
  g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

static void
protected_call_continue (GrantOAuth2Session *self,
                         gpointer            data)
{
  GTask *task = data;

  ensure_token_async (self, NULL, g_task_get_cancellable (task), on_protected_token_ready, task);
}

/**
 * grant_oauth2_session_send_and_read_async:
 * @self: a `GrantOAuth2Session`
 * @message: the request
 * @body: (nullable): the request body
 * @flags: flags, such as %GRANT_SEND_WITHHOLD_TOKEN
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async): called when the response has been read
 * @user_data: data for @callback
 *
 * Asynchronous form of [method@OAuth2Session.send_and_read]. However many
 * requests find the token due at once, one refresh is made and they all
 * go on with its result.
 */
void
grant_oauth2_session_send_and_read_async (GrantOAuth2Session  *self,
                                          SoupMessage         *message,
                                          GBytes              *body,
                                          GrantSendFlags       flags,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (GRANT_IS_OAUTH2_SESSION (self));
  g_return_if_fail (SOUP_IS_MESSAGE (message));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, grant_oauth2_session_send_and_read_async);
  g_task_set_task_data (task, protected_call_new (message, body, flags), protected_call_free);

  if (flags & GRANT_SEND_WITHHOLD_TOKEN)
    protected_call_send (task);
  else
    ensure_loaded_async (self, cancellable, protected_call_continue, task);
}

/**
 * grant_oauth2_session_send_and_read_finish:
 * @self: a `GrantOAuth2Session`
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@OAuth2Session.send_and_read_async].
 *
 * Returns: (transfer full): the response body
 */
GBytes *
grant_oauth2_session_send_and_read_finish (GrantOAuth2Session  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
