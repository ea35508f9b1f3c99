/* grant-memory-store.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "grant-body-private.h"
#include "grant-memory-store.h"

/**
 * GrantMemoryStore:
 *
 * A [iface@TokenStore] that keeps tokens in memory for as long as it
 * lives: for tests, and for short-lived tools that should leave nothing
 * behind.
 */

struct _GrantMemoryStore
{
  GObject     parent_instance;

  GMutex      lock;
  GPtrArray  *keys;    /* GrantTokenKey, parallel to tokens */
  GPtrArray  *tokens;  /* JsonObject */
};

static void grant_memory_store_iface_init (GrantTokenStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GrantMemoryStore, grant_memory_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GRANT_TYPE_TOKEN_STORE,
                                                      grant_memory_store_iface_init))

static void
grant_memory_store_finalize (GObject *object)
{
  GrantMemoryStore *self = GRANT_MEMORY_STORE (object);

  g_ptr_array_unref (self->keys);
  g_ptr_array_unref (self->tokens);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (grant_memory_store_parent_class)->finalize (object);
}

static void
grant_memory_store_class_init (GrantMemoryStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = grant_memory_store_finalize;
}

static void
grant_memory_store_init (GrantMemoryStore *self)
{
  g_mutex_init (&self->lock);
  self->keys = g_ptr_array_new_with_free_func (g_object_unref);
  self->tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
}

static gint
find_locked (GrantMemoryStore *self,
             GrantTokenKey    *key)
{
  for (guint i = 0; i < self->keys->len; i++)
    if (grant_token_key_equal (g_ptr_array_index (self->keys, i), key))
      return i;
  return -1;
}

static void
remove_locked (GrantMemoryStore *self,
               GrantTokenKey    *key)
{
  gint i = find_locked (self, key);

  if (i < 0)
    return;
  g_ptr_array_remove_index (self->keys, i);
  g_ptr_array_remove_index (self->tokens, i);
}

static JsonObject *
memory_load (GrantTokenStore  *store,
             GrantTokenKey    *key,
             GCancellable     *cancellable,
             GError          **error)
{
  GrantMemoryStore *self = GRANT_MEMORY_STORE (store);
  JsonObject *token = NULL;
  gint i;

  g_mutex_lock (&self->lock);
  if ((i = find_locked (self, key)) >= 0)
    token = grant_json_object_deep_copy (g_ptr_array_index (self->tokens, i));
  g_mutex_unlock (&self->lock);
  return token;
}

static gboolean
memory_save (GrantTokenStore  *store,
             GrantTokenKey    *key,
             JsonObject       *token,
             GCancellable     *cancellable,
             GError          **error)
{
  GrantMemoryStore *self = GRANT_MEMORY_STORE (store);

  g_mutex_lock (&self->lock);
  remove_locked (self, key);
  g_ptr_array_add (self->keys, g_object_ref (key));
  g_ptr_array_add (self->tokens, grant_json_object_deep_copy (token));
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
memory_delete (GrantTokenStore  *store,
               GrantTokenKey    *key,
               GCancellable     *cancellable,
               GError          **error)
{
  GrantMemoryStore *self = GRANT_MEMORY_STORE (store);

  g_mutex_lock (&self->lock);
  remove_locked (self, key);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static GPtrArray *
memory_list (GrantTokenStore  *store,
             GCancellable     *cancellable,
             GError          **error)
{
  GrantMemoryStore *self = GRANT_MEMORY_STORE (store);
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_object_unref);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->keys->len; i++)
    g_ptr_array_add (keys, g_object_ref (g_ptr_array_index (self->keys, i)));
  g_mutex_unlock (&self->lock);
  return keys;
}

static void
grant_memory_store_iface_init (GrantTokenStoreInterface *iface)
{
  iface->load = memory_load;
  iface->save = memory_save;
  iface->delete = memory_delete;
  iface->list = memory_list;
}

/**
 * grant_memory_store_new:
 *
 * Creates an empty store.
 *
 * Returns: (transfer full): a new `GrantMemoryStore`
 */
GrantMemoryStore *
grant_memory_store_new (void)
{
  return g_object_new (GRANT_TYPE_MEMORY_STORE, NULL);
}
