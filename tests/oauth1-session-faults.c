/* oauth1-session-faults.c: GrantOAuth1Session against misbehaving servers
 *
 * Tier 2 of the test design. Every test starts an in-process SoupServer
 * (tests/test-utils.c, on a thread of its own so that the blocking calls
 * work) that answers the way real providers have been seen to fail:
 * refusals as forms, as JSON, with no body or with a novel; HTML login
 * pages; empty, unreadable and endless bodies; servers that never answer;
 * redirects; errors that echo the request and its secrets back. Each test
 * checks the GError the session reports and what it leaves on its
 * GrantOAuth1.
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

#define CLIENT_KEY           "fault-client-key"
#define CLIENT_SECRET        "CLIENT-SECRET-XYZ"
#define CALLBACK_URI         "https://app.example/callback"
#define STALE_TOKEN          "stale-token"
#define STALE_TOKEN_SECRET   "stale-token-secret"
#define REQUEST_TOKEN        "request-token-123"
#define REQUEST_TOKEN_SECRET "TOKEN-SECRET-ABC"
#define VERIFIER             "verifier-456"

#define FORM_TYPE "application/x-www-form-urlencoded"
#define JSON_TYPE "application/json"

/* Long enough for a slow machine, short enough that a hang is a failure
 * rather than a meson timeout. */
#define DEFAULT_TIMEOUT_S 10

/* What the session guarantees to read before giving up. */
#define TOKEN_RESPONSE_MAX (1024 * 1024)

/* ------------------------------------------------------------------ */
/* The server                                                           */
/* ------------------------------------------------------------------ */

/* Canned answers, by path. */
typedef struct {
  const char *path;          /* NULL: any path */
  guint       status;        /* 0 ends a table */
  const char *content_type;  /* NULL: no Content-Type */
  const char *body;          /* NULL and no tail: no body at all */
  const char *tail;          /* appended to body @repeat times */
  guint       repeat;
  const char *location;      /* set: a redirect with @status */
} Route;

#define ROUTES_END { NULL, 0, NULL, NULL, NULL, 0, NULL }

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
  if (route->body != NULL || route->tail != NULL)
    {
      GString *text = g_string_new (route->body);
      gsize len;

      for (guint i = 0; i < route->repeat; i++)
        g_string_append (text, route->tail);
      len = text->len;
      soup_server_message_set_response (msg, route->content_type, SOUP_MEMORY_TAKE,
                                        g_string_free (text, FALSE), len);
    }
}

/* Never answers. @data: a GCancellable to cancel once the request is in,
 * or NULL. The server's disconnect at the end of the test cleans up. */
static void
respond_pause (FaultServer       *fs G_GNUC_UNUSED,
               SoupServerMessage *msg,
               const char        *path G_GNUC_UNUSED,
               gconstpointer      data)
{
  GCancellable *cancellable = (GCancellable *) data;

  soup_server_message_pause (msg);
  if (cancellable != NULL)
    g_cancellable_cancel (cancellable);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* A 200 with its headers and the first bytes of a chunked body, then
 * nothing: the server pauses itself for want of the next chunk. @data: a
 * GCancellable to cancel 200 ms later, from the server thread, or NULL. */
static void
respond_stall_body (FaultServer       *fs G_GNUC_UNUSED,
                    SoupServerMessage *msg,
                    const char        *path G_GNUC_UNUSED,
                    gconstpointer      data)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers, FORM_TYPE, NULL);
  soup_message_body_append (body, SOUP_MEMORY_STATIC, "oauth_token=", strlen ("oauth_token="));
  if (data != NULL)
    {
      GSource *source = g_timeout_source_new (200);

      g_source_set_callback (source, cancel_later, g_object_ref ((GCancellable *) data), g_object_unref);
      g_source_attach (source, g_main_context_get_thread_default ());
      g_source_unref (source);
    }
}

/* A chunked 200 of *(const guint64 *) data bytes of text. */
static void
respond_stream (FaultServer       *fs,
                SoupServerMessage *msg,
                const char        *path G_GNUC_UNUSED,
                gconstpointer      data)
{
  fault_server_stream (fs, msg, "text/plain", NULL, *(const guint64 *) data);
}

/* A 401 that repeats the request back, as some servers' debug output
 * does. The signature as it was on the wire comes first, so that it is
 * inside whatever excerpt the client keeps. */
typedef enum {
  ECHO_TEXT,  /* text/plain */
  ECHO_FORM,  /* in oauth_problem_advice */
  ECHO_JSON,  /* in error_description */
} EchoFormat;

static char *
wire_signature (const char * const *parts)
{
  for (const char * const *p = parts; *p != NULL; p++)
    {
      const char *at = strstr (*p, "oauth_signature=");

      if (at != NULL)
        return g_strndup (at, strcspn (at, ",&"));
    }
  return g_strdup ("(no signature)");
}

static void
respond_echo (FaultServer       *fs,
              SoupServerMessage *msg,
              const char        *path G_GNUC_UNUSED,
              gconstpointer      data)
{
  EchoFormat format = GPOINTER_TO_UINT (data);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) request_body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *body = g_strndup (g_bytes_get_data (request_body, NULL), g_bytes_get_size (request_body));
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  const char *parts[] = { authorization ? authorization : "", query ? query : "", body, NULL };
  g_autofree char *signature = wire_signature (parts);
  g_autofree char *echo = NULL;
  g_autofree char *response = NULL;
  const char *content_type = "text/plain";

  echo = g_strdup_printf ("Invalid signature: received %s. The request was: "
                          "Authorization: %s; query: %s; body: %s",
                          signature, parts[0], parts[1], parts[2]);
  switch (format)
    {
    case ECHO_FORM:
      {
        g_autofree char *escaped = g_uri_escape_string (echo, NULL, FALSE);

        response = g_strconcat ("oauth_problem=signature_invalid&oauth_problem_advice=", escaped, NULL);
        content_type = FORM_TYPE;
      }
      break;
    case ECHO_JSON:
      {
        g_autoptr(JsonBuilder) builder = json_builder_new ();
        g_autoptr(JsonNode) root = NULL;

        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "error");
        json_builder_add_string_value (builder, "invalid_signature");
        json_builder_set_member_name (builder, "error_description");
        json_builder_add_string_value (builder, echo);
        json_builder_end_object (builder);
        root = json_builder_get_root (builder);
        response = json_to_string (root, FALSE);
        content_type = JSON_TYPE;
      }
      break;
    case ECHO_TEXT:
    default:
      response = g_strdup (echo);
      break;
    }

  g_mutex_lock (&fs->lock);
  g_free (fs->last_echo);
  fs->last_echo = g_strdup (echo);
  g_mutex_unlock (&fs->lock);

  soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY,
                                    response, strlen (response));
}

/* ------------------------------------------------------------------ */
/* The client                                                           */
/* ------------------------------------------------------------------ */

typedef enum {
  STEP_REQUEST_TOKEN,
  STEP_ACCESS_TOKEN,
} Step;

typedef enum {
  CALL_BLOCKING,
  CALL_ASYNC,
} CallMode;

static const char *
step_slug (Step step)
{
  return step == STEP_REQUEST_TOKEN ? "request-token" : "access-token";
}

static const char *
step_endpoint (Step step)
{
  return step == STEP_REQUEST_TOKEN ? "/request_token" : "/access_token";
}

static GrantOAuth1Session *
session_new_full (GrantOAuth1Placement        placement,
                  GrantOAuth1SignatureMethod  method,
                  const char                 *client_secret,
                  guint                       timeout_s)
{
  g_autoptr(GrantOAuth1) auth = grant_oauth1_new (CLIENT_KEY, client_secret);
  g_autoptr(SoupSession) soup_session = soup_session_new_with_options ("timeout", timeout_s, NULL);

  grant_oauth1_set_callback_uri (auth, CALLBACK_URI);
  grant_oauth1_set_placement (auth, placement);
  grant_oauth1_set_signature_method (auth, method);
  return grant_oauth1_session_new_with_auth (auth, soup_session);
}

static GrantOAuth1Session *
session_new (void)
{
  return session_new_full (GRANT_OAUTH1_PLACEMENT_HEADER, GRANT_OAUTH1_SIGNATURE_HMAC_SHA1,
                           CLIENT_SECRET, DEFAULT_TIMEOUT_S);
}

/* Before a request token: a token left over from an earlier dance, which
 * a failure must not disturb. Before an access token: the temporary
 * credentials and the verifier. */
static void
prepare_credentials (GrantOAuth1Session *session,
                     Step                step)
{
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);

  if (step == STEP_REQUEST_TOKEN)
    {
      grant_oauth1_set_token (auth, STALE_TOKEN);
      grant_oauth1_set_token_secret (auth, STALE_TOKEN_SECRET);
    }
  else
    {
      grant_oauth1_set_token (auth, REQUEST_TOKEN);
      grant_oauth1_set_token_secret (auth, REQUEST_TOKEN_SECRET);
      grant_oauth1_set_verifier (auth, VERIFIER);
    }
}

static void
assert_credentials_unchanged (GrantOAuth1Session *session,
                              Step                step)
{
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);

  if (step == STEP_REQUEST_TOKEN)
    {
      g_assert_cmpstr (grant_oauth1_get_token (auth), ==, STALE_TOKEN);
      g_assert_cmpstr (grant_oauth1_get_token_secret (auth), ==, STALE_TOKEN_SECRET);
    }
  else
    {
      g_assert_cmpstr (grant_oauth1_get_token (auth), ==, REQUEST_TOKEN);
      g_assert_cmpstr (grant_oauth1_get_token_secret (auth), ==, REQUEST_TOKEN_SECRET);
      g_assert_cmpstr (grant_oauth1_get_verifier (auth), ==, VERIFIER);
    }
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

typedef struct {
  Step        step;
  guint       n_callbacks;
  gboolean    done;
  GHashTable *token;
  GError     *error;
} FetchCall;

static void
on_fetched (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  FetchCall *call = user_data;
  GrantOAuth1Session *session = GRANT_OAUTH1_SESSION (source);

  call->n_callbacks++;
  if (call->n_callbacks > 1)
    return;
  if (call->step == STEP_REQUEST_TOKEN)
    call->token = grant_oauth1_session_fetch_request_token_finish (session, result, &call->error);
  else
    call->token = grant_oauth1_session_fetch_access_token_finish (session, result, &call->error);
  call->done = TRUE;
}

static void
fetch_begin (GrantOAuth1Session *session,
             Step                step,
             const char         *url,
             GCancellable       *cancellable,
             FetchCall          *call)
{
  memset (call, 0, sizeof *call);
  call->step = step;
  if (step == STEP_REQUEST_TOKEN)
    grant_oauth1_session_fetch_request_token_async (session, url, NULL, cancellable, on_fetched, call);
  else
    grant_oauth1_session_fetch_access_token_async (session, url, NULL, cancellable, on_fetched, call);
  /* A GTask never completes inside the call that started it. */
  g_assert_false (call->done);
}

/* Waits for the callback, then @settle_ms more to catch a second one. */
static GHashTable *
fetch_end (FetchCall  *call,
           guint       settle_ms,
           GError    **error)
{
  test_wait_for (&call->done);
  spin_main_context (settle_ms);
  g_assert_cmpuint (call->n_callbacks, ==, 1);
  if (call->error != NULL)
    g_propagate_error (error, g_steal_pointer (&call->error));
  return g_steal_pointer (&call->token);
}

/* The request or access token, blocking or async; async calls always get
 * a GCancellable, so that its code path is the one exercised. */
static GHashTable *
fetch (GrantOAuth1Session  *session,
       Step                 step,
       CallMode             mode,
       const char          *url,
       GCancellable        *cancellable,
       GError             **error)
{
  g_autoptr(GCancellable) own_cancellable = NULL;
  FetchCall call;

  if (mode == CALL_BLOCKING)
    {
      if (step == STEP_REQUEST_TOKEN)
        return grant_oauth1_session_fetch_request_token (session, url, NULL, cancellable, error);
      return grant_oauth1_session_fetch_access_token (session, url, NULL, cancellable, error);
    }

  if (cancellable == NULL)
    cancellable = own_cancellable = g_cancellable_new ();
  fetch_begin (session, step, url, cancellable, &call);
  return fetch_end (&call, 20, error);
}

/* ------------------------------------------------------------------ */
/* Reading what the server received                                     */
/* ------------------------------------------------------------------ */

static void
add_oauth_form_params (GHashTable *oauth,
                       const char *form)
{
  g_autoptr(GHashTable) params = NULL;
  GHashTableIter iter;
  gpointer name, value;

  if (form == NULL || *form == '\0')
    return;
  params = g_uri_parse_params (form, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  g_assert_nonnull (params);
  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      if (g_str_has_prefix (name, "oauth_"))
        g_hash_table_replace (oauth, g_strdup (name), g_strdup (value));
    }
}

/* The decoded oauth_* parameters of a request, wherever they travelled. */
static GHashTable *
recorded_oauth_params (const Recorded *recorded)
{
  GHashTable *oauth = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (recorded->authorization != NULL)
    {
      GHashTable *list;
      GHashTableIter iter;
      gpointer name, value;

      g_assert_true (g_str_has_prefix (recorded->authorization, "OAuth "));
      list = soup_header_parse_param_list (recorded->authorization + strlen ("OAuth "));
      g_hash_table_iter_init (&iter, list);
      while (g_hash_table_iter_next (&iter, &name, &value))
        {
          if (g_str_has_prefix (name, "oauth_"))
            g_hash_table_replace (oauth, g_strdup (name),
                                  g_uri_unescape_string (value ? value : "", NULL));
        }
      soup_header_free_param_list (list);
    }
  add_oauth_form_params (oauth, recorded->query);
  add_oauth_form_params (oauth, recorded->body);
  return oauth;
}

typedef struct {
  char *name;
  char *value;
} Pair;

static int
compare_pairs (gconstpointer a,
               gconstpointer b)
{
  const Pair *pa = a;
  const Pair *pb = b;
  int c = strcmp (pa->name, pb->name);

  return c != 0 ? c : strcmp (pa->value, pb->value);
}

/* RFC 5849 §3.4.2, written out independently of the library: the
 * HMAC-SHA1 signature of a request whose only parameters are @oauth. */
static char *
expected_hmac_sha1 (const char *method,
                    const char *url,
                    GHashTable *oauth,
                    const char *client_secret,
                    const char *token_secret)
{
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  g_autoptr(GString) normalized = g_string_new (NULL);
  g_autofree char *encoded_url = g_uri_escape_string (url, NULL, FALSE);
  g_autofree char *encoded_params = NULL;
  g_autofree char *base_string = NULL;
  g_autofree char *encoded_client_secret = g_uri_escape_string (client_secret, NULL, FALSE);
  g_autofree char *encoded_token_secret = g_uri_escape_string (token_secret, NULL, FALSE);
  g_autofree char *key = NULL;
  guint8 digest[20];
  gsize digest_len = sizeof digest;
  GHashTableIter iter;
  gpointer name, value;
  GHmac *hmac;

  g_hash_table_iter_init (&iter, oauth);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      Pair pair;

      if (g_str_equal (name, "oauth_signature"))
        continue;
      pair.name = g_uri_escape_string (name, NULL, FALSE);
      pair.value = g_uri_escape_string (value, NULL, FALSE);
      g_array_append_val (pairs, pair);
    }
  g_array_sort (pairs, compare_pairs);
  for (guint i = 0; i < pairs->len; i++)
    {
      Pair *pair = &g_array_index (pairs, Pair, i);

      g_string_append_printf (normalized, "%s%s=%s", i > 0 ? "&" : "", pair->name, pair->value);
      g_free (pair->name);
      g_free (pair->value);
    }

  encoded_params = g_uri_escape_string (normalized->str, NULL, FALSE);
  base_string = g_strconcat (method, "&", encoded_url, "&", encoded_params, NULL);
  key = g_strconcat (encoded_client_secret, "&", encoded_token_secret, NULL);

  hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) key, strlen (key));
  g_hmac_update (hmac, (const guchar *) base_string, -1);
  g_hmac_get_digest (hmac, digest, &digest_len);
  g_hmac_unref (hmac);
  return g_base64_encode (digest, digest_len);
}

/* Checks that @recorded is a correctly signed token request for @step,
 * for the method and URL it arrived with, and returns its nonce. */
static char *
assert_signed_token_request (FaultServer    *fs,
                             const Recorded *recorded,
                             Step            step)
{
  g_autoptr(GHashTable) oauth = recorded_oauth_params (recorded);
  g_autofree char *url = fault_server_url (fs, recorded->path);
  g_autofree char *expected = NULL;
  const char *nonce = g_hash_table_lookup (oauth, "oauth_nonce");
  const char *timestamp = g_hash_table_lookup (oauth, "oauth_timestamp");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 when = 0;

  g_assert_cmpstr (g_hash_table_lookup (oauth, "oauth_consumer_key"), ==, CLIENT_KEY);
  g_assert_cmpstr (g_hash_table_lookup (oauth, "oauth_signature_method"), ==, "HMAC-SHA1");
  g_assert_nonnull (nonce);
  g_assert_cmpuint (strlen (nonce), >=, 8);
  g_assert_nonnull (timestamp);
  g_assert_true (g_ascii_string_to_signed (timestamp, 10, 0, G_MAXINT64, &when, NULL));
  g_assert_cmpint (ABS (when - now), <, 300);

  if (step == STEP_REQUEST_TOKEN)
    {
      g_assert_cmpstr (g_hash_table_lookup (oauth, "oauth_callback"), ==, CALLBACK_URI);
      g_assert_false (g_hash_table_contains (oauth, "oauth_token"));
      g_assert_false (g_hash_table_contains (oauth, "oauth_verifier"));
    }
  else
    {
      g_assert_cmpstr (g_hash_table_lookup (oauth, "oauth_token"), ==, REQUEST_TOKEN);
      g_assert_cmpstr (g_hash_table_lookup (oauth, "oauth_verifier"), ==, VERIFIER);
      g_assert_false (g_hash_table_contains (oauth, "oauth_callback"));
    }

  /* A request-token request is signed without the stale token secret. */
  expected = expected_hmac_sha1 (recorded->method, url, oauth, CLIENT_SECRET,
                                 step == STEP_REQUEST_TOKEN ? "" : REQUEST_TOKEN_SECRET);
  g_assert_cmpstr (g_hash_table_lookup (oauth, "oauth_signature"), ==, expected);
  return g_strdup (nonce);
}

static void
assert_contains_all (const char         *message,
                     const char * const *needles)
{
  for (const char * const *n = needles; *n != NULL; n++)
    {
      if (strstr (message, *n) == NULL)
        g_error ("“%s” is not in the error message “%s”", *n, message);
    }
}

/* ------------------------------------------------------------------ */
/* Test registration                                                    */
/* ------------------------------------------------------------------ */

typedef struct {
  Step                  step;
  CallMode              mode;
  GrantOAuth1Placement  placement;
  gconstpointer         data;
} TestCase;

static const char *
placement_slug (GrantOAuth1Placement placement)
{
  switch (placement)
    {
    case GRANT_OAUTH1_PLACEMENT_QUERY:
      return "query";
    case GRANT_OAUTH1_PLACEMENT_BODY:
      return "body";
    case GRANT_OAUTH1_PLACEMENT_HEADER:
    default:
      return "header";
    }
}

static TestCase *
test_case_new (Step                  step,
               CallMode              mode,
               GrantOAuth1Placement  placement,
               gconstpointer         data)
{
  TestCase *tc = g_new0 (TestCase, 1);

  tc->step = step;
  tc->mode = mode;
  tc->placement = placement;
  tc->data = data;
  return tc;
}

/* /oauth1/session/STEP/[async/]NAME */
static void
add_case (Step                  step,
          CallMode              mode,
          GrantOAuth1Placement  placement,
          const char           *name,
          gconstpointer         data,
          GTestDataFunc         func)
{
  g_autofree char *path = g_strdup_printf ("/oauth1/session/%s/%s%s", step_slug (step),
                                           mode == CALL_ASYNC ? "async/" : "", name);

  g_test_add_data_func_full (path, test_case_new (step, mode, placement, data), func, g_free);
}

/* ------------------------------------------------------------------ */
/* Refusals: 4xx and 5xx                                                */
/* ------------------------------------------------------------------ */

typedef struct {
  const char *name;
  guint       status;
  const char *content_type;
  const char *body;
  const char *tail;
  guint       repeat;
  const char *expect[4];
} DeniedCase;

#define LONG_SENTENCE "The token service is overloaded; please retry later. "

static const DeniedCase denied_cases[] = {
  { "http-401-with-oauth-problem", 401, FORM_TYPE,
    "oauth_problem=consumer_key_rejected&oauth_problem_advice=The+consumer+key+was+revoked",
    NULL, 0, { "401", "consumer_key_rejected", "The consumer key was revoked", NULL } },
  { "http-400-with-oauth-problem-as-text-plain", 400, "text/plain",
    "oauth_problem=parameter_absent&oauth_problem_advice=oauth_callback",
    NULL, 0, { "400", "parameter_absent", "oauth_callback", NULL } },
  { "http-500-with-oauth-problem", 500, FORM_TYPE,
    "oauth_problem=temporarily_unavailable",
    NULL, 0, { "500", "temporarily_unavailable", NULL } },
  { "http-400-with-json-error", 400, JSON_TYPE,
    "{\"error\":\"invalid_request\",\"error_description\":\"Missing oauth_callback parameter\"}",
    NULL, 0, { "400", "invalid_request", "Missing oauth_callback parameter", NULL } },
  { "http-503-with-json-error", 503, JSON_TYPE,
    "{\"error\":\"server_error\",\"error_description\":\"Try again in a minute\"}",
    NULL, 0, { "503", "server_error", "Try again in a minute", NULL } },
  { "http-403-with-no-body", 403, NULL, NULL,
    NULL, 0, { "403", "Forbidden", NULL } },
  { "http-502-with-no-body", 502, NULL, NULL,
    NULL, 0, { "502", "Bad Gateway", NULL } },
  { "http-401-with-long-text-body", 401, "text/plain", "Unauthorized. ",
    LONG_SENTENCE, 200, { "401", "Unauthorized. The token service is overloaded", NULL } },
  { "http-500-with-long-text-body", 500, "text/plain", NULL,
    LONG_SENTENCE, 200, { "500", "The token service is overloaded", NULL } },
  { "http-404-with-html-page", 404, "text/html",
    "<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>",
    NULL, 0, { "404", "HTML", NULL } },
};

/* However much a server says, the message stays readable. */
#define MAX_ERROR_MESSAGE 600

static void
test_denied (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  const DeniedCase *dc = tc->data;
  const Route routes[] = {
    { NULL, dc->status, dc->content_type, dc->body, dc->tail, dc->repeat, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autofree char *url = fault_server_url (fs, step_endpoint (tc->step));
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;
  gboolean was_authorized;

  prepare_credentials (session, tc->step);
  was_authorized = grant_oauth1_session_get_authorized (session);
  token = fetch (session, tc->step, tc->mode, url, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_REQUEST_DENIED);
  g_assert_null (token);
  assert_contains_all (error->message, dc->expect);
  g_assert_cmpuint (strlen (error->message), <, MAX_ERROR_MESSAGE);
  assert_credentials_unchanged (session, tc->step);
  g_assert_cmpint (grant_oauth1_session_get_authorized (session), ==, was_authorized);
  g_assert_cmpuint (fault_server_count (fs), ==, 1);
}

/* oauth_problem_advice is free text from the server; a server that puts
 * a novel in it must not make the error message a novel. */
static void
test_denied_huge_problem_advice (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Route routes[] = {
    { NULL, 401, FORM_TYPE, "oauth_problem=signature_invalid&oauth_problem_advice=",
      "Check+the+signature+base+string.+", 2000, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autofree char *url = fault_server_url (fs, step_endpoint (tc->step));
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;

  prepare_credentials (session, tc->step);
  token = fetch (session, tc->step, tc->mode, url, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_REQUEST_DENIED);
  g_assert_null (token);
  g_assert_nonnull (strstr (error->message, "401"));
  g_assert_nonnull (strstr (error->message, "signature_invalid"));
  g_assert_nonnull (strstr (error->message, "Check the signature base string."));
  assert_credentials_unchanged (session, tc->step);

  g_assert_cmpuint (strlen (error->message), <, MAX_ERROR_MESSAGE);
}

/* ------------------------------------------------------------------ */
/* 200 responses that are not token responses                           */
/* ------------------------------------------------------------------ */

typedef struct {
  const char *name;
  const char *content_type;
  const char *body;
  int         code;   /* GrantError */
  const char *expect[3];
} MalformedCase;

#define LOGIN_PAGE \
  "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>" \
  "<body><form action=\"/login\">Please sign in</form></body></html>\n"

static const MalformedCase malformed_cases[] = {
  { "http-200-with-html-page", "text/html", LOGIN_PAGE,
    GRANT_ERROR_MALFORMED_RESPONSE, { "HTML", "200", NULL } },
  { "http-200-with-html-page-as-text-plain", "text/plain", "\r\n   " LOGIN_PAGE,
    GRANT_ERROR_MALFORMED_RESPONSE, { "HTML", NULL } },
  { "http-200-with-text-html-content-type", "text/html; charset=utf-8", "Please sign in",
    GRANT_ERROR_MALFORMED_RESPONSE, { "HTML", NULL } },
  { "http-200-with-empty-body", "text/plain", "",
    GRANT_ERROR_MALFORMED_RESPONSE, { "empty", NULL } },
  { "http-200-with-whitespace-body", "text/plain", " \r\n\t\n",
    GRANT_ERROR_MALFORMED_RESPONSE, { "empty", NULL } },
  { "http-200-with-no-content-at-all", NULL, NULL,
    GRANT_ERROR_MALFORMED_RESPONSE, { "empty", NULL } },
  { "http-200-with-json-array", JSON_TYPE, "[\"a\"]",
    GRANT_ERROR_MALFORMED_RESPONSE, { "[\"a\"]", NULL } },
  { "http-200-with-broken-json", JSON_TYPE, "{{{",
    GRANT_ERROR_MALFORMED_RESPONSE, { "{{{", NULL } },
  { "http-200-with-plain-text", "text/plain", "Token service ready.",
    GRANT_ERROR_MALFORMED_RESPONSE, { "Token service ready.", NULL } },
  { "http-200-with-oauth-problem-and-no-token", FORM_TYPE, "oauth_problem=user_refused",
    GRANT_ERROR_TOKEN_MISSING, { "user_refused", NULL } },
  { "http-200-with-empty-oauth-token", FORM_TYPE, "oauth_token=&oauth_token_secret=s",
    GRANT_ERROR_TOKEN_MISSING, { "oauth_token", NULL } },
  { "http-200-with-json-without-oauth-token", JSON_TYPE, "{\"oauth_token_secret\":\"s\"}",
    GRANT_ERROR_TOKEN_MISSING, { "oauth_token", NULL } },
  { "http-200-with-json-null-oauth-token", JSON_TYPE, "{\"oauth_token\":null,\"oauth_token_secret\":\"s\"}",
    GRANT_ERROR_TOKEN_MISSING, { "oauth_token", NULL } },
};

static void
test_malformed (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  const MalformedCase *mc = tc->data;
  const Route routes[] = {
    { NULL, 200, mc->content_type, mc->body, NULL, 0, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autofree char *url = fault_server_url (fs, step_endpoint (tc->step));
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;

  prepare_credentials (session, tc->step);
  token = fetch (session, tc->step, tc->mode, url, NULL, &error);

  g_assert_error (error, GRANT_ERROR, mc->code);
  g_assert_null (token);
  assert_contains_all (error->message, mc->expect);
  g_assert_cmpuint (strlen (error->message), <, MAX_ERROR_MESSAGE);
  assert_credentials_unchanged (session, tc->step);
  g_assert_cmpuint (fault_server_count (fs), ==, 1);
}

/* 2 MiB with a Content-Length. */
static void
test_oversized_body (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Route routes[] = {
    { NULL, 200, "text/plain", NULL, "0123456789abcdef", 2 * 1024 * 1024 / 16, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autofree char *url = fault_server_url (fs, step_endpoint (tc->step));
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;

  prepare_credentials (session, tc->step);
  token = fetch (session, tc->step, tc->mode, url, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE);
  g_assert_null (token);
  g_assert_nonnull (strstr (error->message, "1048576"));
  assert_credentials_unchanged (session, tc->step);
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
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autofree char *url = fault_server_url (fs, step_endpoint (tc->step));
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  gboolean finished = FALSE;
  guint64 streamed;

  prepare_credentials (session, tc->step);
  token = fetch (session, tc->step, tc->mode, url, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE);
  g_assert_null (token);
  g_assert_nonnull (strstr (error->message, "1048576"));
  assert_credentials_unchanged (session, tc->step);

  /* Give the server a moment to notice the client went away. */
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
  g_test_message ("the server wrote %" G_GUINT64_FORMAT " bytes before the client gave up%s",
                  streamed, finished ? "" : " (and the connection is still open)");
  g_assert_cmpuint (streamed, >, TOKEN_RESPONSE_MAX);
  g_assert_cmpuint (streamed, <, 32 * 1024 * 1024);
}

/* ------------------------------------------------------------------ */
/* Token responses that are fine                                        */
/* ------------------------------------------------------------------ */

static void
test_json_token_accepted (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Route routes[] = {
    { NULL, 200, JSON_TYPE,
      "{\"oauth_token\":\"t\",\"oauth_token_secret\":\"s\",\"user_id\":42,\"confirmed\":true}",
      NULL, 0, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autofree char *url = fault_server_url (fs, step_endpoint (tc->step));
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);

  prepare_credentials (session, tc->step);
  token = fetch (session, tc->step, tc->mode, url, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_assert_cmpuint (g_hash_table_size (token), ==, 4);
  g_assert_cmpstr (g_hash_table_lookup (token, "oauth_token"), ==, "t");
  g_assert_cmpstr (g_hash_table_lookup (token, "oauth_token_secret"), ==, "s");
  g_assert_cmpstr (g_hash_table_lookup (token, "user_id"), ==, "42");
  g_assert_cmpstr (g_hash_table_lookup (token, "confirmed"), ==, "true");

  g_assert_cmpstr (grant_oauth1_get_token (auth), ==, "t");
  g_assert_cmpstr (grant_oauth1_get_token_secret (auth), ==, "s");
  if (tc->step == STEP_ACCESS_TOKEN)
    {
      g_assert_null (grant_oauth1_get_verifier (auth));
      g_assert_true (grant_oauth1_session_get_authorized (session));
    }
  else
    g_assert_false (grant_oauth1_session_get_authorized (session));
}

static void
test_json_token_nested_values (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Route routes[] = {
    { NULL, 200, JSON_TYPE,
      "{\"oauth_token\":\"t\",\"oauth_token_secret\":\"s\",\"ratio\":1.5,"
      "\"scopes\":[\"read\",\"write\"],\"user\":{\"id\":7},\"gone\":null,\"off\":false}",
      NULL, 0, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autofree char *url = fault_server_url (fs, step_endpoint (tc->step));
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;

  prepare_credentials (session, tc->step);
  token = fetch (session, tc->step, tc->mode, url, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (token, "ratio"), ==, "1.5");
  g_assert_cmpstr (g_hash_table_lookup (token, "scopes"), ==, "[\"read\",\"write\"]");
  g_assert_cmpstr (g_hash_table_lookup (token, "user"), ==, "{\"id\":7}");
  g_assert_cmpstr (g_hash_table_lookup (token, "off"), ==, "false");
  g_assert_false (g_hash_table_contains (token, "gone"));
  g_assert_cmpuint (g_hash_table_size (token), ==, 6);
}

static void
test_form_token_extra_fields (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Route routes[] = {
    { NULL, 200, FORM_TYPE,
      "oauth_token=ft&oauth_token_secret=fs&oauth_callback_confirmed=true&user_id=7"
      "&screen_name=Jane+Doe%21",
      NULL, 0, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autofree char *url = fault_server_url (fs, step_endpoint (tc->step));
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);

  prepare_credentials (session, tc->step);
  token = fetch (session, tc->step, tc->mode, url, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (token), ==, 5);
  g_assert_cmpstr (g_hash_table_lookup (token, "oauth_token"), ==, "ft");
  g_assert_cmpstr (g_hash_table_lookup (token, "oauth_token_secret"), ==, "fs");
  g_assert_cmpstr (g_hash_table_lookup (token, "oauth_callback_confirmed"), ==, "true");
  g_assert_cmpstr (g_hash_table_lookup (token, "user_id"), ==, "7");
  g_assert_cmpstr (g_hash_table_lookup (token, "screen_name"), ==, "Jane Doe!");
  g_assert_cmpstr (grant_oauth1_get_token (auth), ==, "ft");
  g_assert_cmpstr (grant_oauth1_get_token_secret (auth), ==, "fs");
}

/* ------------------------------------------------------------------ */
/* Servers that do not answer                                           */
/* ------------------------------------------------------------------ */

/* @tc->data: NULL for a server that never answers, anything else for one
 * that stalls in the middle of the body. */
static void
test_slow_server_times_out (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  g_autoptr(FaultServer) fs = fault_server_new (tc->data ? respond_stall_body : respond_pause, NULL);
  g_autoptr(GrantOAuth1Session) session =
    session_new_full (GRANT_OAUTH1_PLACEMENT_HEADER, GRANT_OAUTH1_SIGNATURE_HMAC_SHA1, CLIENT_SECRET, 1);
  g_autofree char *url = fault_server_url (fs, step_endpoint (tc->step));
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, elapsed;

  prepare_credentials (session, tc->step);
  start = g_get_monotonic_time ();
  token = fetch (session, tc->step, tc->mode, url, NULL, &error);
  elapsed = g_get_monotonic_time () - start;

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_null (token);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpint (elapsed, >=, G_USEC_PER_SEC / 2);
  g_assert_cmpuint (fault_server_count (fs), ==, 1);
  assert_credentials_unchanged (session, tc->step);
}

typedef struct {
  FaultServer  *fs;
  GCancellable *cancellable;
  guint         source_id;
  gint64        cancel_at;
} CancelWhenArrived;

/* Cancels 200 ms after the server has the request. */
static gboolean
cancel_when_arrived (gpointer user_data)
{
  CancelWhenArrived *cw = user_data;

  if (cw->cancel_at == 0 && fault_server_count (cw->fs) > 0)
    cw->cancel_at = g_get_monotonic_time () + 200 * 1000;
  if (cw->cancel_at == 0 || g_get_monotonic_time () < cw->cancel_at)
    return G_SOURCE_CONTINUE;
  g_cancellable_cancel (cw->cancellable);
  cw->source_id = 0;
  return G_SOURCE_REMOVE;
}

/* The server holds the request (@tc->data NULL) or stalls in the middle
 * of the body (@tc->data set); the application gives up on it. */
static void
test_cancelled_mid_request (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  /* Blocking: the server thread cancels once it holds the request.
   * Async: a timeout on the test's main context does, once the server
   * has it. */
  g_autoptr(FaultServer) fs = tc->data
    ? fault_server_new (respond_stall_body, tc->mode == CALL_BLOCKING ? cancellable : NULL)
    : fault_server_new (respond_pause, tc->mode == CALL_BLOCKING ? cancellable : NULL);
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autofree char *url = fault_server_url (fs, step_endpoint (tc->step));
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, elapsed;

  prepare_credentials (session, tc->step);
  start = g_get_monotonic_time ();
  if (tc->mode == CALL_BLOCKING)
    token = fetch (session, tc->step, tc->mode, url, cancellable, &error);
  else
    {
      CancelWhenArrived cw = { fs, cancellable, 0, 0 };
      FetchCall call;

      cw.source_id = g_timeout_add (10, cancel_when_arrived, &cw);
      fetch_begin (session, tc->step, url, cancellable, &call);
      /* Wait long enough after the callback for a second one to show. */
      token = fetch_end (&call, 300, &error);
      if (cw.source_id != 0)
        g_source_remove (cw.source_id);
    }
  elapsed = g_get_monotonic_time () - start;

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (token);
  g_assert_cmpuint (fault_server_count (fs), ==, 1);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
  assert_credentials_unchanged (session, tc->step);
}

static void
test_cancelled_before_start (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Route routes[] = {
    { NULL, 200, FORM_TYPE, "oauth_token=t&oauth_token_secret=s", NULL, 0, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autofree char *url = fault_server_url (fs, step_endpoint (tc->step));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;

  prepare_credentials (session, tc->step);
  g_cancellable_cancel (cancellable);
  token = fetch (session, tc->step, tc->mode, url, cancellable, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (token);
  assert_credentials_unchanged (session, tc->step);
}

/* ------------------------------------------------------------------ */
/* Redirects of the token endpoint                                      */
/* ------------------------------------------------------------------ */

/* @tc->data: the redirect status. */
static void
run_same_origin_redirect (const TestCase *tc)
{
  guint status = GPOINTER_TO_UINT (tc->data);
  const char *endpoint = step_endpoint (tc->step);
  g_autofree char *endpoint2 = g_strconcat (endpoint, "2", NULL);
  const Route routes[] = {
    { endpoint, status, NULL, NULL, NULL, 0, endpoint2 },
    { endpoint2, 200, FORM_TYPE, "oauth_token=moved&oauth_token_secret=moved-secret", NULL, 0, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth1Session) session =
    session_new_full (tc->placement, GRANT_OAUTH1_SIGNATURE_HMAC_SHA1, CLIENT_SECRET, DEFAULT_TIMEOUT_S);
  g_autofree char *url = fault_server_url (fs, endpoint);
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *nonce1 = NULL;
  g_autofree char *nonce2 = NULL;
  const Recorded *first, *second;

  prepare_credentials (session, tc->step);
  token = fetch (session, tc->step, tc->mode, url, NULL, &error);

  nonce1 = assert_signed_token_request (fs, fault_server_request (fs, 0), tc->step);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (token, "oauth_token"), ==, "moved");
  g_assert_cmpuint (fault_server_count (fs), ==, 2);

  first = fault_server_request (fs, 0);
  second = fault_server_request (fs, 1);
  g_assert_cmpstr (first->method, ==, "POST");
  g_assert_cmpstr (first->path, ==, endpoint);
  g_assert_cmpstr (second->method, ==, status == 303 ? "GET" : "POST");
  g_assert_cmpstr (second->path, ==, endpoint2);
  if (tc->placement == GRANT_OAUTH1_PLACEMENT_HEADER)
    g_assert_nonnull (second->authorization);
  else
    g_assert_null (second->authorization);

  nonce2 = assert_signed_token_request (fs, second, tc->step);
  g_assert_cmpstr (nonce1, !=, nonce2);
}

static void
test_same_origin_redirect (gconstpointer user_data)
{
  const TestCase *tc = user_data;

  if (tc->placement != GRANT_OAUTH1_PLACEMENT_BODY || GPOINTER_TO_UINT (tc->data) != 303)
    {
      run_same_origin_redirect (tc);
      return;
    }

  /* After a 303 the request is a GET, which has no body for a body
   * signature: it must go out signed in the query, and a server must never
   * be able to make the library warn (fatal in tests). In a subprocess so
   * that a warning fails this test alone. */
  if (g_test_subprocess ())
    {
      run_same_origin_redirect (tc);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_passed ();
}

/* @tc->data: the redirect status. */
static void
test_cross_origin_redirect (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  guint status = GPOINTER_TO_UINT (tc->data);
  const char *endpoint = step_endpoint (tc->step);
  static const Route elsewhere_routes[] = {
    { NULL, 200, FORM_TYPE, "oauth_token=elsewhere&oauth_token_secret=elsewhere-secret", NULL, 0, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) elsewhere = fault_server_new (respond_routes, elsewhere_routes);
  g_autofree char *location = fault_server_url (elsewhere, endpoint);
  const Route routes[] = {
    { NULL, status, NULL, NULL, NULL, 0, location },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth1Session) session =
    session_new_full (tc->placement, GRANT_OAUTH1_SIGNATURE_HMAC_SHA1, CLIENT_SECRET, DEFAULT_TIMEOUT_S);
  g_autofree char *url = fault_server_url (fs, endpoint);
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GHashTable) leaked = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *nonce = NULL;
  const Recorded *second;

  prepare_credentials (session, tc->step);
  token = fetch (session, tc->step, tc->mode, url, NULL, &error);

  g_assert_cmpuint (fault_server_count (fs), ==, 1);
  nonce = assert_signed_token_request (fs, fault_server_request (fs, 0), tc->step);
  if (status == 307 || status == 308)
    {
      /* A token request that would have to be re-sent to another origin
       * is not sent at all: it could only go without credentials, and
       * the error says where the endpoint went. */
      g_assert_null (token);
      g_assert_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_REQUEST_DENIED);
      g_assert_nonnull (strstr (error->message, "another origin"));
      g_assert_cmpuint (fault_server_count (elsewhere), ==, 0);
      return;
    }
  /* Whether the answer from elsewhere is taken is not the point here. */
  g_clear_error (&error);

  g_assert_cmpuint (fault_server_count (elsewhere), ==, 1);
  second = fault_server_request (elsewhere, 0);
  g_assert_cmpstr (second->path, ==, endpoint);
  g_assert_null (second->authorization);
  leaked = recorded_oauth_params (second);
  g_assert_cmpuint (g_hash_table_size (leaked), ==, 0);
  g_assert_true (second->query == NULL || strstr (second->query, "oauth_") == NULL);
  g_assert_null (strstr (second->body, "oauth_"));
  g_assert_null (strstr (second->body, CLIENT_KEY));
}

/* ------------------------------------------------------------------ */
/* Secrets in error messages                                            */
/* ------------------------------------------------------------------ */

typedef struct {
  const char           *name;
  GrantOAuth1Placement  placement;
  EchoFormat            echo;
  const char           *client_secret;
  const char           *token_secret;
} SecretCase;

static const SecretCase secret_cases[] = {
  { "header-echoed-in-text-body", GRANT_OAUTH1_PLACEMENT_HEADER, ECHO_TEXT,
    CLIENT_SECRET, REQUEST_TOKEN_SECRET },
  { "body-echoed-in-text-body", GRANT_OAUTH1_PLACEMENT_BODY, ECHO_TEXT,
    CLIENT_SECRET, REQUEST_TOKEN_SECRET },
  { "query-echoed-in-text-body", GRANT_OAUTH1_PLACEMENT_QUERY, ECHO_TEXT,
    CLIENT_SECRET, REQUEST_TOKEN_SECRET },
  { "echoed-in-oauth-problem-advice", GRANT_OAUTH1_PLACEMENT_HEADER, ECHO_FORM,
    CLIENT_SECRET, REQUEST_TOKEN_SECRET },
  { "echoed-in-json-error-description", GRANT_OAUTH1_PLACEMENT_HEADER, ECHO_JSON,
    CLIENT_SECRET, REQUEST_TOKEN_SECRET },
  /* Secrets that percent-encoding changes: on the wire they are never
   * written as they are. */
  { "percent-encoded-secrets-echoed-in-text-body", GRANT_OAUTH1_PLACEMENT_HEADER, ECHO_TEXT,
    "client+secret/XYZ=", "token&secret ABC" },
};

/* @secret as it may be written: itself, percent-encoded once or twice
 * (PLAINTEXT encodes the secrets, the header encodes the signature), and
 * form-encoded. */
static GPtrArray *
secret_forms (const char *secret)
{
  GPtrArray *forms = g_ptr_array_new_with_free_func (g_free);
  char *once = g_uri_escape_string (secret, NULL, FALSE);
  GString *plus = g_string_new (NULL);

  g_ptr_array_add (forms, g_strdup (secret));
  g_ptr_array_add (forms, g_uri_escape_string (once, NULL, FALSE));
  g_ptr_array_add (forms, once);
  for (const char *p = once; *p; p++)
    {
      if (g_str_has_prefix (p, "%20"))
        {
          g_string_append_c (plus, '+');
          p += 2;
        }
      else
        g_string_append_c (plus, *p);
    }
  g_ptr_array_add (forms, g_string_free (plus, FALSE));
  return forms;
}

/* Whether any form of @secret is in @text. */
static gboolean
contains_secret (const char *text,
                 const char *secret)
{
  g_autoptr(GPtrArray) forms = secret_forms (secret);

  for (guint i = 0; i < forms->len; i++)
    {
      if (strstr (text, g_ptr_array_index (forms, i)) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_secrets_not_in_error (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  const SecretCase *sc = tc->data;
  g_autoptr(FaultServer) fs = fault_server_new (respond_echo, GUINT_TO_POINTER (sc->echo));
  g_autoptr(GrantOAuth1Session) session =
    session_new_full (sc->placement, GRANT_OAUTH1_SIGNATURE_PLAINTEXT, sc->client_secret, DEFAULT_TIMEOUT_S);
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);
  g_autofree char *url = fault_server_url (fs, step_endpoint (tc->step));
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *echo_start = NULL;
  const char *secrets[] = { sc->client_secret, sc->token_secret, VERIFIER, NULL };
  gboolean leaked = FALSE;

  prepare_credentials (session, tc->step);
  grant_oauth1_set_token_secret (auth, sc->token_secret);
  token = fetch (session, tc->step, tc->mode, url, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_REQUEST_DENIED);
  g_assert_null (token);
  g_assert_nonnull (strstr (error->message, "401"));
  g_assert_cmpuint (fault_server_count (fs), ==, 1);

  /* The test means something only if the server really did send a
   * secret back, early enough to be in any excerpt. */
  g_mutex_lock (&fs->lock);
  g_assert_nonnull (fs->last_echo);
  echo_start = g_strndup (fs->last_echo, 150);
  g_mutex_unlock (&fs->lock);
  g_assert_true (contains_secret (echo_start, sc->client_secret));

  for (const char * const *s = secrets; *s != NULL; s++)
    {
      if (contains_secret (error->message, *s))
        {
          g_test_message ("a form of “%s” is in the error message “%s”", *s, error->message);
          leaked = TRUE;
        }
    }

  g_assert_false (leaked);
}

/* ------------------------------------------------------------------ */
/* Preconditions of the access-token request                            */
/* ------------------------------------------------------------------ */

static void
test_access_token_without_verifier (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Route routes[] = {
    { NULL, 200, FORM_TYPE, "oauth_token=t&oauth_token_secret=s", NULL, 0, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth1Session) session = session_new ();
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);
  g_autofree char *url = fault_server_url (fs, step_endpoint (STEP_ACCESS_TOKEN));
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;

  grant_oauth1_set_token (auth, REQUEST_TOKEN);
  grant_oauth1_set_token_secret (auth, REQUEST_TOKEN_SECRET);
  token = fetch (session, STEP_ACCESS_TOKEN, tc->mode, url, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_VERIFIER_MISSING);
  g_assert_null (token);
  g_assert_cmpuint (fault_server_count (fs), ==, 0);
  g_assert_cmpstr (grant_oauth1_get_token (auth), ==, REQUEST_TOKEN);
}

static void
test_access_token_without_token (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Route routes[] = {
    { NULL, 200, FORM_TYPE, "oauth_token=t&oauth_token_secret=s", NULL, 0, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth1Session) session = session_new ();
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);
  g_autofree char *url = fault_server_url (fs, step_endpoint (STEP_ACCESS_TOKEN));
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;

  grant_oauth1_set_verifier (auth, VERIFIER);
  token = fetch (session, STEP_ACCESS_TOKEN, tc->mode, url, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_MISSING);
  g_assert_null (token);
  g_assert_cmpuint (fault_server_count (fs), ==, 0);
  g_assert_null (grant_oauth1_get_token (auth));
}

/* ------------------------------------------------------------------ */
/* Endpoints that are not http URLs, and requests that cannot be sent   */
/* ------------------------------------------------------------------ */

typedef struct {
  const char *name;
  const char *url;
} EndpointCase;

static const EndpointCase endpoint_cases[] = {
  { "unparsable-url", "http://[::1/request_token" },
  { "ftp-url", "ftp://127.0.0.1/request_token" },
  { "mailto-url", "mailto:tokens@example.com" },
  { "relative-url", "/request_token" },
  { "not-a-url", "not a url at all" },
  { "empty-url", "" },
  { "null-url", NULL },
  { "http-url-without-host", "http:///request_token" },
};

static void
run_invalid_endpoint (const TestCase *tc)
{
  const EndpointCase *ec = tc->data;
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autoptr(GHashTable) token = NULL;
  g_autoptr(GError) error = NULL;

  prepare_credentials (session, tc->step);
  token = fetch (session, tc->step, tc->mode, ec->url, NULL, &error);

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT);
  g_assert_null (token);
  assert_credentials_unchanged (session, tc->step);
}

static void
test_invalid_endpoint (gconstpointer user_data)
{
  const TestCase *tc = user_data;

  /* In a subprocess, so that a crash or a critical is reported as this
   * test failing rather than ending the whole run. */
  if (g_test_subprocess ())
    {
      run_invalid_endpoint (tc);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);

  /* A URL such as http:///x must be an INVALID_ARGUMENT, not a critical
   * from libsoup and an unset GError. */
  g_test_trap_assert_passed ();
}

typedef struct {
  gboolean done;
  guint    n_callbacks;
  GBytes  *body;
  GError  *error;
} SendCall;

static void
on_sent_and_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SendCall *call = user_data;

  call->n_callbacks++;
  call->body = grant_oauth1_session_send_and_read_finish (GRANT_OAUTH1_SESSION (source), result,
                                                          &call->error);
  call->done = TRUE;
}

/* A form body on a GET, with its Content-Type (@tc->data non-NULL) or
 * without one (a body that reads as a form is taken for one). */
static void
test_get_with_form_body (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Route routes[] = {
    { NULL, 200, "text/plain", "hello", NULL, 0, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autofree char *url = fault_server_url (fs, "/resource");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = g_bytes_new_static ("status=hello&lang=en", strlen ("status=hello&lang=en"));
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  grant_oauth1_set_token (grant_oauth1_session_get_auth (session), "access-token");
  grant_oauth1_set_token_secret (grant_oauth1_session_get_auth (session), "access-secret");
  if (tc->data != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Type", FORM_TYPE);

  if (tc->mode == CALL_BLOCKING)
    response = grant_oauth1_session_send_and_read (session, msg, body, NULL, &error);
  else
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      SendCall call = { FALSE, 0, NULL, NULL };

      grant_oauth1_session_send_and_read_async (session, msg, body, cancellable,
                                                on_sent_and_read, &call);
      g_assert_false (call.done);
      test_wait_for (&call.done);
      spin_main_context (20);
      g_assert_cmpuint (call.n_callbacks, ==, 1);
      response = call.body;
      error = call.error;
    }

  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT);
  g_assert_null (response);
  g_assert_cmpuint (fault_server_count (fs), ==, 0);
}

/* ------------------------------------------------------------------ */
/* Without a server                                                     */
/* ------------------------------------------------------------------ */

/* A verifier with an invalid escape is refused, not read as "ab%zz"
 * (which would only fail later, at the access-token endpoint). */
static void
test_parse_response_invalid_escape (void)
{
  g_autoptr(GrantOAuth1Session) session = session_new ();
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;

  prepare_credentials (session, STEP_REQUEST_TOKEN);
  params = grant_oauth1_session_parse_authorization_response (session,
                                                              CALLBACK_URI "?oauth_token=t&oauth_verifier=ab%zz",
                                                              &error);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT);
  g_assert_null (params);
  g_assert_null (grant_oauth1_get_verifier (auth));
}

static void
test_parse_response_without_token (void)
{
  g_autoptr(GrantOAuth1Session) session = session_new ();
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;

  prepare_credentials (session, STEP_REQUEST_TOKEN);
  params = grant_oauth1_session_parse_authorization_response (session,
                                                              CALLBACK_URI "?oauth_verifier=v&state=1",
                                                              &error);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_MISSING);
  g_assert_null (params);
  g_assert_cmpstr (grant_oauth1_get_token (auth), ==, STALE_TOKEN);
  g_assert_null (grant_oauth1_get_verifier (auth));
}

static void
test_parse_response_denied (void)
{
  g_autoptr(GrantOAuth1Session) session = session_new ();
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;

  prepare_credentials (session, STEP_REQUEST_TOKEN);
  params = grant_oauth1_session_parse_authorization_response (session,
                                                              CALLBACK_URI "?denied=abc123",
                                                              &error);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_MISSING);
  g_assert_null (params);
  g_assert_nonnull (strstr (error->message, "refused"));
  g_assert_nonnull (strstr (error->message, "abc123"));
  g_assert_cmpstr (grant_oauth1_get_token (auth), ==, STALE_TOKEN);
}

static void
test_parse_response_oauth_problem (void)
{
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;

  params = grant_oauth1_session_parse_authorization_response (session,
                                                              CALLBACK_URI "?oauth_problem=user_refused",
                                                              &error);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_MISSING);
  g_assert_null (params);
  g_assert_nonnull (strstr (error->message, "user_refused"));
  g_assert_null (grant_oauth1_get_token (grant_oauth1_session_get_auth (session)));
}

static void
test_parse_response_raw_characters (void)
{
  g_autoptr(GrantOAuth1Session) session = session_new ();
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;

  /* As a browser's address bar or a pasted URL may have it. */
  params = grant_oauth1_session_parse_authorization_response (session,
                                                              CALLBACK_URI "?oauth_token=tok en"
                                                              "&oauth_verifier=v\xc3\xa9rifi\xc3\xa9 1"
                                                              "&note=a b\xe2\x82\xac",
                                                              &error);
  g_assert_no_error (error);
  g_assert_nonnull (params);
  g_assert_cmpstr (g_hash_table_lookup (params, "oauth_token"), ==, "tok en");
  g_assert_cmpstr (g_hash_table_lookup (params, "oauth_verifier"), ==, "v\xc3\xa9rifi\xc3\xa9 1");
  g_assert_cmpstr (g_hash_table_lookup (params, "note"), ==, "a b\xe2\x82\xac");
  g_assert_cmpstr (grant_oauth1_get_token (auth), ==, "tok en");
  g_assert_cmpstr (grant_oauth1_get_verifier (auth), ==, "v\xc3\xa9rifi\xc3\xa9 1");
}

static void
test_parse_response_all_params (void)
{
  g_autoptr(GrantOAuth1Session) session = session_new ();
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;

  params = grant_oauth1_session_parse_authorization_response (session,
                                                              CALLBACK_URI "?oauth_token=abc%2Bdef"
                                                              "&oauth_verifier=xyz&state=s1&empty=#frag",
                                                              &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (params), ==, 4);
  g_assert_cmpstr (g_hash_table_lookup (params, "oauth_token"), ==, "abc+def");
  g_assert_cmpstr (g_hash_table_lookup (params, "oauth_verifier"), ==, "xyz");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, "s1");
  g_assert_cmpstr (g_hash_table_lookup (params, "empty"), ==, "");
  g_assert_cmpstr (grant_oauth1_get_token (auth), ==, "abc+def");
  g_assert_cmpstr (grant_oauth1_get_verifier (auth), ==, "xyz");
  /* A token from the callback is still only temporary. */
  g_assert_false (grant_oauth1_session_get_authorized (session));
}

static void
test_parse_response_unparsable (void)
{
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;

  params = grant_oauth1_session_parse_authorization_response (session,
                                                              "http://[::1/cb?oauth_token=a",
                                                              &error);
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT);
  g_assert_null (params);
  g_assert_null (grant_oauth1_get_token (grant_oauth1_session_get_auth (session)));
}

typedef struct {
  GrantOAuth1Session *session;
  guint               count;
  gboolean            last_value;
} AuthorizedNotify;

static void
on_notify_authorized (GObject    *object G_GNUC_UNUSED,
                      GParamSpec *pspec G_GNUC_UNUSED,
                      gpointer    user_data)
{
  AuthorizedNotify *notify = user_data;

  notify->count++;
  notify->last_value = grant_oauth1_session_get_authorized (notify->session);
}

static void
test_authorized_through_the_dance (gconstpointer user_data)
{
  const TestCase *tc = user_data;
  static const Route routes[] = {
    { "/request_token", 200, FORM_TYPE,
      "oauth_token=temp-token&oauth_token_secret=temp-secret&oauth_callback_confirmed=true", NULL, 0, NULL },
    { "/access_token", 200, FORM_TYPE,
      "oauth_token=access-token&oauth_token_secret=access-secret&user_id=7", NULL, 0, NULL },
    ROUTES_END,
  };
  g_autoptr(FaultServer) fs = fault_server_new (respond_routes, routes);
  g_autoptr(GrantOAuth1Session) session = session_new ();
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);
  g_autofree char *request_url = fault_server_url (fs, "/request_token");
  g_autofree char *access_url = fault_server_url (fs, "/access_token");
  g_autoptr(GHashTable) temporary = NULL;
  g_autoptr(GHashTable) callback = NULL;
  g_autoptr(GHashTable) access_token = NULL;
  g_autoptr(GHashTable) sent = NULL;
  g_autoptr(GError) error = NULL;
  AuthorizedNotify notify = { session, 0, FALSE };
  gboolean authorized = TRUE;
  guint before;

  g_signal_connect (session, "notify::authorized", G_CALLBACK (on_notify_authorized), &notify);
  g_assert_false (grant_oauth1_session_get_authorized (session));

  temporary = fetch (session, STEP_REQUEST_TOKEN, tc->mode, request_url, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (grant_oauth1_get_token (auth), ==, "temp-token");
  g_assert_cmpstr (grant_oauth1_get_token_secret (auth), ==, "temp-secret");
  g_assert_false (grant_oauth1_session_get_authorized (session));
  g_object_get (session, "authorized", &authorized, NULL);
  g_assert_false (authorized);
  if (notify.count > 0)
    g_assert_false (notify.last_value);

  callback = grant_oauth1_session_parse_authorization_response (session,
                                                                CALLBACK_URI "?oauth_token=temp-token"
                                                                "&oauth_verifier=the-verifier",
                                                                &error);
  g_assert_no_error (error);
  g_assert_false (grant_oauth1_session_get_authorized (session));

  before = notify.count;
  access_token = fetch (session, STEP_ACCESS_TOKEN, tc->mode, access_url, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (access_token, "user_id"), ==, "7");
  g_assert_true (grant_oauth1_session_get_authorized (session));
  g_object_get (session, "authorized", &authorized, NULL);
  g_assert_true (authorized);
  g_assert_cmpuint (notify.count, >, before);
  g_assert_true (notify.last_value);
  g_assert_cmpstr (grant_oauth1_get_token (auth), ==, "access-token");
  g_assert_cmpstr (grant_oauth1_get_token_secret (auth), ==, "access-secret");
  g_assert_null (grant_oauth1_get_verifier (auth));

  /* The access-token request carried the temporary token and the
   * verifier from the callback, and no callback URI. */
  g_assert_cmpuint (fault_server_count (fs), ==, 2);
  sent = recorded_oauth_params (fault_server_request (fs, 1));
  g_assert_cmpstr (g_hash_table_lookup (sent, "oauth_token"), ==, "temp-token");
  g_assert_cmpstr (g_hash_table_lookup (sent, "oauth_verifier"), ==, "the-verifier");
  g_assert_false (g_hash_table_contains (sent, "oauth_callback"));

  g_signal_handlers_disconnect_by_data (session, &notify);
}

static GHashTable *
string_table (const char *first_name,
              ...)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *name;
  va_list args;

  va_start (args, first_name);
  for (name = first_name; name != NULL; name = va_arg (args, const char *))
    g_hash_table_insert (table, g_strdup (name), g_strdup (va_arg (args, const char *)));
  va_end (args);
  return table;
}

static void
test_set_token_round_trip (void)
{
  g_autoptr(GrantOAuth1Session) session = session_new ();
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);
  g_autoptr(GHashTable) empty = grant_oauth1_session_get_token (session);
  g_autoptr(GHashTable) saved = string_table ("oauth_token", "saved-token",
                                              "oauth_token_secret", "saved-secret",
                                              "oauth_verifier", "saved-verifier",
                                              "user_id", "7",
                                              NULL);
  g_autoptr(GHashTable) restored = NULL;
  g_autoptr(GError) error = NULL;
  AuthorizedNotify notify = { session, 0, FALSE };

  g_assert_cmpuint (g_hash_table_size (empty), ==, 0);

  g_signal_connect (session, "notify::authorized", G_CALLBACK (on_notify_authorized), &notify);
  g_assert_true (grant_oauth1_session_set_token (session, saved, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (notify.count, >, 0);
  g_assert_true (notify.last_value);
  g_assert_true (grant_oauth1_session_get_authorized (session));
  g_assert_cmpstr (grant_oauth1_get_token (auth), ==, "saved-token");
  g_assert_cmpstr (grant_oauth1_get_token_secret (auth), ==, "saved-secret");
  g_assert_cmpstr (grant_oauth1_get_verifier (auth), ==, "saved-verifier");

  restored = grant_oauth1_session_get_token (session);
  g_assert_cmpuint (g_hash_table_size (restored), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (restored, "oauth_token"), ==, "saved-token");
  g_assert_cmpstr (g_hash_table_lookup (restored, "oauth_token_secret"), ==, "saved-secret");
  g_assert_cmpstr (g_hash_table_lookup (restored, "oauth_verifier"), ==, "saved-verifier");

  g_signal_handlers_disconnect_by_data (session, &notify);
}

static guint auth_notifications;

static void
on_auth_notify (GObject    *object G_GNUC_UNUSED,
                GParamSpec *pspec G_GNUC_UNUSED,
                gpointer    user_data G_GNUC_UNUSED)
{
  auth_notifications++;
}

static void
assert_set_token_refused (GHashTable *bad)
{
  g_autoptr(GrantOAuth1Session) session = session_new ();
  GrantOAuth1 *auth = grant_oauth1_session_get_auth (session);
  g_autoptr(GError) error = NULL;
  AuthorizedNotify notify = { session, 0, FALSE };

  prepare_credentials (session, STEP_ACCESS_TOKEN);
  auth_notifications = 0;
  g_signal_connect (auth, "notify", G_CALLBACK (on_auth_notify), NULL);
  g_signal_connect (session, "notify::authorized", G_CALLBACK (on_notify_authorized), &notify);

  g_assert_false (grant_oauth1_session_set_token (session, bad, &error));
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_TOKEN_MISSING);
  assert_credentials_unchanged (session, STEP_ACCESS_TOKEN);
  g_assert_cmpuint (auth_notifications, ==, 0);
  g_assert_cmpuint (notify.count, ==, 0);

  g_signal_handlers_disconnect_by_func (auth, on_auth_notify, NULL);
  g_signal_handlers_disconnect_by_data (session, &notify);
}

static void
test_set_token_without_oauth_token (void)
{
  g_autoptr(GHashTable) bad = string_table ("oauth_token_secret", "new-secret",
                                            "oauth_verifier", "new-verifier",
                                            NULL);

  assert_set_token_refused (bad);
}

static void
test_set_token_with_empty_oauth_token (void)
{
  g_autoptr(GHashTable) bad = string_table ("oauth_token", "",
                                            "oauth_token_secret", "new-secret",
                                            NULL);

  assert_set_token_refused (bad);
}

static void
test_authorization_url_query_and_order (void)
{
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autoptr(GHashTable) extra = string_table ("zeta", "last one",
                                              "alpha", "1",
                                              "mid", "\xc3\xbc&x",
                                              "omega", "o",
                                              "beta", "b",
                                              "kappa", "k",
                                              "delta", "d",
                                              "x-y", "",
                                              "gamma", "g",
                                              NULL);
  g_autofree char *url = NULL;

  grant_oauth1_set_token (grant_oauth1_session_get_auth (session), "session-token");
  url = grant_oauth1_session_authorization_url (session,
                                                "https://provider.example/authorize?lang=en&from=%2Fhome",
                                                "req tok", extra);
  g_assert_cmpstr (url, ==,
                   "https://provider.example/authorize?lang=en&from=%2Fhome"
                   "&alpha=1&beta=b&delta=d&gamma=g&kappa=k&mid=%C3%BC%26x&omega=o"
                   "&x-y=&zeta=last+one&oauth_token=req+tok");
}

static void
test_authorization_url_session_token (void)
{
  g_autoptr(GrantOAuth1Session) session = session_new ();
  g_autofree char *url = NULL;
  g_autofree char *with_fragment = NULL;

  grant_oauth1_set_token (grant_oauth1_session_get_auth (session), "session-token");
  url = grant_oauth1_session_authorization_url (session, "https://provider.example/authorize",
                                                NULL, NULL);
  g_assert_cmpstr (url, ==, "https://provider.example/authorize?oauth_token=session-token");

  with_fragment = grant_oauth1_session_authorization_url (session,
                                                          "https://provider.example/authorize?x=1#top",
                                                          NULL, NULL);
  g_assert_cmpstr (with_fragment, ==,
                   "https://provider.example/authorize?x=1&oauth_token=session-token#top");
}

/* ------------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  static const GrantOAuth1Placement placements[] = {
    GRANT_OAUTH1_PLACEMENT_HEADER,
    GRANT_OAUTH1_PLACEMENT_QUERY,
    GRANT_OAUTH1_PLACEMENT_BODY,
  };
  static const guint redirects[] = { 303, 307 };

  g_test_init (&argc, &argv, NULL);

  for (guint s = STEP_REQUEST_TOKEN; s <= STEP_ACCESS_TOKEN; s++)
    {
      for (guint m = CALL_BLOCKING; m <= CALL_ASYNC; m++)
        {
          const GrantOAuth1Placement header = GRANT_OAUTH1_PLACEMENT_HEADER;

          for (gsize i = 0; i < G_N_ELEMENTS (denied_cases); i++)
            add_case (s, m, header, denied_cases[i].name, &denied_cases[i], test_denied);
          add_case (s, m, header, "http-401-with-huge-oauth-problem-advice", NULL,
                    test_denied_huge_problem_advice);
          for (gsize i = 0; i < G_N_ELEMENTS (malformed_cases); i++)
            add_case (s, m, header, malformed_cases[i].name, &malformed_cases[i], test_malformed);
          add_case (s, m, header, "http-200-with-2-mib-body", NULL, test_oversized_body);
          add_case (s, m, header, "http-200-with-endless-chunked-body", NULL, test_endless_chunked_body);
          add_case (s, m, header, "json-token-accepted-as-strings", NULL, test_json_token_accepted);
          add_case (s, m, header, "json-token-nested-values-kept-as-json", NULL,
                    test_json_token_nested_values);
          add_case (s, m, header, "form-token-extra-fields-returned", NULL, test_form_token_extra_fields);
          add_case (s, m, header, "slow-server-times-out", NULL, test_slow_server_times_out);
          add_case (s, m, header, "server-stalling-mid-body-times-out", "stall",
                    test_slow_server_times_out);
          add_case (s, m, header, "cancelled-mid-request", NULL, test_cancelled_mid_request);
          add_case (s, m, header, "cancelled-while-reading-body", "stall", test_cancelled_mid_request);
          add_case (s, m, header, "cancelled-before-start", NULL, test_cancelled_before_start);

          for (gsize i = 0; i < G_N_ELEMENTS (placements); i++)
            {
              for (gsize r = 0; r < G_N_ELEMENTS (redirects); r++)
                {
                  g_autofree char *same = g_strdup_printf ("same-origin-%u-signed-again-with-fresh-nonce/%s",
                                                           redirects[r], placement_slug (placements[i]));
                  g_autofree char *cross = g_strdup_printf ("cross-origin-%u-carries-no-credentials/%s",
                                                            redirects[r], placement_slug (placements[i]));

                  add_case (s, m, placements[i], same, GUINT_TO_POINTER (redirects[r]),
                            test_same_origin_redirect);
                  add_case (s, m, placements[i], cross, GUINT_TO_POINTER (redirects[r]),
                            test_cross_origin_redirect);
                }
            }

          for (gsize i = 0; i < G_N_ELEMENTS (endpoint_cases); i++)
            {
              g_autofree char *name = g_strconcat ("invalid-endpoint/", endpoint_cases[i].name, NULL);

              add_case (s, m, header, name, &endpoint_cases[i], test_invalid_endpoint);
            }
        }

      for (gsize i = 0; i < G_N_ELEMENTS (secret_cases); i++)
        {
          g_autofree char *name = g_strconcat ("error-message-hides-secrets/", secret_cases[i].name, NULL);

          add_case (s, CALL_BLOCKING, secret_cases[i].placement, name, &secret_cases[i],
                    test_secrets_not_in_error);
        }
    }

  for (guint m = CALL_BLOCKING; m <= CALL_ASYNC; m++)
    {
      add_case (STEP_ACCESS_TOKEN, m, GRANT_OAUTH1_PLACEMENT_HEADER,
                "without-verifier-sends-nothing", NULL, test_access_token_without_verifier);
      add_case (STEP_ACCESS_TOKEN, m, GRANT_OAUTH1_PLACEMENT_HEADER,
                "without-request-token-sends-nothing", NULL, test_access_token_without_token);
    }

  g_test_add_data_func_full ("/oauth1/session/authorized/false-after-request-token-true-after-access-token",
                             test_case_new (STEP_REQUEST_TOKEN, CALL_BLOCKING, GRANT_OAUTH1_PLACEMENT_HEADER, NULL),
                             test_authorized_through_the_dance, g_free);
  g_test_add_data_func_full ("/oauth1/session/authorized/async/false-after-request-token-true-after-access-token",
                             test_case_new (STEP_REQUEST_TOKEN, CALL_ASYNC, GRANT_OAUTH1_PLACEMENT_HEADER, NULL),
                             test_authorized_through_the_dance, g_free);

  g_test_add_func ("/oauth1/session/parse-authorization-response/without-oauth-token",
                   test_parse_response_without_token);
  g_test_add_func ("/oauth1/session/parse-authorization-response/denied-means-refused",
                   test_parse_response_denied);
  g_test_add_func ("/oauth1/session/parse-authorization-response/oauth-problem-means-no-token",
                   test_parse_response_oauth_problem);
  g_test_add_func ("/oauth1/session/parse-authorization-response/raw-spaces-and-non-ascii",
                   test_parse_response_raw_characters);
  g_test_add_func ("/oauth1/session/parse-authorization-response/returns-all-params-and-sets-auth",
                   test_parse_response_all_params);
  g_test_add_func ("/oauth1/session/parse-authorization-response/unparsable-url",
                   test_parse_response_unparsable);
  g_test_add_func ("/oauth1/session/parse-authorization-response/invalid-escape-refused",
                   test_parse_response_invalid_escape);

  g_test_add_func ("/oauth1/session/set-token/round-trip", test_set_token_round_trip);
  g_test_add_func ("/oauth1/session/set-token/without-oauth-token-changes-nothing",
                   test_set_token_without_oauth_token);
  g_test_add_func ("/oauth1/session/set-token/with-empty-oauth-token-changes-nothing",
                   test_set_token_with_empty_oauth_token);

  g_test_add_func ("/oauth1/session/authorization-url/keeps-query-sorts-extras-token-last",
                   test_authorization_url_query_and_order);
  g_test_add_func ("/oauth1/session/authorization-url/uses-session-request-token",
                   test_authorization_url_session_token);

  for (guint m = CALL_BLOCKING; m <= CALL_ASYNC; m++)
    {
      const char *prefix = m == CALL_ASYNC ? "async/" : "";
      g_autofree char *typed =
        g_strdup_printf ("/oauth1/session/send-and-read/%sget-with-form-body-is-invalid", prefix);
      g_autofree char *untyped =
        g_strdup_printf ("/oauth1/session/send-and-read/%sget-with-untyped-form-body-is-invalid", prefix);

      g_test_add_data_func_full (typed,
                                 test_case_new (STEP_REQUEST_TOKEN, m, GRANT_OAUTH1_PLACEMENT_HEADER, FORM_TYPE),
                                 test_get_with_form_body, g_free);
      g_test_add_data_func_full (untyped,
                                 test_case_new (STEP_REQUEST_TOKEN, m, GRANT_OAUTH1_PLACEMENT_HEADER, NULL),
                                 test_get_with_form_body, g_free);
    }

  return g_test_run ();
}
