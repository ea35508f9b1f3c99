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

int grant_demo_main (int argc, char **argv);

#define DEMO_CLIENT_KEY    "grant-client-key"
#define DEMO_CLIENT_SECRET "grant-client-secret"
#define DEMO_CALLBACK      "http://127.0.0.1/callback"

static const char *
find_provider_script (void)
{
  static const char *candidates[] = {
    GRANT_SOURCE_DIR "/tests/servers/oauth1-provider.py",
    GRANT_DATA_DIR "/oauth1-provider.py",
  };
  const char *env = g_getenv ("GRANT_OAUTH1_PROVIDER");

  if (env != NULL)
    return env;
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (g_file_test (candidates[i], G_FILE_TEST_EXISTS))
      return candidates[i];
  return NULL;
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

static GSubprocess *
start_provider (char   **url,
                GError **error)
{
  const char *script = find_provider_script ();
  const char *python = g_getenv ("GRANT_PYTHON");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  if (script == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "The demo provider (oauth1-provider.py) was not found; set "
                           "GRANT_OAUTH1_PROVIDER to its path");
      return NULL;
    }

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE |
                              G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              error,
                              python ? python : "/usr/bin/python3", script,
                              "--port", "0", "--exit-on-stdin-eof", "--quiet",
                              NULL);
  if (process == NULL)
    return NULL;

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, error);
  if (line == NULL || !g_str_has_prefix (line, "READY "))
    {
      if (error && *error == NULL)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                             "The demo provider did not start; it needs /usr/bin/python3 "
                             "with python3-oauthlib, python3-jwt and python3-cryptography");
      g_subprocess_force_exit (process);
      return NULL;
    }

  *url = g_strdup (line + strlen ("READY "));
  return g_steal_pointer (&process);
}

/* The demo plays the user too: it opens the authorization page and reads
 * where the provider sends the browser back. */
static char *
act_as_user (const char  *authorization_url,
             GError     **error)
{
  g_autoptr(SoupSession) browser = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", authorization_url);
  g_autoptr(GBytes) body = NULL;
  const char *location;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  body = soup_session_send_and_read (browser, msg, NULL, error);
  if (body == NULL)
    return NULL;

  location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  if (location == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "The authorization page did not redirect (HTTP %u)",
                   soup_message_get_status (msg));
      return NULL;
    }
  return g_strdup (location);
}

static gboolean
run_oauth1_demo (const char                 *base,
                 GrantOAuth1SignatureMethod  method,
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

  step (2, "Request token (temporary credentials)");
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

  step (3, "Authorization");
  user_url = grant_oauth1_session_authorization_url (session, authorize_url, NULL, NULL);
  g_print ("   Send the user to: %s\n", user_url);
  callback = act_as_user (user_url, error);
  if (callback == NULL)
    return FALSE;
  {
    g_autofree char *shown = mask_verifier (callback);
    g_print ("   The provider (approving as alice) sent the browser back to:\n   %s\n", shown);
  }

  step (4, "Verifier");
  returned = grant_oauth1_session_parse_authorization_response (session, callback, error);
  if (returned == NULL)
    return FALSE;
  g_clear_pointer (&masked, g_free);
  masked = mask (g_hash_table_lookup (returned, "oauth_verifier"));
  g_print ("   oauth_verifier=%s\n", masked);

  step (5, "Access token");
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

  step (6, "Protected resource");
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

int
grant_demo_main (int    argc,
                 char **argv)
{
  g_autofree char *method_name = NULL;
  const GOptionEntry entries[] = {
    { "signature-method", 'm', 0, G_OPTION_ARG_STRING, &method_name,
      "Signature method for the OAuth 1 flow (default HMAC-SHA1)", "METHOD" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GSubprocess) provider = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  GrantOAuth1SignatureMethod method = GRANT_OAUTH1_SIGNATURE_HMAC_SHA1;
  gboolean ok;

  g_option_context_set_summary (context,
                                 "Starts a local OAuth 1.0a provider (python3-oauthlib) on 127.0.0.1\n"
                                 "and walks through the three-legged flow with Grant, printing each step.");
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

  g_print ("Grant %s demo: OAuth 1.0a, three-legged\n", GRANT_VERSION_S);
  step (1, "Local provider");
  provider = start_provider (&url, &error);
  if (provider == NULL)
    {
      g_printerr ("grant: %s\n", error->message);
      return 1;
    }
  g_print ("   python3-oauthlib provider listening on %s\n", url);
  g_print ("   client key %s\n", DEMO_CLIENT_KEY);

  ok = run_oauth1_demo (url, method, &error);

  g_subprocess_send_signal (provider, SIGTERM);
  g_subprocess_wait (provider, NULL, NULL);

  if (!ok)
    {
      g_printerr ("\ngrant: the demo failed: %s\n", error->message);
      return 1;
    }
  g_print ("\nDone: every step above was a real HTTP exchange with the local provider,\n"
           "which has now been stopped.\n");
  return 0;
}
