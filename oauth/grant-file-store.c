/* grant-file-store.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "grant-error.h"
#include "grant-file-store.h"
#include "grant-random-private.h"
#include "grant-token-store-private.h"

/**
 * GrantFileStore:
 *
 * A [iface@TokenStore] in one JSON file, for machines with no Secret
 * Service: servers, containers, CI.
 *
 * The file (by default `$XDG_STATE_HOME/grant/tokens.json`) is created
 * with mode 0600 in a directory of mode 0700, replaced atomically on every
 * save, and guarded by a lock so that several processes can share it.
 *
 * What it does not protect against: anyone who can read the file as you
 * (or as root) can read the tokens, and backups copy it. Unlike the Secret
 * Service, nothing is encrypted and nothing is locked when you log out.
 * Prefer [class@SecretStore] wherever there is a desktop session.
 */

struct _GrantFileStore
{
  GObject parent_instance;

  char *path;
  char *lock_path;
};

static void grant_file_store_iface_init (GrantTokenStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GrantFileStore, grant_file_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GRANT_TYPE_TOKEN_STORE,
                                                      grant_file_store_iface_init))

#define FILE_FORMAT_VERSION 1

static void
grant_file_store_finalize (GObject *object)
{
  GrantFileStore *self = GRANT_FILE_STORE (object);

  g_free (self->path);
  g_free (self->lock_path);
  G_OBJECT_CLASS (grant_file_store_parent_class)->finalize (object);
}

static void
grant_file_store_class_init (GrantFileStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = grant_file_store_finalize;
}

static void
grant_file_store_init (GrantFileStore *self)
{
}

/**
 * grant_file_store_new:
 * @path: (nullable) (type filename): the file, or %NULL for
 *   `$XDG_STATE_HOME/grant/tokens.json`
 *
 * Creates a store on a file. Nothing is read or written until it is used.
 *
 * Returns: (transfer full): a new `GrantFileStore`
 */
GrantFileStore *
grant_file_store_new (const char *path)
{
  GrantFileStore *self = g_object_new (GRANT_TYPE_FILE_STORE, NULL);

  if (path != NULL)
    self->path = g_strdup (path);
  else
    {
      /* Read here rather than through g_get_user_state_dir (), which
       * caches the first value for the life of the process. */
      const char *state = g_getenv ("XDG_STATE_HOME");

      if (state != NULL && g_path_is_absolute (state))
        self->path = g_build_filename (state, "grant", "tokens.json", NULL);
      else
        self->path = g_build_filename (g_get_home_dir (), ".local", "state", "grant", "tokens.json", NULL);
    }
  self->lock_path = g_strconcat (self->path, ".lock", NULL);
  return self;
}

/**
 * grant_file_store_get_path:
 * @self: a `GrantFileStore`
 *
 * Gets the file the store uses.
 *
 * Returns: (type filename): the path
 */
const char *
grant_file_store_get_path (GrantFileStore *self)
{
  g_return_val_if_fail (GRANT_IS_FILE_STORE (self), NULL);
  return self->path;
}

/* Takes the store's lock: shared to read, exclusive to change. Returns
 * the descriptor to unlock with, -1 with @error set, or -2 for a reader
 * that found no lock file: reading creates nothing (the file may sit on
 * a read-only volume), and a writer replaces the file by rename, so a
 * reader without the lock still sees one whole file. */
static int
lock_file (GrantFileStore  *self,
           gboolean         exclusive,
           GError         **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  int fd;

  if (!exclusive)
    {
      fd = g_open (self->lock_path, O_RDONLY | O_CLOEXEC, 0);
      if (fd < 0)
        return -2;
      while (flock (fd, LOCK_SH) != 0 && errno == EINTR)
        ;
      return fd;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED,
                   "The token directory %s cannot be created: %s", dir, g_strerror (saved));
      return -1;
    }

  fd = g_open (self->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED,
                   "The token file lock %s cannot be opened: %s", self->lock_path, g_strerror (saved));
      return -1;
    }
  while (flock (fd, exclusive ? LOCK_EX : LOCK_SH) != 0)
    {
      int saved = errno;

      if (saved == EINTR)
        continue;
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED,
                   "The token file %s cannot be locked: %s", self->path, g_strerror (saved));
      close (fd);
      return -1;
    }
  return fd;
}

static void
unlock_file (int fd)
{
  if (fd < 0)
    return;
  flock (fd, LOCK_UN);
  close (fd);
}

/* Reads the whole file under the lock. A missing file is an empty store;
 * a file that is not ours is an error, never overwritten. */
static JsonArray *
read_entries (GrantFileStore  *self,
              GError         **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;
  JsonNode *tokens;
  gsize length = 0;

  if (!g_file_get_contents (self->path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return json_array_new ();
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED,
                   "The token file %s cannot be read: %s", self->path, local_error->message);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, contents, length, &local_error) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (tokens = json_object_get_member (object = json_node_get_object (root), "tokens")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (tokens))
    {
      /* json-glib's message quotes what it choked on, which in this file
       * is likely a token: only where is said. */
      g_autofree char *where = NULL;
      int line = 0, column = 0;

      if (local_error != NULL && sscanf (local_error->message, "<data>:%d:%d", &line, &column) == 2)
        where = g_strdup_printf ("not valid JSON at line %d, column %d", line, column);
      else
        where = g_strdup (local_error ? "not valid JSON" : "no “tokens” list");
      memset (contents, 0, length);
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED,
                   "The token file %s is not a Grant token file (%s); Grant leaves it "
                   "alone: move it away to start afresh", self->path, where);
      return NULL;
    }
  if (json_object_get_int_member_with_default (object, "version", 0) > FILE_FORMAT_VERSION)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED,
                   "The token file %s was written by a newer Grant", self->path);
      return NULL;
    }
  return json_array_ref (json_node_get_array (tokens));
}

/* The entries, read under a shared lock, for a reader that writes
 * nothing back. */
static JsonArray *
read_entries_shared (GrantFileStore  *self,
                     GError         **error)
{
  JsonArray *entries;
  int fd;

  if ((fd = lock_file (self, FALSE, error)) == -1)
    return NULL;
  entries = read_entries (self, error);
  unlock_file (fd);
  return entries;
}

static gboolean
write_entries (GrantFileStore  *self,
               JsonArray       *entries,
               GError         **error)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;

  json_object_set_int_member (object, "version", FILE_FORMAT_VERSION);
  json_object_set_array_member (object, "tokens", json_array_ref (entries));
  node = json_node_init_object (json_node_alloc (), object);
  text = json_to_string (node, TRUE);

  /* Written to a temporary file, synced and renamed over the old one: a
   * reader sees the old file or the new one, never half of either. */
  if (!g_file_set_contents_full (self->path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED,
                   "The token file %s cannot be written: %s", self->path, local_error->message);
      grant_secret_wipe (text);
      return FALSE;
    }
  grant_secret_wipe (text);
  return TRUE;
}

static gboolean
entry_matches (JsonObject    *entry,
               GrantTokenKey *key)
{
  return g_strcmp0 (json_object_get_string_member_with_default (entry, "protocol", ""),
                    grant_protocol_to_string (grant_token_key_get_protocol (key))) == 0 &&
         g_strcmp0 (json_object_get_string_member_with_default (entry, "provider", ""),
                    grant_token_key_get_provider (key)) == 0 &&
         g_strcmp0 (json_object_get_string_member_with_default (entry, "client_id", ""),
                    grant_token_key_get_client_id (key)) == 0 &&
         g_strcmp0 (json_object_get_string_member_with_default (entry, "account", ""),
                    grant_token_key_get_account (key)) == 0;
}

static gint
find_entry (JsonArray     *entries,
            GrantTokenKey *key)
{
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);

      if (JSON_NODE_HOLDS_OBJECT (node) && entry_matches (json_node_get_object (node), key))
        return i;
    }
  return -1;
}

static JsonObject *
file_load (GrantTokenStore  *store,
           GrantTokenKey    *key,
           GCancellable     *cancellable,
           GError          **error)
{
  GrantFileStore *self = GRANT_FILE_STORE (store);
  g_autoptr(JsonArray) entries = NULL;
  JsonObject *token = NULL;
  gint i;

  entries = read_entries_shared (self, error);
  if (entries == NULL)
    return NULL;

  if ((i = find_entry (entries, key)) >= 0)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonNode *node = json_object_get_member (entry, "token");

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        token = json_object_ref (json_node_get_object (node));
    }
  return token;
}

static gboolean
file_save (GrantTokenStore  *store,
           GrantTokenKey    *key,
           JsonObject       *token,
           GCancellable     *cancellable,
           GError          **error)
{
  GrantFileStore *self = GRANT_FILE_STORE (store);
  g_autoptr(JsonArray) entries = NULL;
  JsonObject *entry;
  gboolean ok;
  int fd;
  gint i;

  if ((fd = lock_file (self, TRUE, error)) < 0)
    return FALSE;
  entries = read_entries (self, error);
  if (entries == NULL)
    {
      unlock_file (fd);
      return FALSE;
    }

  if ((i = find_entry (entries, key)) >= 0)
    json_array_remove_element (entries, i);
  entry = json_object_new ();
  json_object_set_string_member (entry, "protocol", grant_protocol_to_string (grant_token_key_get_protocol (key)));
  json_object_set_string_member (entry, "provider", grant_token_key_get_provider (key));
  json_object_set_string_member (entry, "client_id", grant_token_key_get_client_id (key));
  json_object_set_string_member (entry, "account", grant_token_key_get_account (key));
  json_object_set_object_member (entry, "token", json_object_ref (token));
  json_array_add_object_element (entries, entry);

  ok = write_entries (self, entries, error);
  unlock_file (fd);
  return ok;
}

static gboolean
file_delete (GrantTokenStore  *store,
             GrantTokenKey    *key,
             GCancellable     *cancellable,
             GError          **error)
{
  GrantFileStore *self = GRANT_FILE_STORE (store);
  g_autoptr(JsonArray) entries = NULL;
  gboolean ok = TRUE;
  int fd;
  gint i;

  if ((fd = lock_file (self, TRUE, error)) < 0)
    return FALSE;
  entries = read_entries (self, error);
  if (entries == NULL)
    ok = FALSE;
  else if ((i = find_entry (entries, key)) >= 0)
    {
      json_array_remove_element (entries, i);
      ok = write_entries (self, entries, error);
    }
  unlock_file (fd);
  return ok;
}

static GPtrArray *
file_list (GrantTokenStore  *store,
           GCancellable     *cancellable,
           GError          **error)
{
  GrantFileStore *self = GRANT_FILE_STORE (store);
  g_autoptr(JsonArray) entries = NULL;
  GPtrArray *keys;

  entries = read_entries_shared (self, error);
  if (entries == NULL)
    return NULL;

  keys = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *entry;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      entry = json_node_get_object (node);
      g_ptr_array_add (keys, grant_token_key_new (grant_protocol_from_string (json_object_get_string_member_with_default (entry, "protocol", "")),
                                                  json_object_get_string_member_with_default (entry, "provider", ""),
                                                  json_object_get_string_member_with_default (entry, "client_id", ""),
                                                  json_object_get_string_member_with_default (entry, "account", "")));
    }
  return keys;
}

static void
grant_file_store_iface_init (GrantTokenStoreInterface *iface)
{
  iface->load = file_load;
  iface->save = file_save;
  iface->delete = file_delete;
  iface->list = file_list;
}
