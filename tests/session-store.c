/* session-store.c: sessions that keep their tokens in a store
 *
 * Against oidc-provider for real tokens, with the real Secret Service
 * (gnome-keyring inside dbus-run-session, see tools/quickstart.sh), the
 * file store, and a store that fails on purpose.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>
#include <libsecret/secret.h>

#include "grant-demo-browser.h"
#include "test-utils.h"

#define CALLBACK_URI "http://127.0.0.1/callback"

static TestProvider *oidc;

/* A store that does what it is told to fail at. */
#define TEST_TYPE_FAILING_STORE (test_failing_store_get_type ())
G_DECLARE_FINAL_TYPE (TestFailingStore, test_failing_store, TEST, FAILING_STORE, GObject)

struct _TestFailingStore
{
  GObject           parent_instance;
  GrantMemoryStore *inner;
  gboolean          fail_saves;
  gboolean          fail_loads;
  guint             saves;
  guint             loads;
  /* A thread that must never wait on a load (the main one). */
  GThread          *no_load_thread;
  guint             loads_on_no_load_thread;
};

static void test_failing_store_iface_init (GrantTokenStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestFailingStore, test_failing_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GRANT_TYPE_TOKEN_STORE, test_failing_store_iface_init))

static void
test_failing_store_finalize (GObject *object)
{
  g_object_unref (TEST_FAILING_STORE (object)->inner);
  G_OBJECT_CLASS (test_failing_store_parent_class)->finalize (object);
}

static void
test_failing_store_class_init (TestFailingStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_failing_store_finalize;
}

static void
test_failing_store_init (TestFailingStore *self)
{
  self->inner = grant_memory_store_new ();
}

static JsonObject *
failing_load (GrantTokenStore *store, GrantTokenKey *key, GCancellable *c, GError **error)
{
  TestFailingStore *self = TEST_FAILING_STORE (store);

  g_atomic_int_inc (&self->loads);
  if (g_thread_self () == self->no_load_thread)
    g_atomic_int_inc (&self->loads_on_no_load_thread);
  if (self->fail_loads)
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED, "the keyring is locked");
      return NULL;
    }
  return grant_token_store_load (GRANT_TOKEN_STORE (self->inner), key, c, error);
}

static gboolean
failing_save (GrantTokenStore *store, GrantTokenKey *key, JsonObject *token, GCancellable *c, GError **error)
{
  TestFailingStore *self = TEST_FAILING_STORE (store);

  g_atomic_int_inc (&self->saves);
  if (self->fail_saves)
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED, "the keyring went away");
      return FALSE;
    }
  return grant_token_store_save (GRANT_TOKEN_STORE (self->inner), key, token, c, error);
}

static gboolean
failing_delete (GrantTokenStore *store, GrantTokenKey *key, GCancellable *c, GError **error)
{
  return grant_token_store_delete (GRANT_TOKEN_STORE (TEST_FAILING_STORE (store)->inner), key, c, error);
}

static GPtrArray *
failing_list (GrantTokenStore *store, GCancellable *c, GError **error)
{
  return grant_token_store_list (GRANT_TOKEN_STORE (TEST_FAILING_STORE (store)->inner), c, error);
}

static void
test_failing_store_iface_init (GrantTokenStoreInterface *iface)
{
  iface->load = failing_load;
  iface->save = failing_save;
  iface->delete = failing_delete;
  iface->list = failing_list;
}

static gboolean
keyring_available (void)
{
  if (grant_secret_store_is_service_available (NULL))
    return TRUE;
  if (g_strcmp0 (g_getenv ("GRANT_REQUIRE_KEYRING"), "1") == 0)
    g_error ("GRANT_REQUIRE_KEYRING=1 but no Secret Service answers on the session bus");
  g_test_skip ("No Secret Service on the session bus (run the tests with tools/quickstart.sh test)");
  return FALSE;
}

static GrantOAuth2Session *
new_session (GrantTokenStore *store,
             const char      *account)
{
  GrantOAuth2Session *session = grant_oauth2_session_new ("public-pkce", NULL);
  g_autofree char *token_url = test_provider_url (oidc, "/token");
  const char *scope[] = { "openid", "api:read", NULL };

  g_object_set (session,
                "client-auth", GRANT_CLIENT_AUTH_NONE,
                "redirect-uri", CALLBACK_URI,
                "scope", scope,
                "token-url", token_url,
                "allow-insecure-transport", TRUE,
                "token-store", store,
                "provider", "oidc-test",
                "account", account,
                NULL);
  return session;
}

/* Authorization code flow as alice; returns the token fetch's result. */
static GrantToken *
sign_in (GrantOAuth2Session  *session,
         GError             **error)
{
  g_autofree char *endpoint = test_provider_url (oidc, "/auth");
  g_autofree char *token_url = test_provider_url (oidc, "/token");
  g_autofree char *url = NULL;
  g_autofree char *callback = NULL;

  url = grant_oauth2_session_authorization_url (session, endpoint, NULL, NULL, NULL, error);
  g_assert_nonnull (url);
  callback = grant_demo_browser_authorize (url, CALLBACK_URI, "alice", error);
  g_assert_nonnull (callback);
  return grant_oauth2_session_fetch_token (session, token_url, callback, NULL, NULL, NULL, error);
}

static guint
api_me_status (GrantOAuth2Session *session)
{
  g_autofree char *url = test_provider_url (oidc, "/api/me");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = grant_oauth2_session_send_and_read (session, msg, NULL, GRANT_SEND_NONE, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (msg);
}

/* secret-tool prints an item's label and secret on stdout and its
 * attributes on stderr; both are wanted. */
static char *
secret_tool (const char *account)
{
  const char *argv[] = { "secret-tool", "search", "--all", "--unlock",
                         "provider", "oidc-test", "account", account, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH,
                NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  return g_strconcat (out, err, NULL);
}

static char *
secret_tool_lookup (const char *account)
{
  const char *argv[] = { "secret-tool", "lookup", "provider", "oidc-test", "account", account, NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  return out;
}

/* What the docs promise about the keyring item, checked with secret-tool:
 * four attributes and the schema, a label a person reads, the token JSON
 * as the secret; a refresh replaces it, a second session picks it up,
 * logout removes it. */
static void
test_keyring_lifecycle (void)
{
  g_autoptr(GrantSecretStore) store = NULL;
  g_autoptr(GrantOAuth2Session) session = NULL;
  g_autoptr(GrantOAuth2Session) second = NULL;
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GrantToken) refreshed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *item = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *after_refresh = NULL;
  g_autofree char *after_logout = NULL;
  g_autoptr(GrantToken) stored = NULL;

  if (!keyring_available ())
    return;

  store = grant_secret_store_new ();
  session = new_session (GRANT_TOKEN_STORE (store), "alice@example.org");
  token = sign_in (session, &error);
  g_assert_no_error (error);

  item = secret_tool ("alice@example.org");
  g_assert_nonnull (strstr (item, "label = Oidc-test token for alice@example.org (Grant)"));
  g_assert_nonnull (strstr (item, "attribute.protocol = oauth2"));
  g_assert_nonnull (strstr (item, "attribute.provider = oidc-test"));
  g_assert_nonnull (strstr (item, "attribute.client-id = public-pkce"));
  g_assert_nonnull (strstr (item, "attribute.account = alice@example.org"));
  g_assert_nonnull (strstr (item, "schema = org.gnome.Grant.Token"));
  /* The token is the secret, never an attribute. */
  {
    g_auto(GStrv) lines = g_strsplit (item, "\n", -1);

    for (char **line = lines; *line; line++)
      if (g_str_has_prefix (*line, "attribute.") || g_str_has_prefix (*line, "label"))
        g_assert_null (strstr (*line, grant_token_get_access_token (token)));
  }

  secret = secret_tool_lookup ("alice@example.org");
  stored = grant_token_new_from_json (secret, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_access_token (stored), ==, grant_token_get_access_token (token));
  g_assert_cmpstr (grant_token_get_refresh_token (stored), ==, grant_token_get_refresh_token (token));
  g_assert_cmpint (grant_token_get_expires_at (stored), ==, grant_token_get_expires_at (token));

  refreshed = grant_oauth2_session_refresh_token (session, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  after_refresh = secret_tool_lookup ("alice@example.org");
  g_assert_nonnull (strstr (after_refresh, grant_token_get_refresh_token (refreshed)));
  g_assert_null (strstr (after_refresh, grant_token_get_refresh_token (token)));

  /* A new session (the next start of the app) has the token without
   * signing in again. */
  second = new_session (GRANT_TOKEN_STORE (store), "alice@example.org");
  g_assert_false (grant_oauth2_session_get_authorized (second));
  g_assert_cmpuint (api_me_status (second), ==, 200);
  g_assert_true (grant_oauth2_session_get_authorized (second));

  g_assert_true (grant_oauth2_session_logout (second, NULL, &error));
  g_assert_no_error (error);
  after_logout = secret_tool ("alice@example.org");
  g_assert_null (strstr (after_logout, "oidc-test"));
  g_assert_false (grant_oauth2_session_get_authorized (second));
}

static void
on_token_updated_check_store (GrantOAuth2Session *session,
                              GrantToken         *token,
                              gpointer            user_data)
{
  GrantTokenStore *store = user_data;
  g_autoptr(GrantTokenKey) key = grant_token_key_new (GRANT_PROTOCOL_OAUTH2, "oidc-test", "public-pkce", "bob");
  g_autoptr(JsonObject) stored = grant_token_store_load (store, key, NULL, NULL);

  /* By the time anyone is told, the store has it. */
  g_assert_nonnull (stored);
  g_assert_cmpstr (json_object_get_string_member (stored, "access_token"), ==,
                   grant_token_get_access_token (token));
  g_object_set_data (G_OBJECT (session), "checked", GINT_TO_POINTER (1));
}

static void
test_saved_before_announced (void)
{
  g_autoptr(GrantMemoryStore) store = grant_memory_store_new ();
  g_autoptr(GrantOAuth2Session) session = new_session (GRANT_TOKEN_STORE (store), "bob");
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  g_signal_connect (session, "token-updated", G_CALLBACK (on_token_updated_check_store), store);
  token = sign_in (session, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_object_get_data (G_OBJECT (session), "checked"));
}

static void
on_store_error (GrantOAuth2Session *session,
                const GError       *error,
                gpointer            user_data)
{
  guint *count = user_data;

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED);
  (*count)++;
}

/* A store that fails: the token is still in use, and the failure is said
 * on the call that obtained it and by the signal; an automatic refresh
 * whose save fails lets the request through and signals. */
static void
test_store_failure_keeps_session_usable (void)
{
  g_autoptr(TestFailingStore) store = g_object_new (TEST_TYPE_FAILING_STORE, NULL);
  g_autoptr(GrantOAuth2Session) session = new_session (GRANT_TOKEN_STORE (store), "carol");
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GrantToken) lying = NULL;
  g_autoptr(GrantToken) current = NULL;
  g_autoptr(GError) error = NULL;
  guint errors = 0;
  guint saves_before;

  store->fail_saves = TRUE;
  g_signal_connect (session, "store-error", G_CALLBACK (on_store_error), &errors);

  token = sign_in (session, &error);
  g_assert_null (token);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (errors, ==, 1);
  g_assert_true (grant_oauth2_session_get_authorized (session));
  g_assert_cmpuint (api_me_status (session), ==, 200);

  /* Make the token due: the refresh's save fails, the request goes on. */
  current = grant_oauth2_session_get_token (session);
  lying = grant_token_copy (current);
  grant_token_set_expires_at (lying, g_get_real_time () / G_USEC_PER_SEC - 1);
  grant_oauth2_session_set_token (session, lying);
  saves_before = store->saves;
  g_assert_cmpuint (api_me_status (session), ==, 200);
  g_assert_cmpuint (store->saves, ==, saves_before + 1);
  g_assert_cmpuint (errors, ==, 2);
}

/* A store that cannot be read is reported, and the session goes on as if
 * it had no token. */
static void
test_store_load_failure_reported (void)
{
  g_autoptr(TestFailingStore) store = g_object_new (TEST_TYPE_FAILING_STORE, NULL);
  g_autoptr(GrantOAuth2Session) session = new_session (GRANT_TOKEN_STORE (store), "dave");
  g_autofree char *url = test_provider_url (oidc, "/api/me");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint errors = 0;

  store->fail_loads = TRUE;
  g_signal_connect (session, "store-error", G_CALLBACK (on_store_error), &errors);
  body = grant_oauth2_session_send_and_read (session, msg, NULL, GRANT_SEND_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (errors, ==, 1);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 401);
}

/* Two sessions on one account sharing a store: when one has refreshed
 * (rotating the refresh token), the other takes the stored token instead
 * of refreshing with a refresh token the server would now refuse. */
static void
test_two_sessions_share_refreshes (void)
{
  g_autoptr(GrantMemoryStore) store = grant_memory_store_new ();
  g_autoptr(GrantOAuth2Session) first = new_session (GRANT_TOKEN_STORE (store), "erin");
  g_autoptr(GrantOAuth2Session) second = NULL;
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GrantToken) refreshed = NULL;
  g_autoptr(GrantToken) stale = NULL;
  g_autoptr(GrantToken) adopted = NULL;
  g_autoptr(GError) error = NULL;

  token = sign_in (first, &error);
  g_assert_no_error (error);

  second = new_session (GRANT_TOKEN_STORE (store), "erin");
  g_assert_true (grant_oauth2_session_load_token (second, NULL, &error));
  g_assert_no_error (error);

  refreshed = grant_oauth2_session_refresh_token (first, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* The second session's copy is now stale; make it due. */
  stale = grant_oauth2_session_get_token (second);
  grant_token_set_expires_at (stale, g_get_real_time () / G_USEC_PER_SEC - 1);
  grant_oauth2_session_set_token (second, stale);

  g_assert_cmpuint (api_me_status (second), ==, 200);
  adopted = grant_oauth2_session_get_token (second);
  g_assert_cmpstr (grant_token_get_refresh_token (adopted), ==, grant_token_get_refresh_token (refreshed));
  g_assert_cmpuint (api_me_status (first), ==, 200);
}

static void
on_refreshed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GrantToken **token = user_data;
  g_autoptr(GError) error = NULL;

  *token = grant_oauth2_session_refresh_token_finish (GRANT_OAUTH2_SESSION (source), result, &error);
  g_assert_no_error (error);
}

/* A session that obtained its token does not read the store for it; one
 * that has to read it does so off the main thread, refresh_token_async
 * included. */
static void
test_loads_once_and_off_main_thread (void)
{
  g_autoptr(TestFailingStore) store = g_object_new (TEST_TYPE_FAILING_STORE, NULL);
  g_autoptr(GrantOAuth2Session) first = new_session (GRANT_TOKEN_STORE (store), "frank");
  g_autoptr(GrantOAuth2Session) second = new_session (GRANT_TOKEN_STORE (store), "frank");
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GrantToken) refreshed = NULL;
  g_autoptr(GError) error = NULL;

  token = sign_in (first, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (api_me_status (first), ==, 200);
  g_assert_cmpuint (g_atomic_int_get (&store->loads), ==, 0);

  store->no_load_thread = g_thread_self ();
  grant_oauth2_session_refresh_token_async (second, NULL, NULL, NULL, on_refreshed, &refreshed);
  while (refreshed == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (g_atomic_int_get (&store->loads), ==, 1);
  g_assert_cmpuint (g_atomic_int_get (&store->loads_on_no_load_thread), ==, 0);
  g_assert_cmpstr (grant_token_get_access_token (refreshed), !=, grant_token_get_access_token (token));
}

/* OAuth 1 credentials go into the store when the dance completes. */
static void
test_oauth1_file_store (void)
{
  g_autofree char *dir = g_dir_make_tmp ("grant-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "tokens.json", NULL);
  g_autoptr(GrantFileStore) store = grant_file_store_new (path);
  g_autoptr(TestProvider) provider = test_provider_start ();
  g_autoptr(GrantOAuth1Session) session = grant_oauth1_session_new (TEST_CLIENT_KEY, TEST_CLIENT_SECRET,
                                                                     "http://127.0.0.1/cb");
  g_autoptr(GrantOAuth1Session) restored = grant_oauth1_session_new (TEST_CLIENT_KEY, TEST_CLIENT_SECRET, NULL);
  g_autofree char *request_url = test_provider_url (provider, "/request_token");
  g_autofree char *authorize_url = test_provider_url (provider, "/authorize");
  g_autofree char *access_url = test_provider_url (provider, "/access_token");
  g_autofree char *resource = test_provider_url (provider, "/resource");
  g_autofree char *user_url = NULL;
  g_autofree char *callback = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GHashTable) temporary = NULL;
  g_autoptr(GHashTable) returned = NULL;
  g_autoptr(GHashTable) access = NULL;
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", resource);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);

  g_object_set (session, "token-store", store, "provider", "oauth1-test", "account", "alice", NULL);
  temporary = grant_oauth1_session_fetch_request_token (session, request_url, NULL, NULL, &error);
  g_assert_no_error (error);
  user_url = grant_oauth1_session_authorization_url (session, authorize_url, NULL, NULL);
  callback = grant_demo_browser_authorize (user_url, "http://127.0.0.1/cb", "alice", &error);
  g_assert_no_error (error);
  returned = grant_oauth1_session_parse_authorization_response (session, callback, &error);
  g_assert_no_error (error);
  access = grant_oauth1_session_fetch_access_token (session, access_url, NULL, NULL, &error);
  g_assert_no_error (error);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, g_hash_table_lookup (access, "oauth_token")));
  g_assert_nonnull (strstr (contents, "\"protocol\" : \"oauth1\""));

  g_object_set (restored, "token-store", store, "provider", "oauth1-test", "account", "alice", NULL);
  body = grant_oauth1_session_send_and_read (restored, msg, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_true (grant_oauth1_session_get_authorized (restored));

  g_assert_true (grant_oauth1_session_logout (restored, NULL, &error));
  g_clear_pointer (&contents, g_free);
  g_file_get_contents (path, &contents, NULL, NULL);
  g_assert_null (strstr (contents, "oauth1-test"));

  g_unlink (path);
  g_unlink (lock);
  g_rmdir (dir);
}

/* A locked keyring collection, as after the screen locks on some setups:
 * saving fails at once (headless, no prompt can be shown) and the session
 * goes on. The lock would affect every later test, so this runs against
 * a keyring of its own on a bus of its own. */
static void
test_locked_keyring (void)
{
  g_autofree char *home = NULL;
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *self_path;
  int status = 0;

  if (g_test_subprocess ())
    {
      g_autoptr(SecretService) service = NULL;
      g_autoptr(GrantSecretStore) store = NULL;
      g_autoptr(GrantOAuth2Session) session = NULL;
      g_autoptr(GrantToken) token = NULL;
      GList *collections;
      guint errors = 0;

      service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
      g_assert_no_error (error);
      collections = secret_service_get_collections (service);
      secret_service_lock_sync (service, collections, NULL, NULL, &error);
      g_list_free_full (collections, g_object_unref);
      g_assert_no_error (error);

      store = grant_secret_store_new ();
      session = new_session (GRANT_TOKEN_STORE (store), "locked");
      g_signal_connect (session, "store-error", G_CALLBACK (on_store_error), &errors);
      token = sign_in (session, &error);
      g_assert_null (token);
      g_assert_error (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED);
      g_assert_nonnull (strstr (error->message, "locked"));
      g_assert_cmpuint (errors, ==, 1);
      g_assert_true (grant_oauth2_session_get_authorized (session));
      g_assert_cmpuint (api_me_status (session), ==, 200);
      return;
    }

  if (!keyring_available ())
    return;

  /* The child runs this same test in a private session bus and keyring. */
  home = g_dir_make_tmp ("grant-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  self_path = g_getenv ("GRANT_SESSION_STORE_TEST");
  g_assert_nonnull (self_path);
  script = g_strdup_printf ("export XDG_DATA_HOME='%s'; echo -n locked-test | "
                            "gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; "
                            "exec '%s' -p /store/session/locked-keyring-save-fails --GTestSubprocess",
                            home, self_path);
  {
    const char *argv[] = { "dbus-run-session", "--", "sh", "-c", script, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                  &out, &err, &status, &error);
  }
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("The locked-keyring child failed:\n%s\n%s", out, err);
}

int
main (int argc, char *argv[])
{
  const char *script;
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("GRANT_SESSION_STORE_TEST", argv[0], FALSE);

  g_test_add_func ("/store/session/keyring-lifecycle", test_keyring_lifecycle);
  g_test_add_func ("/store/session/saved-before-token-updated", test_saved_before_announced);
  g_test_add_func ("/store/session/save-failure-keeps-session-usable", test_store_failure_keeps_session_usable);
  g_test_add_func ("/store/session/load-failure-reported", test_store_load_failure_reported);
  g_test_add_func ("/store/session/two-sessions-share-refreshes", test_two_sessions_share_refreshes);
  g_test_add_func ("/store/session/loads-once-and-off-main-thread", test_loads_once_and_off_main_thread);
  g_test_add_func ("/store/session/oauth1-file-store", test_oauth1_file_store);
  g_test_add_func ("/store/session/locked-keyring-save-fails", test_locked_keyring);

  script = g_getenv ("GRANT_OIDC_PROVIDER");
  {
    const char *args[] = { "node", script, "--port", "0", "--exit-on-stdin-eof", "--quiet", NULL };
    oidc = test_provider_start_argv (args);
  }
  ret = g_test_run ();
  test_provider_stop (oidc);
  return ret;
}
