/* grant-provider-registry.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "grant-error.h"
#include "grant-provider-registry-private.h"

/**
 * GrantProviderRegistry:
 *
 * The providers Grant knows: those of the loadable provider modules, and
 * those the application registers.
 *
 * Provider modules are GIO modules (`libgrant-provider-NAME.so`) in
 * `$libdir/grant-1/providers` and in the directories of
 * `GRANT_PROVIDER_PATH` (colon-separated, searched first). Each implements
 * the `grant-provider` extension point with its provider's id as the
 * extension name. A module that cannot be loaded — broken, or not a Grant
 * module — is skipped with a warning. When two modules claim one id, the
 * higher extension priority wins. Scanning only lists the modules; they are
 * loaded the first time a provider is looked up.
 *
 * A provider registered with [method@ProviderRegistry.register] — a
 * subclass of [class@Provider] written in C, Python or JavaScript, or one
 * made from a discovery document — takes precedence over a module's.
 */

struct _GrantProviderRegistry
{
  GObject      parent_instance;

  GMutex       lock;
  GHashTable  *registered;   /* id → GrantProvider */
  GHashTable  *instances;    /* id → GrantProvider made from a module */
  GIOModuleScope *scope;
};

G_DEFINE_FINAL_TYPE (GrantProviderRegistry, grant_provider_registry, G_TYPE_OBJECT)

static void
grant_provider_registry_finalize (GObject *object)
{
  GrantProviderRegistry *self = GRANT_PROVIDER_REGISTRY (object);

  g_hash_table_unref (self->registered);
  g_hash_table_unref (self->instances);
  g_io_module_scope_free (self->scope);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (grant_provider_registry_parent_class)->finalize (object);
}

static void
grant_provider_registry_class_init (GrantProviderRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = grant_provider_registry_finalize;
}

static void
grant_provider_registry_init (GrantProviderRegistry *self)
{
  g_mutex_init (&self->lock);
  self->registered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->instances = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->scope = g_io_module_scope_new (G_IO_MODULE_SCOPE_NONE);
  grant_provider_ensure_extension_point ();
}

/**
 * grant_provider_registry_add_directory:
 * @self: a `GrantProviderRegistry`
 * @directory: (type filename): a directory of provider modules
 *
 * Lists the provider modules in @directory. The default registry does
 * this for `GRANT_PROVIDER_PATH` and the installed module directory.
 */
void
grant_provider_registry_add_directory (GrantProviderRegistry *self,
                                       const char            *directory)
{
  g_return_if_fail (GRANT_IS_PROVIDER_REGISTRY (self));
  g_return_if_fail (directory != NULL);

  if (g_file_test (directory, G_FILE_TEST_IS_DIR))
    g_io_modules_scan_all_in_directory_with_scope (directory, self->scope);
}

/**
 * grant_provider_registry_get_default:
 *
 * The registry of the process, with the provider modules of
 * `GRANT_PROVIDER_PATH` and of `$libdir/grant-1/providers` listed.
 *
 * Returns: (transfer none): the default registry
 */
GrantProviderRegistry *
grant_provider_registry_get_default (void)
{
  static GrantProviderRegistry *registry;

  if (g_once_init_enter (&registry))
    {
      GrantProviderRegistry *self = g_object_new (GRANT_TYPE_PROVIDER_REGISTRY, NULL);
      const char *path = g_getenv ("GRANT_PROVIDER_PATH");

      if (path != NULL)
        {
          g_auto(GStrv) dirs = g_strsplit (path, G_SEARCHPATH_SEPARATOR_S, -1);

          for (char **dir = dirs; *dir; dir++)
            if (**dir)
              grant_provider_registry_add_directory (self, *dir);
        }
      grant_provider_registry_add_directory (self, GRANT_PROVIDER_DIR);
      g_once_init_leave (&registry, self);
    }
  return registry;
}

/**
 * grant_provider_registry_register:
 * @self: a `GrantProviderRegistry`
 * @provider: a provider
 *
 * Makes @provider known by its id, ahead of any module's provider with the
 * same id.
 */
void
grant_provider_registry_register (GrantProviderRegistry *self,
                                  GrantProvider         *provider)
{
  g_return_if_fail (GRANT_IS_PROVIDER_REGISTRY (self));
  g_return_if_fail (GRANT_IS_PROVIDER (provider));
  g_return_if_fail (grant_provider_get_id (provider) != NULL);

  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->registered, g_strdup (grant_provider_get_id (provider)),
                        g_object_ref (provider));
  g_mutex_unlock (&self->lock);
}

/* Under the lock. */
static GrantProvider *
module_provider_locked (GrantProviderRegistry *self,
                        const char            *id)
{
  GIOExtensionPoint *point;
  GIOExtension *extension;
  GrantProvider *provider;

  if ((provider = g_hash_table_lookup (self->instances, id)) != NULL)
    return provider;

  point = g_io_extension_point_lookup (GRANT_PROVIDER_EXTENSION_POINT_NAME);
  extension = point ? g_io_extension_point_get_extension_by_name (point, id) : NULL;
  if (extension == NULL)
    return NULL;

  provider = g_object_new (g_io_extension_get_type (extension), NULL);
  if (g_strcmp0 (grant_provider_get_id (provider), id) != 0)
    g_object_set (provider, "id", id, NULL);
  g_hash_table_insert (self->instances, g_strdup (id), provider);
  return provider;
}

/**
 * grant_provider_registry_lookup:
 * @self: a `GrantProviderRegistry`
 * @id: a provider id, such as `github`
 *
 * Finds a provider, loading its module the first time.
 *
 * Returns: (transfer full) (nullable): the provider, or %NULL if none has
 *   that id
 */
GrantProvider *
grant_provider_registry_lookup (GrantProviderRegistry *self,
                                const char            *id)
{
  GrantProvider *provider;

  g_return_val_if_fail (GRANT_IS_PROVIDER_REGISTRY (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  g_mutex_lock (&self->lock);
  provider = g_hash_table_lookup (self->registered, id);
  if (provider == NULL)
    provider = module_provider_locked (self, id);
  if (provider != NULL)
    g_object_ref (provider);
  g_mutex_unlock (&self->lock);
  return provider;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (grant_provider_get_id (*(GrantProvider **) a),
                    grant_provider_get_id (*(GrantProvider **) b));
}

/**
 * grant_provider_registry_list:
 * @self: a `GrantProviderRegistry`
 *
 * Every provider known, by id, loading the modules.
 *
 * Returns: (transfer container) (element-type GrantProvider): the providers
 */
GPtrArray *
grant_provider_registry_list (GrantProviderRegistry *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *providers = g_ptr_array_new_with_free_func (g_object_unref);
  GIOExtensionPoint *point;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (GRANT_IS_PROVIDER_REGISTRY (self), NULL);

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->registered);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_ptr_array_add (providers, g_object_ref (value));
      g_hash_table_add (seen, (gpointer) grant_provider_get_id (value));
    }

  point = g_io_extension_point_lookup (GRANT_PROVIDER_EXTENSION_POINT_NAME);
  for (GList *l = point ? g_io_extension_point_get_extensions (point) : NULL; l; l = l->next)
    {
      const char *id = g_io_extension_get_name (l->data);
      GrantProvider *provider;

      if (g_hash_table_contains (seen, id))
        continue;
      provider = module_provider_locked (self, id);
      if (provider != NULL)
        {
          g_ptr_array_add (providers, g_object_ref (provider));
          g_hash_table_add (seen, (gpointer) grant_provider_get_id (provider));
        }
    }
  g_mutex_unlock (&self->lock);

  g_ptr_array_sort (providers, compare_ids);
  return providers;
}

/* For the sessions' new_for_provider (): the default registry's provider
 * for @provider_id, with an error that names the known ones when there is
 * none, or says so when it does not speak @protocol. */
GrantProvider *
grant_provider_registry_lookup_for_protocol (const char              *provider_id,
                                             GrantProviderProtocols   protocol,
                                             GError                 **error)
{
  GrantProviderRegistry *registry = grant_provider_registry_get_default ();
  g_autoptr(GrantProvider) provider = grant_provider_registry_lookup (registry, provider_id);

  if (provider == NULL)
    {
      g_autoptr(GPtrArray) known = grant_provider_registry_list (registry);
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < known->len; i++)
        g_string_append_printf (names, "%s%s", i ? ", " : "",
                                grant_provider_get_id (g_ptr_array_index (known, i)));
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "No provider is called “%s”; Grant knows: %s", provider_id,
                   names->len ? names->str : "none (are the provider modules installed?)");
      return NULL;
    }
  if (!(grant_provider_get_protocols (provider) & protocol))
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "The provider “%s” does not speak %s", provider_id,
                   protocol == GRANT_PROVIDER_PROTOCOLS_OAUTH1 ? "OAuth 1.0a" : "OAuth 2");
      return NULL;
    }
  return g_steal_pointer (&provider);
}
