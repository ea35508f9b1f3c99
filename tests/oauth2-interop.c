/* oauth2-interop.c: GrantOAuth2Session against real authorization servers
 *
 * node-oidc-provider (tests/servers/oidc-provider, from the npm registry)
 * for the authorization-code grant with PKCE, Basic and post client
 * authentication, refresh with rotation, client credentials and expiring
 * tokens; Debian's python3-oauthlib (tests/servers/oauth2-password-
 * provider.py) for the password grant. Login and consent are completed by
 * the scripted browser that `grant demo` uses.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <json-glib/json-glib.h>

#include "grant-demo-browser.h"
#include "test-utils.h"

#define CALLBACK_URI "http://127.0.0.1/callback"

static TestProvider *oidc;           /* access tokens live 60 s */
static TestProvider *oidc_short;     /* access tokens live 2 s */
static TestProvider *password_server;

static TestProvider *
start_oidc (const char *ttl)
{
  const char *script = g_getenv ("GRANT_OIDC_PROVIDER");
  const char *argv[] = { "node", script, "--port", "0", "--exit-on-stdin-eof", "--quiet",
                         "--access-token-ttl", ttl, NULL };

  g_assert_nonnull (script);
  return test_provider_start_argv (argv);
}

static TestProvider *
start_password_server (void)
{
  const char *script = g_getenv ("GRANT_OAUTH2_PASSWORD_PROVIDER");
  const char *python = g_getenv ("GRANT_PYTHON");
  const char *argv[] = { python ? python : "/usr/bin/python3", script, "--port", "0",
                         "--exit-on-stdin-eof", "--quiet", NULL };

  g_assert_nonnull (script);
  return test_provider_start_argv (argv);
}

static gint64
token_requests (TestProvider *server,
                const char   *grant_type)
{
  g_autoptr(JsonObject) stats = test_provider_stats (server);
  JsonObject *counts = json_object_get_object_member (stats, "token_requests");

  return counts ? json_object_get_int_member_with_default (counts, grant_type, 0) : 0;
}

static GrantOAuth2Session *
code_session (TestProvider    *server,
              const char      *client_id,
              const char      *client_secret,
              GrantClientAuth  auth)
{
  GrantOAuth2Session *session = grant_oauth2_session_new (client_id, client_secret);
  const char *scope[] = { "openid", "profile", "api:read", NULL };

  g_object_set (session,
                "client-auth", auth,
                "redirect-uri", CALLBACK_URI,
                "scope", scope,
                "issuer", test_provider_get_url (server),
                "allow-insecure-transport", TRUE,
                NULL);
  return session;
}

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Authorization URL → login and consent as alice → the callback URL. */
static char *
authorize (GrantOAuth2Session *session,
           TestProvider       *server)
{
  g_autofree char *endpoint = test_provider_url (server, "/auth");
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  char *callback;

  url = grant_oauth2_session_authorization_url (session, endpoint, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (url, "code_challenge_method=S256"));

  callback = grant_demo_browser_authorize (url, CALLBACK_URI, "alice", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (callback, CALLBACK_URI "?code="));
  return callback;
}

static GrantToken *
fetch_token (GrantOAuth2Session  *session,
             TestProvider        *server,
             const char          *callback,
             gboolean             async,
             GError             **error)
{
  g_autofree char *token_url = test_provider_url (server, "/token");
  g_autoptr(GAsyncResult) result = NULL;

  if (!async)
    return grant_oauth2_session_fetch_token (session, token_url, callback, NULL, NULL, NULL, error);

  grant_oauth2_session_fetch_token_async (session, token_url, callback, NULL, NULL, NULL,
                                          on_async_done, &result);
  return grant_oauth2_session_fetch_token_finish (session, wait_result (&result), error);
}

static JsonObject *
api_me (GrantOAuth2Session *session,
        TestProvider       *server,
        gboolean            async,
        guint              *status)
{
  g_autofree char *url = test_provider_url (server, "/api/me");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (async)
    {
      grant_oauth2_session_send_and_read_async (session, msg, NULL, GRANT_SEND_NONE, NULL,
                                                on_async_done, &result);
      body = grant_oauth2_session_send_and_read_finish (session, wait_result (&result), &error);
    }
  else
    body = grant_oauth2_session_send_and_read (session, msg, NULL, GRANT_SEND_NONE, NULL, &error);
  g_assert_no_error (error);

  *status = soup_message_get_status (msg);
  if (*status != 200)
    return NULL;
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

typedef struct {
  const char      *client_id;
  const char      *client_secret;
  GrantClientAuth  auth;
  gboolean         async;
} CodeCase;

static void
test_code_flow (gconstpointer data)
{
  const CodeCase *cc = data;
  g_autoptr(GrantOAuth2Session) session = code_session (oidc, cc->client_id, cc->client_secret, cc->auth);
  g_autofree char *callback = authorize (session, oidc);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(JsonObject) me = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  token = fetch_token (session, oidc, callback, cc->async, &error);
  g_assert_no_error (error);
  g_assert_nonnull (grant_token_get_access_token (token));
  g_assert_nonnull (grant_token_get_refresh_token (token));
  g_assert_nonnull (grant_token_get_id_token (token));
  g_assert_true (grant_token_is_bearer (token));
  g_assert_true (grant_token_get_expires_at (token) > g_get_real_time () / G_USEC_PER_SEC);
  g_assert_true (grant_oauth2_session_get_authorized (session));

  me = api_me (session, oidc, cc->async, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (me, "sub"), ==, "alice");
  g_assert_cmpstr (json_object_get_string_member (me, "client_id"), ==, cc->client_id);
}

/* A client registered for client_secret_post is refused with Basic, and
 * the error says so in the server's words. */
static void
test_wrong_client_auth (void)
{
  g_autoptr(GrantOAuth2Session) session = code_session (oidc, "confidential-post", "post-secret",
                                                        GRANT_CLIENT_AUTH_BASIC);
  g_autofree char *callback = authorize (session, oidc);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  token = fetch_token (session, oidc, callback, FALSE, &error);
  g_assert_null (token);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_CLIENT);
  g_assert_nonnull (strstr (error->message, "HTTP 401"));
  g_assert_null (strstr (error->message, "post-secret"));
  g_assert_false (grant_oauth2_session_get_authorized (session));
}

/* A code can be used once: the second exchange is invalid_grant. */
static void
test_code_reuse_refused (void)
{
  g_autoptr(GrantOAuth2Session) session = code_session (oidc, "public-pkce", NULL, GRANT_CLIENT_AUTH_NONE);
  g_autofree char *callback = authorize (session, oidc);
  g_autoptr(GrantToken) first = NULL;
  g_autoptr(GrantToken) second = NULL;
  g_autoptr(GError) error = NULL;

  first = fetch_token (session, oidc, callback, FALSE, &error);
  g_assert_no_error (error);
  second = fetch_token (session, oidc, callback, FALSE, &error);
  g_assert_null (second);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_GRANT);
}

/* RFC 9207: the callback says which issuer sent it. */
static void
test_issuer_mismatch (void)
{
  g_autoptr(GrantOAuth2Session) session = code_session (oidc, "public-pkce", NULL, GRANT_CLIENT_AUTH_NONE);
  g_autofree char *callback = authorize (session, oidc);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (session, "issuer", "https://attacker.example", NULL);
  token = fetch_token (session, oidc, callback, FALSE, &error);
  g_assert_null (token);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_MISMATCHING_ISSUER);
}

/* The verifier is readable and settable, so the exchange can happen in a
 * session other than the one that built the URL. */
static void
test_verifier_handed_over (void)
{
  g_autoptr(GrantOAuth2Session) first = code_session (oidc, "public-pkce", NULL, GRANT_CLIENT_AUTH_NONE);
  g_autoptr(GrantOAuth2Session) second = code_session (oidc, "public-pkce", NULL, GRANT_CLIENT_AUTH_NONE);
  g_autofree char *callback = authorize (first, oidc);
  g_autofree char *code = NULL;
  g_autofree char *token_url = test_provider_url (oidc, "/token");
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  const char *start = strstr (callback, "code=") + 5;

  code = g_strndup (start, strcspn (start, "&"));
  grant_oauth2_session_set_code_verifier (second, grant_oauth2_session_get_code_verifier (first));
  token = grant_oauth2_session_fetch_token (second, token_url, NULL, code, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
}

static void
test_refresh_rotation (void)
{
  g_autoptr(GrantOAuth2Session) session = code_session (oidc, "confidential-basic", "basic-secret",
                                                        GRANT_CLIENT_AUTH_AUTOMATIC);
  g_autofree char *callback = authorize (session, oidc);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GrantToken) refreshed = NULL;
  g_autoptr(GrantToken) again = NULL;
  g_autoptr(JsonObject) me = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_refresh = NULL;
  g_autofree char *second_refresh = NULL;
  guint status = 0;

  token = fetch_token (session, oidc, callback, FALSE, &error);
  g_assert_no_error (error);
  first_refresh = g_strdup (grant_token_get_refresh_token (token));

  /* The refresh uses the client authentication the session has (Basic);
   * the server refuses it otherwise. */
  refreshed = grant_oauth2_session_refresh_token (session, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  second_refresh = g_strdup (grant_token_get_refresh_token (refreshed));
  g_assert_cmpstr (second_refresh, !=, first_refresh);
  g_assert_cmpstr (grant_token_get_access_token (refreshed), !=, grant_token_get_access_token (token));

  again = grant_oauth2_session_refresh_token (session, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_refresh_token (again), !=, second_refresh);

  me = api_me (session, oidc, FALSE, &status);
  g_assert_cmpuint (status, ==, 200);
}

typedef struct {
  guint done;
  guint ok;
} Storm;

static void
on_storm_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Storm *storm = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  body = grant_oauth2_session_send_and_read_finish (GRANT_OAUTH2_SESSION (source), result, &error);
  g_assert_no_error (error);
  storm->done++;
  if (strstr (g_bytes_get_data (body, NULL), "\"sub\":\"alice\"") != NULL)
    storm->ok++;
}

/* The token expires (2-second tokens); 100 requests then need it at
 * once. oidc-provider revokes the whole grant when a rotated refresh
 * token is presented twice, so a second refresh would fail them all. */
static void
test_expired_token_single_flight (void)
{
  g_autoptr(GrantOAuth2Session) session = code_session (oidc_short, "public-pkce", NULL,
                                                        GRANT_CLIENT_AUTH_NONE);
  g_autofree char *callback = authorize (session, oidc_short);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before;
  Storm storm = { 0, 0 };

  g_object_set (session, "refresh-leeway", (gint64) 0, NULL);
  token = fetch_token (session, oidc_short, callback, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (grant_token_get_expires_in (token), ==, 2);

  g_usleep (2500 * 1000);
  before = token_requests (oidc_short, "refresh_token");
  for (int i = 0; i < 100; i++)
    {
      g_autofree char *url = test_provider_url (oidc_short, "/api/me");
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

      grant_oauth2_session_send_and_read_async (session, msg, NULL, GRANT_SEND_NONE, NULL,
                                                on_storm_done, &storm);
    }
  while (storm.done < 100)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (token_requests (oidc_short, "refresh_token") - before, ==, 1);
  g_assert_cmpuint (storm.ok, ==, 100);
}

/* A token the session thinks is good but the server has expired: the
 * 401 invalid_token earns one refresh and one resend. */
static void
test_401_invalid_token_retried (void)
{
  g_autoptr(GrantOAuth2Session) session = code_session (oidc_short, "public-pkce", NULL,
                                                        GRANT_CLIENT_AUTH_NONE);
  g_autofree char *callback = authorize (session, oidc_short);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GrantToken) lying = NULL;
  g_autoptr(JsonObject) me = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before;
  guint status = 0;

  token = fetch_token (session, oidc_short, callback, FALSE, &error);
  g_assert_no_error (error);
  lying = grant_token_copy (token);
  grant_token_set_expires_at (lying, g_get_real_time () / G_USEC_PER_SEC + 3600);
  grant_oauth2_session_set_token (session, lying);

  g_usleep (2500 * 1000);
  before = token_requests (oidc_short, "refresh_token");
  me = api_me (session, oidc_short, TRUE, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (token_requests (oidc_short, "refresh_token") - before, ==, 1);
}

/* With automatic refresh off, an expired token stops the request before
 * it is sent. */
static void
test_expired_without_auto_refresh (void)
{
  g_autoptr(GrantOAuth2Session) session = code_session (oidc_short, "public-pkce", NULL,
                                                        GRANT_CLIENT_AUTH_NONE);
  g_autofree char *callback = authorize (session, oidc_short);
  g_autofree char *url = test_provider_url (oidc_short, "/api/me");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (session, "auto-refresh", FALSE, "refresh-leeway", (gint64) 0, NULL);
  token = fetch_token (session, oidc_short, callback, FALSE, &error);
  g_assert_no_error (error);
  g_usleep (2500 * 1000);

  body = grant_oauth2_session_send_and_read (session, msg, NULL, GRANT_SEND_NONE, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_EXPIRED);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_NONE);
}

static void
test_client_credentials (gconstpointer data)
{
  gboolean async = GPOINTER_TO_INT (data);
  g_autoptr(GrantOAuth2Session) session =
    grant_oauth2_session_new_for_client_type (GRANT_CLIENT_TYPE_BACKEND_APPLICATION, "backend", "backend-secret");
  const char *scope[] = { "api:read", NULL };
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(JsonObject) me = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  g_object_set (session, "scope", scope, "allow-insecure-transport", TRUE, NULL);
  token = fetch_token (session, oidc, NULL, async, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_scope (token)[0], ==, "api:read");
  g_assert_null (grant_token_get_refresh_token (token));

  me = api_me (session, oidc, async, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (me, "client_id"), ==, "backend");
}

/* A backend client has no refresh token: an expired token is replaced by
 * asking for a new one (requests-oauthlib just fails). */
static void
test_client_credentials_refetch (void)
{
  g_autoptr(GrantOAuth2Session) session =
    grant_oauth2_session_new_for_client_type (GRANT_CLIENT_TYPE_BACKEND_APPLICATION, "backend", "backend-secret");
  const char *scope[] = { "api:read", NULL };
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(JsonObject) me = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before;
  guint status = 0;

  g_object_set (session, "scope", scope, "allow-insecure-transport", TRUE,
                "refresh-leeway", (gint64) 0, NULL);
  token = fetch_token (session, oidc_short, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_usleep (2500 * 1000);

  before = token_requests (oidc_short, "client_credentials");
  me = api_me (session, oidc_short, FALSE, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (token_requests (oidc_short, "client_credentials") - before, ==, 1);
}

typedef struct {
  GrantClientAuth auth;
  gboolean        async;
} PasswordCase;

static void
test_password_grant (gconstpointer data)
{
  const PasswordCase *pc = data;
  g_autoptr(GrantOAuth2Session) session =
    grant_oauth2_session_new_for_client_type (GRANT_CLIENT_TYPE_LEGACY_APPLICATION, "legacy-client", "legacy-secret");
  g_autofree char *token_url = test_provider_url (password_server, "/token");
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GrantToken) refreshed = NULL;
  g_autoptr(JsonObject) me = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  g_object_set (session, "client-auth", pc->auth, "allow-insecure-transport", TRUE, NULL);
  if (pc->async)
    {
      grant_oauth2_session_fetch_token_with_password_async (session, token_url, "alice", "wonderland",
                                                            NULL, NULL, on_async_done, &result);
      token = grant_oauth2_session_fetch_token_with_password_finish (session, wait_result (&result), &error);
    }
  else
    token = grant_oauth2_session_fetch_token_with_password (session, token_url, "alice", "wonderland",
                                                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (grant_token_get_refresh_token (token));

  me = api_me (session, password_server, pc->async, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (me, "user"), ==, "alice");

  refreshed = grant_oauth2_session_refresh_token (session, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_refresh_token (refreshed), !=, grant_token_get_refresh_token (token));
}

static void
test_password_refused (void)
{
  g_autoptr(GrantOAuth2Session) session =
    grant_oauth2_session_new_for_client_type (GRANT_CLIENT_TYPE_LEGACY_APPLICATION, "legacy-client", "legacy-secret");
  g_autofree char *token_url = test_provider_url (password_server, "/token");
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (session, "allow-insecure-transport", TRUE, NULL);
  token = grant_oauth2_session_fetch_token_with_password (session, token_url, "alice", "not-it",
                                                          NULL, NULL, &error);
  g_assert_null (token);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_GRANT);
  g_assert_nonnull (strstr (error->message, "Invalid credentials"));
  g_assert_null (strstr (error->message, "not-it"));
}

/* requests-oauthlib's OAuth2 helper: a token on any SoupSession's
 * messages, and the refusals a careful client makes. */
static void
test_auth_helper (void)
{
  g_autoptr(GrantOAuth2Session) session =
    grant_oauth2_session_new_for_client_type (GRANT_CLIENT_TYPE_BACKEND_APPLICATION, "backend", "backend-secret");
  const char *scope[] = { "api:read", NULL };
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GrantToken) expired = NULL;
  g_autoptr(GrantOAuth2) auth = NULL;
  g_autoptr(SoupSession) plain = soup_session_new ();
  g_autofree char *url = test_provider_url (oidc, "/api/me");
  g_autoptr(GError) error = NULL;

  g_object_set (session, "scope", scope, "allow-insecure-transport", TRUE, NULL);
  token = fetch_token (session, oidc, NULL, FALSE, &error);
  g_assert_no_error (error);

  /* Loopback is http: the helper refuses it unless told otherwise. */
  auth = grant_oauth2_new (token);
  {
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

    g_assert_false (grant_oauth2_add_token (auth, msg, NULL, &error));
    g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INSECURE_TRANSPORT);
    g_clear_error (&error);
  }

  g_setenv ("GRANT_INSECURE_TRANSPORT", "1", TRUE);
  grant_oauth2_attach (auth, plain);
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = soup_session_send_and_read (plain, msg, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    }

  expired = grant_token_copy (token);
  grant_token_set_expires_at (expired, 1000);
  grant_oauth2_set_token (auth, expired);
  {
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

    g_assert_false (grant_oauth2_add_token (auth, msg, NULL, &error));
    g_assert_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_EXPIRED);
    g_clear_error (&error);
  }
  grant_oauth2_detach (auth, plain);
  {
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) body = soup_session_send_and_read (plain, msg, NULL, &error);

    g_assert_cmpuint (soup_message_get_status (msg), ==, 401);
  }
  g_unsetenv ("GRANT_INSECURE_TRANSPORT");
}

int
main (int argc, char *argv[])
{
  static const CodeCase code_cases[] = {
    { "public-pkce", NULL, GRANT_CLIENT_AUTH_NONE, FALSE },
    { "public-pkce", NULL, GRANT_CLIENT_AUTH_NONE, TRUE },
    { "confidential-basic", "basic-secret", GRANT_CLIENT_AUTH_AUTOMATIC, FALSE },
    { "confidential-basic", "basic-secret", GRANT_CLIENT_AUTH_BASIC, TRUE },
    { "confidential-post", "post-secret", GRANT_CLIENT_AUTH_POST, FALSE },
    { "confidential-post", "post-secret", GRANT_CLIENT_AUTH_POST, TRUE },
  };
  static const char *code_names[] = {
    "public-pkce/sync", "public-pkce/async", "client-secret-basic-default/sync",
    "client-secret-basic/async", "client-secret-post/sync", "client-secret-post/async",
  };
  static const PasswordCase password_cases[] = {
    { GRANT_CLIENT_AUTH_AUTOMATIC, FALSE },
    { GRANT_CLIENT_AUTH_POST, TRUE },
  };
  int ret;

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (code_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/oauth2/interop/code-flow/%s", code_names[i]);
      g_test_add_data_func (path, &code_cases[i], test_code_flow);
    }
  g_test_add_func ("/oauth2/interop/code-flow/wrong-client-auth-refused", test_wrong_client_auth);
  g_test_add_func ("/oauth2/interop/code-flow/code-reuse-refused", test_code_reuse_refused);
  g_test_add_func ("/oauth2/interop/code-flow/issuer-mismatch", test_issuer_mismatch);
  g_test_add_func ("/oauth2/interop/code-flow/verifier-handed-to-another-session", test_verifier_handed_over);
  g_test_add_func ("/oauth2/interop/refresh/rotation", test_refresh_rotation);
  g_test_add_func ("/oauth2/interop/refresh/expired-token-single-flight", test_expired_token_single_flight);
  g_test_add_func ("/oauth2/interop/refresh/401-invalid-token-retried", test_401_invalid_token_retried);
  g_test_add_func ("/oauth2/interop/refresh/expired-without-auto-refresh", test_expired_without_auto_refresh);
  g_test_add_data_func ("/oauth2/interop/client-credentials/sync", GINT_TO_POINTER (FALSE), test_client_credentials);
  g_test_add_data_func ("/oauth2/interop/client-credentials/async", GINT_TO_POINTER (TRUE), test_client_credentials);
  g_test_add_func ("/oauth2/interop/client-credentials/refetched-when-expired", test_client_credentials_refetch);
  g_test_add_data_func ("/oauth2/interop/password/basic/sync", &password_cases[0], test_password_grant);
  g_test_add_data_func ("/oauth2/interop/password/post/async", &password_cases[1], test_password_grant);
  g_test_add_func ("/oauth2/interop/password/refused", test_password_refused);
  g_test_add_func ("/oauth2/interop/auth-helper", test_auth_helper);

  oidc = start_oidc ("60");
  oidc_short = start_oidc ("2");
  password_server = start_password_server ();
  ret = g_test_run ();
  test_provider_stop (password_server);
  test_provider_stop (oidc_short);
  test_provider_stop (oidc);
  return ret;
}
