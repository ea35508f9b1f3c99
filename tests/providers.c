/* providers.c: the provider registry, its modules, and discovery
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "grant-demo-browser.h"
#include "test-utils.h"

#define CALLBACK_URI "http://127.0.0.1/callback"

static TestProvider *oidc;

static void
test_modules_from_provider_path (void)
{
  GrantProviderRegistry *registry = grant_provider_registry_get_default ();
  g_autoptr(GrantProvider) github = grant_provider_registry_lookup (registry, "github");
  g_autoptr(GPtrArray) all = grant_provider_registry_list (registry);
  gboolean listed = FALSE;

  g_assert_nonnull (github);
  g_assert_cmpstr (grant_provider_get_display_name (github), ==, "GitHub");
  g_assert_cmpstr (grant_provider_get_endpoint (github, GRANT_ENDPOINT_TOKEN), ==,
                   "https://github.com/login/oauth/access_token");
  for (guint i = 0; i < all->len; i++)
    listed |= g_str_equal (grant_provider_get_id (g_ptr_array_index (all, i)), "github");
  g_assert_true (listed);

  /* The same instance every time: the module is loaded once. */
  {
    g_autoptr(GrantProvider) again = grant_provider_registry_lookup (registry, "github");
    g_assert_true (again == github);
  }
  g_assert_null (grant_provider_registry_lookup (registry, "no-such-provider"));
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  g_file_get_contents (from, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, length, &error);
  g_assert_no_error (error);
}

/* A directory with a good module, a file that is not an ELF object at
 * all, and a real shared library that is not a Grant module: the last two
 * are skipped with GIO's warning, the first is used. */
static void
test_broken_modules_skipped (void)
{
  if (g_test_subprocess ())
    {
      GrantProviderRegistry *registry = grant_provider_registry_get_default ();
      g_autoptr(GrantProvider) github = NULL;
      g_autoptr(GPtrArray) all = NULL;

      all = grant_provider_registry_list (registry);
      github = grant_provider_registry_lookup (registry, "github");
      g_assert_nonnull (github);
      g_assert_cmpuint (all->len, >=, 1);
      return;
    }

  {
    g_autofree char *dir = g_dir_make_tmp ("grant-modules-XXXXXX", NULL);
    g_autofree char *github_from = g_build_filename (g_getenv ("GRANT_PROVIDER_PATH"),
                                                     "libgrant-provider-github.so", NULL);
    g_autofree char *github_to = g_build_filename (dir, "libgrant-provider-github.so", NULL);
    g_autofree char *garbage = g_build_filename (dir, "libgrant-provider-garbage.so", NULL);
    g_autofree char *foreign = g_build_filename (dir, "libforeign.so", NULL);
    const char *envp_dir = dir;
    g_autoptr(GError) error = NULL;

    copy_file (github_from, github_to);
    g_file_set_contents (garbage, "this is not a shared object\n", -1, &error);
    g_assert_no_error (error);
    copy_file ("/lib/x86_64-linux-gnu/libz.so.1", foreign);

    g_setenv ("GRANT_PROVIDER_PATH", envp_dir, TRUE);
    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT);
    g_test_trap_assert_passed ();
    g_test_trap_assert_stderr ("*libgrant-provider-garbage.so*");

    g_unlink (github_to);
    g_unlink (garbage);
    g_unlink (foreign);
    g_rmdir (dir);
  }
}

static void
test_duplicate_id_priority (void)
{
  g_autoptr(GrantProviderRegistry) registry = g_object_new (GRANT_TYPE_PROVIDER_REGISTRY, NULL);
  g_autoptr(GrantProvider) provider = NULL;
  g_autoptr(GPtrArray) all = NULL;
  guint duplicates = 0;

  grant_provider_registry_add_directory (registry, g_getenv ("GRANT_TEST_MODULE_DIR"));
  provider = grant_provider_registry_lookup (registry, "duplicate");
  g_assert_nonnull (provider);
  g_assert_cmpstr (grant_provider_get_display_name (provider), ==, "high");

  all = grant_provider_registry_list (registry);
  for (guint i = 0; i < all->len; i++)
    duplicates += g_str_equal (grant_provider_get_id (g_ptr_array_index (all, i)), "duplicate");
  g_assert_cmpuint (duplicates, ==, 1);
}

static void
test_registered_provider_wins (void)
{
  g_autoptr(GrantProviderRegistry) registry = g_object_new (GRANT_TYPE_PROVIDER_REGISTRY, NULL);
  g_autoptr(GrantProvider) mine = g_object_new (GRANT_TYPE_PROVIDER,
                                                "id", "duplicate",
                                                "display-name", "mine",
                                                "token-url", "https://mine.example/token",
                                                NULL);
  g_autoptr(GrantProvider) found = NULL;

  grant_provider_registry_add_directory (registry, g_getenv ("GRANT_TEST_MODULE_DIR"));
  grant_provider_registry_register (registry, mine);
  found = grant_provider_registry_lookup (registry, "duplicate");
  g_assert_true (found == mine);
}

/* Everything the provider sets reaches the session, and the application
 * can still change it. */
static void
test_session_for_provider (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrantOAuth2Session) session = grant_oauth2_session_new_for_provider ("github", "cid", "sec", &error);
  g_autoptr(GrantOAuth2Session) missing = NULL;
  g_autoptr(GrantOAuth1Session) wrong_protocol = NULL;
  g_autofree char *url = NULL;
  g_autofree char *provider_id = NULL;
  GrantClientAuth auth;

  g_assert_no_error (error);
  url = grant_oauth2_session_authorization_url (session, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (url, "https://github.com/login/oauth/authorize?"));
  g_object_get (session, "client-auth", &auth, "provider", &provider_id, NULL);
  g_assert_cmpint (auth, ==, GRANT_CLIENT_AUTH_POST);
  g_assert_cmpstr (provider_id, ==, "github");

  g_object_set (session, "client-auth", GRANT_CLIENT_AUTH_BASIC, NULL);
  g_object_get (session, "client-auth", &auth, NULL);
  g_assert_cmpint (auth, ==, GRANT_CLIENT_AUTH_BASIC);

  missing = grant_oauth2_session_new_for_provider ("nope", "cid", NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "github"));
  g_clear_error (&error);

  wrong_protocol = grant_oauth1_session_new_for_provider ("github", "ck", "cs", NULL, &error);
  g_assert_null (wrong_protocol);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT);
}

/* Discovery against a real server's metadata, then a whole flow with the
 * provider it made. */
static void
test_discovery_oidc_provider (void)
{
  const char *issuer = test_provider_get_url (oidc);
  g_autoptr(GrantProvider) provider = NULL;
  g_autoptr(GrantOAuth2Session) session = NULL;
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_token = g_strconcat (issuer, "/token", NULL);
  g_autofree char *url = NULL;
  g_autofree char *callback = NULL;

  provider = grant_provider_new_from_issuer (issuer, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_TOKEN), ==, expected_token);
  g_assert_nonnull (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_AUTHORIZATION));
  g_assert_nonnull (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_REVOCATION));
  g_assert_nonnull (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_DEVICE_AUTHORIZATION));
  g_assert_cmpint (grant_provider_get_pkce_method (provider), ==, GRANT_PKCE_METHOD_S256);
  /* oidc-provider says it sends iss, so sessions check it. */
  g_assert_cmpstr (grant_provider_get_issuer (provider), ==, issuer);

  session = grant_oauth2_session_new_for_provider_object (provider, "public-pkce", NULL);
  g_object_set (session, "client-auth", GRANT_CLIENT_AUTH_NONE, "redirect-uri", CALLBACK_URI,
                "scope", (const char *[]) { "openid", NULL }, "allow-insecure-transport", TRUE, NULL);
  url = grant_oauth2_session_authorization_url (session, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  callback = grant_demo_browser_authorize (url, CALLBACK_URI, "alice", &error);
  g_assert_no_error (error);
  token = grant_oauth2_session_fetch_token (session, NULL, callback, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (grant_token_get_access_token (token));
}

static void
on_discovered (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_discovery_async (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GrantProvider) provider = NULL;
  g_autoptr(GError) error = NULL;

  grant_provider_new_from_issuer_async (test_provider_get_url (oidc), NULL, NULL, on_discovered, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  provider = grant_provider_new_from_issuer_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (grant_provider_get_endpoint (provider, GRANT_ENDPOINT_TOKEN));
}

/* A server that serves whatever document the test puts up. */
typedef struct {
  GMutex  lock;
  char   *issuer;
  char   *body;
  guint   status;
  guint   requests;
} MetadataServer;

static void
serve_metadata (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  MetadataServer *ms = user_data;
  g_autofree char *body = NULL;

  g_mutex_lock (&ms->lock);
  ms->requests++;
  body = ms->body ? g_strdup (ms->body) : NULL;
  g_mutex_unlock (&ms->lock);

  if (body == NULL || !g_str_has_suffix (path, "/.well-known/openid-configuration"))
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  soup_server_message_set_status (msg, ms->status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
setup_metadata (SoupServer *server,
                gpointer    user_data)
{
  soup_server_add_handler (server, NULL, serve_metadata, user_data, NULL);
}

typedef struct {
  const char *name;
  const char *document;   /* ISSUER is replaced by the issuer */
  gint        code;
} BadDocument;

static void
test_discovery_bad_document (gconstpointer data)
{
  const BadDocument *bad = data;
  MetadataServer ms = { 0, };
  g_autoptr(TestServer) server = NULL;
  g_autoptr(GrantProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *issuer = NULL;

  g_mutex_init (&ms.lock);
  ms.status = 200;
  server = test_server_new (setup_metadata, &ms);
  /* Each case its own issuer path, so the cache never answers for it. */
  issuer = g_strdup_printf ("%s/%s", test_server_get_url (server), bad->name);
  g_mutex_lock (&ms.lock);
  {
    g_autoptr(GString) body = g_string_new (bad->document);

    g_string_replace (body, "ISSUER", issuer, 0);
    ms.body = g_string_free (g_steal_pointer (&body), FALSE);
  }
  g_mutex_unlock (&ms.lock);

  provider = grant_provider_new_from_issuer (issuer, NULL, NULL, &error);
  g_assert_null (provider);
  g_assert_error (error, GRANT_ERROR, bad->code);
  g_test_message ("%s: %s", bad->name, error->message);

  g_clear_pointer (&server, test_server_free);
  g_free (ms.body);
  g_mutex_clear (&ms.lock);
}

static void
test_discovery_cached (void)
{
  MetadataServer ms = { 0, };
  g_autoptr(TestServer) server = NULL;
  g_autoptr(GrantProvider) first = NULL;
  g_autoptr(GrantProvider) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *issuer = NULL;
  guint after_first;

  g_mutex_init (&ms.lock);
  ms.status = 200;
  server = test_server_new (setup_metadata, &ms);
  issuer = g_strdup_printf ("%s/cached", test_server_get_url (server));
  ms.body = g_strdup_printf ("{\"issuer\":\"%s\",\"token_endpoint\":\"%s/token\"}", issuer, issuer);

  first = grant_provider_new_from_issuer (issuer, NULL, NULL, &error);
  g_assert_no_error (error);
  g_mutex_lock (&ms.lock);
  after_first = ms.requests;
  g_mutex_unlock (&ms.lock);
  /* RFC 8414's location first (404 here), then OpenID Connect's. */
  g_assert_cmpuint (after_first, ==, 2);

  second = grant_provider_new_from_issuer (issuer, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (first == second);
  g_mutex_lock (&ms.lock);
  g_assert_cmpuint (ms.requests, ==, after_first);
  g_mutex_unlock (&ms.lock);

  g_clear_pointer (&server, test_server_free);
  g_free (ms.body);
  g_mutex_clear (&ms.lock);
}

int
main (int argc, char *argv[])
{
  static const BadDocument bad_documents[] = {
    { "wrong-issuer", "{\"issuer\":\"https://attacker.example\",\"token_endpoint\":\"ISSUER/token\"}",
      GRANT_ERROR_MISMATCHING_ISSUER },
    { "missing-endpoints", "{\"issuer\":\"ISSUER\",\"jwks_uri\":\"ISSUER/jwks\"}", GRANT_ERROR_MALFORMED_RESPONSE },
    { "not-json", "<html>ISSUER</html>", GRANT_ERROR_MALFORMED_RESPONSE },
    { "json-array", "[\"ISSUER\"]", GRANT_ERROR_MALFORMED_RESPONSE },
  };
  const char *script;
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/providers/registry/modules-from-provider-path", test_modules_from_provider_path);
  g_test_add_func ("/providers/registry/broken-and-foreign-modules-skipped", test_broken_modules_skipped);
  g_test_add_func ("/providers/registry/duplicate-id-resolved-by-priority", test_duplicate_id_priority);
  g_test_add_func ("/providers/registry/registered-provider-wins", test_registered_provider_wins);
  g_test_add_func ("/providers/session/new-for-provider", test_session_for_provider);
  g_test_add_func ("/providers/discovery/oidc-provider-flow", test_discovery_oidc_provider);
  g_test_add_func ("/providers/discovery/async", test_discovery_async);
  g_test_add_func ("/providers/discovery/cached-per-issuer", test_discovery_cached);
  for (guint i = 0; i < G_N_ELEMENTS (bad_documents); i++)
    {
      g_autofree char *path = g_strdup_printf ("/providers/discovery/bad/%s", bad_documents[i].name);
      g_test_add_data_func (path, &bad_documents[i], test_discovery_bad_document);
    }

  script = g_getenv ("GRANT_OIDC_PROVIDER");
  {
    const char *args[] = { "node", script, "--port", "0", "--exit-on-stdin-eof", "--quiet", NULL };
    oidc = test_provider_start_argv (args);
  }
  ret = g_test_run ();
  test_provider_stop (oidc);
  return ret;
}
