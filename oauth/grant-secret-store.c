/* grant-secret-store.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libsecret/secret.h>

#include "grant-error.h"
#include "grant-random-private.h"
#include "grant-token-store-private.h"
#include "grant-secret-store.h"

/**
 * GrantSecretStore:
 *
 * A [iface@TokenStore] in the Secret Service: GNOME Keyring, KWallet, or
 * any other implementation on the session bus.
 *
 * Each token is one item of the schema `org.gnome.Grant.Token`, in the
 * default collection. Its attributes — `protocol` (`oauth1` or `oauth2`),
 * `provider`, `client-id` and `account` — name it and are never secret;
 * the secret is the token as JSON; the label reads like “Github token for
 * alice (Grant)” in Seahorse.
 */

struct _GrantSecretStore
{
  GObject parent_instance;
};

static void grant_secret_store_iface_init (GrantTokenStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GrantSecretStore, grant_secret_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GRANT_TYPE_TOKEN_STORE,
                                                      grant_secret_store_iface_init))

static const SecretSchema token_schema = {
  "org.gnome.Grant.Token", SECRET_SCHEMA_NONE,
  {
    { "protocol", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "client-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

static void
grant_secret_store_class_init (GrantSecretStoreClass *klass)
{
}

static void
grant_secret_store_init (GrantSecretStore *self)
{
}

/**
 * grant_secret_store_new:
 *
 * Creates a store on the Secret Service. Nothing is asked of the service
 * until the store is used.
 *
 * Returns: (transfer full): a new `GrantSecretStore`
 */
GrantSecretStore *
grant_secret_store_new (void)
{
  return g_object_new (GRANT_TYPE_SECRET_STORE, NULL);
}

/**
 * grant_secret_store_is_service_available:
 * @cancellable: (nullable): a `GCancellable`
 *
 * Whether a Secret Service is running on the session bus right now. It is
 * not started for the question.
 *
 * Returns: %TRUE if one is
 */
gboolean
grant_secret_store_is_service_available (GCancellable *cancellable)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, cancellable, NULL);
  if (bus == NULL)
    return FALSE;
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                       2000, cancellable, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

static GHashTable *
key_attributes (GrantTokenKey *key)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, "protocol", (char *) grant_protocol_to_string (grant_token_key_get_protocol (key)));
  g_hash_table_insert (attributes, "provider", (char *) grant_token_key_get_provider (key));
  g_hash_table_insert (attributes, "client-id", (char *) grant_token_key_get_client_id (key));
  g_hash_table_insert (attributes, "account", (char *) grant_token_key_get_account (key));
  return attributes;
}

/* libsecret and D-Bus errors, in GRANT_ERROR_STORE_FAILED with what was
 * being done; the token is never part of the message. */
static void
set_store_error (GError     **error,
                 const char  *doing,
                 GError      *cause)
{
  g_set_error (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED,
               "The keyring could not %s: %s", doing, cause->message);
}

static SecretService *
get_service (GCancellable  *cancellable,
             const char    *doing,
             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  SecretService *service = secret_service_get_sync (SECRET_SERVICE_NONE, cancellable, &local_error);

  if (service == NULL)
    set_store_error (error, doing, local_error);
  return service;
}

/* A locked collection that cannot be unlocked here (no one to type the
 * password) hides its items' secrets: that is an error to report, not
 * "no token", or the user is sent to sign in again for nothing. */
static JsonObject *
secret_load (GrantTokenStore  *store,
             GrantTokenKey    *key,
             GCancellable     *cancellable,
             GError          **error)
{
  g_autoptr(GHashTable) attributes = key_attributes (key);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(JsonNode) node = NULL;
  SecretItem *item;
  SecretValue *value;
  GList *items;
  JsonObject *object = NULL;

  service = get_service (cancellable, "read the token", error);
  if (service == NULL)
    return NULL;

  items = secret_service_search_sync (service, &token_schema, attributes,
                                      SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                                      cancellable, &local_error);
  if (local_error != NULL)
    {
      set_store_error (error, "read the token", local_error);
      return NULL;
    }
  if (items == NULL)
    return NULL;

  item = items->data;
  value = secret_item_get_locked (item) ? NULL : secret_item_get_secret (item);
  if (value == NULL)
    g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED,
                         "The token is in a locked keyring; unlock it (for instance by "
                         "logging in again) and try again");
  else
    {
      node = json_from_string (secret_value_get_text (value), NULL);
      secret_value_unref (value);
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED,
                             "The token in the keyring is not valid JSON; delete it with "
                             "`grant token delete` and sign in again");
      else
        object = json_object_ref (json_node_get_object (node));
    }
  g_list_free_full (items, g_object_unref);
  return object;
}

static gboolean
secret_save (GrantTokenStore  *store,
             GrantTokenKey    *key,
             JsonObject       *token,
             GCancellable     *cancellable,
             GError          **error)
{
  g_autoptr(GHashTable) attributes = key_attributes (key);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), token);
  g_autofree char *label = grant_token_key_to_label (key);
  char *json = json_to_string (node, FALSE);
  gboolean ok;

  ok = secret_password_storev_sync (&token_schema, attributes, SECRET_COLLECTION_DEFAULT,
                                    label, json, cancellable, &local_error);
  grant_secret_wipe (json);
  g_free (json);
  if (!ok)
    set_store_error (error, "save the token", local_error);
  return ok;
}

static gboolean
secret_delete (GrantTokenStore  *store,
               GrantTokenKey    *key,
               GCancellable     *cancellable,
               GError          **error)
{
  g_autoptr(GHashTable) attributes = key_attributes (key);
  g_autoptr(GError) local_error = NULL;

  secret_password_clearv_sync (&token_schema, attributes, cancellable, &local_error);
  if (local_error != NULL)
    {
      set_store_error (error, "delete the token", local_error);
      return FALSE;
    }
  return TRUE;
}

static GPtrArray *
secret_list (GrantTokenStore  *store,
             GCancellable     *cancellable,
             GError          **error)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  GList *items;
  GPtrArray *keys;

  /* A locked keyring answers searches with nothing; an empty list would
   * say there are no tokens when there may be. */
  service = get_service (cancellable, "list the tokens", error);
  if (service == NULL)
    return NULL;
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, cancellable, NULL);
  if (collection != NULL && secret_collection_get_locked (collection))
    {
      g_set_error_literal (error, GRANT_ERROR, GRANT_ERROR_STORE_FAILED,
                           "The keyring is locked, so its tokens cannot be listed; unlock "
                           "it and try again");
      return NULL;
    }

  items = secret_password_searchv_sync (&token_schema, attributes, SECRET_SEARCH_ALL,
                                        cancellable, &local_error);
  if (local_error != NULL)
    {
      set_store_error (error, "list the tokens", local_error);
      return NULL;
    }

  keys = g_ptr_array_new_with_free_func (g_object_unref);
  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) found = secret_retrievable_get_attributes (l->data);
      const char *protocol = g_hash_table_lookup (found, "protocol");

      g_ptr_array_add (keys, grant_token_key_new (grant_protocol_from_string (protocol),
                                                  g_hash_table_lookup (found, "provider"),
                                                  g_hash_table_lookup (found, "client-id"),
                                                  g_hash_table_lookup (found, "account")));
    }
  g_list_free_full (items, g_object_unref);
  return keys;
}

static void
grant_secret_store_iface_init (GrantTokenStoreInterface *iface)
{
  iface->load = secret_load;
  iface->save = secret_save;
  iface->delete = secret_delete;
  iface->list = secret_list;
}
