/* grant-http.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "grant-encoding-private.h"
#include "grant-error.h"
#include "grant-http-private.h"

#define CHUNK_SIZE 16384

static gboolean
check_size (gsize    have,
            gsize    max_bytes,
            GError **error)
{
  if (have <= max_bytes)
    return TRUE;
  g_set_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE,
               "The server's answer is larger than %" G_GSIZE_FORMAT " bytes, "
               "which is not a token response; check the endpoint URL", max_bytes);
  return FALSE;
}

GBytes *
grant_http_send_and_read_bounded (SoupSession   *session,
                                  SoupMessage   *message,
                                  gsize          max_bytes,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();

  stream = soup_session_send (session, message, cancellable, error);
  if (stream == NULL)
    return NULL;

  for (;;)
    {
      g_autoptr(GBytes) chunk = g_input_stream_read_bytes (stream, CHUNK_SIZE, cancellable, error);

      if (chunk == NULL)
        return NULL;
      if (g_bytes_get_size (chunk) == 0)
        break;
      g_byte_array_append (data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      if (!check_size (data->len, max_bytes, error))
        return NULL;
    }

  g_input_stream_close (stream, NULL, NULL);
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

typedef struct {
  GInputStream *stream;
  GByteArray   *data;
  gsize         max_bytes;
  int           io_priority;
} ReadState;

static void
read_state_free (gpointer p)
{
  ReadState *state = p;

  g_clear_object (&state->stream);
  g_clear_pointer (&state->data, g_byte_array_unref);
  g_free (state);
}

static void read_next_chunk (GTask *task);

static void
on_chunk_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadState *state = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      g_input_stream_close_async (state->stream, state->io_priority, NULL, NULL, NULL);
      g_task_return_pointer (task,
                             g_byte_array_free_to_bytes (g_steal_pointer (&state->data)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }

  g_byte_array_append (state->data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  if (!check_size (state->data->len, state->max_bytes, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  read_next_chunk (g_steal_pointer (&task));
}

static void
read_next_chunk (GTask *task)
{
  ReadState *state = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (state->stream, CHUNK_SIZE, state->io_priority,
                                   g_task_get_cancellable (task), on_chunk_read, task);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  ReadState *state = g_task_get_task_data (task);
  GError *error = NULL;

  state->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (state->stream == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  read_next_chunk (task);
}

void
grant_http_send_and_read_bounded_async (SoupSession         *session,
                                        SoupMessage         *message,
                                        gsize                max_bytes,
                                        int                  io_priority,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task = g_task_new (session, cancellable, callback, user_data);
  ReadState *state = g_new0 (ReadState, 1);

  g_task_set_source_tag (task, grant_http_send_and_read_bounded_async);
  state->data = g_byte_array_new ();
  state->max_bytes = max_bytes;
  state->io_priority = io_priority;
  g_task_set_task_data (task, state, read_state_free);

  soup_session_send_async (session, message, io_priority, cancellable, on_sent, task);
}

GBytes *
grant_http_send_and_read_bounded_finish (GAsyncResult  *result,
                                         GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
mask_all (char       **text,
          const char  *secret)
{
  char *at;

  if (secret == NULL || *secret == '\0')
    return;
  while ((at = strstr (*text, secret)) != NULL)
    {
      g_autofree char *before = g_strndup (*text, at - *text);
      char *joined = g_strconcat (before, "[redacted]", at + strlen (secret), NULL);

      g_free (*text);
      *text = joined;
    }
}

/*
 * Server text made fit for an error message a person reads: short,
 * printable, and with no secret in it. Servers have been seen echoing the
 * request back (a PLAINTEXT signature is the secrets themselves, encoded
 * once in a header and twice in a base string), so every secret the
 * request carried is masked as it is, and percent-encoded once and twice,
 * and form-encoded.
 */
char *
grant_http_redact (const char         *text,
                   gssize              length,
                   const char * const *secrets,
                   gsize               n_secrets)
{
  const gsize limit = 200;
  g_autofree char *copy = NULL;
  gsize full_length;
  GString *out;

  if (text == NULL)
    return g_strdup ("");
  if (length < 0)
    length = strlen (text);

  full_length = length;
  copy = g_strndup (text, MIN ((gsize) length, 4096));
  g_strstrip (copy);

  for (gsize i = 0; i < n_secrets; i++)
    {
      g_autofree char *once = NULL;
      g_autofree char *twice = NULL;
      GString *form;

      if (secrets[i] == NULL || *secrets[i] == '\0')
        continue;
      once = grant_percent_encode (secrets[i]);
      twice = grant_percent_encode (once);
      form = g_string_new (NULL);
      grant_string_append_form_encoded (form, secrets[i]);

      mask_all (&copy, twice);
      mask_all (&copy, once);
      mask_all (&copy, form->str);
      mask_all (&copy, secrets[i]);
      g_string_free (form, TRUE);
    }

  out = g_string_new (NULL);
  for (const char *p = copy; *p && out->len < limit; p++)
    g_string_append_c (out, g_ascii_isprint (*p) ? *p : ' ');
  if (strlen (copy) > limit || full_length > 4096)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

char *
grant_http_body_excerpt (GBytes             *body,
                         const char * const *secrets,
                         gsize               n_secrets)
{
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;

  if (data == NULL || len == 0)
    return g_strdup ("(empty body)");
  return grant_http_redact (data, len, secrets, n_secrets);
}

/* Whether @content_type (a header value, parameters allowed) is @type. */
static gboolean
media_type_is (const char *content_type,
               const char *type)
{
  gsize len = strlen (type);

  while (g_ascii_isspace (*content_type))
    content_type++;
  return g_ascii_strncasecmp (content_type, type, len) == 0 &&
         (content_type[len] == '\0' || content_type[len] == ';' || g_ascii_isspace (content_type[len]));
}

/* An HTML page, by its declared type or by its first character: what a
 * login page, a proxy or a misrouted endpoint sends instead of a token. */
gboolean
grant_http_body_is_html (const char *content_type,
                         GBytes     *body)
{
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  gsize i = 0;

  if (content_type != NULL &&
      (media_type_is (content_type, "text/html") || media_type_is (content_type, "application/xhtml+xml")))
    return TRUE;
  while (i < len && g_ascii_isspace (data[i]))
    i++;
  return i < len && data[i] == '<';
}

/* Appends every header of @from to @to, repeated names included. */
void
grant_http_append_headers (SoupMessageHeaders *to,
                           SoupMessageHeaders *from)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;

  soup_message_headers_iter_init (&iter, from);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_append (to, name, value);
}
