/* duplicate-provider.c: a test module claiming the id "duplicate"
 *
 * Built twice, with DUPLICATE_NAME and DUPLICATE_PRIORITY set differently,
 * to check that the registry picks the higher priority. Each build
 * registers a type of its own name, so both can be loaded at once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>

#include "grant.h"

static GObjectClass *parent_class;

static void
duplicate_constructed (GObject *object)
{
  parent_class->constructed (object);
  g_object_set (object,
                "id", "duplicate",
                "display-name", DUPLICATE_NAME,
                "token-url", "https://" DUPLICATE_NAME ".example/token",
                NULL);
}

static void
duplicate_class_init (gpointer klass,
                      gpointer data)
{
  parent_class = g_type_class_peek_parent (klass);
  G_OBJECT_CLASS (klass)->constructed = duplicate_constructed;
}

G_MODULE_EXPORT void g_io_module_load (GIOModule *module);
G_MODULE_EXPORT void g_io_module_unload (GIOModule *module);

void
g_io_module_load (GIOModule *module)
{
  /* A second registry scanning the same directory loads the module
   * again; dlopen () hands back the same library, and this with it. */
  static GType type;

  g_type_module_use (G_TYPE_MODULE (module));
  grant_provider_ensure_extension_point ();
  if (type == 0)
    {
      GTypeQuery query;

      g_type_query (GRANT_TYPE_PROVIDER, &query);
      type = g_type_register_static_simple (GRANT_TYPE_PROVIDER, "TestDuplicateProvider_" DUPLICATE_NAME,
                                            query.class_size, duplicate_class_init,
                                            query.instance_size, NULL, 0);
    }
  g_io_extension_point_implement (GRANT_PROVIDER_EXTENSION_POINT_NAME, type, "duplicate",
                                  DUPLICATE_PRIORITY);
}

void
g_io_module_unload (GIOModule *module)
{
}
