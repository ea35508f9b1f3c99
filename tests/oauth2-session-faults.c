/* oauth2-session-faults.c: GrantOAuth2Session against misbehaving servers
 *
 * Tier 2 of the test design, for OAuth 2. Every test starts in-process
 * SoupServers (tests/test-utils.c, each on a thread of its own so that
 * the blocking calls work) that play an authorization server and a
 * resource server, and answer the way real providers have been seen to:
 * OAuth errors with and without a matching HTTP status, HTML pages,
 * empty, truncated and endless bodies, redirects, form-encoded tokens,
 * slow token endpoints, revoked tokens, errors that echo secrets back.
 * Each test checks what went over the wire, the GError reported and
 * what the session keeps.
 *
 * Every test runs in a subprocess of its own (set GRANT_TEST_NO_FORK=1
 * to run them in-process under a debugger), so that one failing
 * assertion or hang reports that test and lets the others run.
 *
 * Server handlers run on the server thread: everything they record is
 * behind FaultServer.lock.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <json-glib/json-glib.h>

#include "fault-server.h"
#include "test-utils.h"

#define CLIENT_ID      "grant-client-id"
#define CLIENT_SECRET  "CLIENT-SECRET-c0ffee"
#define REDIRECT_URI   "https://app.example/cb"
#define CODE           "AUTH-CODE-5ec2e7"
#define OLD_ACCESS     "old-access-A11"
#define OLD_REFRESH    "old-refresh-R22"
#define NEW_ACCESS_1   "new-access-1"
#define USERNAME       "alice"
#define PASSWORD       "hunter2-PASSWORD"

#define FORM_TYPE "application/x-www-form-urlencoded"
#define JSON_TYPE "application/json"

/* A token endpoint answer with a refresh token and a known lifetime. */
#define TOKEN_JSON \
  "{\"access_token\":\"fetched-access\",\"token_type\":\"Bearer\"," \
  "\"expires_in\":3600,\"refresh_token\":\"fetched-refresh\"}"

/* Long enough for a slow machine, short enough that a hang is a failure
 * rather than a meson timeout. */
#define DEFAULT_TIMEOUT_S 10

/* Each test's subprocess is killed after this long. */
#define CASE_TIMEOUT_S 40

/* What the session guarantees to read before giving up. */
#define TOKEN_RESPONSE_MAX (1024 * 1024)

/* ------------------------------------------------------------------ */
/* The server                                                           */
/* ------------------------------------------------------------------ */

/* Answers @msg @delay_ms later, from the server thread's main context,
 * unless the client has gone by then. */
typedef struct {
  SoupServerMessage *msg;
  gboolean           gone;
  gulong             handler;
} Delayed;

static void
on_delayed_disconnected (SoupServerMessage *msg G_GNUC_UNUSED,
                         gpointer           user_data)
{
  ((Delayed *) user_data)->gone = TRUE;
}

static gboolean
delayed_unpause (gpointer user_data)
{
  Delayed *delayed = user_data;

  if (!delayed->gone)
    soup_server_message_unpause (delayed->msg);
  return G_SOURCE_REMOVE;
}

static void
delayed_free (gpointer user_data)
{
  Delayed *delayed = user_data;

  g_signal_handler_disconnect (delayed->msg, delayed->handler);
  g_object_unref (delayed->msg);
  g_free (delayed);
}

static void
answer_later (SoupServerMessage *msg,
              guint              delay_ms)
{
  Delayed *delayed = g_new0 (Delayed, 1);
  GSource *source;

  delayed->msg = g_object_ref (msg);
  delayed->handler = g_signal_connect (msg, "disconnected", G_CALLBACK (on_delayed_disconnected), delayed);
  soup_server_message_pause (msg);
  source = g_timeout_source_new (delay_ms);
  g_source_set_callback (source, delayed_unpause, delayed, delayed_free);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

/* Canned answers, by path. */
typedef struct {
  const char *path;          /* NULL: any path */
  guint       status;        /* 0 ends a table */
  const char *content_type;  /* NULL: no Content-Type */
  const char *body;          /* NULL: no body at all */
  const char *location;      /* set: a redirect with @status */
} Route;

#define ROUTES_END { NULL, 0, NULL, NULL, NULL }

static void
respond_routes (FaultServer       *fs G_GNUC_UNUSED,
                SoupServerMessage *msg,
                const char        *path,
                gconstpointer      data)
{
  const Route *route;

  for (route = data; route->status != 0; route++)
    {
      if (route->path == NULL || g_str_equal (route->path, path))
        break;
    }

  if (route->status == 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  if (route->location != NULL)
    {
      soup_server_message_set_redirect (msg, route->status, route->location);
      return;
    }
  soup_server_message_set_status (msg, route->status, NULL);
  if (route->body != NULL)
    soup_server_message_set_response (msg, route->content_type, SOUP_MEMORY_COPY,
                                      route->body, strlen (route->body));
}

/* Never answers. The server's disconnect at the end of the test cleans
 * up. */
static void
respond_pause (FaultServer       *fs G_GNUC_UNUSED,
               SoupServerMessage *msg,
               const char        *path G_GNUC_UNUSED,
               gconstpointer      data G_GNUC_UNUSED)
{
  soup_server_message_pause (msg);
}

/* An authorization server and a resource server in one:
 *
 * - /token answers @token_body (by default a new token
 *   "new-access-<n>", n counting the token requests), @token_delay_ms
 *   late;
 * - /resource… answers 200 "resource:<the access token it got>", or a
 *   401 with @challenge to @reject_token (or to any token with
 *   @reject_all);
 * - /redirect… answers @redirect_status to @redirect_location.
 */
typedef struct {
  guint        token_status;        /* 0: 200 */
  const char  *token_content_type;  /* NULL: JSON */
  const char  *token_body;          /* NULL: a new token */
  guint        token_delay_ms;
  const char  *reject_token;
  gboolean     reject_all;
  const char  *challenge;
  guint        redirect_status;
  const char  *redirect_location;
} Provider;

static void
respond_provider (FaultServer       *fs,
                  SoupServerMessage *msg,
                  const char        *path,
                  gconstpointer      data)
{
  const Provider *provider = data;

  if (g_str_equal (path, "/token"))
    {
      g_autofree char *body = NULL;
      guint n;

      g_mutex_lock (&fs->lock);
      n = ++fs->n_token_requests;
      g_mutex_unlock (&fs->lock);

      if (provider->token_body != NULL)
        body = g_strdup (provider->token_body);
      else
        body = g_strdup_printf ("{\"access_token\":\"new-access-%u\",\"token_type\":\"Bearer\","
                                "\"expires_in\":3600}", n);
      soup_server_message_set_status (msg, provider->token_status ? provider->token_status : 200, NULL);
      soup_server_message_set_response (msg,
                                        provider->token_content_type ? provider->token_content_type : JSON_TYPE,
                                        SOUP_MEMORY_COPY, body, strlen (body));
      if (provider->token_delay_ms > 0)
        answer_later (msg, provider->token_delay_ms);
      return;
    }

  if (g_str_has_prefix (path, "/resource"))
    {
      const Recorded *recorded;
      g_autofree char *body = NULL;

      /* Recorded entries are immutable and live as long as the server. */
      recorded = g_object_get_data (G_OBJECT (msg), "fault-recorded");
      g_assert_nonnull (recorded);

      if (recorded->token != NULL &&
          (provider->reject_all || g_strcmp0 (provider->reject_token, recorded->token) == 0))
        {
          const char *text = "rejected";

          soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
          if (provider->challenge != NULL)
            soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                          "WWW-Authenticate", provider->challenge);
          soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, text, strlen (text));
          return;
        }
      body = g_strdup_printf ("resource:%s", recorded->token ? recorded->token : "(none)");
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, body, strlen (body));
      return;
    }

  if (g_str_has_prefix (path, "/redirect") && provider->redirect_status != 0)
    {
      soup_server_message_set_redirect (msg, provider->redirect_status, provider->redirect_location);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

/* A token that never ends: *(const guint64 *) data bytes. */
static void
respond_stream (FaultServer       *fs,
                SoupServerMessage *msg,
                const char        *path G_GNUC_UNUSED,
                gconstpointer      data)
{
  fault_server_stream (fs, msg, JSON_TYPE, "{\"access_token\":\"", *(const guint64 *) data);
}

/* A token endpoint that repeats what it was sent in its error, as some
 * servers' debug output does. */
typedef enum {
  ECHO_JSON_400,  /* in error_description */
  ECHO_TEXT_500,  /* a text/plain page */
  ECHO_FORM_200,  /* GitHub: a 200 with a form-encoded error */
} EchoFormat;

typedef enum {
  ECHO_DECODED_BODY,   /* the form body's pairs, decoded */
  ECHO_RAW_BODY,       /* the form body as it came */
  ECHO_DECODED_QUERY,  /* the query's pairs, decoded */
  ECHO_AUTHORIZATION,  /* the Authorization header as it came */
  ECHO_BASIC_DECODED,  /* the Basic credentials, base64-decoded */
} EchoPart;

typedef struct {
  EchoFormat format;
  EchoPart   part;
} Echo;

/* "name=value name=value", decoded, in the order sent. */
static char *
decode_pairs (const char *form)
{
  g_auto(GStrv) pairs = g_strsplit (form ? form : "", "&", -1);
  GString *out = g_string_new (NULL);

  for (char **pair = pairs; *pair != NULL; pair++)
    {
      g_autofree char *plus_free = g_strdup (*pair);
      g_autofree char *decoded = NULL;

      g_strdelimit (plus_free, "+", ' ');
      decoded = g_uri_unescape_string (plus_free, NULL);
      if (decoded == NULL)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, decoded);
    }
  return g_string_free (out, FALSE);
}

static void
respond_echo (FaultServer       *fs,
              SoupServerMessage *msg,
              const char        *path G_GNUC_UNUSED,
              gconstpointer      data)
{
  const Echo *echo = data;
  const Recorded *recorded = g_object_get_data (G_OBJECT (msg), "fault-recorded");
  g_autofree char *part = NULL;
  g_autofree char *text = NULL;
  g_autofree char *response = NULL;
  const char *content_type = JSON_TYPE;
  guint status = 400;

  switch (echo->part)
    {
    case ECHO_DECODED_BODY:
      part = decode_pairs (recorded->body);
      break;
    case ECHO_RAW_BODY:
      part = g_strdup (recorded->body);
      break;
    case ECHO_DECODED_QUERY:
      part = decode_pairs (recorded->query);
      break;
    case ECHO_AUTHORIZATION:
      part = g_strdup (recorded->authorization ? recorded->authorization : "(none)");
      break;
    case ECHO_BASIC_DECODED:
    default:
      if (recorded->authorization != NULL && g_str_has_prefix (recorded->authorization, "Basic "))
        {
          gsize len = 0;
          guchar *decoded = g_base64_decode (recorded->authorization + strlen ("Basic "), &len);

          part = g_strndup ((const char *) decoded, len);
          g_free (decoded);
        }
      else
        part = g_strdup ("(no Basic credentials)");
      break;
    }

  text = g_strdup_printf ("Rejected: %s", part);
  switch (echo->format)
    {
    case ECHO_TEXT_500:
      response = g_strdup (text);
      content_type = "text/plain";
      status = 500;
      break;
    case ECHO_FORM_200:
      {
        g_autofree char *escaped = g_uri_escape_string (text, NULL, FALSE);

        response = g_strconcat ("error=invalid_request&error_description=", escaped, NULL);
        content_type = FORM_TYPE;
        status = 200;
      }
      break;
    case ECHO_JSON_400:
    default:
      {
        g_autoptr(JsonBuilder) builder = json_builder_new ();
        g_autoptr(JsonNode) root = NULL;

        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "error");
        json_builder_add_string_value (builder, "invalid_request");
        json_builder_set_member_name (builder, "error_description");
        json_builder_add_string_value (builder, text);
        json_builder_end_object (builder);
        root = json_builder_get_root (builder);
        response = json_to_string (root, FALSE);
      }
      break;
    }

  g_mutex_lock (&fs->lock);
  g_free (fs->last_echo);
  fs->last_echo = g_strdup (text);
  g_mutex_unlock (&fs->lock);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, response, strlen (response));
}

/* ------------------------------------------------------------------ */
/* The client                                                           */
/* ------------------------------------------------------------------ */

typedef enum {
  MODE_BLOCKING,
  MODE_ASYNC,
} Mode;

typedef struct {
  Mode          mode;
  gconstpointer data;
  GTestDataFunc func;
} TestCase;

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static GrantOAuth2Session *
session_new_for (GrantClientType  type,
                 FaultServer     *fs)
{
  g_autofree char *token_url = fs ? fault_server_url (fs, "/token") : NULL;

  return g_object_new (GRANT_TYPE_OAUTH2_SESSION,
                       "client-type", type,
                       "client-id", CLIENT_ID,
                       "client-secret", CLIENT_SECRET,
                       "redirect-uri", REDIRECT_URI,
                       "allow-insecure-transport", TRUE,
                       "token-url", token_url,
                       "timeout", DEFAULT_TIMEOUT_S,
                       NULL);
}

static GrantOAuth2Session *
session_new (FaultServer *fs)
{
  return session_new_for (GRANT_CLIENT_TYPE_WEB_APPLICATION, fs);
}

/* A token as an application would have stored it. @expires_at 0: no
 * expiry known. */
static void
session_set_token (GrantOAuth2Session *session,
                   const char         *access_token,
                   const char         *refresh_token,
                   gint64              expires_at)
{
  g_autoptr(GrantToken) token = grant_token_new (access_token);

  if (refresh_token != NULL)
    grant_token_set_refresh_token (token, refresh_token);
  if (expires_at != 0)
    grant_token_set_expires_at (token, expires_at);
  grant_oauth2_session_set_token (session, token);
}

static void
session_set_expired_token (GrantOAuth2Session *session)
{
  session_set_token (session, OLD_ACCESS, OLD_REFRESH, now_s () - 10);
}

static void
session_set_fresh_token (GrantOAuth2Session *session)
{
  session_set_token (session, OLD_ACCESS, OLD_REFRESH, now_s () + 3600);
}

static void
assert_session_token (GrantOAuth2Session *session,
                      const char         *access_token,
                      const char         *refresh_token)
{
  g_autoptr(GrantToken) token = grant_oauth2_session_get_token (session);

  if (access_token == NULL)
    {
      g_assert_null (token);
      g_assert_false (grant_oauth2_session_get_authorized (session));
      return;
    }
  g_assert_nonnull (token);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, access_token);
  g_assert_cmpstr (grant_token_get_refresh_token (token), ==, refresh_token);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default main context for @ms milliseconds. */
static void
spin_main_context (guint ms)
{
  gboolean elapsed = FALSE;

  g_timeout_add (ms, set_flag, &elapsed);
  test_wait_for (&elapsed);
}

/* One asynchronous call: its callback must come exactly once. */
typedef struct {
  guint         n_callbacks;
  gboolean      done;
  GAsyncResult *result;
} Waiter;

static void
on_async_done (GObject      *source G_GNUC_UNUSED,
               GAsyncResult *result,
               gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->n_callbacks++;
  if (waiter->result == NULL)
    waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}

/* Waits for the callback, then a little more to catch a second one. */
static void
waiter_wait (Waiter *waiter)
{
  test_wait_for (&waiter->done);
  spin_main_context (20);
  g_assert_cmpuint (waiter->n_callbacks, ==, 1);
}

/* The calls under test, blocking or async. Async calls always get a
 * GCancellable, so that its code path is the one exercised. */
static GrantToken *
do_fetch_token (GrantOAuth2Session  *session,
                Mode                 mode,
                const char          *token_url,
                const char          *authorization_response,
                const char          *code,
                GHashTable          *extra_params,
                GCancellable        *cancellable,
                GError             **error)
{
  g_autoptr(GCancellable) own = NULL;
  Waiter waiter = { 0, FALSE, NULL };
  GrantToken *token;

  if (mode == MODE_BLOCKING)
    return grant_oauth2_session_fetch_token (session, token_url, authorization_response, code,
                                             extra_params, cancellable, error);
  if (cancellable == NULL)
    cancellable = own = g_cancellable_new ();
  grant_oauth2_session_fetch_token_async (session, token_url, authorization_response, code,
                                          extra_params, cancellable, on_async_done, &waiter);
  /* A GTask never completes inside the call that started it. */
  g_assert_false (waiter.done);
  waiter_wait (&waiter);
  token = grant_oauth2_session_fetch_token_finish (session, waiter.result, error);
  g_object_unref (waiter.result);
  return token;
}

static GrantToken *
do_fetch_with_password (GrantOAuth2Session  *session,
                        Mode                 mode,
                        const char          *token_url,
                        GHashTable          *extra_params,
                        GError             **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Waiter waiter = { 0, FALSE, NULL };
  GrantToken *token;

  if (mode == MODE_BLOCKING)
    return grant_oauth2_session_fetch_token_with_password (session, token_url, USERNAME, PASSWORD,
                                                           extra_params, NULL, error);
  grant_oauth2_session_fetch_token_with_password_async (session, token_url, USERNAME, PASSWORD,
                                                        extra_params, cancellable, on_async_done, &waiter);
  g_assert_false (waiter.done);
  waiter_wait (&waiter);
  token = grant_oauth2_session_fetch_token_with_password_finish (session, waiter.result, error);
  g_object_unref (waiter.result);
  return token;
}

static GrantToken *
do_refresh (GrantOAuth2Session  *session,
            Mode                 mode,
            GHashTable          *extra_params,
            GError             **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Waiter waiter = { 0, FALSE, NULL };
  GrantToken *token;

  if (mode == MODE_BLOCKING)
    return grant_oauth2_session_refresh_token (session, NULL, extra_params, NULL, error);
  grant_oauth2_session_refresh_token_async (session, NULL, extra_params, cancellable, on_async_done, &waiter);
  g_assert_false (waiter.done);
  waiter_wait (&waiter);
  token = grant_oauth2_session_refresh_token_finish (session, waiter.result, error);
  g_object_unref (waiter.result);
  return token;
}

static GBytes *
do_send (GrantOAuth2Session  *session,
         Mode                 mode,
         SoupMessage         *message,
         GBytes              *body,
         GrantSendFlags       flags,
         GCancellable        *cancellable,
         GError             **error)
{
  g_autoptr(GCancellable) own = NULL;
  Waiter waiter = { 0, FALSE, NULL };
  GBytes *response;

  if (mode == MODE_BLOCKING)
    return grant_oauth2_session_send_and_read (session, message, body, flags, cancellable, error);
  if (cancellable == NULL)
    cancellable = own = g_cancellable_new ();
  grant_oauth2_session_send_and_read_async (session, message, body, flags, cancellable,
                                            on_async_done, &waiter);
  g_assert_false (waiter.done);
  waiter_wait (&waiter);
  response = grant_oauth2_session_send_and_read_finish (session, waiter.result, error);
  g_object_unref (waiter.result);
  return response;
}

/* GET @path on @fs through the session; returns the body as text. */
static char *
send_get (GrantOAuth2Session  *session,
          Mode                 mode,
          FaultServer         *fs,
          const char          *path,
          GrantSendFlags       flags,
          guint               *status,
          GError             **error)
{
  g_autofree char *url = fault_server_url (fs, path);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) response = NULL;

  g_assert_nonnull (message);
  response = do_send (session, mode, message, NULL, flags, NULL, error);
  if (status != NULL)
    *status = soup_message_get_status (message);
  if (response == NULL)
    return NULL;
  return g_strndup (g_bytes_get_data (response, NULL), g_bytes_get_size (response));
}

/* The authorization URL's verifier made, for the code exchange. */
static void
prepare_pkce (GrantOAuth2Session *session)
{
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;

  url = grant_oauth2_session_authorization_url (session, "https://auth.example/authorize",
                                                NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (url);
  g_assert_nonnull (grant_oauth2_session_get_code_verifier (session));
}

static GHashTable *
string_table (const char *first_name,
              ...)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  va_list args;

  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    g_hash_table_replace (table, g_strdup (name), g_strdup (va_arg (args, const char *)));
  va_end (args);
  return table;
}

/* The application/x-www-form-urlencoded encoding (RFC 6749 §2.3.1,
 * appendix B), written here again so that the tests do not trust the
 * library's. */
static char *
form_encode (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~')
        g_string_append_c (out, *p);
      else if (*p == ' ')
        g_string_append_c (out, '+');
      else
        g_string_append_printf (out, "%%%02X", *p);
    }
  return g_string_free (out, FALSE);
}

/* "Basic " + base64(form(id) ":" form(secret)). */
static char *
basic_header (const char *client_id,
              const char *client_secret)
{
  g_autofree char *id = form_encode (client_id);
  g_autofree char *secret = form_encode (client_secret);
  g_autofree char *pair = g_strconcat (id, ":", secret, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

  return g_strconcat ("Basic ", encoded, NULL);
}

/* BASE64URL(SHA256(verifier)), no padding (RFC 7636 §4.2). */
static char *
s256_challenge (const char *verifier)
{
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  GChecksum *checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *encoded = NULL;
  GString *out = g_string_new (NULL);

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &digest_len);
  g_checksum_free (checksum);
  encoded = g_base64_encode (digest, digest_len);
  for (const char *p = encoded; *p && *p != '='; p++)
    g_string_append_c (out, *p == '+' ? '-' : *p == '/' ? '_' : *p);
  return g_string_free (out, FALSE);
}

/* The query of @url as a table. */
static GHashTable *
url_query (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);

  g_assert_nonnull (uri);
  return fault_parse_form (g_uri_get_query (uri));
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("“%s” is not in “%s”", needle, haystack ? haystack : "(null)");
}

static void
assert_not_contains (const char *haystack,
                     const char *needle)
{
  if (haystack != NULL && strstr (haystack, needle) != NULL)
    g_error ("“%s” should not be in “%s”", needle, haystack);
}

static const char *
mode_slug (Mode mode)
{
  return mode == MODE_ASYNC ? "async" : "blocking";
}

/* Saves an environment variable for restore_env(). */
typedef struct {
  const char *name;
  char       *value;
  gboolean    was_set;
} SavedEnv;

static void
save_and_unset_env (SavedEnv   *saved,
                    const char *name)
{
  const char *value = g_getenv (name);

  saved->name = name;
  saved->was_set = value != NULL;
  saved->value = g_strdup (value);
  g_unsetenv (name);
}

static void
restore_env (SavedEnv *saved)
{
  if (saved->was_set)
    g_setenv (saved->name, saved->value, TRUE);
  else
    g_unsetenv (saved->name);
  g_clear_pointer (&saved->value, g_free);
}

/* ------------------------------------------------------------------ */
/* 1. Token responses                                                   */
/* ------------------------------------------------------------------ */

typedef struct {
  const char *name;
  guint       status;
  const char *content_type;
  const char *body;
  GrantError  code;
  const char *in_message[3];
} ResponseCase;

/* Counts token-updated, from whatever thread emits it. */
static void
on_token_updated_count (GrantOAuth2Session *session G_GNUC_UNUSED,
                        GrantToken         *token,
                        gpointer            user_data)
{
  g_assert_true (GRANT_IS_TOKEN (token));
  g_atomic_int_inc ((gint *) user_data);
}

static const ResponseCase response_cases[] = {
  { "http-400-invalid-grant-with-description", 400, JSON_TYPE,
    "{\"error\":\"invalid_grant\",\"error_description\":\"The code expired at 12:00\"}",
    GRANT_ERROR_INVALID_GRANT, { "The code expired at 12:00", "400", NULL } },
  { "http-401-invalid-client-with-description", 401, JSON_TYPE,
    "{\"error\":\"invalid_client\",\"error_description\":\"Unknown client grant-client-id\"}",
    GRANT_ERROR_INVALID_CLIENT, { "Unknown client grant-client-id", "401", NULL } },
  { "http-400-unknown-error-code-is-server-reported", 400, JSON_TYPE,
    "{\"error\":\"account_suspended\",\"error_description\":\"Suspended for abuse\"}",
    GRANT_ERROR_SERVER_REPORTED, { "account_suspended", "Suspended for abuse", "400" } },
  { "http-200-with-error-member", 200, JSON_TYPE,
    "{\"error\":\"invalid_grant\",\"error_description\":\"Code already used\"}",
    GRANT_ERROR_INVALID_GRANT, { "Code already used", NULL, NULL } },
  { "http-200-github-form-encoded-error", 200, FORM_TYPE,
    "error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired."
    "&error_uri=https%3A%2F%2Fdocs.github.com%2Fapps",
    GRANT_ERROR_SERVER_REPORTED, { "bad_verification_code", "The code passed is incorrect or expired.", NULL } },
  { "http-500-html-page-is-malformed", 500, "text/html",
    "<!DOCTYPE html>\n<html><head><title>500</title></head><body><h1>Internal Server Error</h1></body></html>",
    GRANT_ERROR_MALFORMED_RESPONSE, { "500", "HTML", NULL } },
  { "http-200-html-login-page-is-malformed", 200, "text/html; charset=utf-8",
    "<html><body><form action=\"/login\"><input name=\"password\"></form></body></html>",
    GRANT_ERROR_MALFORMED_RESPONSE, { "200", "HTML", NULL } },
  { "http-200-empty-body-is-malformed", 200, JSON_TYPE, "",
    GRANT_ERROR_MALFORMED_RESPONSE, { "200", "empty", NULL } },
  { "http-502-empty-body-is-malformed", 502, "text/plain", "",
    GRANT_ERROR_MALFORMED_RESPONSE, { "502", "empty", NULL } },
  { "http-200-truncated-json-is-malformed", 200, JSON_TYPE,
    "{\"access_token\":\"abc\",\"token_type\":\"Bea",
    GRANT_ERROR_MALFORMED_RESPONSE, { "200", NULL, NULL } },
  { "http-200-json-array-is-malformed", 200, JSON_TYPE,
    "[{\"access_token\":\"abc\",\"token_type\":\"Bearer\"}]",
    GRANT_ERROR_MALFORMED_RESPONSE, { "200", NULL, NULL } },
  { "http-503-json-without-error-is-malformed", 503, JSON_TYPE,
    "{\"status\":\"maintenance\"}",
    GRANT_ERROR_MALFORMED_RESPONSE, { "503", NULL, NULL } },
  { "http-200-json-without-access-token-is-token-missing", 200, JSON_TYPE,
    "{\"token_type\":\"Bearer\",\"expires_in\":3600}",
    GRANT_ERROR_TOKEN_MISSING, { NULL, NULL, NULL } },
};

static void
test_token_response_error (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  const ResponseCase *rc = tc->data;
  const Route routes[] = {
    { "/token", rc->status, rc->content_type, rc->body, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *url = fault_server_url (fs, "/token");
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  gint updates = 0;

  prepare_pkce (session);
  g_signal_connect (session, "token-updated", G_CALLBACK (on_token_updated_count), &updates);
  token = do_fetch_token (session, tc->mode, url, NULL, CODE, NULL, NULL, &error);

  g_assert_error (error, GRANT_ERROR, (gint) rc->code);
  g_assert_null (token);
  g_test_message ("error: %s", error->message);
  for (guint i = 0; i < G_N_ELEMENTS (rc->in_message) && rc->in_message[i] != NULL; i++)
    assert_contains (error->message, rc->in_message[i]);
  g_assert_cmpuint (fault_server_count (fs), ==, 1);
  assert_session_token (session, NULL, NULL);
  g_assert_cmpint (updates, ==, 0);
}

/* GitHub without an Accept header answers form-encoded, with a
 * comma-separated scope. */
static void
test_form_encoded_token_accepted (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Route routes[] = {
    { "/token", 200, FORM_TYPE,
      "access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer", NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *url = fault_server_url (fs, "/token");
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *scope;
  gint updates = 0;

  prepare_pkce (session);
  g_signal_connect (session, "token-updated", G_CALLBACK (on_token_updated_count), &updates);
  token = do_fetch_token (session, tc->mode, url, NULL, CODE, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "gho_16C7e42F292c6912E7710c838347Ae178B4a");
  g_assert_true (grant_token_is_bearer (token));
  scope = grant_token_get_scope (token);
  g_assert_nonnull (scope);
  g_assert_cmpuint (g_strv_length ((char **) scope), ==, 2);
  g_assert_true (g_strv_contains (scope, "repo"));
  g_assert_true (g_strv_contains (scope, "gist"));
  g_assert_true (grant_oauth2_session_get_authorized (session));
  assert_session_token (session, "gho_16C7e42F292c6912E7710c838347Ae178B4a", NULL);
  g_assert_cmpint (updates, ==, 1);
}

/* @tc->data: the redirect status; 308 goes to another origin. */
static void
test_token_endpoint_redirect_not_followed (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  guint status = GPOINTER_TO_UINT (tc->data);
  static const Route elsewhere_routes[] = {
    { NULL, 200, JSON_TYPE, TOKEN_JSON, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) elsewhere = fault_server_new (respond_routes, elsewhere_routes);
  g_autofree char *cross = fault_server_url (elsewhere, "/moved-token");
  const Route routes[] = {
    { "/token", status, NULL, NULL, status == 308 ? cross : "/moved-token" },
    { "/moved-token", 200, JSON_TYPE, TOKEN_JSON, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *url = fault_server_url (fs, "/token");
  g_autofree char *same = fault_server_url (fs, "/moved-token");
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  prepare_pkce (session);
  token = do_fetch_token (session, tc->mode, url, NULL, CODE, NULL, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE);
  g_assert_null (token);
  g_test_message ("error: %s", error->message);
  assert_contains (error->message, status == 308 ? cross : same);
  g_assert_cmpuint (fault_server_count (fs), ==, 1);
  g_assert_cmpstr (fault_server_request (fs, 0)->path, ==, "/token");
  g_assert_cmpuint (fault_server_count (elsewhere), ==, 0);
  assert_session_token (session, NULL, NULL);
}

/* 256 MiB, chunked, written only as fast as the client reads: if the
 * session stops at its limit, the server cannot have written much more
 * than the limit plus what the sockets buffer. */
static void
test_endless_chunked_body (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const guint64 total = G_GUINT64_CONSTANT (256) * 1024 * 1024;
  g_autoptr(FaultServer) fs = fault_server_new (respond_stream, &total);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *url = fault_server_url (fs, "/token");
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  gboolean finished = FALSE;
  guint64 streamed;

  prepare_pkce (session);
  token = do_fetch_token (session, tc->mode, url, NULL, CODE, NULL, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE);
  g_assert_null (token);
  assert_session_token (session, NULL, NULL);

  deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (!finished && g_get_monotonic_time () < deadline)
    {
      spin_main_context (10);
      g_mutex_lock (&fs->lock);
      finished = fs->stream_finished;
      g_mutex_unlock (&fs->lock);
    }
  g_mutex_lock (&fs->lock);
  streamed = fs->bytes_streamed;
  g_mutex_unlock (&fs->lock);
  g_test_message ("the server wrote %" G_GUINT64_FORMAT " bytes before the client gave up", streamed);
  g_assert_cmpuint (streamed, >, TOKEN_RESPONSE_MAX);
  g_assert_cmpuint (streamed, <, 32 * 1024 * 1024);
}

/* ------------------------------------------------------------------ */
/* 2. What a token request looks like on the wire                       */
/* ------------------------------------------------------------------ */

static const Route token_routes[] = {
  { "/token", 200, JSON_TYPE, TOKEN_JSON, NULL },
  ROUTES_END,
};

/* Exchanges CODE on @fs; returns the request the token endpoint got. */
static const Recorded *
exchange_code (GrantOAuth2Session *session,
               Mode                mode,
               FaultServer        *fs,
               GHashTable         *extra_params)
{
  g_autofree char *url = fault_server_url (fs, "/token");
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  GrantClientType type;

  /* A client-credentials client has no code to send. */
  g_object_get (session, "client-type", &type, NULL);
  token = do_fetch_token (session, mode, url, NULL,
                          type == GRANT_CLIENT_TYPE_WEB_APPLICATION ? CODE : NULL,
                          extra_params, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "fetched-access");
  g_assert_cmpuint (fault_server_count (fs), ==, 1);
  return fault_server_request (fs, 0);
}

static void
assert_form_post (const Recorded *request)
{
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/token");
  g_assert_null (request->query);
  g_assert_cmpstr (request->content_type, ==, FORM_TYPE);
  g_assert_cmpstr (request->accept, ==, JSON_TYPE);
}

static char *
expected_code_body (const char *client_auth_params,
                    const char *verifier)
{
  g_autofree char *redirect = form_encode (REDIRECT_URI);

  return g_strdup_printf ("grant_type=authorization_code%s&code_verifier=%s&code=%s&redirect_uri=%s",
                          client_auth_params, verifier, CODE, redirect);
}

/* requests-oauthlib's default: HTTP Basic, nothing of the client in the
 * body. */
static void
test_wire_automatic_is_basic (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *expected = NULL;
  g_autofree char *basic = basic_header (CLIENT_ID, CLIENT_SECRET);
  g_autofree char *plain = NULL;
  const Recorded *request;

  prepare_pkce (session);
  expected = expected_code_body ("", grant_oauth2_session_get_code_verifier (session));
  request = exchange_code (session, tc->mode, fs, NULL);

  assert_form_post (request);
  g_assert_cmpstr (request->authorization, ==, basic);
  /* Nothing in these is changed by form-encoding, so it is plain
   * base64(cid:sec) too. */
  plain = g_base64_encode ((const guchar *) CLIENT_ID ":" CLIENT_SECRET, strlen (CLIENT_ID ":" CLIENT_SECRET));
  g_assert_cmpstr (request->authorization + strlen ("Basic "), ==, plain);
  g_assert_cmpstr (request->body, ==, expected);
  assert_not_contains (request->body, "client_id");
  assert_not_contains (request->body, "client_secret");
}

/* The code exchange of @session sends no Authorization and the id and
 * secret in the body. */
static void
assert_credentials_in_body (const TestCase     *tc,
                            FaultServer        *fs,
                            GrantOAuth2Session *session)
{
  g_autofree char *expected = NULL;
  const Recorded *request;

  prepare_pkce (session);
  expected = expected_code_body ("&client_id=" CLIENT_ID "&client_secret=" CLIENT_SECRET,
                                 grant_oauth2_session_get_code_verifier (session));
  request = exchange_code (session, tc->mode, fs, NULL);

  assert_form_post (request);
  g_assert_null (request->authorization);
  g_assert_cmpstr (request->body, ==, expected);
}

/* include-client-id: no Authorization, the id and secret in the body. */
static void
test_wire_include_client_id (gconstpointer user_data)
{
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);

  g_object_set (session, "include-client-id", TRUE, NULL);
  assert_credentials_in_body (user_data, fs, session);
}

/* RFC 6749 §2.3.1: the id and secret are form-encoded, then joined and
 * base64-encoded. */
static void
test_wire_basic_form_encodes_credentials (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const char id[] = "client id:1";
  static const char secret[] = "s3cr%t:&+/= x";
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *expected = basic_header (id, secret);
  g_autofree char *naive_pair = g_strconcat (id, ":", secret, NULL);
  g_autofree char *naive = g_base64_encode ((const guchar *) naive_pair, strlen (naive_pair));
  g_autofree char *body = NULL;
  const Recorded *request;

  g_object_set (session, "client-auth", GRANT_CLIENT_AUTH_BASIC, "client-id", id, "client-secret", secret, NULL);
  prepare_pkce (session);
  body = expected_code_body ("", grant_oauth2_session_get_code_verifier (session));
  request = exchange_code (session, tc->mode, fs, NULL);

  assert_form_post (request);
  g_test_message ("Authorization: %s", request->authorization);
  g_assert_cmpstr (request->authorization, ==, expected);
  g_assert_cmpstr (request->authorization + strlen ("Basic "), !=, naive);
  g_assert_cmpstr (request->body, ==, body);
}

static void
test_wire_post (gconstpointer user_data)
{
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);

  g_object_set (session, "client-auth", GRANT_CLIENT_AUTH_POST, NULL);
  assert_credentials_in_body (user_data, fs, session);
}

/* client_secret_basic with no secret yet is a public client; once the
 * secret is set, the next request authenticates with it. An empty secret
 * is a secret. */
static void
test_wire_basic_without_secret (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  /* The secret at creation, and the one set before the exchange. */
  static const struct {
    const char *at_creation;
    const char *set_later;
    gboolean    public;
  } steps[] = {
    { NULL, NULL, TRUE },
    { NULL, CLIENT_SECRET, FALSE },
    { CLIENT_SECRET, "", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
      g_autoptr(GrantOAuth2Session) session = session_new (fs);
      g_autofree char *expected = NULL;
      g_autofree char *basic = NULL;
      const Recorded *request;

      g_object_set (session, "client-auth", GRANT_CLIENT_AUTH_BASIC, "client-secret", steps[i].at_creation, NULL);
      g_object_set (session, "client-secret", steps[i].set_later, NULL);
      prepare_pkce (session);
      request = exchange_code (session, tc->mode, fs, NULL);
      if (steps[i].public)
        {
          expected = expected_code_body ("&client_id=" CLIENT_ID, grant_oauth2_session_get_code_verifier (session));
          g_assert_null (request->authorization);
        }
      else
        {
          expected = expected_code_body ("", grant_oauth2_session_get_code_verifier (session));
          basic = basic_header (CLIENT_ID, steps[i].set_later);
          g_assert_cmpstr (request->authorization, ==, basic);
        }
      g_assert_cmpstr (request->body, ==, expected);
    }
}

/* A public client: its id, and no secret anywhere. */
static void
test_wire_none (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *expected = NULL;
  const Recorded *request;

  g_object_set (session, "client-auth", GRANT_CLIENT_AUTH_NONE, NULL);
  prepare_pkce (session);
  expected = expected_code_body ("&client_id=" CLIENT_ID, grant_oauth2_session_get_code_verifier (session));
  request = exchange_code (session, tc->mode, fs, NULL);

  assert_form_post (request);
  g_assert_null (request->authorization);
  g_assert_cmpstr (request->body, ==, expected);
  assert_not_contains (request->body, CLIENT_SECRET);
}

/* The resource owner's credentials go in the body, never in Basic,
 * which carries the client's. */
static void
test_wire_password_grant (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const char * const scope[] = { "read", "write", NULL };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) session = session_new_for (GRANT_CLIENT_TYPE_LEGACY_APPLICATION, fs);
  g_autofree char *url = fault_server_url (fs, "/token");
  g_autofree char *basic = basic_header (CLIENT_ID, CLIENT_SECRET);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  const Recorded *request;

  g_object_set (session, "scope", scope, NULL);
  token = do_fetch_with_password (session, tc->mode, url, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "fetched-access");
  g_assert_cmpuint (fault_server_count (fs), ==, 1);
  request = fault_server_request (fs, 0);
  assert_form_post (request);
  g_assert_cmpstr (request->authorization, ==, basic);
  g_assert_cmpstr (request->body, ==,
                   "grant_type=password&username=" USERNAME "&password=" PASSWORD "&scope=read+write");
}

static void
test_wire_client_credentials (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const char * const scope[] = { "read", "write", NULL };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) session = session_new_for (GRANT_CLIENT_TYPE_BACKEND_APPLICATION, fs);
  g_autofree char *basic = basic_header (CLIENT_ID, CLIENT_SECRET);
  const Recorded *request;

  g_object_set (session, "scope", scope, NULL);
  request = exchange_code (session, tc->mode, fs, NULL);

  assert_form_post (request);
  g_assert_cmpstr (request->authorization, ==, basic);
  g_assert_cmpstr (request->body, ==, "grant_type=client_credentials&scope=read+write");
}

/* Extras go last, in the order of their names; empty ones are left out
 * (requests-oauthlib keeps only truthy values). */
static void
test_wire_extra_params (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autoptr(GHashTable) extra = string_table ("resource", "https://api.example/v1",
                                              "audience", "my api",
                                              "prompt", "",
                                              NULL);
  g_autofree char *base = NULL;
  g_autofree char *expected = NULL;
  const Recorded *request;

  prepare_pkce (session);
  base = expected_code_body ("", grant_oauth2_session_get_code_verifier (session));
  expected = g_strconcat (base, "&audience=my+api&resource=https%3A%2F%2Fapi.example%2Fv1", NULL);
  request = exchange_code (session, tc->mode, fs, extra);

  assert_form_post (request);
  g_assert_cmpstr (request->body, ==, expected);
}

/* token-request-method GET: everything in the query, nothing in a body;
 * client authentication unchanged. */
static void
test_wire_get_method (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autoptr(GHashTable) extra = string_table ("audience", "api", NULL);
  g_autofree char *basic = basic_header (CLIENT_ID, CLIENT_SECRET);
  g_autoptr(GHashTable) query = NULL;
  g_autofree char *expected = NULL;
  const Recorded *request;

  g_object_set (session, "token-request-method", "GET", NULL);
  prepare_pkce (session);
  expected = expected_code_body ("", grant_oauth2_session_get_code_verifier (session));
  request = exchange_code (session, tc->mode, fs, extra);

  g_assert_cmpstr (request->method, ==, "GET");
  g_assert_cmpstr (request->path, ==, "/token");
  g_assert_cmpstr (request->body, ==, "");
  g_assert_cmpstr (request->authorization, ==, basic);
  g_assert_cmpstr (request->accept, ==, JSON_TYPE);
  g_assert_nonnull (request->query);
  g_test_message ("query: %s", request->query);
  assert_contains (request->query, expected);
  query = fault_parse_form (request->query);
  g_assert_cmpstr (g_hash_table_lookup (query, "grant_type"), ==, "authorization_code");
  g_assert_cmpstr (g_hash_table_lookup (query, "code"), ==, CODE);
  g_assert_cmpstr (g_hash_table_lookup (query, "code_verifier"), ==, grant_oauth2_session_get_code_verifier (session));
  g_assert_cmpstr (g_hash_table_lookup (query, "redirect_uri"), ==, REDIRECT_URI);
  g_assert_cmpstr (g_hash_table_lookup (query, "audience"), ==, "api");
  g_assert_cmpuint (g_hash_table_size (query), ==, 5);
}

/* ------------------------------------------------------------------ */
/* 3. PKCE                                                              */
/* ------------------------------------------------------------------ */

static gboolean
is_valid_verifier (const char *verifier)
{
  gsize len = strlen (verifier);

  if (len < 43 || len > 128)
    return FALSE;
  for (const char *p = verifier; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._~", *p) == NULL)
      return FALSE;
  return TRUE;
}

static void
test_pkce_s256 (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GHashTable) body = NULL;
  GrantPkceMethod method;

  g_object_get (session, "pkce-method", &method, NULL);
  g_assert_cmpint (method, ==, GRANT_PKCE_METHOD_S256);
  url = grant_oauth2_session_authorization_url (session, "https://auth.example/authorize", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  verifier = g_strdup (grant_oauth2_session_get_code_verifier (session));
  g_assert_nonnull (verifier);
  g_assert_true (is_valid_verifier (verifier));
  challenge = s256_challenge (verifier);

  query = url_query (url);
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "S256");
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge"), ==, challenge);
  g_assert_cmpstr (g_hash_table_lookup (query, "response_type"), ==, "code");
  assert_not_contains (url, verifier);

  body = fault_parse_form (exchange_code (session, tc->mode, fs, NULL)->body);
  g_assert_cmpstr (g_hash_table_lookup (body, "code_verifier"), ==, verifier);
}

/* requests-oauthlib sends no challenge at all for "plain", but does send
 * the verifier: a server then refuses the exchange. */
static void
test_pkce_plain (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GHashTable) body = NULL;
  const char *verifier;

  g_object_set (session, "pkce-method", GRANT_PKCE_METHOD_PLAIN, NULL);
  url = grant_oauth2_session_authorization_url (session, "https://auth.example/authorize", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  verifier = grant_oauth2_session_get_code_verifier (session);
  g_assert_nonnull (verifier);
  g_assert_true (is_valid_verifier (verifier));

  query = url_query (url);
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "plain");
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge"), ==, verifier);

  body = fault_parse_form (exchange_code (session, tc->mode, fs, NULL)->body);
  g_assert_cmpstr (g_hash_table_lookup (body, "code_verifier"), ==, verifier);
}

/* The flow started in one session (or process) and finished in another:
 * requests-oauthlib cannot, its verifier is private. */
static void
test_pkce_verifier_handed_over (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) first = session_new (fs);
  g_autoptr(GrantOAuth2Session) second = session_new (fs);
  g_autofree char *verifier = NULL;
  g_autoptr(GHashTable) body = NULL;

  prepare_pkce (first);
  g_object_get (first, "code-verifier", &verifier, NULL);
  g_assert_nonnull (verifier);
  g_assert_null (grant_oauth2_session_get_code_verifier (second));
  g_object_set (second, "code-verifier", verifier, NULL);

  body = fault_parse_form (exchange_code (second, tc->mode, fs, NULL)->body);
  g_assert_cmpstr (g_hash_table_lookup (body, "code_verifier"), ==, verifier);
  g_assert_cmpstr (g_hash_table_lookup (body, "code"), ==, CODE);
  g_assert_true (grant_oauth2_session_get_authorized (second));
  g_assert_false (grant_oauth2_session_get_authorized (first));
}

/* requests-oauthlib fails with an AttributeError here. */
static void
test_pkce_without_verifier (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *url = fault_server_url (fs, "/token");
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  token = do_fetch_token (session, tc->mode, url, NULL, CODE, NULL, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT);
  g_assert_null (token);
  assert_contains (error->message, "verifier");
  g_assert_cmpuint (fault_server_count (fs), ==, 0);
  assert_session_token (session, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* 4. The authorization URL                                             */
/* ------------------------------------------------------------------ */

#define AUTHORIZE_URL "https://auth.example/authorize"

static char *
authorization_url (GrantOAuth2Session  *session,
                   const char          *endpoint,
                   const char          *state,
                   GHashTable          *extra_params,
                   char               **out_state)
{
  g_autoptr(GError) error = NULL;
  char *url;

  url = grant_oauth2_session_authorization_url (session, endpoint, state, extra_params, out_state, &error);
  g_assert_no_error (error);
  g_assert_nonnull (url);
  return url;
}

static void
test_authz_url_random_state_stored (void)
{
  g_autoptr(GrantOAuth2Session) session = session_new (NULL);
  g_autofree char *state1 = NULL;
  g_autofree char *state2 = NULL;
  g_autofree char *url1 = NULL;
  g_autofree char *url2 = NULL;
  g_autoptr(GHashTable) query1 = NULL;
  g_autoptr(GHashTable) query2 = NULL;
  g_autofree char *property = NULL;

  g_assert_null (grant_oauth2_session_get_state (session));
  url1 = authorization_url (session, AUTHORIZE_URL, NULL, NULL, &state1);
  g_assert_nonnull (state1);
  g_assert_cmpuint (strlen (state1), >=, 20);
  g_assert_cmpstr (grant_oauth2_session_get_state (session), ==, state1);
  g_object_get (session, "state", &property, NULL);
  g_assert_cmpstr (property, ==, state1);
  query1 = url_query (url1);
  g_assert_cmpstr (g_hash_table_lookup (query1, "state"), ==, state1);
  g_assert_cmpstr (g_hash_table_lookup (query1, "client_id"), ==, CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (query1, "redirect_uri"), ==, REDIRECT_URI);

  url2 = authorization_url (session, AUTHORIZE_URL, NULL, NULL, &state2);
  g_assert_cmpstr (state1, !=, state2);
  g_assert_cmpstr (grant_oauth2_session_get_state (session), ==, state2);
  query2 = url_query (url2);
  g_assert_cmpstr (g_hash_table_lookup (query2, "state"), ==, state2);
}

/* requests-oauthlib returns a given state but does not keep it, and then
 * refuses the matching response. */
static void
test_authz_url_given_state_stored_and_checked (void)
{
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *token_url = fault_server_url (fs, "/token");
  g_autofree char *out_state = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GrantToken) bad = NULL;
  g_autoptr(GrantToken) good = NULL;
  g_autoptr(GError) error = NULL;

  url = authorization_url (session, AUTHORIZE_URL, "given-state-123", NULL, &out_state);
  g_assert_cmpstr (out_state, ==, "given-state-123");
  g_assert_cmpstr (grant_oauth2_session_get_state (session), ==, "given-state-123");
  query = url_query (url);
  g_assert_cmpstr (g_hash_table_lookup (query, "state"), ==, "given-state-123");

  bad = grant_oauth2_session_fetch_token (session, token_url, REDIRECT_URI "?code=" CODE "&state=other-state",
                                          NULL, NULL, NULL, &error);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_MISMATCHING_STATE);
  g_assert_null (bad);
  g_assert_cmpuint (fault_server_count (fs), ==, 0);
  g_clear_error (&error);

  good = grant_oauth2_session_fetch_token (session, token_url, REDIRECT_URI "?code=" CODE "&state=given-state-123",
                                           NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (good);
  g_assert_cmpuint (fault_server_count (fs), ==, 1);
}

static void
test_authz_url_keeps_endpoint_query (void)
{
  g_autoptr(GrantOAuth2Session) session = session_new (NULL);
  g_autofree char *url = authorization_url (session, AUTHORIZE_URL "?tenant=t1&x=a%2Bb", NULL, NULL, NULL);
  g_autoptr(GHashTable) query = url_query (url);

  g_test_message ("%s", url);
  g_assert_true (g_str_has_prefix (url, AUTHORIZE_URL "?tenant=t1&x=a%2Bb&response_type=code&"));
  g_assert_cmpstr (g_hash_table_lookup (query, "tenant"), ==, "t1");
  g_assert_cmpstr (g_hash_table_lookup (query, "x"), ==, "a+b");
  g_assert_cmpstr (g_hash_table_lookup (query, "response_type"), ==, "code");
  g_assert_null (strchr (url, '#'));
}

static void
test_authz_url_scope_space_joined (void)
{
  static const char * const scope[] = { "openid", "email", "https://www.googleapis.com/auth/drive", NULL };
  g_autoptr(GrantOAuth2Session) session = session_new (NULL);
  g_autofree char *url = NULL;
  g_autoptr(GHashTable) query = NULL;

  g_object_set (session, "scope", scope, NULL);
  url = authorization_url (session, AUTHORIZE_URL, NULL, NULL, NULL);
  query = url_query (url);
  g_assert_cmpstr (g_hash_table_lookup (query, "scope"), ==,
                   "openid email https://www.googleapis.com/auth/drive");
  assert_contains (url, "scope=openid+email+https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fdrive&");
}

/* Extras come after Grant's own parameters, in the order of their
 * names, whatever the hash table's order. */
static void
test_authz_url_extras_sorted (void)
{
  g_autoptr(GrantOAuth2Session) session = session_new (NULL);
  g_autoptr(GHashTable) extra = string_table ("prompt", "consent",
                                              "access_type", "offline",
                                              "login_hint", "jane@example.com",
                                              "include_granted_scopes", "true",
                                              NULL);
  g_autofree char *url = authorization_url (session, AUTHORIZE_URL, NULL, extra, NULL);
  const char *challenge_method = strstr (url, "code_challenge_method=");
  const char *access_type = strstr (url, "access_type=offline");
  const char *include = strstr (url, "include_granted_scopes=true");
  const char *login_hint = strstr (url, "login_hint=jane%40example.com");
  const char *prompt = strstr (url, "prompt=consent");

  g_test_message ("%s", url);
  g_assert_nonnull (challenge_method);
  g_assert_nonnull (access_type);
  g_assert_nonnull (include);
  g_assert_nonnull (login_hint);
  g_assert_nonnull (prompt);
  g_assert_true (challenge_method < access_type);
  g_assert_true (access_type < include);
  g_assert_true (include < login_hint);
  g_assert_true (login_hint < prompt);
  g_assert_true (g_str_has_suffix (url, "prompt=consent"));
}

/* The implicit grant: a token in the fragment, no PKCE. */
static void
test_authz_url_mobile (void)
{
  g_autoptr(GrantOAuth2Session) session = session_new_for (GRANT_CLIENT_TYPE_MOBILE_APPLICATION, NULL);
  g_autofree char *url = authorization_url (session, AUTHORIZE_URL, NULL, NULL, NULL);
  g_autoptr(GHashTable) query = url_query (url);

  g_assert_cmpstr (g_hash_table_lookup (query, "response_type"), ==, "token");
  g_assert_false (g_hash_table_contains (query, "code_challenge"));
  g_assert_nonnull (g_hash_table_lookup (query, "state"));
}

static void
test_authz_url_no_authorization_step (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  GrantClientType type = GPOINTER_TO_INT (tc->data);
  g_autoptr(GrantOAuth2Session) session = session_new_for (type, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *state = NULL;

  url = grant_oauth2_session_authorization_url (session, AUTHORIZE_URL, NULL, NULL, &state, &error);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT);
  g_assert_null (url);
  g_assert_null (state);
}

typedef enum {
  INSECURE_BY_PROPERTY,
  INSECURE_BY_GRANT_ENV,
  INSECURE_BY_OAUTHLIB_ENV,
} InsecureHow;

/* An http endpoint is refused, and then allowed by @tc->data's means;
 * https is always fine. */
static void
test_authz_url_insecure_transport (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  InsecureHow how = GPOINTER_TO_INT (tc->data);
  g_autoptr(GrantOAuth2Session) session = session_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *https = NULL;
  g_autofree char *allowed = NULL;
  g_autofree char *refused_again = NULL;
  SavedEnv grant_env, oauthlib_env;

  save_and_unset_env (&grant_env, "GRANT_INSECURE_TRANSPORT");
  save_and_unset_env (&oauthlib_env, "OAUTHLIB_INSECURE_TRANSPORT");
  g_object_set (session, "allow-insecure-transport", FALSE, NULL);

  refused = grant_oauth2_session_authorization_url (session, "http://auth.example/authorize",
                                                    NULL, NULL, NULL, &error);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INSECURE_TRANSPORT);
  g_assert_null (refused);
  g_clear_error (&error);

  https = authorization_url (session, AUTHORIZE_URL, NULL, NULL, NULL);

  switch (how)
    {
    case INSECURE_BY_PROPERTY:
      g_object_set (session, "allow-insecure-transport", TRUE, NULL);
      break;
    case INSECURE_BY_GRANT_ENV:
      g_setenv ("GRANT_INSECURE_TRANSPORT", "1", TRUE);
      break;
    case INSECURE_BY_OAUTHLIB_ENV:
    default:
      g_setenv ("OAUTHLIB_INSECURE_TRANSPORT", "1", TRUE);
      break;
    }
  allowed = authorization_url (session, "http://auth.example/authorize", NULL, NULL, NULL);
  g_assert_true (g_str_has_prefix (allowed, "http://auth.example/authorize?"));

  /* And refused again once the permission is gone. */
  g_object_set (session, "allow-insecure-transport", FALSE, NULL);
  g_unsetenv ("GRANT_INSECURE_TRANSPORT");
  g_unsetenv ("OAUTHLIB_INSECURE_TRANSPORT");
  refused_again = grant_oauth2_session_authorization_url (session, "http://auth.example/authorize",
                                                          NULL, NULL, NULL, &error);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INSECURE_TRANSPORT);
  g_assert_null (refused_again);

  restore_env (&grant_env);
  restore_env (&oauthlib_env);
}

/* ------------------------------------------------------------------ */
/* 5. The authorization response                                        */
/* ------------------------------------------------------------------ */

typedef struct {
  const char *name;
  const char *issuer;     /* the session's issuer property */
  const char *response;   /* after REDIRECT_URI "?"; STATE is replaced */
  GrantError  code;       /* 0 with @ok */
  gboolean    ok;
  const char *in_message;
} AuthzResponseCase;

static const AuthzResponseCase authz_response_cases[] = {
  { "wrong-state-is-mismatching-state", NULL, "code=" CODE "&state=forged-state",
    GRANT_ERROR_MISMATCHING_STATE, FALSE, NULL },
  { "missing-state-is-mismatching-state", NULL, "code=" CODE,
    GRANT_ERROR_MISMATCHING_STATE, FALSE, NULL },
  { "access-denied-with-description", NULL,
    "error=access_denied&error_description=The+user+said+no&state=STATE",
    GRANT_ERROR_ACCESS_DENIED, FALSE, "The user said no" },
  { "missing-code", NULL, "state=STATE", GRANT_ERROR_MISSING_CODE, FALSE, NULL },
  { "empty-code-is-missing-code", NULL, "code=&state=STATE", GRANT_ERROR_MISSING_CODE, FALSE, NULL },
  { "other-issuer-is-mismatching-issuer", "https://issuer.example",
    "code=" CODE "&state=STATE&iss=https%3A%2F%2Fevil.example", GRANT_ERROR_MISMATCHING_ISSUER, FALSE,
    "https://evil.example" },
  { "matching-issuer-accepted", "https://issuer.example",
    "code=" CODE "&state=STATE&iss=https%3A%2F%2Fissuer.example", 0, TRUE, NULL },
  { "issuer-not-set-iss-ignored", NULL,
    "code=" CODE "&state=STATE&iss=https%3A%2F%2Fanyone.example", 0, TRUE, NULL },
};

static void
test_authz_response (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  const AuthzResponseCase *ac = tc->data;
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *token_url = fault_server_url (fs, "/token");
  g_autofree char *state = NULL;
  g_autofree char *url = NULL;
  g_autofree char *response = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (session, "issuer", ac->issuer, NULL);
  url = authorization_url (session, AUTHORIZE_URL, NULL, NULL, &state);
  parts = g_strsplit (ac->response, "STATE", -1);
  {
    g_autofree char *query = g_strjoinv (state, parts);

    response = g_strconcat (REDIRECT_URI "?", query, NULL);
  }
  token = do_fetch_token (session, tc->mode, token_url, response, NULL, NULL, NULL, &error);

  if (ac->ok)
    {
      g_autoptr(GHashTable) body = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (token);
      g_assert_cmpuint (fault_server_count (fs), ==, 1);
      body = fault_parse_form (fault_server_request (fs, 0)->body);
      g_assert_cmpstr (g_hash_table_lookup (body, "code"), ==, CODE);
      g_assert_false (g_hash_table_contains (body, "iss"));
      g_assert_false (g_hash_table_contains (body, "state"));
      return;
    }

  g_assert_error (error, GRANT_ERROR, (gint) ac->code);
  g_assert_null (token);
  g_test_message ("error: %s", error->message);
  if (ac->in_message != NULL)
    assert_contains (error->message, ac->in_message);
  g_assert_cmpuint (fault_server_count (fs), ==, 0);
  assert_session_token (session, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* 6. The implicit grant                                                */
/* ------------------------------------------------------------------ */

static void
test_token_from_fragment (void)
{
  g_autoptr(GrantOAuth2Session) session = session_new_for (GRANT_CLIENT_TYPE_MOBILE_APPLICATION, NULL);
  g_autofree char *state = NULL;
  g_autofree char *url = NULL;
  g_autofree char *response = NULL;
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  const char * const *scope;
  gint updates = 0;

  url = authorization_url (session, AUTHORIZE_URL, NULL, NULL, &state);
  g_signal_connect (session, "token-updated", G_CALLBACK (on_token_updated_count), &updates);
  response = g_strdup_printf (REDIRECT_URI "#access_token=frag-AT&token_type=Bearer&expires_in=600"
                              "&state=%s&code=SMUGGLED-CODE&scope=read+write", state);
  token = grant_oauth2_session_token_from_fragment (session, response, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "frag-AT");
  g_assert_true (grant_token_is_bearer (token));
  g_assert_cmpint (grant_token_get_expires_in (token), ==, 600);
  g_assert_cmpint (grant_token_get_expires_at (token), >=, now_s () + 590);
  scope = grant_token_get_scope (token);
  g_assert_nonnull (scope);
  g_assert_true (g_strv_contains (scope, "read"));
  g_assert_true (g_strv_contains (scope, "write"));
  code = grant_token_get_extra_string (token, "code");
  g_assert_null (code);
  g_assert_false (json_object_has_member (grant_token_get_extras (token), "code"));
  g_assert_false (json_object_has_member (grant_token_get_extras (token), "state"));
  assert_session_token (session, "frag-AT", NULL);
  g_assert_cmpint (updates, ==, 1);
}

static void
test_token_from_fragment_wrong_state (void)
{
  g_autoptr(GrantOAuth2Session) session = session_new_for (GRANT_CLIENT_TYPE_MOBILE_APPLICATION, NULL);
  g_autofree char *url = NULL;
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  url = authorization_url (session, AUTHORIZE_URL, NULL, NULL, NULL);
  token = grant_oauth2_session_token_from_fragment (session,
                                                    REDIRECT_URI "#access_token=frag-AT&token_type=Bearer"
                                                    "&state=forged", &error);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_MISMATCHING_STATE);
  g_assert_null (token);
  assert_session_token (session, NULL, NULL);
  g_clear_error (&error);

  token = grant_oauth2_session_token_from_fragment (session,
                                                    REDIRECT_URI "#access_token=frag-AT&token_type=Bearer",
                                                    &error);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_MISMATCHING_STATE);
  g_assert_null (token);
  assert_session_token (session, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* 7. Refresh                                                           */
/* ------------------------------------------------------------------ */

static void
on_token_updated_record (GrantOAuth2Session *session G_GNUC_UNUSED,
                         GrantToken         *token,
                         gpointer            user_data)
{
  GPtrArray *tokens = user_data;

  g_ptr_array_add (tokens, g_strdup (grant_token_get_access_token (token)));
}

/* The server sends no new refresh token: the old one is kept. */
static void
test_refresh_keeps_refresh_token (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Provider provider = { 0 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  session_set_fresh_token (session);
  g_signal_connect (session, "token-updated", G_CALLBACK (on_token_updated_record), updates);
  token = do_refresh (session, tc->mode, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, NEW_ACCESS_1);
  g_assert_cmpstr (grant_token_get_refresh_token (token), ==, OLD_REFRESH);
  assert_session_token (session, NEW_ACCESS_1, OLD_REFRESH);
  g_assert_cmpuint (updates->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (updates, 0), ==, NEW_ACCESS_1);
  g_assert_cmpuint (fault_server_count (fs), ==, 1);
}

static void
test_refresh_rotated_refresh_token (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Provider provider = {
    .token_body = "{\"access_token\":\"rotated-access\",\"token_type\":\"Bearer\","
                  "\"expires_in\":3600,\"refresh_token\":\"rotated-refresh-R33\"}",
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  session_set_fresh_token (session);
  token = do_refresh (session, tc->mode, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_refresh_token (token), ==, "rotated-refresh-R33");
  assert_session_token (session, "rotated-access", "rotated-refresh-R33");
  g_assert_cmpint (grant_token_get_expires_at (token), >=, now_s () + 3590);
}

/* The refresh authenticates the client as the session is set up to
 * (requests-oauthlib sends no client authentication at all). */
static void
test_refresh_client_auth (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  GrantClientAuth auth = GPOINTER_TO_INT (tc->data);
  static const Provider provider = { 0 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *basic = basic_header (CLIENT_ID, CLIENT_SECRET);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  const Recorded *request;

  g_object_set (session, "client-auth", auth, NULL);
  session_set_fresh_token (session);
  token = do_refresh (session, tc->mode, NULL, &error);

  g_assert_no_error (error);
  request = fault_server_request (fs, 0);
  assert_form_post (request);
  if (auth == GRANT_CLIENT_AUTH_POST)
    {
      g_assert_null (request->authorization);
      g_assert_cmpstr (request->body, ==, "grant_type=refresh_token&client_id=" CLIENT_ID
                       "&client_secret=" CLIENT_SECRET "&refresh_token=" OLD_REFRESH);
    }
  else
    {
      g_assert_cmpstr (request->authorization, ==, basic);
      g_assert_cmpstr (request->body, ==, "grant_type=refresh_token&refresh_token=" OLD_REFRESH);
    }
}

/* requests-oauthlib turns a request's keyword arguments into form
 * parameters of the refresh it makes for it. */
static void
test_refresh_does_not_leak_request_params (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Provider provider = { 0 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *url = fault_server_url (fs, "/resource/items?q=search+me&page=2");
  g_autoptr(SoupMessage) message = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = g_bytes_new_static ("a=1&b=two&allow_redirects=True", 30);
  g_autofree char *basic = basic_header (CLIENT_ID, CLIENT_SECRET);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;
  const Recorded *refresh, *resource;

  session_set_expired_token (session);
  soup_message_headers_replace (soup_message_get_request_headers (message), "X-Request-Header", "yes");
  soup_message_headers_replace (soup_message_get_request_headers (message), "Content-Type", FORM_TYPE);
  response = do_send (session, tc->mode, message, body, GRANT_SEND_NONE, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (fault_server_count (fs), ==, 2);
  refresh = fault_server_request (fs, 0);
  g_assert_cmpstr (refresh->path, ==, "/token");
  assert_form_post (refresh);
  g_assert_cmpstr (refresh->authorization, ==, basic);
  g_assert_cmpstr (refresh->body, ==, "grant_type=refresh_token&refresh_token=" OLD_REFRESH);
  g_assert_null (soup_message_headers_get_one (refresh->headers, "X-Request-Header"));

  resource = fault_server_request (fs, 1);
  g_assert_cmpstr (resource->path, ==, "/resource/items");
  g_assert_cmpstr (resource->query, ==, "q=search+me&page=2");
  g_assert_cmpstr (resource->body, ==, "a=1&b=two&allow_redirects=True");
  g_assert_cmpstr (resource->token, ==, NEW_ACCESS_1);
}

typedef struct {
  guint  emissions;
  char **requested;
  char **granted;
  guint  notifies;
} ScopeChange;

static void
on_scope_changed (GrantOAuth2Session *session G_GNUC_UNUSED,
                  char              **requested,
                  char              **granted,
                  gpointer            user_data)
{
  ScopeChange *change = user_data;

  change->emissions++;
  g_strfreev (change->requested);
  g_strfreev (change->granted);
  change->requested = g_strdupv (requested);
  change->granted = g_strdupv (granted);
}

static void
on_scope_changed_notify (GObject    *object G_GNUC_UNUSED,
                         GParamSpec *pspec G_GNUC_UNUSED,
                         gpointer    user_data)
{
  ((ScopeChange *) user_data)->notifies++;
}

/* Google adds openid to what was asked for. */
static void
test_refresh_scope_changed (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const char * const scope[] = { "email", "profile", NULL };
  static const Provider provider = {
    .token_body = "{\"access_token\":\"scoped-access\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                  "\"scope\":\"openid https://www.googleapis.com/auth/userinfo.email email profile\"}",
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  ScopeChange change = { 0, NULL, NULL, 0 };
  gboolean changed = FALSE;

  g_object_set (session, "scope", scope, NULL);
  session_set_fresh_token (session);
  g_signal_connect (session, "scope-changed", G_CALLBACK (on_scope_changed), &change);
  g_signal_connect (session, "notify::scope-changed", G_CALLBACK (on_scope_changed_notify), &change);
  token = do_refresh (session, tc->mode, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "scoped-access");
  assert_session_token (session, "scoped-access", OLD_REFRESH);
  g_assert_cmpuint (change.emissions, ==, 1);
  g_assert_nonnull (change.requested);
  g_assert_cmpuint (g_strv_length (change.requested), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) change.requested, "email"));
  g_assert_cmpuint (g_strv_length (change.granted), ==, 4);
  g_assert_true (g_strv_contains ((const char * const *) change.granted, "openid"));
  g_object_get (session, "scope-changed", &changed, NULL);
  g_assert_true (changed);
  g_assert_cmpuint (change.notifies, ==, 1);
  g_strfreev (change.requested);
  g_strfreev (change.granted);
}

static void
test_refresh_strict_scope (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const char * const scope[] = { "email", "profile", NULL };
  static const Provider provider = {
    .token_body = "{\"access_token\":\"scoped-access\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                  "\"scope\":\"openid email profile\"}",
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  gint updates = 0;

  g_object_set (session, "scope", scope, "strict-scope", TRUE, NULL);
  session_set_fresh_token (session);
  g_signal_connect (session, "token-updated", G_CALLBACK (on_token_updated_count), &updates);
  token = do_refresh (session, tc->mode, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_SCOPE_CHANGED);
  g_assert_null (token);
  assert_contains (error->message, "openid");
  assert_session_token (session, OLD_ACCESS, OLD_REFRESH);
  g_assert_cmpint (updates, ==, 0);
}

/* ------------------------------------------------------------------ */
/* 8. Automatic refresh before sending                                  */
/* ------------------------------------------------------------------ */

static void
test_auto_refresh_off_expired (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Provider provider = { 0 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (session, "auto-refresh", FALSE, NULL);
  session_set_expired_token (session);
  text = send_get (session, tc->mode, fs, "/resource", GRANT_SEND_NONE, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_EXPIRED);
  g_assert_null (text);
  g_assert_cmpuint (fault_server_count (fs), ==, 0);
  assert_session_token (session, OLD_ACCESS, OLD_REFRESH);
}

/* The token expires in 30 s: within a leeway of 60 s it is refreshed
 * first, with none it is used as it is. A token known to have been
 * issued for an hour keeps the full leeway (the session caps it at half
 * a token's life). */
typedef struct {
  gint64 leeway;
  gint64 expires_in;   /* 0: the stored token has only expires_at */
} LeewayCase;

static const LeewayCase leeway_60 = { 60, 0 };
static const LeewayCase leeway_0 = { 0, 0 };
static const LeewayCase leeway_60_hour_token = { 60, 3600 };

static void
test_auto_refresh_leeway (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  const LeewayCase *lc = tc->data;
  gint64 leeway = lc->leeway;
  static const Provider provider = { 0 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autoptr(GrantToken) stored = grant_token_new (OLD_ACCESS);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  g_object_set (session, "refresh-leeway", leeway, NULL);
  grant_token_set_refresh_token (stored, OLD_REFRESH);
  if (lc->expires_in > 0)
    grant_token_set_expires_in (stored, lc->expires_in);
  grant_token_set_expires_at (stored, now_s () + 30);
  grant_oauth2_session_set_token (session, stored);
  text = send_get (session, tc->mode, fs, "/resource", GRANT_SEND_NONE, &status, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  if (leeway > 30)
    {
      g_assert_cmpstr (text, ==, "resource:" NEW_ACCESS_1);
      g_assert_cmpuint (fault_server_count_path (fs, "/token"), ==, 1);
      g_assert_cmpstr (fault_server_request (fs, 0)->path, ==, "/token");
      assert_session_token (session, NEW_ACCESS_1, OLD_REFRESH);
    }
  else
    {
      g_assert_cmpstr (text, ==, "resource:" OLD_ACCESS);
      g_assert_cmpuint (fault_server_count_path (fs, "/token"), ==, 0);
      assert_session_token (session, OLD_ACCESS, OLD_REFRESH);
    }
  g_assert_cmpuint (fault_server_count_path (fs, "/resource"), ==, 1);
}

/* ------------------------------------------------------------------ */
/* 9. One refresh, however many requests find the token due             */
/* ------------------------------------------------------------------ */

#define N_ASYNC   100
#define N_THREADS 20

/* The whole of a single-flight test must take less than this. */
#define SINGLE_FLIGHT_BUDGET_US (20 * G_USEC_PER_SEC)

typedef struct {
  guint    n_done;
  guint    n_callbacks[N_ASYNC];
  GBytes  *bodies[N_ASYNC];
  GError  *errors[N_ASYNC];
  guint    statuses[N_ASYNC];
  SoupMessage *messages[N_ASYNC];
} Flight;

typedef struct {
  Flight *flight;
  guint   i;
} FlightSlot;

static void
on_flight_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FlightSlot *slot = user_data;
  Flight *flight = slot->flight;

  flight->n_callbacks[slot->i]++;
  if (flight->n_callbacks[slot->i] > 1)
    return;
  flight->bodies[slot->i] = grant_oauth2_session_send_and_read_finish (GRANT_OAUTH2_SESSION (source), result,
                                                                       &flight->errors[slot->i]);
  flight->statuses[slot->i] = soup_message_get_status (flight->messages[slot->i]);
  flight->n_done++;
}

static void
flight_clear (Flight *flight)
{
  for (guint i = 0; i < N_ASYNC; i++)
    {
      g_clear_pointer (&flight->bodies[i], g_bytes_unref);
      g_clear_error (&flight->errors[i]);
      g_clear_object (&flight->messages[i]);
    }
}

/* Sends @n GETs of /resource?i=… at once, with @cancellables[i] if
 * given, and waits for every callback. */
static void
flight_run (Flight             *flight,
            GrantOAuth2Session *session,
            FaultServer        *fs,
            guint               n,
            GCancellable      **cancellables,
            GSourceFunc         while_waiting,
            gpointer            while_waiting_data)
{
  FlightSlot slots[N_ASYNC];
  guint source_id = 0;

  g_assert_cmpuint (n, <=, N_ASYNC);
  memset (flight, 0, sizeof *flight);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("/resource?i=%u", i);
      g_autofree char *url = fault_server_url (fs, path);

      slots[i].flight = flight;
      slots[i].i = i;
      flight->messages[i] = soup_message_new ("GET", url);
      grant_oauth2_session_send_and_read_async (session, flight->messages[i], NULL, GRANT_SEND_NONE,
                                                cancellables ? cancellables[i] : NULL,
                                                on_flight_done, &slots[i]);
    }
  if (while_waiting != NULL)
    source_id = g_timeout_add (5, while_waiting, while_waiting_data);
  while (flight->n_done < n)
    g_main_context_iteration (NULL, TRUE);
  if (source_id != 0)
    g_source_remove (source_id);
  /* Let a second callback show. */
  spin_main_context (50);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (flight->n_callbacks[i], ==, 1);
}

static void
test_single_flight_async (gconstpointer user_data G_GNUC_UNUSED)
{
  static const Provider provider = { .token_delay_ms = 200 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func (g_free);
  gint64 start = g_get_monotonic_time (), elapsed;
  Flight flight;

  session_set_expired_token (session);
  g_signal_connect (session, "token-updated", G_CALLBACK (on_token_updated_record), updates);
  flight_run (&flight, session, fs, N_ASYNC, NULL, NULL, NULL);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("%u requests in %.3f s", N_ASYNC, elapsed / 1e6);

  for (guint i = 0; i < N_ASYNC; i++)
    {
      g_assert_no_error (flight.errors[i]);
      g_assert_cmpuint (flight.statuses[i], ==, 200);
      g_assert_cmpmem (g_bytes_get_data (flight.bodies[i], NULL), g_bytes_get_size (flight.bodies[i]),
                       "resource:" NEW_ACCESS_1, strlen ("resource:" NEW_ACCESS_1));
    }
  g_assert_cmpuint (fault_server_count_path (fs, "/token"), ==, 1);
  g_assert_cmpuint (fault_server_count_path (fs, "/resource"), ==, N_ASYNC);
  for (guint i = 0; i < N_ASYNC; i++)
    g_assert_cmpstr (fault_server_request_on (fs, "/resource", i)->token, ==, NEW_ACCESS_1);
  g_assert_cmpuint (updates->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (updates, 0), ==, NEW_ACCESS_1);
  assert_session_token (session, NEW_ACCESS_1, OLD_REFRESH);
  g_assert_cmpint (elapsed, <, SINGLE_FLIGHT_BUDGET_US);
  flight_clear (&flight);
}

static const Provider refused_refresh_provider = {
  .token_status = 400,
  .token_body = "{\"error\":\"invalid_grant\",\"error_description\":\"The refresh token was revoked\"}",
  .token_delay_ms = 200,
};

static void
test_single_flight_async_failure (gconstpointer user_data G_GNUC_UNUSED)
{
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &refused_refresh_provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  gint64 start = g_get_monotonic_time (), elapsed;
  gint updates = 0;
  Flight flight;

  session_set_expired_token (session);
  g_signal_connect (session, "token-updated", G_CALLBACK (on_token_updated_count), &updates);
  flight_run (&flight, session, fs, N_ASYNC, NULL, NULL, NULL);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("%u requests in %.3f s", N_ASYNC, elapsed / 1e6);

  for (guint i = 0; i < N_ASYNC; i++)
    {
      g_assert_error (flight.errors[i], GRANT_ERROR, GRANT_ERROR_INVALID_GRANT);
      g_assert_null (flight.bodies[i]);
    }
  assert_contains (flight.errors[0]->message, "The refresh token was revoked");
  g_assert_cmpuint (fault_server_count_path (fs, "/token"), ==, 1);
  g_assert_cmpuint (fault_server_count_path (fs, "/resource"), ==, 0);
  g_assert_cmpint (updates, ==, 0);
  assert_session_token (session, OLD_ACCESS, OLD_REFRESH);
  g_assert_cmpint (elapsed, <, SINGLE_FLIGHT_BUDGET_US);
  flight_clear (&flight);
}

/* Blocking calls from many threads at once. */
typedef struct {
  GrantOAuth2Session *session;
  FaultServer        *fs;
  GCancellable       *cancellable;
  const char         *path;
  /* Set by the thread. */
  gint64              started;
  char               *text;
  guint               status;
  GError             *error;
} ThreadCall;

static gpointer
thread_call_run (gpointer data)
{
  ThreadCall *call = data;
  g_autofree char *url = fault_server_url (call->fs, call->path);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;

  call->started = g_get_monotonic_time ();
  body = grant_oauth2_session_send_and_read (call->session, message, NULL, GRANT_SEND_NONE,
                                             call->cancellable, &call->error);
  call->status = soup_message_get_status (message);
  if (body != NULL)
    call->text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return NULL;
}

static void
thread_call_clear (ThreadCall *call)
{
  g_clear_pointer (&call->text, g_free);
  g_clear_error (&call->error);
}

/* Starts @n threads at once (they wait on a barrier of sorts: the
 * session's token is expired, so all of them find a refresh due), and
 * joins them. */
static void
run_threads (ThreadCall         *calls,
             guint               n,
             GrantOAuth2Session *session,
             FaultServer        *fs)
{
  GThread *threads[N_THREADS];

  g_assert_cmpuint (n, <=, N_THREADS);
  for (guint i = 0; i < n; i++)
    {
      calls[i].session = session;
      calls[i].fs = fs;
      calls[i].path = "/resource";
      threads[i] = g_thread_new ("sender", thread_call_run, &calls[i]);
    }
  for (guint i = 0; i < n; i++)
    g_thread_join (threads[i]);
}

/* When the (one) new token arrived. */
static void
on_token_updated_time (GrantOAuth2Session *session G_GNUC_UNUSED,
                       GrantToken         *token G_GNUC_UNUSED,
                       gpointer            user_data)
{
  g_atomic_pointer_set ((gpointer *) user_data, GSIZE_TO_POINTER ((gsize) g_get_monotonic_time ()));
}

/* Every thread asked before the refresh was over: they overlapped. */
static void
assert_threads_overlapped (ThreadCall *calls,
                           guint       n,
                           gpointer    updated_at)
{
  gint64 refreshed = (gint64) GPOINTER_TO_SIZE (updated_at);

  g_assert_cmpint (refreshed, >, 0);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (calls[i].started, <, refreshed);
}

static void
test_single_flight_threads (gconstpointer user_data G_GNUC_UNUSED)
{
  gpointer updated_at = NULL;
  static const Provider provider = { .token_delay_ms = 200 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  gint64 start = g_get_monotonic_time (), elapsed;
  ThreadCall calls[N_THREADS];
  gint updates = 0;

  memset (calls, 0, sizeof calls);
  session_set_expired_token (session);
  g_signal_connect (session, "token-updated", G_CALLBACK (on_token_updated_count), &updates);
  g_signal_connect (session, "token-updated", G_CALLBACK (on_token_updated_time), &updated_at);
  run_threads (calls, N_THREADS, session, fs);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("%u threads in %.3f s", N_THREADS, elapsed / 1e6);
  assert_threads_overlapped (calls, N_THREADS, updated_at);

  for (guint i = 0; i < N_THREADS; i++)
    {
      g_assert_no_error (calls[i].error);
      g_assert_cmpuint (calls[i].status, ==, 200);
      g_assert_cmpstr (calls[i].text, ==, "resource:" NEW_ACCESS_1);
      thread_call_clear (&calls[i]);
    }
  g_assert_cmpuint (fault_server_count_path (fs, "/token"), ==, 1);
  g_assert_cmpuint (fault_server_count_path (fs, "/resource"), ==, N_THREADS);
  g_assert_cmpint (g_atomic_int_get (&updates), ==, 1);
  assert_session_token (session, NEW_ACCESS_1, OLD_REFRESH);
  g_assert_cmpint (elapsed, <, SINGLE_FLIGHT_BUDGET_US);
}

static void
test_single_flight_threads_failure (gconstpointer user_data G_GNUC_UNUSED)
{
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &refused_refresh_provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  gint64 start = g_get_monotonic_time (), elapsed;
  ThreadCall calls[N_THREADS];

  memset (calls, 0, sizeof calls);
  session_set_expired_token (session);
  run_threads (calls, N_THREADS, session, fs);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("%u threads in %.3f s", N_THREADS, elapsed / 1e6);

  /* The refresh took 200 ms from the first thread's start at least: all
   * of them asked while it was at the server. */
  for (guint i = 0; i < N_THREADS; i++)
    g_assert_cmpint (calls[i].started - start, <, 200 * 1000);
  for (guint i = 0; i < N_THREADS; i++)
    {
      g_assert_error (calls[i].error, GRANT_ERROR, GRANT_ERROR_INVALID_GRANT);
      g_assert_null (calls[i].text);
      thread_call_clear (&calls[i]);
    }
  g_assert_cmpuint (fault_server_count_path (fs, "/token"), ==, 1);
  g_assert_cmpuint (fault_server_count_path (fs, "/resource"), ==, 0);
  assert_session_token (session, OLD_ACCESS, OLD_REFRESH);
  g_assert_cmpint (elapsed, <, SINGLE_FLIGHT_BUDGET_US);
}

/* The server issues tokens that live 30 s, less than the default leeway
 * of 60 s: unless the leeway is capped (at half the token's life), the
 * new token is "due" as soon as it arrives, and every blocking waiter
 * that re-checks it after the refresh would make a refresh of its own.
 * One refresh must serve them all, blocking (@tc->mode) or async. */
static void
test_single_flight_short_lived_token (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Provider provider = {
    .token_body = "{\"access_token\":\"short-lived\",\"token_type\":\"Bearer\",\"expires_in\":30}",
    .token_delay_ms = 200,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  gint64 start = g_get_monotonic_time (), elapsed;
  guint n = tc->mode == MODE_ASYNC ? N_ASYNC : N_THREADS;
  gint64 leeway = 0;

  g_object_get (session, "refresh-leeway", &leeway, NULL);
  g_assert_cmpint (leeway, ==, 60);
  session_set_expired_token (session);
  if (tc->mode == MODE_ASYNC)
    {
      Flight flight;

      flight_run (&flight, session, fs, n, NULL, NULL, NULL);
      for (guint i = 0; i < n; i++)
        g_assert_no_error (flight.errors[i]);
      flight_clear (&flight);
    }
  else
    {
      ThreadCall calls[N_THREADS];

      memset (calls, 0, sizeof calls);
      run_threads (calls, n, session, fs);
      for (guint i = 0; i < n; i++)
        {
          g_assert_no_error (calls[i].error);
          g_assert_cmpstr (calls[i].text, ==, "resource:short-lived");
          thread_call_clear (&calls[i]);
        }
    }
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("%u requests, %u refreshes, %.3f s", n, fault_server_count_path (fs, "/token"), elapsed / 1e6);
  g_assert_cmpuint (fault_server_count_path (fs, "/resource"), ==, n);
  g_assert_cmpuint (fault_server_count_path (fs, "/token"), ==, 1);
}

/* A blocking request on the thread whose main context runs an async
 * refresh already in flight must join it, not wait for it forever. */
typedef struct {
  gint64   deadline_us;
  gboolean finished;
  GMutex   lock;
  GCond    cond;
} Watchdog;

static gpointer
watchdog_run (gpointer data)
{
  Watchdog *watchdog = data;

  g_mutex_lock (&watchdog->lock);
  while (!watchdog->finished)
    {
      if (!g_cond_wait_until (&watchdog->cond, &watchdog->lock, watchdog->deadline_us) &&
          !watchdog->finished)
        g_error ("The blocking send_and_read did not return within 5 s: it waits for an async "
                 "refresh that only the thread it blocks can run (deadlock)");
    }
  g_mutex_unlock (&watchdog->lock);
  return NULL;
}

static void
watchdog_finish (Watchdog *watchdog,
                 GThread  *thread)
{
  g_mutex_lock (&watchdog->lock);
  watchdog->finished = TRUE;
  g_cond_signal (&watchdog->cond);
  g_mutex_unlock (&watchdog->lock);
  g_thread_join (thread);
  g_mutex_clear (&watchdog->lock);
  g_cond_clear (&watchdog->cond);
}

typedef struct {
  GrantOAuth2Session *session;
  FaultServer        *fs;
  char               *text;
  GError             *error;
  gboolean            done;
} BlockingInside;

static gboolean
blocking_send_from_idle (gpointer data)
{
  BlockingInside *inside = data;
  guint status = 0;

  inside->text = send_get (inside->session, MODE_BLOCKING, inside->fs, "/resource", GRANT_SEND_NONE,
                           &status, &inside->error);
  inside->done = TRUE;
  return G_SOURCE_REMOVE;
}

/* @tc->data: TRUE to make the blocking call from a main-loop callback
 * (the context is then owned), FALSE to make it straight from the code
 * that started the async request. */
static void
test_single_flight_blocking_joins_async (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  gboolean from_callback = GPOINTER_TO_INT (tc->data);
  static const Provider provider = { .token_delay_ms = 200 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *url = fault_server_url (fs, "/resource?async");
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) async_body = NULL;
  g_autoptr(GError) async_error = NULL;
  BlockingInside inside = { NULL, NULL, NULL, NULL, FALSE };
  Waiter waiter = { 0, FALSE, NULL };
  Watchdog watchdog;
  GThread *watchdog_thread;

  session_set_expired_token (session);
  g_mutex_init (&watchdog.lock);
  g_cond_init (&watchdog.cond);
  watchdog.finished = FALSE;
  watchdog.deadline_us = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  watchdog_thread = g_thread_new ("watchdog", watchdog_run, &watchdog);

  grant_oauth2_session_send_and_read_async (session, message, NULL, GRANT_SEND_NONE, NULL,
                                            on_async_done, &waiter);
  inside.session = session;
  inside.fs = fs;
  if (from_callback)
    {
      g_idle_add (blocking_send_from_idle, &inside);
      test_wait_for (&inside.done);
    }
  else
    blocking_send_from_idle (&inside);
  waiter_wait (&waiter);
  watchdog_finish (&watchdog, watchdog_thread);

  async_body = grant_oauth2_session_send_and_read_finish (session, waiter.result, &async_error);
  g_object_unref (waiter.result);
  g_assert_no_error (async_error);
  g_assert_no_error (inside.error);
  g_assert_cmpstr (inside.text, ==, "resource:" NEW_ACCESS_1);
  g_assert_cmpmem (g_bytes_get_data (async_body, NULL), g_bytes_get_size (async_body),
                   "resource:" NEW_ACCESS_1, strlen ("resource:" NEW_ACCESS_1));
  g_assert_cmpuint (fault_server_count_path (fs, "/token"), ==, 1);
  g_free (inside.text);
}

/* ------------------------------------------------------------------ */
/* 10. A 401 from the resource                                          */
/* ------------------------------------------------------------------ */

#define CHALLENGE_INVALID_TOKEN \
  "Bearer realm=\"api\", error=\"invalid_token\", error_description=\"The access token was revoked\""

typedef struct {
  const char *name;
  const char *challenge;
  gboolean    reject_all;
  /* What should happen. */
  guint       refreshes;
  guint       resource_requests;
  guint       status;
  const char *text;
} RetryCase;

static const RetryCase retry_cases[] = {
  { "invalid-token-refreshed-and-resent-once", CHALLENGE_INVALID_TOKEN, FALSE,
    1, 2, 200, "resource:" NEW_ACCESS_1 },
  { "invalid-token-again-after-retry-returned-as-is", CHALLENGE_INVALID_TOKEN, TRUE,
    1, 2, 401, "rejected" },
  { "no-error-in-challenge-not-retried", "Bearer realm=\"api\"", FALSE,
    0, 1, 401, "rejected" },
  { "insufficient-scope-not-retried", "Bearer realm=\"api\", error=\"insufficient_scope\", scope=\"admin\"",
    FALSE, 0, 1, 401, "rejected" },
  { "no-challenge-not-retried", NULL, FALSE, 0, 1, 401, "rejected" },
  { "basic-challenge-not-retried", "Basic realm=\"invalid_token\"", FALSE, 0, 1, 401, "rejected" },
};

static void
test_retry_401 (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  const RetryCase *rc = tc->data;
  const Provider provider = {
    .reject_token = OLD_ACCESS,
    .reject_all = rc->reject_all,
    .challenge = rc->challenge,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  session_set_fresh_token (session);
  text = send_get (session, tc->mode, fs, "/resource", GRANT_SEND_NONE, &status, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, rc->status);
  g_assert_cmpstr (text, ==, rc->text);
  g_assert_cmpuint (fault_server_count_path (fs, "/token"), ==, rc->refreshes);
  g_assert_cmpuint (fault_server_count_path (fs, "/resource"), ==, rc->resource_requests);
  g_assert_cmpstr (fault_server_request_on (fs, "/resource", 0)->token, ==, OLD_ACCESS);
  if (rc->resource_requests > 1)
    g_assert_cmpstr (fault_server_request_on (fs, "/resource", 1)->token, ==, NEW_ACCESS_1);
  if (rc->refreshes > 0)
    assert_session_token (session, NEW_ACCESS_1, OLD_REFRESH);
  else
    assert_session_token (session, OLD_ACCESS, OLD_REFRESH);
}

/* The token a refresh returns, and the one token-updated passes, are the
 * caller's: changing them does not change the session's. */
static void
on_token_updated_tamper (GrantOAuth2Session *session G_GNUC_UNUSED,
                         GrantToken         *token,
                         gpointer            user_data G_GNUC_UNUSED)
{
  grant_token_set_access_token (token, "tampered-in-handler");
}

static void
test_refresh_returns_callers_copy (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Provider provider = { 0 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  g_signal_connect (session, "token-updated", G_CALLBACK (on_token_updated_tamper), NULL);
  session_set_fresh_token (session);
  token = do_refresh (session, tc->mode, NULL, &error);
  g_assert_no_error (error);
  grant_token_set_access_token (token, "tampered-by-caller");

  assert_session_token (session, NEW_ACCESS_1, OLD_REFRESH);
}

/* A revoked (not expired) token: every request comes back 401, one
 * refresh serves them all. */
static void
test_retry_401_single_flight_async (gconstpointer user_data G_GNUC_UNUSED)
{
  static const Provider provider = {
    .reject_token = OLD_ACCESS,
    .challenge = CHALLENGE_INVALID_TOKEN,
    .token_delay_ms = 200,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  gint64 start = g_get_monotonic_time (), elapsed;
  Flight flight;

  session_set_fresh_token (session);
  flight_run (&flight, session, fs, N_ASYNC, NULL, NULL, NULL);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("%u requests in %.3f s", N_ASYNC, elapsed / 1e6);

  for (guint i = 0; i < N_ASYNC; i++)
    {
      g_assert_no_error (flight.errors[i]);
      g_assert_cmpuint (flight.statuses[i], ==, 200);
      g_assert_cmpmem (g_bytes_get_data (flight.bodies[i], NULL), g_bytes_get_size (flight.bodies[i]),
                       "resource:" NEW_ACCESS_1, strlen ("resource:" NEW_ACCESS_1));
    }
  g_assert_cmpuint (fault_server_count_path (fs, "/token"), ==, 1);
  g_assert_cmpuint (fault_server_count_path (fs, "/resource"), <=, 2 * N_ASYNC);
  assert_session_token (session, NEW_ACCESS_1, OLD_REFRESH);
  g_assert_cmpint (elapsed, <, SINGLE_FLIGHT_BUDGET_US);
  flight_clear (&flight);
}

static void
test_retry_401_single_flight_threads (gconstpointer user_data G_GNUC_UNUSED)
{
  gpointer updated_at = NULL;
  static const Provider provider = {
    .reject_token = OLD_ACCESS,
    .challenge = CHALLENGE_INVALID_TOKEN,
    .token_delay_ms = 200,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  gint64 start = g_get_monotonic_time (), elapsed;
  ThreadCall calls[N_THREADS];

  memset (calls, 0, sizeof calls);
  session_set_fresh_token (session);
  g_signal_connect (session, "token-updated", G_CALLBACK (on_token_updated_time), &updated_at);
  run_threads (calls, N_THREADS, session, fs);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("%u threads in %.3f s", N_THREADS, elapsed / 1e6);
  assert_threads_overlapped (calls, N_THREADS, updated_at);

  for (guint i = 0; i < N_THREADS; i++)
    {
      g_assert_no_error (calls[i].error);
      g_assert_cmpuint (calls[i].status, ==, 200);
      g_assert_cmpstr (calls[i].text, ==, "resource:" NEW_ACCESS_1);
      thread_call_clear (&calls[i]);
    }
  g_assert_cmpuint (fault_server_count_path (fs, "/token"), ==, 1);
  assert_session_token (session, NEW_ACCESS_1, OLD_REFRESH);
  g_assert_cmpint (elapsed, <, SINGLE_FLIGHT_BUDGET_US);
}

/* ------------------------------------------------------------------ */
/* 11. Where the token goes                                             */
/* ------------------------------------------------------------------ */

/* Sends @method @path with @body of @content_type; returns the text. */
static char *
send_with_body (GrantOAuth2Session  *session,
                Mode                 mode,
                FaultServer         *fs,
                const char          *method,
                const char          *path,
                const char          *content_type,
                const char          *body_text,
                GrantSendFlags       flags,
                GError             **error)
{
  g_autofree char *url = fault_server_url (fs, path);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) body = body_text ? g_bytes_new (body_text, strlen (body_text)) : NULL;
  g_autoptr(GBytes) response = NULL;

  if (content_type != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Content-Type", content_type);
  response = do_send (session, mode, message, body, flags, NULL, error);
  if (response == NULL)
    return NULL;
  return g_strndup (g_bytes_get_data (response, NULL), g_bytes_get_size (response));
}

static void
test_placement_header (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Provider provider = { 0 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const Recorded *request;

  session_set_fresh_token (session);
  text = send_get (session, tc->mode, fs, "/resource?page=2", GRANT_SEND_NONE, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "resource:" OLD_ACCESS);
  request = fault_server_request (fs, 0);
  g_assert_cmpstr (request->authorization, ==, "Bearer " OLD_ACCESS);
  g_assert_cmpstr (request->query, ==, "page=2");
}

static void
test_placement_query (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Provider provider = { 0 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const Recorded *request;

  g_object_set (session, "token-placement", GRANT_TOKEN_PLACEMENT_QUERY, NULL);
  session_set_fresh_token (session);
  text = send_get (session, tc->mode, fs, "/resource?page=2&q=a+b%26c", GRANT_SEND_NONE, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "resource:" OLD_ACCESS);
  request = fault_server_request (fs, 0);
  g_assert_null (request->authorization);
  g_assert_cmpstr (request->query, ==, "page=2&q=a+b%26c&access_token=" OLD_ACCESS);
  g_assert_cmpstr (request->token_where, ==, "query");
}

static void
test_placement_body (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Provider provider = { 0 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const Recorded *request;

  g_object_set (session, "token-placement", GRANT_TOKEN_PLACEMENT_BODY, NULL);
  session_set_fresh_token (session);
  text = send_with_body (session, tc->mode, fs, "POST", "/resource?page=2", FORM_TYPE, "a=1&b=x+y",
                         GRANT_SEND_NONE, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "resource:" OLD_ACCESS);
  request = fault_server_request (fs, 0);
  g_assert_null (request->authorization);
  g_assert_cmpstr (request->query, ==, "page=2");
  g_assert_cmpstr (request->content_type, ==, FORM_TYPE);
  g_assert_cmpstr (request->body, ==, "a=1&b=x+y&access_token=" OLD_ACCESS);
}

/* @tc->data: "json" for a JSON POST, "get" for a GET. Nothing is sent. */
static void
test_placement_body_refused (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  gboolean json = g_str_equal (tc->data, "json");
  static const Provider provider = { 0 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (session, "token-placement", GRANT_TOKEN_PLACEMENT_BODY, NULL);
  session_set_fresh_token (session);
  if (json)
    text = send_with_body (session, tc->mode, fs, "POST", "/resource", JSON_TYPE, "{\"a\":1}",
                           GRANT_SEND_NONE, &error);
  else
    text = send_get (session, tc->mode, fs, "/resource", GRANT_SEND_NONE, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT);
  g_assert_null (text);
  assert_not_contains (error->message, OLD_ACCESS);
  g_assert_cmpuint (fault_server_count (fs), ==, 0);
}

/* @tc->data: the placement. GRANT_SEND_WITHHOLD_TOKEN: no token
 * anywhere, and no refresh for an expired one. */
static void
test_placement_withheld (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  GrantTokenPlacement placement = GPOINTER_TO_INT (tc->data);
  static const Provider provider = { 0 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const Recorded *request;

  g_object_set (session, "token-placement", placement, NULL);
  session_set_expired_token (session);
  text = send_with_body (session, tc->mode, fs, "POST", "/resource?page=2", FORM_TYPE, "a=1",
                         GRANT_SEND_WITHHOLD_TOKEN, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "resource:(none)");
  g_assert_cmpuint (fault_server_count (fs), ==, 1);
  request = fault_server_request (fs, 0);
  g_assert_cmpstr (request->path, ==, "/resource");
  g_assert_null (request->authorization);
  g_assert_cmpstr (request->query, ==, "page=2");
  g_assert_cmpstr (request->body, ==, "a=1");
  assert_session_token (session, OLD_ACCESS, OLD_REFRESH);
}

/* The token never goes to an http URL unless that was allowed. */
static void
test_protected_insecure_transport (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Provider provider = { 0 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *refused = NULL;
  g_autofree char *allowed = NULL;
  g_autoptr(GError) error = NULL;
  SavedEnv grant_env, oauthlib_env;

  save_and_unset_env (&grant_env, "GRANT_INSECURE_TRANSPORT");
  save_and_unset_env (&oauthlib_env, "OAUTHLIB_INSECURE_TRANSPORT");
  g_object_set (session, "allow-insecure-transport", FALSE, NULL);
  session_set_fresh_token (session);

  refused = send_get (session, tc->mode, fs, "/resource", GRANT_SEND_NONE, NULL, &error);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INSECURE_TRANSPORT);
  g_assert_null (refused);
  assert_not_contains (error->message, OLD_ACCESS);
  g_assert_cmpuint (fault_server_count (fs), ==, 0);
  g_clear_error (&error);

  g_object_set (session, "allow-insecure-transport", TRUE, NULL);
  allowed = send_get (session, tc->mode, fs, "/resource", GRANT_SEND_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (allowed, ==, "resource:" OLD_ACCESS);

  restore_env (&grant_env);
  restore_env (&oauthlib_env);
}

/* ------------------------------------------------------------------ */
/* 12. Redirects of protected requests                                  */
/* ------------------------------------------------------------------ */

static void
test_redirect_same_origin_keeps_token (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Provider provider = { .redirect_status = 302, .redirect_location = "/resource/moved" };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  session_set_fresh_token (session);
  text = send_get (session, tc->mode, fs, "/redirect", GRANT_SEND_NONE, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (fault_server_count (fs), ==, 2);
  g_assert_cmpstr (fault_server_request (fs, 1)->path, ==, "/resource/moved");
  g_assert_cmpstr (fault_server_request (fs, 1)->authorization, ==, "Bearer " OLD_ACCESS);
  g_assert_cmpstr (text, ==, "resource:" OLD_ACCESS);
}

/* @tc->data: the status. A GET redirected to another origin goes there
 * without the token. */
static void
test_redirect_cross_origin_drops_token (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  guint status = GPOINTER_TO_UINT (tc->data);
  static const Provider elsewhere_provider = { 0 };
  g_autoptr(FaultServer) elsewhere = fault_server_new (respond_provider, &elsewhere_provider);
  g_autofree char *location = fault_server_url (elsewhere, "/resource/elsewhere");
  const Provider provider = { .redirect_status = status, .redirect_location = location };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const Recorded *there;

  session_set_fresh_token (session);
  text = send_get (session, tc->mode, fs, "/redirect", GRANT_SEND_NONE, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (fault_server_count (fs), ==, 1);
  g_assert_cmpstr (fault_server_request (fs, 0)->authorization, ==, "Bearer " OLD_ACCESS);
  g_assert_cmpuint (fault_server_count (elsewhere), ==, 1);
  there = fault_server_request (elsewhere, 0);
  g_assert_cmpstr (there->path, ==, "/resource/elsewhere");
  g_assert_null (there->authorization);
  g_assert_cmpstr (there->token_where, ==, "nowhere");
  g_assert_cmpstr (text, ==, "resource:(none)");
}

/* Body placement, a request with a form body redirected. libsoup 3.2
 * follows 301/302/303 of a POST as a GET without the body, and does not
 * follow a 307/308 of a PUT or POST at all (the application gets the
 * 3xx); whatever it does, the token must not reach another origin, and a
 * request re-sent to the same origin carries it again. */
typedef struct {
  const char *method;
  guint       status;
  gboolean    cross;
} BodyRedirectCase;

static const BodyRedirectCase body_redirect_cases[] = {
  { "PUT", 307, TRUE },
  { "PUT", 307, FALSE },
  { "POST", 308, TRUE },
  { "POST", 302, TRUE },
  { "POST", 303, TRUE },
};

static void
test_redirect_body_placement (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  const BodyRedirectCase *rc = tc->data;
  static const Provider elsewhere_provider = { 0 };
  g_autoptr(FaultServer) elsewhere = fault_server_new (respond_provider, &elsewhere_provider);
  g_autofree char *location = fault_server_url (elsewhere, "/resource/elsewhere");
  const Provider provider = {
    .redirect_status = rc->status,
    .redirect_location = rc->cross ? location : "/resource/moved",
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *url = fault_server_url (fs, "/redirect");
  g_autoptr(SoupMessage) message = soup_message_new (rc->method, url);
  g_autoptr(GBytes) body = g_bytes_new_static ("a=1&b=2", 7);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;
  const Recorded *first, *second;
  guint followed;

  g_object_set (session, "token-placement", GRANT_TOKEN_PLACEMENT_BODY, NULL);
  session_set_fresh_token (session);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Content-Type", FORM_TYPE);
  response = do_send (session, tc->mode, message, body, GRANT_SEND_NONE, NULL, &error);

  g_assert_no_error (error);
  first = fault_server_request (fs, 0);
  g_assert_cmpstr (first->method, ==, rc->method);
  g_assert_cmpstr (first->body, ==, "a=1&b=2&access_token=" OLD_ACCESS);
  followed = rc->cross ? fault_server_count (elsewhere) : fault_server_count (fs) - 1;
  g_test_message ("%s %u %s: %sfollowed, status %u", rc->method, rc->status,
                  rc->cross ? "across origins" : "same origin", followed ? "" : "not ",
                  soup_message_get_status (message));
  if (followed == 0)
    {
      g_assert_cmpuint (soup_message_get_status (message), ==, rc->status);
      g_assert_cmpuint (fault_server_count (elsewhere), ==, 0);
      g_assert_cmpuint (fault_server_count (fs), ==, 1);
      return;
    }

  g_assert_cmpuint (followed, ==, 1);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  if (rc->cross)
    {
      g_assert_cmpuint (fault_server_count (fs), ==, 1);
      second = fault_server_request (elsewhere, 0);
      g_assert_null (second->authorization);
      g_assert_cmpstr (second->token_where, ==, "nowhere");
      assert_not_contains (second->body, OLD_ACCESS);
      assert_not_contains (second->query, OLD_ACCESS);
      g_assert_cmpmem (g_bytes_get_data (response, NULL), g_bytes_get_size (response),
                       "resource:(none)", strlen ("resource:(none)"));
    }
  else
    {
      second = fault_server_request (fs, 1);
      g_assert_cmpstr (second->path, ==, "/resource/moved");
      if (g_str_equal (second->method, rc->method))
        g_assert_cmpstr (second->body, ==, "a=1&b=2&access_token=" OLD_ACCESS);
    }
}

/* ------------------------------------------------------------------ */
/* 13. Compliance hooks, from C                                         */
/* ------------------------------------------------------------------ */

/* Some providers (Wix) want the token request as JSON. */
static void
on_access_token_request_to_json (GrantOAuth2Session *session G_GNUC_UNUSED,
                                 GrantRequest       *request,
                                 gpointer            user_data)
{
  g_autoptr(JsonObject) form = grant_request_get_form (request);

  (*(gint *) user_data)++;
  grant_request_set_json_body (request, form);
}

static void
test_hook_access_token_request_json (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, token_routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *basic = basic_header (CLIENT_ID, CLIENT_SECRET);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const Recorded *request;
  JsonObject *sent;
  gint calls = 0;

  g_signal_connect (session, "access-token-request", G_CALLBACK (on_access_token_request_to_json), &calls);
  prepare_pkce (session);
  request = exchange_code (session, tc->mode, fs, NULL);

  g_assert_cmpint (calls, ==, 1);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->content_type, ==, JSON_TYPE);
  g_assert_cmpstr (request->authorization, ==, basic);
  json_parser_load_from_data (parser, request->body, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  sent = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (sent), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (sent, "grant_type"), ==, "authorization_code");
  g_assert_cmpstr (json_object_get_string_member (sent, "code"), ==, CODE);
  g_assert_cmpstr (json_object_get_string_member (sent, "redirect_uri"), ==, REDIRECT_URI);
  g_assert_cmpstr (json_object_get_string_member (sent, "code_verifier"), ==,
                   grant_oauth2_session_get_code_verifier (session));
}

/* Facebook's old text/plain "access_token=…&expires=…". */
static void
on_access_token_response_facebook (GrantOAuth2Session *session G_GNUC_UNUSED,
                                   GrantResponse      *response,
                                   gpointer            user_data)
{
  g_autofree char *text = grant_response_get_text (response);
  g_autoptr(GHashTable) form = fault_parse_form (text);
  g_autoptr(JsonObject) object = json_object_new ();
  const char *expires = g_hash_table_lookup (form, "expires");

  (*(gint *) user_data)++;
  g_assert_cmpuint (grant_response_get_status (response), ==, 200);
  json_object_set_string_member (object, "access_token", g_hash_table_lookup (form, "access_token"));
  json_object_set_int_member (object, "expires_in", g_ascii_strtoll (expires, NULL, 10));
  json_object_set_string_member (object, "token_type", "Bearer");
  grant_response_set_json (response, object);
}

static void
test_hook_access_token_response_facebook (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Route routes[] = {
    { "/token", 200, "text/plain; charset=UTF-8", "access_token=fb-access-token&expires=5183999", NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *url = fault_server_url (fs, "/token");
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  gint calls = 0;

  g_signal_connect (session, "access-token-response", G_CALLBACK (on_access_token_response_facebook), &calls);
  prepare_pkce (session);
  token = do_fetch_token (session, tc->mode, url, NULL, CODE, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (calls, ==, 1);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "fb-access-token");
  g_assert_cmpstr (grant_token_get_token_type (token), ==, "Bearer");
  g_assert_cmpint (grant_token_get_expires_in (token), ==, 5183999);
  g_assert_cmpint (grant_token_get_expires_at (token), >=, now_s () + 5183990);
  g_assert_false (json_object_has_member (grant_token_get_extras (token), "expires"));
  assert_session_token (session, "fb-access-token", NULL);
}

static void
on_refresh_token_request_add_header (GrantOAuth2Session *session G_GNUC_UNUSED,
                                     GrantRequest       *request,
                                     gpointer            user_data)
{
  g_autofree char *grant_type = grant_request_get_form_value (request, "grant_type");
  g_autofree char *refresh_token = grant_request_get_form_value (request, "refresh_token");

  (*(gint *) user_data)++;
  g_assert_cmpstr (grant_type, ==, "refresh_token");
  g_assert_cmpstr (refresh_token, ==, OLD_REFRESH);
  soup_message_headers_replace (grant_request_get_headers (request), "X-Refresh-Hook", "was-here");
}

static void
on_access_token_request_unexpected (GrantOAuth2Session *session G_GNUC_UNUSED,
                                    GrantRequest       *request G_GNUC_UNUSED,
                                    gpointer            user_data G_GNUC_UNUSED)
{
  g_error ("access-token-request was emitted for a refresh");
}

static void
test_hook_refresh_token_request_header (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Provider provider = { 0 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const Recorded *refresh;
  gint calls = 0;

  g_signal_connect (session, "refresh-token-request", G_CALLBACK (on_refresh_token_request_add_header), &calls);
  g_signal_connect (session, "access-token-request", G_CALLBACK (on_access_token_request_unexpected), NULL);
  session_set_expired_token (session);
  text = send_get (session, tc->mode, fs, "/resource", GRANT_SEND_NONE, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "resource:" NEW_ACCESS_1);
  g_assert_cmpint (calls, ==, 1);
  refresh = fault_server_request_on (fs, "/token", 0);
  g_assert_cmpstr (soup_message_headers_get_one (refresh->headers, "X-Refresh-Hook"), ==, "was-here");
  g_assert_cmpstr (refresh->body, ==, "grant_type=refresh_token&refresh_token=" OLD_REFRESH);
  g_assert_null (soup_message_headers_get_one (fault_server_request_on (fs, "/resource", 0)->headers,
                                               "X-Refresh-Hook"));
}

/* A provider that wraps its token in an envelope. */
static void
on_refresh_token_response_unwrap (GrantOAuth2Session *session G_GNUC_UNUSED,
                                  GrantResponse      *response,
                                  gpointer            user_data)
{
  g_autoptr(JsonObject) object = grant_response_get_json (response);

  (*(gint *) user_data)++;
  g_assert_nonnull (object);
  grant_response_set_json (response, json_object_get_object_member (object, "data"));
}

static void
test_hook_refresh_token_response (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Provider provider = {
    .token_body = "{\"data\":{\"access_token\":\"unwrapped-access\",\"token_type\":\"bearer\","
                  "\"expires_in\":120,\"refresh_token\":\"unwrapped-refresh\"},\"status\":\"ok\"}",
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  gint calls = 0;

  g_signal_connect (session, "refresh-token-response", G_CALLBACK (on_refresh_token_response_unwrap), &calls);
  session_set_fresh_token (session);
  token = do_refresh (session, tc->mode, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (calls, ==, 1);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "unwrapped-access");
  g_assert_cmpint (grant_token_get_expires_in (token), ==, 120);
  assert_session_token (session, "unwrapped-access", "unwrapped-refresh");
}

typedef struct {
  char *new_url;
  gint  calls;
} ProtectedHook;

static void
on_protected_request_rewrite (GrantOAuth2Session *session G_GNUC_UNUSED,
                              GrantRequest       *request,
                              gpointer            user_data)
{
  ProtectedHook *hook = user_data;

  hook->calls++;
  /* The token is not in the request yet. */
  g_assert_null (soup_message_headers_get_one (grant_request_get_headers (request), "Authorization"));
  g_assert_null (strstr (grant_request_get_uri (request), "access_token"));
  soup_message_headers_replace (grant_request_get_headers (request), "X-Api-Version", "2");
  grant_request_set_uri (request, hook->new_url);
}

/* @tc->data: the placement. */
static void
test_hook_protected_request (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  GrantTokenPlacement placement = GPOINTER_TO_INT (tc->data);
  static const Provider provider = { 0 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  ProtectedHook hook = { NULL, 0 };
  const Recorded *request;

  hook.new_url = fault_server_url (fs, "/resource/v2?from=hook");
  g_object_set (session, "token-placement", placement, NULL);
  g_signal_connect (session, "protected-request", G_CALLBACK (on_protected_request_rewrite), &hook);
  session_set_fresh_token (session);
  text = send_get (session, tc->mode, fs, "/resource/v1?from=app", GRANT_SEND_NONE, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (hook.calls, ==, 1);
  g_assert_cmpstr (text, ==, "resource:" OLD_ACCESS);
  g_assert_cmpuint (fault_server_count (fs), ==, 1);
  request = fault_server_request (fs, 0);
  g_assert_cmpstr (request->path, ==, "/resource/v2");
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "X-Api-Version"), ==, "2");
  if (placement == GRANT_TOKEN_PLACEMENT_QUERY)
    {
      g_assert_null (request->authorization);
      g_assert_cmpstr (request->query, ==, "from=hook&access_token=" OLD_ACCESS);
    }
  else
    {
      g_assert_cmpstr (request->authorization, ==, "Bearer " OLD_ACCESS);
      g_assert_cmpstr (request->query, ==, "from=hook");
    }
  g_free (hook.new_url);
}

static void
on_protected_request_copy_token (GrantOAuth2Session *session,
                                 GrantRequest       *request,
                                 gpointer            user_data)
{
  gint *calls = user_data;
  g_autoptr(GrantToken) token = NULL;
  SoupMessageHeaders *headers = grant_request_get_headers (request);

  (*calls)++;
  /* Each send starts from the application's request: nothing the
   * previous send added is left. */
  g_assert_null (soup_message_headers_get_one (headers, "Authorization"));
  g_assert_null (soup_message_headers_get_one (headers, "X-Hook-Token"));
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-App"), ==, "kept");
  g_object_get (session, "token", &token, NULL);
  soup_message_headers_append (headers, "X-Hook-Token", grant_token_get_access_token (token));
}

/* A hook that puts the token in the request itself (as Slack's and
 * Instagram's fixes do) runs again on the resend after a 401, and so
 * carries the refreshed token, not the revoked one. */
static void
test_hook_protected_request_resend (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Provider provider = {
    .reject_token = OLD_ACCESS,
    .challenge = CHALLENGE_INVALID_TOKEN,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = fault_server_url (fs, "/resource");
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;
  gint calls = 0;

  g_signal_connect (session, "protected-request", G_CALLBACK (on_protected_request_copy_token), &calls);
  session_set_fresh_token (session);
  message = soup_message_new ("GET", url);
  soup_message_headers_append (soup_message_get_request_headers (message), "X-App", "kept");
  response = do_send (session, tc->mode, message, NULL, GRANT_SEND_NONE, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_cmpint (calls, ==, 2);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  g_assert_cmpmem (g_bytes_get_data (response, NULL), g_bytes_get_size (response),
                   "resource:" NEW_ACCESS_1, strlen ("resource:" NEW_ACCESS_1));
  g_assert_cmpuint (fault_server_count_path (fs, "/resource"), ==, 2);
  g_assert_cmpstr (soup_message_headers_get_one (fault_server_request_on (fs, "/resource", 0)->headers,
                                                 "X-Hook-Token"), ==, OLD_ACCESS);
  g_assert_cmpstr (soup_message_headers_get_one (fault_server_request_on (fs, "/resource", 1)->headers,
                                                 "X-Hook-Token"), ==, NEW_ACCESS_1);
  g_assert_cmpstr (fault_server_request_on (fs, "/resource", 1)->token, ==, NEW_ACCESS_1);
}

static void
on_protected_request_break_resend (GrantOAuth2Session *session G_GNUC_UNUSED,
                                   GrantRequest       *request,
                                   gpointer            user_data)
{
  gint *calls = user_data;

  if (++(*calls) == 2)
    grant_request_set_uri (request, "http://[broken/resource");
}

/* When the resend cannot be made, the caller gets the error and no body:
 * the first answer's 401 body is not the answer. */
static void
test_hook_protected_request_resend_fails (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Provider provider = {
    .reject_token = OLD_ACCESS,
    .challenge = CHALLENGE_INVALID_TOKEN,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gint calls = 0;

  g_signal_connect (session, "protected-request", G_CALLBACK (on_protected_request_break_resend), &calls);
  session_set_fresh_token (session);
  text = send_get (session, tc->mode, fs, "/resource", GRANT_SEND_NONE, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT);
  g_assert_null (text);
  g_assert_cmpint (calls, ==, 2);
  g_assert_cmpuint (fault_server_count_path (fs, "/resource"), ==, 1);
}

/* ------------------------------------------------------------------ */
/* 14. Timeouts and cancellation                                        */
/* ------------------------------------------------------------------ */

/* @tc->data: "fetch" or "send". The server never answers; the session's
 * timeout property is 1 s. */
static void
test_timeout (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  gboolean fetch = g_str_equal (tc->data, "fetch");
  g_autoptr(FaultServer) fs = fault_server_new (respond_pause, NULL);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *url = fault_server_url (fs, "/token");
  g_autoptr(GrantToken) token = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, elapsed;
  guint timeout = 0;

  g_object_set (session, "timeout", 1, NULL);
  g_object_get (session, "timeout", &timeout, NULL);
  g_assert_cmpuint (timeout, ==, 1);
  start = g_get_monotonic_time ();
  if (fetch)
    {
      prepare_pkce (session);
      token = do_fetch_token (session, tc->mode, url, NULL, CODE, NULL, NULL, &error);
      g_assert_null (token);
      assert_session_token (session, NULL, NULL);
    }
  else
    {
      session_set_fresh_token (session);
      text = send_get (session, tc->mode, fs, "/resource", GRANT_SEND_NONE, NULL, &error);
      g_assert_null (text);
    }
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("timed out after %.3f s", elapsed / 1e6);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpint (elapsed, >=, G_USEC_PER_SEC / 2);
  g_assert_cmpuint (fault_server_count (fs), ==, 1);
}

typedef struct {
  FaultServer  *fs;
  const char   *prefix;
  GCancellable *cancellable;
  gint64        cancel_at;
  gboolean      cancelled;
} CancelWhenArrived;

/* Cancels 100 ms after the server has a request on @prefix. */
static gboolean
cancel_when_arrived (gpointer user_data)
{
  CancelWhenArrived *cw = user_data;

  if (cw->cancelled)
    return G_SOURCE_CONTINUE;
  if (cw->cancel_at == 0 && fault_server_count_path (cw->fs, cw->prefix) > 0)
    cw->cancel_at = g_get_monotonic_time () + 100 * 1000;
  if (cw->cancel_at == 0 || g_get_monotonic_time () < cw->cancel_at)
    return G_SOURCE_CONTINUE;
  g_cancellable_cancel (cw->cancellable);
  cw->cancelled = TRUE;
  return G_SOURCE_CONTINUE;
}

static void
test_cancel_fetch_async_mid_request (gconstpointer user_data G_GNUC_UNUSED)
{
  g_autoptr(FaultServer) fs = fault_server_new (respond_pause, NULL);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *url = fault_server_url (fs, "/token");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  CancelWhenArrived cw = { fs, "/token", cancellable, 0, FALSE };
  Waiter waiter = { 0, FALSE, NULL };
  gint64 start, elapsed;
  guint source_id;

  prepare_pkce (session);
  start = g_get_monotonic_time ();
  source_id = g_timeout_add (5, cancel_when_arrived, &cw);
  grant_oauth2_session_fetch_token_async (session, url, NULL, CODE, NULL, cancellable, on_async_done, &waiter);
  test_wait_for (&waiter.done);
  /* Long enough after the callback for a second one to show. */
  spin_main_context (300);
  g_source_remove (source_id);
  elapsed = g_get_monotonic_time () - start;

  g_assert_cmpuint (waiter.n_callbacks, ==, 1);
  g_assert_true (cw.cancelled);
  token = grant_oauth2_session_fetch_token_finish (session, waiter.result, &error);
  g_object_unref (waiter.result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (token);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpuint (fault_server_count (fs), ==, 1);
  assert_session_token (session, NULL, NULL);
}

/* Ten async requests wait for one slow refresh; two of them, the one
 * that started the refresh among them, are cancelled while it is at the
 * server. The others go on with the new token. */
#define N_CANCEL_ASYNC 10

typedef struct {
  FaultServer   *fs;
  GCancellable **cancellables;
  gboolean       cancelled;
} CancelSome;

static gboolean
cancel_some_when_refreshing (gpointer user_data)
{
  CancelSome *cs = user_data;

  if (!cs->cancelled && fault_server_count_path (cs->fs, "/token") > 0)
    {
      g_cancellable_cancel (cs->cancellables[0]);
      g_cancellable_cancel (cs->cancellables[5]);
      cs->cancelled = TRUE;
    }
  return G_SOURCE_CONTINUE;
}

static void
test_cancel_one_waiter_async (gconstpointer user_data G_GNUC_UNUSED)
{
  static const Provider provider = { .token_delay_ms = 500 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  GCancellable *cancellables[N_CANCEL_ASYNC];
  CancelSome cs = { fs, cancellables, FALSE };
  Flight flight;

  for (guint i = 0; i < N_CANCEL_ASYNC; i++)
    cancellables[i] = g_cancellable_new ();
  session_set_expired_token (session);
  flight_run (&flight, session, fs, N_CANCEL_ASYNC, cancellables, cancel_some_when_refreshing, &cs);

  g_assert_true (cs.cancelled);
  for (guint i = 0; i < N_CANCEL_ASYNC; i++)
    {
      if (i == 0 || i == 5)
        {
          g_assert_error (flight.errors[i], G_IO_ERROR, G_IO_ERROR_CANCELLED);
          continue;
        }
      g_assert_no_error (flight.errors[i]);
      g_assert_cmpmem (g_bytes_get_data (flight.bodies[i], NULL), g_bytes_get_size (flight.bodies[i]),
                       "resource:" NEW_ACCESS_1, strlen ("resource:" NEW_ACCESS_1));
    }
  g_assert_cmpuint (fault_server_count_path (fs, "/token"), ==, 1);
  g_assert_cmpuint (fault_server_count_path (fs, "/resource"), ==, N_CANCEL_ASYNC - 2);
  assert_session_token (session, NEW_ACCESS_1, OLD_REFRESH);
  flight_clear (&flight);
  for (guint i = 0; i < N_CANCEL_ASYNC; i++)
    g_object_unref (cancellables[i]);
}

/* The blocking twin: the thread that makes the refresh gives up on its
 * request while four others wait for that refresh. They must not fail
 * with its cancellation. */
static void
test_cancel_one_waiter_threads (gconstpointer user_data G_GNUC_UNUSED)
{
  static const Provider provider = { .token_delay_ms = 1000 };
  g_autoptr(FaultServer) fs = fault_server_new (respond_provider, &provider);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ThreadCall calls[5];
  GThread *threads[5];
  gint64 deadline;

  memset (calls, 0, sizeof calls);
  session_set_expired_token (session);
  for (guint i = 0; i < 5; i++)
    {
      calls[i].session = session;
      calls[i].fs = fs;
      calls[i].path = "/resource";
    }
  calls[0].cancellable = cancellable;

  /* The first thread alone finds the token due: it makes the refresh. */
  threads[0] = g_thread_new ("refresher", thread_call_run, &calls[0]);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (fault_server_count_path (fs, "/token") == 0 && g_get_monotonic_time () < deadline)
    g_usleep (5000);
  g_assert_cmpuint (fault_server_count_path (fs, "/token"), ==, 1);

  /* The others join it, and wait. */
  for (guint i = 1; i < 5; i++)
    threads[i] = g_thread_new ("waiter", thread_call_run, &calls[i]);
  g_usleep (200 * 1000);
  g_cancellable_cancel (cancellable);
  for (guint i = 0; i < 5; i++)
    g_thread_join (threads[i]);

  g_assert_error (calls[0].error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  for (guint i = 1; i < 5; i++)
    {
      g_assert_no_error (calls[i].error);
      g_assert_cmpuint (calls[i].status, ==, 200);
      g_assert_true (g_str_has_prefix (calls[i].text, "resource:new-access-"));
    }
  for (guint i = 0; i < 5; i++)
    thread_call_clear (&calls[i]);
  g_assert_cmpuint (fault_server_count_path (fs, "/token"), <=, 2);
  g_assert_cmpuint (fault_server_count_path (fs, "/resource"), ==, 4);
}

/* ------------------------------------------------------------------ */
/* 15. Secrets stay out of error messages                               */
/* ------------------------------------------------------------------ */

typedef enum {
  FLOW_CODE,
  FLOW_PASSWORD,
  FLOW_REFRESH,
} Flow;

typedef struct {
  const char      *name;
  Flow             flow;
  GrantClientAuth  client_auth;
  const char      *client_secret;
  const char      *method;
  Echo             echo;
} SecretCase;

#define SPECIAL_SECRET "sec/ret+PW= x%"

static const SecretCase secret_cases[] = {
  { "code-grant-body-in-json-error-description", FLOW_CODE, GRANT_CLIENT_AUTH_POST, CLIENT_SECRET, "POST",
    { ECHO_JSON_400, ECHO_DECODED_BODY } },
  { "code-grant-raw-body-in-text-500", FLOW_CODE, GRANT_CLIENT_AUTH_POST, CLIENT_SECRET, "POST",
    { ECHO_TEXT_500, ECHO_RAW_BODY } },
  { "code-grant-body-in-github-form-200", FLOW_CODE, GRANT_CLIENT_AUTH_POST, CLIENT_SECRET, "POST",
    { ECHO_FORM_200, ECHO_DECODED_BODY } },
  { "code-grant-special-secret-raw-body-in-text-500", FLOW_CODE, GRANT_CLIENT_AUTH_POST, SPECIAL_SECRET, "POST",
    { ECHO_TEXT_500, ECHO_RAW_BODY } },
  { "code-grant-special-secret-body-in-json-error-description", FLOW_CODE, GRANT_CLIENT_AUTH_POST,
    SPECIAL_SECRET, "POST", { ECHO_JSON_400, ECHO_DECODED_BODY } },
  { "code-grant-get-query-in-json-error-description", FLOW_CODE, GRANT_CLIENT_AUTH_POST, CLIENT_SECRET, "GET",
    { ECHO_JSON_400, ECHO_DECODED_QUERY } },
  { "password-grant-body-in-json-error-description", FLOW_PASSWORD, GRANT_CLIENT_AUTH_POST, CLIENT_SECRET,
    "POST", { ECHO_JSON_400, ECHO_DECODED_BODY } },
  { "password-grant-raw-body-in-text-500", FLOW_PASSWORD, GRANT_CLIENT_AUTH_POST, CLIENT_SECRET, "POST",
    { ECHO_TEXT_500, ECHO_RAW_BODY } },
  { "refresh-body-in-json-error-description", FLOW_REFRESH, GRANT_CLIENT_AUTH_POST, CLIENT_SECRET, "POST",
    { ECHO_JSON_400, ECHO_DECODED_BODY } },
  { "refresh-raw-body-in-text-500", FLOW_REFRESH, GRANT_CLIENT_AUTH_POST, CLIENT_SECRET, "POST",
    { ECHO_TEXT_500, ECHO_RAW_BODY } },
  { "basic-credentials-decoded-in-json-error-description", FLOW_CODE, GRANT_CLIENT_AUTH_BASIC, CLIENT_SECRET,
    "POST", { ECHO_JSON_400, ECHO_BASIC_DECODED } },
  { "basic-authorization-header-in-json-error-description", FLOW_CODE, GRANT_CLIENT_AUTH_BASIC, CLIENT_SECRET,
    "POST", { ECHO_JSON_400, ECHO_AUTHORIZATION } },
  { "basic-authorization-header-in-text-500", FLOW_REFRESH, GRANT_CLIENT_AUTH_BASIC, CLIENT_SECRET,
    "POST", { ECHO_TEXT_500, ECHO_AUTHORIZATION } },
};

/* @secret as it may be written: itself, percent-encoded once or twice,
 * and form-encoded. */
static GPtrArray *
secret_forms (const char *secret)
{
  GPtrArray *forms = g_ptr_array_new_with_free_func (g_free);
  char *once = g_uri_escape_string (secret, NULL, FALSE);

  g_ptr_array_add (forms, g_strdup (secret));
  g_ptr_array_add (forms, g_uri_escape_string (once, NULL, FALSE));
  g_ptr_array_add (forms, once);
  g_ptr_array_add (forms, form_encode (secret));
  return forms;
}

static gboolean
contains_secret (const char *text,
                 const char *secret)
{
  g_autoptr(GPtrArray) forms = secret_forms (secret);

  for (guint i = 0; i < forms->len; i++)
    if (strstr (text, g_ptr_array_index (forms, i)) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_secrets_not_in_error (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  const SecretCase *sc = tc->data;
  g_autoptr(FaultServer) fs = fault_server_new (respond_echo, &sc->echo);
  g_autoptr(GrantOAuth2Session) session = session_new_for (sc->flow == FLOW_PASSWORD
                                                           ? GRANT_CLIENT_TYPE_LEGACY_APPLICATION
                                                           : GRANT_CLIENT_TYPE_WEB_APPLICATION, fs);
  g_autofree char *url = fault_server_url (fs, "/token");
  g_autofree char *basic = basic_header (CLIENT_ID, sc->client_secret);
  g_autofree char *echo = NULL;
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) secrets = g_ptr_array_new ();
  gboolean echoed = FALSE, leaked = FALSE;

  g_object_set (session, "client-auth", sc->client_auth, "client-secret", sc->client_secret,
                "token-request-method", sc->method, NULL);
  g_ptr_array_add (secrets, (gpointer) sc->client_secret);
  /* The Basic credentials are the secret, base64-encoded. */
  g_ptr_array_add (secrets, basic + strlen ("Basic "));
  switch (sc->flow)
    {
    case FLOW_CODE:
      prepare_pkce (session);
      g_ptr_array_add (secrets, (gpointer) CODE);
      g_ptr_array_add (secrets, (gpointer) grant_oauth2_session_get_code_verifier (session));
      token = do_fetch_token (session, tc->mode, url, NULL, CODE, NULL, NULL, &error);
      break;
    case FLOW_PASSWORD:
      g_ptr_array_add (secrets, (gpointer) PASSWORD);
      token = do_fetch_with_password (session, tc->mode, url, NULL, &error);
      break;
    case FLOW_REFRESH:
    default:
      session_set_fresh_token (session);
      g_ptr_array_add (secrets, (gpointer) OLD_REFRESH);
      g_ptr_array_add (secrets, (gpointer) OLD_ACCESS);
      token = do_refresh (session, tc->mode, NULL, &error);
      break;
    }

  g_assert_nonnull (error);
  g_assert_null (token);
  g_assert_cmpuint (fault_server_count (fs), ==, 1);

  /* The test means something only if the server did send a secret back,
   * early enough to be in any excerpt. */
  g_mutex_lock (&fs->lock);
  g_assert_nonnull (fs->last_echo);
  echo = g_strndup (fs->last_echo, 180);
  g_mutex_unlock (&fs->lock);
  for (guint i = 0; i < secrets->len; i++)
    echoed |= contains_secret (echo, g_ptr_array_index (secrets, i));
  g_assert_true (echoed);

  g_test_message ("error: %s", error->message);
  for (guint i = 0; i < secrets->len; i++)
    {
      if (contains_secret (error->message, g_ptr_array_index (secrets, i)))
        {
          g_printerr ("a form of “%s” is in the error message “%s”\n",
                      (const char *) g_ptr_array_index (secrets, i), error->message);
          leaked = TRUE;
        }
    }
  g_assert_false (leaked);
}

/* A token endpoint whose answer is cut short or is not an object still
 * carried a token: it must not end up in the message. */
typedef struct {
  const char *name;
  guint       status;
  const char *body;
} TokenBodyCase;

static const TokenBodyCase token_body_cases[] = {
  { "truncated-json-token", 200,
    "{\"access_token\":\"NEW-ACCESS-s3cret\",\"refresh_token\":\"NEW-REFRESH-s3cret\",\"token_type\":\"Bea" },
  { "json-array-around-token", 200,
    "[{\"access_token\":\"NEW-ACCESS-s3cret\",\"refresh_token\":\"NEW-REFRESH-s3cret\"}]" },
  /* PHP providers print their notices after the answer. */
  { "json-token-followed-by-php-warning", 200,
    "{\"access_token\":\"NEW-ACCESS-s3cret\",\"refresh_token\":\"NEW-REFRESH-s3cret\"}\n"
    "<br />\n<b>Warning</b>:  session_start(): headers already sent in /var/www/oauth/token.php" },
};

static void
test_new_token_not_in_error (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  const TokenBodyCase *bc = tc->data;
  const Route routes[] = {
    { "/token", bc->status, JSON_TYPE, bc->body, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth2Session) session = session_new (fs);
  g_autofree char *url = fault_server_url (fs, "/token");
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;

  prepare_pkce (session);
  token = do_fetch_token (session, tc->mode, url, NULL, CODE, NULL, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE);
  g_assert_null (token);
  g_test_message ("error: %s", error->message);
  assert_not_contains (error->message, "NEW-ACCESS-s3cret");
  assert_not_contains (error->message, "NEW-REFRESH-s3cret");
}

/* A hook that moves a GET token request, secrets in its query, to an
 * http URL: refused, and the refusal must not quote the query. */
static void
on_access_token_request_to_http (GrantOAuth2Session *session G_GNUC_UNUSED,
                                 GrantRequest       *request,
                                 gpointer            user_data G_GNUC_UNUSED)
{
  const char *uri = grant_request_get_uri (request);
  g_autofree char *moved = NULL;

  g_assert_true (g_str_has_prefix (uri, "https://"));
  moved = g_strconcat ("http://", uri + strlen ("https://"), NULL);
  grant_request_set_uri (request, moved);
}

static void
test_secrets_not_in_insecure_transport_error (void)
{
  g_autoptr(GrantOAuth2Session) session = session_new (NULL);
  g_autoptr(GrantToken) token = NULL;
  g_autoptr(GError) error = NULL;
  SavedEnv grant_env, oauthlib_env;

  save_and_unset_env (&grant_env, "GRANT_INSECURE_TRANSPORT");
  save_and_unset_env (&oauthlib_env, "OAUTHLIB_INSECURE_TRANSPORT");
  g_object_set (session, "allow-insecure-transport", FALSE, "token-request-method", "GET",
                "client-auth", GRANT_CLIENT_AUTH_POST, NULL);
  g_signal_connect (session, "access-token-request", G_CALLBACK (on_access_token_request_to_http), NULL);
  prepare_pkce (session);
  token = grant_oauth2_session_fetch_token (session, "https://auth.invalid/token", NULL, CODE, NULL, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INSECURE_TRANSPORT);
  g_assert_null (token);
  g_test_message ("error: %s", error->message);
  g_assert_false (contains_secret (error->message, CLIENT_SECRET));
  g_assert_false (contains_secret (error->message, CODE));
  g_assert_false (contains_secret (error->message, grant_oauth2_session_get_code_verifier (session)));

  restore_env (&grant_env);
  restore_env (&oauthlib_env);
}

/* ------------------------------------------------------------------ */
/* Registration                                                         */
/* ------------------------------------------------------------------ */

/* Each test runs in a subprocess: a failed assertion, a crash or a hang
 * (killed after CASE_TIMEOUT_S) fails that test alone. */
static void
run_case (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  gint64 start;

  if (g_test_subprocess () || g_getenv ("GRANT_TEST_NO_FORK") != NULL)
    {
      tc->func (tc);
      return;
    }
  start = g_get_monotonic_time ();
  g_test_trap_subprocess (NULL, (guint64) CASE_TIMEOUT_S * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_message ("%.3f s", (g_get_monotonic_time () - start) / 1e6);
  g_test_trap_assert_passed ();
}

static void
add_case (const char    *path,
          Mode           mode,
          gconstpointer  data,
          GTestDataFunc  func)
{
  TestCase *tc = g_new0 (TestCase, 1);

  tc->mode = mode;
  tc->data = data;
  tc->func = func;
  g_test_add_data_func_full (path, tc, run_case, g_free);
}

/* /oauth2/session/@group/<blocking|async>/@name, once per mode. */
static void
add_both_modes (const char    *group,
                const char    *name,
                gconstpointer  data,
                GTestDataFunc  func)
{
  for (Mode mode = MODE_BLOCKING; mode <= MODE_ASYNC; mode++)
    {
      g_autofree char *path = g_strdup_printf ("/oauth2/session/%s/%s/%s", group, mode_slug (mode), name);

      add_case (path, mode, data, func);
    }
}

static void
add_one (const char    *path,
         gconstpointer  data,
         GTestDataFunc  func)
{
  add_case (path, MODE_BLOCKING, data, func);
}

/* For tests that take no TestCase. */
static void
run_plain (gconstpointer user_data)
{
  const TestCase *tc = user_data;

  ((GTestFunc) tc->data) ();
}

static void
add_plain (const char *path,
           GTestFunc   func)
{
  TestCase *tc = g_new0 (TestCase, 1);

  tc->mode = MODE_BLOCKING;
  tc->data = (gconstpointer) func;
  tc->func = run_plain;
  g_test_add_data_func_full (path, tc, run_case, g_free);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* The parent only collects the subprocesses' results: one failure
   * must not stop the rest. */
  if (!g_test_subprocess () && g_getenv ("GRANT_TEST_NO_FORK") == NULL)
    g_test_set_nonfatal_assertions ();

  /* 1. Token responses */
  for (gsize i = 0; i < G_N_ELEMENTS (response_cases); i++)
    add_both_modes ("token-response", response_cases[i].name, &response_cases[i], test_token_response_error);
  add_both_modes ("token-response", "form-encoded-token-accepted", NULL, test_form_encoded_token_accepted);
  add_both_modes ("token-response", "redirect-302-same-origin-not-followed", GUINT_TO_POINTER (302),
                  test_token_endpoint_redirect_not_followed);
  add_both_modes ("token-response", "redirect-307-same-origin-not-followed", GUINT_TO_POINTER (307),
                  test_token_endpoint_redirect_not_followed);
  add_both_modes ("token-response", "redirect-308-cross-origin-not-followed", GUINT_TO_POINTER (308),
                  test_token_endpoint_redirect_not_followed);
  add_both_modes ("token-response", "endless-chunked-body-read-bounded", NULL, test_endless_chunked_body);

  /* 2. Wire formats */
  add_both_modes ("token-request", "client-auth-automatic-is-basic-nothing-in-body", NULL,
                  test_wire_automatic_is_basic);
  add_both_modes ("token-request", "include-client-id-puts-id-and-secret-in-body", NULL,
                  test_wire_include_client_id);
  add_one ("/oauth2/session/token-request/blocking/client-auth-basic-form-encodes-before-base64", NULL,
           test_wire_basic_form_encodes_credentials);
  add_one ("/oauth2/session/token-request/blocking/client-auth-post-id-and-secret-in-body", NULL, test_wire_post);
  add_both_modes ("token-request", "client-auth-basic-without-secret-is-public-until-set", NULL,
                  test_wire_basic_without_secret);
  add_one ("/oauth2/session/token-request/blocking/client-auth-none-sends-client-id-only", NULL, test_wire_none);
  add_both_modes ("token-request", "password-grant-credentials-in-body-client-in-basic", NULL,
                  test_wire_password_grant);
  add_both_modes ("token-request", "client-credentials-grant-with-scope", NULL, test_wire_client_credentials);
  add_one ("/oauth2/session/token-request/blocking/extra-params-appended-sorted-empty-dropped", NULL,
           test_wire_extra_params);
  add_both_modes ("token-request", "method-get-puts-everything-in-query", NULL, test_wire_get_method);

  /* 3. PKCE */
  add_both_modes ("pkce", "s256-challenge-in-url-verifier-in-exchange", NULL, test_pkce_s256);
  add_one ("/oauth2/session/pkce/blocking/plain-sends-verifier-as-challenge-with-method", NULL, test_pkce_plain);
  add_both_modes ("pkce", "verifier-handed-to-another-session-completes-exchange", NULL,
                  test_pkce_verifier_handed_over);
  add_both_modes ("pkce", "exchange-without-verifier-is-invalid-argument-nothing-sent", NULL,
                  test_pkce_without_verifier);

  /* 4. The authorization URL */
  add_plain ("/oauth2/session/authorization-url/random-state-from-csprng-stored",
             test_authz_url_random_state_stored);
  add_plain ("/oauth2/session/authorization-url/given-state-stored-and-checked",
             test_authz_url_given_state_stored_and_checked);
  add_plain ("/oauth2/session/authorization-url/endpoint-query-kept", test_authz_url_keeps_endpoint_query);
  add_plain ("/oauth2/session/authorization-url/scope-space-joined", test_authz_url_scope_space_joined);
  add_plain ("/oauth2/session/authorization-url/extras-after-own-params-sorted", test_authz_url_extras_sorted);
  add_plain ("/oauth2/session/authorization-url/mobile-asks-for-token-without-pkce", test_authz_url_mobile);
  add_one ("/oauth2/session/authorization-url/legacy-client-is-invalid-argument",
           GINT_TO_POINTER (GRANT_CLIENT_TYPE_LEGACY_APPLICATION), test_authz_url_no_authorization_step);
  add_one ("/oauth2/session/authorization-url/backend-client-is-invalid-argument",
           GINT_TO_POINTER (GRANT_CLIENT_TYPE_BACKEND_APPLICATION), test_authz_url_no_authorization_step);
  add_one ("/oauth2/session/authorization-url/http-refused-unless-allowed/by-property",
           GINT_TO_POINTER (INSECURE_BY_PROPERTY), test_authz_url_insecure_transport);
  add_one ("/oauth2/session/authorization-url/http-refused-unless-allowed/by-GRANT_INSECURE_TRANSPORT",
           GINT_TO_POINTER (INSECURE_BY_GRANT_ENV), test_authz_url_insecure_transport);
  add_one ("/oauth2/session/authorization-url/http-refused-unless-allowed/by-OAUTHLIB_INSECURE_TRANSPORT",
           GINT_TO_POINTER (INSECURE_BY_OAUTHLIB_ENV), test_authz_url_insecure_transport);

  /* 5. The authorization response */
  for (gsize i = 0; i < G_N_ELEMENTS (authz_response_cases); i++)
    add_both_modes ("authorization-response", authz_response_cases[i].name, &authz_response_cases[i],
                    test_authz_response);

  /* 6. The implicit grant */
  add_plain ("/oauth2/session/token-from-fragment/token-read-state-checked-code-dropped",
             test_token_from_fragment);
  add_plain ("/oauth2/session/token-from-fragment/wrong-or-missing-state-is-mismatching-state",
             test_token_from_fragment_wrong_state);

  /* 7. Refresh */
  add_both_modes ("refresh", "old-refresh-token-kept-when-none-returned", NULL, test_refresh_keeps_refresh_token);
  add_both_modes ("refresh", "rotated-refresh-token-replaces-old", NULL, test_refresh_rotated_refresh_token);
  add_both_modes ("refresh", "client-auth-basic-by-default", GINT_TO_POINTER (GRANT_CLIENT_AUTH_AUTOMATIC),
                  test_refresh_client_auth);
  add_both_modes ("refresh", "client-auth-post-when-set", GINT_TO_POINTER (GRANT_CLIENT_AUTH_POST),
                  test_refresh_client_auth);
  add_both_modes ("refresh", "request-params-never-leak-into-refresh-body", NULL,
                  test_refresh_does_not_leak_request_params);
  add_both_modes ("refresh", "scope-changed-signal-and-property", NULL, test_refresh_scope_changed);
  add_both_modes ("refresh", "strict-scope-is-scope-changed-error", NULL, test_refresh_strict_scope);

  /* 8. Automatic refresh */
  add_both_modes ("auto-refresh", "off-expired-token-is-token-expired-nothing-sent", NULL,
                  test_auto_refresh_off_expired);
  add_both_modes ("auto-refresh", "expiring-in-30s-leeway-60-refreshed-first", &leeway_60,
                  test_auto_refresh_leeway);
  add_both_modes ("auto-refresh", "hour-token-expiring-in-30s-leeway-60-refreshed-first", &leeway_60_hour_token,
                  test_auto_refresh_leeway);
  add_both_modes ("auto-refresh", "expiring-in-30s-leeway-0-used-as-is", &leeway_0,
                  test_auto_refresh_leeway);

  /* 9. Single flight */
  add_one ("/oauth2/session/refresh/single-flight/100-async", NULL, test_single_flight_async);
  add_one ("/oauth2/session/refresh/single-flight/100-async-refresh-refused-all-fail-none-sent", NULL,
           test_single_flight_async_failure);
  add_one ("/oauth2/session/refresh/single-flight/20-threads-blocking", NULL, test_single_flight_threads);
  add_one ("/oauth2/session/refresh/single-flight/20-threads-refresh-refused-all-fail-none-sent", NULL,
           test_single_flight_threads_failure);
  add_case ("/oauth2/session/refresh/single-flight/100-async-new-token-shorter-than-leeway", MODE_ASYNC, NULL,
            test_single_flight_short_lived_token);
  add_case ("/oauth2/session/refresh/single-flight/20-threads-new-token-shorter-than-leeway", MODE_BLOCKING, NULL,
            test_single_flight_short_lived_token);
  add_one ("/oauth2/session/refresh/single-flight/blocking-call-in-main-loop-callback-joins-async-refresh",
           GINT_TO_POINTER (TRUE), test_single_flight_blocking_joins_async);
  add_one ("/oauth2/session/refresh/single-flight/blocking-call-on-main-thread-joins-async-refresh",
           GINT_TO_POINTER (FALSE), test_single_flight_blocking_joins_async);

  /* 10. 401 */
  for (gsize i = 0; i < G_N_ELEMENTS (retry_cases); i++)
    add_both_modes ("retry-401", retry_cases[i].name, &retry_cases[i], test_retry_401);
  add_both_modes ("refresh", "returned-token-is-the-callers-copy", NULL, test_refresh_returns_callers_copy);
  add_one ("/oauth2/session/retry-401/single-flight/100-async-revoked-token-one-refresh", NULL,
           test_retry_401_single_flight_async);
  add_one ("/oauth2/session/retry-401/single-flight/20-threads-revoked-token-one-refresh", NULL,
           test_retry_401_single_flight_threads);

  /* 11. Placement */
  add_both_modes ("token-placement", "header-by-default", NULL, test_placement_header);
  add_both_modes ("token-placement", "query-appended-existing-query-kept", NULL, test_placement_query);
  add_both_modes ("token-placement", "body-appended-to-form", NULL, test_placement_body);
  add_both_modes ("token-placement", "body-with-json-request-is-invalid-argument", "json",
                  test_placement_body_refused);
  add_both_modes ("token-placement", "body-with-get-request-is-invalid-argument", "get",
                  test_placement_body_refused);
  add_both_modes ("token-placement", "withheld/header", GINT_TO_POINTER (GRANT_TOKEN_PLACEMENT_HEADER),
                  test_placement_withheld);
  add_both_modes ("token-placement", "withheld/query", GINT_TO_POINTER (GRANT_TOKEN_PLACEMENT_QUERY),
                  test_placement_withheld);
  add_both_modes ("token-placement", "withheld/body", GINT_TO_POINTER (GRANT_TOKEN_PLACEMENT_BODY),
                  test_placement_withheld);
  add_both_modes ("token-placement", "http-refused-unless-allowed", NULL, test_protected_insecure_transport);

  /* 12. Redirects */
  add_both_modes ("redirect", "same-origin-302-keeps-authorization", NULL, test_redirect_same_origin_keeps_token);
  add_both_modes ("redirect", "cross-origin-302-drops-authorization", GUINT_TO_POINTER (302),
                  test_redirect_cross_origin_drops_token);
  add_both_modes ("redirect", "cross-origin-307-drops-authorization", GUINT_TO_POINTER (307),
                  test_redirect_cross_origin_drops_token);
  for (gsize i = 0; i < G_N_ELEMENTS (body_redirect_cases); i++)
    {
      const BodyRedirectCase *rc = &body_redirect_cases[i];
      g_autofree char *name = g_strdup_printf ("%s-%u-%s-body-placement-%s", rc->cross ? "cross-origin" : "same-origin",
                                               rc->status, rc->method,
                                               rc->cross ? "no-access-token-there" : "access-token-kept-if-resent");

      g_autofree char *lower = g_ascii_strdown (name, -1);

      add_both_modes ("redirect", lower, rc, test_redirect_body_placement);
    }

  /* 13. Hooks */
  add_both_modes ("hooks", "access-token-request-switches-body-to-json", NULL,
                  test_hook_access_token_request_json);
  add_both_modes ("hooks", "access-token-response-rewrites-facebook-body", NULL,
                  test_hook_access_token_response_facebook);
  add_both_modes ("hooks", "refresh-token-request-adds-header", NULL, test_hook_refresh_token_request_header);
  add_both_modes ("hooks", "refresh-token-response-unwraps-envelope", NULL, test_hook_refresh_token_response);
  add_both_modes ("hooks", "protected-request-header-and-url-token-placed-after/header",
                  GINT_TO_POINTER (GRANT_TOKEN_PLACEMENT_HEADER), test_hook_protected_request);
  add_both_modes ("hooks", "protected-request-runs-again-on-resend-with-new-token", NULL,
                  test_hook_protected_request_resend);
  add_both_modes ("hooks", "protected-request-failing-on-resend-returns-error-only", NULL,
                  test_hook_protected_request_resend_fails);
  add_both_modes ("hooks", "protected-request-header-and-url-token-placed-after/query",
                  GINT_TO_POINTER (GRANT_TOKEN_PLACEMENT_QUERY), test_hook_protected_request);

  /* 14. Timeouts and cancellation */
  add_both_modes ("timeout", "fetch-token-1s-server-never-answers", "fetch", test_timeout);
  add_both_modes ("timeout", "send-and-read-1s-server-never-answers", "send", test_timeout);
  add_one ("/oauth2/session/cancel/async/fetch-token-mid-request-callback-once", NULL,
           test_cancel_fetch_async_mid_request);
  add_one ("/oauth2/session/cancel/async/waiters-on-single-flight-refresh-others-unaffected", NULL,
           test_cancel_one_waiter_async);
  add_one ("/oauth2/session/cancel/blocking/refreshing-thread-cancelled-waiting-threads-unaffected", NULL,
           test_cancel_one_waiter_threads);

  /* 15. Secrets */
  for (gsize i = 0; i < G_N_ELEMENTS (secret_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/oauth2/session/errors/hide-secrets/", secret_cases[i].name, NULL);

      add_one (path, &secret_cases[i], test_secrets_not_in_error);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (token_body_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/oauth2/session/errors/hide-secrets/new-token-in-",
                                           token_body_cases[i].name, NULL);

      add_one (path, &token_body_cases[i], test_new_token_not_in_error);
    }
  add_plain ("/oauth2/session/errors/hide-secrets/get-token-request-moved-to-http-by-hook",
             test_secrets_not_in_insecure_transport_error);

  return g_test_run ();
}
