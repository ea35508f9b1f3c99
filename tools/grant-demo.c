/* grant-demo.c: `grant demo`, real flows against a local provider
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "grant.h"
#include "grant-demo-browser.h"

int grant_demo_main (int argc, char **argv);

#define DEMO_CLIENT_KEY    "grant-client-key"
#define DEMO_CLIENT_SECRET "grant-client-secret"
#define DEMO_CALLBACK      "http://127.0.0.1/callback"
/* A local provider answers in milliseconds; one that stops answering
 * should end the demo with an error, not hang it. */
#define DEMO_HTTP_TIMEOUT_SECONDS 30

/* The demo providers live in the source tree's tests/servers, or where
 * `meson install` put them. */
static const char *
find_script (const char *name,
             const char *variable)
{
  static GHashTable *found;
  const char *env = g_getenv (variable);
  char *candidates[3];
  const char *result = NULL;

  if (env != NULL)
    return env;
  if (found == NULL)
    found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if ((result = g_hash_table_lookup (found, name)) != NULL)
    return result;

  candidates[0] = g_build_filename (GRANT_SOURCE_DIR, "tests", "servers", name, NULL);
  candidates[1] = g_build_filename (GRANT_DATA_DIR, name, NULL);
  candidates[2] = NULL;
  for (guint i = 0; candidates[i] != NULL && result == NULL; i++)
    if (g_file_test (candidates[i], G_FILE_TEST_EXISTS))
      {
        result = candidates[i];
        g_hash_table_insert (found, g_strdup (name), candidates[i]);
        candidates[i] = g_strdup ("");
      }
  for (guint i = 0; candidates[i] != NULL; i++)
    g_free (candidates[i]);
  return result;
}

/* Shows enough of a secret to tell two apart, never the whole thing. */
static char *
mask (const char *secret)
{
  if (secret == NULL)
    return g_strdup ("(none)");
  if (strlen (secret) <= 6)
    return g_strdup ("****");
  return g_strdup_printf ("%.4s…(%zu characters)", secret, strlen (secret));
}

static void
step (int         n,
      const char *title)
{
  if (isatty (STDOUT_FILENO))
    g_print ("\n\033[1m%d. %s\033[0m\n", n, title);
  else
    g_print ("\n%d. %s\n", n, title);
}

/* The callback URL carries the verifier, which is as good as a password
 * until it is used. */
static char *
mask_verifier (const char *url)
{
  const char *at = strstr (url, "oauth_verifier=");
  const char *end;

  if (at == NULL)
    return g_strdup (url);
  at += strlen ("oauth_verifier=");
  end = at + strcspn (at, "&#");
  return g_strdup_printf ("%.*s****%s", (int) (at - url), url, end);
}

static void
print_resource (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonArray *realms;
  g_autoptr(GString) granted = g_string_new (NULL);

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_print ("   %.*s\n", (int) MIN (g_bytes_get_size (body), 200), (const char *) g_bytes_get_data (body, NULL));
      return;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  realms = json_object_get_array_member (object, "realms");
  for (guint i = 0; realms && i < json_array_get_length (realms); i++)
    g_string_append_printf (granted, "%s%s", i ? ", " : "", json_array_get_string_element (realms, i));
  g_print ("   The provider verified the signature: user=%s, method=%s, realms=%s\n",
           json_object_get_string_member_with_default (object, "user", "?"),
           json_object_get_string_member_with_default (object, "signature_method", "?"),
           granted->str);
}

static const char *
find_python (void)
{
  const char *python = g_getenv ("GRANT_PYTHON");

  return python ? python : "/usr/bin/python3";
}

static GSubprocess *
start_oauth1_provider (char   **url,
                       GError **error)
{
  const char *script = find_script ("oauth1-provider.py", "GRANT_OAUTH1_PROVIDER");
  const char *argv[] = { find_python (), script, "--port", "0", "--exit-on-stdin-eof", "--quiet", NULL };

  if (script == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "The demo OAuth 1 provider (oauth1-provider.py) was not found; "
                           "set GRANT_OAUTH1_PROVIDER to its path");
      return NULL;
    }
  return grant_demo_server_start (argv, url, error);
}

static GSubprocess *
start_oauth2_provider (char   **url,
                       GError **error)
{
  const char *script = find_script ("oidc-provider/server.mjs", "GRANT_OIDC_PROVIDER");
  const char *argv[] = { "node", script, "--port", "0", "--exit-on-stdin-eof", "--quiet",
                         "--access-token-ttl", "2", NULL };
  g_autofree char *modules = NULL;

  if (script == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "The demo OAuth 2 provider (oidc-provider/server.mjs) was not found; "
                           "set GRANT_OIDC_PROVIDER to its path");
      return NULL;
    }
  modules = g_build_filename (g_path_get_dirname (script), "node_modules", NULL);
  if (!g_file_test (modules, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "The demo OAuth 2 provider needs its npm packages: run `npm ci` in %s",
                   g_path_get_dirname (script));
      return NULL;
    }
  return grant_demo_server_start (argv, url, error);
}

static gboolean
run_oauth1_demo (const char                 *base,
                 GrantOAuth1SignatureMethod  method,
                 int                        *n,
                 GError                    **error)
{
  g_autoptr(GrantOAuth1Session) session = grant_oauth1_session_new (DEMO_CLIENT_KEY, DEMO_CLIENT_SECRET,
                                                                     DEMO_CALLBACK);
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);
  g_autofree char *request_url = g_strconcat (base, "/request_token", NULL);
  g_autofree char *authorize_url = g_strconcat (base, "/authorize", NULL);
  g_autofree char *access_url = g_strconcat (base, "/access_token", NULL);
  g_autofree char *resource_url = g_strconcat (base, "/resource/photos?size=original", NULL);
  g_autofree char *user_url = NULL;
  g_autofree char *callback = NULL;
  g_autofree char *masked = NULL;
  g_autoptr(GHashTable) temporary = NULL;
  g_autoptr(GHashTable) returned = NULL;
  g_autoptr(GHashTable) access = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;

  grant_oauth1_set_signature_method (auth, method);
  soup_session_set_timeout (grant_oauth1_session_get_soup_session (session),
                            DEMO_HTTP_TIMEOUT_SECONDS);

  step ((*n)++, "Request token (temporary credentials)");
  g_print ("   POST %s, signed with %s, oauth_callback=%s\n", request_url,
           grant_oauth1_signature_method_to_string (method), DEMO_CALLBACK);
  temporary = grant_oauth1_session_fetch_request_token (session, request_url, NULL, NULL, error);
  if (temporary == NULL)
    return FALSE;
  masked = mask (g_hash_table_lookup (temporary, "oauth_token_secret"));
  g_print ("   oauth_token=%s  oauth_token_secret=%s  oauth_callback_confirmed=%s\n",
           (char *) g_hash_table_lookup (temporary, "oauth_token"), masked,
           (char *) g_hash_table_lookup (temporary, "oauth_callback_confirmed"));
  g_print ("   authorized: %s (temporary credentials are not an authorization)\n",
           grant_oauth1_session_get_authorized (session) ? "yes" : "no");

  step ((*n)++, "Authorization");
  user_url = grant_oauth1_session_authorization_url (session, authorize_url, NULL, NULL);
  g_print ("   Send the user to: %s\n", user_url);
  callback = grant_demo_browser_authorize (user_url, DEMO_CALLBACK, "alice", error);
  if (callback == NULL)
    return FALSE;
  {
    g_autofree char *shown = mask_verifier (callback);
    g_print ("   The provider (approving as alice) sent the browser back to:\n   %s\n", shown);
  }

  step ((*n)++, "Verifier");
  returned = grant_oauth1_session_parse_authorization_response (session, callback, error);
  if (returned == NULL)
    return FALSE;
  g_clear_pointer (&masked, g_free);
  masked = mask (g_hash_table_lookup (returned, "oauth_verifier"));
  g_print ("   oauth_verifier=%s\n", masked);

  step ((*n)++, "Access token");
  access = grant_oauth1_session_fetch_access_token (session, access_url, NULL, NULL, error);
  if (access == NULL)
    return FALSE;
  g_clear_pointer (&masked, g_free);
  masked = mask (g_hash_table_lookup (access, "oauth_token_secret"));
  g_print ("   oauth_token=%s  oauth_token_secret=%s\n   user_id=%s  screen_name=%s\n",
           (char *) g_hash_table_lookup (access, "oauth_token"), masked,
           (char *) g_hash_table_lookup (access, "user_id"),
           (char *) g_hash_table_lookup (access, "screen_name"));
  g_print ("   authorized: %s\n", grant_oauth1_session_get_authorized (session) ? "yes" : "no");

  step ((*n)++, "Protected resource");
  msg = soup_message_new ("GET", resource_url);
  body = grant_oauth1_session_send_and_read (session, msg, NULL, NULL, error);
  if (body == NULL)
    return FALSE;
  g_print ("   GET %s → HTTP %u\n", resource_url, soup_message_get_status (msg));
  if (soup_message_get_status (msg) == 200)
    print_resource (body);
  if (soup_message_get_status (msg) != 200)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_FAILED,
                   "The provider refused the signed request (HTTP %u)", soup_message_get_status (msg));
      return FALSE;
    }
  return TRUE;
}

static void
on_token_updated (GrantOAuth2Session *session,
                  GrantToken         *token,
                  gpointer            user_data)
{
  g_autofree char *masked = mask (grant_token_get_access_token (token));

  g_print ("   token-updated: access_token=%s, expires in %" G_GINT64_FORMAT " s, refresh token %s\n",
           masked, grant_token_get_expires_in (token),
           grant_token_get_refresh_token (token) ? "issued" : "none");
}

static gboolean
print_api_me (GrantOAuth2Session  *session,
              const char          *base,
              GError             **error)
{
  g_autofree char *url = g_strconcat (base, "/api/me", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;

  body = grant_oauth2_session_send_and_read (session, msg, NULL, GRANT_SEND_NONE, NULL, error);
  if (body == NULL)
    return FALSE;
  g_print ("   GET %s → HTTP %u %.*s\n", url, soup_message_get_status (msg),
           (int) MIN (g_bytes_get_size (body), 200), (const char *) g_bytes_get_data (body, NULL));
  if (soup_message_get_status (msg) != 200)
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_FAILED,
                   "The resource refused the token (HTTP %u)", soup_message_get_status (msg));
      return FALSE;
    }
  return TRUE;
}

static gboolean
run_oauth2_demo (const char  *base,
                 int          first_step,
                 GError     **error)
{
  g_autoptr(GrantOAuth2Session) session = grant_oauth2_session_new ("public-pkce", NULL);
  g_autoptr(GrantOAuth2Session) backend = NULL;
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GrantToken) service_token = NULL;
  g_autofree char *authorize_url = g_strconcat (base, "/auth", NULL);
  g_autofree char *token_url = g_strconcat (base, "/token", NULL);
  g_autofree char *user_url = NULL;
  g_autofree char *callback = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *masked = NULL;
  const char *scope[] = { "openid", "profile", "api:read", NULL };
  int n = first_step;

  soup_session_set_timeout (grant_oauth2_session_get_soup_session (session),
                            DEMO_HTTP_TIMEOUT_SECONDS);
  g_object_set (session,
                "client-auth", GRANT_CLIENT_AUTH_NONE,
                "redirect-uri", DEMO_CALLBACK,
                "scope", scope,
                "issuer", base,
                "allow-insecure-transport", TRUE,
                "refresh-leeway", (gint64) 1,
                NULL);
  g_signal_connect (session, "token-updated", G_CALLBACK (on_token_updated), NULL);

  step (n++, "Authorization code with PKCE (public client, no secret)");
  user_url = grant_oauth2_session_authorization_url (session, authorize_url, NULL, NULL, NULL, error);
  if (user_url == NULL)
    return FALSE;
  g_print ("   Send the user to: %.120s…\n", user_url);
  g_print ("   state from the CSPRNG, code_challenge_method=S256 (verifier kept by the session)\n");
  callback = grant_demo_browser_authorize (user_url, DEMO_CALLBACK, "alice", error);
  if (callback == NULL)
    return FALSE;
  shown = g_strdup (callback);
  if (strstr (shown, "code=") != NULL)
    {
      char *code = strstr (shown, "code=") + 5;
      size_t len = strcspn (code, "&");

      memset (code, '*', MIN (len, 4));
      memmove (code + 4, code + len, strlen (code + len) + 1);
    }
  g_print ("   The provider (after login and consent as alice) redirected to:\n   %s\n", shown);

  step (n++, "Token exchange (state, iss and PKCE checked)");
  token = grant_oauth2_session_fetch_token (session, token_url, callback, NULL, NULL, NULL, error);
  if (token == NULL)
    return FALSE;
  masked = mask (grant_token_get_refresh_token (token));
  g_print ("   refresh_token=%s  scope=%s\n", masked,
           grant_token_get_scope (token) ? g_strjoinv (" ", (char **) grant_token_get_scope (token)) : "");

  step (n++, "Protected request");
  if (!print_api_me (session, base, error))
    return FALSE;

  step (n++, "Automatic refresh");
  g_print ("   The provider issues 2-second access tokens; waiting 3 seconds…\n");
  g_usleep (3 * G_USEC_PER_SEC);
  if (!print_api_me (session, base, error))
    return FALSE;

  step (n++, "Client credentials (backend client)");
  backend = grant_oauth2_session_new_for_client_type (GRANT_CLIENT_TYPE_BACKEND_APPLICATION,
                                                      "backend", "backend-secret");
  soup_session_set_timeout (grant_oauth2_session_get_soup_session (backend),
                            DEMO_HTTP_TIMEOUT_SECONDS);
  g_object_set (backend, "scope", (const char *[]) { "api:read", NULL },
                "allow-insecure-transport", TRUE, NULL);
  service_token = grant_oauth2_session_fetch_token (backend, token_url, NULL, NULL, NULL, NULL, error);
  if (service_token == NULL)
    return FALSE;
  g_print ("   client_credentials with HTTP Basic → a token for scope %s\n",
           grant_token_get_scope (service_token) ? grant_token_get_scope (service_token)[0] : "?");
  return print_api_me (backend, base, error);
}

int
grant_demo_main (int    argc,
                 char **argv)
{
  g_autofree char *method_name = NULL;
  gboolean oauth1_only = FALSE, oauth2_only = FALSE;
  const GOptionEntry entries[] = {
    { "signature-method", 'm', 0, G_OPTION_ARG_STRING, &method_name,
      "Signature method for the OAuth 1 flow (default HMAC-SHA1)", "METHOD" },
    { "oauth1", '1', 0, G_OPTION_ARG_NONE, &oauth1_only, "Only the OAuth 1.0a part", NULL },
    { "oauth2", '2', 0, G_OPTION_ARG_NONE, &oauth2_only, "Only the OAuth 2 part", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  GrantOAuth1SignatureMethod method = GRANT_OAUTH1_SIGNATURE_HMAC_SHA1;
  gboolean ok = TRUE;
  int n = 1;

  g_option_context_set_summary (context,
                                 "Starts local providers on 127.0.0.1 — python3-oauthlib for OAuth 1.0a,\n"
                                 "oidc-provider for OAuth 2 — and runs real flows against them with\n"
                                 "Grant, printing each step.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      (method_name && !grant_oauth1_signature_method_from_string (method_name, &method, &error)))
    {
      g_printerr ("grant: %s\n", error->message);
      return 2;
    }
  if (method == GRANT_OAUTH1_SIGNATURE_RSA_SHA1 || method == GRANT_OAUTH1_SIGNATURE_RSA_SHA256 ||
      method == GRANT_OAUTH1_SIGNATURE_RSA_SHA512)
    {
      g_printerr ("grant: the demo client has a shared secret, not an RSA key; "
                  "pick an HMAC method or PLAINTEXT\n");
      return 2;
    }

  if (!oauth2_only)
    {
      g_autoptr(GSubprocess) provider = NULL;
      g_autofree char *url = NULL;

      g_print ("Grant %s demo: OAuth 1.0a, three-legged\n", GRANT_VERSION_S);
      step (n++, "Local OAuth 1 provider");
      provider = start_oauth1_provider (&url, &error);
      if (provider == NULL)
        {
          g_printerr ("grant: %s\n", error->message);
          return 1;
        }
      g_print ("   python3-oauthlib provider listening on %s\n", url);
      g_print ("   client key %s\n", DEMO_CLIENT_KEY);
      ok = run_oauth1_demo (url, method, &n, &error);
      grant_demo_server_stop (g_steal_pointer (&provider));
    }

  if (ok && !oauth1_only)
    {
      g_autoptr(GSubprocess) provider = NULL;
      g_autofree char *url = NULL;

      g_print ("\nGrant %s demo: OAuth 2\n", GRANT_VERSION_S);
      step (n++, "Local OAuth 2 provider");
      provider = start_oauth2_provider (&url, &error);
      if (provider == NULL)
        {
          g_printerr ("grant: %s\n", error->message);
          return 1;
        }
      g_print ("   oidc-provider (node) listening on %s, which is also its issuer\n", url);
      ok = run_oauth2_demo (url, n, &error);
      grant_demo_server_stop (g_steal_pointer (&provider));
    }

  if (!ok)
    {
      g_printerr ("\ngrant: the demo failed: %s\n", error->message);
      return 1;
    }
  g_print ("\nDone: every step above was a real HTTP exchange with a local provider,\n"
           "and the providers have now been stopped.\n");
  return 0;
}
