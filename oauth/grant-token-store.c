/* grant-token-store.c: the store interface, its keys, and the default store
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "grant-enum-types.h"
#include "grant-error.h"
#include "grant-file-store.h"
#include "grant-secret-store.h"
#include "grant-token-store-private.h"

/**
 * GrantTokenKey:
 *
 * What a stored token is filed under: the protocol, the provider, the
 * client id and the account. None of these is a secret, so they are what
 * a keyring shows and searches by.
 */

struct _GrantTokenKey
{
  GObject parent_instance;

  GrantProtocol  protocol;
  char          *provider;
  char          *client_id;
  char          *account;
};

G_DEFINE_FINAL_TYPE (GrantTokenKey, grant_token_key, G_TYPE_OBJECT)

enum {
  KEY_PROP_0,
  KEY_PROP_PROTOCOL,
  KEY_PROP_PROVIDER,
  KEY_PROP_CLIENT_ID,
  KEY_PROP_ACCOUNT,
  KEY_N_PROPS
};

static GParamSpec *key_props[KEY_N_PROPS];

static void
grant_token_key_finalize (GObject *object)
{
  GrantTokenKey *self = GRANT_TOKEN_KEY (object);

  g_free (self->provider);
  g_free (self->client_id);
  g_free (self->account);
  G_OBJECT_CLASS (grant_token_key_parent_class)->finalize (object);
}

static void
grant_token_key_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  GrantTokenKey *self = GRANT_TOKEN_KEY (object);

  switch (prop_id)
    {
    case KEY_PROP_PROTOCOL:
      g_value_set_enum (value, self->protocol);
      break;
    case KEY_PROP_PROVIDER:
      g_value_set_string (value, self->provider);
      break;
    case KEY_PROP_CLIENT_ID:
      g_value_set_string (value, self->client_id);
      break;
    case KEY_PROP_ACCOUNT:
      g_value_set_string (value, self->account);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_token_key_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  GrantTokenKey *self = GRANT_TOKEN_KEY (object);

  switch (prop_id)
    {
    case KEY_PROP_PROTOCOL:
      self->protocol = g_value_get_enum (value);
      break;
    case KEY_PROP_PROVIDER:
      self->provider = g_value_dup_string (value);
      break;
    case KEY_PROP_CLIENT_ID:
      self->client_id = g_value_dup_string (value);
      break;
    case KEY_PROP_ACCOUNT:
      self->account = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_token_key_class_init (GrantTokenKeyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = grant_token_key_finalize;
  object_class->get_property = grant_token_key_get_property;
  object_class->set_property = grant_token_key_set_property;

  /**
   * GrantTokenKey:protocol:
   *
   * The protocol of the token.
   */
  key_props[KEY_PROP_PROTOCOL] =
    g_param_spec_enum ("protocol", NULL, NULL, GRANT_TYPE_PROTOCOL, GRANT_PROTOCOL_OAUTH2, flags);

  /**
   * GrantTokenKey:provider:
   *
   * The provider's id, such as `github`.
   */
  key_props[KEY_PROP_PROVIDER] = g_param_spec_string ("provider", NULL, NULL, "", flags);

  /**
   * GrantTokenKey:client-id:
   *
   * The client id (OAuth 2) or client key (OAuth 1) the token was issued to.
   */
  key_props[KEY_PROP_CLIENT_ID] = g_param_spec_string ("client-id", NULL, NULL, "", flags);

  /**
   * GrantTokenKey:account:
   *
   * The account the token is for, as the application names it.
   */
  key_props[KEY_PROP_ACCOUNT] = g_param_spec_string ("account", NULL, NULL, "", flags);

  g_object_class_install_properties (object_class, KEY_N_PROPS, key_props);
}

static void
grant_token_key_init (GrantTokenKey *self)
{
}

/**
 * grant_token_key_new:
 * @protocol: the protocol
 * @provider: the provider's id
 * @client_id: the client id or key
 * @account: the account
 *
 * Creates a key. %NULL strings are taken as empty.
 *
 * Returns: (transfer full): a new `GrantTokenKey`
 */
GrantTokenKey *
grant_token_key_new (GrantProtocol  protocol,
                     const char    *provider,
                     const char    *client_id,
                     const char    *account)
{
  return g_object_new (GRANT_TYPE_TOKEN_KEY,
                       "protocol", protocol,
                       "provider", provider ? provider : "",
                       "client-id", client_id ? client_id : "",
                       "account", account ? account : "",
                       NULL);
}

/**
 * grant_token_key_get_protocol:
 * @self: a `GrantTokenKey`
 *
 * Gets [property@TokenKey:protocol].
 *
 * Returns: the protocol
 */
GrantProtocol
grant_token_key_get_protocol (GrantTokenKey *self)
{
  g_return_val_if_fail (GRANT_IS_TOKEN_KEY (self), GRANT_PROTOCOL_OAUTH2);
  return self->protocol;
}

/**
 * grant_token_key_get_provider:
 * @self: a `GrantTokenKey`
 *
 * Gets [property@TokenKey:provider].
 *
 * Returns: the provider id
 */
const char *
grant_token_key_get_provider (GrantTokenKey *self)
{
  g_return_val_if_fail (GRANT_IS_TOKEN_KEY (self), NULL);
  return self->provider;
}

/**
 * grant_token_key_get_client_id:
 * @self: a `GrantTokenKey`
 *
 * Gets [property@TokenKey:client-id].
 *
 * Returns: the client id
 */
const char *
grant_token_key_get_client_id (GrantTokenKey *self)
{
  g_return_val_if_fail (GRANT_IS_TOKEN_KEY (self), NULL);
  return self->client_id;
}

/**
 * grant_token_key_get_account:
 * @self: a `GrantTokenKey`
 *
 * Gets [property@TokenKey:account].
 *
 * Returns: the account
 */
const char *
grant_token_key_get_account (GrantTokenKey *self)
{
  g_return_val_if_fail (GRANT_IS_TOKEN_KEY (self), NULL);
  return self->account;
}

/**
 * grant_token_key_equal:
 * @self: a `GrantTokenKey`
 * @other: another `GrantTokenKey`
 *
 * Whether two keys name the same stored token.
 *
 * Returns: %TRUE if all four parts are equal
 */
gboolean
grant_token_key_equal (GrantTokenKey *self,
                       GrantTokenKey *other)
{
  g_return_val_if_fail (GRANT_IS_TOKEN_KEY (self), FALSE);
  g_return_val_if_fail (GRANT_IS_TOKEN_KEY (other), FALSE);

  return self->protocol == other->protocol &&
         g_str_equal (self->provider, other->provider) &&
         g_str_equal (self->client_id, other->client_id) &&
         g_str_equal (self->account, other->account);
}

/**
 * grant_token_key_to_label:
 * @self: a `GrantTokenKey`
 *
 * A name for the stored token a person understands, as a keyring manager
 * such as Seahorse shows it: “Github token for alice (Grant)” (the
 * provider id with a capital).
 *
 * Returns: (transfer full): the label
 */
char *
grant_token_key_to_label (GrantTokenKey *self)
{
  g_autofree char *provider = NULL;

  g_return_val_if_fail (GRANT_IS_TOKEN_KEY (self), NULL);

  provider = g_strdup (*self->provider ? self->provider : "OAuth");
  provider[0] = g_ascii_toupper (provider[0]);
  if (*self->account)
    return g_strdup_printf ("%s token for %s (Grant)", provider, self->account);
  return g_strdup_printf ("%s token for %s (Grant)", provider, self->client_id);
}

/**
 * GrantTokenStore:
 *
 * Keeps tokens between runs.
 *
 * [class@SecretStore] keeps them in the Secret Service (GNOME Keyring,
 * KWallet), [class@FileStore] in a file for machines without one, and
 * [class@MemoryStore] nowhere but in memory.
 * [func@TokenStore.get_default] picks the Secret Service when it is there.
 * Give a store to a session's `token-store` property and the session loads
 * its token from it on first use and saves every new or refreshed token
 * before anyone is told about it.
 *
 * Tokens are JSON objects: an OAuth 2 token as [method@Token.to_json_object]
 * writes it, an OAuth 1 token as `oauth_token` and `oauth_token_secret`.
 */

G_DEFINE_INTERFACE (GrantTokenStore, grant_token_store, G_TYPE_OBJECT)

static void
grant_token_store_default_init (GrantTokenStoreInterface *iface)
{
}

/**
 * grant_token_store_load:
 * @self: a `GrantTokenStore`
 * @key: what the token is filed under
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a #GError
 *
 * Reads a token.
 *
 * Returns: (transfer full) (nullable): the token, or %NULL, with @error
 *   unset if there is none and set if the store failed
 */
JsonObject *
grant_token_store_load (GrantTokenStore  *self,
                        GrantTokenKey    *key,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_return_val_if_fail (GRANT_IS_TOKEN_STORE (self), NULL);
  g_return_val_if_fail (GRANT_IS_TOKEN_KEY (key), NULL);

  return GRANT_TOKEN_STORE_GET_IFACE (self)->load (self, key, cancellable, error);
}

/**
 * grant_token_store_save:
 * @self: a `GrantTokenStore`
 * @key: what to file the token under
 * @token: the token
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a #GError
 *
 * Stores a token, replacing any under the same key.
 *
 * Returns: %TRUE if the token was stored
 */
gboolean
grant_token_store_save (GrantTokenStore  *self,
                        GrantTokenKey    *key,
                        JsonObject       *token,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_return_val_if_fail (GRANT_IS_TOKEN_STORE (self), FALSE);
  g_return_val_if_fail (GRANT_IS_TOKEN_KEY (key), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);

  return GRANT_TOKEN_STORE_GET_IFACE (self)->save (self, key, token, cancellable, error);
}

/**
 * grant_token_store_delete:
 * @self: a `GrantTokenStore`
 * @key: what the token is filed under
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a #GError
 *
 * Removes a token. A token that is not there is not an error.
 *
 * Returns: %TRUE unless the store failed
 */
gboolean
grant_token_store_delete (GrantTokenStore  *self,
                          GrantTokenKey    *key,
                          GCancellable     *cancellable,
                          GError          **error)
{
  g_return_val_if_fail (GRANT_IS_TOKEN_STORE (self), FALSE);
  g_return_val_if_fail (GRANT_IS_TOKEN_KEY (key), FALSE);

  return GRANT_TOKEN_STORE_GET_IFACE (self)->delete (self, key, cancellable, error);
}

/**
 * grant_token_store_list:
 * @self: a `GrantTokenStore`
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a #GError
 *
 * Lists what is stored.
 *
 * Returns: (transfer container) (element-type GrantTokenKey): the keys of
 *   every stored token, or %NULL if the store failed
 */
GPtrArray *
grant_token_store_list (GrantTokenStore  *self,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_return_val_if_fail (GRANT_IS_TOKEN_STORE (self), NULL);

  return GRANT_TOKEN_STORE_GET_IFACE (self)->list (self, cancellable, error);
}

/* The async functions run the blocking ones in a worker thread: the
 * Secret Service client and the file store are both thread-safe. */
typedef enum { OP_LOAD, OP_SAVE, OP_DELETE, OP_LIST } Operation;

typedef struct {
  Operation      op;
  GrantTokenKey *key;
  JsonObject    *token;
} OperationData;

static void
operation_data_free (gpointer data)
{
  OperationData *op = data;

  g_clear_object (&op->key);
  g_clear_pointer (&op->token, json_object_unref);
  g_free (op);
}

static void
run_operation (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GrantTokenStore *self = source;
  OperationData *op = task_data;
  GError *error = NULL;

  switch (op->op)
    {
    case OP_LOAD:
      {
        JsonObject *token = grant_token_store_load (self, op->key, cancellable, &error);

        if (error != NULL)
          g_task_return_error (task, error);
        else
          g_task_return_pointer (task, token, token ? (GDestroyNotify) json_object_unref : NULL);
      }
      break;
    case OP_SAVE:
      if (grant_token_store_save (self, op->key, op->token, cancellable, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
      break;
    case OP_DELETE:
      if (grant_token_store_delete (self, op->key, cancellable, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
      break;
    case OP_LIST:
    default:
      {
        GPtrArray *keys = grant_token_store_list (self, cancellable, &error);

        if (keys == NULL)
          g_task_return_error (task, error);
        else
          g_task_return_pointer (task, keys, (GDestroyNotify) g_ptr_array_unref);
      }
      break;
    }
}

static void
start_operation (GrantTokenStore     *self,
                 Operation            kind,
                 GrantTokenKey       *key,
                 JsonObject          *token,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data,
                 gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  OperationData *op = g_new0 (OperationData, 1);

  op->op = kind;
  op->key = key ? g_object_ref (key) : NULL;
  op->token = token ? json_object_ref (token) : NULL;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, operation_data_free);
  g_task_run_in_thread (task, run_operation);
}

/**
 * grant_token_store_load_async:
 * @self: a `GrantTokenStore`
 * @key: what the token is filed under
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async): called when the token has been read
 * @user_data: data for @callback
 *
 * Asynchronous form of [method@TokenStore.load].
 */
void
grant_token_store_load_async (GrantTokenStore     *self,
                              GrantTokenKey       *key,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (GRANT_IS_TOKEN_STORE (self));
  g_return_if_fail (GRANT_IS_TOKEN_KEY (key));

  start_operation (self, OP_LOAD, key, NULL, cancellable, callback, user_data,
                   grant_token_store_load_async);
}

/**
 * grant_token_store_load_finish:
 * @self: a `GrantTokenStore`
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@TokenStore.load_async].
 *
 * Returns: (transfer full) (nullable): the token, or %NULL
 */
JsonObject *
grant_token_store_load_finish (GrantTokenStore  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * grant_token_store_save_async:
 * @self: a `GrantTokenStore`
 * @key: what to file the token under
 * @token: the token
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async): called when the token has been stored
 * @user_data: data for @callback
 *
 * Asynchronous form of [method@TokenStore.save].
 */
void
grant_token_store_save_async (GrantTokenStore     *self,
                              GrantTokenKey       *key,
                              JsonObject          *token,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (GRANT_IS_TOKEN_STORE (self));
  g_return_if_fail (GRANT_IS_TOKEN_KEY (key));
  g_return_if_fail (token != NULL);

  start_operation (self, OP_SAVE, key, token, cancellable, callback, user_data,
                   grant_token_store_save_async);
}

/**
 * grant_token_store_save_finish:
 * @self: a `GrantTokenStore`
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@TokenStore.save_async].
 *
 * Returns: %TRUE if the token was stored
 */
gboolean
grant_token_store_save_finish (GrantTokenStore  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * grant_token_store_delete_async:
 * @self: a `GrantTokenStore`
 * @key: what the token is filed under
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async): called when the token is gone
 * @user_data: data for @callback
 *
 * Asynchronous form of [method@TokenStore.delete].
 */
void
grant_token_store_delete_async (GrantTokenStore     *self,
                                GrantTokenKey       *key,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (GRANT_IS_TOKEN_STORE (self));
  g_return_if_fail (GRANT_IS_TOKEN_KEY (key));

  start_operation (self, OP_DELETE, key, NULL, cancellable, callback, user_data,
                   grant_token_store_delete_async);
}

/**
 * grant_token_store_delete_finish:
 * @self: a `GrantTokenStore`
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@TokenStore.delete_async].
 *
 * Returns: %TRUE unless the store failed
 */
gboolean
grant_token_store_delete_finish (GrantTokenStore  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * grant_token_store_list_async:
 * @self: a `GrantTokenStore`
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async): called with the list
 * @user_data: data for @callback
 *
 * Asynchronous form of [method@TokenStore.list].
 */
void
grant_token_store_list_async (GrantTokenStore     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (GRANT_IS_TOKEN_STORE (self));

  start_operation (self, OP_LIST, NULL, NULL, cancellable, callback, user_data,
                   grant_token_store_list_async);
}

/**
 * grant_token_store_list_finish:
 * @self: a `GrantTokenStore`
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@TokenStore.list_async].
 *
 * Returns: (transfer container) (element-type GrantTokenKey): the keys
 */
GPtrArray *
grant_token_store_list_finish (GrantTokenStore  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * grant_token_store_get_default:
 *
 * The store a desktop application should use: the Secret Service when one
 * answers on the session bus, else a [class@FileStore] in
 * `$XDG_STATE_HOME/grant/`. Which one was chosen is logged once, at info
 * level.
 *
 * Returns: (transfer none): the default store
 */
GrantTokenStore *
grant_token_store_get_default (void)
{
  static GrantTokenStore *store;

  if (g_once_init_enter (&store))
    {
      GrantTokenStore *chosen;

      if (grant_secret_store_is_service_available (NULL))
        {
          chosen = GRANT_TOKEN_STORE (grant_secret_store_new ());
          g_info ("Tokens are kept in the Secret Service");
        }
      else
        {
          chosen = GRANT_TOKEN_STORE (grant_file_store_new (NULL));
          g_info ("No Secret Service answered; tokens are kept in %s",
                  grant_file_store_get_path (GRANT_FILE_STORE (chosen)));
        }
      g_once_init_leave (&store, chosen);
    }
  return store;
}

/* How stores write a protocol down: the enum's nick, "oauth1" or
 * "oauth2". What is not "oauth1" reads as OAuth 2, as it always has. */
const char *
grant_protocol_to_string (GrantProtocol protocol)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (GRANT_TYPE_PROTOCOL);
  GEnumValue *value = g_enum_get_value (klass, protocol);

  return value != NULL ? value->value_nick : "oauth2";
}

GrantProtocol
grant_protocol_from_string (const char *text)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (GRANT_TYPE_PROTOCOL);
  GEnumValue *value = text != NULL ? g_enum_get_value_by_nick (klass, text) : NULL;

  return value != NULL ? (GrantProtocol) value->value : GRANT_PROTOCOL_OAUTH2;
}
