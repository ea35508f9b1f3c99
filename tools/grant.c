/* grant.c: the `grant` command-line tool
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "grant.h"

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage: grant COMMAND [OPTIONS…]\n"
           "\n"
           "Commands:\n"
           "  oauth1 sign METHOD URL   Sign a request and print what to send\n"
           "  demo                     Run the OAuth flows against local providers\n"
           "  providers [show ID]      List the providers Grant knows, or show one\n"
           "  token list               List the stored tokens\n"
           "  token show PROVIDER ACCOUNT\n"
           "                           Show a stored token (secrets masked)\n"
           "  token delete PROVIDER ACCOUNT\n"
           "                           Delete a stored token\n"
           "  version                  Print the version\n"
           "\n"
           "Run “grant COMMAND --help” for a command's options.\n");
}

static int
fail (GError *error,
      int     exit_code)
{
  g_printerr ("grant: %s\n", error->message);
  g_error_free (error);
  return exit_code;
}

static gboolean
parse_placement (const char            *name,
                 GrantOAuth1Placement  *placement,
                 GError               **error)
{
  if (name == NULL || g_ascii_strcasecmp (name, "header") == 0 ||
      g_ascii_strcasecmp (name, "auth_header") == 0)
    *placement = GRANT_OAUTH1_PLACEMENT_HEADER;
  else if (g_ascii_strcasecmp (name, "query") == 0)
    *placement = GRANT_OAUTH1_PLACEMENT_QUERY;
  else if (g_ascii_strcasecmp (name, "body") == 0)
    *placement = GRANT_OAUTH1_PLACEMENT_BODY;
  else
    {
      g_set_error (error, GRANT_ERROR, GRANT_ERROR_UNSUPPORTED_METHOD,
                   "“%s” is not a signature placement; use header, query or body", name);
      return FALSE;
    }
  return TRUE;
}

/* Secrets may come from the environment so they stay out of `ps` and the
 * shell history. */
static const char *
option_or_env (const char *option,
               const char *variable)
{
  return option ? option : g_getenv (variable);
}

static int
cmd_oauth1_sign (int    argc,
                 char **argv)
{
  g_autofree char *client_key = NULL;
  g_autofree char *client_secret = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_secret = NULL;
  g_autofree char *rsa_key_file = NULL;
  g_autofree char *method_name = NULL;
  g_autofree char *placement_name = NULL;
  g_autofree char *realm = NULL;
  g_autofree char *callback = NULL;
  g_autofree char *verifier = NULL;
  g_autofree char *body = NULL;
  g_autofree char *body_file = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *timestamp = NULL;
  gboolean force_include_body = FALSE;
  gboolean curl = FALSE;
  const GOptionEntry entries[] = {
    { "client-key", 'k', 0, G_OPTION_ARG_STRING, &client_key, "Client key (or $GRANT_CLIENT_KEY)", "KEY" },
    { "client-secret", 's', 0, G_OPTION_ARG_STRING, &client_secret, "Client secret (or $GRANT_CLIENT_SECRET)", "SECRET" },
    { "token", 't', 0, G_OPTION_ARG_STRING, &token, "Token (or $GRANT_TOKEN)", "TOKEN" },
    { "token-secret", 'S', 0, G_OPTION_ARG_STRING, &token_secret, "Token secret (or $GRANT_TOKEN_SECRET)", "SECRET" },
    { "rsa-key", 0, 0, G_OPTION_ARG_FILENAME, &rsa_key_file, "PEM file with the client's RSA private key", "FILE" },
    { "signature-method", 'm', 0, G_OPTION_ARG_STRING, &method_name, "HMAC-SHA1 (default), HMAC-SHA256, HMAC-SHA512, RSA-SHA1, RSA-SHA256, RSA-SHA512 or PLAINTEXT", "METHOD" },
    { "placement", 'p', 0, G_OPTION_ARG_STRING, &placement_name, "Where the signature goes: header (default), query or body", "WHERE" },
    { "realm", 0, 0, G_OPTION_ARG_STRING, &realm, "Realm for the Authorization header", "REALM" },
    { "callback", 0, 0, G_OPTION_ARG_STRING, &callback, "oauth_callback (request-token calls)", "URI" },
    { "verifier", 0, 0, G_OPTION_ARG_STRING, &verifier, "oauth_verifier (access-token calls)", "VERIFIER" },
    { "data", 'd', 0, G_OPTION_ARG_STRING, &body, "Request body", "BODY" },
    { "data-file", 0, 0, G_OPTION_ARG_FILENAME, &body_file, "Read the request body from a file", "FILE" },
    { "content-type", 'c', 0, G_OPTION_ARG_STRING, &content_type, "Content-Type of the body", "TYPE" },
    { "force-include-body", 0, 0, G_OPTION_ARG_NONE, &force_include_body, "Hash a non-form body into the signature (oauth_body_hash)", NULL },
    { "nonce", 0, 0, G_OPTION_ARG_STRING, &nonce, "Fixed nonce (for reproducing examples only)", "NONCE" },
    { "timestamp", 0, 0, G_OPTION_ARG_STRING, &timestamp, "Fixed timestamp (for reproducing examples only)", "SECONDS" },
    { "curl", 0, 0, G_OPTION_ARG_NONE, &curl, "Print a curl command line instead", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("METHOD URL");
  g_autoptr(GrantOAuth1) auth = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GBytes) body_bytes = NULL;
  g_autoptr(GBytes) signed_body = NULL;
  g_autofree char *signed_uri = NULL;
  GrantOAuth1SignatureMethod method = GRANT_OAUTH1_SIGNATURE_HMAC_SHA1;
  GrantOAuth1Placement placement;
  GError *error = NULL;
  const char *authorization;

  g_option_context_set_summary (context,
                                "Signs an HTTP request with OAuth 1.0a and prints the signed\n"
                                "Authorization header, URL or body, ready for curl or any client.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (error, 2);
  if (argc != 3)
    {
      g_printerr ("grant: oauth1 sign takes a METHOD and a URL; see “grant oauth1 sign --help”\n");
      return 2;
    }

  if (option_or_env (client_key, "GRANT_CLIENT_KEY") == NULL)
    {
      g_printerr ("grant: a client key is needed: --client-key or $GRANT_CLIENT_KEY\n");
      return 2;
    }
  if ((method_name && !grant_oauth1_signature_method_from_string (method_name, &method, &error)) ||
      !parse_placement (placement_name, &placement, &error))
    return fail (error, 2);

  auth = grant_oauth1_new (option_or_env (client_key, "GRANT_CLIENT_KEY"),
                           option_or_env (client_secret, "GRANT_CLIENT_SECRET"));
  grant_oauth1_set_token (auth, option_or_env (token, "GRANT_TOKEN"));
  grant_oauth1_set_token_secret (auth, option_or_env (token_secret, "GRANT_TOKEN_SECRET"));
  grant_oauth1_set_signature_method (auth, method);
  grant_oauth1_set_placement (auth, placement);
  grant_oauth1_set_realm (auth, realm);
  grant_oauth1_set_callback_uri (auth, callback);
  grant_oauth1_set_verifier (auth, verifier);
  grant_oauth1_set_force_include_body (auth, force_include_body);
  if (nonce || timestamp)
    grant_oauth1_set_fixed_nonce (auth, nonce, timestamp);

  if (rsa_key_file)
    {
      g_autofree char *pem = NULL;

      if (!g_file_get_contents (rsa_key_file, &pem, NULL, &error) ||
          !grant_oauth1_set_rsa_key (auth, pem, &error))
        return fail (error, 1);
    }

  if (body_file)
    {
      char *contents = NULL;
      gsize len = 0;

      if (!g_file_get_contents (body_file, &contents, &len, &error))
        return fail (error, 1);
      body_bytes = g_bytes_new_take (contents, len);
    }
  else if (body)
    body_bytes = g_bytes_new (body, strlen (body));

  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  if (content_type)
    soup_message_headers_replace (headers, "Content-Type", content_type);

  if (!grant_oauth1_sign (auth, argv[1], argv[2], headers, body_bytes,
                          &signed_uri, &signed_body, &error))
    return fail (error, 1);

  authorization = soup_message_headers_get_one (headers, "Authorization");
  if (curl)
    {
      g_autofree char *q_method = g_shell_quote (argv[1]);
      g_autofree char *q_uri = g_shell_quote (signed_uri);
      GString *line = g_string_new ("curl -X ");

      g_string_append (line, q_method);
      if (authorization)
        {
          g_autofree char *h = g_strconcat ("Authorization: ", authorization, NULL);
          g_autofree char *q = g_shell_quote (h);
          g_string_append_printf (line, " -H %s", q);
        }
      if (soup_message_headers_get_one (headers, "Content-Type"))
        {
          g_autofree char *h = g_strconcat ("Content-Type: ",
                                            soup_message_headers_get_one (headers, "Content-Type"), NULL);
          g_autofree char *q = g_shell_quote (h);
          g_string_append_printf (line, " -H %s", q);
        }
      if (signed_body && g_bytes_get_size (signed_body) > 0)
        {
          g_autofree char *text = g_strndup (g_bytes_get_data (signed_body, NULL), g_bytes_get_size (signed_body));
          g_autofree char *q = g_shell_quote (text);
          g_string_append_printf (line, " --data-binary %s", q);
        }
      g_string_append_printf (line, " %s", q_uri);
      g_print ("%s\n", line->str);
      g_string_free (line, TRUE);
      return 0;
    }

  g_print ("%s %s\n", argv[1], signed_uri);
  if (authorization)
    g_print ("Authorization: %s\n", authorization);
  if (soup_message_headers_get_one (headers, "Content-Type"))
    g_print ("Content-Type: %s\n", soup_message_headers_get_one (headers, "Content-Type"));
  if (signed_body && g_bytes_get_size (signed_body) > 0)
    g_print ("\n%.*s\n", (int) g_bytes_get_size (signed_body), (const char *) g_bytes_get_data (signed_body, NULL));
  return 0;
}

static int
cmd_oauth1 (int    argc,
            char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "sign"))
    return cmd_oauth1_sign (argc - 1, argv + 1);

  g_printerr ("Usage: grant oauth1 sign [OPTIONS…] METHOD URL\n");
  return 2;
}

int grant_demo_main (int argc, char **argv);
int grant_providers_main (int argc, char **argv);
int grant_token_main (int argc, char **argv);

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }

  if (g_str_equal (argv[1], "oauth1"))
    return cmd_oauth1 (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "demo"))
    return grant_demo_main (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "providers"))
    return grant_providers_main (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "token"))
    return grant_token_main (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "version") || g_str_equal (argv[1], "--version"))
    {
      g_print ("grant %s\n", GRANT_VERSION_S);
      return 0;
    }

  g_printerr ("grant: unknown command “%s”\n\n", argv[1]);
  print_usage (stderr);
  return 2;
}
