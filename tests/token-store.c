/* token-store.c: the token stores against real files and a real Secret Service
 *
 * Tier 4 of the test design. The same contract (load, save, delete, list,
 * keys compared on all four parts, stored objects are copies, odd values,
 * the async variants) runs against GrantMemoryStore, GrantFileStore in a
 * temporary directory and GrantSecretStore against whatever Secret
 * Service answers on the session bus. Then what is particular to each:
 *
 *  - the file store: mode 0600, parent directories, atomic replacement
 *    under a concurrent reader, no lost update with concurrent writers
 *    (threads and processes), corrupt files reported and never
 *    overwritten, unwritable paths, the default path;
 *  - the Secret Service: what `secret-tool` sees (attributes, secret,
 *    label), replacement, deletion, other stores and other processes,
 *    an item that is not JSON, concurrent saves, and a locked collection
 *    (gnome-keyring only: the test makes, locks and deletes a collection
 *    of its own, never the user's);
 *  - a Secret Service that is gone (a bogus bus address, a bus with no
 *    Secret Service on it): errors, in bounded time, no crash;
 *  - grant_token_store_get_default().
 *
 * The Secret Service tests need a session bus with an unlocked keyring:
 *
 *   dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock \
 *       --components=secrets >/dev/null; meson test -C build token-store'
 *
 * Without one they are skipped, unless GRANT_REQUIRE_KEYRING=1 (as CI sets
 * it), which makes a missing keyring a failure. They only touch items
 * whose provider starts with "grant-test-PID-", and delete them again, so
 * running them against a developer's own keyring is safe.
 *
 * `token-store --helper …` runs this binary as the other process of the
 * cross-process tests.
 *
 * Every test runs in a subprocess of its own (set GRANT_TEST_NO_FORK=1 to
 * run them in-process under a debugger): a crash or a hang fails that test
 * alone, and tests may change the environment, the umask and the bus.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define _GNU_SOURCE

#include <errno.h>
#include <stdlib.h>
#include <ftw.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "test-utils.h"

/* Each test's subprocess is killed after this long. */
#define CASE_TIMEOUT_S 120

/* How long a store may take to say that the Secret Service is gone. */
#define GONE_BUDGET_S 10

#define ATOMIC_SAVES 200
#define WRITER_KEYS  100

#define SCHEMA_NAME "org.gnome.Grant.Token"

/* A bus address nothing listens on. */
#define BOGUS_BUS "unix:path=/nonexistent/grant-test-bus"

typedef enum {
  KIND_MEMORY,
  KIND_FILE,
  KIND_SECRET,
  KIND_NONE,
} StoreKind;

static const char * const kind_names[] = { "memory", "file", "secret", "none" };

static char *self_exe;

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

static int
rm_one (const char        *path,
        const struct stat *st,
        int                flag,
        struct FTW        *ftw)
{
  remove (path);
  return 0;
}

static void
rm_rf (const char *path)
{
  if (path != NULL)
    nftw (path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *
make_tmp_dir (void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("grant-token-store-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static char *
object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

static JsonObject *
object_from_string (const char *text)
{
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;

  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* Member order may change on the way through a store; values may not. */
static void
assert_object_equal (JsonObject *actual,
                     JsonObject *expected)
{
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) e = NULL;

  g_assert_nonnull (actual);
  g_assert_nonnull (expected);
  a = json_node_init_object (json_node_alloc (), actual);
  e = json_node_init_object (json_node_alloc (), expected);
  if (!json_node_equal (a, e))
    {
      g_autofree char *as = object_to_string (actual);
      g_autofree char *es = object_to_string (expected);

      g_assert_cmpstr (as, ==, es);
    }
}

static const char *
access_token_of (JsonObject *token)
{
  if (token == NULL)
    return NULL;
  if (json_object_has_member (token, "access_token"))
    return json_object_get_string_member (token, "access_token");
  return json_object_get_string_member_with_default (token, "oauth_token", NULL);
}

/* An OAuth 2 token as GrantToken writes it. */
static JsonObject *
oauth2_token (const char *access)
{
  static const char * const scope[] = { "repo", "read:user", NULL };
  g_autoptr(GrantToken) token = grant_token_new (access);
  g_autofree char *refresh = g_strconcat ("refresh-", access, NULL);

  grant_token_set_token_type (token, "Bearer");
  grant_token_set_refresh_token (token, refresh);
  grant_token_set_expires_at (token, 1893456000);
  grant_token_set_scope (token, scope);
  return grant_token_to_json_object (token);
}

static JsonObject *
oauth1_token (const char *token,
              const char *secret)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "oauth_token", token);
  json_object_set_string_member (object, "oauth_token_secret", secret);
  return object;
}

static gboolean
keys_contain (GPtrArray     *keys,
              GrantTokenKey *key)
{
  for (guint i = 0; i < keys->len; i++)
    if (grant_token_key_equal (g_ptr_array_index (keys, i), key))
      return TRUE;
  return FALSE;
}

static char *
describe_key (GrantTokenKey *key)
{
  return g_strdup_printf ("%s/%s/%s/%s",
                          grant_token_key_get_protocol (key) == GRANT_PROTOCOL_OAUTH1 ? "oauth1" : "oauth2",
                          grant_token_key_get_provider (key),
                          grant_token_key_get_client_id (key),
                          grant_token_key_get_account (key));
}

static void
assert_store_failed (GError     *error,
                     const char *operation,
                     const char *must_name,
                     const char *must_not_contain)
{
  g_assert_nonnull (error);
  g_test_message ("%s: %s", operation, error->message);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED);
  g_assert_cmpstr (error->message, !=, "");
  if (must_name != NULL && strstr (error->message, must_name) == NULL)
    g_error ("%s: the error “%s” does not name “%s”", operation, error->message, must_name);
  if (must_not_contain != NULL && strstr (error->message, must_not_contain) != NULL)
    g_error ("%s: the error “%s” shows a secret", operation, error->message);
}

static void
assert_mode (const char *path,
             mode_t      expected)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  if ((st.st_mode & 07777) != expected)
    g_error ("%s has mode %04o, expected %04o", path, (unsigned) (st.st_mode & 07777), (unsigned) expected);
}

static GBytes *
read_bytes (const char *path)
{
  char *contents = NULL;
  gsize len = 0;
  GError *error = NULL;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static void
write_file (const char *path,
            const char *contents,
            gssize      len)
{
  GError *error = NULL;

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------ */
/* The Secret Service as secret-tool sees it                            */
/* ------------------------------------------------------------------ */

typedef struct {
  char       *label;
  char       *secret;
  char       *schema;
  GHashTable *attributes;
} ToolItem;

static void
tool_item_free (gpointer data)
{
  ToolItem *item = data;

  g_free (item->label);
  g_free (item->secret);
  g_free (item->schema);
  g_hash_table_unref (item->attributes);
  g_free (item);
}

static char *
run_tool_full (const char * const  *argv,
               int                 *exit_status,
               char               **err_out)
{
  g_autofree char *err = NULL;
  char *out = NULL;
  GError *error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (err != NULL && *err && err_out == NULL)
    g_test_message ("%s: %s", argv[0], err);
  if (exit_status != NULL)
    *exit_status = g_spawn_check_wait_status (status, NULL) ? 0 : 1;
  if (err_out != NULL)
    *err_out = g_steal_pointer (&err);
  return out;
}

static char *
run_tool (const char * const *argv,
          int                *exit_status)
{
  return run_tool_full (argv, exit_status, NULL);
}

/* `secret-tool search --all --unlock ATTR VALUE…`, parsed. secret-tool
 * prints each item's label, secret and schema on stdout and its
 * attributes on stderr, in the same order: the n-th group of attributes
 * (a group ends where a name repeats) belongs to the n-th item. */
static GPtrArray *
secret_tool_search (const char *first_attribute,
                    ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) err_lines = NULL;
  GPtrArray *items = g_ptr_array_new_with_free_func (tool_item_free);
  ToolItem *item = NULL;
  GHashTable *group = NULL;
  guint groups = 0;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) "secret-tool");
  g_ptr_array_add (argv, (gpointer) "search");
  g_ptr_array_add (argv, (gpointer) "--all");
  g_ptr_array_add (argv, (gpointer) "--unlock");
  va_start (ap, first_attribute);
  for (arg = first_attribute; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  out = run_tool_full ((const char * const *) argv->pdata, NULL, &err);
  lines = g_strsplit (out ? out : "", "\n", -1);
  err_lines = g_strsplit (err ? err : "", "\n", -1);

  for (guint pass = 0; pass < 2; pass++)
    {
      char **text = pass == 0 ? lines : err_lines;

      for (guint i = 0; text[i] != NULL; i++)
        {
          const char *line = text[i];
          const char *eq;
          g_autofree char *name = NULL;

          if (pass == 0 && line[0] == '[')
            {
              item = g_new0 (ToolItem, 1);
              item->attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
              g_ptr_array_add (items, item);
              continue;
            }
          if ((eq = strstr (line, " = ")) == NULL)
            {
              if (pass == 1 && *line)
                g_test_message ("secret-tool: %s", line);
              continue;
            }
          name = g_strndup (line, eq - line);
          if (pass == 0 && item != NULL)
            {
              if (g_str_equal (name, "label"))
                item->label = g_strdup (eq + 3);
              else if (g_str_equal (name, "secret"))
                item->secret = g_strdup (eq + 3);
              else if (g_str_equal (name, "schema"))
                item->schema = g_strdup (eq + 3);
            }
          if (g_str_has_prefix (name, "attribute."))
            {
              const char *attribute = name + strlen ("attribute.");

              if (group == NULL || g_hash_table_contains (group, attribute))
                {
                  g_assert_cmpuint (groups, <, items->len);
                  group = ((ToolItem *) g_ptr_array_index (items, groups++))->attributes;
                }
              g_hash_table_insert (group, g_strdup (attribute), g_strdup (eq + 3));
            }
        }
    }
  g_assert_cmpuint (groups, ==, items->len);
  return items;
}

/* The item has exactly the four attributes (and libsecret's xdg:schema),
 * its secret is @token and its label the human one. */
static void
assert_tool_item (ToolItem      *item,
                  GrantTokenKey *key,
                  JsonObject    *token)
{
  g_autoptr(JsonObject) secret = NULL;
  g_autofree char *label = grant_token_key_to_label (key);
  g_autofree char *expected_label = NULL;
  g_autofree char *capital = NULL;
  const char *schema = item->schema;
  const char *access = access_token_of (token);
  GHashTableIter iter;
  gpointer name, value;
  guint own = 0;

  g_hash_table_iter_init (&iter, item->attributes);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      g_test_message ("attribute %s = %s", (char *) name, (char *) value);
      if (access != NULL)
        g_assert_null (strstr (value, access));
      if (g_str_equal (name, "xdg:schema"))
        {
          schema = value;
          continue;
        }
      if (!g_str_equal (name, "protocol") && !g_str_equal (name, "provider") &&
          !g_str_equal (name, "client-id") && !g_str_equal (name, "account"))
        g_error ("unexpected attribute “%s” on the keyring item", (char *) name);
      own++;
    }
  g_assert_cmpuint (own, ==, 4);
  g_assert_cmpstr (g_hash_table_lookup (item->attributes, "protocol"), ==,
                   grant_token_key_get_protocol (key) == GRANT_PROTOCOL_OAUTH1 ? "oauth1" : "oauth2");
  g_assert_cmpstr (g_hash_table_lookup (item->attributes, "provider"), ==, grant_token_key_get_provider (key));
  g_assert_cmpstr (g_hash_table_lookup (item->attributes, "client-id"), ==, grant_token_key_get_client_id (key));
  g_assert_cmpstr (g_hash_table_lookup (item->attributes, "account"), ==, grant_token_key_get_account (key));
  g_assert_cmpstr (schema, ==, SCHEMA_NAME);

  g_assert_nonnull (item->secret);
  secret = object_from_string (item->secret);
  assert_object_equal (secret, token);

  capital = g_strdup (grant_token_key_get_provider (key));
  capital[0] = g_ascii_toupper (capital[0]);
  expected_label = g_strdup_printf ("%s token for %s (Grant)", capital, grant_token_key_get_account (key));
  g_assert_cmpstr (label, ==, expected_label);
  g_assert_cmpstr (item->label, ==, label);
}

/* ------------------------------------------------------------------ */
/* Fixtures                                                             */
/* ------------------------------------------------------------------ */

typedef struct {
  StoreKind        kind;
  char            *tmpdir;
  char            *path;      /* the file store's */
  char            *prefix;    /* of every provider name a test uses */
  GrantTokenStore *store;
} Fixture;

static GrantTokenStore *
fixture_new_store (Fixture *f)
{
  switch (f->kind)
    {
    case KIND_MEMORY:
      return GRANT_TOKEN_STORE (grant_memory_store_new ());
    case KIND_FILE:
      return GRANT_TOKEN_STORE (grant_file_store_new (f->path));
    case KIND_SECRET:
      return GRANT_TOKEN_STORE (grant_secret_store_new ());
    case KIND_NONE:
    default:
      g_assert_not_reached ();
    }
}

/* Deletes every token of the schema whose provider starts with @prefix. */
static void
delete_secret_items (const char *prefix)
{
  g_autoptr(GrantTokenStore) store = GRANT_TOKEN_STORE (grant_secret_store_new ());
  g_autoptr(GPtrArray) keys = grant_token_store_list (store, NULL, NULL);

  for (guint i = 0; keys != NULL && i < keys->len; i++)
    if (g_str_has_prefix (grant_token_key_get_provider (g_ptr_array_index (keys, i)), prefix))
      grant_token_store_delete (store, g_ptr_array_index (keys, i), NULL, NULL);
}

static Fixture *
fixture_new (StoreKind kind)
{
  Fixture *f = g_new0 (Fixture, 1);

  f->kind = kind;
  f->tmpdir = make_tmp_dir ();
  f->path = g_build_filename (f->tmpdir, "tokens.json", NULL);
  /* The keyring may be a person's own: touch only what this test made. */
  if (kind != KIND_SECRET)
    f->prefix = g_strdup ("");
  else if (g_getenv ("GRANT_TEST_SECRET_PREFIX") != NULL)
    f->prefix = g_strdup (g_getenv ("GRANT_TEST_SECRET_PREFIX"));
  else
    f->prefix = g_strdup_printf ("grant-test-%d-", (int) getpid ());
  if (kind != KIND_NONE)
    f->store = fixture_new_store (f);
  return f;
}

static void
fixture_free (Fixture *f)
{
  if (f->kind == KIND_SECRET)
    delete_secret_items (f->prefix);
  g_clear_object (&f->store);
  rm_rf (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->path);
  g_free (f->prefix);
  g_free (f);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fixture, fixture_free)

static GrantTokenKey *
fixture_key (Fixture       *f,
             GrantProtocol  protocol,
             const char    *provider,
             const char    *client_id,
             const char    *account)
{
  g_autofree char *full = g_strconcat (f->prefix, provider, NULL);

  return grant_token_key_new (protocol, full, client_id, account);
}

/* The keys this test stored (all of them, but for the Secret Service). */
static GPtrArray *
fixture_list (Fixture         *f,
              GrantTokenStore *store)
{
  g_autoptr(GPtrArray) all = NULL;
  GPtrArray *own = g_ptr_array_new_with_free_func (g_object_unref);
  GError *error = NULL;

  all = grant_token_store_list (store ? store : f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (all);
  for (guint i = 0; i < all->len; i++)
    {
      GrantTokenKey *key = g_ptr_array_index (all, i);

      g_assert_true (GRANT_IS_TOKEN_KEY (key));
      if (g_str_has_prefix (grant_token_key_get_provider (key), f->prefix))
        g_ptr_array_add (own, g_object_ref (key));
    }
  return own;
}

static JsonObject *
load_ok (GrantTokenStore *store,
         GrantTokenKey   *key)
{
  GError *error = NULL;
  JsonObject *token = grant_token_store_load (store, key, NULL, &error);

  g_assert_no_error (error);
  return token;
}

static void
save_ok (GrantTokenStore *store,
         GrantTokenKey   *key,
         JsonObject      *token)
{
  GError *error = NULL;

  g_assert_true (grant_token_store_save (store, key, token, NULL, &error));
  g_assert_no_error (error);
}

static void
delete_ok (GrantTokenStore *store,
           GrantTokenKey   *key)
{
  GError *error = NULL;

  g_assert_true (grant_token_store_delete (store, key, NULL, &error));
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------ */
/* Keys                                                                 */
/* ------------------------------------------------------------------ */

static void
test_key_equal_on_all_four_parts (void)
{
  g_autoptr(GrantTokenKey) base = grant_token_key_new (GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(GrantTokenKey) same = grant_token_key_new (GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  GrantTokenKey *others[] = {
    grant_token_key_new (GRANT_PROTOCOL_OAUTH1, "github", "cid", "alice"),
    grant_token_key_new (GRANT_PROTOCOL_OAUTH2, "gitlab", "cid", "alice"),
    grant_token_key_new (GRANT_PROTOCOL_OAUTH2, "github", "cid2", "alice"),
    grant_token_key_new (GRANT_PROTOCOL_OAUTH2, "github", "cid", "bob"),
    grant_token_key_new (GRANT_PROTOCOL_OAUTH2, "github", "cid", "Alice"),
    grant_token_key_new (GRANT_PROTOCOL_OAUTH2, "github", "", "alice"),
  };
  g_autoptr(GrantTokenKey) nulls = grant_token_key_new (GRANT_PROTOCOL_OAUTH1, NULL, NULL, NULL);

  g_assert_true (grant_token_key_equal (base, same));
  g_assert_true (grant_token_key_equal (base, base));
  for (gsize i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_assert_false (grant_token_key_equal (base, others[i]));
      g_assert_false (grant_token_key_equal (others[i], base));
      g_object_unref (others[i]);
    }

  g_assert_cmpint (grant_token_key_get_protocol (base), ==, GRANT_PROTOCOL_OAUTH2);
  g_assert_cmpstr (grant_token_key_get_provider (base), ==, "github");
  g_assert_cmpstr (grant_token_key_get_client_id (base), ==, "cid");
  g_assert_cmpstr (grant_token_key_get_account (base), ==, "alice");
  g_assert_cmpint (grant_token_key_get_protocol (nulls), ==, GRANT_PROTOCOL_OAUTH1);
  g_assert_cmpstr (grant_token_key_get_provider (nulls), ==, "");
  g_assert_cmpstr (grant_token_key_get_client_id (nulls), ==, "");
  g_assert_cmpstr (grant_token_key_get_account (nulls), ==, "");
}

static void
test_key_label (void)
{
  g_autoptr(GrantTokenKey) key = grant_token_key_new (GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(GrantTokenKey) no_account = grant_token_key_new (GRANT_PROTOCOL_OAUTH1, "twitter", "ck", "");
  g_autoptr(GrantTokenKey) no_provider = grant_token_key_new (GRANT_PROTOCOL_OAUTH2, "", "cid", "bob");
  g_autofree char *label = grant_token_key_to_label (key);
  g_autofree char *label2 = grant_token_key_to_label (no_account);
  g_autofree char *label3 = grant_token_key_to_label (no_provider);

  g_assert_cmpstr (label, ==, "Github token for alice (Grant)");
  g_assert_cmpstr (label2, ==, "Twitter token for ck (Grant)");
  g_assert_cmpstr (label3, ==, "OAuth token for bob (Grant)");
}

/* ------------------------------------------------------------------ */
/* The contract every store keeps                                       */
/* ------------------------------------------------------------------ */

static void
contract_missing_is_null (Fixture *f)
{
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "nobody");
  g_autoptr(JsonObject) token = load_ok (f->store, key);
  g_autoptr(GPtrArray) keys = fixture_list (f, NULL);

  g_assert_null (token);
  g_assert_cmpuint (keys->len, ==, 0);
  /* Deleting what is not there is not an error. */
  delete_ok (f->store, key);
}

static void
contract_round_trip (Fixture *f)
{
  g_autoptr(GrantTokenKey) k2 = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(GrantTokenKey) k1 = fixture_key (f, GRANT_PROTOCOL_OAUTH1, "twitter", "ckey", "alice");
  g_autoptr(JsonObject) t2 = oauth2_token ("gho_roundtrip_access");
  g_autoptr(JsonObject) t1 = oauth1_token ("oauth1-token-abc", "oauth1-secret-xyz");
  g_autoptr(JsonObject) l2 = NULL;
  g_autoptr(JsonObject) l1 = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GrantToken) token = NULL;
  GError *error = NULL;

  save_ok (f->store, k2, t2);
  save_ok (f->store, k1, t1);
  l2 = load_ok (f->store, k2);
  l1 = load_ok (f->store, k1);
  assert_object_equal (l2, t2);
  assert_object_equal (l1, t1);

  /* An OAuth 2 token reads back into a GrantToken with everything. */
  token = grant_token_new_from_json_object (l2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "gho_roundtrip_access");
  g_assert_cmpstr (grant_token_get_refresh_token (token), ==, "refresh-gho_roundtrip_access");
  g_assert_cmpint (grant_token_get_expires_at (token), ==, 1893456000);

  keys = fixture_list (f, NULL);
  g_assert_cmpuint (keys->len, ==, 2);
  g_assert_true (keys_contain (keys, k1));
  g_assert_true (keys_contain (keys, k2));
}

static void
contract_save_replaces (Fixture *f)
{
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(JsonObject) first = oauth2_token ("first-access");
  g_autoptr(JsonObject) second = oauth2_token ("second-access");
  g_autoptr(JsonObject) loaded = NULL;
  g_autoptr(GPtrArray) keys = NULL;

  save_ok (f->store, key, first);
  save_ok (f->store, key, second);
  loaded = load_ok (f->store, key);
  assert_object_equal (loaded, second);
  keys = fixture_list (f, NULL);
  g_assert_cmpuint (keys->len, ==, 1);
}

static void
contract_keys_on_all_four_parts (Fixture *f)
{
  GrantTokenKey *keys[] = {
    fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice"),
    fixture_key (f, GRANT_PROTOCOL_OAUTH1, "github", "cid", "alice"),
    fixture_key (f, GRANT_PROTOCOL_OAUTH2, "gitlab", "cid", "alice"),
    fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid2", "alice"),
    fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "bob"),
  };
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) after = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *access = g_strdup_printf ("access-%" G_GSIZE_FORMAT, i);
      g_autoptr(JsonObject) token = oauth2_token (access);

      save_ok (f->store, keys[i], token);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *access = g_strdup_printf ("access-%" G_GSIZE_FORMAT, i);
      g_autoptr(JsonObject) loaded = load_ok (f->store, keys[i]);

      g_assert_nonnull (loaded);
      g_assert_cmpstr (access_token_of (loaded), ==, access);
    }

  listed = fixture_list (f, NULL);
  g_assert_cmpuint (listed->len, ==, G_N_ELEMENTS (keys));
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (keys_contain (listed, keys[i]));

  /* Deleting one leaves the four that differ from it in one part. */
  delete_ok (f->store, keys[0]);
  {
    g_autoptr(JsonObject) gone = load_ok (f->store, keys[0]);

    g_assert_null (gone);
  }
  for (gsize i = 1; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *access = g_strdup_printf ("access-%" G_GSIZE_FORMAT, i);
      g_autoptr(JsonObject) loaded = load_ok (f->store, keys[i]);

      g_assert_nonnull (loaded);
      g_assert_cmpstr (access_token_of (loaded), ==, access);
    }
  after = fixture_list (f, NULL);
  g_assert_cmpuint (after->len, ==, G_N_ELEMENTS (keys) - 1);
  g_assert_false (keys_contain (after, keys[0]));

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    g_object_unref (keys[i]);
}

static void
contract_objects_are_copies (Fixture *f)
{
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(JsonObject) token = oauth2_token ("original-access");
  g_autofree char *original = object_to_string (token);
  g_autoptr(JsonObject) expected = object_from_string (original);
  g_autoptr(JsonObject) loaded = NULL;
  g_autoptr(JsonObject) again = NULL;

  save_ok (f->store, key, token);

  /* What the caller does to its object afterwards changes nothing. */
  json_object_set_string_member (token, "access_token", "mutated-after-save");
  json_object_set_string_member (token, "extra", "added-after-save");
  json_object_remove_member (token, "refresh_token");
  loaded = load_ok (f->store, key);
  assert_object_equal (loaded, expected);

  /* Nor what it does to a loaded one. */
  json_object_set_string_member (loaded, "access_token", "mutated-after-load");
  json_object_remove_member (loaded, "token_type");
  again = load_ok (f->store, key);
  assert_object_equal (again, expected);
  g_assert_true (again != loaded);
}

static void
contract_unusual_values (Fixture *f)
{
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "my provider/with:colons=and?query",
                                              "", "Zoë \"quoted\" \\back\\ tab\tnewline\n✓ 𝄞");
  g_autoptr(GrantTokenKey) empty = fixture_key (f, GRANT_PROTOCOL_OAUTH1, "x", "", "");
  g_autoptr(JsonObject) token = oauth2_token ("access with spaces, \"quotes\", \\ and ünïcödé 𝄞");
  g_autoptr(JsonObject) nested = json_object_new ();
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonObject) small = oauth1_token ("t", "s");
  g_autoptr(JsonObject) loaded = NULL;
  g_autoptr(JsonObject) loaded_small = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  GString *big = g_string_new (NULL);

  /* A provider may send anything back with a token; it is all kept. */
  for (int i = 0; i < 64 * 1024; i++)
    g_string_append_c (big, 'A' + i % 26);
  json_object_set_string_member (token, "big", big->str);
  g_string_free (big, TRUE);
  json_object_set_int_member (nested, "int", G_GINT64_CONSTANT (9007199254740991));
  json_object_set_int_member (nested, "negative", -42);
  json_object_set_double_member (nested, "double", 0.25);
  json_object_set_boolean_member (nested, "bool", TRUE);
  json_object_set_null_member (nested, "null");
  json_object_set_string_member (nested, "control", "\x01\x1f\x7f");
  json_array_add_string_element (array, "a");
  json_array_add_int_element (array, 2);
  json_array_add_object_element (array, json_object_new ());
  json_object_set_object_member (token, "nested", json_object_ref (nested));
  json_object_set_array_member (token, "array", json_array_ref (array));

  save_ok (f->store, key, token);
  save_ok (f->store, empty, small);
  loaded = load_ok (f->store, key);
  assert_object_equal (loaded, token);
  loaded_small = load_ok (f->store, empty);
  assert_object_equal (loaded_small, small);

  keys = fixture_list (f, NULL);
  g_assert_cmpuint (keys->len, ==, 2);
  g_assert_true (keys_contain (keys, key));
  g_assert_true (keys_contain (keys, empty));
  for (guint i = 0; i < keys->len; i++)
    {
      g_autofree char *d = describe_key (g_ptr_array_index (keys, i));
      g_test_message ("listed %s", d);
    }
}

typedef struct {
  gboolean      done;
  GAsyncResult *result;
} AsyncWait;

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

static GAsyncResult *
wait_result (AsyncWait *wait)
{
  GAsyncResult *result;

  test_wait_for (&wait->done);
  result = wait->result;
  wait->result = NULL;
  wait->done = FALSE;
  return result;
}

static void
contract_async (Fixture *f)
{
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "async");
  g_autoptr(JsonObject) token = oauth2_token ("async-access");
  g_autoptr(JsonObject) loaded = NULL;
  g_autoptr(JsonObject) gone = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GAsyncResult) r3 = NULL;
  g_autoptr(GAsyncResult) r4 = NULL;
  g_autoptr(GAsyncResult) r5 = NULL;
  AsyncWait wait = { 0 };
  GError *error = NULL;

  grant_token_store_save_async (f->store, key, token, NULL, got_result, &wait);
  r1 = wait_result (&wait);
  g_assert_true (grant_token_store_save_finish (f->store, r1, &error));
  g_assert_no_error (error);

  grant_token_store_load_async (f->store, key, NULL, got_result, &wait);
  r2 = wait_result (&wait);
  loaded = grant_token_store_load_finish (f->store, r2, &error);
  g_assert_no_error (error);
  assert_object_equal (loaded, token);

  grant_token_store_list_async (f->store, NULL, got_result, &wait);
  r3 = wait_result (&wait);
  keys = grant_token_store_list_finish (f->store, r3, &error);
  g_assert_no_error (error);
  g_assert_nonnull (keys);
  g_assert_true (keys_contain (keys, key));

  grant_token_store_delete_async (f->store, key, NULL, got_result, &wait);
  r4 = wait_result (&wait);
  g_assert_true (grant_token_store_delete_finish (f->store, r4, &error));
  g_assert_no_error (error);

  /* A token that is not there: NULL without an error. */
  grant_token_store_load_async (f->store, key, NULL, got_result, &wait);
  r5 = wait_result (&wait);
  gone = grant_token_store_load_finish (f->store, r5, &error);
  g_assert_no_error (error);
  g_assert_null (gone);
}

/* ------------------------------------------------------------------ */
/* GrantFileStore                                                       */
/* ------------------------------------------------------------------ */

static void
test_file_path (Fixture *f)
{
  g_assert_cmpstr (grant_file_store_get_path (GRANT_FILE_STORE (f->store)), ==, f->path);
}

/* No file until something is saved; an empty list from no file. */
static void
test_file_not_created_by_reading (Fixture *f)
{
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(JsonObject) token = load_ok (f->store, key);
  g_autoptr(GPtrArray) keys = fixture_list (f, NULL);

  g_assert_null (token);
  g_assert_cmpuint (keys->len, ==, 0);
  delete_ok (f->store, key);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
}

/* Nothing but the store file may hold a secret once a save is done. */
static void
assert_no_stray_copies (const char *dir,
                        const char *store_file,
                        const char *secret)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;

      g_test_message ("in %s: %s", dir, name);
      if (g_str_equal (path, store_file) || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, secret) != NULL)
        g_error ("%s holds a copy of a token", path);
      assert_mode (path, 0600);
    }
}

static void
test_file_mode_and_parents (Fixture *f)
{
  g_autofree char *dir = g_build_filename (f->tmpdir, "state", "deeper", "grant", NULL);
  g_autofree char *path = g_build_filename (dir, "tokens.json", NULL);
  g_autoptr(GrantFileStore) store = NULL;
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(JsonObject) token = oauth2_token ("mode-test-access-SECRET");
  g_autoptr(JsonObject) loaded = NULL;

  /* Whatever the umask, the file is the user's alone. */
  umask (0);
  store = grant_file_store_new (path);
  save_ok (GRANT_TOKEN_STORE (store), key, token);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  assert_mode (path, 0600);
  /* The directories it made are the user's alone too, as documented. */
  assert_mode (dir, 0700);
  assert_no_stray_copies (dir, path, "mode-test-access-SECRET");

  /* Replaced, it stays 0600. */
  save_ok (GRANT_TOKEN_STORE (store), key, token);
  assert_mode (path, 0600);

  /* A file someone made readable to others is tightened on the next save. */
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  save_ok (GRANT_TOKEN_STORE (store), key, token);
  assert_mode (path, 0600);
  assert_no_stray_copies (dir, path, "mode-test-access-SECRET");

  loaded = load_ok (GRANT_TOKEN_STORE (store), key);
  assert_object_equal (loaded, token);
}

/* Atomic replacement: a reader never sees half a file. */
typedef struct {
  const char     *path;
  GrantFileStore *store;   /* a second store on the same file */
  GrantTokenKey  *key;
  gint            stop;
  guint           reads;
  guint           bad_reads;
  char           *first_bad;
  guint           loads;
  guint           bad_loads;
  char           *first_bad_load;
} Reader;

static gpointer
raw_reader_thread (gpointer data)
{
  Reader *r = data;

  while (!g_atomic_int_get (&r->stop))
    {
      g_autofree char *contents = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      GError *error = NULL;
      gsize len = 0;

      if (!g_file_get_contents (r->path, &contents, &len, &error) ||
          !json_parser_load_from_data (parser, contents, len, &error) ||
          json_parser_get_root (parser) == NULL ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          if (r->bad_reads++ == 0)
            r->first_bad = g_strdup_printf ("%" G_GSIZE_FORMAT " bytes: %s", len,
                                            error ? error->message : "not a JSON object");
        }
      g_clear_error (&error);
      r->reads++;
    }
  return NULL;
}

static gpointer
store_reader_thread (gpointer data)
{
  Reader *r = data;

  while (!g_atomic_int_get (&r->stop))
    {
      GError *error = NULL;
      g_autoptr(JsonObject) token = grant_token_store_load (GRANT_TOKEN_STORE (r->store), r->key, NULL, &error);

      if (token == NULL || !g_str_has_prefix (access_token_of (token), "atomic-"))
        {
          if (r->bad_loads++ == 0)
            r->first_bad_load = g_strdup (error ? error->message : token ? "wrong token" : "no token");
        }
      g_clear_error (&error);
      r->loads++;
    }
  return NULL;
}

static void
test_file_save_is_atomic (Fixture *f)
{
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(GrantTokenKey) other = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "gitlab", "cid", "alice");
  g_autoptr(JsonObject) first = oauth2_token ("atomic-first");
  g_autoptr(GrantFileStore) second = grant_file_store_new (f->path);
  Reader r = { 0 };
  GThread *raw, *loader;

  save_ok (f->store, key, first);
  r.path = f->path;
  r.store = second;
  r.key = key;
  raw = g_thread_new ("raw-reader", raw_reader_thread, &r);
  loader = g_thread_new ("store-reader", store_reader_thread, &r);

  for (int i = 0; i < ATOMIC_SAVES; i++)
    {
      g_autofree char *access = g_strdup_printf ("atomic-%d", i);
      g_autoptr(JsonObject) token = oauth2_token (access);

      /* Sizes that swing between small and large, so that a file written
       * in place would be seen half old, half new. */
      if (i % 2 == 0)
        {
          g_autofree char *pad = g_strnfill (40000 + i * 97, 'p');
          json_object_set_string_member (token, "padding", pad);
        }
      save_ok (f->store, i % 3 == 0 ? other : key, token);
    }

  g_atomic_int_set (&r.stop, 1);
  g_thread_join (raw);
  g_thread_join (loader);

  g_test_message ("%u raw reads, %u loads during %d saves", r.reads, r.loads, ATOMIC_SAVES);
  if (r.bad_reads > 0)
    g_error ("%u of %u reads of the file did not parse; first: %s", r.bad_reads, r.reads, r.first_bad);
  if (r.bad_loads > 0)
    g_error ("%u of %u loads by another store failed; first: %s", r.bad_loads, r.loads, r.first_bad_load);
  g_assert_cmpuint (r.reads, >, 0);
  g_assert_cmpuint (r.loads, >, 0);
  g_free (r.first_bad);
  g_free (r.first_bad_load);
}

/* Concurrent writers: no lost update. */
typedef struct {
  GrantTokenStore *store;
  const char      *prefix;
  guint            failures;
  char            *first_error;
} Writer;

static void
writer_key_and_token (const char     *prefix,
                      int             i,
                      GrantTokenKey **key,
                      JsonObject    **token)
{
  g_autofree char *account = g_strdup_printf ("%s-account-%03d", prefix, i);
  g_autofree char *access = g_strdup_printf ("%s-access-%03d", prefix, i);

  *key = grant_token_key_new (GRANT_PROTOCOL_OAUTH2, "github", prefix, account);
  *token = oauth2_token (access);
}

static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;

  for (int i = 0; i < WRITER_KEYS; i++)
    {
      g_autoptr(GrantTokenKey) key = NULL;
      g_autoptr(JsonObject) token = NULL;
      GError *error = NULL;

      writer_key_and_token (w->prefix, i, &key, &token);
      if (!grant_token_store_save (w->store, key, token, NULL, &error))
        {
          if (w->failures++ == 0)
            w->first_error = g_strdup (error ? error->message : "FALSE without an error");
        }
      g_clear_error (&error);
    }
  return NULL;
}

static void
assert_all_written (const char         *path,
                    const char * const *prefixes)
{
  g_autoptr(GrantFileStore) store = grant_file_store_new (path);
  g_autoptr(GPtrArray) keys = NULL;
  GError *error = NULL;
  guint expected = 0;

  keys = grant_token_store_list (GRANT_TOKEN_STORE (store), NULL, &error);
  g_assert_no_error (error);
  for (gsize p = 0; prefixes[p] != NULL; p++)
    {
      guint missing = 0;

      for (int i = 0; i < WRITER_KEYS; i++)
        {
          g_autoptr(GrantTokenKey) key = NULL;
          g_autoptr(JsonObject) token = NULL;
          g_autoptr(JsonObject) loaded = NULL;

          writer_key_and_token (prefixes[p], i, &key, &token);
          if (!keys_contain (keys, key))
            {
              missing++;
              continue;
            }
          loaded = load_ok (GRANT_TOKEN_STORE (store), key);
          assert_object_equal (loaded, token);
        }
      if (missing > 0)
        g_error ("%u of the %d tokens the “%s” writer saved were lost", missing, WRITER_KEYS, prefixes[p]);
      expected += WRITER_KEYS;
    }
  g_assert_cmpuint (keys->len, ==, expected);
  assert_mode (path, 0600);
}

static void
run_two_writer_threads (Fixture         *f,
                        GrantTokenStore *a,
                        GrantTokenStore *b)
{
  static const char * const prefixes[] = { "left", "right", NULL };
  Writer wa = { a, "left", 0, NULL };
  Writer wb = { b, "right", 0, NULL };
  GThread *ta = g_thread_new ("writer-a", writer_thread, &wa);
  GThread *tb = g_thread_new ("writer-b", writer_thread, &wb);

  g_thread_join (ta);
  g_thread_join (tb);
  if (wa.failures || wb.failures)
    g_error ("saves failed: %u, %u; first: %s", wa.failures, wb.failures,
             wa.first_error ? wa.first_error : wb.first_error);
  assert_all_written (f->path, prefixes);
}

static void
test_file_concurrent_writers_two_stores (Fixture *f)
{
  g_autoptr(GrantFileStore) a = grant_file_store_new (f->path);
  g_autoptr(GrantFileStore) b = grant_file_store_new (f->path);

  run_two_writer_threads (f, GRANT_TOKEN_STORE (a), GRANT_TOKEN_STORE (b));
}

static void
test_file_concurrent_writers_one_store (Fixture *f)
{
  run_two_writer_threads (f, f->store, f->store);
}

/* Two processes, as two applications of one user would be. */
static void
test_file_concurrent_writers_two_processes (Fixture *f)
{
  static const char * const prefixes[] = { "proc-a", "proc-b", NULL };
  g_autofree char *count = g_strdup_printf ("%d", WRITER_KEYS);
  GSubprocess *procs[2];
  GError *error = NULL;

  for (int i = 0; i < 2; i++)
    {
      procs[i] = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, self_exe, "--helper", "file-writer",
                                   f->path, prefixes[i], count, NULL);
      g_assert_no_error (error);
    }
  for (int i = 0; i < 2; i++)
    {
      g_subprocess_wait_check (procs[i], NULL, &error);
      g_assert_no_error (error);
      g_object_unref (procs[i]);
    }
  assert_all_written (f->path, prefixes);
}

/* A file that is not what the store writes: an error naming the file,
 * and nothing written over it. */
static void
check_corrupt (Fixture    *f,
               const char *contents,
               gssize      len,
               const char *secret)
{
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(JsonObject) token = oauth2_token ("new-token-after-corruption");
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(JsonObject) loaded = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  AsyncWait wait = { 0 };
  GError *error = NULL;

  write_file (f->path, contents, len);
  g_assert_cmpint (g_chmod (f->path, 0600), ==, 0);
  before = read_bytes (f->path);

  loaded = grant_token_store_load (f->store, key, NULL, &error);
  g_assert_null (loaded);
  assert_store_failed (error, "load", f->path, secret);
  g_clear_error (&error);

  keys = grant_token_store_list (f->store, NULL, &error);
  g_assert_null (keys);
  assert_store_failed (error, "list", f->path, secret);
  g_clear_error (&error);

  /* It may be the user's only copy: a save or a delete must not destroy it. */
  g_assert_false (grant_token_store_save (f->store, key, token, NULL, &error));
  assert_store_failed (error, "save", f->path, secret);
  g_clear_error (&error);

  g_assert_false (grant_token_store_delete (f->store, key, NULL, &error));
  assert_store_failed (error, "delete", f->path, secret);
  g_clear_error (&error);

  grant_token_store_load_async (f->store, key, NULL, got_result, &wait);
  result = wait_result (&wait);
  g_assert_null (grant_token_store_load_finish (f->store, result, &error));
  assert_store_failed (error, "load_async", f->path, secret);
  g_clear_error (&error);

  after = read_bytes (f->path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_file_corrupt_garbage (Fixture *f)
{
  static const char garbage[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR not JSON at all \xff\xfe\x01";

  check_corrupt (f, garbage, sizeof garbage - 1, NULL);
}

/* What a crash half way through writing in place would leave. */
static void
test_file_corrupt_truncated (Fixture *f)
{
  g_autofree char *good_path = g_build_filename (f->tmpdir, "good.json", NULL);
  g_autoptr(GrantFileStore) good = grant_file_store_new (good_path);
  g_autofree char *contents = NULL;
  gsize len = 0;

  for (int i = 0; i < 3; i++)
    {
      g_autofree char *account = g_strdup_printf ("user%d", i);
      g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", account);
      g_autoptr(JsonObject) token = oauth2_token ("TRUNCATED-SECRET-ACCESS-TOKEN-0123456789");

      save_ok (GRANT_TOKEN_STORE (good), key, token);
    }
  g_assert_true (g_file_get_contents (good_path, &contents, &len, NULL));
  g_test_message ("the store file: %s", contents);

  /* Cut inside the last token's secret. */
  {
    const char *last = g_strrstr (contents, "TRUNCATED-SECRET");

    g_assert_nonnull (last);
    check_corrupt (f, contents, (last - contents) + strlen ("TRUNCATED-SECRET-ACC"), "TRUNCATED-SECRET");
  }
}

/* Valid JSON, but no store file. */
static void
test_file_corrupt_not_an_object (Fixture *f)
{
  check_corrupt (f, "[\"a\", 1, null]\n", -1, NULL);
}

static void
test_file_corrupt_a_string (Fixture *f)
{
  check_corrupt (f, "\"TRUNCATED-SECRET-in-a-string\"", -1, "TRUNCATED-SECRET");
}

/* A hand-edited file that lost a quote or a comma: the parser's message
 * quotes what it found there, which is a token. */
static void
test_file_corrupt_bare_word_secret (Fixture *f)
{
  check_corrupt (f,
                 "{\"version\": 1, \"tokens\": [{\"protocol\": \"oauth2\", \"provider\": \"github\", "
                 "\"client_id\": \"cid\", \"account\": \"alice\", "
                 "\"token\": {\"access_token\": gho_BAREWORD_SECRET_0123456789}}]}\n",
                 -1, "BAREWORD_SECRET");
}

static void
test_file_corrupt_missing_comma (Fixture *f)
{
  check_corrupt (f,
                 "{\"version\": 1, \"tokens\": [{\"protocol\": \"oauth2\", \"provider\": \"github\", "
                 "\"client_id\": \"cid\", \"account\": \"alice\", "
                 "\"token\": {\"access_token\": \"gho_COMMA_SECRET_0123456789\" \"token_type\": \"Bearer\"}}]}\n",
                 -1, "COMMA_SECRET");
}

/* Valid JSON, but no token list, or from a newer Grant. */
static void
test_file_corrupt_no_token_list (Fixture *f)
{
  check_corrupt (f, "{\"version\": 1, \"tokens\": {\"not\": \"a list\"}}", -1, NULL);
}

static void
test_file_newer_version_left_alone (Fixture *f)
{
  check_corrupt (f, "{\"version\": 2, \"tokens\": [], \"keys\": {}}", -1, NULL);
}

/* A path the store cannot write to. Tests run as root, so a read-only
 * directory would not stop them: a path under a regular file does. */
static void
test_file_unwritable (Fixture *f)
{
  g_autofree char *blocker = g_build_filename (f->tmpdir, "regular-file", NULL);
  g_autofree char *path = g_build_filename (blocker, "tokens.json", NULL);
  g_autofree char *deeper = g_build_filename (blocker, "sub", "tokens.json", NULL);
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(JsonObject) token = oauth2_token ("UNWRITABLE-SECRET-access");
  const char *paths[] = { path, deeper };

  write_file (blocker, "just a file\n", -1);
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GrantFileStore) store = grant_file_store_new (paths[i]);
      g_autoptr(GAsyncResult) result = NULL;
      AsyncWait wait = { 0 };
      GError *error = NULL;

      g_assert_false (grant_token_store_save (GRANT_TOKEN_STORE (store), key, token, NULL, &error));
      assert_store_failed (error, "save", NULL, "UNWRITABLE-SECRET");
      g_clear_error (&error);

      grant_token_store_save_async (GRANT_TOKEN_STORE (store), key, token, NULL, got_result, &wait);
      result = wait_result (&wait);
      g_assert_false (grant_token_store_save_finish (GRANT_TOKEN_STORE (store), result, &error));
      assert_store_failed (error, "save_async", NULL, "UNWRITABLE-SECRET");
      g_clear_error (&error);
    }
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (blocker, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "just a file\n");
  }
}

/* The file store's default path, with and without XDG_STATE_HOME. */
static void
test_file_default_path_xdg_state_home (void)
{
  g_autofree char *tmp = make_tmp_dir ();
  g_autofree char *state = g_build_filename (tmp, "state-home", NULL);
  g_autofree char *expected = g_build_filename (state, "grant", "tokens.json", NULL);
  g_autoptr(GrantFileStore) store = NULL;
  g_autoptr(GrantTokenKey) key = grant_token_key_new (GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(JsonObject) token = oauth2_token ("default-path-access");

  g_setenv ("XDG_STATE_HOME", state, TRUE);
  store = grant_file_store_new (NULL);
  g_assert_cmpstr (grant_file_store_get_path (store), ==, expected);
  save_ok (GRANT_TOKEN_STORE (store), key, token);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
  assert_mode (expected, 0600);
  rm_rf (tmp);
}

static void
test_file_default_path_home (void)
{
  g_autofree char *tmp = make_tmp_dir ();
  g_autofree char *expected = g_build_filename (tmp, ".local", "state", "grant", "tokens.json", NULL);
  g_autoptr(GrantFileStore) store = NULL;

  g_unsetenv ("XDG_STATE_HOME");
  g_setenv ("HOME", tmp, TRUE);
  store = grant_file_store_new (NULL);
  g_assert_cmpstr (grant_file_store_get_path (store), ==, expected);
  rm_rf (tmp);
}

/* ------------------------------------------------------------------ */
/* GrantSecretStore against the real Secret Service                     */
/* ------------------------------------------------------------------ */

static void
check_secret_item (Fixture       *f,
                   GrantProtocol  protocol,
                   JsonObject    *token)
{
  g_autoptr(GrantTokenKey) key = fixture_key (f, protocol, "github", "client-id-α", "alice");
  g_autoptr(GPtrArray) items = NULL;
  const char *proto = protocol == GRANT_PROTOCOL_OAUTH1 ? "oauth1" : "oauth2";

  save_ok (f->store, key, token);
  items = secret_tool_search ("protocol", proto, "provider", grant_token_key_get_provider (key), NULL);
  g_assert_cmpuint (items->len, ==, 1);
  assert_tool_item (g_ptr_array_index (items, 0), key, token);
}

static void
test_secret_oauth2_item (Fixture *f)
{
  g_autoptr(JsonObject) token = oauth2_token ("gho_SECRET_attribute_check");

  check_secret_item (f, GRANT_PROTOCOL_OAUTH2, token);
}

static void
test_secret_oauth1_item (Fixture *f)
{
  g_autoptr(JsonObject) token = oauth1_token ("oauth1-SECRET-token", "oauth1-SECRET-token-secret");

  check_secret_item (f, GRANT_PROTOCOL_OAUTH1, token);
}

static void
test_secret_save_replaces_item (Fixture *f)
{
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(JsonObject) first = oauth2_token ("first-SECRET");
  g_autoptr(JsonObject) second = oauth2_token ("second-SECRET");
  g_autoptr(GPtrArray) items = NULL;

  save_ok (f->store, key, first);
  save_ok (f->store, key, second);
  items = secret_tool_search ("protocol", "oauth2", "provider", grant_token_key_get_provider (key), NULL);
  g_assert_cmpuint (items->len, ==, 1);
  assert_tool_item (g_ptr_array_index (items, 0), key, second);
}

static void
test_secret_delete_removes_item (Fixture *f)
{
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(GrantTokenKey) kept = fixture_key (f, GRANT_PROTOCOL_OAUTH1, "github", "cid", "alice");
  g_autoptr(JsonObject) token = oauth2_token ("delete-SECRET");
  g_autoptr(JsonObject) other = oauth1_token ("kept-token", "kept-secret");
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  g_autoptr(JsonObject) gone = NULL;

  save_ok (f->store, key, token);
  save_ok (f->store, kept, other);
  delete_ok (f->store, key);
  items = secret_tool_search ("protocol", "oauth2", "provider", grant_token_key_get_provider (key), NULL);
  g_assert_cmpuint (items->len, ==, 0);
  rest = secret_tool_search ("provider", grant_token_key_get_provider (key), NULL);
  g_assert_cmpuint (rest->len, ==, 1);
  assert_tool_item (g_ptr_array_index (rest, 0), kept, other);
  gone = load_ok (f->store, key);
  g_assert_null (gone);
  delete_ok (f->store, key);
}

static void
test_secret_two_stores (Fixture *f)
{
  g_autoptr(GrantTokenStore) other = fixture_new_store (f);
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(JsonObject) first = oauth2_token ("shared-first");
  g_autoptr(JsonObject) second = oauth2_token ("shared-second");
  g_autoptr(JsonObject) seen = NULL;
  g_autoptr(JsonObject) seen2 = NULL;
  g_autoptr(JsonObject) gone = NULL;
  g_autoptr(GPtrArray) keys = NULL;

  g_assert_true (other != f->store);
  save_ok (f->store, key, first);
  seen = load_ok (other, key);
  assert_object_equal (seen, first);
  save_ok (other, key, second);
  seen2 = load_ok (f->store, key);
  assert_object_equal (seen2, second);
  keys = fixture_list (f, other);
  g_assert_cmpuint (keys->len, ==, 1);
  g_assert_true (keys_contain (keys, key));
  delete_ok (other, key);
  gone = load_ok (f->store, key);
  g_assert_null (gone);
}

static void
test_secret_other_process (Fixture *f)
{
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(JsonObject) token = oauth2_token ("cross-process-SECRET");
  g_autoptr(JsonObject) theirs = oauth2_token ("written-by-another-process");
  g_autofree char *theirs_json = object_to_string (theirs);
  g_autofree char *looked_up = NULL;
  g_autofree char *loaded_there = NULL;
  g_autofree char *saved_there = NULL;
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(JsonObject) c = NULL;
  const char *provider = grant_token_key_get_provider (key);
  int status = 0;

  save_ok (f->store, key, token);

  /* secret-tool, from the attributes alone. */
  {
    const char *argv[] = { "secret-tool", "lookup", "protocol", "oauth2", "provider", provider,
                           "client-id", "cid", "account", "alice", NULL };

    looked_up = run_tool (argv, &status);
    g_assert_cmpint (status, ==, 0);
    a = object_from_string (looked_up);
    assert_object_equal (a, token);
  }

  /* Another process with a GrantSecretStore of its own reads it... */
  {
    const char *argv[] = { self_exe, "--helper", "secret-load", provider, "cid", "alice", NULL };

    loaded_there = run_tool (argv, &status);
    g_assert_cmpint (status, ==, 0);
    b = object_from_string (loaded_there);
    assert_object_equal (b, token);
  }

  /* ...and what it saves, this one reads. */
  {
    const char *argv[] = { self_exe, "--helper", "secret-save", provider, "cid", "alice", theirs_json, NULL };

    saved_there = run_tool (argv, &status);
    g_assert_cmpint (status, ==, 0);
    c = load_ok (f->store, key);
    assert_object_equal (c, theirs);
  }
}

/* An item of the schema whose secret is not JSON (another program, a
 * bad migration): a clear error, and the rest of the store still works. */
static void
test_secret_item_not_json (Fixture *f)
{
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(GrantTokenKey) good = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "bob");
  g_autoptr(JsonObject) token = oauth2_token ("good-token");
  g_autoptr(JsonObject) loaded = NULL;
  g_autoptr(JsonObject) loaded_good = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *out = NULL;
  g_autofree char *cmd = NULL;
  g_autofree char *quoted = g_shell_quote (grant_token_key_get_provider (key));
  GError *error = NULL;
  int status = 0;

  cmd = g_strdup_printf ("printf 'not JSON NOTJSON-SECRET' | secret-tool store --label=bad "
                         "xdg:schema " SCHEMA_NAME " protocol oauth2 provider %s client-id cid account alice",
                         quoted);
  {
    const char *argv[] = { "/bin/sh", "-c", cmd, NULL };

    out = run_tool (argv, &status);
    g_assert_cmpint (status, ==, 0);
  }
  save_ok (f->store, good, token);

  loaded = grant_token_store_load (f->store, key, NULL, &error);
  g_assert_null (loaded);
  assert_store_failed (error, "load", NULL, "NOTJSON-SECRET");
  g_clear_error (&error);

  loaded_good = load_ok (f->store, good);
  assert_object_equal (loaded_good, token);
  keys = fixture_list (f, NULL);
  g_assert_cmpuint (keys->len, ==, 2);
  g_assert_true (keys_contain (keys, key));

  /* What `grant token delete` would do. */
  delete_ok (f->store, key);
  items = secret_tool_search ("provider", grant_token_key_get_provider (key), "account", "alice", NULL);
  g_assert_cmpuint (items->len, ==, 0);
}

/* Saves of one key from two threads at once leave one item, not two. */
typedef struct {
  GrantTokenStore *store;
  GrantTokenKey   *key;
  const char      *name;
  guint            failures;
} SameKeyWriter;

static gpointer
same_key_writer (gpointer data)
{
  SameKeyWriter *w = data;

  for (int i = 0; i < 20; i++)
    {
      g_autofree char *access = g_strdup_printf ("%s-%d", w->name, i);
      g_autoptr(JsonObject) token = oauth2_token (access);

      if (!grant_token_store_save (w->store, w->key, token, NULL, NULL))
        w->failures++;
    }
  return NULL;
}

static void
test_secret_concurrent_saves_one_item (Fixture *f)
{
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(GrantTokenStore) other = fixture_new_store (f);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  SameKeyWriter a = { f->store, key, "left", 0 };
  SameKeyWriter b = { other, key, "right", 0 };
  GThread *ta = g_thread_new ("left", same_key_writer, &a);
  GThread *tb = g_thread_new ("right", same_key_writer, &b);

  g_thread_join (ta);
  g_thread_join (tb);
  g_assert_cmpuint (a.failures + b.failures, ==, 0);
  items = secret_tool_search ("protocol", "oauth2", "provider", grant_token_key_get_provider (key), NULL);
  g_assert_cmpuint (items->len, ==, 1);
  keys = fixture_list (f, NULL);
  g_assert_cmpuint (keys->len, ==, 1);
}

/* A locked keyring. gnome-keyring's test interface makes a collection of
 * our own with a known password, so that the user's login keyring is
 * never locked by a test. */
#define SECRETS_BUS   "org.freedesktop.secrets"
#define SECRETS_PATH  "/org/freedesktop/secrets"
#define GKR_INTERNAL  "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface"
#define LOCK_PASSWORD "grant-test-collection-password"

static GVariant *
call_secrets (GDBusConnection     *bus,
              const char          *path,
              const char          *iface,
              const char          *method,
              GVariant            *args,
              const GVariantType  *reply_type,
              GError             **error)
{
  return g_dbus_connection_call_sync (bus, SECRETS_BUS, path, iface, method, args, reply_type,
                                      G_DBUS_CALL_FLAGS_NONE, 10000, NULL, error);
}

static GVariant *
plain_secret (const char *session,
              const char *value)
{
  return g_variant_new ("(o@ay@ays)", session,
                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, value, strlen (value), 1),
                        "text/plain");
}

static void
test_secret_locked_collection (Fixture *f)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GrantTokenKey) key = fixture_key (f, GRANT_PROTOCOL_OAUTH2, "github", "cid", "locked");
  g_autoptr(JsonObject) token = oauth2_token ("LOCKED-SECRET-access");
  g_autofree char *json = object_to_string (token);
  g_autofree char *label = grant_token_key_to_label (key);
  g_autofree char *session = NULL;
  g_autofree char *collection = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) created = NULL;
  g_autoptr(GVariant) locked = NULL;
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) loaded = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GrantTokenKey) empty = grant_token_key_new (GRANT_PROTOCOL_OAUTH2, "", "", "");
  GVariantBuilder props, attrs;
  GError *error = NULL;
  gint64 start;
  const char *prompt = NULL;

  g_assert_nonnull (bus);
  reply = call_secrets (bus, SECRETS_PATH, "org.freedesktop.Secret.Service", "OpenSession",
                        g_variant_new ("(sv)", "plain", g_variant_new_string ("")),
                        G_VARIANT_TYPE ("(vo)"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(@vo)", NULL, &session);
  g_clear_pointer (&reply, g_variant_unref);

  g_variant_builder_init (&props, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&props, "{sv}", "org.freedesktop.Secret.Collection.Label",
                         g_variant_new_string ("Grant test, locked"));
  reply = call_secrets (bus, SECRETS_PATH, GKR_INTERNAL, "CreateWithMasterPassword",
                        g_variant_new ("(a{sv}@(oayays))", &props, plain_secret (session, LOCK_PASSWORD)),
                        G_VARIANT_TYPE ("(o)"), &error);
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE))
    {
      g_test_skip ("the Secret Service is not gnome-keyring: no way to lock a collection of our own");
      return;
    }
  g_assert_no_error (error);
  g_variant_get (reply, "(o)", &collection);
  g_clear_pointer (&reply, g_variant_unref);
  g_test_message ("collection %s", collection);

  g_variant_builder_init (&attrs, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&attrs, "{ss}", "xdg:schema", SCHEMA_NAME);
  g_variant_builder_add (&attrs, "{ss}", "protocol", "oauth2");
  g_variant_builder_add (&attrs, "{ss}", "provider", grant_token_key_get_provider (key));
  g_variant_builder_add (&attrs, "{ss}", "client-id", "cid");
  g_variant_builder_add (&attrs, "{ss}", "account", "locked");
  g_variant_builder_init (&props, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&props, "{sv}", "org.freedesktop.Secret.Item.Label", g_variant_new_string (label));
  g_variant_builder_add (&props, "{sv}", "org.freedesktop.Secret.Item.Attributes", g_variant_builder_end (&attrs));
  created = call_secrets (bus, collection, "org.freedesktop.Secret.Collection", "CreateItem",
                          g_variant_new ("(a{sv}@(oayays)b)", &props, plain_secret (session, json), TRUE),
                          G_VARIANT_TYPE ("(oo)"), &error);
  g_assert_no_error (error);

  /* Unlocked, the store finds it. */
  before = load_ok (f->store, key);
  assert_object_equal (before, token);

  locked = call_secrets (bus, SECRETS_PATH, "org.freedesktop.Secret.Service", "Lock",
                         g_variant_new ("(^ao)", (const char * const[]) { collection, NULL }),
                         G_VARIANT_TYPE ("(aoo)"), &error);
  g_assert_no_error (error);
  g_variant_get (locked, "(@ao&o)", NULL, &prompt);
  g_assert_cmpstr (prompt, ==, "/");

  /* Locked, with no one to type the password: the token is there but
   * cannot be read. That is a store failure, not “no token” — a session
   * told “no token” sends its user through a new login for nothing. */
  start = g_get_monotonic_time ();
  loaded = grant_token_store_load (f->store, key, NULL, &error);
  g_test_message ("load from a locked collection: %s, %s", loaded ? "a token" : "NULL",
                  error ? error->message : "no error");
  g_assert_null (loaded);
  g_assert_cmpint (g_get_monotonic_time () - start, <, GONE_BUDGET_S * G_USEC_PER_SEC);

  /* Nor may list make up keys from the hashed attributes that a locked
   * gnome-keyring shows. */
  {
    GError *list_error = NULL;

    keys = grant_token_store_list (f->store, NULL, &list_error);
    g_test_message ("list with a locked collection: %s%s", keys ? "keys" : "NULL, ",
                    list_error ? list_error->message : "");
    if (keys == NULL)
      {
        if (!g_error_matches (list_error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED))
          g_test_fail_printf ("list failed without GRANT_ERROR_STORE_FAILED");
      }
    else
      {
        for (guint i = 0; i < keys->len; i++)
          {
            g_autofree char *d = describe_key (g_ptr_array_index (keys, i));

            g_test_message ("listed %s", d);
            if (grant_token_key_equal (g_ptr_array_index (keys, i), empty))
              g_test_fail_printf ("list returned an empty key for the locked item");
          }
        /* The token is there: leaving it out says it is not. */
        if (!keys_contain (keys, key))
          g_test_fail_printf ("list left out the token in the locked collection, without an error");
      }
    g_clear_error (&list_error);
  }

  /* Clean up: unlock with the password, delete the collection. */
  {
    g_autoptr(GError) cleanup_error = NULL;
    g_autoptr(GVariant) r1 = call_secrets (bus, SECRETS_PATH, GKR_INTERNAL, "UnlockWithMasterPassword",
                                           g_variant_new ("(o@(oayays))", collection,
                                                          plain_secret (session, LOCK_PASSWORD)),
                                           NULL, &cleanup_error);
    g_autoptr(GVariant) r2 = NULL;

    g_clear_error (&cleanup_error);
    r2 = call_secrets (bus, collection, "org.freedesktop.Secret.Collection", "Delete",
                       NULL, G_VARIANT_TYPE ("(o)"), &cleanup_error);
    if (cleanup_error != NULL)
      g_test_message ("could not delete %s: %s", collection, cleanup_error->message);
  }

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED);
  assert_store_failed (error, "load", NULL, "LOCKED-SECRET");
  g_clear_error (&error);
}

/* ------------------------------------------------------------------ */
/* The Secret Service gone                                              */
/* ------------------------------------------------------------------ */

/* Every operation fails with STORE_FAILED, quickly, without a crash. */
static void
check_store_gone (GrantTokenStore *store)
{
  g_autoptr(GrantTokenKey) key = grant_token_key_new (GRANT_PROTOCOL_OAUTH2, "github", "cid", "alice");
  g_autoptr(JsonObject) token = oauth2_token ("GONE-SECRET-access");
  g_autoptr(JsonObject) loaded = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(JsonObject) loaded_async = NULL;
  AsyncWait wait = { 0 };
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  g_assert_false (grant_token_store_save (store, key, token, NULL, &error));
  assert_store_failed (error, "save", NULL, "GONE-SECRET");
  g_clear_error (&error);

  loaded = grant_token_store_load (store, key, NULL, &error);
  g_assert_null (loaded);
  assert_store_failed (error, "load", NULL, NULL);
  g_clear_error (&error);

  g_assert_false (grant_token_store_delete (store, key, NULL, &error));
  assert_store_failed (error, "delete", NULL, NULL);
  g_clear_error (&error);

  keys = grant_token_store_list (store, NULL, &error);
  g_assert_null (keys);
  assert_store_failed (error, "list", NULL, NULL);
  g_clear_error (&error);

  grant_token_store_save_async (store, key, token, NULL, got_result, &wait);
  r1 = wait_result (&wait);
  g_assert_false (grant_token_store_save_finish (store, r1, &error));
  assert_store_failed (error, "save_async", NULL, "GONE-SECRET");
  g_clear_error (&error);

  grant_token_store_load_async (store, key, NULL, got_result, &wait);
  r2 = wait_result (&wait);
  loaded_async = grant_token_store_load_finish (store, r2, &error);
  g_assert_null (loaded_async);
  assert_store_failed (error, "load_async", NULL, NULL);
  g_clear_error (&error);

  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("six failing operations took %.3f s", elapsed);
  g_assert_cmpfloat (elapsed, <, GONE_BUDGET_S);
}

static void
test_secret_gone_bogus_bus (void)
{
  g_autoptr(GrantSecretStore) store = NULL;
  gint64 start;

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", BOGUS_BUS, TRUE);
  start = g_get_monotonic_time ();
  g_assert_false (grant_secret_store_is_service_available (NULL));
  g_assert_cmpint (g_get_monotonic_time () - start, <, GONE_BUDGET_S * G_USEC_PER_SEC);
  store = grant_secret_store_new ();
  check_store_gone (GRANT_TOKEN_STORE (store));
}

/* A private session bus with nothing on it, and nothing it could start.
 * Brought down with g_test_dbus_stop() and left unfinalized: libsecret
 * keeps the bus connection alive for the life of the process, which
 * g_test_dbus_down() would wait for in vain. */
static GTestDBus *
empty_bus_up (void)
{
  GTestDBus *bus = g_test_dbus_new (G_TEST_DBUS_NONE);

  g_test_dbus_up (bus);
  return bus;
}

static void
empty_bus_stop (GTestDBus *bus)
{
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  if (connection != NULL)
    g_dbus_connection_set_exit_on_close (connection, FALSE);
  g_test_dbus_stop (bus);
}

/* A session bus that works, with no Secret Service on it (and none that
 * it could start): a desktop without a keyring. */
static void
test_secret_gone_no_service_on_bus (void)
{
  GTestDBus *bus = empty_bus_up ();
  g_autoptr(GrantSecretStore) store = NULL;
  gint64 start;

  start = g_get_monotonic_time ();
  g_assert_false (grant_secret_store_is_service_available (NULL));
  g_assert_cmpint (g_get_monotonic_time () - start, <, GONE_BUDGET_S * G_USEC_PER_SEC);
  store = grant_secret_store_new ();
  check_store_gone (GRANT_TOKEN_STORE (store));
  empty_bus_stop (bus);
}

/* ------------------------------------------------------------------ */
/* grant_token_store_get_default()                                      */
/* ------------------------------------------------------------------ */

static void
check_default_is_file_store (void)
{
  g_autofree char *tmp = make_tmp_dir ();
  g_autofree char *expected = g_build_filename (tmp, "grant", "tokens.json", NULL);
  GrantTokenStore *store;
  gint64 start = g_get_monotonic_time ();

  g_setenv ("XDG_STATE_HOME", tmp, TRUE);
  store = grant_token_store_get_default ();
  g_assert_cmpint (g_get_monotonic_time () - start, <, GONE_BUDGET_S * G_USEC_PER_SEC);
  g_assert_true (GRANT_IS_FILE_STORE (store));
  g_assert_cmpstr (grant_file_store_get_path (GRANT_FILE_STORE (store)), ==, expected);
  g_assert_true (grant_token_store_get_default () == store);
  rm_rf (tmp);
}

static void
test_default_bogus_bus (void)
{
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", BOGUS_BUS, TRUE);
  check_default_is_file_store ();
}

static void
test_default_no_service_on_bus (void)
{
  GTestDBus *bus = empty_bus_up ();

  check_default_is_file_store ();
  empty_bus_stop (bus);
}

static void
test_default_keyring (void)
{
  GrantTokenStore *store = grant_token_store_get_default ();

  g_assert_true (GRANT_IS_SECRET_STORE (store));
  g_assert_true (grant_token_store_get_default () == store);
}

/* ------------------------------------------------------------------ */
/* Helper processes                                                     */
/* ------------------------------------------------------------------ */

static int
run_helper (int    argc,
            char **argv)
{
  GError *error = NULL;

  if (argc == 4 && g_str_equal (argv[0], "file-writer"))
    {
      g_autoptr(GrantFileStore) store = grant_file_store_new (argv[1]);
      int n = atoi (argv[3]);

      for (int i = 0; i < n; i++)
        {
          g_autoptr(GrantTokenKey) key = NULL;
          g_autoptr(JsonObject) token = NULL;

          writer_key_and_token (argv[2], i, &key, &token);
          if (!grant_token_store_save (GRANT_TOKEN_STORE (store), key, token, NULL, &error))
            {
              g_printerr ("save %d: %s\n", i, error ? error->message : "FALSE without an error");
              return 1;
            }
        }
      return 0;
    }

  if (argc == 4 && g_str_equal (argv[0], "secret-load"))
    {
      g_autoptr(GrantSecretStore) store = grant_secret_store_new ();
      g_autoptr(GrantTokenKey) key = grant_token_key_new (GRANT_PROTOCOL_OAUTH2, argv[1], argv[2], argv[3]);
      g_autoptr(JsonObject) token = grant_token_store_load (GRANT_TOKEN_STORE (store), key, NULL, &error);
      g_autofree char *text = NULL;

      if (token == NULL)
        {
          g_printerr ("load: %s\n", error ? error->message : "no token");
          return 1;
        }
      text = object_to_string (token);
      g_print ("%s\n", text);
      return 0;
    }

  if (argc == 5 && g_str_equal (argv[0], "secret-save"))
    {
      g_autoptr(GrantSecretStore) store = grant_secret_store_new ();
      g_autoptr(GrantTokenKey) key = grant_token_key_new (GRANT_PROTOCOL_OAUTH2, argv[1], argv[2], argv[3]);
      g_autoptr(JsonObject) token = object_from_string (argv[4]);

      if (!grant_token_store_save (GRANT_TOKEN_STORE (store), key, token, NULL, &error))
        {
          g_printerr ("save: %s\n", error ? error->message : "FALSE without an error");
          return 1;
        }
      return 0;
    }

  if (argc == 1 && g_str_equal (argv[0], "secret-list"))
    {
      g_autoptr(GrantSecretStore) store = grant_secret_store_new ();
      g_autoptr(GPtrArray) keys = grant_token_store_list (GRANT_TOKEN_STORE (store), NULL, &error);

      if (keys == NULL)
        {
          g_printerr ("list: %s\n", error ? error->message : "NULL without an error");
          return 1;
        }
      for (guint i = 0; i < keys->len; i++)
        {
          g_autofree char *d = describe_key (g_ptr_array_index (keys, i));
          g_print ("%s\n", d);
        }
      return 0;
    }

  g_printerr ("unknown helper\n");
  return 2;
}

/* ------------------------------------------------------------------ */
/* Registration                                                         */
/* ------------------------------------------------------------------ */

typedef void (*FixtureFunc) (Fixture *f);

typedef struct {
  StoreKind    kind;
  gboolean     needs_keyring;
  FixtureFunc  fixture_func;
  GTestFunc    plain_func;
} TestCase;

/* Why the Secret Service tests cannot run here, or NULL. Asked in the
 * parent, once. */
static const char *
keyring_missing (void)
{
  static gboolean checked;
  static const char *reason;

  if (!checked)
    {
      g_autofree char *tool = g_find_program_in_path ("secret-tool");

      checked = TRUE;
      if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
        reason = "DBUS_SESSION_BUS_ADDRESS is not set; run the tests inside dbus-run-session "
                 "with an unlocked gnome-keyring-daemon";
      else if (!grant_secret_store_is_service_available (NULL))
        reason = "no Secret Service answers on the session bus; start gnome-keyring-daemon --unlock";
      else if (tool == NULL)
        reason = "secret-tool (libsecret-tools) is not installed";
    }
  return reason;
}

static void
run_case (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  g_autofree char *prefix = NULL;
  g_autofree char *case_dir = NULL;
  g_autofree char *old_tmpdir = NULL;
  gint64 start;

  if (g_test_subprocess () || g_getenv ("GRANT_TEST_NO_FORK") != NULL)
    {
      if (tc->fixture_func)
        {
          g_autoptr(Fixture) f = fixture_new (tc->kind);

          tc->fixture_func (f);
        }
      else
        tc->plain_func ();
      return;
    }

  if (tc->needs_keyring && keyring_missing () != NULL)
    {
      if (g_strcmp0 (g_getenv ("GRANT_REQUIRE_KEYRING"), "1") == 0)
        g_test_fail_printf ("GRANT_REQUIRE_KEYRING=1, but %s", keyring_missing ());
      else
        g_test_skip (keyring_missing ());
      return;
    }

  /* The keyring may be a person's own: the child names everything it
   * stores with this prefix, and what a failed child left is removed here. */
  if (tc->kind == KIND_SECRET)
    {
      static guint counter;

      prefix = g_strdup_printf ("grant-test-%d-%u-", (int) getpid (), ++counter);
      g_setenv ("GRANT_TEST_SECRET_PREFIX", prefix, TRUE);
    }

  /* Whatever the child makes in $TMPDIR goes when it is done, even if it
   * died half way. */
  old_tmpdir = g_strdup (g_getenv ("TMPDIR"));
  case_dir = make_tmp_dir ();
  g_setenv ("TMPDIR", case_dir, TRUE);

  start = g_get_monotonic_time ();
  g_test_trap_subprocess (NULL, (guint64) CASE_TIMEOUT_S * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_message ("%.3f s", (g_get_monotonic_time () - start) / 1e6);

  if (old_tmpdir != NULL)
    g_setenv ("TMPDIR", old_tmpdir, TRUE);
  else
    g_unsetenv ("TMPDIR");
  rm_rf (case_dir);

  if (prefix != NULL)
    {
      delete_secret_items (prefix);
      g_unsetenv ("GRANT_TEST_SECRET_PREFIX");
    }
  g_test_trap_assert_passed ();
}

static void
add_fixture_case (const char  *path,
                  StoreKind    kind,
                  FixtureFunc  func)
{
  TestCase *tc = g_new0 (TestCase, 1);

  tc->kind = kind;
  tc->needs_keyring = kind == KIND_SECRET;
  tc->fixture_func = func;
  g_test_add_data_func_full (path, tc, run_case, g_free);
}

static void
add_plain_case (const char *path,
                gboolean    needs_keyring,
                GTestFunc   func)
{
  TestCase *tc = g_new0 (TestCase, 1);

  tc->kind = KIND_NONE;
  tc->needs_keyring = needs_keyring;
  tc->plain_func = func;
  g_test_add_data_func_full (path, tc, run_case, g_free);
}

static const struct {
  const char  *name;
  FixtureFunc  func;
} contract[] = {
  { "missing-is-null-without-error", contract_missing_is_null },
  { "save-load-round-trip", contract_round_trip },
  { "save-replaces", contract_save_replaces },
  { "keys-compared-on-all-four-parts", contract_keys_on_all_four_parts },
  { "stored-objects-are-copies", contract_objects_are_copies },
  { "unusual-values-round-trip", contract_unusual_values },
  { "async-save-load-list-delete", contract_async },
};

int
main (int   argc,
      char *argv[])
{
  if (argc >= 2 && g_str_equal (argv[1], "--helper"))
    return run_helper (argc - 2, argv + 2);

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (self_exe == NULL)
    self_exe = g_canonicalize_filename (argv[0], NULL);

  if (!g_test_subprocess () && g_getenv ("GRANT_TEST_NO_FORK") == NULL)
    g_test_set_nonfatal_assertions ();

  add_plain_case ("/token-store/key/equal-on-all-four-parts", FALSE, test_key_equal_on_all_four_parts);
  add_plain_case ("/token-store/key/label", FALSE, test_key_label);

  for (StoreKind kind = KIND_MEMORY; kind <= KIND_SECRET; kind++)
    for (gsize i = 0; i < G_N_ELEMENTS (contract); i++)
      {
        g_autofree char *path = g_strdup_printf ("/token-store/%s/contract/%s", kind_names[kind], contract[i].name);

        add_fixture_case (path, kind, contract[i].func);
      }

  add_fixture_case ("/token-store/file/path", KIND_FILE, test_file_path);
  add_fixture_case ("/token-store/file/reading-creates-no-file", KIND_FILE, test_file_not_created_by_reading);
  add_fixture_case ("/token-store/file/mode-0600-and-parents-created", KIND_FILE, test_file_mode_and_parents);
  add_fixture_case ("/token-store/file/save-is-atomic-for-readers", KIND_FILE, test_file_save_is_atomic);
  add_fixture_case ("/token-store/file/concurrent-writers/two-stores-two-threads", KIND_FILE,
                    test_file_concurrent_writers_two_stores);
  add_fixture_case ("/token-store/file/concurrent-writers/one-store-two-threads", KIND_FILE,
                    test_file_concurrent_writers_one_store);
  add_fixture_case ("/token-store/file/concurrent-writers/two-processes", KIND_FILE,
                    test_file_concurrent_writers_two_processes);
  add_fixture_case ("/token-store/file/corrupt/garbage", KIND_FILE, test_file_corrupt_garbage);
  add_fixture_case ("/token-store/file/corrupt/truncated-json", KIND_FILE, test_file_corrupt_truncated);
  add_fixture_case ("/token-store/file/corrupt/json-array", KIND_FILE, test_file_corrupt_not_an_object);
  add_fixture_case ("/token-store/file/corrupt/json-string", KIND_FILE, test_file_corrupt_a_string);
  add_fixture_case ("/token-store/file/corrupt/object-without-token-list", KIND_FILE, test_file_corrupt_no_token_list);
  add_fixture_case ("/token-store/file/corrupt/newer-version-left-alone", KIND_FILE, test_file_newer_version_left_alone);
  add_fixture_case ("/token-store/file/corrupt/bare-word-secret-not-in-error", KIND_FILE,
                    test_file_corrupt_bare_word_secret);
  add_fixture_case ("/token-store/file/corrupt/missing-comma-secret-not-in-error", KIND_FILE,
                    test_file_corrupt_missing_comma);
  add_fixture_case ("/token-store/file/unwritable-path", KIND_FILE, test_file_unwritable);
  add_plain_case ("/token-store/file/default-path/xdg-state-home", FALSE, test_file_default_path_xdg_state_home);
  add_plain_case ("/token-store/file/default-path/home", FALSE, test_file_default_path_home);

  add_fixture_case ("/token-store/secret/oauth2-item-attributes-secret-label", KIND_SECRET, test_secret_oauth2_item);
  add_fixture_case ("/token-store/secret/oauth1-item-attributes-secret-label", KIND_SECRET, test_secret_oauth1_item);
  add_fixture_case ("/token-store/secret/save-replaces-the-item", KIND_SECRET, test_secret_save_replaces_item);
  add_fixture_case ("/token-store/secret/delete-removes-the-item", KIND_SECRET, test_secret_delete_removes_item);
  add_fixture_case ("/token-store/secret/two-stores-see-the-same-token", KIND_SECRET, test_secret_two_stores);
  add_fixture_case ("/token-store/secret/other-processes-see-the-same-token", KIND_SECRET, test_secret_other_process);
  add_fixture_case ("/token-store/secret/item-not-json-is-an-error", KIND_SECRET, test_secret_item_not_json);
  add_fixture_case ("/token-store/secret/concurrent-saves-leave-one-item", KIND_SECRET,
                    test_secret_concurrent_saves_one_item);
  add_fixture_case ("/token-store/secret/locked-collection-is-an-error-not-no-token", KIND_SECRET,
                    test_secret_locked_collection);
  add_plain_case ("/token-store/secret/gone/bogus-bus-address", FALSE, test_secret_gone_bogus_bus);
  add_plain_case ("/token-store/secret/gone/no-secret-service-on-bus", FALSE, test_secret_gone_no_service_on_bus);

  add_plain_case ("/token-store/default/bogus-bus-is-file-store", FALSE, test_default_bogus_bus);
  add_plain_case ("/token-store/default/no-secret-service-is-file-store", FALSE, test_default_no_service_on_bus);
  add_plain_case ("/token-store/default/keyring-is-secret-store", TRUE, test_default_keyring);

  return g_test_run ();
}
