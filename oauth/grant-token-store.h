/* grant-token-store.h: where tokens are kept between runs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(_GRANT_INSIDE) && !defined(GRANT_COMPILATION)
#error "Only <grant.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "grant-version.h"

G_BEGIN_DECLS

/**
 * GrantProtocol:
 * @GRANT_PROTOCOL_OAUTH1: OAuth 1.0a.
 * @GRANT_PROTOCOL_OAUTH2: OAuth 2.
 *
 * Which protocol a stored token belongs to.
 */
typedef enum {
  GRANT_PROTOCOL_OAUTH1,
  GRANT_PROTOCOL_OAUTH2,
} GrantProtocol;

#define GRANT_TYPE_TOKEN_KEY (grant_token_key_get_type ())

GRANT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (GrantTokenKey, grant_token_key, GRANT, TOKEN_KEY, GObject)

GRANT_AVAILABLE_IN_ALL
GrantTokenKey *grant_token_key_new            (GrantProtocol  protocol,
                                               const char    *provider,
                                               const char    *client_id,
                                               const char    *account);
GRANT_AVAILABLE_IN_ALL
GrantProtocol  grant_token_key_get_protocol   (GrantTokenKey *self);
GRANT_AVAILABLE_IN_ALL
const char    *grant_token_key_get_provider   (GrantTokenKey *self);
GRANT_AVAILABLE_IN_ALL
const char    *grant_token_key_get_client_id  (GrantTokenKey *self);
GRANT_AVAILABLE_IN_ALL
const char    *grant_token_key_get_account    (GrantTokenKey *self);
GRANT_AVAILABLE_IN_ALL
gboolean       grant_token_key_equal          (GrantTokenKey *self,
                                               GrantTokenKey *other);
GRANT_AVAILABLE_IN_ALL
char          *grant_token_key_to_label       (GrantTokenKey *self);

#define GRANT_TYPE_TOKEN_STORE (grant_token_store_get_type ())

GRANT_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (GrantTokenStore, grant_token_store, GRANT, TOKEN_STORE, GObject)

/**
 * GrantTokenStoreInterface:
 * @load: returns the token stored under a key, %NULL without an error if
 *   there is none
 * @save: stores a token, replacing any under the same key
 * @delete: removes the token under a key; no token is not an error
 * @list: the keys of every stored token
 *
 * A token store's virtual functions. They are blocking and must be safe
 * to call from any thread: the async functions run them in a worker
 * thread. A store written in Python works; GJS cannot run code on other
 * threads, so a JavaScript store is not possible.
 */
struct _GrantTokenStoreInterface
{
  GTypeInterface g_iface;

  JsonObject *(*load)   (GrantTokenStore  *self,
                         GrantTokenKey    *key,
                         GCancellable     *cancellable,
                         GError          **error);
  gboolean    (*save)   (GrantTokenStore  *self,
                         GrantTokenKey    *key,
                         JsonObject       *token,
                         GCancellable     *cancellable,
                         GError          **error);
  gboolean    (*delete) (GrantTokenStore  *self,
                         GrantTokenKey    *key,
                         GCancellable     *cancellable,
                         GError          **error);
  GPtrArray  *(*list)   (GrantTokenStore  *self,
                         GCancellable     *cancellable,
                         GError          **error);

  /*< private >*/
  gpointer padding[8];
};

GRANT_AVAILABLE_IN_ALL
JsonObject      *grant_token_store_load          (GrantTokenStore      *self,
                                                  GrantTokenKey        *key,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
GRANT_AVAILABLE_IN_ALL
void             grant_token_store_load_async    (GrantTokenStore      *self,
                                                  GrantTokenKey        *key,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GRANT_AVAILABLE_IN_ALL
JsonObject      *grant_token_store_load_finish   (GrantTokenStore      *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
GRANT_AVAILABLE_IN_ALL
gboolean         grant_token_store_save          (GrantTokenStore      *self,
                                                  GrantTokenKey        *key,
                                                  JsonObject           *token,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
GRANT_AVAILABLE_IN_ALL
void             grant_token_store_save_async    (GrantTokenStore      *self,
                                                  GrantTokenKey        *key,
                                                  JsonObject           *token,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GRANT_AVAILABLE_IN_ALL
gboolean         grant_token_store_save_finish   (GrantTokenStore      *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
GRANT_AVAILABLE_IN_ALL
gboolean         grant_token_store_delete        (GrantTokenStore      *self,
                                                  GrantTokenKey        *key,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
GRANT_AVAILABLE_IN_ALL
void             grant_token_store_delete_async  (GrantTokenStore      *self,
                                                  GrantTokenKey        *key,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GRANT_AVAILABLE_IN_ALL
gboolean         grant_token_store_delete_finish (GrantTokenStore      *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
GRANT_AVAILABLE_IN_ALL
GPtrArray       *grant_token_store_list          (GrantTokenStore      *self,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
GRANT_AVAILABLE_IN_ALL
void             grant_token_store_list_async    (GrantTokenStore      *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GRANT_AVAILABLE_IN_ALL
GPtrArray       *grant_token_store_list_finish   (GrantTokenStore      *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

GRANT_AVAILABLE_IN_ALL
GrantTokenStore *grant_token_store_get_default   (void);

G_END_DECLS
