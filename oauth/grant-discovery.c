/* grant-discovery.c: a provider from an issuer's metadata (RFC 8414, OIDC)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "grant-body-private.h"
#include "grant-enum-types.h"
#include "grant-error.h"
#include "grant-http-private.h"
#include "grant-provider.h"

#define METADATA_MAX (256 * 1024)

static GMutex cache_lock;
static GHashTable *cache;  /* issuer → GrantProvider */

/* RFC 8414 §3.1 puts the well-known segment between the host and the
 * issuer's path; OpenID Connect Discovery 1.0 §4 appends it to the
 * issuer. For an issuer without a path the two are the same shape. */
static char *
metadata_url (GUri       *issuer,
              const char *issuer_text,
              gboolean    rfc8414)
{
  const char *path = g_uri_get_path (issuer);
  g_autofree char *trimmed = NULL;

  if (!rfc8414)
    {
      gsize len = strlen (issuer_text);

      return g_strdup_printf ("%.*s/.well-known/openid-configuration",
                              (int) (len > 0 && issuer_text[len - 1] == '/' ? len - 1 : len), issuer_text);
    }

  trimmed = g_strdup (path ? path : "");
  while (*trimmed && trimmed[strlen (trimmed) - 1] == '/')
    trimmed[strlen (trimmed) - 1] = '\0';
  {
    g_autoptr(GUri) bare = g_uri_build (G_URI_FLAGS_NONE, g_uri_get_scheme (issuer), NULL,
                                        g_uri_get_host (issuer), g_uri_get_port (issuer), "", NULL, NULL);
    g_autofree char *base = g_uri_to_string (bare);

    return g_strdup_printf ("%s/.well-known/oauth-authorization-server%s", base, trimmed);
  }
}

static JsonObject *
fetch_document (SoupSession   *session,
                const char    *url,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (msg == NULL)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT, "%s is not a URL", url);
      return NULL;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  body = grant_http_send_and_read_bounded (session, msg, METADATA_MAX, cancellable, error);
  if (body == NULL)
    return NULL;
  if (soup_message_get_status (msg) != 200)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE,
                   "%s answered HTTP %u", url, soup_message_get_status (msg));
      return NULL;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE,
                   "%s is not a JSON object", url);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static gboolean
array_contains (JsonObject *object,
                const char *member,
                const char *value)
{
  JsonArray *array;

  if (!json_object_has_member (object, member) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, member)))
    return FALSE;
  array = json_object_get_array_member (object, member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;
  return FALSE;
}

static GrantProvider *
provider_from_document (GUri        *issuer_uri,
                        const char  *issuer,
                        JsonObject  *doc,
                        const char  *url,
                        GError     **error)
{
  GrantPkceMethod pkce = GRANT_PKCE_METHOD_S256;
  GrantClientAuth auth = GRANT_CLIENT_AUTH_AUTOMATIC;

  /* RFC 8414 §3.3: the document must name the issuer it was asked for, or
   * it may be another server's, and its endpoints an attacker's. */
  if (g_strcmp0 (grant_json_string_member (doc, "issuer"), issuer) != 0)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_MISMATCHING_ISSUER,
                   "The metadata at %s is for the issuer “%s”, not “%s”", url,
                   grant_json_string_member (doc, "issuer") ? grant_json_string_member (doc, "issuer") : "(none)", issuer);
      return NULL;
    }
  if (grant_json_string_member (doc, "token_endpoint") == NULL && grant_json_string_member (doc, "authorization_endpoint") == NULL)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE,
                   "The metadata at %s has neither a token nor an authorization endpoint", url);
      return NULL;
    }

  if (json_object_has_member (doc, "code_challenge_methods_supported"))
    pkce = array_contains (doc, "code_challenge_methods_supported", "S256") ? GRANT_PKCE_METHOD_S256
         : array_contains (doc, "code_challenge_methods_supported", "plain") ? GRANT_PKCE_METHOD_PLAIN
         : GRANT_PKCE_METHOD_NONE;
  if (json_object_has_member (doc, "token_endpoint_auth_methods_supported") &&
      !array_contains (doc, "token_endpoint_auth_methods_supported", "client_secret_basic"))
    auth = array_contains (doc, "token_endpoint_auth_methods_supported", "client_secret_post")
           ? GRANT_CLIENT_AUTH_POST : GRANT_CLIENT_AUTH_NONE;

  return g_object_new (GRANT_TYPE_PROVIDER,
                       "id", g_uri_get_host (issuer_uri),
                       "display-name", g_uri_get_host (issuer_uri),
                       "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                       "authorization-url", grant_json_string_member (doc, "authorization_endpoint"),
                       "token-url", grant_json_string_member (doc, "token_endpoint"),
                       "revocation-url", grant_json_string_member (doc, "revocation_endpoint"),
                       "device-authorization-url", grant_json_string_member (doc, "device_authorization_endpoint"),
                       "userinfo-url", grant_json_string_member (doc, "userinfo_endpoint"),
                       "pkce-method", pkce,
                       "client-auth", auth,
                       "issuer", json_object_get_boolean_member_with_default (doc, "authorization_response_iss_parameter_supported", FALSE)
                                 ? issuer : NULL,
                       "documentation-url", grant_json_string_member (doc, "service_documentation"),
                       NULL);
}

/**
 * grant_provider_new_from_issuer:
 * @issuer: the authorization server's issuer identifier (an https URL)
 * @soup_session: (nullable): the `SoupSession` to ask through, or %NULL
 * @cancellable: (nullable): a `GCancellable`
 * @error: return location for a #GError
 *
 * Makes a provider from the issuer's metadata: RFC 8414
 * (`/.well-known/oauth-authorization-server`) first, then OpenID Connect
 * Discovery (`/.well-known/openid-configuration`). The document must name
 * @issuer as its issuer. The endpoints, PKCE methods and client
 * authentication methods it lists are taken, and when it says it sends
 * `iss` in authorization responses, sessions check it. Results are cached
 * per issuer for the life of the process.
 *
 * Returns: (transfer full): the provider
 */
GrantProvider *
grant_provider_new_from_issuer (const char    *issuer,
                                SoupSession   *soup_session,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_autoptr(SoupSession) own = NULL;
  g_autoptr(GUri) issuer_uri = NULL;
  g_autoptr(GError) first_error = NULL;
  g_autoptr(GError) second_error = NULL;
  GrantProvider *provider = NULL;

  g_return_val_if_fail (issuer != NULL, NULL);

  g_mutex_lock (&cache_lock);
  if (cache != NULL && (provider = g_hash_table_lookup (cache, issuer)) != NULL)
    g_object_ref (provider);
  g_mutex_unlock (&cache_lock);
  if (provider != NULL)
    return provider;

  issuer_uri = g_uri_parse (issuer, G_URI_FLAGS_NONE, NULL);
  if (issuer_uri == NULL || g_uri_get_host (issuer_uri) == NULL || g_uri_get_query (issuer_uri) != NULL)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an issuer identifier (an https URL with no query)", issuer);
      return NULL;
    }
  if (soup_session == NULL)
    soup_session = own = soup_session_new ();

  for (int rfc8414 = 1; rfc8414 >= 0 && provider == NULL; rfc8414--)
    {
      g_autofree char *url = metadata_url (issuer_uri, issuer, rfc8414);
      g_autoptr(JsonObject) doc = NULL;
      GError **slot = rfc8414 ? &first_error : &second_error;

      doc = fetch_document (soup_session, url, cancellable, slot);
      if (doc == NULL)
        {
          if (g_error_matches (*slot, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            break;
          continue;
        }
      provider = provider_from_document (issuer_uri, issuer, doc, url, slot);
      /* A document that is there but wrong is the answer: do not look
       * further for one that suits. */
      if (provider == NULL)
        {
          g_propagate_error (error, g_steal_pointer (slot));
          return NULL;
        }
    }

  if (provider == NULL)
    {
      if (g_error_matches (first_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&first_error));
      else if (g_error_matches (second_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&second_error));
      else
        g_set_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE,
                     "No usable metadata for the issuer %s: %s; %s", issuer,
                     first_error ? first_error->message : "?",
                     second_error ? second_error->message : "?");
      return NULL;
    }

  g_mutex_lock (&cache_lock);
  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_hash_table_replace (cache, g_strdup (issuer), g_object_ref (provider));
  g_mutex_unlock (&cache_lock);
  return provider;
}

static void
discover_in_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  GrantProvider *provider = grant_provider_new_from_issuer (task_data, NULL, cancellable, &error);

  if (provider == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, provider, g_object_unref);
}

/**
 * grant_provider_new_from_issuer_async:
 * @issuer: the issuer identifier
 * @soup_session: (nullable): ignored for now; a session of its own is used
 * @cancellable: (nullable): a `GCancellable`
 * @callback: (scope async): called with the provider
 * @user_data: data for @callback
 *
 * Asynchronous form of [func@Provider.new_from_issuer].
 */
void
grant_provider_new_from_issuer_async (const char          *issuer,
                                      SoupSession         *soup_session,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_return_if_fail (issuer != NULL);

  g_task_set_source_tag (task, grant_provider_new_from_issuer_async);
  g_task_set_task_data (task, g_strdup (issuer), g_free);
  g_task_run_in_thread (task, discover_in_thread);
}

/**
 * grant_provider_new_from_issuer_finish:
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [func@Provider.new_from_issuer_async].
 *
 * Returns: (transfer full): the provider
 */
GrantProvider *
grant_provider_new_from_issuer_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
