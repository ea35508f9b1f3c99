/* grant-token-cmd.c: `grant token`, the stored tokens from the command line
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "grant.h"

int grant_token_main (int argc, char **argv);

/* Characters of a secret shown before the mask, and the length up to
 * which none are: four characters of an eight-character secret are half
 * of it. */
#define MASK_SHOWN     4
#define MASK_MIN_SHOWN 9

typedef struct {
  GrantTokenStore *store;
  char            *where;     /* “the keyring”, or the file's path */
  gboolean         reveal;
  char            *client_id;
  int              status;    /* 1 once anything failed */
} Context;

static void
context_clear (Context *ctx)
{
  g_clear_object (&ctx->store);
  g_clear_pointer (&ctx->where, g_free);
  g_clear_pointer (&ctx->client_id, g_free);
}

/* ------------------------------------------------------------------ */
/* Output                                                               */
/* ------------------------------------------------------------------ */

/* One value on one line: control characters escaped, so that a name with
 * a newline in it cannot make a second line. Empty is shown as "". */
static char *
printable (const char *text)
{
  GString *out;

  if (text == NULL || *text == '\0')
    return g_strdup ("\"\"");

  out = g_string_new (NULL);
  if (!g_utf8_validate (text, -1, NULL))
    {
      for (const unsigned char *p = (const unsigned char *) text; *p; p++)
        if (*p < 0x20 || *p >= 0x7f)
          g_string_append_printf (out, "\\x%02x", *p);
        else
          g_string_append_c (out, *p);
      return g_string_free (out, FALSE);
    }
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static const char *
protocol_slug (GrantProtocol protocol)
{
  return protocol == GRANT_PROTOCOL_OAUTH1 ? "oauth1" : "oauth2";
}

static const char *
protocol_title (GrantProtocol protocol)
{
  return protocol == GRANT_PROTOCOL_OAUTH1 ? "OAuth 1" : "OAuth 2";
}

/* “2030-01-01 00:00:00 UTC” */
static char *
format_utc (gint64 when)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (when);

  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S UTC") : g_strdup_printf ("%" G_GINT64_FORMAT, when);
}

/* When a stored OAuth 2 token expires, read as the library reads it
 * (numbers, numeric strings, dates); 0 for none or an OAuth 1 token. */
static gint64
stored_expires_at (JsonObject *token)
{
  g_autoptr(GrantToken) parsed = grant_token_new_from_json_object (token, NULL);

  return parsed != NULL ? grant_token_get_expires_at (parsed) : 0;
}

/* “2030-01-01 00:00:00 UTC, in 3 days” */
static char *
describe_time (gint64 when)
{
  g_autofree char *date = format_utc (when);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 delta = when > now ? when - now : now - when;
  g_autofree char *span = NULL;

  if (delta >= 2 * 86400)
    span = g_strdup_printf ("%" G_GINT64_FORMAT " days", delta / 86400);
  else if (delta >= 2 * 3600)
    span = g_strdup_printf ("%" G_GINT64_FORMAT " hours", delta / 3600);
  else if (delta >= 120)
    span = g_strdup_printf ("%" G_GINT64_FORMAT " minutes", delta / 60);
  else
    span = g_strdup_printf ("%" G_GINT64_FORMAT " seconds", delta);

  if (when > now)
    return g_strdup_printf ("%s, in %s", date, span);
  return g_strdup_printf ("%s, expired %s ago", date, span);
}

/* What `list` says about expiry: “expires 2030-01-01 00:00:00 UTC”,
 * “expired 2020-…”, “no expiry”. */
static char *
expiry_summary (JsonObject *token)
{
  gint64 when = stored_expires_at (token);
  g_autofree char *date = NULL;

  if (when <= 0)
    return g_strdup ("no expiry");
  date = format_utc (when);
  if (when <= g_get_real_time () / G_USEC_PER_SEC)
    return g_strdup_printf ("expired %s", date);
  return g_strdup_printf ("expires %s", date);
}

/* Members that hold credentials. */
static gboolean
is_secret_member (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (g_str_equal (lower, "token_type"))
    return FALSE;
  return g_str_equal (lower, "token") || g_str_has_suffix (lower, "_token") ||
         g_str_has_suffix (lower, "token_secret") || strstr (lower, "secret") != NULL ||
         strstr (lower, "password") != NULL || g_str_equal (lower, "code") ||
         g_str_equal (lower, "assertion");
}

/* “gho_…(40 characters)” */
static char *
mask (const char *secret)
{
  glong length;

  if (!g_utf8_validate (secret, -1, NULL))
    return g_strdup_printf ("…(%" G_GSIZE_FORMAT " bytes)", strlen (secret));
  length = g_utf8_strlen (secret, -1);
  if (length < MASK_MIN_SHOWN)
    return g_strdup_printf ("…(%ld characters)", length);
  {
    g_autofree char *start = g_utf8_substring (secret, 0, MASK_SHOWN);
    g_autofree char *shown = printable (start);

    return g_strdup_printf ("%s…(%ld characters)", shown, length);
  }
}

static JsonNode *masked_copy (JsonNode *node, gboolean secret);

static JsonNode *
masked_copy (JsonNode *node,
             gboolean  secret)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *in = json_node_get_object (node);
      JsonObject *out = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, in);
      while (json_object_iter_next (&iter, &name, &member))
        json_object_set_member (out, name, masked_copy (member, secret || is_secret_member (name)));
      return json_node_init_object (json_node_alloc (), out);
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *in = json_node_get_array (node);
      JsonArray *out = json_array_new ();

      for (guint i = 0; i < json_array_get_length (in); i++)
        json_array_add_element (out, masked_copy (json_array_get_element (in, i), secret));
      return json_node_init_array (json_node_alloc (), out);
    }
  if (secret && JSON_NODE_HOLDS_VALUE (node))
    {
      g_autofree char *text = json_node_get_value_type (node) == G_TYPE_STRING
                                ? g_strdup (json_node_get_string (node))
                                : json_to_string (node, FALSE);
      g_autofree char *masked = mask (text);

      return json_node_init_string (json_node_alloc (), masked);
    }
  return json_node_copy (node);
}

static char *
member_value (JsonObject *token,
              const char *name,
              JsonNode   *node,
              gboolean    reveal)
{
  gboolean secret = !reveal && is_secret_member (name);
  gint64 expires_at;

  if (g_str_equal (name, "expires_at") && (expires_at = stored_expires_at (token)) > 0)
    {
      g_autofree char *when = describe_time (expires_at);

      return g_strdup_printf ("%" G_GINT64_FORMAT " (%s)", expires_at, when);
    }

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return secret ? mask (json_node_get_string (node)) : printable (json_node_get_string (node));

  {
    g_autoptr(JsonNode) shown = reveal ? json_node_copy (node) : masked_copy (node, secret);
    g_autofree char *text = json_to_string (shown, FALSE);

    return printable (text);
  }
}

static const char * const first_members[] = {
  "access_token", "token_type", "refresh_token", "expires_at", "expires_in", "scope", "id_token",
  "oauth_token", "oauth_token_secret", NULL,
};

static void
print_token (GrantTokenKey *key,
             JsonObject    *token,
             gboolean       reveal)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  GList *members;
  const char *name;
  JsonNode *node;
  glong width = 0;

  g_ptr_array_add (names, g_strdup ("Protocol"));
  g_ptr_array_add (values, g_strdup (protocol_title (grant_token_key_get_protocol (key))));
  g_ptr_array_add (names, g_strdup ("Provider"));
  g_ptr_array_add (values, printable (grant_token_key_get_provider (key)));
  g_ptr_array_add (names, g_strdup ("Account"));
  g_ptr_array_add (values, printable (grant_token_key_get_account (key)));
  g_ptr_array_add (names, g_strdup ("Client id"));
  g_ptr_array_add (values, printable (grant_token_key_get_client_id (key)));

  /* The RFC 6749 fields first, in their usual order; then the rest as
   * stored. */
  for (gsize i = 0; first_members[i] != NULL; i++)
    if ((node = json_object_get_member (token, first_members[i])) != NULL)
      {
        g_ptr_array_add (names, g_strdup (first_members[i]));
        g_ptr_array_add (values, member_value (token, first_members[i], node, reveal));
      }
  members = json_object_get_members (token);
  for (GList *l = members; l != NULL; l = l->next)
    {
      name = l->data;
      if (g_strv_contains (first_members, name))
        continue;
      node = json_object_get_member (token, name);
      g_ptr_array_add (names, printable (name));
      g_ptr_array_add (values, member_value (token, name, node, reveal));
    }
  g_list_free (members);

  for (guint i = 0; i < names->len; i++)
    width = MAX (width, g_utf8_strlen (g_ptr_array_index (names, i), -1));
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);
      int pad = (int) (width - g_utf8_strlen (n, -1));

      g_print ("%s:%*s %s\n", n, pad, "", (const char *) g_ptr_array_index (values, i));
    }
}

/* ------------------------------------------------------------------ */
/* The store                                                            */
/* ------------------------------------------------------------------ */

static int
open_store (Context    *ctx,
            const char *store_name,
            const char *file)
{
  if (store_name == NULL)
    store_name = file ? "file" : "default";

  if (g_str_equal (store_name, "file"))
    {
      ctx->store = GRANT_TOKEN_STORE (grant_file_store_new (file));
      ctx->where = g_strdup (grant_file_store_get_path (GRANT_FILE_STORE (ctx->store)));
      return 0;
    }
  if (file != NULL)
    {
      g_printerr ("grant: --file goes with --store=file, not --store=%s\n", store_name);
      return 2;
    }
  if (g_str_equal (store_name, "keyring"))
    {
      if (!grant_secret_store_is_service_available (NULL))
        {
          g_printerr ("grant: no Secret Service (keyring) is running on the session bus; "
                      "use --store=file for the token file\n");
          return 1;
        }
      ctx->store = GRANT_TOKEN_STORE (grant_secret_store_new ());
      ctx->where = g_strdup ("the keyring");
      return 0;
    }
  if (g_str_equal (store_name, "default"))
    {
      ctx->store = g_object_ref (grant_token_store_get_default ());
      if (GRANT_IS_FILE_STORE (ctx->store))
        ctx->where = g_strdup (grant_file_store_get_path (GRANT_FILE_STORE (ctx->store)));
      else
        ctx->where = g_strdup ("the keyring");
      return 0;
    }
  g_printerr ("grant: “%s” is not a token store; use keyring, file or default\n", store_name);
  return 2;
}

static gint
compare_keys (gconstpointer a,
              gconstpointer b)
{
  GrantTokenKey *ka = *(GrantTokenKey **) a;
  GrantTokenKey *kb = *(GrantTokenKey **) b;
  int c;

  if ((c = g_strcmp0 (grant_token_key_get_provider (ka), grant_token_key_get_provider (kb))) != 0)
    return c;
  if ((c = g_strcmp0 (grant_token_key_get_account (ka), grant_token_key_get_account (kb))) != 0)
    return c;
  if (grant_token_key_get_protocol (ka) != grant_token_key_get_protocol (kb))
    return grant_token_key_get_protocol (ka) < grant_token_key_get_protocol (kb) ? -1 : 1;
  return g_strcmp0 (grant_token_key_get_client_id (ka), grant_token_key_get_client_id (kb));
}

static GPtrArray *
list_keys (Context *ctx)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *keys = grant_token_store_list (ctx->store, NULL, &error);

  if (keys == NULL)
    {
      g_printerr ("grant: cannot list the tokens in %s: %s\n", ctx->where,
                  error ? error->message : "the store failed");
      return NULL;
    }
  g_ptr_array_sort (keys, compare_keys);
  return keys;
}

/* The stored tokens for PROVIDER ACCOUNT (and the client id, if one was
 * given); NULL after a message if there are none or the store failed. */
static GPtrArray *
find_matches (Context    *ctx,
              const char *provider,
              const char *account)
{
  g_autoptr(GPtrArray) keys = list_keys (ctx);
  g_autoptr(GPtrArray) matches = NULL;

  if (keys == NULL)
    return NULL;
  matches = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < keys->len; i++)
    {
      GrantTokenKey *key = g_ptr_array_index (keys, i);

      if (g_str_equal (grant_token_key_get_provider (key), provider) &&
          g_str_equal (grant_token_key_get_account (key), account) &&
          (ctx->client_id == NULL || g_str_equal (grant_token_key_get_client_id (key), ctx->client_id)))
        g_ptr_array_add (matches, g_object_ref (key));
    }

  if (matches->len == 0)
    {
      g_autofree char *p = printable (provider);
      g_autofree char *a = printable (account);

      if (ctx->client_id != NULL)
        {
          g_autofree char *c = printable (ctx->client_id);

          g_printerr ("grant: no token stored for provider %s, account %s and client id %s in %s\n",
                      p, a, c, ctx->where);
        }
      else
        g_printerr ("grant: no token stored for provider %s and account %s in %s\n", p, a, ctx->where);
      return NULL;
    }
  return g_steal_pointer (&matches);
}

/* “client ids a, b” — which tokens a command is about to act on. */
static char *
client_ids (GPtrArray *keys)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < keys->len; i++)
    {
      GrantTokenKey *key = g_ptr_array_index (keys, i);
      g_autofree char *c = printable (grant_token_key_get_client_id (key));

      g_string_append_printf (out, "%s%s (%s)", i ? ", " : "", c,
                              protocol_slug (grant_token_key_get_protocol (key)));
    }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ */
/* Commands                                                             */
/* ------------------------------------------------------------------ */

static int
cmd_list (Context *ctx)
{
  g_autoptr(GPtrArray) keys = list_keys (ctx);
  g_autoptr(GPtrArray) rows = NULL;
  glong widths[4] = { 0 };

  if (keys == NULL)
    return 1;
  if (keys->len == 0)
    {
      g_printerr ("No tokens stored in %s.\n", ctx->where);
      return 0;
    }

  /* protocol, provider, account, client id, expiry */
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (guint i = 0; i < keys->len; i++)
    {
      GrantTokenKey *key = g_ptr_array_index (keys, i);
      char **row = g_new0 (char *, 6);

      row[0] = g_strdup (protocol_slug (grant_token_key_get_protocol (key)));
      row[1] = printable (grant_token_key_get_provider (key));
      row[2] = printable (grant_token_key_get_account (key));
      {
        g_autofree char *c = printable (grant_token_key_get_client_id (key));

        row[3] = g_strconcat ("client ", c, NULL);
      }
      if (grant_token_key_get_protocol (key) == GRANT_PROTOCOL_OAUTH2)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(JsonObject) token = grant_token_store_load (ctx->store, key, NULL, &error);

          if (token != NULL)
            row[4] = expiry_summary (token);
          else
            {
              g_autofree char *p = printable (grant_token_key_get_provider (key));
              g_autofree char *a = printable (grant_token_key_get_account (key));

              row[4] = g_strdup ("expiry unknown");
              g_printerr ("grant: cannot read the %s token for %s: %s\n", p, a,
                          error ? error->message : "it is gone");
              ctx->status = 1;
            }
        }
      else
        row[4] = g_strdup ("");
      for (int c = 0; c < 4; c++)
        widths[c] = MAX (widths[c], g_utf8_strlen (row[c], -1));
      g_ptr_array_add (rows, row);
    }

  for (guint i = 0; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);
      GString *line = g_string_new (NULL);

      for (int c = 0; c < 4; c++)
        {
          g_string_append (line, row[c]);
          if (c < 3 || *row[4])
            g_string_append_printf (line, "%*s", (int) (widths[c] - g_utf8_strlen (row[c], -1) + 2), "");
        }
      g_string_append (line, row[4]);
      g_print ("%s\n", line->str);
      g_string_free (line, TRUE);
    }
  return ctx->status;
}

static int
cmd_show (Context    *ctx,
          const char *provider,
          const char *account)
{
  g_autoptr(GPtrArray) matches = find_matches (ctx, provider, account);
  guint shown = 0;

  if (matches == NULL)
    return 1;
  if (matches->len > 1)
    {
      g_autofree char *p = printable (provider);
      g_autofree char *a = printable (account);
      g_autofree char *ids = client_ids (matches);

      g_print ("%u tokens are stored for %s %s, one per client id: %s\n\n", matches->len, p, a, ids);
    }

  for (guint i = 0; i < matches->len; i++)
    {
      GrantTokenKey *key = g_ptr_array_index (matches, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) token = grant_token_store_load (ctx->store, key, NULL, &error);

      if (token == NULL)
        {
          g_autofree char *c = printable (grant_token_key_get_client_id (key));

          g_printerr ("grant: cannot read the token for client id %s: %s\n", c,
                      error ? error->message : "it was deleted meanwhile");
          ctx->status = 1;
          continue;
        }
      if (shown++ > 0)
        g_print ("\n");
      print_token (key, token, ctx->reveal);
    }
  return ctx->status;
}

static int
cmd_delete (Context    *ctx,
            const char *provider,
            const char *account)
{
  g_autoptr(GPtrArray) matches = find_matches (ctx, provider, account);
  g_autofree char *p = printable (provider);
  g_autofree char *a = printable (account);

  if (matches == NULL)
    return 1;
  if (matches->len > 1)
    {
      g_autofree char *ids = client_ids (matches);

      g_print ("%u tokens are stored for %s %s, one per client id: %s; deleting all of them\n",
               matches->len, p, a, ids);
    }

  for (guint i = 0; i < matches->len; i++)
    {
      GrantTokenKey *key = g_ptr_array_index (matches, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *c = printable (grant_token_key_get_client_id (key));

      if (!grant_token_store_delete (ctx->store, key, NULL, &error))
        {
          g_printerr ("grant: cannot delete the %s token for %s (client id %s): %s\n", p, a, c,
                      error ? error->message : "the store failed");
          ctx->status = 1;
          continue;
        }
      g_print ("Deleted the %s token for %s %s (client id %s) from %s\n",
               protocol_title (grant_token_key_get_protocol (key)), p, a, c, ctx->where);
    }
  return ctx->status;
}

/* ------------------------------------------------------------------ */
/* Entry point                                                          */
/* ------------------------------------------------------------------ */

static void
usage_hint (void)
{
  g_printerr ("Usage: grant token list\n"
              "       grant token show PROVIDER ACCOUNT [--reveal]\n"
              "       grant token delete PROVIDER ACCOUNT\n"
              "Run “grant token --help” for the options.\n");
}

int
grant_token_main (int    argc,
                  char **argv)
{
  g_autofree char *store_name = NULL;
  g_autofree char *file = NULL;
  g_autofree char *client_id = NULL;
  gboolean reveal = FALSE;
  const GOptionEntry entries[] = {
    { "store", 0, 0, G_OPTION_ARG_STRING, &store_name,
      "Where the tokens are: keyring (the Secret Service), file, or default "
      "(the keyring if one is running, else the file)", "STORE" },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
      "The token file (implies --store=file; default $XDG_STATE_HOME/grant/tokens.json)", "PATH" },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id,
      "Only the token of this client id (show, delete)", "ID" },
    { "reveal", 0, 0, G_OPTION_ARG_NONE, &reveal,
      "Show tokens and secrets in full (show)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("list | show PROVIDER ACCOUNT | delete PROVIDER ACCOUNT");
  g_autoptr(GError) error = NULL;
  Context ctx = { 0 };
  const char *command;
  int status;

  g_option_context_set_summary (context,
                                "Lists, shows and deletes the tokens Grant keeps.\n"
                                "\n"
                                "  list                      One line per token: protocol, provider, account,\n"
                                "                            client id, and for OAuth 2 when it expires\n"
                                "  show PROVIDER ACCOUNT     Every field; tokens and secrets masked\n"
                                "                            unless --reveal\n"
                                "  delete PROVIDER ACCOUNT   Delete it (all of them, if several client ids\n"
                                "                            have one)");
  g_option_context_add_main_entries (context, entries, NULL);
  argv[0] = (char *) "grant token";  /* for --help */
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("grant: %s\n", error->message);
      return 2;
    }

  if (argc < 2)
    {
      usage_hint ();
      return 2;
    }
  command = argv[1];

  if (g_str_equal (command, "list"))
    {
      if (argc != 2)
        {
          g_printerr ("grant: token list takes no arguments\n");
          return 2;
        }
      if (reveal || client_id)
        {
          g_printerr ("grant: --reveal and --client-id go with show and delete, not list\n");
          return 2;
        }
    }
  else if (g_str_equal (command, "show") || g_str_equal (command, "delete"))
    {
      if (argc != 4)
        {
          g_printerr ("grant: token %s takes a PROVIDER and an ACCOUNT\n", command);
          usage_hint ();
          return 2;
        }
      if (reveal && g_str_equal (command, "delete"))
        {
          g_printerr ("grant: --reveal goes with show, not delete\n");
          return 2;
        }
    }
  else
    {
      g_printerr ("grant: “%s” is not a token command\n", command);
      usage_hint ();
      return 2;
    }

  if ((status = open_store (&ctx, store_name, file)) != 0)
    {
      context_clear (&ctx);
      return status;
    }
  ctx.reveal = reveal;
  ctx.client_id = g_steal_pointer (&client_id);

  if (g_str_equal (command, "list"))
    status = cmd_list (&ctx);
  else if (g_str_equal (command, "show"))
    status = cmd_show (&ctx, argv[2], argv[3]);
  else
    status = cmd_delete (&ctx, argv[2], argv[3]);

  context_clear (&ctx);
  return status;
}
