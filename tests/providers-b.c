/* providers-b.c: the GitHub, Slack, Instagram, Mailchimp, Weibo, Douban,
 * eBay, plentymarkets and Spotify provider modules
 *
 * For each provider: its endpoints and defaults as the registry loads
 * them from the built module (GRANT_PROVIDER_PATH), and as
 * grant_oauth2_session_new_for_provider() hands them to a session; then
 * every compliance fix, driven through a real session — the hooks the
 * module connected, not a call into the module — against an in-process
 * loopback server answering as that provider does (status, Content-Type,
 * body). The session is made for the provider, and only its endpoints
 * are then pointed at the loopback server. Each test checks the token
 * Grant read, or what the resource server received.
 *
 * Where a fix changes something the token model would hide (a null scope
 * removed, a default token type), a handler connected after the module's
 * reads the response as the module left it: signal handlers run in the
 * order they were connected.
 *
 * Every test runs in a subprocess of its own (GRANT_TEST_NO_FORK=1 runs
 * them in-process, for a debugger).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <json-glib/json-glib.h>

#include "fault-server.h"
#include "test-utils.h"

#define CLIENT_ID      "grant-client-id"
#define CLIENT_SECRET  "grant-client-secret"
#define CODE           "AUTH-CODE-b7"
#define VERIFIER       "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define DUMMY_TOKEN    "dummy-access-token"

#define FORM_TYPE "application/x-www-form-urlencoded"
#define JSON_TYPE "application/json"

#define CASE_TIMEOUT_S 40

/* ------------------------------------------------------------------ */
/* The loopback server                                                  */
/* ------------------------------------------------------------------ */

/* How the server answers one path. */
typedef struct {
  const char *path;
  guint       status;
  const char *content_type;
  const char *body;
} Route;

/* The loopback server is a fault server that answers by route. */
typedef FaultServer Loopback;

/* Runs on the server thread. @data: the routes, ending with a NULL path. */
static void
respond_routes (FaultServer       *fs G_GNUC_UNUSED,
                SoupServerMessage *msg,
                const char        *path,
                gconstpointer      data)
{
  const Route *route = NULL;

  for (const Route *r = data; r->path != NULL; r++)
    if (g_str_equal (r->path, path))
      {
        route = r;
        break;
      }

  if (route == NULL)
    {
      soup_server_message_set_status (msg, 404, NULL);
      soup_server_message_set_response (msg, JSON_TYPE, SOUP_MEMORY_STATIC,
                                        "{\"error\":\"not_found\"}", strlen ("{\"error\":\"not_found\"}"));
      return;
    }
  soup_server_message_set_status (msg, route->status, NULL);
  soup_server_message_set_response (msg, route->content_type, SOUP_MEMORY_STATIC,
                                    route->body, strlen (route->body));
}

static Loopback *
loopback_new (const Route *routes)
{
  return fault_server_new (respond_routes, routes);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Loopback, fault_server_free)

static char *
loopback_url (Loopback   *lb,
              const char *path)
{
  return fault_server_url (lb, path);
}

/* How many requests reached @path. */
static guint
loopback_count (Loopback   *lb,
                const char *path)
{
  guint n = 0;

  g_mutex_lock (&lb->lock);
  for (guint i = 0; i < lb->requests->len; i++)
    if (g_str_equal (((Recorded *) g_ptr_array_index (lb->requests, i))->path, path))
      n++;
  g_mutex_unlock (&lb->lock);
  return n;
}

/* The last request to @path; it stays valid until @lb is freed. */
static const Recorded *
loopback_last (Loopback   *lb,
               const char *path)
{
  const Recorded *found = NULL;

  g_mutex_lock (&lb->lock);
  for (guint i = 0; i < lb->requests->len; i++)
    if (g_str_equal (((Recorded *) g_ptr_array_index (lb->requests, i))->path, path))
      found = g_ptr_array_index (lb->requests, i);
  g_mutex_unlock (&lb->lock);
  g_assert_nonnull (found);
  return found;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

/* Every value of @name in a form-encoded @text, in order. */
static GPtrArray *
form_values (const char *text,
             const char *name)
{
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
  GUriParamsIter iter;
  char *key, *value;
  g_autoptr(GError) error = NULL;

  if (text == NULL)
    return values;
  g_uri_params_iter_init (&iter, text, -1, "&", G_URI_PARAMS_WWW_FORM);
  while (g_uri_params_iter_next (&iter, &key, &value, &error))
    {
      if (g_str_equal (key, name))
        g_ptr_array_add (values, g_steal_pointer (&value));
      g_free (key);
      g_free (value);
    }
  g_assert_no_error (error);
  return values;
}

/* The one value of @name in @text, or NULL if there is none; more than
 * one is a failure. */
static char *
form_value (const char *text,
            const char *name)
{
  g_autoptr(GPtrArray) values = form_values (text, name);

  g_assert_cmpuint (values->len, <=, 1);
  return values->len ? g_strdup (g_ptr_array_index (values, 0)) : NULL;
}

static GrantProvider *
lookup (const char *id)
{
  GrantProvider *provider = grant_provider_registry_lookup (grant_provider_registry_get_default (), id);

  if (provider == NULL)
    g_error ("No provider “%s”: is GRANT_PROVIDER_PATH (%s) the built modules?", id,
             g_getenv ("GRANT_PROVIDER_PATH"));
  g_assert_cmpstr (grant_provider_get_id (provider), ==, id);
  return provider;
}

/* A session for @id whose token and authorization endpoints are the
 * loopback server's /token and /authorize, over http. */
static GrantOAuth2Session *
session_for (const char *id,
             const char *client_secret,
             Loopback   *lb)
{
  g_autoptr(GError) error = NULL;
  GrantOAuth2Session *session = grant_oauth2_session_new_for_provider (id, CLIENT_ID, client_secret, &error);
  g_autofree char *token_url = loopback_url (lb, "/token");
  g_autofree char *authorize_url = loopback_url (lb, "/authorize");

  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_object_set (session,
                "token-url", token_url,
                "authorization-endpoint", authorize_url,
                "allow-insecure-transport", TRUE,
                NULL);
  return session;
}

static void
set_token_json (GrantOAuth2Session *session,
                const char         *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrantToken) token = grant_token_new_from_json (json, &error);

  g_assert_no_error (error);
  grant_oauth2_session_set_token (session, token);
}

/* Sends a protected request to the loopback server through @session. */
static void
send_protected (GrantOAuth2Session *session,
                Loopback           *lb,
                const char         *method,
                const char         *path_and_query,
                const char         *content_type,
                const char         *body)
{
  g_autofree char *url = loopback_url (lb, path_and_query);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) request_body = body ? g_bytes_new (body, strlen (body)) : NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (message);
  if (content_type != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Content-Type", content_type);
  response = grant_oauth2_session_send_and_read (session, message, request_body, GRANT_SEND_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
}

static GrantToken *
fetch_with_code (GrantOAuth2Session *session)
{
  g_autoptr(GError) error = NULL;
  GrantToken *token;

  /* For providers with PKCE: the verifier of an earlier authorization URL. */
  g_object_set (session, "code-verifier", VERIFIER, NULL);
  token = grant_oauth2_session_fetch_token (session, NULL, NULL, CODE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  return token;
}

/* Connected after the module's handlers: keeps the token response's body
 * as the module's fixes left it. */
static void
keep_fixed_response (GrantOAuth2Session *session,
                     GrantResponse      *response,
                     gpointer            user_data)
{
  JsonObject **out = user_data;

  g_clear_pointer (out, json_object_unref);
  *out = grant_response_get_json (response);
}

static void
assert_strv (const char * const *got,
             const char * const *expected)
{
  g_assert_nonnull (got);
  g_assert_cmpuint (g_strv_length ((char **) got), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (got[i], ==, expected[i]);
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

typedef struct {
  const char          *id;
  const char          *display_name;
  const char          *authorization_url;
  const char          *token_url;
  const char          *refresh_url;
  const char          *userinfo_url;
  const char * const  *scopes;
  const char          *scope_separator;
  GrantClientAuth      client_auth;
  GrantPkceMethod      pkce_method;
  GrantTokenPlacement  token_placement;
  const char          *documentation_prefix;
} Defaults;

/* The provider as the registry has it, and a session made for it with a
 * client secret (what a confidential client gets). */
static void
check_defaults (const Defaults *d)
{
  g_autoptr(GrantProvider) provider = lookup (d->id);
  g_autoptr(GrantOAuth2Session) session = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) scope = NULL;
  g_autofree char *authorization = NULL, *token_url = NULL, *refresh_url = NULL;
  g_autofree char *separator = NULL, *provider_id = NULL;
  GrantClientAuth client_auth;
  GrantPkceMethod pkce;
  GrantTokenPlacement placement;
  const char *doc;

  g_assert_cmpstr (grant_provider_get_display_name (provider), ==, d->display_name);
  g_assert_true (grant_provider_get_protocols (provider) & GRANT_PROVIDER_PROTOCOLS_OAUTH2);
  g_assert_cmpstr (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_AUTHORIZATION), ==, d->authorization_url);
  g_assert_cmpstr (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_TOKEN), ==, d->token_url);
  g_assert_cmpstr (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_REFRESH), ==, d->refresh_url);
  g_assert_cmpstr (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_USERINFO), ==, d->userinfo_url);
  if (d->scopes != NULL)
    assert_strv (grant_provider_get_default_scopes (provider), d->scopes);
  else
    g_assert_true (grant_provider_get_default_scopes (provider) == NULL ||
                   grant_provider_get_default_scopes (provider)[0] == NULL);
  g_assert_cmpstr (grant_provider_get_scope_separator (provider), ==, d->scope_separator);
  g_assert_cmpint (grant_provider_get_client_auth (provider), ==, d->client_auth);
  g_assert_cmpint (grant_provider_get_pkce_method (provider), ==, d->pkce_method);
  g_assert_cmpint (grant_provider_get_token_placement (provider), ==, d->token_placement);
  doc = grant_provider_get_documentation_url (provider);
  g_assert_nonnull (doc);
  g_assert_true (g_str_has_prefix (doc, d->documentation_prefix));

  session = grant_oauth2_session_new_for_provider (d->id, CLIENT_ID, CLIENT_SECRET, &error);
  g_assert_no_error (error);
  g_object_get (session,
                "provider", &provider_id,
                "authorization-endpoint", &authorization,
                "token-url", &token_url,
                "refresh-url", &refresh_url,
                "scope", &scope,
                "scope-separator", &separator,
                "client-auth", &client_auth,
                "pkce-method", &pkce,
                "token-placement", &placement,
                NULL);
  g_assert_cmpstr (provider_id, ==, d->id);
  g_assert_cmpstr (authorization, ==, d->authorization_url);
  g_assert_cmpstr (token_url, ==, d->token_url);
  g_assert_cmpstr (refresh_url, ==, d->refresh_url);
  if (d->scopes != NULL)
    assert_strv ((const char * const *) scope, d->scopes);
  else
    g_assert_true (scope == NULL || scope[0] == NULL);
  g_assert_cmpstr (separator, ==, d->scope_separator);
  g_assert_cmpint (client_auth, ==, d->client_auth);
  g_assert_cmpint (pkce, ==, d->pkce_method);
  g_assert_cmpint (placement, ==, d->token_placement);
}

/* What a session made without a client secret (a desktop app) uses: the
 * provider's client_secret_basic, which sends the id in the body while
 * there is no secret. */
static void
check_public_client (const char      *id,
                     GrantClientAuth  client_auth,
                     GrantPkceMethod  pkce_method)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrantOAuth2Session) session = grant_oauth2_session_new_for_provider (id, CLIENT_ID, NULL, &error);
  GrantClientAuth got_auth;
  GrantPkceMethod got_pkce;

  g_assert_no_error (error);
  g_object_get (session, "client-auth", &got_auth, "pkce-method", &got_pkce, NULL);
  g_assert_cmpint (got_auth, ==, client_auth);
  g_assert_cmpint (got_pkce, ==, pkce_method);
}

/* ------------------------------------------------------------------ */
/* GitHub                                                               */
/* ------------------------------------------------------------------ */

static void
test_github_defaults (void)
{
  static const char * const scopes[] = { "read:user", NULL };
  const Defaults d = {
    "github", "GitHub",
    "https://github.com/login/oauth/authorize",
    "https://github.com/login/oauth/access_token",
    NULL,
    "https://api.github.com/user",
    scopes, " ",
    GRANT_CLIENT_AUTH_POST, GRANT_PKCE_METHOD_S256, GRANT_TOKEN_PLACEMENT_HEADER,
    "https://docs.github.com/",
  };
  g_autoptr(GrantProvider) provider = lookup ("github");

  check_defaults (&d);
  g_assert_cmpstr (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_DEVICE_AUTHORIZATION), ==,
                   "https://github.com/login/device/code");
}

/* GitHub answers form-encoded when the client does not ask for JSON,
 * with the granted scopes comma-separated. */
static void
test_github_form_encoded_token (void)
{
  static const Route routes[] = {
    { "/token", 200, FORM_TYPE, "access_token=gho_x&scope=repo%2Cgist&token_type=bearer" },
    { NULL },
  };
  static const char * const granted[] = { "repo", "gist", NULL };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("github", CLIENT_SECRET, lb);
  g_autoptr(GrantToken) token = fetch_with_code (session);
  const Recorded *request = loopback_last (lb, "/token");
  g_autofree char *client_id = form_value (request->body, "client_id");
  g_autofree char *client_secret = form_value (request->body, "client_secret");
  g_autofree char *verifier = form_value (request->body, "code_verifier");

  g_assert_cmpstr (grant_token_get_access_token (token), ==, "gho_x");
  assert_strv (grant_token_get_scope (token), granted);
  g_assert_true (grant_token_is_bearer (token));

  /* client_secret_post, with the PKCE verifier. */
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_null (request->authorization);
  g_assert_cmpstr (client_id, ==, CLIENT_ID);
  g_assert_cmpstr (client_secret, ==, CLIENT_SECRET);
  g_assert_cmpstr (verifier, ==, VERIFIER);
}

/* GitHub refuses a code with HTTP 200 and an error in the body. */
static void
test_github_error_in_200 (void)
{
  static const Route routes[] = {
    { "/token", 200, JSON_TYPE,
      "{\"error\":\"bad_verification_code\",\"error_description\":\"The code passed is incorrect or expired.\","
      "\"error_uri\":\"https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code\"}" },
    { NULL },
  };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("github", CLIENT_SECRET, lb);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (session, "code-verifier", VERIFIER, NULL);
  token = grant_oauth2_session_fetch_token (session, NULL, NULL, CODE, NULL, NULL, &error);
  g_assert_null (token);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_SERVER_REPORTED);
  g_assert_nonnull (strstr (error->message, "bad_verification_code"));
  g_assert_nonnull (strstr (error->message, "The code passed is incorrect or expired."));
  g_assert_false (grant_oauth2_session_get_authorized (session));
}

/* ------------------------------------------------------------------ */
/* Slack                                                                */
/* ------------------------------------------------------------------ */

static const Route slack_api_routes[] = {
  { "/api/auth.test", 200, JSON_TYPE, "{\"ok\":true,\"team\":\"T\",\"user\":\"U\"}" },
  { "/api/chat.postMessage", 200, JSON_TYPE, "{\"ok\":true}" },
  { NULL },
};

static void
test_slack_defaults (void)
{
  const Defaults d = {
    "slack", "Slack",
    "https://slack.com/oauth/v2/authorize",
    "https://slack.com/api/oauth.v2.access",
    NULL,
    "https://slack.com/api/auth.test",
    NULL, ",",
    GRANT_CLIENT_AUTH_BASIC, GRANT_PKCE_METHOD_NONE, GRANT_TOKEN_PLACEMENT_HEADER,
    "https://docs.slack.dev/",
  };

  check_defaults (&d);
  check_public_client ("slack", GRANT_CLIENT_AUTH_BASIC, GRANT_PKCE_METHOD_S256);
}

static GrantOAuth2Session *
slack_session_with_token (Loopback *lb)
{
  GrantOAuth2Session *session = session_for ("slack", CLIENT_SECRET, lb);

  set_token_json (session, "{\"access_token\":\"" DUMMY_TOKEN "\",\"token_type\":\"Bearer\"}");
  return session;
}

/* requests-oauthlib's vector: GET auth.test with no body sends the token
 * as a form body, none in the query, and the Bearer header as well. */
static void
test_slack_token_in_body_when_none (void)
{
  g_autoptr(Loopback) lb = loopback_new (slack_api_routes);
  g_autoptr(GrantOAuth2Session) session = slack_session_with_token (lb);
  const Recorded *request;
  g_autofree char *in_body = NULL;
  g_autofree char *in_query = NULL;

  send_protected (session, lb, "GET", "/api/auth.test", NULL, NULL);
  request = loopback_last (lb, "/api/auth.test");
  in_body = form_value (request->body, "token");
  in_query = form_value (request->query, "token");

  g_assert_cmpstr (request->body, ==, "token=" DUMMY_TOKEN);
  g_assert_true (g_str_has_prefix (request->content_type, FORM_TYPE));
  g_assert_cmpstr (in_body, ==, DUMMY_TOKEN);
  g_assert_null (in_query);
  g_assert_cmpstr (request->authorization, ==, "Bearer " DUMMY_TOKEN);
}

/* A form body gets the token as one more field. */
static void
test_slack_token_added_to_form_body (void)
{
  g_autoptr(Loopback) lb = loopback_new (slack_api_routes);
  g_autoptr(GrantOAuth2Session) session = slack_session_with_token (lb);
  const Recorded *request;
  g_autofree char *token = NULL, *channel = NULL, *text = NULL, *in_query = NULL;

  send_protected (session, lb, "POST", "/api/chat.postMessage", FORM_TYPE, "channel=C1&text=hello+world");
  request = loopback_last (lb, "/api/chat.postMessage");
  token = form_value (request->body, "token");
  channel = form_value (request->body, "channel");
  text = form_value (request->body, "text");
  in_query = form_value (request->query, "token");

  g_assert_cmpstr (token, ==, DUMMY_TOKEN);
  g_assert_cmpstr (channel, ==, "C1");
  g_assert_cmpstr (text, ==, "hello world");
  g_assert_null (in_query);
  g_assert_cmpstr (request->authorization, ==, "Bearer " DUMMY_TOKEN);
}

/* A body that is not a form (JSON here) is left alone: the token goes in
 * the URL's query. */
static void
test_slack_token_in_query_for_json_body (void)
{
  g_autoptr(Loopback) lb = loopback_new (slack_api_routes);
  g_autoptr(GrantOAuth2Session) session = slack_session_with_token (lb);
  const char *json = "{\"channel\":\"C1\",\"text\":\"hello\"}";
  const Recorded *request;
  g_autofree char *in_query = NULL, *other = NULL;

  send_protected (session, lb, "POST", "/api/chat.postMessage?pretty=1", JSON_TYPE, json);
  request = loopback_last (lb, "/api/chat.postMessage");
  in_query = form_value (request->query, "token");
  other = form_value (request->query, "pretty");

  g_assert_cmpstr (request->body, ==, json);
  g_assert_true (g_str_has_prefix (request->content_type, JSON_TYPE));
  g_assert_cmpstr (in_query, ==, DUMMY_TOKEN);
  g_assert_cmpstr (other, ==, "1");
  g_assert_cmpstr (request->authorization, ==, "Bearer " DUMMY_TOKEN);
}

/* A token the caller put in the query is the one sent; nothing is added
 * to the body. */
static void
test_slack_callers_query_token_kept (void)
{
  g_autoptr(Loopback) lb = loopback_new (slack_api_routes);
  g_autoptr(GrantOAuth2Session) session = slack_session_with_token (lb);
  const Recorded *request;
  g_autofree char *in_query = NULL;

  send_protected (session, lb, "GET", "/api/auth.test?token=different-token", NULL, NULL);
  request = loopback_last (lb, "/api/auth.test");
  in_query = form_value (request->query, "token");

  g_assert_cmpstr (in_query, ==, "different-token");
  g_assert_cmpstr (request->body, ==, "");
}

/* A token the caller put in a form body is the one sent, for GET and
 * POST alike. */
static void
test_slack_callers_body_token_kept (void)
{
  g_autoptr(Loopback) lb = loopback_new (slack_api_routes);
  g_autoptr(GrantOAuth2Session) session = slack_session_with_token (lb);
  const char *methods[] = { "GET", "POST" };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      const Recorded *request;
      g_autofree char *in_body = NULL, *in_query = NULL;

      send_protected (session, lb, methods[i], "/api/auth.test", FORM_TYPE, "token=different-token");
      request = loopback_last (lb, "/api/auth.test");
      in_body = form_value (request->body, "token");
      in_query = form_value (request->query, "token");

      g_assert_cmpstr (request->method, ==, methods[i]);
      g_assert_cmpstr (in_body, ==, "different-token");
      g_assert_null (in_query);
    }
}

/* oauth.v2.access calls a bot token "bot"; it is a Bearer token. */
static void
test_slack_bot_token_type_is_bearer (void)
{
  static const Route routes[] = {
    { "/token", 200, JSON_TYPE,
      "{\"ok\":true,\"access_token\":\"xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy\","
      "\"token_type\":\"bot\",\"scope\":\"commands,incoming-webhook\",\"bot_user_id\":\"U0KRQLJ9H\","
      "\"app_id\":\"A0KRD7HC3\",\"team\":{\"name\":\"Slack Softball Team\",\"id\":\"T9TK3CUKW\"},"
      "\"enterprise\":null,\"authed_user\":{\"id\":\"U1234\",\"scope\":\"chat:write\","
      "\"access_token\":\"xoxp-1234\",\"token_type\":\"user\"}}" },
    { "/api/auth.test", 200, JSON_TYPE, "{\"ok\":true}" },
    { NULL },
  };
  static const char * const scope[] = { "commands", "incoming-webhook", NULL };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("slack", CLIENT_SECRET, lb);
  g_autoptr(GrantToken) token = fetch_with_code (session);
  const Recorded *request = loopback_last (lb, "/token");
  g_autofree char *basic = NULL;
  g_autofree char *credentials = g_strconcat (CLIENT_ID, ":", CLIENT_SECRET, NULL);
  g_autofree char *expected = g_base64_encode ((const guchar *) credentials, strlen (credentials));

  /* A confidential client: HTTP Basic, no PKCE. */
  basic = g_strconcat ("Basic ", expected, NULL);
  g_assert_cmpstr (request->authorization, ==, basic);
  g_assert_null (strstr (request->body, "client_secret"));
  g_assert_null (strstr (request->body, "code_verifier"));

  /* The bot token, as a Bearer token. */
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy");
  g_assert_cmpstr (grant_token_get_token_type (token), ==, "Bearer");
  assert_strv (grant_token_get_scope (token), scope);

  /* …which the session will send. */
  send_protected (session, lb, "GET", "/api/auth.test", NULL, NULL);
  g_assert_cmpstr (loopback_last (lb, "/api/auth.test")->authorization, ==,
                   "Bearer xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy");
}

/* An installation that asked for user scopes only (all a desktop app may
 * ask for) has its token in authed_user. */
static void
test_slack_user_token_from_authed_user (void)
{
  static const Route routes[] = {
    { "/token", 200, JSON_TYPE,
      "{\"ok\":true,\"app_id\":\"A0KRD7HC3\",\"authed_user\":{\"id\":\"U1234\","
      "\"scope\":\"chat:write,users:read\",\"access_token\":\"xoxp-1234\",\"token_type\":\"user\","
      "\"refresh_token\":\"xoxe-1-refresh\",\"expires_in\":43200},"
      "\"team\":{\"id\":\"T9TK3CUKW\",\"name\":\"Slack Softball Team\"},\"enterprise\":null,"
      "\"is_enterprise_install\":false}" },
    { NULL },
  };
  static const char * const scope[] = { "chat:write", "users:read", NULL };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("slack", NULL, lb);
  g_autoptr(GrantToken) token = fetch_with_code (session);
  const Recorded *request = loopback_last (lb, "/token");
  g_autofree char *client_id = form_value (request->body, "client_id");
  g_autofree char *verifier = form_value (request->body, "code_verifier");
  JsonObject *extras;

  /* A public client: client_id and the PKCE verifier in the body. */
  g_assert_null (request->authorization);
  g_assert_cmpstr (client_id, ==, CLIENT_ID);
  g_assert_cmpstr (verifier, ==, VERIFIER);

  g_assert_cmpstr (grant_token_get_access_token (token), ==, "xoxp-1234");
  g_assert_cmpstr (grant_token_get_token_type (token), ==, "Bearer");
  g_assert_cmpstr (grant_token_get_refresh_token (token), ==, "xoxe-1-refresh");
  g_assert_cmpint (grant_token_get_expires_in (token), ==, 43200);
  assert_strv (grant_token_get_scope (token), scope);
  extras = grant_token_get_extras (token);
  g_assert_true (json_object_has_member (extras, "authed_user"));
  g_assert_cmpstr (json_object_get_string_member (extras, "app_id"), ==, "A0KRD7HC3");
}

/* Slack refuses with HTTP 200, "ok": false and an error code. */
static void
test_slack_ok_false_is_error (void)
{
  static const Route routes[] = {
    { "/token", 200, JSON_TYPE, "{\"ok\":false,\"error\":\"invalid_code\"}" },
    { NULL },
  };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("slack", CLIENT_SECRET, lb);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  token = grant_oauth2_session_fetch_token (session, NULL, NULL, CODE, NULL, NULL, &error);
  g_assert_null (token);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_SERVER_REPORTED);
  g_assert_nonnull (strstr (error->message, "invalid_code"));
}

/* ------------------------------------------------------------------ */
/* Instagram                                                            */
/* ------------------------------------------------------------------ */

static const Route instagram_api_routes[] = {
  { "/me", 200, JSON_TYPE, "{\"user_id\":\"17841405793187218\",\"username\":\"someone\"}" },
  { NULL },
};

static void
test_instagram_defaults (void)
{
  static const char * const scopes[] = { "instagram_business_basic", NULL };
  const Defaults d = {
    "instagram", "Instagram",
    "https://www.instagram.com/oauth/authorize",
    "https://api.instagram.com/oauth/access_token",
    NULL,
    "https://graph.instagram.com/me",
    scopes, ",",
    GRANT_CLIENT_AUTH_POST, GRANT_PKCE_METHOD_NONE, GRANT_TOKEN_PLACEMENT_HEADER,
    "https://developers.facebook.com/docs/instagram-platform/",
  };

  check_defaults (&d);
}

/* requests-oauthlib's vector: the token is added to the query (and the
 * Bearer header still sent). */
static void
test_instagram_access_token_in_query (void)
{
  g_autoptr(Loopback) lb = loopback_new (instagram_api_routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("instagram", CLIENT_SECRET, lb);
  const Recorded *request;
  g_autofree char *in_query = NULL, *fields = NULL;

  set_token_json (session, "{\"access_token\":\"" DUMMY_TOKEN "\"}");
  send_protected (session, lb, "GET", "/me?fields=user_id,username", NULL, NULL);
  request = loopback_last (lb, "/me");
  in_query = form_value (request->query, "access_token");
  fields = form_value (request->query, "fields");

  g_assert_cmpstr (in_query, ==, DUMMY_TOKEN);
  g_assert_cmpstr (fields, ==, "user_id,username");
  g_assert_cmpstr (request->authorization, ==, "Bearer " DUMMY_TOKEN);
}

/* requests-oauthlib's vector: an access_token the caller put in the
 * query is kept, and not doubled. */
static void
test_instagram_existing_access_token_kept (void)
{
  g_autoptr(Loopback) lb = loopback_new (instagram_api_routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("instagram", CLIENT_SECRET, lb);
  const Recorded *request;
  g_autofree char *in_query = NULL;

  set_token_json (session, "{\"access_token\":\"" DUMMY_TOKEN "\"}");
  send_protected (session, lb, "GET", "/me?access_token=correct-access-token", NULL, NULL);
  request = loopback_last (lb, "/me");
  in_query = form_value (request->query, "access_token");

  g_assert_cmpstr (in_query, ==, "correct-access-token");
}

/* The code exchange as Meta documents it (wrapped in "data"), and as
 * Basic Display answered (flat): both give the token. */
static void
test_instagram_token_response_shapes (void)
{
  static const Route wrapped_routes[] = {
    { "/token", 200, JSON_TYPE,
      "{\"data\":[{\"access_token\":\"IGAAwrapped\",\"user_id\":\"1020\","
      "\"permissions\":\"instagram_business_basic,instagram_business_content_publish\"}]}" },
    { NULL },
  };
  static const Route flat_routes[] = {
    { "/token", 200, JSON_TYPE, "{\"access_token\":\"IGQVJflat\",\"user_id\":17841405793187218}" },
    { NULL },
  };
  const Route *cases[] = { wrapped_routes, flat_routes };
  const char *expected[] = { "IGAAwrapped", "IGQVJflat" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Loopback) lb = loopback_new (cases[i]);
      g_autoptr(GrantOAuth2Session) session = session_for ("instagram", CLIENT_SECRET, lb);
      g_autoptr(GrantToken) token = fetch_with_code (session);
      const Recorded *request = loopback_last (lb, "/token");
      g_autofree char *client_secret = form_value (request->body, "client_secret");
      JsonObject *extras = grant_token_get_extras (token);

      g_assert_cmpstr (grant_token_get_access_token (token), ==, expected[i]);
      g_assert_true (grant_token_is_bearer (token));
      g_assert_true (json_object_has_member (extras, "user_id"));
      g_assert_false (json_object_has_member (extras, "data"));
      /* The app id and secret go in the body. */
      g_assert_cmpstr (client_secret, ==, CLIENT_SECRET);
      g_assert_null (request->authorization);
    }
}

/* ------------------------------------------------------------------ */
/* Mailchimp                                                            */
/* ------------------------------------------------------------------ */

static void
test_mailchimp_defaults (void)
{
  const Defaults d = {
    "mailchimp", "Mailchimp",
    "https://login.mailchimp.com/oauth2/authorize",
    "https://login.mailchimp.com/oauth2/token",
    NULL,
    "https://login.mailchimp.com/oauth2/metadata",
    NULL, " ",
    GRANT_CLIENT_AUTH_POST, GRANT_PKCE_METHOD_NONE, GRANT_TOKEN_PLACEMENT_HEADER,
    "https://mailchimp.com/developer/",
  };

  check_defaults (&d);
}

/* requests-oauthlib's vector: {"access_token":"mailchimp","expires_in":0,
 * "scope":null} gives expires_in 3600 (expires_at about now + 3600) and
 * no scope. */
static void
test_mailchimp_null_scope_and_zero_expiry (void)
{
  static const Route routes[] = {
    { "/token", 200, JSON_TYPE, "{\"access_token\":\"mailchimp\",\"expires_in\":0,\"scope\":null}" },
    { NULL },
  };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("mailchimp", CLIENT_SECRET, lb);
  g_autoptr(JsonObject) fixed = NULL;
  g_autoptr(GrantToken) token = NULL;
  gint64 before = now_s ();

  g_signal_connect (session, "access-token-response", G_CALLBACK (keep_fixed_response), &fixed);
  token = fetch_with_code (session);

  g_assert_cmpstr (grant_token_get_access_token (token), ==, "mailchimp");
  g_assert_cmpint (grant_token_get_expires_in (token), ==, 3600);
  g_assert_cmpint (grant_token_get_expires_at (token), >=, before + 3600);
  g_assert_cmpint (grant_token_get_expires_at (token), <=, now_s () + 3600);
  g_assert_null (grant_token_get_scope (token));
  g_assert_false (grant_token_is_expired (token, 0));

  /* What Grant read: no scope member at all, and 3600. */
  g_assert_nonnull (fixed);
  g_assert_false (json_object_has_member (fixed, "scope"));
  g_assert_cmpint (json_object_get_int_member (fixed, "expires_in"), ==, 3600);
}

/* A lifetime that is not zero is the server's. */
static void
test_mailchimp_nonzero_expiry_kept (void)
{
  static const Route routes[] = {
    { "/token", 200, JSON_TYPE, "{\"access_token\":\"mailchimp\",\"expires_in\":7200,\"scope\":\"x\"}" },
    { NULL },
  };
  static const char * const scope[] = { "x", NULL };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("mailchimp", CLIENT_SECRET, lb);
  g_autoptr(GrantToken) token = fetch_with_code (session);

  g_assert_cmpint (grant_token_get_expires_in (token), ==, 7200);
  assert_strv (grant_token_get_scope (token), scope);
}

/* ------------------------------------------------------------------ */
/* Weibo                                                                */
/* ------------------------------------------------------------------ */

static void
test_weibo_defaults (void)
{
  const Defaults d = {
    "weibo", "Weibo",
    "https://api.weibo.com/oauth2/authorize",
    "https://api.weibo.com/oauth2/access_token",
    NULL,
    "https://api.weibo.com/2/account/get_uid.json",
    NULL, ",",
    GRANT_CLIENT_AUTH_POST, GRANT_PKCE_METHOD_NONE, GRANT_TOKEN_PLACEMENT_QUERY,
    "https://open.weibo.com/",
  };

  check_defaults (&d);
}

/* requests-oauthlib's vector: {"access_token":"weibo"} gives token_type
 * Bearer; and a type the server did send is overridden. */
static void
test_weibo_token_type_forced_bearer (void)
{
  static const Route plain_routes[] = {
    { "/token", 200, JSON_TYPE,
      "{\"access_token\":\"weibo\",\"remind_in\":\"157679999\",\"expires_in\":157679999,\"uid\":\"1404376560\"}" },
    { NULL },
  };
  static const Route typed_routes[] = {
    { "/token", 200, JSON_TYPE, "{\"access_token\":\"weibo\",\"token_type\":\"OAuth2\"}" },
    { NULL },
  };
  const Route *cases[] = { plain_routes, typed_routes };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Loopback) lb = loopback_new (cases[i]);
      g_autoptr(GrantOAuth2Session) session = session_for ("weibo", CLIENT_SECRET, lb);
      g_autoptr(JsonObject) fixed = NULL;
      g_autoptr(GrantToken) token = NULL;

      g_signal_connect (session, "access-token-response", G_CALLBACK (keep_fixed_response), &fixed);
      token = fetch_with_code (session);

      g_assert_cmpstr (grant_token_get_access_token (token), ==, "weibo");
      g_assert_cmpstr (grant_token_get_token_type (token), ==, "Bearer");
      g_assert_nonnull (fixed);
      g_assert_cmpstr (json_object_get_string_member (fixed, "token_type"), ==, "Bearer");
    }
}

/* The token goes in the query as access_token, not in a header. */
static void
test_weibo_access_token_in_query (void)
{
  static const Route routes[] = {
    { "/token", 200, JSON_TYPE, "{\"access_token\":\"weibo-token\",\"expires_in\":157679999,\"uid\":\"1404376560\"}" },
    { "/2/users/show.json", 200, JSON_TYPE, "{\"id\":1404376560,\"screen_name\":\"zaku\"}" },
    { NULL },
  };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("weibo", CLIENT_SECRET, lb);
  g_autoptr(GrantToken) token = fetch_with_code (session);
  const Recorded *request;
  g_autofree char *in_query = NULL, *uid = NULL;

  send_protected (session, lb, "GET", "/2/users/show.json?uid=1404376560", NULL, NULL);
  request = loopback_last (lb, "/2/users/show.json");
  in_query = form_value (request->query, "access_token");
  uid = form_value (request->query, "uid");

  g_assert_cmpstr (in_query, ==, "weibo-token");
  g_assert_cmpstr (uid, ==, "1404376560");
  g_assert_null (request->authorization);
}

/* ------------------------------------------------------------------ */
/* Douban                                                               */
/* ------------------------------------------------------------------ */

static void
test_douban_defaults (void)
{
  static const char * const scopes[] = { "douban_basic_common", NULL };
  const Defaults d = {
    "douban", "Douban",
    "https://www.douban.com/service/auth2/auth",
    "https://www.douban.com/service/auth2/token",
    NULL,
    "https://api.douban.com/v2/user/~me",
    scopes, ",",
    GRANT_CLIENT_AUTH_POST, GRANT_PKCE_METHOD_NONE, GRANT_TOKEN_PLACEMENT_QUERY,
    "https://developers.douban.com/",
  };

  check_defaults (&d);
}

/* Douban sends no token_type: Bearer is set. One it does send is kept
 * (Python's setdefault). */
static void
test_douban_token_type_defaults_to_bearer (void)
{
  static const Route untyped_routes[] = {
    { "/token", 200, JSON_TYPE,
      "{\"access_token\":\"a14afef0f66fcffce3e0fcd2e34f6ff4\",\"douban_user_name\":\"someone\","
      "\"douban_user_id\":\"1221\",\"expires_in\":604800,\"refresh_token\":\"5d633d136b6d56a41829b73a424803ec\"}" },
    { NULL },
  };
  static const Route typed_routes[] = {
    { "/token", 200, JSON_TYPE, "{\"access_token\":\"a14a\",\"token_type\":\"bearer\"}" },
    { NULL },
  };
  const Route *cases[] = { untyped_routes, typed_routes };
  const char *expected[] = { "Bearer", "bearer" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Loopback) lb = loopback_new (cases[i]);
      g_autoptr(GrantOAuth2Session) session = session_for ("douban", CLIENT_SECRET, lb);
      g_autoptr(JsonObject) fixed = NULL;
      g_autoptr(GrantToken) token = NULL;

      g_signal_connect (session, "access-token-response", G_CALLBACK (keep_fixed_response), &fixed);
      token = fetch_with_code (session);

      g_assert_true (grant_token_is_bearer (token));
      g_assert_nonnull (fixed);
      g_assert_true (json_object_has_member (fixed, "token_type"));
      g_assert_cmpstr (json_object_get_string_member (fixed, "token_type"), ==, expected[i]);
    }
}

/* Done right where requests-oauthlib's fix is a no-op: the token goes in
 * the query as access_token. */
static void
test_douban_access_token_in_query (void)
{
  static const Route routes[] = {
    { "/v2/user/~me", 200, JSON_TYPE, "{\"id\":\"1221\",\"name\":\"someone\"}" },
    { NULL },
  };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("douban", CLIENT_SECRET, lb);
  const Recorded *request;
  g_autofree char *in_query = NULL;

  set_token_json (session, "{\"access_token\":\"douban-token\",\"token_type\":\"Bearer\"}");
  send_protected (session, lb, "GET", "/v2/user/~me", NULL, NULL);
  request = loopback_last (lb, "/v2/user/~me");
  in_query = form_value (request->query, "access_token");

  g_assert_cmpstr (in_query, ==, "douban-token");
  g_assert_null (request->authorization);
}

/* ------------------------------------------------------------------ */
/* eBay                                                                 */
/* ------------------------------------------------------------------ */

static void
test_ebay_defaults (void)
{
  static const char * const scopes[] = { "https://api.ebay.com/oauth/api_scope", NULL };
  const Defaults d = {
    "ebay", "eBay",
    "https://auth.ebay.com/oauth2/authorize",
    "https://api.ebay.com/identity/v1/oauth2/token",
    NULL,
    "https://apiz.ebay.com/commerce/identity/v1/user/",
    scopes, " ",
    GRANT_CLIENT_AUTH_BASIC, GRANT_PKCE_METHOD_NONE, GRANT_TOKEN_PLACEMENT_HEADER,
    "https://developer.ebay.com/",
  };

  check_defaults (&d);
}

static void
assert_basic (const Recorded *request)
{
  g_autofree char *credentials = g_strconcat (CLIENT_ID, ":", CLIENT_SECRET, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) credentials, strlen (credentials));
  g_autofree char *expected = g_strconcat ("Basic ", encoded, NULL);

  g_assert_cmpstr (request->authorization, ==, expected);
  g_assert_null (strstr (request->body, "client_secret"));
}

/* eBay's "User Access Token" from the code exchange is a Bearer token. */
static void
test_ebay_user_token_type_on_fetch (void)
{
  static const Route routes[] = {
    { "/token", 200, JSON_TYPE,
      "{\"access_token\":\"v^1.1#i^1#p^3#r^1#I^3#f^0#t^H4sIAAAAAAAAAOVXa2wUVRTu\",\"expires_in\":7200,"
      "\"refresh_token\":\"v^1.1#i^1#r^1#p^3#I^3#f^0#t^Ul4xMF8yOjRFMjA3OTYzNDc1\","
      "\"refresh_token_expires_in\":47304000,\"token_type\":\"User Access Token\"}" },
    { NULL },
  };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("ebay", CLIENT_SECRET, lb);
  g_autoptr(GrantToken) token = fetch_with_code (session);

  assert_basic (loopback_last (lb, "/token"));
  g_assert_cmpstr (grant_token_get_token_type (token), ==, "Bearer");
  g_assert_cmpint (grant_token_get_expires_in (token), ==, 7200);
  g_assert_cmpstr (grant_token_get_refresh_token (token), ==,
                   "v^1.1#i^1#r^1#p^3#I^3#f^0#t^Ul4xMF8yOjRFMjA3OTYzNDc1");
}

/* A refresh answers "User Access Token" too; the refresh request names
 * the scopes, as eBay's refresh grant wants. */
static void
test_ebay_user_token_type_on_refresh (void)
{
  static const Route routes[] = {
    { "/token", 200, JSON_TYPE,
      "{\"access_token\":\"v^1.1#refreshed\",\"expires_in\":7200,\"token_type\":\"User Access Token\"}" },
    { NULL },
  };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("ebay", CLIENT_SECRET, lb);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  const Recorded *request;
  g_autofree char *grant_type = NULL, *refresh_token = NULL, *scope = NULL;

  set_token_json (session,
                  "{\"access_token\":\"v^1.1#old\",\"token_type\":\"Bearer\",\"refresh_token\":\"v^1.1#refresh\"}");
  token = grant_oauth2_session_refresh_token (session, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);

  g_assert_cmpstr (grant_token_get_access_token (token), ==, "v^1.1#refreshed");
  g_assert_cmpstr (grant_token_get_token_type (token), ==, "Bearer");
  g_assert_cmpstr (grant_token_get_refresh_token (token), ==, "v^1.1#refresh");

  request = loopback_last (lb, "/token");
  assert_basic (request);
  grant_type = form_value (request->body, "grant_type");
  refresh_token = form_value (request->body, "refresh_token");
  scope = form_value (request->body, "scope");
  g_assert_cmpstr (grant_type, ==, "refresh_token");
  g_assert_cmpstr (refresh_token, ==, "v^1.1#refresh");
  g_assert_cmpstr (scope, ==, "https://api.ebay.com/oauth/api_scope");
}

/* requests-oauthlib's vector: a client-credentials "Application Access
 * Token" is a Bearer token. */
static void
test_ebay_application_token_type (void)
{
  static const Route routes[] = {
    { "/token", 200, JSON_TYPE,
      "{\"access_token\":\"this is the access token\",\"expires_in\":7200,"
      "\"token_type\":\"Application Access Token\"}" },
    { NULL },
  };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("ebay", CLIENT_SECRET, lb);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *grant_type = NULL;

  g_object_set (session, "client-type", GRANT_CLIENT_TYPE_BACKEND_APPLICATION, NULL);
  token = grant_oauth2_session_fetch_token (session, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);

  grant_type = form_value (loopback_last (lb, "/token")->body, "grant_type");
  g_assert_cmpstr (grant_type, ==, "client_credentials");
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "this is the access token");
  g_assert_cmpstr (grant_token_get_token_type (token), ==, "Bearer");
}

/* Only eBay's two names are rewritten. */
static void
test_ebay_other_token_types_untouched (void)
{
  static const Route routes[] = {
    { "/token", 200, JSON_TYPE, "{\"access_token\":\"t\",\"expires_in\":7200,\"token_type\":\"MAC\"}" },
    { NULL },
  };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("ebay", CLIENT_SECRET, lb);
  g_autoptr(GrantToken) token = fetch_with_code (session);

  g_assert_cmpstr (grant_token_get_token_type (token), ==, "MAC");
  g_assert_false (grant_token_is_bearer (token));
}

/* ------------------------------------------------------------------ */
/* plentymarkets                                                        */
/* ------------------------------------------------------------------ */

#define PLENTY_TOKEN_BODY \
  "{\"accessToken\":\"ecUN1r8KhJewMCdLAmpHOdZ4O0ofXKB9zf6CXK61\",\"tokenType\":\"Bearer\"," \
  "\"expiresIn\":86400,\"refreshToken\":\"iG2kBGIjcXaRE4xmTVUnv7xwxX7XMcWCHqJmFaSX\"}"

static void
test_plentymarkets_defaults (void)
{
  const Defaults d = {
    "plentymarkets", "plentymarkets",
    NULL,
    "https://shop.plentymarkets-cloud02.com/rest/login",
    "https://shop.plentymarkets-cloud02.com/rest/login/refresh",
    NULL,
    NULL, " ",
    GRANT_CLIENT_AUTH_AUTOMATIC, GRANT_PKCE_METHOD_NONE, GRANT_TOKEN_PLACEMENT_HEADER,
    "https://developers.plentymarkets.com/",
  };
  g_autoptr(GrantProvider) provider = lookup ("plentymarkets");
  g_autoptr(GrantProvider) other = NULL;
  g_autoptr(GrantOAuth2Session) session = NULL;
  g_autofree char *shop_url = NULL;
  g_autofree char *token_url = NULL;
  GrantClientType client_type;

  check_defaults (&d);

  g_object_get (provider, "shop-url", &shop_url, NULL);
  g_assert_cmpstr (shop_url, ==, "https://shop.plentymarkets-cloud02.com");

  /* Sessions are password-grant clients. */
  session = grant_oauth2_session_new_for_provider_object (provider, NULL, NULL);
  g_object_get (session, "client-type", &client_type, NULL);
  g_assert_cmpint (client_type, ==, GRANT_CLIENT_TYPE_LEGACY_APPLICATION);

  /* Another shop: the endpoints follow, a trailing slash or not. */
  other = g_object_new (G_OBJECT_TYPE (provider), "shop-url", "https://myshop.example/", NULL);
  g_clear_pointer (&shop_url, g_free);
  g_object_get (other, "shop-url", &shop_url, NULL);
  g_assert_cmpstr (shop_url, ==, "https://myshop.example");
  g_assert_cmpstr (grant_provider_get_endpoint (other, GRANT_ENDPOINT_TOKEN), ==,
                   "https://myshop.example/rest/login");
  g_assert_cmpstr (grant_provider_get_endpoint (other, GRANT_ENDPOINT_REFRESH), ==,
                   "https://myshop.example/rest/login/refresh");
  g_object_set (other, "shop-url", "https://second.example", NULL);
  g_clear_object (&session);
  session = grant_oauth2_session_new_for_provider_object (other, NULL, NULL);
  g_object_get (session, "token-url", &token_url, NULL);
  g_assert_cmpstr (token_url, ==, "https://second.example/rest/login");
}

static GrantOAuth2Session *
plentymarkets_session (Loopback *lb)
{
  g_autoptr(GError) error = NULL;
  GrantOAuth2Session *session = grant_oauth2_session_new_for_provider ("plentymarkets", NULL, NULL, &error);
  g_autofree char *token_url = loopback_url (lb, "/rest/login");
  g_autofree char *refresh_url = loopback_url (lb, "/rest/login/refresh");

  g_assert_no_error (error);
  g_object_set (session,
                "token-url", token_url,
                "refresh-url", refresh_url,
                "allow-insecure-transport", TRUE,
                NULL);
  return session;
}

/* requests-oauthlib's vector: the camelCase login answer gives
 * access_token, token_type, expires_in (expires_at about now + 86400)
 * and refresh_token, with no client secret sent. */
static void
test_plentymarkets_camel_case_login (void)
{
  static const Route routes[] = {
    { "/rest/login", 200, JSON_TYPE, PLENTY_TOKEN_BODY },
    { NULL },
  };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = plentymarkets_session (lb);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  const Recorded *request;
  g_autofree char *username = NULL, *password = NULL;
  gint64 before = now_s ();

  token = grant_oauth2_session_fetch_token_with_password (session, NULL, "rest-user", "rest-password",
                                                          NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);

  g_assert_cmpstr (grant_token_get_access_token (token), ==, "ecUN1r8KhJewMCdLAmpHOdZ4O0ofXKB9zf6CXK61");
  g_assert_cmpstr (grant_token_get_token_type (token), ==, "Bearer");
  g_assert_cmpint (grant_token_get_expires_in (token), ==, 86400);
  g_assert_cmpint (grant_token_get_expires_at (token), >=, before + 86400);
  g_assert_cmpint (grant_token_get_expires_at (token), <=, now_s () + 86400);
  g_assert_cmpstr (grant_token_get_refresh_token (token), ==, "iG2kBGIjcXaRE4xmTVUnv7xwxX7XMcWCHqJmFaSX");

  request = loopback_last (lb, "/rest/login");
  username = form_value (request->body, "username");
  password = form_value (request->body, "password");
  g_assert_cmpstr (username, ==, "rest-user");
  g_assert_cmpstr (password, ==, "rest-password");
  g_assert_null (strstr (request->body, "client_secret"));
  g_assert_null (request->authorization);
}

/* Exactly Python's re.sub("(.)([A-Z][a-z]+)", r"\1_\2", k).lower(): no
 * more, no less ("twoWordsHere" is "two_wordshere" in Python too: the
 * match for "Words" takes the character "Here" would need). Values are
 * not touched. */
static void
test_plentymarkets_snake_case_rule (void)
{
  static const Route routes[] = {
    { "/rest/login", 200, JSON_TYPE,
      "{\"accessToken\":\"a\",\"userId\":7,\"HTTPResponseCode\":\"keepMe\",\"already_snake\":1,"
      "\"ABC\":2,\"Leading\":3,\"twoWordsHere\":4,\"x\":5}" },
    { NULL },
  };
  static const struct {
    const char *name;
    const char *absent;
  } expected[] = {
    { "user_id", "userId" },
    { "http_responsecode", "HTTPResponseCode" },
    { "already_snake", NULL },
    { "abc", "ABC" },
    { "leading", "Leading" },
    { "two_wordshere", "twoWordsHere" },
    { "x", NULL },
  };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = plentymarkets_session (lb);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *extras;

  token = grant_oauth2_session_fetch_token_with_password (session, NULL, "u", "p", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "a");

  extras = grant_token_get_extras (token);
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_true (json_object_has_member (extras, expected[i].name));
      if (expected[i].absent != NULL)
        g_assert_false (json_object_has_member (extras, expected[i].absent));
    }
  g_assert_cmpint (json_object_get_int_member (extras, "user_id"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (extras, "http_responsecode"), ==, "keepMe");
}

/* Only a 200 with a JSON Content-Type is rewritten: the same body sent as
 * text/plain keeps its camelCase keys, and so has no access_token. */
static void
test_plentymarkets_only_200_json (void)
{
  static const Route routes[] = {
    { "/rest/login", 200, "text/plain", PLENTY_TOKEN_BODY },
    { NULL },
  };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = plentymarkets_session (lb);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  token = grant_oauth2_session_fetch_token_with_password (session, NULL, "u", "p", NULL, NULL, &error);
  g_assert_null (token);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_MISSING);
}

/* A refresh goes to SHOP/rest/login/refresh and answers camelCase too. */
static void
test_plentymarkets_refresh (void)
{
  static const Route routes[] = {
    { "/rest/login/refresh", 200, JSON_TYPE,
      "{\"accessToken\":\"refreshed\",\"tokenType\":\"Bearer\",\"expiresIn\":86400,\"refreshToken\":\"rotated\"}" },
    { NULL },
  };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = plentymarkets_session (lb);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *refresh_token = NULL;

  set_token_json (session, "{\"access_token\":\"old\",\"token_type\":\"Bearer\",\"refresh_token\":\"first\"}");
  token = grant_oauth2_session_refresh_token (session, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);

  g_assert_cmpuint (loopback_count (lb, "/rest/login"), ==, 0);
  refresh_token = form_value (loopback_last (lb, "/rest/login/refresh")->body, "refresh_token");
  g_assert_cmpstr (refresh_token, ==, "first");
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "refreshed");
  g_assert_cmpstr (grant_token_get_refresh_token (token), ==, "rotated");
  g_assert_cmpint (grant_token_get_expires_in (token), ==, 86400);
}

/* ------------------------------------------------------------------ */
/* Spotify                                                              */
/* ------------------------------------------------------------------ */

static void
test_spotify_defaults (void)
{
  static const char * const scopes[] = { "user-read-private", "user-read-email", NULL };
  const Defaults d = {
    "spotify", "Spotify",
    "https://accounts.spotify.com/authorize",
    "https://accounts.spotify.com/api/token",
    NULL,
    "https://api.spotify.com/v1/me",
    scopes, " ",
    GRANT_CLIENT_AUTH_BASIC, GRANT_PKCE_METHOD_S256, GRANT_TOKEN_PLACEMENT_HEADER,
    "https://developer.spotify.com/",
  };

  check_defaults (&d);
  check_public_client ("spotify", GRANT_CLIENT_AUTH_BASIC, GRANT_PKCE_METHOD_S256);
}

/* No fix: a desktop app's PKCE exchange sends client_id and the verifier
 * in the body and no Authorization; Spotify's answer is read as is. */
static void
test_spotify_public_client_pkce_exchange (void)
{
  static const Route routes[] = {
    { "/token", 200, JSON_TYPE,
      "{\"access_token\":\"BQBLuPRYBQ\",\"token_type\":\"Bearer\",\"scope\":\"user-read-private user-read-email\","
      "\"expires_in\":3600,\"refresh_token\":\"AQCTbWlY\"}" },
    { NULL },
  };
  static const char * const scope[] = { "user-read-private", "user-read-email", NULL };
  g_autoptr(Loopback) lb = loopback_new (routes);
  g_autoptr(GrantOAuth2Session) session = session_for ("spotify", NULL, lb);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *client_id = NULL, *verifier = NULL;
  const Recorded *request;

  url = grant_oauth2_session_authorization_url (session, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (url, "code_challenge_method=S256"));
  g_assert_nonnull (strstr (url, "scope=user-read-private+user-read-email"));

  token = grant_oauth2_session_fetch_token (session, NULL, NULL, CODE, NULL, NULL, &error);
  g_assert_no_error (error);
  request = loopback_last (lb, "/token");
  client_id = form_value (request->body, "client_id");
  verifier = form_value (request->body, "code_verifier");

  g_assert_null (request->authorization);
  g_assert_cmpstr (client_id, ==, CLIENT_ID);
  g_assert_cmpstr (verifier, ==, grant_oauth2_session_get_code_verifier (session));
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "BQBLuPRYBQ");
  assert_strv (grant_token_get_scope (token), scope);
}

/* ------------------------------------------------------------------ */
/* Registration                                                         */
/* ------------------------------------------------------------------ */

/* Each test runs in a subprocess: a failed assertion, a crash or a hang
 * fails that test alone. */
static void
run_case (gconstpointer user_data)
{
  GTestFunc func = (GTestFunc) user_data;

  if (g_test_subprocess () || g_getenv ("GRANT_TEST_NO_FORK") != NULL)
    {
      func ();
      return;
    }
  g_test_trap_subprocess (NULL, (guint64) CASE_TIMEOUT_S * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
add (const char *path,
     GTestFunc   func)
{
  g_test_add_data_func (path, (gconstpointer) func, run_case);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* The parent only collects the subprocesses' results. */
  if (!g_test_subprocess () && g_getenv ("GRANT_TEST_NO_FORK") == NULL)
    g_test_set_nonfatal_assertions ();

  add ("/providers/github/endpoint-defaults", test_github_defaults);
  add ("/providers/github/form-encoded-token-comma-scopes-bearer", test_github_form_encoded_token);
  add ("/providers/github/error-in-http-200-is-server-reported", test_github_error_in_200);

  add ("/providers/slack/endpoint-defaults", test_slack_defaults);
  add ("/providers/slack/token-in-form-body-when-request-has-none", test_slack_token_in_body_when_none);
  add ("/providers/slack/token-added-to-form-body", test_slack_token_added_to_form_body);
  add ("/providers/slack/token-in-query-when-body-is-not-form", test_slack_token_in_query_for_json_body);
  add ("/providers/slack/callers-token-in-query-kept", test_slack_callers_query_token_kept);
  add ("/providers/slack/callers-token-in-form-body-kept", test_slack_callers_body_token_kept);
  add ("/providers/slack/bot-token-type-is-bearer", test_slack_bot_token_type_is_bearer);
  add ("/providers/slack/user-token-from-authed-user", test_slack_user_token_from_authed_user);
  add ("/providers/slack/ok-false-in-http-200-is-error", test_slack_ok_false_is_error);

  add ("/providers/instagram/endpoint-defaults", test_instagram_defaults);
  add ("/providers/instagram/access-token-added-to-query", test_instagram_access_token_in_query);
  add ("/providers/instagram/existing-access-token-kept", test_instagram_existing_access_token_kept);
  add ("/providers/instagram/token-response-wrapped-and-flat", test_instagram_token_response_shapes);

  add ("/providers/mailchimp/endpoint-defaults", test_mailchimp_defaults);
  add ("/providers/mailchimp/null-scope-and-zero-expiry", test_mailchimp_null_scope_and_zero_expiry);
  add ("/providers/mailchimp/nonzero-expiry-kept", test_mailchimp_nonzero_expiry_kept);

  add ("/providers/weibo/endpoint-defaults", test_weibo_defaults);
  add ("/providers/weibo/token-type-forced-bearer", test_weibo_token_type_forced_bearer);
  add ("/providers/weibo/access-token-in-query", test_weibo_access_token_in_query);

  add ("/providers/douban/endpoint-defaults", test_douban_defaults);
  add ("/providers/douban/token-type-defaults-to-bearer", test_douban_token_type_defaults_to_bearer);
  add ("/providers/douban/access-token-in-query", test_douban_access_token_in_query);

  add ("/providers/ebay/endpoint-defaults", test_ebay_defaults);
  add ("/providers/ebay/user-token-type-is-bearer-on-fetch", test_ebay_user_token_type_on_fetch);
  add ("/providers/ebay/user-token-type-is-bearer-on-refresh", test_ebay_user_token_type_on_refresh);
  add ("/providers/ebay/application-token-type-is-bearer", test_ebay_application_token_type);
  add ("/providers/ebay/other-token-types-untouched", test_ebay_other_token_types_untouched);

  add ("/providers/plentymarkets/endpoint-defaults-and-shop-url", test_plentymarkets_defaults);
  add ("/providers/plentymarkets/camel-case-login-answer-read", test_plentymarkets_camel_case_login);
  add ("/providers/plentymarkets/snake-case-rule-exactly-pythons", test_plentymarkets_snake_case_rule);
  add ("/providers/plentymarkets/only-http-200-json-rewritten", test_plentymarkets_only_200_json);
  add ("/providers/plentymarkets/refresh-at-rest-login-refresh", test_plentymarkets_refresh);

  add ("/providers/spotify/endpoint-defaults", test_spotify_defaults);
  add ("/providers/spotify/public-client-pkce-exchange-no-fix", test_spotify_public_client_pkce_exchange);

  return g_test_run ();
}
