/* providers-a.c: the Facebook, LinkedIn, Google, X (Twitter), Tumblr,
 * Bitbucket, Microsoft and Fitbit provider modules
 *
 * For each provider: its defaults as the registry gives them and as a
 * session made for it gets them; then every compliance fix driven through
 * the real path — a session made with new_for_provider(), whose endpoints
 * are pointed at an in-process loopback server that keeps the provider's
 * own paths and answers as that provider does (status, Content-Type,
 * body). What is checked is what the application sees (the GrantToken,
 * the GError, scope-changed) or what the server received.
 *
 * Server handlers run on the server's thread: what they record is behind
 * ProviderServer.lock.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <json-glib/json-glib.h>

#include "fault-server.h"
#include "test-utils.h"

#define CLIENT_ID      "grant-client-id"
#define CLIENT_SECRET  "grant-client-secret"
#define REDIRECT_URI   "http://127.0.0.1:8765/callback"
#define CODE           "AUTH-CODE-5ec2e7"
#define VERIFIER       "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define OLD_ACCESS     "old-access-A11"
#define OLD_REFRESH    "old-refresh-R22"

#define FORM_TYPE "application/x-www-form-urlencoded"
#define JSON_TYPE "application/json"

/* ------------------------------------------------------------------ */
/* A loopback server that answers as a provider does                   */
/* ------------------------------------------------------------------ */

typedef struct {
  guint       status;
  const char *content_type;
  const char *body;
} Answer;

/* A fault server whose n-th request gets the n-th answer. */
typedef struct {
  FaultServer  *fs;
  const Answer *answers;      /* fixed before the server starts */
  guint         n_answers;
} ProviderServer;

/* Runs on the server thread. */
static void
respond_answers (FaultServer       *fs,
                 SoupServerMessage *msg,
                 const char        *path G_GNUC_UNUSED,
                 gconstpointer      data)
{
  const ProviderServer *ps = data;
  const Answer *answer = NULL;
  guint i;

  /* This request is recorded already. */
  g_mutex_lock (&fs->lock);
  i = fs->requests->len - 1;
  g_mutex_unlock (&fs->lock);
  if (i < ps->n_answers)
    answer = &ps->answers[i];

  if (answer == NULL)
    {
      soup_server_message_set_status (msg, 500, "No answer left for this request");
      return;
    }
  soup_server_message_set_status (msg, answer->status, NULL);
  soup_server_message_set_response (msg, answer->content_type, SOUP_MEMORY_STATIC,
                                    answer->body, strlen (answer->body));
}

static ProviderServer *
provider_server_new (const Answer *answers,
                     guint         n_answers)
{
  ProviderServer *ps = g_new0 (ProviderServer, 1);

  ps->answers = answers;
  ps->n_answers = n_answers;
  ps->fs = fault_server_new (respond_answers, ps);
  return ps;
}

static void
provider_server_free (ProviderServer *ps)
{
  fault_server_free (ps->fs);
  g_free (ps);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProviderServer, provider_server_free)

static guint
provider_server_count (ProviderServer *ps)
{
  return fault_server_count (ps->fs);
}

static const Recorded *
provider_server_request (ProviderServer *ps,
                         guint           i)
{
  return fault_server_request (ps->fs, i);
}

/* The provider's URL moved to the loopback server, path kept. */
static char *
loopback_url (ProviderServer *ps,
              const char     *provider_url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (provider_url, G_URI_FLAGS_ENCODED, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "https");
  return fault_server_url (ps->fs, g_uri_get_path (uri));
}

static char *
basic_credentials (const char *id,
                   const char *secret)
{
  g_autofree char *pair = g_strconcat (id, ":", secret, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

  return g_strconcat ("Basic ", encoded, NULL);
}

/* ------------------------------------------------------------------ */
/* Sessions made for a provider, pointed at the loopback server         */
/* ------------------------------------------------------------------ */

static GrantOAuth2Session *
oauth2_session_for (const char     *provider_id,
                    const char     *client_secret,
                    ProviderServer *ps)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrantOAuth2Session) session = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *authorization_url = NULL;
  g_autofree char *loopback_token = NULL;
  g_autofree char *loopback_authorization = NULL;

  session = grant_oauth2_session_new_for_provider (provider_id, CLIENT_ID, client_secret, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);

  g_object_get (session, "token-url", &token_url, "authorization-endpoint", &authorization_url, NULL);
  loopback_token = loopback_url (ps, token_url);
  loopback_authorization = loopback_url (ps, authorization_url);
  g_object_set (session,
                "token-url", loopback_token,
                "authorization-endpoint", loopback_authorization,
                "allow-insecure-transport", TRUE,
                "redirect-uri", REDIRECT_URI,
                "code-verifier", VERIFIER,
                "timeout", 10,
                NULL);
  return g_steal_pointer (&session);
}

static GrantToken *
fetch_with_code (GrantOAuth2Session  *session,
                 GError             **error)
{
  return grant_oauth2_session_fetch_token (session, NULL, NULL, CODE, NULL, NULL, error);
}

static GrantToken *
refresh_now (GrantOAuth2Session  *session,
             GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GrantToken) old = grant_token_new_from_json ("{\"access_token\":\"" OLD_ACCESS "\","
                                                         "\"refresh_token\":\"" OLD_REFRESH "\","
                                                         "\"token_type\":\"Bearer\",\"expires_in\":3600}",
                                                         &local_error);

  g_assert_no_error (local_error);
  grant_oauth2_session_set_token (session, old);
  return grant_oauth2_session_refresh_token (session, NULL, NULL, NULL, error);
}

/* Counts scope-changed emissions. */
static void
on_scope_changed (GrantOAuth2Session *session,
                  char              **requested,
                  char              **granted,
                  gpointer            user_data)
{
  (*(guint *) user_data)++;
}

static gboolean
session_scope_changed (GrantOAuth2Session *session)
{
  gboolean changed;

  g_object_get (session, "scope-changed", &changed, NULL);
  return changed;
}

static void
assert_scope (GrantToken *token,
              const char *expected)
{
  g_auto(GStrv) want = g_strsplit (expected, " ", -1);
  const char * const *got = grant_token_get_scope (token);
  guint n = 0;

  if (got == NULL)
    g_error ("The token has no scope; expected “%s”", expected);
  for (const char * const *p = got; *p; p++, n++)
    if (!g_strv_contains ((const char * const *) want, *p))
      g_error ("The token grants “%s”, which is not in “%s”", *p, expected);
  g_assert_cmpuint (n, ==, g_strv_length (want));
}

/* What a response hook connected after the provider's saw: the body as
 * the provider's fix left it. */
typedef struct {
  char *content_type;
  char *body;
} Seen;

static void
on_response_seen (GrantOAuth2Session *session,
                  GrantResponse      *response,
                  gpointer            user_data)
{
  Seen *seen = user_data;

  g_free (seen->content_type);
  g_free (seen->body);
  seen->content_type = g_strdup (soup_message_headers_get_one (grant_response_get_headers (response),
                                                               "Content-Type"));
  seen->body = grant_response_get_text (response);
}

static void
seen_clear (Seen *seen)
{
  g_clear_pointer (&seen->content_type, g_free);
  g_clear_pointer (&seen->body, g_free);
}

static JsonObject *
parse_json_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* The query of an authorization URL. */
static GHashTable *
url_query (const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, &error);
  const char *query;

  g_assert_no_error (error);
  query = g_uri_get_query (uri);
  return fault_parse_form (query);
}

/* ------------------------------------------------------------------ */
/* Defaults                                                            */
/* ------------------------------------------------------------------ */

typedef struct {
  const char             *id;
  const char             *display_name;
  GrantProviderProtocols  protocols;
  /* OAuth 2 */
  const char             *authorization;
  const char             *token;
  const char             *revocation;
  const char             *device;
  const char             *userinfo;
  const char             *issuer;
  const char             *scopes;            /* space-joined, or NULL */
  const char             *separator;
  GrantClientAuth         client_auth;        /* with a client secret */
  GrantClientAuth         public_client_auth; /* without one */
  GrantPkceMethod         pkce;
  /* OAuth 1.0a */
  const char             *request_token;
  const char             *oauth1_authorization;
  const char             *access_token;
} Expected;

static const Expected expected_providers[] = {
  { "facebook", "Facebook", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
    "https://www.facebook.com/v19.0/dialog/oauth",
    "https://graph.facebook.com/v19.0/oauth/access_token",
    NULL, NULL, "https://graph.facebook.com/v19.0/me", NULL,
    "public_profile email", ",", GRANT_CLIENT_AUTH_POST, GRANT_CLIENT_AUTH_POST, GRANT_PKCE_METHOD_NONE,
    NULL, NULL, NULL },
  { "linkedin", "LinkedIn", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
    "https://www.linkedin.com/oauth/v2/authorization",
    "https://www.linkedin.com/oauth/v2/accessToken",
    NULL, NULL, "https://api.linkedin.com/v2/userinfo", NULL,
    "openid profile email", " ", GRANT_CLIENT_AUTH_POST, GRANT_CLIENT_AUTH_POST, GRANT_PKCE_METHOD_NONE,
    NULL, NULL, NULL },
  { "google", "Google", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
    "https://accounts.google.com/o/oauth2/v2/auth",
    "https://oauth2.googleapis.com/token",
    "https://oauth2.googleapis.com/revoke",
    "https://oauth2.googleapis.com/device/code",
    "https://openidconnect.googleapis.com/v1/userinfo",
    "https://accounts.google.com",
    "openid email profile", " ", GRANT_CLIENT_AUTH_POST, GRANT_CLIENT_AUTH_POST, GRANT_PKCE_METHOD_S256,
    NULL, NULL, NULL },
  { "twitter", "X (Twitter)", GRANT_PROVIDER_PROTOCOLS_OAUTH1 | GRANT_PROVIDER_PROTOCOLS_OAUTH2,
    "https://twitter.com/i/oauth2/authorize",
    "https://api.twitter.com/2/oauth2/token",
    "https://api.twitter.com/2/oauth2/revoke",
    NULL, "https://api.twitter.com/2/users/me", NULL,
    "tweet.read users.read offline.access", " ", GRANT_CLIENT_AUTH_BASIC, GRANT_CLIENT_AUTH_BASIC,
    GRANT_PKCE_METHOD_S256,
    "https://api.twitter.com/oauth/request_token",
    "https://api.twitter.com/oauth/authorize",
    "https://api.twitter.com/oauth/access_token" },
  { "tumblr", "Tumblr", GRANT_PROVIDER_PROTOCOLS_OAUTH1,
    NULL, NULL, NULL, NULL, "https://api.tumblr.com/v2/user/info", NULL,
    NULL, " ", GRANT_CLIENT_AUTH_AUTOMATIC, GRANT_CLIENT_AUTH_AUTOMATIC, GRANT_PKCE_METHOD_NONE,
    "https://www.tumblr.com/oauth/request_token",
    "https://www.tumblr.com/oauth/authorize",
    "https://www.tumblr.com/oauth/access_token" },
  { "bitbucket", "Bitbucket", GRANT_PROVIDER_PROTOCOLS_OAUTH1 | GRANT_PROVIDER_PROTOCOLS_OAUTH2,
    "https://bitbucket.org/site/oauth2/authorize",
    "https://bitbucket.org/site/oauth2/access_token",
    NULL, NULL, "https://api.bitbucket.org/2.0/user", NULL,
    NULL, " ", GRANT_CLIENT_AUTH_BASIC, GRANT_CLIENT_AUTH_BASIC, GRANT_PKCE_METHOD_NONE,
    "https://bitbucket.org/!api/1.0/oauth/request_token",
    "https://bitbucket.org/!api/1.0/oauth/authenticate",
    "https://bitbucket.org/!api/1.0/oauth/access_token" },
  { "microsoft", "Microsoft", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
    "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    NULL,
    "https://login.microsoftonline.com/common/oauth2/v2.0/devicecode",
    "https://graph.microsoft.com/oidc/userinfo", NULL,
    "openid profile offline_access User.Read", " ", GRANT_CLIENT_AUTH_POST, GRANT_CLIENT_AUTH_POST,
    GRANT_PKCE_METHOD_S256,
    NULL, NULL, NULL },
  { "fitbit", "Fitbit", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
    "https://www.fitbit.com/oauth2/authorize",
    "https://api.fitbit.com/oauth2/token",
    "https://api.fitbit.com/oauth2/revoke",
    NULL, "https://api.fitbit.com/1/user/-/profile.json", NULL,
    "profile", " ", GRANT_CLIENT_AUTH_BASIC, GRANT_CLIENT_AUTH_BASIC, GRANT_PKCE_METHOD_S256,
    NULL, NULL, NULL },
};

static void
assert_strv_is (const char * const *strv,
                const char         *joined)
{
  if (joined == NULL)
    {
      g_assert_true (strv == NULL || strv[0] == NULL);
      return;
    }
  {
    g_auto(GStrv) want = g_strsplit (joined, " ", -1);

    g_assert_nonnull (strv);
    g_assert_cmpuint (g_strv_length ((char **) strv), ==, g_strv_length (want));
    for (guint i = 0; want[i]; i++)
      g_assert_cmpstr (strv[i], ==, want[i]);
  }
}

static void
check_oauth2_session_defaults (const Expected *e,
                               const char     *client_secret,
                               GrantClientAuth client_auth)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrantOAuth2Session) session = NULL;
  g_autofree char *token_url = NULL, *authorization = NULL, *separator = NULL;
  g_autofree char *issuer = NULL, *provider = NULL, *url = NULL;
  g_auto(GStrv) scope = NULL;
  g_autoptr(GHashTable) query = NULL;
  GrantClientAuth auth;
  GrantPkceMethod pkce;

  session = grant_oauth2_session_new_for_provider (e->id, CLIENT_ID, client_secret, &error);
  g_assert_no_error (error);
  g_object_get (session,
                "token-url", &token_url,
                "authorization-endpoint", &authorization,
                "scope", &scope,
                "client-auth", &auth,
                "pkce-method", &pkce,
                "scope-separator", &separator,
                "issuer", &issuer,
                "provider", &provider,
                NULL);
  g_assert_cmpstr (token_url, ==, e->token);
  g_assert_cmpstr (authorization, ==, e->authorization);
  assert_strv_is ((const char * const *) scope, e->scopes);
  g_assert_cmpint (auth, ==, client_auth);
  g_assert_cmpint (pkce, ==, e->pkce);
  g_assert_cmpstr (separator, ==, e->separator);
  g_assert_cmpstr (issuer, ==, e->issuer);
  g_assert_cmpstr (provider, ==, e->id);

  /* The authorization URL the application sends the user to. */
  g_object_set (session, "redirect-uri", REDIRECT_URI, NULL);
  url = grant_oauth2_session_authorization_url (session, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (url, e->authorization));
  g_assert_cmpint (url[strlen (e->authorization)], ==, '?');
  query = url_query (url);
  g_assert_cmpstr (g_hash_table_lookup (query, "client_id"), ==, CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (query, "response_type"), ==, "code");
  if (e->pkce == GRANT_PKCE_METHOD_S256)
    {
      g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "S256");
      g_assert_nonnull (g_hash_table_lookup (query, "code_challenge"));
    }
  else
    g_assert_false (g_hash_table_contains (query, "code_challenge"));
  if (e->scopes != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (e->scopes, " ", -1);
      g_autofree char *joined = g_strjoinv ((char *) e->separator, parts);

      g_assert_cmpstr (g_hash_table_lookup (query, "scope"), ==, joined);
    }
  else
    g_assert_false (g_hash_table_contains (query, "scope"));
}

static void
test_defaults (gconstpointer data)
{
  const Expected *e = data;
  GrantProviderRegistry *registry = grant_provider_registry_get_default ();
  g_autoptr(GrantProvider) provider = grant_provider_registry_lookup (registry, e->id);
  g_autoptr(GError) error = NULL;
  const char *doc;

  g_assert_nonnull (provider);
  g_assert_cmpstr (grant_provider_get_id (provider), ==, e->id);
  g_assert_cmpstr (grant_provider_get_display_name (provider), ==, e->display_name);
  g_assert_cmpint (grant_provider_get_protocols (provider), ==, e->protocols);
  g_assert_cmpstr (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_AUTHORIZATION), ==, e->authorization);
  g_assert_cmpstr (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_TOKEN), ==, e->token);
  g_assert_null (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_REFRESH));
  g_assert_cmpstr (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_REVOCATION), ==, e->revocation);
  g_assert_cmpstr (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_DEVICE_AUTHORIZATION), ==, e->device);
  g_assert_cmpstr (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_USERINFO), ==, e->userinfo);
  g_assert_cmpstr (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_REQUEST_TOKEN), ==, e->request_token);
  g_assert_cmpstr (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_OAUTH1_AUTHORIZATION), ==,
                   e->oauth1_authorization);
  g_assert_cmpstr (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_ACCESS_TOKEN), ==, e->access_token);
  g_assert_cmpstr (grant_provider_get_issuer (provider), ==, e->issuer);
  assert_strv_is (grant_provider_get_default_scopes (provider), e->scopes);
  g_assert_cmpstr (grant_provider_get_scope_separator (provider), ==, e->separator);
  g_assert_cmpint (grant_provider_get_client_auth (provider), ==, e->client_auth);
  g_assert_cmpint (grant_provider_get_pkce_method (provider), ==, e->pkce);
  g_assert_cmpint (grant_provider_get_token_placement (provider), ==, GRANT_TOKEN_PLACEMENT_HEADER);
  doc = grant_provider_get_documentation_url (provider);
  g_assert_nonnull (doc);
  g_assert_true (g_str_has_prefix (doc, "https://"));

  if (e->protocols & GRANT_PROVIDER_PROTOCOLS_OAUTH2)
    {
      check_oauth2_session_defaults (e, CLIENT_SECRET, e->client_auth);
      check_oauth2_session_defaults (e, NULL, e->public_client_auth);
    }
  else
    {
      g_autoptr(GrantOAuth2Session) none = grant_oauth2_session_new_for_provider (e->id, CLIENT_ID, NULL, &error);

      g_assert_null (none);
      g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }

  if (e->protocols & GRANT_PROVIDER_PROTOCOLS_OAUTH1)
    {
      g_autoptr(GrantOAuth1Session) session =
        grant_oauth1_session_new_for_provider (e->id, CLIENT_ID, CLIENT_SECRET, "oob", &error);
      g_autofree char *request_token = NULL, *authorization = NULL, *access_token = NULL;
      g_autofree char *provider_id = NULL, *url = NULL, *expected_url = NULL;

      g_assert_no_error (error);
      g_object_get (session,
                    "request-token-url", &request_token,
                    "authorization-endpoint", &authorization,
                    "access-token-url", &access_token,
                    "provider", &provider_id,
                    NULL);
      g_assert_cmpstr (request_token, ==, e->request_token);
      g_assert_cmpstr (authorization, ==, e->oauth1_authorization);
      g_assert_cmpstr (access_token, ==, e->access_token);
      g_assert_cmpstr (provider_id, ==, e->id);

      url = grant_oauth1_session_authorization_url (session, NULL, "request-token-t0k", NULL);
      expected_url = g_strconcat (e->oauth1_authorization, "?oauth_token=request-token-t0k", NULL);
      g_assert_cmpstr (url, ==, expected_url);
    }
  else
    {
      g_autoptr(GrantOAuth1Session) none =
        grant_oauth1_session_new_for_provider (e->id, CLIENT_ID, CLIENT_SECRET, "oob", &error);

      g_assert_null (none);
      g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT);
    }
}

/* ------------------------------------------------------------------ */
/* OAuth 1.0a: the whole dance against the provider's paths             */
/* ------------------------------------------------------------------ */

static gboolean
header_has_param (const char *authorization,
                  const char *name,
                  const char *value)
{
  g_autofree char *needle = g_strdup_printf ("%s=\"%s\"", name, value);

  return authorization != NULL && strstr (authorization, needle) != NULL;
}

static void
test_oauth1_flow (gconstpointer data)
{
  const char *id = data;
  static const Answer answers[] = {
    { 200, FORM_TYPE, "oauth_token=req-t0k&oauth_token_secret=req-s3cret&oauth_callback_confirmed=true" },
    { 200, FORM_TYPE, "oauth_token=acc-t0k&oauth_token_secret=acc-s3cret&user_id=42&screen_name=alice" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth1Session) session = NULL;
  g_autoptr(GHashTable) temporary = NULL;
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request_token_url = NULL, *access_token_url = NULL, *authorization = NULL;
  g_autofree char *loopback_request = NULL, *loopback_access = NULL;
  g_autofree char *url = NULL, *expected_url = NULL;
  g_autoptr(GUri) request_uri = NULL, access_uri = NULL;
  const Recorded *recorded;

  session = grant_oauth1_session_new_for_provider (id, CLIENT_ID, CLIENT_SECRET, "oob", &error);
  g_assert_no_error (error);
  g_object_get (session,
                "request-token-url", &request_token_url,
                "access-token-url", &access_token_url,
                "authorization-endpoint", &authorization,
                NULL);
  loopback_request = loopback_url (ps, request_token_url);
  loopback_access = loopback_url (ps, access_token_url);
  g_object_set (session, "request-token-url", loopback_request, "access-token-url", loopback_access, NULL);

  temporary = grant_oauth1_session_fetch_request_token (session, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (temporary, "oauth_token"), ==, "req-t0k");

  url = grant_oauth1_session_authorization_url (session, NULL, NULL, NULL);
  expected_url = g_strconcat (authorization, "?oauth_token=req-t0k", NULL);
  g_assert_cmpstr (url, ==, expected_url);

  token = grant_oauth1_session_fetch_access_token (session, NULL, "v3rifier", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (token, "oauth_token"), ==, "acc-t0k");
  g_assert_true (grant_oauth1_session_get_authorized (session));

  g_assert_cmpuint (provider_server_count (ps), ==, 2);
  request_uri = g_uri_parse (request_token_url, G_URI_FLAGS_ENCODED, NULL);
  access_uri = g_uri_parse (access_token_url, G_URI_FLAGS_ENCODED, NULL);

  recorded = provider_server_request (ps, 0);
  g_assert_cmpstr (recorded->method, ==, "POST");
  g_assert_cmpstr (recorded->path, ==, g_uri_get_path (request_uri));
  g_assert_true (g_str_has_prefix (recorded->authorization, "OAuth "));
  g_assert_true (header_has_param (recorded->authorization, "oauth_consumer_key", CLIENT_ID));
  g_assert_true (header_has_param (recorded->authorization, "oauth_callback", "oob"));
  g_assert_true (header_has_param (recorded->authorization, "oauth_signature_method", "HMAC-SHA1"));

  recorded = provider_server_request (ps, 1);
  g_assert_cmpstr (recorded->path, ==, g_uri_get_path (access_uri));
  g_assert_true (header_has_param (recorded->authorization, "oauth_token", "req-t0k"));
  g_assert_true (header_has_param (recorded->authorization, "oauth_verifier", "v3rifier"));
}

/* ------------------------------------------------------------------ */
/* Facebook                                                            */
/* ------------------------------------------------------------------ */

/* requests-oauthlib's facebook_compliance_fix, with `expires`. */
static void
test_facebook_form_token_with_expires (void)
{
  static const Answer answers[] = {
    { 200, "text/plain; charset=UTF-8", "access_token=fb-t0k&expires=3600" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("facebook", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) rewritten = NULL;
  g_autofree char *expires = NULL;
  Seen seen = { NULL, };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_signal_connect (session, "access-token-response", G_CALLBACK (on_response_seen), &seen);
  token = fetch_with_code (session, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (grant_token_get_access_token (token), ==, "fb-t0k");
  g_assert_cmpint (grant_token_get_expires_in (token), ==, 3600);
  g_assert_cmpint (grant_token_get_expires_at (token), >=, now + 3600 - 5);
  g_assert_cmpint (grant_token_get_expires_at (token), <=, now + 3600 + 5);
  g_assert_cmpstr (grant_token_get_token_type (token), ==, "Bearer");
  /* `expires` is kept, as requests-oauthlib keeps it. */
  expires = grant_token_get_extra_string (token, "expires");
  g_assert_cmpstr (expires, ==, "3600");

  /* What the parser was given: JSON, with the token type written in. */
  g_assert_cmpstr (seen.content_type, ==, JSON_TYPE);
  rewritten = parse_json_object (seen.body);
  g_assert_cmpstr (json_object_get_string_member (rewritten, "token_type"), ==, "Bearer");
  g_assert_cmpint (json_object_get_int_member (rewritten, "expires_in"), ==, 3600);
  g_assert_cmpstr (json_object_get_string_member (rewritten, "expires"), ==, "3600");
  seen_clear (&seen);
}

/* The requests-oauthlib test vector: `access_token=urlencoded` as
 * text/plain gives {"access_token": "urlencoded", "token_type": "Bearer"}. */
static void
test_facebook_form_token_vector (void)
{
  static const Answer answers[] = {
    { 200, "text/plain", "access_token=urlencoded" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("facebook", "someclientsecret", ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) rewritten = NULL;
  Seen seen = { NULL, };

  g_signal_connect (session, "access-token-response", G_CALLBACK (on_response_seen), &seen);
  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "urlencoded");
  g_assert_cmpint (grant_token_get_expires_in (token), ==, 0);

  rewritten = parse_json_object (seen.body);
  g_assert_cmpuint (json_object_get_size (rewritten), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (rewritten, "access_token"), ==, "urlencoded");
  g_assert_cmpstr (json_object_get_string_member (rewritten, "token_type"), ==, "Bearer");
  seen_clear (&seen);
}

/* "If Facebook claims to be sending us JSON, let's trust them." */
static void
test_facebook_json_token_untouched (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"access_token\":\"fb-json\",\"token_type\":\"bearer\",\"expires_in\":5183944}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("facebook", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  Seen seen = { NULL, };

  g_signal_connect (session, "access-token-response", G_CALLBACK (on_response_seen), &seen);
  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (seen.body, ==, answers[0].body);
  g_assert_cmpstr (grant_token_get_token_type (token), ==, "bearer");
  g_assert_cmpint (grant_token_get_expires_in (token), ==, 5183944);
  seen_clear (&seen);
}

/* Only a 200 is rewritten: a text/plain error is left as it came and
 * reported as the error it is. */
static void
test_facebook_error_status_untouched (void)
{
  static const Answer answers[] = {
    { 400, "text/plain", "error=invalid_grant&error_description=This+authorization+code+has+expired" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("facebook", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  Seen seen = { NULL, };

  g_signal_connect (session, "access-token-response", G_CALLBACK (on_response_seen), &seen);
  token = fetch_with_code (session, &error);
  g_assert_null (token);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_GRANT);
  g_assert_cmpstr (seen.content_type, ==, "text/plain");
  g_assert_cmpstr (seen.body, ==, answers[0].body);
  seen_clear (&seen);
}

/* Permissions joined with commas; the id and secret in the body, at the
 * versioned Graph API path. */
static void
test_facebook_token_request (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"access_token\":\"fb-json\",\"token_type\":\"bearer\"}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("facebook", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  const Recorded *recorded;

  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  recorded = provider_server_request (ps, 0);
  g_assert_cmpstr (recorded->path, ==, "/v19.0/oauth/access_token");
  g_assert_null (recorded->authorization);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "client_id"), ==, CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "client_secret"), ==, CLIENT_SECRET);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "code"), ==, CODE);
  g_assert_false (g_hash_table_contains (recorded->form, "code_verifier"));
}

/* ------------------------------------------------------------------ */
/* LinkedIn                                                            */
/* ------------------------------------------------------------------ */

/* requests-oauthlib users need include_client_id=True for LinkedIn. */
static void
test_linkedin_client_credentials_in_body (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"access_token\":\"li-t0k\",\"expires_in\":5183999,"
                      "\"scope\":\"email,openid,profile\",\"token_type\":\"Bearer\","
                      "\"id_token\":\"eyJ.eyJ.sig\"}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("linkedin", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  const Recorded *recorded;

  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  recorded = provider_server_request (ps, 0);
  g_assert_cmpstr (recorded->path, ==, "/oauth/v2/accessToken");
  g_assert_cmpstr (recorded->content_type, ==, FORM_TYPE);
  g_assert_null (recorded->authorization);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "grant_type"), ==, "authorization_code");
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "client_id"), ==, CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "client_secret"), ==, CLIENT_SECRET);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "redirect_uri"), ==, REDIRECT_URI);
  g_assert_false (g_hash_table_contains (recorded->form, "code_verifier"));
  g_assert_cmpstr (grant_token_get_id_token (token), ==, "eyJ.eyJ.sig");
}

/* LinkedIn's comma-separated granted scope is the scope asked for. */
static void
test_linkedin_comma_scope_not_a_change (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"access_token\":\"li-t0k\",\"expires_in\":5183999,"
                      "\"scope\":\"email,openid,profile\",\"token_type\":\"Bearer\"}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("linkedin", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  guint changes = 0;

  g_signal_connect (session, "scope-changed", G_CALLBACK (on_scope_changed), &changes);
  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  assert_scope (token, "openid profile email");
  g_assert_cmpuint (changes, ==, 0);
  g_assert_false (session_scope_changed (session));
}

/* ------------------------------------------------------------------ */
/* Google                                                              */
/* ------------------------------------------------------------------ */

#define GOOGLE_EMAIL   "https://www.googleapis.com/auth/userinfo.email"
#define GOOGLE_PROFILE "https://www.googleapis.com/auth/userinfo.profile"

/* requests-oauthlib #387: asked for email and profile, Google grants
 * openid as well. */
static void
test_google_added_openid_not_a_change (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"access_token\":\"ya29.g00\",\"expires_in\":3599,\"token_type\":\"Bearer\","
                      "\"scope\":\"openid " GOOGLE_EMAIL " " GOOGLE_PROFILE "\","
                      "\"id_token\":\"eyJ.eyJ.sig\"}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("google", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  const char *asked[] = { "email", "profile", NULL };
  guint changes = 0;

  g_object_set (session, "scope", asked, "strict-scope", TRUE, NULL);
  g_signal_connect (session, "scope-changed", G_CALLBACK (on_scope_changed), &changes);
  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 0);
  g_assert_false (session_scope_changed (session));
  assert_scope (token, "email profile");
  g_assert_cmpstr (grant_token_get_id_token (token), ==, "eyJ.eyJ.sig");
}

/* The default scopes come back with their long names and in another
 * order: still what was asked for. */
static void
test_google_default_scopes_not_a_change (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"access_token\":\"ya29.g00\",\"expires_in\":3599,\"token_type\":\"Bearer\","
                      "\"scope\":\"" GOOGLE_PROFILE " " GOOGLE_EMAIL " openid\","
                      "\"refresh_token\":\"1//g-refresh\"}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("google", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  guint changes = 0;

  g_signal_connect (session, "scope-changed", G_CALLBACK (on_scope_changed), &changes);
  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 0);
  g_assert_false (session_scope_changed (session));
  assert_scope (token, "openid email profile");
}

/* Refreshes get the same treatment. */
static void
test_google_refresh_added_openid_not_a_change (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"access_token\":\"ya29.fresh\",\"expires_in\":3599,\"token_type\":\"Bearer\","
                      "\"scope\":\"" GOOGLE_EMAIL " openid\"}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("google", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  const char *asked[] = { "email", NULL };
  guint changes = 0;
  const Recorded *recorded;

  g_object_set (session, "scope", asked, NULL);
  g_signal_connect (session, "scope-changed", G_CALLBACK (on_scope_changed), &changes);
  token = refresh_now (session, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "ya29.fresh");
  g_assert_cmpstr (grant_token_get_refresh_token (token), ==, OLD_REFRESH);
  g_assert_cmpuint (changes, ==, 0);
  assert_scope (token, "email");

  /* Google takes the client id and secret in the body. */
  recorded = provider_server_request (ps, 0);
  g_assert_cmpstr (recorded->path, ==, "/token");
  g_assert_null (recorded->authorization);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "grant_type"), ==, "refresh_token");
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "refresh_token"), ==, OLD_REFRESH);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "client_id"), ==, CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "client_secret"), ==, CLIENT_SECRET);
}

/* The fix only forgives what Google is known to do: a scope the user did
 * not grant is still a change. */
static void
test_google_real_change_reported (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"access_token\":\"ya29.g00\",\"expires_in\":3599,\"token_type\":\"Bearer\","
                      "\"scope\":\"openid " GOOGLE_EMAIL "\"}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("google", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  const char *asked[] = { "email", "https://www.googleapis.com/auth/drive.file", NULL };
  guint changes = 0;

  g_object_set (session, "scope", asked, NULL);
  g_signal_connect (session, "scope-changed", G_CALLBACK (on_scope_changed), &changes);
  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_true (session_scope_changed (session));
  assert_scope (token, "email");
}

/* access_type=offline is the application's to pass; PKCE S256 is on, and
 * the verifier goes with the code. */
static void
test_google_offline_access_parameter (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"access_token\":\"ya29.g00\",\"expires_in\":3599,\"token_type\":\"Bearer\","
                      "\"refresh_token\":\"1//g-refresh\"}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("google", CLIENT_SECRET, ps);
  g_autoptr(GHashTable) extra = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *state = NULL;
  g_autofree char *callback = NULL;
  g_autofree char *verifier = NULL;
  const Recorded *recorded;

  g_hash_table_insert (extra, "access_type", "offline");
  g_hash_table_insert (extra, "prompt", "consent");
  url = grant_oauth2_session_authorization_url (session, NULL, NULL, extra, &state, &error);
  g_assert_no_error (error);
  query = url_query (url);
  g_assert_cmpstr (g_hash_table_lookup (query, "access_type"), ==, "offline");
  g_assert_cmpstr (g_hash_table_lookup (query, "prompt"), ==, "consent");
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "S256");
  g_assert_cmpstr (g_hash_table_lookup (query, "scope"), ==, "openid email profile");

  /* Google sends iss back (RFC 9207), and it is checked. */
  g_object_get (session, "code-verifier", &verifier, NULL);
  callback = g_strdup_printf ("%s?state=%s&code=%s&iss=%s", REDIRECT_URI, state, CODE,
                              "https%3A%2F%2Faccounts.google.com");
  token = grant_oauth2_session_fetch_token (session, NULL, callback, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_refresh_token (token), ==, "1//g-refresh");
  recorded = provider_server_request (ps, 0);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "code_verifier"), ==, verifier);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "code"), ==, CODE);
}

/* An authorization response from another issuer is refused. */
static void
test_google_issuer_mismatch_refused (void)
{
  g_autoptr(ProviderServer) ps = provider_server_new (NULL, 0);
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("google", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *state = NULL;
  g_autofree char *callback = NULL;

  url = grant_oauth2_session_authorization_url (session, NULL, NULL, NULL, &state, &error);
  g_assert_no_error (error);
  callback = g_strdup_printf ("%s?state=%s&code=%s&iss=%s", REDIRECT_URI, state, CODE,
                              "https%3A%2F%2Fattacker.example");
  token = grant_oauth2_session_fetch_token (session, NULL, callback, NULL, NULL, NULL, &error);
  g_assert_null (token);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_MISMATCHING_ISSUER);
  g_assert_cmpuint (provider_server_count (ps), ==, 0);
}

/* ------------------------------------------------------------------ */
/* X (Twitter)                                                          */
/* ------------------------------------------------------------------ */

#define TWITTER_TOKEN \
  "{\"token_type\":\"bearer\",\"expires_in\":7200,\"access_token\":\"tw-t0k\"," \
  "\"scope\":\"tweet.read users.read offline.access\",\"refresh_token\":\"tw-refresh\"}"

static void
test_twitter_confidential_client_basic (void)
{
  static const Answer answers[] = { { 200, JSON_TYPE, TWITTER_TOKEN } };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("twitter", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *basic = basic_credentials (CLIENT_ID, CLIENT_SECRET);
  const Recorded *recorded;
  guint changes = 0;

  g_signal_connect (session, "scope-changed", G_CALLBACK (on_scope_changed), &changes);
  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_refresh_token (token), ==, "tw-refresh");
  g_assert_cmpuint (changes, ==, 0);

  recorded = provider_server_request (ps, 0);
  g_assert_cmpstr (recorded->path, ==, "/2/oauth2/token");
  g_assert_cmpstr (recorded->authorization, ==, basic);
  g_assert_false (g_hash_table_contains (recorded->form, "client_secret"));
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "code_verifier"), ==, VERIFIER);
}

/* A native app has no secret: its client_id goes in the body, with no
 * Authorization header — for the code and for refreshes. */
static void
test_twitter_public_client_id_in_body (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, TWITTER_TOKEN },
    { 200, JSON_TYPE, TWITTER_TOKEN },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("twitter", NULL, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GrantToken) refreshed = NULL;
  g_autoptr(GError) error = NULL;

  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  refreshed = grant_oauth2_session_refresh_token (session, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 2; i++)
    {
      const Recorded *recorded = provider_server_request (ps, i);

      g_assert_null (recorded->authorization);
      g_assert_cmpstr (g_hash_table_lookup (recorded->form, "client_id"), ==, CLIENT_ID);
      g_assert_false (g_hash_table_contains (recorded->form, "client_secret"));
    }
  g_assert_cmpstr (g_hash_table_lookup (provider_server_request (ps, 1)->form, "refresh_token"), ==,
                   "tw-refresh");
}

/* ------------------------------------------------------------------ */
/* Bitbucket                                                           */
/* ------------------------------------------------------------------ */

#define BITBUCKET_TOKEN \
  "{\"access_token\":\"bb-t0k\",\"scopes\":\"repository account\",\"expires_in\":7200," \
  "\"refresh_token\":\"bb-refresh\",\"token_type\":\"bearer\",\"state\":\"authorization_code\"}"

/* requests-oauthlib §7: a Bitbucket refresh needs Basic auth. */
static void
test_bitbucket_refresh_uses_basic (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"access_token\":\"bb-fresh\",\"scopes\":\"repository account\","
                      "\"expires_in\":7200,\"refresh_token\":\"bb-refresh-2\","
                      "\"token_type\":\"bearer\",\"state\":\"refresh_token\"}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("bitbucket", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *basic = basic_credentials (CLIENT_ID, CLIENT_SECRET);
  const Recorded *recorded;

  token = refresh_now (session, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "bb-fresh");
  g_assert_cmpstr (grant_token_get_refresh_token (token), ==, "bb-refresh-2");

  recorded = provider_server_request (ps, 0);
  g_assert_cmpstr (recorded->path, ==, "/site/oauth2/access_token");
  g_assert_cmpstr (recorded->authorization, ==, basic);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "grant_type"), ==, "refresh_token");
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "refresh_token"), ==, OLD_REFRESH);
  g_assert_false (g_hash_table_contains (recorded->form, "client_secret"));
}

/* Bitbucket's `scopes` becomes the token's scope, on fetch and refresh. */
static void
test_bitbucket_scopes_member_read (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, BITBUCKET_TOKEN },
    { 200, JSON_TYPE, "{\"access_token\":\"bb-fresh\",\"scopes\":\"account\",\"expires_in\":7200,"
                      "\"token_type\":\"bearer\"}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("bitbucket", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GrantToken) refreshed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *basic = basic_credentials (CLIENT_ID, CLIENT_SECRET);

  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  assert_scope (token, "repository account");
  g_assert_cmpstr (provider_server_request (ps, 0)->authorization, ==, basic);
  /* No PKCE: Bitbucket does not do it. */
  g_assert_false (g_hash_table_contains (provider_server_request (ps, 0)->form, "code_verifier"));

  refreshed = grant_oauth2_session_refresh_token (session, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_scope (refreshed, "account");
  g_assert_cmpstr (grant_token_get_refresh_token (refreshed), ==, "bb-refresh");
}

/* ------------------------------------------------------------------ */
/* Microsoft                                                           */
/* ------------------------------------------------------------------ */

#define MS_TENANT "contoso.onmicrosoft.com"

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_microsoft_tenant_property (void)
{
  GrantProviderRegistry *registry = grant_provider_registry_get_default ();
  g_autoptr(GrantProvider) shared = grant_provider_registry_lookup (registry, "microsoft");
  g_autoptr(GrantProvider) mine = NULL;
  g_autofree char *tenant = NULL;
  guint notified = 0;

  g_assert_nonnull (shared);
  g_object_get (shared, "tenant", &tenant, NULL);
  g_assert_cmpstr (tenant, ==, "common");
  g_clear_pointer (&tenant, g_free);

  /* At construction… */
  mine = g_object_new (G_OBJECT_TYPE (shared), "tenant", MS_TENANT, NULL);
  g_assert_cmpstr (grant_provider_get_endpoint (mine, GRANT_ENDPOINT_AUTHORIZATION), ==,
                   "https://login.microsoftonline.com/" MS_TENANT "/oauth2/v2.0/authorize");
  g_assert_cmpstr (grant_provider_get_endpoint (mine, GRANT_ENDPOINT_TOKEN), ==,
                   "https://login.microsoftonline.com/" MS_TENANT "/oauth2/v2.0/token");
  g_assert_cmpstr (grant_provider_get_endpoint (mine, GRANT_ENDPOINT_DEVICE_AUTHORIZATION), ==,
                   "https://login.microsoftonline.com/" MS_TENANT "/oauth2/v2.0/devicecode");
  g_assert_cmpstr (grant_provider_get_id (mine), ==, "microsoft");

  /* …and after, with a notification. */
  g_signal_connect (mine, "notify::tenant", G_CALLBACK (count_notify), &notified);
  g_object_set (mine, "tenant", "organizations", NULL);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (grant_provider_get_endpoint (mine, GRANT_ENDPOINT_TOKEN), ==,
                   "https://login.microsoftonline.com/organizations/oauth2/v2.0/token");
  g_object_set (mine, "tenant", "organizations", NULL);
  g_assert_cmpuint (notified, ==, 1);

  /* No tenant is the default one. */
  g_object_set (mine, "tenant", NULL, NULL);
  g_object_get (mine, "tenant", &tenant, NULL);
  g_assert_cmpstr (tenant, ==, "common");
  g_assert_cmpstr (grant_provider_get_endpoint (mine, GRANT_ENDPOINT_AUTHORIZATION), ==,
                   "https://login.microsoftonline.com/common/oauth2/v2.0/authorize");

  /* A tenant cannot add path segments or a query. */
  g_object_set (mine, "tenant", "evil/../x?y", NULL);
  g_assert_cmpstr (grant_provider_get_endpoint (mine, GRANT_ENDPOINT_TOKEN), ==,
                   "https://login.microsoftonline.com/evil%2F..%2Fx%3Fy/oauth2/v2.0/token");

  /* The shared provider was not touched. */
  g_assert_cmpstr (grant_provider_get_endpoint (shared, GRANT_ENDPOINT_TOKEN), ==,
                   "https://login.microsoftonline.com/common/oauth2/v2.0/token");
}

/* A session made for a provider with a tenant sends its token request
 * to that tenant's path. */
static void
test_microsoft_tenant_in_request_path (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"token_type\":\"Bearer\",\"scope\":\"User.Read profile openid\","
                      "\"expires_in\":4052,\"access_token\":\"ms-t0k\",\"refresh_token\":\"ms-refresh\"}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  GrantProviderRegistry *registry = grant_provider_registry_get_default ();
  g_autoptr(GrantProvider) shared = grant_provider_registry_lookup (registry, "microsoft");
  g_autoptr(GrantProvider) mine = g_object_new (G_OBJECT_TYPE (shared), "tenant", MS_TENANT, NULL);
  g_autoptr(GrantOAuth2Session) session = grant_oauth2_session_new_for_provider_object (mine, CLIENT_ID, NULL);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *loopback = NULL;
  const Recorded *recorded;

  g_object_get (session, "token-url", &token_url, NULL);
  loopback = loopback_url (ps, token_url);
  g_object_set (session, "token-url", loopback, "allow-insecure-transport", TRUE,
                "redirect-uri", REDIRECT_URI, "code-verifier", VERIFIER, NULL);

  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  recorded = provider_server_request (ps, 0);
  g_assert_cmpstr (recorded->path, ==, "/" MS_TENANT "/oauth2/v2.0/token");
  /* A public client: its id in the body, no secret, no Basic. */
  g_assert_null (recorded->authorization);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "client_id"), ==, CLIENT_ID);
  g_assert_false (g_hash_table_contains (recorded->form, "client_secret"));
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "code_verifier"), ==, VERIFIER);
}

/* oauthlib #562: offline_access is honoured but never echoed. Even a
 * session that treats scope changes as errors gets its token. */
static void
test_microsoft_offline_access_not_echoed (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"token_type\":\"Bearer\",\"scope\":\"User.Read profile openid\","
                      "\"expires_in\":4052,\"ext_expires_in\":4052,\"access_token\":\"ms-t0k\","
                      "\"refresh_token\":\"ms-refresh\",\"id_token\":\"eyJ.eyJ.sig\"}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("microsoft", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  guint changes = 0;
  const Recorded *recorded;

  g_object_set (session, "strict-scope", TRUE, NULL);
  g_signal_connect (session, "scope-changed", G_CALLBACK (on_scope_changed), &changes);
  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 0);
  g_assert_false (session_scope_changed (session));
  assert_scope (token, "User.Read profile openid offline_access");

  /* A confidential client: id and secret in the body. */
  recorded = provider_server_request (ps, 0);
  g_assert_null (recorded->authorization);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "client_secret"), ==, CLIENT_SECRET);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "client_id"), ==, CLIENT_ID);
}

static void
test_microsoft_refresh_offline_access_not_echoed (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"token_type\":\"Bearer\",\"scope\":\"openid profile User.Read\","
                      "\"expires_in\":4052,\"access_token\":\"ms-fresh\",\"refresh_token\":\"ms-refresh-2\"}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("microsoft", NULL, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  guint changes = 0;

  g_signal_connect (session, "scope-changed", G_CALLBACK (on_scope_changed), &changes);
  token = refresh_now (session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 0);
  g_assert_false (session_scope_changed (session));
  assert_scope (token, "openid profile User.Read offline_access");
  g_assert_cmpstr (provider_server_request (ps, 0)->path, ==, "/common/oauth2/v2.0/token");
}

/* offline_access is only added back when it was asked for, and other
 * differences are still reported. */
static void
test_microsoft_only_requested_offline_access (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"token_type\":\"Bearer\",\"scope\":\"User.Read\",\"expires_in\":4052,"
                      "\"access_token\":\"ms-t0k\"}" },
    { 200, JSON_TYPE, "{\"token_type\":\"Bearer\",\"scope\":\"User.Read\",\"expires_in\":4052,"
                      "\"access_token\":\"ms-t0k\"}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("microsoft", NULL, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GrantToken) second = NULL;
  g_autoptr(GError) error = NULL;
  const char *without[] = { "User.Read", NULL };
  const char *more[] = { "User.Read", "Mail.Read", "offline_access", NULL };
  guint changes = 0;

  g_signal_connect (session, "scope-changed", G_CALLBACK (on_scope_changed), &changes);
  g_object_set (session, "scope", without, NULL);
  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  assert_scope (token, "User.Read");
  g_assert_cmpuint (changes, ==, 0);

  g_object_set (session, "scope", more, NULL);
  second = fetch_with_code (session, &error);
  g_assert_no_error (error);
  assert_scope (second, "User.Read offline_access");
  g_assert_cmpuint (changes, ==, 1);
}

/* ------------------------------------------------------------------ */
/* Fitbit                                                              */
/* ------------------------------------------------------------------ */

#define FITBIT_INVALID_GRANT \
  "{\"errors\":[{\"errorType\":\"invalid_grant\"," \
  "\"message\":\"Authorization code invalid: " CODE " Visit https://dev.fitbit.com/docs/oauth2 " \
  "for more information on the Fitbit Web API authorization process.\"}],\"success\":false}"

static void
test_fitbit_errors_list_on_fetch (void)
{
  static const Answer answers[] = { { 400, JSON_TYPE, FITBIT_INVALID_GRANT } };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("fitbit", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  token = fetch_with_code (session, &error);
  g_assert_null (token);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_GRANT);
  /* Fitbit's message is the description (with the code redacted). */
  g_assert_nonnull (strstr (error->message, "Authorization code invalid"));
  g_assert_null (strstr (error->message, CODE));
  g_assert_false (grant_oauth2_session_get_authorized (session));
}

/* The requests-oauthlib vector uses a 200; the status does not matter. */
static void
test_fitbit_errors_list_on_refresh (void)
{
  static const Answer answers[] = {
    { 401, JSON_TYPE, "{\"errors\":[{\"errorType\":\"invalid_grant\","
                      "\"message\":\"Refresh token invalid: " OLD_REFRESH ".\"}],\"success\":false}" },
    { 200, JSON_TYPE, "{\"errors\":[{\"errorType\":\"invalid_grant\"}]}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("fitbit", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *basic = basic_credentials (CLIENT_ID, CLIENT_SECRET);
  const Recorded *recorded;

  token = refresh_now (session, &error);
  g_assert_null (token);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_GRANT);
  g_assert_nonnull (strstr (error->message, "Refresh token invalid"));
  g_assert_null (strstr (error->message, OLD_REFRESH));
  g_clear_error (&error);

  token = grant_oauth2_session_refresh_token (session, NULL, NULL, NULL, &error);
  g_assert_null (token);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_GRANT);

  /* Fitbit refreshes need HTTP Basic. */
  recorded = provider_server_request (ps, 0);
  g_assert_cmpstr (recorded->path, ==, "/oauth2/token");
  g_assert_cmpstr (recorded->authorization, ==, basic);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "grant_type"), ==, "refresh_token");
  g_assert_false (g_hash_table_contains (recorded->form, "client_secret"));
}

/* A good answer is untouched: the requests-oauthlib vectors. */
static void
test_fitbit_token_untouched (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"access_token\":\"fitbit\"}" },
    { 200, JSON_TYPE, "{\"access_token\":\"access\",\"refresh_token\":\"refresh\"}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("fitbit", CLIENT_SECRET, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GrantToken) refreshed = NULL;
  g_autoptr(GError) error = NULL;
  Seen seen = { NULL, };

  g_signal_connect (session, "access-token-response", G_CALLBACK (on_response_seen), &seen);
  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "fitbit");
  g_assert_cmpstr (seen.body, ==, answers[0].body);
  seen_clear (&seen);

  refreshed = refresh_now (session, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_access_token (refreshed), ==, "access");
  g_assert_cmpstr (grant_token_get_refresh_token (refreshed), ==, "refresh");
  /* PKCE: the verifier went with the code. */
  g_assert_cmpstr (g_hash_table_lookup (provider_server_request (ps, 0)->form, "code_verifier"), ==, VERIFIER);
}

/* A "Client" app used without a secret sends its client_id instead. */
static void
test_fitbit_public_client_id_in_body (void)
{
  static const Answer answers[] = {
    { 200, JSON_TYPE, "{\"access_token\":\"fitbit\",\"refresh_token\":\"r\",\"user_id\":\"ABC123\","
                      "\"scope\":\"profile\",\"token_type\":\"Bearer\",\"expires_in\":28800}" },
  };
  g_autoptr(ProviderServer) ps = provider_server_new (answers, G_N_ELEMENTS (answers));
  g_autoptr(GrantOAuth2Session) session = oauth2_session_for ("fitbit", NULL, ps);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user_id = NULL;
  const Recorded *recorded;

  token = fetch_with_code (session, &error);
  g_assert_no_error (error);
  user_id = grant_token_get_extra_string (token, "user_id");
  g_assert_cmpstr (user_id, ==, "ABC123");
  recorded = provider_server_request (ps, 0);
  g_assert_null (recorded->authorization);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "client_id"), ==, CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (recorded->form, "code_verifier"), ==, VERIFIER);
}

int
main (int argc, char *argv[])
{
  static const char *oauth1_providers[] = { "twitter", "tumblr", "bitbucket" };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (expected_providers); i++)
    {
      g_autofree char *path = g_strdup_printf ("/providers/%s/defaults", expected_providers[i].id);
      g_test_add_data_func (path, &expected_providers[i], test_defaults);
    }
  for (guint i = 0; i < G_N_ELEMENTS (oauth1_providers); i++)
    {
      g_autofree char *path = g_strdup_printf ("/providers/%s/oauth1/request-authorize-access-at-provider-paths",
                                               oauth1_providers[i]);
      g_test_add_data_func (path, oauth1_providers[i], test_oauth1_flow);
    }

  g_test_add_func ("/providers/facebook/form-token-with-expires", test_facebook_form_token_with_expires);
  g_test_add_func ("/providers/facebook/form-token-gets-bearer-type", test_facebook_form_token_vector);
  g_test_add_func ("/providers/facebook/json-token-untouched", test_facebook_json_token_untouched);
  g_test_add_func ("/providers/facebook/error-status-untouched", test_facebook_error_status_untouched);
  g_test_add_func ("/providers/facebook/client-credentials-in-body", test_facebook_token_request);

  g_test_add_func ("/providers/linkedin/client-credentials-in-body", test_linkedin_client_credentials_in_body);
  g_test_add_func ("/providers/linkedin/comma-granted-scope-not-a-change", test_linkedin_comma_scope_not_a_change);

  g_test_add_func ("/providers/google/added-openid-not-a-scope-change", test_google_added_openid_not_a_change);
  g_test_add_func ("/providers/google/default-scopes-long-names-not-a-scope-change",
                   test_google_default_scopes_not_a_change);
  g_test_add_func ("/providers/google/refresh-added-openid-not-a-scope-change",
                   test_google_refresh_added_openid_not_a_change);
  g_test_add_func ("/providers/google/refused-scope-still-reported", test_google_real_change_reported);
  g_test_add_func ("/providers/google/access-type-offline-and-pkce", test_google_offline_access_parameter);
  g_test_add_func ("/providers/google/issuer-mismatch-refused", test_google_issuer_mismatch_refused);

  g_test_add_func ("/providers/twitter/oauth2/confidential-client-basic", test_twitter_confidential_client_basic);
  g_test_add_func ("/providers/twitter/oauth2/public-client-id-in-body", test_twitter_public_client_id_in_body);

  g_test_add_func ("/providers/bitbucket/refresh-uses-basic-auth", test_bitbucket_refresh_uses_basic);
  g_test_add_func ("/providers/bitbucket/scopes-member-is-granted-scope", test_bitbucket_scopes_member_read);

  g_test_add_func ("/providers/microsoft/tenant-property-rebuilds-endpoints", test_microsoft_tenant_property);
  g_test_add_func ("/providers/microsoft/tenant-in-token-request-path", test_microsoft_tenant_in_request_path);
  g_test_add_func ("/providers/microsoft/offline-access-not-echoed-not-a-change",
                   test_microsoft_offline_access_not_echoed);
  g_test_add_func ("/providers/microsoft/refresh-offline-access-not-echoed-not-a-change",
                   test_microsoft_refresh_offline_access_not_echoed);
  g_test_add_func ("/providers/microsoft/offline-access-added-only-when-requested",
                   test_microsoft_only_requested_offline_access);

  g_test_add_func ("/providers/fitbit/errors-list-is-invalid-grant-on-fetch", test_fitbit_errors_list_on_fetch);
  g_test_add_func ("/providers/fitbit/errors-list-is-invalid-grant-on-refresh", test_fitbit_errors_list_on_refresh);
  g_test_add_func ("/providers/fitbit/good-token-untouched", test_fitbit_token_untouched);
  g_test_add_func ("/providers/fitbit/public-client-id-in-body", test_fitbit_public_client_id_in_body);

  return g_test_run ();
}
