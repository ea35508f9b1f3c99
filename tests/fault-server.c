/* fault-server.c: see fault-server.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "fault-server.h"

#define FORM_TYPE "application/x-www-form-urlencoded"

static void
recorded_free (gpointer data)
{
  Recorded *recorded = data;

  g_free (recorded->method);
  g_free (recorded->path);
  g_free (recorded->query);
  g_free (recorded->authorization);
  g_free (recorded->content_type);
  g_free (recorded->accept);
  g_free (recorded->body);
  g_hash_table_unref (recorded->form);
  soup_message_headers_unref (recorded->headers);
  g_free (recorded->token);
  g_free (recorded);
}

/* A form (a query or a body) as a table; an empty one for NULL or "". */
GHashTable *
fault_parse_form (const char *text)
{
  GHashTable *params = NULL;

  if (text != NULL && *text != '\0')
    params = g_uri_parse_params (text, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  if (params == NULL)
    params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return params;
}

/* The access token a resource request carries, and where. */
static void
find_token (Recorded *recorded)
{
  if (recorded->authorization != NULL && g_str_has_prefix (recorded->authorization, "Bearer "))
    {
      recorded->token = g_strdup (recorded->authorization + strlen ("Bearer "));
      recorded->token_where = "header";
      return;
    }
  if (recorded->query != NULL)
    {
      g_autoptr(GHashTable) query = fault_parse_form (recorded->query);

      if (g_hash_table_contains (query, "access_token"))
        {
          recorded->token = g_strdup (g_hash_table_lookup (query, "access_token"));
          recorded->token_where = "query";
          return;
        }
    }
  if (recorded->content_type != NULL && g_str_has_prefix (recorded->content_type, FORM_TYPE))
    {
      g_autoptr(GHashTable) form = fault_parse_form (recorded->body);

      if (g_hash_table_contains (form, "access_token"))
        {
          recorded->token = g_strdup (g_hash_table_lookup (form, "access_token"));
          recorded->token_where = "body";
          return;
        }
    }
  recorded->token_where = "nowhere";
}

static void
fault_handler (SoupServer        *server G_GNUC_UNUSED,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query G_GNUC_UNUSED,
               gpointer           user_data)
{
  FaultServer *fs = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  Recorded *recorded = g_new0 (Recorded, 1);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  recorded->method = g_strdup (soup_server_message_get_method (msg));
  recorded->path = g_strdup (path);
  recorded->query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  recorded->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  recorded->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  recorded->accept = g_strdup (soup_message_headers_get_one (headers, "Accept"));
  recorded->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  recorded->form = fault_parse_form (recorded->body);
  recorded->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_append (recorded->headers, name, value);
  find_token (recorded);

  g_mutex_lock (&fs->lock);
  g_ptr_array_add (fs->requests, recorded);
  g_mutex_unlock (&fs->lock);
  g_object_set_data (G_OBJECT (msg), "fault-recorded", recorded);

  fs->respond (fs, msg, path, fs->data);
}

static void
fault_server_setup (SoupServer *server,
                    gpointer    user_data)
{
  soup_server_add_handler (server, NULL, fault_handler, user_data, NULL);
}

/* @respond and @data are fixed before the server thread starts, so the
 * handler reads them without the lock. @data must outlive the server. */
FaultServer *
fault_server_new (FaultRespond  respond,
                  gconstpointer data)
{
  FaultServer *fs = g_new0 (FaultServer, 1);

  fs->respond = respond;
  fs->data = data;
  g_mutex_init (&fs->lock);
  fs->requests = g_ptr_array_new_with_free_func (recorded_free);
  fs->ts = test_server_new (fault_server_setup, fs);
  return fs;
}

void
fault_server_free (FaultServer *fs)
{
  test_server_free (fs->ts);
  g_ptr_array_unref (fs->requests);
  g_free (fs->last_echo);
  g_mutex_clear (&fs->lock);
  g_free (fs);
}

char *
fault_server_url (FaultServer *fs,
                  const char  *path)
{
  return test_server_url (fs->ts, path);
}

guint
fault_server_count (FaultServer *fs)
{
  guint n;

  g_mutex_lock (&fs->lock);
  n = fs->requests->len;
  g_mutex_unlock (&fs->lock);
  return n;
}

/* Requests whose path starts with @prefix. */
guint
fault_server_count_path (FaultServer *fs,
                         const char  *prefix)
{
  guint n = 0;

  g_mutex_lock (&fs->lock);
  for (guint i = 0; i < fs->requests->len; i++)
    {
      const Recorded *recorded = g_ptr_array_index (fs->requests, i);

      if (g_str_has_prefix (recorded->path, prefix))
        n++;
    }
  g_mutex_unlock (&fs->lock);
  return n;
}

const Recorded *
fault_server_request (FaultServer *fs,
                      guint        i)
{
  const Recorded *recorded;

  g_mutex_lock (&fs->lock);
  g_assert_cmpuint (i, <, fs->requests->len);
  recorded = g_ptr_array_index (fs->requests, i);
  g_mutex_unlock (&fs->lock);
  return recorded;
}

/* The @n-th request (from 0) whose path starts with @prefix. */
const Recorded *
fault_server_request_on (FaultServer *fs,
                         const char  *prefix,
                         guint        n)
{
  const Recorded *found = NULL;

  g_mutex_lock (&fs->lock);
  for (guint i = 0; i < fs->requests->len && found == NULL; i++)
    {
      const Recorded *recorded = g_ptr_array_index (fs->requests, i);

      if (g_str_has_prefix (recorded->path, prefix) && n-- == 0)
        found = recorded;
    }
  g_mutex_unlock (&fs->lock);
  g_assert_nonnull (found);
  return found;
}

#define STREAM_CHUNK_SIZE (64 * 1024)

typedef struct {
  FaultServer *fs;
  GBytes      *chunk;
  guint64      remaining;
} Stream;

static void
stream_free (gpointer data)
{
  Stream *stream = data;

  g_bytes_unref (stream->chunk);
  g_free (stream);
}

static void
stream_append_next (SoupServerMessage *msg,
                    Stream            *stream)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  gsize n;

  if (stream->remaining == 0)
    {
      soup_message_body_complete (body);
      return;
    }
  n = MIN (stream->remaining, STREAM_CHUNK_SIZE);
  if (n == STREAM_CHUNK_SIZE)
    soup_message_body_append_bytes (body, stream->chunk);
  else
    {
      g_autoptr(GBytes) part = g_bytes_new_from_bytes (stream->chunk, 0, n);

      soup_message_body_append_bytes (body, part);
    }
  stream->remaining -= n;
}

static void
on_stream_wrote_chunk (SoupServerMessage *msg,
                       gpointer           user_data)
{
  stream_append_next (msg, user_data);
}

static void
on_stream_wrote_body_data (SoupServerMessage *msg G_GNUC_UNUSED,
                           guint              chunk_size,
                           gpointer           user_data)
{
  Stream *stream = user_data;

  g_mutex_lock (&stream->fs->lock);
  stream->fs->bytes_streamed += chunk_size;
  g_mutex_unlock (&stream->fs->lock);
}

static void
on_stream_finished (SoupServerMessage *msg G_GNUC_UNUSED,
                    gpointer           user_data)
{
  Stream *stream = user_data;

  g_mutex_lock (&stream->fs->lock);
  stream->fs->stream_finished = TRUE;
  g_mutex_unlock (&stream->fs->lock);
}

/* Answers @msg with a chunked 200 of @size bytes of @content_type that
 * start with @prefix, one chunk at a time as the previous one leaves, so
 * that what the server has written shows how much the client read. */
void
fault_server_stream (FaultServer       *fs,
                     SoupServerMessage *msg,
                     const char        *content_type,
                     const char        *prefix,
                     guint64            size)
{
  Stream *stream = g_new0 (Stream, 1);
  char *filler = g_malloc (STREAM_CHUNK_SIZE);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  memset (filler, prefix != NULL ? ' ' : 'a', STREAM_CHUNK_SIZE);
  if (prefix != NULL)
    memcpy (filler, prefix, strlen (prefix));
  stream->fs = fs;
  stream->chunk = g_bytes_new_take (filler, STREAM_CHUNK_SIZE);
  stream->remaining = size;
  g_object_set_data_full (G_OBJECT (msg), "fault-stream", stream, stream_free);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers, content_type, NULL);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_stream_wrote_chunk), stream);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_stream_wrote_body_data), stream);
  g_signal_connect (msg, "finished", G_CALLBACK (on_stream_finished), stream);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_stream_finished), stream);
  stream_append_next (msg, stream);
}
