/* oauth1-interop.c: the three-legged flow against a real OAuth 1 provider
 *
 * The provider is tests/servers/oauth1-provider.py, built on Debian's
 * python3-oauthlib server endpoints: an implementation written by other
 * people that verifies every signature, nonce and timestamp.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <json-glib/json-glib.h>

#include "test-utils.h"

static TestProvider *provider;

typedef struct {
  GrantOAuth1SignatureMethod method;
  GrantOAuth1Placement placement;
  gboolean async;
} FlowCase;

static GrantOAuth1 *
new_auth (GrantOAuth1SignatureMethod method,
          GrantOAuth1Placement       placement,
          const char                *callback)
{
  GrantOAuth1 *auth = grant_oauth1_new (TEST_CLIENT_KEY, TEST_CLIENT_SECRET);
  g_autoptr(GError) error = NULL;

  grant_oauth1_set_signature_method (auth, method);
  grant_oauth1_set_placement (auth, placement);
  grant_oauth1_set_callback_uri (auth, callback);
  if (method == GRANT_OAUTH1_SIGNATURE_RSA_SHA1 ||
      method == GRANT_OAUTH1_SIGNATURE_RSA_SHA256 ||
      method == GRANT_OAUTH1_SIGNATURE_RSA_SHA512)
    {
      g_autofree char *pem = test_read_data_file ("rsa-private-pkcs8.pem");

      grant_oauth1_set_rsa_key (auth, pem, &error);
      g_assert_no_error (error);
    }
  return auth;
}

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static GHashTable *
fetch_request_token (GrantOAuth1Session  *session,
                     const char          *url,
                     const char * const  *realms,
                     gboolean             async,
                     GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (!async)
    return grant_oauth1_session_fetch_request_token (session, url, realms, NULL, error);

  grant_oauth1_session_fetch_request_token_async (session, url, realms, NULL, on_async_done, &result);
  return grant_oauth1_session_fetch_request_token_finish (session, wait_result (&result), error);
}

static GHashTable *
fetch_access_token (GrantOAuth1Session  *session,
                    const char          *url,
                    const char          *verifier,
                    gboolean             async,
                    GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (!async)
    return grant_oauth1_session_fetch_access_token (session, url, verifier, NULL, error);

  grant_oauth1_session_fetch_access_token_async (session, url, verifier, NULL, on_async_done, &result);
  return grant_oauth1_session_fetch_access_token_finish (session, wait_result (&result), error);
}

static JsonObject *
send_json (GrantOAuth1Session *session,
           const char         *method,
           const char         *path,
           const char         *content_type,
           const char         *body,
           gboolean            async,
           guint              *status)
{
  g_autofree char *url = test_provider_url (provider, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) request_body = body ? g_bytes_new (body, strlen (body)) : NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (content_type)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Type", content_type);

  if (async)
    {
      grant_oauth1_session_send_and_read_async (session, msg, request_body, NULL, on_async_done, &result);
      response = grant_oauth1_session_send_and_read_finish (session, wait_result (&result), &error);
    }
  else
    response = grant_oauth1_session_send_and_read (session, msg, request_body, NULL, &error);
  g_assert_no_error (error);

  *status = soup_message_get_status (msg);
  if (*status != 200)
    {
      g_test_message ("%s %s -> %u: %.*s", method, path, *status,
                      (int) g_bytes_get_size (response), (const char *) g_bytes_get_data (response, NULL));
      return NULL;
    }
  json_parser_load_from_data (parser, g_bytes_get_data (response, NULL), g_bytes_get_size (response), &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Plays the user: opens the authorization URL and returns where the
 * provider sends the browser. */
static char *
authorize (const char *authorization_url)
{
  g_autoptr(SoupSession) browser = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", authorization_url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  body = soup_session_send_and_read (browser, msg, NULL, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (msg) == 200)
    return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_assert_cmpuint (soup_message_get_status (msg), ==, 302);
  return g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location"));
}

/* Request token → authorization → access token, asserting each step. */
static GrantOAuth1Session *
complete_dance (GrantOAuth1         *auth,
                const char * const  *realms,
                const char          *access_path,
                gboolean             async)
{
  g_autoptr(GrantOAuth1Session) session = grant_oauth1_session_new_with_auth (auth, NULL);
  g_autofree char *request_url = test_provider_url (provider, "/request_token");
  g_autofree char *authorize_endpoint = test_provider_url (provider, "/authorize");
  g_autofree char *access_url = test_provider_url (provider, access_path);
  g_autofree char *authorization_url = NULL;
  g_autofree char *redirect = NULL;
  g_autoptr(GHashTable) temporary = NULL;
  g_autoptr(GHashTable) callback = NULL;
  g_autoptr(GHashTable) access = NULL;
  g_autoptr(GError) error = NULL;

  temporary = fetch_request_token (session, request_url, realms, async, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (temporary, "oauth_callback_confirmed"), ==, "true");
  g_assert_nonnull (g_hash_table_lookup (temporary, "oauth_token_secret"));
  g_assert_cmpstr (grant_oauth1_get_token (auth), ==, g_hash_table_lookup (temporary, "oauth_token"));
  g_assert_false (grant_oauth1_session_get_authorized (session));

  authorization_url = grant_oauth1_session_authorization_url (session, authorize_endpoint, NULL, NULL);
  redirect = authorize (authorization_url);
  g_assert_true (g_str_has_prefix (redirect, "http://127.0.0.1/cb?"));

  callback = grant_oauth1_session_parse_authorization_response (session, redirect, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_hash_table_lookup (callback, "oauth_verifier"));

  access = fetch_access_token (session, access_url, NULL, async, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (access, "user_id"), ==, "alice");
  g_assert_cmpstr (g_hash_table_lookup (access, "oauth_token"), ==, grant_oauth1_get_token (auth));
  g_assert_true (grant_oauth1_session_get_authorized (session));
  g_assert_null (grant_oauth1_get_verifier (auth));

  return g_steal_pointer (&session);
}

static void
test_flow (gconstpointer data)
{
  const FlowCase *fc = data;
  g_autoptr(GrantOAuth1) auth = new_auth (fc->method, fc->placement, "http://127.0.0.1/cb");
  g_autoptr(GrantOAuth1Session) session = complete_dance (auth, NULL, "/access_token", fc->async);
  g_autoptr(JsonObject) get = NULL;
  g_autoptr(JsonObject) post = NULL;
  JsonObject *params;
  guint status = 0;

  if (fc->placement != GRANT_OAUTH1_PLACEMENT_BODY)
    {
      get = send_json (session, "GET", "/resource?x=1&y=two%20words", NULL, NULL, fc->async, &status);
      g_assert_cmpuint (status, ==, 200);
      g_assert_cmpstr (json_object_get_string_member (get, "user"), ==, "alice");
      g_assert_cmpstr (json_object_get_string_member (get, "signature_method"), ==,
                       grant_oauth1_signature_method_to_string (fc->method));
      params = json_object_get_object_member (get, "params");
      g_assert_cmpstr (json_object_get_string_member (params, "y"), ==, "two words");
    }

  post = send_json (session, "POST", "/resource?q=1", "application/x-www-form-urlencoded",
                    "a=1&b=two+words&c=%E2%9C%93", fc->async, &status);
  g_assert_cmpuint (status, ==, 200);
  params = json_object_get_object_member (post, "params");
  g_assert_cmpstr (json_object_get_string_member (params, "b"), ==, "two words");
  g_assert_cmpstr (json_object_get_string_member (params, "c"), ==, "\xe2\x9c\x93");
  g_assert_cmpstr (json_object_get_string_member (params, "q"), ==, "1");
}

static void
test_realms (void)
{
  const char *realms[] = { "photos", "videos", NULL };
  g_autoptr(GrantOAuth1) auth = new_auth (GRANT_OAUTH1_SIGNATURE_HMAC_SHA1,
                                          GRANT_OAUTH1_PLACEMENT_HEADER, "http://127.0.0.1/cb");
  g_autoptr(GrantOAuth1Session) session = complete_dance (auth, realms, "/access_token", FALSE);
  g_autoptr(GrantOAuth1) narrow_auth = new_auth (GRANT_OAUTH1_SIGNATURE_HMAC_SHA1,
                                                 GRANT_OAUTH1_PLACEMENT_HEADER, "http://127.0.0.1/cb");
  g_autoptr(GrantOAuth1Session) narrow = complete_dance (narrow_auth, NULL, "/access_token", FALSE);
  g_autoptr(JsonObject) videos = NULL;
  g_autoptr(JsonObject) refused = NULL;
  guint status = 0;

  /* The realm is sent on the request-token call only: asking for it must
   * not leak into later requests' headers and break them. */
  g_assert_null (grant_oauth1_get_realm (auth));
  videos = send_json (session, "GET", "/resource/videos", NULL, NULL, FALSE, &status);
  g_assert_cmpuint (status, ==, 200);

  refused = send_json (narrow, "GET", "/resource/videos", NULL, NULL, FALSE, &status);
  g_assert_null (refused);
  g_assert_cmpuint (status, ==, 401);
}

static void
test_json_access_token (void)
{
  g_autoptr(GrantOAuth1) auth = new_auth (GRANT_OAUTH1_SIGNATURE_HMAC_SHA256,
                                          GRANT_OAUTH1_PLACEMENT_HEADER, "http://127.0.0.1/cb");
  g_autoptr(GrantOAuth1Session) session = complete_dance (auth, NULL, "/access_token.json", TRUE);
  g_autoptr(JsonObject) me = NULL;
  guint status = 0;

  me = send_json (session, "GET", "/resource", NULL, NULL, TRUE, &status);
  g_assert_cmpuint (status, ==, 200);
}

static void
test_out_of_band (void)
{
  g_autoptr(GrantOAuth1) auth = new_auth (GRANT_OAUTH1_SIGNATURE_HMAC_SHA1,
                                          GRANT_OAUTH1_PLACEMENT_HEADER, "oob");
  g_autoptr(GrantOAuth1Session) session = grant_oauth1_session_new_with_auth (auth, NULL);
  g_autofree char *request_url = test_provider_url (provider, "/request_token");
  g_autofree char *authorize_endpoint = test_provider_url (provider, "/authorize");
  g_autofree char *access_url = test_provider_url (provider, "/access_token");
  g_autofree char *authorization_url = NULL;
  g_autofree char *verifier = NULL;
  g_autoptr(GHashTable) temporary = NULL;
  g_autoptr(GHashTable) access = NULL;
  g_autoptr(GError) error = NULL;

  temporary = grant_oauth1_session_fetch_request_token (session, request_url, NULL, NULL, &error);
  g_assert_no_error (error);

  /* The user reads the verifier off the provider's page and types it. */
  authorization_url = grant_oauth1_session_authorization_url (session, authorize_endpoint, NULL, NULL);
  verifier = authorize (authorization_url);

  access = grant_oauth1_session_fetch_access_token (session, access_url, verifier, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (grant_oauth1_session_get_authorized (session));
}

static void
test_wrong_secret_refused (void)
{
  g_autoptr(GrantOAuth1) auth = grant_oauth1_new (TEST_CLIENT_KEY, "not-the-secret");
  g_autoptr(GrantOAuth1Session) session = grant_oauth1_session_new_with_auth (auth, NULL);
  g_autofree char *request_url = test_provider_url (provider, "/request_token");
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;

  grant_oauth1_set_callback_uri (auth, "http://127.0.0.1/cb");
  token = grant_oauth1_session_fetch_request_token (session, request_url, NULL, NULL, &error);
  g_assert_null (token);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_REQUEST_DENIED);
  g_assert_nonnull (strstr (error->message, "HTTP 401"));
  g_assert_null (strstr (error->message, "not-the-secret"));
}

static void
test_same_origin_redirect_resigned (gconstpointer data)
{
  GrantOAuth1Placement placement = GPOINTER_TO_INT (data);
  g_autoptr(GrantOAuth1) auth = new_auth (GRANT_OAUTH1_SIGNATURE_HMAC_SHA1, placement, "http://127.0.0.1/cb");
  g_autoptr(GrantOAuth1Session) session = complete_dance (auth, NULL, "/access_token", FALSE);
  g_autoptr(JsonObject) after = NULL;
  guint status = 0;

  /* The provider burns the nonce of the redirecting request, so only a
   * fresh signature for the new URL gets through. */
  after = send_json (session, "GET", "/redirect-same?to=/resource/photos", NULL, NULL, FALSE, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (after, "path"), ==, "/resource/photos");
}

static void
test_attach_to_soup_session (void)
{
  g_autoptr(GrantOAuth1) auth = new_auth (GRANT_OAUTH1_SIGNATURE_HMAC_SHA512,
                                          GRANT_OAUTH1_PLACEMENT_HEADER, "http://127.0.0.1/cb");
  g_autoptr(GrantOAuth1Session) session = complete_dance (auth, NULL, "/access_token", FALSE);
  g_autoptr(SoupSession) plain = soup_session_new ();
  g_autofree char *url = test_provider_url (provider, "/resource");

  grant_oauth1_attach (auth, plain);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = soup_session_send_and_read (plain, msg, NULL, NULL);

      /* Each send is signed with a nonce of its own. */
      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    }

  /* A form body given to sign_message is signed on the attached session. */
  {
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
    g_autoptr(GBytes) form = g_bytes_new_static ("k=v+w", 5);
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GError) error = NULL;

    grant_oauth1_sign_message (auth, msg, form, &error);
    g_assert_no_error (error);
    body = soup_session_send_and_read (plain, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    g_assert_nonnull (strstr (g_bytes_get_data (body, NULL), "\"v w\""));
  }

  grant_oauth1_detach (auth, plain);
  {
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) body = soup_session_send_and_read (plain, msg, NULL, NULL);

    g_assert_cmpuint (soup_message_get_status (msg), ==, 401);
  }
}

static void
test_body_hash_accepted (void)
{
  g_autoptr(GrantOAuth1) auth = new_auth (GRANT_OAUTH1_SIGNATURE_HMAC_SHA1,
                                          GRANT_OAUTH1_PLACEMENT_HEADER, "http://127.0.0.1/cb");
  g_autoptr(GrantOAuth1Session) session = complete_dance (auth, NULL, "/access_token", FALSE);
  g_autoptr(JsonObject) reply = NULL;
  guint status = 0;

  grant_oauth1_set_force_include_body (auth, TRUE);
  reply = send_json (session, "PUT", "/resource", "application/json", "{\"a\": 1}", FALSE, &status);
  g_assert_cmpuint (status, ==, 200);
}

static void
add_flow_tests (void)
{
  static const struct { GrantOAuth1SignatureMethod m; const char *name; } methods[] = {
    { GRANT_OAUTH1_SIGNATURE_HMAC_SHA1, "hmac-sha1" },
    { GRANT_OAUTH1_SIGNATURE_HMAC_SHA256, "hmac-sha256" },
    { GRANT_OAUTH1_SIGNATURE_HMAC_SHA512, "hmac-sha512" },
    { GRANT_OAUTH1_SIGNATURE_RSA_SHA1, "rsa-sha1" },
    { GRANT_OAUTH1_SIGNATURE_RSA_SHA256, "rsa-sha256" },
    { GRANT_OAUTH1_SIGNATURE_RSA_SHA512, "rsa-sha512" },
    { GRANT_OAUTH1_SIGNATURE_PLAINTEXT, "plaintext" },
  };
  static const struct { GrantOAuth1Placement p; const char *name; } placements[] = {
    { GRANT_OAUTH1_PLACEMENT_HEADER, "header" },
    { GRANT_OAUTH1_PLACEMENT_QUERY, "query" },
    { GRANT_OAUTH1_PLACEMENT_BODY, "body" },
  };

  for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
    for (guint p = 0; p < G_N_ELEMENTS (placements); p++)
      for (int async = 0; async < 2; async++)
        {
          FlowCase *fc = g_new0 (FlowCase, 1);
          g_autofree char *path = NULL;

          fc->method = methods[m].m;
          fc->placement = placements[p].p;
          fc->async = async;
          path = g_strdup_printf ("/oauth1/interop/flow/%s/%s/%s", methods[m].name,
                                  placements[p].name, async ? "async" : "sync");
          g_test_add_data_func_full (path, fc, test_flow, g_free);
        }
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  add_flow_tests ();
  g_test_add_func ("/oauth1/interop/realms", test_realms);
  g_test_add_func ("/oauth1/interop/json-access-token", test_json_access_token);
  g_test_add_func ("/oauth1/interop/out-of-band-verifier", test_out_of_band);
  g_test_add_func ("/oauth1/interop/wrong-secret-refused", test_wrong_secret_refused);
  g_test_add_data_func ("/oauth1/interop/redirect/same-origin-resigned/header",
                        GINT_TO_POINTER (GRANT_OAUTH1_PLACEMENT_HEADER),
                        test_same_origin_redirect_resigned);
  g_test_add_data_func ("/oauth1/interop/redirect/same-origin-resigned/query",
                        GINT_TO_POINTER (GRANT_OAUTH1_PLACEMENT_QUERY),
                        test_same_origin_redirect_resigned);
  g_test_add_func ("/oauth1/interop/attach-to-soup-session", test_attach_to_soup_session);
  g_test_add_func ("/oauth1/interop/body-hash-accepted", test_body_hash_accepted);

  provider = test_provider_start ();
  ret = g_test_run ();
  test_provider_stop (provider);
  return ret;
}
