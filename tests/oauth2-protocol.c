/* oauth2-protocol.c: the OAuth 2 protocol layer, no I/O
 *
 * PKCE, state, error mapping, token responses, GrantToken, scopes, client
 * credentials, Bearer challenges, redirect parsing, the transport check
 * and the hook objects. Vectors come from RFC 6749, RFC 6750, RFC 7636
 * Appendix B and the oauthlib client tests (see requests-oauthlib.md §3).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "grant.h"
#include "grant-encoding-private.h"
#include "grant-oauth2-protocol-private.h"
#include "grant-pkce-private.h"
#include "grant-scope-private.h"

#define UNRESERVED "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* The oauthlib test_parameters.py token response (RFC 6749 §5.1 example
 * with a scope and a non-standard "example" token type). */
#define OAUTHLIB_TOKEN_JSON \
  "{\"access_token\":\"2YotnFZFEjr1zCsicMWpAA\",\"token_type\":\"example\"," \
  "\"expires_in\":3600,\"refresh_token\":\"tGzv3JOkF0XG5Qx2TlKWIA\"," \
  "\"example_parameter\":\"example_value\",\"scope\":\"abc def\"}"

static GBytes *
bytes_new (const char *text)
{
  return text ? g_bytes_new (text, strlen (text)) : g_bytes_new (NULL, 0);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static GrantToken *
token_from (guint       status,
            const char *content_type,
            const char *body,
            GError    **error)
{
  g_autoptr(GBytes) bytes = bytes_new (body);

  return grant_oauth2_token_from_response (status, content_type, bytes, "Token request",
                                           NULL, error);
}

/* Expects a failure with @code and returns the message. */
static char *
token_error (guint       status,
             const char *content_type,
             const char *body,
             GrantError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrantToken) token = token_from (status, content_type, body, &error);

  g_assert_null (token);
  g_assert_error (error, GRANT_ERROR, (gint) code);
  return g_strdup (error->message);
}

static gboolean
is_all_of (const char *text,
           const char *alphabet)
{
  return strspn (text, alphabet) == strlen (text);
}

/* ---- PKCE ---------------------------------------------------------------- */

static void
test_pkce_rfc7636_appendix_b (void)
{
  g_autofree char *challenge = grant_pkce_s256_challenge ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

  g_assert_cmpstr (challenge, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  g_assert_true (grant_pkce_verifier_valid ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
}

static void
test_pkce_challenge_is_base64url_unpadded (void)
{
  /* Verifiers of every length: the challenge is always 43 characters of
   * the base64url alphabet, never "+", "/" or "=". */
  for (int i = 0; i < 200; i++)
    {
      g_autofree char *verifier = grant_pkce_new_verifier (43 + i % 86);
      g_autofree char *challenge = grant_pkce_s256_challenge (verifier);

      g_assert_cmpuint (strlen (challenge), ==, 43);
      g_assert_true (is_all_of (challenge, ALNUM "-_"));
    }
}

static void
test_pkce_verifier_length_clamped (void)
{
  static const struct {
    gsize asked;
    gsize got;
  } cases[] = {
    { 0, 43 }, { 1, 43 }, { 42, 43 }, { 43, 43 }, { 64, 64 },
    { GRANT_PKCE_VERIFIER_LENGTH, GRANT_PKCE_VERIFIER_LENGTH },
    { 128, 128 }, { 129, 128 }, { 4096, 128 }, { G_MAXSIZE, 128 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *verifier = grant_pkce_new_verifier (cases[i].asked);

      g_assert_cmpuint (strlen (verifier), ==, cases[i].got);
      g_assert_true (grant_pkce_verifier_valid (verifier));
    }
}

static void
test_pkce_verifier_alphabet (void)
{
  for (int i = 0; i < 500; i++)
    {
      g_autofree char *verifier = grant_pkce_new_verifier (128);

      g_assert_true (is_all_of (verifier, UNRESERVED));
    }
}

static void
test_pkce_verifiers_distinct (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < 1000; i++)
    g_assert_true (g_hash_table_add (seen, grant_pkce_new_verifier (43)));
  g_assert_cmpuint (g_hash_table_size (seen), ==, 1000);
}

/*
 * 1000 verifiers of 128 characters: 128000 draws over 66 characters, about
 * 1939 each. A uniform source gives a chi-square statistic around 65 (65
 * degrees of freedom, standard deviation about 11.4); the bound of 200 is
 * more than ten standard deviations out, so this does not flake. Folding
 * bytes with "% 66" instead of redrawing would make 58 characters a third
 * more likely than the other 8 and push the statistic into the thousands.
 * Each character must also be within 15% of its expectation (about 6.6
 * standard deviations).
 */
static void
test_pkce_verifier_uniform (void)
{
  const char *alphabet = UNRESERVED;
  const gsize n_chars = strlen (alphabet);
  guint counts[256] = { 0 };
  gsize total = 0;
  double expected, chi2 = 0;

  g_assert_cmpuint (n_chars, ==, 66);
  for (int i = 0; i < 1000; i++)
    {
      g_autofree char *verifier = grant_pkce_new_verifier (128);

      for (const char *p = verifier; *p; p++)
        counts[(guchar) *p]++;
      total += strlen (verifier);
    }

  expected = (double) total / n_chars;
  for (gsize i = 0; i < n_chars; i++)
    {
      double d = counts[(guchar) alphabet[i]] - expected;

      g_assert_cmpfloat (counts[(guchar) alphabet[i]], >, expected * 0.85);
      g_assert_cmpfloat (counts[(guchar) alphabet[i]], <, expected * 1.15);
      chi2 += d * d / expected;
    }
  g_test_message ("chi-square over %" G_GSIZE_FORMAT " draws: %.1f", total, chi2);
  g_assert_cmpfloat (chi2, <, 200.0);
}

static void
test_pkce_verifier_valid (void)
{
  g_autofree char *c42 = g_strnfill (42, 'a');
  g_autofree char *c43 = g_strnfill (43, 'a');
  g_autofree char *c128 = g_strnfill (128, '~');
  g_autofree char *c129 = g_strnfill (129, 'a');
  g_autofree char *with_plus = g_strconcat (c42, "+", NULL);
  g_autofree char *with_slash = g_strconcat (c42, "/", NULL);
  g_autofree char *with_equals = g_strconcat (c42, "=", NULL);
  g_autofree char *with_space = g_strconcat (c42, " ", NULL);
  g_autofree char *with_percent = g_strconcat (c42, "%", NULL);
  g_autofree char *with_utf8 = g_strconcat (c42, "é", NULL);
  g_autofree char *all_marks = g_strconcat (c42, "-", "._~", NULL);

  g_assert_false (grant_pkce_verifier_valid (NULL));
  g_assert_false (grant_pkce_verifier_valid (""));
  g_assert_false (grant_pkce_verifier_valid (c42));
  g_assert_true (grant_pkce_verifier_valid (c43));
  g_assert_true (grant_pkce_verifier_valid (c128));
  g_assert_false (grant_pkce_verifier_valid (c129));
  g_assert_false (grant_pkce_verifier_valid (with_plus));
  g_assert_false (grant_pkce_verifier_valid (with_slash));
  g_assert_false (grant_pkce_verifier_valid (with_equals));
  g_assert_false (grant_pkce_verifier_valid (with_space));
  g_assert_false (grant_pkce_verifier_valid (with_percent));
  /* 42 ASCII characters and a two-byte "é": 44 bytes, still invalid. */
  g_assert_false (grant_pkce_verifier_valid (with_utf8));
  g_assert_true (grant_pkce_verifier_valid (all_marks));
}

/* ---- state --------------------------------------------------------------- */

static void
test_state_shape_and_distinct (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < 1000; i++)
    {
      char *state = grant_state_new ();

      g_assert_cmpuint (strlen (state), ==, 32);
      g_assert_true (is_all_of (state, ALNUM));
      g_assert_true (g_hash_table_add (seen, state));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 1000);
}

static void
test_state_secure_equal (void)
{
  g_assert_true (grant_secure_equal ("abcDEF123", "abcDEF123"));
  g_assert_true (grant_secure_equal ("", ""));
  g_assert_false (grant_secure_equal ("abcDEF123", "abcDEF124"));
  g_assert_false (grant_secure_equal ("Xbc", "abc"));
  g_assert_false (grant_secure_equal ("abc", "abC"));
  g_assert_false (grant_secure_equal ("abc", "abcd"));
  g_assert_false (grant_secure_equal ("abcd", "abc"));
  g_assert_false (grant_secure_equal ("abc", "ab"));
  /* A string repeated: b[i % lb] must not make "abab" equal "ab". */
  g_assert_false (grant_secure_equal ("abab", "ab"));
  g_assert_false (grant_secure_equal ("ab", "abab"));
  g_assert_false (grant_secure_equal ("", "a"));
  g_assert_false (grant_secure_equal ("a", ""));
  g_assert_false (grant_secure_equal (NULL, "a"));
  g_assert_false (grant_secure_equal ("a", NULL));
  g_assert_false (grant_secure_equal (NULL, NULL));
  g_assert_false (grant_secure_equal (NULL, ""));
}

/* ---- error mapping ------------------------------------------------------- */

static const struct {
  const char *code;
  GrantError  error;
} rfc_codes[] = {
  /* RFC 6749 §5.2 */
  { "invalid_request", GRANT_ERROR_INVALID_REQUEST },
  { "invalid_client", GRANT_ERROR_INVALID_CLIENT },
  { "invalid_grant", GRANT_ERROR_INVALID_GRANT },
  { "unauthorized_client", GRANT_ERROR_UNAUTHORIZED_CLIENT },
  { "unsupported_grant_type", GRANT_ERROR_UNSUPPORTED_GRANT_TYPE },
  { "invalid_scope", GRANT_ERROR_INVALID_SCOPE },
  /* RFC 6749 §4.1.2.1 */
  { "access_denied", GRANT_ERROR_ACCESS_DENIED },
  { "unsupported_response_type", GRANT_ERROR_UNSUPPORTED_RESPONSE_TYPE },
  { "server_error", GRANT_ERROR_SERVER_ERROR },
  { "temporarily_unavailable", GRANT_ERROR_TEMPORARILY_UNAVAILABLE },
  /* RFC 6750 §3.1 */
  { "invalid_token", GRANT_ERROR_INVALID_TOKEN },
  { "insufficient_scope", GRANT_ERROR_INSUFFICIENT_SCOPE },
};

static void
test_errors_rfc_codes (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (rfc_codes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *body = g_strdup_printf ("{\"error\":\"%s\",\"error_description\":\"d%" G_GSIZE_FORMAT "\"}",
                                               rfc_codes[i].code, i);
      g_autofree char *expected_description = g_strdup_printf ("d%" G_GSIZE_FORMAT, i);
      g_autoptr(GrantToken) token = NULL;

      g_test_message ("%s", rfc_codes[i].code);
      g_assert_cmpint (grant_oauth2_error_from_code (rfc_codes[i].code), ==, rfc_codes[i].error);

      grant_oauth2_set_error (&error, "Refreshing", 400, rfc_codes[i].code, "why", NULL);
      g_assert_error (error, GRANT_ERROR, (gint) rfc_codes[i].error);
      g_assert_nonnull (strstr (error->message, rfc_codes[i].code));
      g_assert_nonnull (strstr (error->message, "why"));
      g_assert_true (g_str_has_prefix (error->message, "Refreshing"));
      g_clear_error (&error);

      /* The same through a token response. */
      token = token_from (400, "application/json", body, &error);
      g_assert_null (token);
      g_assert_error (error, GRANT_ERROR, (gint) rfc_codes[i].error);
      g_assert_nonnull (strstr (error->message, expected_description));
    }

  /* Codes are case-sensitive (RFC 6749 §5.2 gives them in lower case). */
  g_assert_cmpint (grant_oauth2_error_from_code ("Invalid_Grant"), ==, GRANT_ERROR_SERVER_REPORTED);
  g_assert_cmpint (grant_oauth2_error_from_code (""), ==, GRANT_ERROR_SERVER_REPORTED);
  g_assert_cmpint (grant_oauth2_error_from_code (NULL), ==, GRANT_ERROR_SERVER_REPORTED);
}

static void
test_errors_unknown_code (void)
{
  static const char * const unknown[] = {
    "authorization_pending", "slow_down", "expired_token",
    "incorrect_client_credentials", "consent_required",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *body = g_strdup_printf ("{\"error\":\"%s\",\"error_description\":\"Poll every 5 s\"}",
                                               unknown[i]);
      g_autofree char *message = NULL;

      g_assert_cmpint (grant_oauth2_error_from_code (unknown[i]), ==, GRANT_ERROR_SERVER_REPORTED);

      grant_oauth2_set_error (&error, "Device token", 400, unknown[i], "Poll every 5 s", NULL);
      g_assert_error (error, GRANT_ERROR, GRANT_ERROR_SERVER_REPORTED);
      g_assert_nonnull (strstr (error->message, unknown[i]));
      g_assert_nonnull (strstr (error->message, "Poll every 5 s"));

      message = token_error (400, "application/json", body, GRANT_ERROR_SERVER_REPORTED);
      g_assert_nonnull (strstr (message, unknown[i]));
      g_assert_nonnull (strstr (message, "Poll every 5 s"));
    }
}

static void
test_errors_invalid_request_not_client_id (void)
{
  /* oauthlib raises InvalidClientIdError ("Invalid client_id parameter
   * value.") for any invalid_request; Grant keeps the code. */
  g_autofree char *message = token_error (400, "application/json",
                                          "{\"error\":\"invalid_request\"}",
                                          GRANT_ERROR_INVALID_REQUEST);

  g_assert_nonnull (strstr (message, "invalid_request"));
  g_assert_null (strstr (message, "client_id"));
  g_assert_null (strstr (message, "client id"));
}

/* ---- token responses ----------------------------------------------------- */

static void
test_token_response_json_oauthlib (void)
{
  g_autoptr(GError) error = NULL;
  gint64 before = now_seconds ();
  g_autoptr(GrantToken) token = token_from (200, "application/json", OAUTHLIB_TOKEN_JSON, &error);
  gint64 after = now_seconds ();
  const char * const abc_def[] = { "abc", "def", NULL };
  g_autofree char *example = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_assert_cmpstr (grant_token_get_access_token (token), ==, "2YotnFZFEjr1zCsicMWpAA");
  g_assert_cmpstr (grant_token_get_token_type (token), ==, "example");
  g_assert_false (grant_token_is_bearer (token));
  g_assert_cmpstr (grant_token_get_refresh_token (token), ==, "tGzv3JOkF0XG5Qx2TlKWIA");
  g_assert_cmpint (grant_token_get_expires_in (token), ==, 3600);
  g_assert_cmpint (grant_token_get_expires_at (token), >=, before + 3600);
  g_assert_cmpint (grant_token_get_expires_at (token), <=, after + 3600);
  g_assert_cmpstrv (grant_token_get_scope (token), abc_def);
  g_assert_null (grant_token_get_id_token (token));

  example = grant_token_get_extra_string (token, "example_parameter");
  g_assert_cmpstr (example, ==, "example_value");
  /* Only the extra: the RFC fields have properties of their own. */
  g_assert_cmpuint (json_object_get_size (grant_token_get_extras (token)), ==, 1);
  g_assert_false (grant_token_is_expired (token, 0));
}

static void
test_token_response_form_github (void)
{
  static const char *content_types[] = {
    "application/x-www-form-urlencoded", "text/plain; charset=utf-8", NULL,
  };
  const char * const repo_gist[] = { "repo", "gist", NULL };

  for (gsize i = 0; i < G_N_ELEMENTS (content_types); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GrantToken) token =
        token_from (200, content_types[i],
                    "access_token=e72e16c7e42f292c6912e7710c838347ae178b4a&scope=repo,gist&token_type=bearer",
                    &error);

      g_assert_no_error (error);
      g_assert_nonnull (token);
      g_assert_cmpstr (grant_token_get_access_token (token), ==, "e72e16c7e42f292c6912e7710c838347ae178b4a");
      g_assert_cmpstrv (grant_token_get_scope (token), repo_gist);
      g_assert_cmpstr (grant_token_get_token_type (token), ==, "bearer");
      g_assert_true (grant_token_is_bearer (token));
      g_assert_cmpint (grant_token_get_expires_at (token), ==, 0);
    }

  {
    /* The same with the comma encoded, as GitHub really sends it, and a
     * percent-encoded token. */
    g_autoptr(GError) error = NULL;
    g_autoptr(GrantToken) token =
      token_from (200, "application/x-www-form-urlencoded",
                  "access_token=a%2Fb%2Bc&scope=repo%2Cgist&token_type=bearer&expires_in=60", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (grant_token_get_access_token (token), ==, "a/b+c");
    g_assert_cmpstrv (grant_token_get_scope (token), repo_gist);
    g_assert_cmpint (grant_token_get_expires_in (token), ==, 60);
  }
}

static void
test_token_response_expires_in_string (void)
{
  g_autoptr(GError) error = NULL;
  gint64 before = now_seconds ();
  g_autoptr(GrantToken) token = token_from (200, "application/json",
                                            "{\"access_token\":\"a\",\"expires_in\":\"3600\"}", &error);
  gint64 after = now_seconds ();

  g_assert_no_error (error);
  g_assert_cmpint (grant_token_get_expires_in (token), ==, 3600);
  g_assert_cmpint (grant_token_get_expires_at (token), >=, before + 3600);
  g_assert_cmpint (grant_token_get_expires_at (token), <=, after + 3600);
}

static void
test_token_response_expires_in_none (void)
{
  static const char * const bodies[] = {
    "{\"access_token\":\"a\",\"expires_in\":null}",
    "{\"access_token\":\"a\",\"expires_in\":0}",
    "{\"access_token\":\"a\",\"expires_in\":\"0\"}",
    "{\"access_token\":\"a\",\"expires_in\":\"\"}",
    "{\"access_token\":\"a\"}",
    "access_token=a&expires_in=",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GrantToken) token = token_from (200, NULL, bodies[i], &error);

      g_test_message ("%s", bodies[i]);
      g_assert_no_error (error);
      g_assert_nonnull (token);
      g_assert_cmpint (grant_token_get_expires_in (token), ==, 0);
      g_assert_cmpint (grant_token_get_expires_at (token), ==, 0);
      g_assert_false (grant_token_is_expired (token, 0));
      g_assert_false (grant_token_is_expired (token, 100000));
    }
}

static void
test_token_response_expires_in_not_a_number (void)
{
  static const char * const bodies[] = {
    "{\"access_token\":\"a\",\"expires_in\":\"abc\"}",
    "{\"access_token\":\"a\",\"expires_in\":\"3600s\"}",
    "{\"access_token\":\"a\",\"expires_in\":true}",
    "{\"access_token\":\"a\",\"expires_in\":[3600]}",
    "{\"access_token\":\"a\",\"expires_in\":{\"s\":3600}}",
    "access_token=a&expires_in=abc",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *message = NULL;

      g_test_message ("%s", bodies[i]);
      message = token_error (200, "application/json", bodies[i], GRANT_ERROR_MALFORMED_RESPONSE);
      g_assert_nonnull (strstr (message, "expires_in"));
      g_assert_true (g_str_has_prefix (message, "Token request"));
    }
}

/* An absurd lifetime must not overflow now + expires_in (signed overflow
 * is undefined, and in practice wraps to a negative expires_at). Either
 * refusing it or keeping an expiry in the future is fine. */
static void
test_token_response_expires_in_huge (void)
{
  static const char * const bodies[] = {
    "{\"access_token\":\"a\",\"expires_in\":9223372036854775807}",
    "{\"access_token\":\"a\",\"expires_in\":\"9223372036854775807\"}",
    "{\"access_token\":\"a\",\"expires_in\":9223372036854775000}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GrantToken) token = token_from (200, "application/json", bodies[i], &error);

      g_test_message ("%s", bodies[i]);
      if (token == NULL)
        {
          g_assert_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpint (grant_token_get_expires_at (token), >, now_seconds ());
      g_assert_false (grant_token_is_expired (token, 60));
    }
}

static void
test_token_response_error_in_200 (void)
{
  g_autofree char *message =
    token_error (200, "application/json",
                 "{\"error\":\"invalid_grant\",\"error_description\":\"The authorization code has expired\"}",
                 GRANT_ERROR_INVALID_GRANT);

  g_assert_nonnull (strstr (message, "invalid_grant"));
  g_assert_nonnull (strstr (message, "The authorization code has expired"));
}

static void
test_token_response_error_in_400 (void)
{
  g_autofree char *client = token_error (401, "application/json;charset=UTF-8",
                                         "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}",
                                         GRANT_ERROR_INVALID_CLIENT);
  g_autofree char *scope = token_error (400, "application/x-www-form-urlencoded",
                                        "error=invalid_scope&error_description=Unknown+scope+%22admin%22",
                                        GRANT_ERROR_INVALID_SCOPE);
  /* An error next to an access token is still an error. */
  g_autofree char *both = token_error (400, "application/json",
                                       "{\"access_token\":\"a\",\"error\":\"access_denied\"}",
                                       GRANT_ERROR_ACCESS_DENIED);

  g_assert_nonnull (strstr (client, "401"));
  g_assert_nonnull (strstr (client, "Client authentication failed"));
  g_assert_nonnull (strstr (scope, "400"));
  g_assert_nonnull (strstr (scope, "Unknown scope \"admin\""));
  g_assert_nonnull (strstr (both, "access_denied"));
}

static void
test_token_response_html_500 (void)
{
  const char *page = "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>"
                     "<body><h1>Internal Server Error</h1></body></html>";
  g_autofree char *typed = token_error (500, "text/html; charset=utf-8", page,
                                        GRANT_ERROR_MALFORMED_RESPONSE);
  /* No Content-Type: the body gives it away. */
  g_autofree char *untyped = token_error (502, NULL, "\n  <html><body>Bad gateway</body></html>",
                                          GRANT_ERROR_MALFORMED_RESPONSE);

  g_assert_nonnull (strstr (typed, "HTML"));
  g_assert_nonnull (strstr (typed, "500"));
  g_assert_nonnull (strstr (untyped, "HTML"));
  g_assert_nonnull (strstr (untyped, "502"));
}

static void
test_token_response_empty_body (void)
{
  static const char * const bodies[] = { "", "   \r\n\t " };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *ok = token_error (200, "application/json", bodies[i],
                                         GRANT_ERROR_MALFORMED_RESPONSE);
      g_autofree char *bad = token_error (503, NULL, bodies[i], GRANT_ERROR_MALFORMED_RESPONSE);

      g_assert_nonnull (strstr (ok, "empty"));
      g_assert_nonnull (strstr (ok, "200"));
      g_assert_nonnull (strstr (bad, "empty"));
      g_assert_nonnull (strstr (bad, "503"));
    }

  {
    /* A NULL body reads as an empty one. */
    g_autoptr(GError) error = NULL;
    g_autoptr(GrantToken) token =
      grant_oauth2_token_from_response (200, NULL, NULL, "Token request", NULL, &error);

    g_assert_null (token);
    g_assert_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE);
    g_assert_nonnull (strstr (error->message, "empty"));
  }
}

static void
test_token_response_truncated_json (void)
{
  g_autofree char *message = token_error (200, "application/json", "{\"access_token\": \"ab",
                                          GRANT_ERROR_MALFORMED_RESPONSE);

  g_assert_nonnull (strstr (message, "200"));
}

static void
test_token_response_json_array (void)
{
  g_autofree char *array = token_error (200, "application/json",
                                        "[{\"access_token\":\"a\"}]",
                                        GRANT_ERROR_MALFORMED_RESPONSE);
  g_autofree char *string = token_error (200, "application/json", "\"access_token\"",
                                         GRANT_ERROR_MALFORMED_RESPONSE);
  g_autofree char *number = token_error (200, "application/json", "42",
                                         GRANT_ERROR_MALFORMED_RESPONSE);

  g_assert_nonnull (strstr (array, "200"));
  g_assert_nonnull (string);
  g_assert_nonnull (number);
}

static void
test_token_response_missing_access_token (void)
{
  static const char * const bodies[] = {
    "{\"token_type\":\"Bearer\",\"expires_in\":3600}",
    "{\"access_token\":\"\",\"token_type\":\"Bearer\"}",
    "{\"access_token\":null}",
    "{\"access_token\":42}",
    "token_type=bearer&scope=repo",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *message = NULL;

      g_test_message ("%s", bodies[i]);
      message = token_error (200, "application/json", bodies[i], GRANT_ERROR_TOKEN_MISSING);
      g_assert_true (g_str_has_prefix (message, "Token request"));
      g_assert_nonnull (strstr (message, "access_token"));
    }
}

/*
 * A client secret with characters every encoding changes (space, "@", "/",
 * "+"), and a refresh token. Servers echo requests: the message must not
 * quote either of them, raw, percent-encoded (RFC 3986) or form-encoded.
 */
#define SECRET "s3cr3t p@ss/w+rd"
#define SECRET_PERCENT "s3cr3t%20p%40ss%2Fw%2Brd"
#define SECRET_FORM "s3cr3t+p%40ss%2Fw%2Brd"
#define REFRESH "rt-7Gx/q+Z"
#define REFRESH_PERCENT "rt-7Gx%2Fq%2BZ"

static void
assert_no_secret (const char *message)
{
  g_test_message ("message: %s", message);
  g_assert_null (strstr (message, SECRET));
  g_assert_null (strstr (message, SECRET_PERCENT));
  g_assert_null (strstr (message, SECRET_FORM));
  g_assert_null (strstr (message, "p@ss/w+rd"));
  g_assert_null (strstr (message, "p%40ss%2Fw%2Brd"));
  g_assert_null (strstr (message, REFRESH));
  g_assert_null (strstr (message, REFRESH_PERCENT));
}

static void
test_token_response_secrets_redacted (void)
{
  GrantSecrets secrets = { { SECRET, REFRESH, NULL } };
  static const struct {
    guint status;
    const char *content_type;
    const char *body;
    GrantError code;
  } cases[] = {
    { 401, "application/json",
      "{\"error\":\"invalid_client\",\"error_description\":\"Secret " SECRET " does not match\"}",
      GRANT_ERROR_INVALID_CLIENT },
    { 401, "application/json",
      "{\"error\":\"invalid_client\",\"error_description\":\"client_secret=" SECRET_PERCENT "\"}",
      GRANT_ERROR_INVALID_CLIENT },
    { 401, "application/json",
      "{\"error\":\"invalid_client\",\"error_description\":\"client_secret=" SECRET_FORM "&x=1\"}",
      GRANT_ERROR_INVALID_CLIENT },
    /* A form-encoded error body: the description decodes to the raw
     * secret, or (encoded twice by the server) to the form-encoded one. */
    { 400, "application/x-www-form-urlencoded",
      "error=invalid_client&error_description=bad+" SECRET_FORM,
      GRANT_ERROR_INVALID_CLIENT },
    { 400, "application/x-www-form-urlencoded",
      "error=invalid_client&error_description=bad+s3cr3t%2Bp%2540ss%252Fw%252Brd",
      GRANT_ERROR_INVALID_CLIENT },
    { 400, "application/json",
      "{\"error\":\"invalid_grant\",\"error_description\":\"refresh_token " REFRESH " / " REFRESH_PERCENT " revoked\"}",
      GRANT_ERROR_INVALID_GRANT },
    /* The secret as the error code itself. */
    { 400, "application/json", "{\"error\":\"" SECRET "\"}", GRANT_ERROR_SERVER_REPORTED },
    /* Neither JSON nor form: the excerpt of the body is masked too. */
    { 500, "text/plain", "Traceback: client_secret='" SECRET "' refresh=\"" REFRESH "\"",
      GRANT_ERROR_MALFORMED_RESPONSE },
    { 200, "text/plain", "{oops client_secret=" SECRET_PERCENT " }",
      GRANT_ERROR_MALFORMED_RESPONSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = bytes_new (cases[i].body);
      g_autoptr(GError) error = NULL;
      g_autoptr(GrantToken) token =
        grant_oauth2_token_from_response (cases[i].status, cases[i].content_type, body,
                                          "Token request", &secrets, &error);

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, cases[i].body);
      g_assert_null (token);
      g_assert_error (error, GRANT_ERROR, (gint) cases[i].code);
      assert_no_secret (error->message);
    }

  {
    /* grant_oauth2_set_error directly, every encoding in one description. */
    g_autoptr(GError) error = NULL;

    grant_oauth2_set_error (&error, "Token request", 401, "invalid_client",
                            SECRET " " SECRET_PERCENT " " SECRET_FORM, &secrets);
    g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_CLIENT);
    assert_no_secret (error->message);
    g_assert_nonnull (strstr (error->message, "invalid_client"));
  }
}

/* ---- GrantToken ---------------------------------------------------------- */

#define FULL_TOKEN_JSON \
  "{\"access_token\":\"at-1\",\"token_type\":\"bearer\",\"refresh_token\":\"rt-1\"," \
  "\"expires_in\":3600,\"scope\":\"openid email profile\",\"id_token\":\"eyJ.x.y\"," \
  "\"user_id\":42,\"admin\":true,\"ratio\":0.5,\"nothing\":null,\"team\":\"Ops\"," \
  "\"profile\":{\"name\":\"Ann\",\"tags\":[\"a\",\"b\"],\"address\":{\"city\":\"Oslo\"}}," \
  "\"list\":[1,\"two\",{\"three\":3}]}"

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* Member order in json-glib objects is not fixed: compare as JSON. */
static void
assert_same_json (const char *a,
                  const char *b)
{
  g_autoptr(JsonNode) na = parse_json (a);
  g_autoptr(JsonNode) nb = parse_json (b);

  if (!json_node_equal (na, nb))
    g_test_message ("differ:\n  %s\n  %s", a, b);
  g_assert_true (json_node_equal (na, nb));
}

static void
test_token_json_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrantToken) token = grant_token_new_from_json (FULL_TOKEN_JSON, &error);
  g_autoptr(GrantToken) again = NULL;
  g_autoptr(JsonNode) original = parse_json (FULL_TOKEN_JSON);
  g_autoptr(JsonNode) extras_before = NULL;
  g_autoptr(JsonNode) extras_after = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_again = NULL;
  const char * const scope[] = { "openid", "email", "profile", NULL };
  JsonObject *extras;

  g_assert_no_error (error);
  json = grant_token_to_json (token);
  again = grant_token_new_from_json (json, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (grant_token_get_access_token (again), ==, "at-1");
  g_assert_cmpstr (grant_token_get_token_type (again), ==, "bearer");
  g_assert_cmpstr (grant_token_get_refresh_token (again), ==, "rt-1");
  g_assert_cmpint (grant_token_get_expires_in (again), ==, 3600);
  g_assert_cmpint (grant_token_get_expires_at (again), ==, grant_token_get_expires_at (token));
  g_assert_cmpint (grant_token_get_expires_at (again), >, 0);
  g_assert_cmpstrv (grant_token_get_scope (again), scope);
  g_assert_cmpstr (grant_token_get_id_token (again), ==, "eyJ.x.y");

  /* Every other field, nested ones included, exactly as the server sent
   * it. */
  extras = grant_token_get_extras (again);
  g_assert_cmpuint (json_object_get_size (extras), ==, 7);
  g_assert_cmpint (json_object_get_int_member (extras, "user_id"), ==, 42);
  g_assert_true (json_object_get_boolean_member (extras, "admin"));
  g_assert_cmpfloat (json_object_get_double_member (extras, "ratio"), ==, 0.5);
  g_assert_true (json_object_has_member (extras, "nothing"));
  g_assert_true (json_object_get_null_member (extras, "nothing"));
  g_assert_cmpstr (json_object_get_string_member (extras, "team"), ==, "Ops");

  extras_before = json_node_init_object (json_node_alloc (), grant_token_get_extras (token));
  extras_after = json_node_init_object (json_node_alloc (), extras);
  g_assert_true (json_node_equal (extras_before, extras_after));
  g_assert_true (json_node_equal (json_object_get_member (json_node_get_object (original), "profile"),
                                  json_object_get_member (extras, "profile")));
  g_assert_true (json_node_equal (json_object_get_member (json_node_get_object (original), "list"),
                                  json_object_get_member (extras, "list")));

  /* Written out again, the text is the same. */
  json_again = grant_token_to_json (again);
  assert_same_json (json_again, json);
}

static void
test_token_stored_expires_at_kept (void)
{
  g_autoptr(GError) error = NULL;
  /* Stored long ago: expires_at wins over expires_in, so it is expired. */
  g_autoptr(GrantToken) old = grant_token_new_from_json (
    "{\"access_token\":\"a\",\"expires_in\":3600,\"expires_at\":1000}", &error);
  g_autoptr(GrantToken) fresh = NULL;
  g_autoptr(GrantToken) reloaded = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GrantToken) float_at = NULL;
  g_autoptr(GrantToken) string_at = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (grant_token_get_expires_at (old), ==, 1000);
  g_assert_cmpint (grant_token_get_expires_in (old), ==, 3600);
  g_assert_true (grant_token_is_expired (old, 0));

  /* Stored with an expiry 100 s away: it stays 100 s away after reload,
   * not 3600. */
  fresh = grant_token_new ("b");
  grant_token_set_expires_in (fresh, 3600);
  grant_token_set_expires_at (fresh, now_seconds () + 100);
  json = grant_token_to_json (fresh);
  g_usleep (G_USEC_PER_SEC / 10);
  reloaded = grant_token_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpint (grant_token_get_expires_at (reloaded), ==, grant_token_get_expires_at (fresh));
  g_assert_true (grant_token_is_expired (reloaded, 200));

  float_at = grant_token_new_from_json ("{\"access_token\":\"a\",\"expires_at\":1700000000.75}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (grant_token_get_expires_at (float_at), ==, 1700000000);

  string_at = grant_token_new_from_json ("{\"access_token\":\"a\",\"expires_at\":\"1700000000\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (grant_token_get_expires_at (string_at), ==, 1700000000);
}

static void
test_token_iso8601_expires_at (void)
{
  g_autoptr(GError) error = NULL;
  /* oauthlib test_base.py's "2006-01-02T15:04:05Z": 1136214245. */
  g_autoptr(GrantToken) utc = grant_token_new_from_json (
    "{\"access_token\":\"a\",\"expires_at\":\"2006-01-02T15:04:05Z\"}", &error);
  g_autoptr(GrantToken) offset = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (grant_token_get_expires_at (utc), ==, 1136214245);
  g_assert_true (grant_token_is_expired (utc, 0));

  offset = grant_token_new_from_json (
    "{\"access_token\":\"a\",\"expires_at\":\"2006-01-02T17:04:05+02:00\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (grant_token_get_expires_at (offset), ==, 1136214245);
}

static void
test_token_is_expired_leeway (void)
{
  g_autoptr(GrantToken) token = grant_token_new ("a");
  g_autoptr(GrantToken) unknown = grant_token_new ("b");
  g_autoptr(GrantToken) past = grant_token_new ("c");

  grant_token_set_expires_at (token, now_seconds () + 30);
  g_assert_true (grant_token_is_expired (token, 60));
  g_assert_false (grant_token_is_expired (token, 0));
  g_assert_false (grant_token_is_expired (token, 10));

  g_assert_cmpint (grant_token_get_expires_at (unknown), ==, 0);
  g_assert_false (grant_token_is_expired (unknown, 0));
  g_assert_false (grant_token_is_expired (unknown, 60));
  g_assert_false (grant_token_is_expired (unknown, G_MAXINT32));

  grant_token_set_expires_at (past, now_seconds () - 5);
  g_assert_true (grant_token_is_expired (past, 0));

  /* expires_in 0 clears the expiry. */
  grant_token_set_expires_in (past, 0);
  g_assert_cmpint (grant_token_get_expires_at (past), ==, 0);
  g_assert_false (grant_token_is_expired (past, 60));
}

static void
test_token_default_token_type (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrantToken) token = grant_token_new ("a");
  g_autoptr(GrantToken) parsed = grant_token_new_from_json ("{\"access_token\":\"a\"}", &error);
  g_autoptr(GrantToken) mixed = grant_token_new_from_json ("{\"access_token\":\"a\",\"token_type\":\"bEAreR\"}", &error);
  g_autoptr(GrantToken) mac = grant_token_new_from_json ("{\"access_token\":\"a\",\"token_type\":\"MAC\"}", &error);
  g_autofree char *json = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (grant_token_get_token_type (token), ==, "Bearer");
  g_assert_true (grant_token_is_bearer (token));
  g_assert_cmpstr (grant_token_get_token_type (parsed), ==, "Bearer");
  g_assert_true (grant_token_is_bearer (parsed));
  g_assert_cmpstr (grant_token_get_token_type (mixed), ==, "bEAreR");
  g_assert_true (grant_token_is_bearer (mixed));
  g_assert_false (grant_token_is_bearer (mac));

  json = grant_token_to_json (token);
  g_assert_nonnull (strstr (json, "\"token_type\":\"Bearer\""));
}

static void
test_token_copy_is_deep (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrantToken) token = grant_token_new_from_json (FULL_TOKEN_JSON, &error);
  g_autoptr(GrantToken) copy = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *copy_json = NULL;
  const char * const other_scope[] = { "x", NULL };
  JsonObject *extras;

  g_assert_no_error (error);
  before = grant_token_to_json (token);
  copy = grant_token_copy (token);
  copy_json = grant_token_to_json (copy);
  assert_same_json (copy_json, before);

  extras = grant_token_get_extras (copy);
  json_object_set_string_member (extras, "team", "Dev");
  json_object_remove_member (extras, "user_id");
  json_object_set_string_member (extras, "added", "yes");
  grant_token_set_access_token (copy, "at-2");
  grant_token_set_refresh_token (copy, NULL);
  grant_token_set_scope (copy, other_scope);
  grant_token_set_expires_at (copy, 5);

  after = grant_token_to_json (token);
  assert_same_json (after, before);
}

/* The same as copy-is-deep, one level down: a nested object or array in
 * the copy's extras must not be the original's. */
static void
test_token_copy_is_deep_nested (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrantToken) token = grant_token_new_from_json (FULL_TOKEN_JSON, &error);
  g_autoptr(GrantToken) copy = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  JsonObject *profile;
  JsonArray *tags;

  g_assert_no_error (error);
  before = grant_token_to_json (token);
  copy = grant_token_copy (token);

  profile = json_object_get_object_member (grant_token_get_extras (copy), "profile");
  json_object_set_string_member (profile, "name", "Mallory");
  tags = json_object_get_array_member (profile, "tags");
  json_array_add_string_element (tags, "c");

  after = grant_token_to_json (token);
  assert_same_json (after, before);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (grant_token_get_extras (token), "profile"),
                     "name"), ==, "Ann");
}

/* A token read from a JSON object keeps no reference into it: changing
 * the caller's object afterwards (a hook's, a parser's) leaves the
 * token's extras alone. */
static void
test_token_from_json_object_independent (void)
{
  g_autoptr(JsonNode) root = parse_json (FULL_TOKEN_JSON);
  g_autoptr(GError) error = NULL;
  g_autoptr(GrantToken) token = grant_token_new_from_json_object (json_node_get_object (root), &error);
  JsonObject *profile;

  g_assert_no_error (error);
  profile = json_object_get_object_member (json_node_get_object (root), "profile");
  json_object_set_string_member (profile, "name", "Mallory");
  json_array_add_string_element (json_object_get_array_member (json_node_get_object (root), "list"), "four");

  profile = json_object_get_object_member (grant_token_get_extras (token), "profile");
  g_assert_cmpstr (json_object_get_string_member (profile, "name"), ==, "Ann");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (grant_token_get_extras (token), "list")),
                    ==, 3);
}

/* grant_token_to_json_object returns a new object (transfer full): changing
 * a nested value in it does not change the token. */
static void
test_token_to_json_object_independent (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GrantToken) token = grant_token_new_from_json (FULL_TOKEN_JSON, &error);
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_no_error (error);
  before = grant_token_to_json (token);
  object = grant_token_to_json_object (token);
  json_object_set_string_member (json_object_get_object_member (object, "profile"), "name", "Mallory");
  json_object_set_string_member (object, "team", "Dev");
  after = grant_token_to_json (token);
  assert_same_json (after, before);
}

static void
test_token_from_json_errors (void)
{
  static const struct {
    const char *json;
    GrantError code;
  } cases[] = {
    { "not json", GRANT_ERROR_MALFORMED_RESPONSE },
    { "{\"access_token\":", GRANT_ERROR_MALFORMED_RESPONSE },
    { "[\"access_token\"]", GRANT_ERROR_MALFORMED_RESPONSE },
    { "\"access_token\"", GRANT_ERROR_MALFORMED_RESPONSE },
    { "null", GRANT_ERROR_MALFORMED_RESPONSE },
    { "{}", GRANT_ERROR_TOKEN_MISSING },
    { "{\"token_type\":\"Bearer\",\"refresh_token\":\"r\"}", GRANT_ERROR_TOKEN_MISSING },
    { "{\"access_token\":\"a\",\"expires_at\":\"next tuesday\"}", GRANT_ERROR_MALFORMED_RESPONSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GrantToken) token = grant_token_new_from_json (cases[i].json, &error);

      g_test_message ("%s", cases[i].json);
      g_assert_null (token);
      g_assert_error (error, GRANT_ERROR, (gint) cases[i].code);
    }
}

/* An empty or blank stored token (a truncated token file): json-glib
 * parses "" with no error and no root, which must still be
 * MALFORMED_RESPONSE, not a critical. */
static void
test_token_from_json_empty_text (void)
{
  static const char * const texts[] = { "", "   \n" };

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GrantToken) token = grant_token_new_from_json (texts[i], &error);

      g_assert_null (token);
      g_assert_error (error, GRANT_ERROR, GRANT_ERROR_MALFORMED_RESPONSE);
    }
}

/* ---- scopes -------------------------------------------------------------- */

static void
test_scope_parse_space (void)
{
  g_auto(GStrv) one = grant_scope_parse ("read");
  g_auto(GStrv) two = grant_scope_parse ("read write");
  g_auto(GStrv) spaced = grant_scope_parse ("  read   write:all  /profile ");
  g_auto(GStrv) urls = grant_scope_parse ("openid https://www.googleapis.com/auth/drive");
  const char * const e_one[] = { "read", NULL };
  const char * const e_two[] = { "read", "write", NULL };
  const char * const e_spaced[] = { "read", "write:all", "/profile", NULL };
  const char * const e_urls[] = { "openid", "https://www.googleapis.com/auth/drive", NULL };

  g_assert_cmpstrv (one, e_one);
  g_assert_cmpstrv (two, e_two);
  g_assert_cmpstrv (spaced, e_spaced);
  g_assert_cmpstrv (urls, e_urls);
}

static void
test_scope_parse_comma (void)
{
  g_auto(GStrv) github = grant_scope_parse ("repo,gist");
  g_auto(GStrv) trailing = grant_scope_parse (",repo,,gist,");
  g_auto(GStrv) single = grant_scope_parse ("user:email");
  const char * const e_github[] = { "repo", "gist", NULL };
  const char * const e_single[] = { "user:email", NULL };

  g_assert_cmpstrv (github, e_github);
  g_assert_cmpstrv (trailing, e_github);
  g_assert_cmpstrv (single, e_single);
}

/* RFC 6749 §3.3: a scope token is NQCHAR (%x21 / %x23-5B / %x5D-7E), so no
 * whitespace of any kind can be part of one; tabs and newlines separate
 * like spaces. */
static void
test_scope_parse_mixed_whitespace (void)
{
  g_auto(GStrv) mixed = grant_scope_parse (" read\twrite \n admin\r\n");
  g_auto(GStrv) tabs = grant_scope_parse ("read\twrite");
  const char * const expected[] = { "read", "write", "admin", NULL };
  const char * const e_tabs[] = { "read", "write", NULL };

  g_assert_cmpstrv (mixed, expected);
  g_assert_cmpstrv (tabs, e_tabs);
}

static void
test_scope_parse_empty (void)
{
  g_auto(GStrv) empty = grant_scope_parse ("");
  g_auto(GStrv) blank = grant_scope_parse ("   ");
  g_auto(GStrv) commas = grant_scope_parse (",,");

  g_assert_null (grant_scope_parse (NULL));
  g_assert_nonnull (empty);
  g_assert_cmpuint (g_strv_length (empty), ==, 0);
  g_assert_nonnull (blank);
  g_assert_cmpuint (g_strv_length (blank), ==, 0);
  g_assert_nonnull (commas);
  g_assert_cmpuint (g_strv_length (commas), ==, 0);
}

static void
test_scope_equal_as_sets (void)
{
  const char * const ab[] = { "a", "b", NULL };
  const char * const ba[] = { "b", "a", NULL };
  const char * const aab[] = { "a", "b", "a", NULL };
  const char * const abc[] = { "a", "b", "c", NULL };
  const char * const a[] = { "a", NULL };
  const char * const none[] = { NULL };
  const char * const upper[] = { "A", "b", NULL };
  g_autofree char *joined = grant_scope_join (ab);
  g_auto(GStrv) round = grant_scope_parse (joined);

  g_assert_true (grant_scope_equal (ab, ab));
  g_assert_true (grant_scope_equal (ab, ba));
  g_assert_true (grant_scope_equal (ab, aab));
  g_assert_true (grant_scope_equal (aab, ba));
  g_assert_false (grant_scope_equal (ab, abc));
  g_assert_false (grant_scope_equal (abc, ab));
  g_assert_false (grant_scope_equal (ab, a));
  g_assert_false (grant_scope_equal (a, none));
  g_assert_true (grant_scope_equal (none, none));
  g_assert_false (grant_scope_equal (ab, upper));
  g_assert_true (grant_scope_equal (NULL, NULL));
  g_assert_false (grant_scope_equal (ab, NULL));
  g_assert_false (grant_scope_equal (NULL, ab));

  g_assert_cmpstr (joined, ==, "a b");
  g_assert_true (grant_scope_equal ((const char * const *) round, ab));
}

/* ---- client credentials -------------------------------------------------- */

static void
test_basic_credentials_simple (void)
{
  g_autofree char *header = grant_oauth2_basic_credentials ("cid", "sec");

  /* base64 ("cid:sec") */
  g_assert_cmpstr (header, ==, "Basic Y2lkOnNlYw==");
}

/*
 * RFC 6749 §2.3.1: the id and the secret are each encoded with
 * application/x-www-form-urlencoded (Appendix B) before they are joined
 * with ":" and base64-encoded, so a ":" in the id cannot move the split.
 * Derived by hand:
 *   id     "client id:1%"  -> "client+id%3A1%25"         (space is "+")
 *   secret "sé cret:%/"    -> "s%C3%A9+cret%3A%25%2F"    (é is UTF-8 C3 A9)
 *   joined "client+id%3A1%25:s%C3%A9+cret%3A%25%2F"
 *   base64 "Y2xpZW50K2lkJTNBMSUyNTpzJUMzJUE5K2NyZXQlM0ElMjUlMkY="
 * and the unreserved marks "-._~" stay as they are (as Python's quote_plus
 * writes them): "a-b.c_d~e" is "YS1iLmNfZH5lOg==" with an empty secret.
 */
static void
test_basic_credentials_form_encoded (void)
{
  g_autofree char *header = grant_oauth2_basic_credentials ("client id:1%", "sé cret:%/");
  g_autofree char *marks = grant_oauth2_basic_credentials ("a-b.c_d~e", "");
  g_autofree char *decoded = NULL;
  gsize len = 0;
  guchar *raw;

  g_assert_cmpstr (header, ==, "Basic Y2xpZW50K2lkJTNBMSUyNTpzJUMzJUE5K2NyZXQlM0ElMjUlMkY=");
  g_assert_cmpstr (marks, ==, "Basic YS1iLmNfZH5lOg==");

  /* Exactly one raw ":" after encoding. */
  raw = g_base64_decode (header + strlen ("Basic "), &len);
  decoded = g_strndup ((const char *) raw, len);
  g_free (raw);
  g_assert_cmpstr (decoded, ==, "client+id%3A1%25:s%C3%A9+cret%3A%25%2F");
  g_assert_true (strchr (decoded, ':') == strrchr (decoded, ':'));
}

static void
test_basic_credentials_null_secret (void)
{
  g_autofree char *null_secret = grant_oauth2_basic_credentials ("cid", NULL);
  g_autofree char *empty_secret = grant_oauth2_basic_credentials ("cid", "");

  /* base64 ("cid:") */
  g_assert_cmpstr (null_secret, ==, "Basic Y2lkOg==");
  g_assert_cmpstr (empty_secret, ==, "Basic Y2lkOg==");
}

/* ---- WWW-Authenticate ---------------------------------------------------- */

static void
assert_bearer_error (const char *header,
                     const char *expected)
{
  g_autofree char *code = grant_oauth2_bearer_error (header);

  g_test_message ("WWW-Authenticate: %s", header ? header : "(null)");
  g_assert_cmpstr (code, ==, expected);
}

static void
test_bearer_error_rfc6750 (void)
{
  /* RFC 6750 §3 example. */
  assert_bearer_error ("Bearer realm=\"example\", error=\"invalid_token\", "
                       "error_description=\"The access token expired\"", "invalid_token");
  assert_bearer_error ("Bearer realm=\"x\", error=\"invalid_token\", error_description=\"expired\"",
                       "invalid_token");
  assert_bearer_error ("Bearer error=invalid_token", "invalid_token");
  assert_bearer_error ("Bearer error=\"insufficient_scope\", scope=\"read write\"", "insufficient_scope");
}

static void
test_bearer_error_case_insensitive_scheme (void)
{
  assert_bearer_error ("bearer error=\"insufficient_scope\"", "insufficient_scope");
  assert_bearer_error ("BEARER error=\"invalid_request\"", "invalid_request");
}

static void
test_bearer_error_none (void)
{
  assert_bearer_error (NULL, NULL);
  assert_bearer_error ("", NULL);
  assert_bearer_error ("Basic realm=\"x\"", NULL);
  assert_bearer_error ("Basic realm=\"x\", error=\"invalid_token\"", NULL);
  assert_bearer_error ("Bearer", NULL);
  assert_bearer_error ("Bearer realm=\"example\"", NULL);
  assert_bearer_error ("BearerX error=\"invalid_token\"", NULL);
}

static void
test_bearer_error_multiple_challenges (void)
{
  assert_bearer_error ("Basic realm=\"a\", Bearer error=\"invalid_token\"", "invalid_token");
  assert_bearer_error ("Basic realm=\"a\",Bearer error=\"invalid_token\"", "invalid_token");
  assert_bearer_error ("Bearer error=\"invalid_token\", Basic realm=\"a\"", "invalid_token");
  assert_bearer_error ("Newauth realm=\"apps\", type=1, title=\"Login\", Bearer realm=\"b\", error=\"insufficient_scope\"",
                       "insufficient_scope");
}

/* The word "Bearer" inside another challenge's quoted realm is not a
 * challenge: the real Bearer challenge after it must still be found. */
static void
test_bearer_error_scheme_inside_quoted_string (void)
{
  assert_bearer_error ("Basic realm=\"Use a Bearer token\", Bearer error=\"invalid_token\"",
                       "invalid_token");
}

/* ---- redirects ----------------------------------------------------------- */

static GPtrArray *
parse_redirect (const char *url,
                gboolean    fragment)
{
  g_autoptr(GPtrArray) params = grant_params_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (grant_uri_parse_redirect (url, fragment, params, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&params);
}

static void
test_redirect_query_vs_fragment (void)
{
  const char *url = "https://client.example.com/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz"
                    "#access_token=2YotnFZFEjr1zCsicMWpAA&state=frag&token_type=example"
                    "&expires_in=3600&scope=%2Fprofile";
  g_autoptr(GPtrArray) query = parse_redirect (url, FALSE);
  g_autoptr(GPtrArray) fragment = parse_redirect (url, TRUE);
  g_autoptr(GPtrArray) no_fragment = parse_redirect ("https://client.example.com/cb?code=c", TRUE);
  g_autoptr(GPtrArray) no_query = parse_redirect ("https://client.example.com/cb#access_token=t", FALSE);

  g_assert_cmpuint (query->len, ==, 2);
  g_assert_cmpstr (grant_params_lookup (query, "code"), ==, "SplxlOBeZQQYbYS6WxSbIA");
  g_assert_cmpstr (grant_params_lookup (query, "state"), ==, "xyz");
  g_assert_null (grant_params_lookup (query, "access_token"));

  g_assert_cmpuint (fragment->len, ==, 5);
  g_assert_cmpstr (grant_params_lookup (fragment, "access_token"), ==, "2YotnFZFEjr1zCsicMWpAA");
  g_assert_cmpstr (grant_params_lookup (fragment, "state"), ==, "frag");
  g_assert_cmpstr (grant_params_lookup (fragment, "scope"), ==, "/profile");
  g_assert_null (grant_params_lookup (fragment, "code"));

  g_assert_cmpuint (no_fragment->len, ==, 0);
  g_assert_cmpuint (no_query->len, ==, 0);
}

static void
test_redirect_raw_spaces (void)
{
  g_autoptr(GPtrArray) params =
    parse_redirect ("https://client.example.com/cb?code=a b&state=s t&plus=x+y&enc=1%2B1&utf8=é", FALSE);
  g_autoptr(GPtrArray) frag = parse_redirect ("http://localhost:8080/cb#access_token=t k&state=a b", TRUE);

  g_assert_cmpstr (grant_params_lookup (params, "code"), ==, "a b");
  g_assert_cmpstr (grant_params_lookup (params, "state"), ==, "s t");
  g_assert_cmpstr (grant_params_lookup (params, "plus"), ==, "x y");
  g_assert_cmpstr (grant_params_lookup (params, "enc"), ==, "1+1");
  g_assert_cmpstr (grant_params_lookup (params, "utf8"), ==, "é");
  g_assert_cmpstr (grant_params_lookup (frag, "access_token"), ==, "t k");
  g_assert_cmpstr (grant_params_lookup (frag, "state"), ==, "a b");
}

static void
assert_redirect_refused (const char *url,
                         gboolean    fragment)
{
  g_autoptr(GPtrArray) params = grant_params_new ();
  g_autoptr(GError) error = NULL;

  g_test_message ("%s", url ? url : "(null)");
  g_assert_false (grant_uri_parse_redirect (url, fragment, params, &error));
  g_assert_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT);
}

/* No URL, a URL that does not parse, or an encoded NUL in a value. */
static void
test_redirect_bad_urls (void)
{
  assert_redirect_refused (NULL, FALSE);
  assert_redirect_refused ("", FALSE);
  assert_redirect_refused ("https://client.example.com/cb?code=abc%00def&state=x", FALSE);
  assert_redirect_refused ("https://client.example.com/cb#access_token=%00", TRUE);
}

/* An invalid percent-escape is refused, not taken literally: oauthlib's
 * urldecode raises ValueError for "%R", "%RA", "%AR" and "%RR", and
 * grant_uri_parse_redirect has an error for exactly this ("has an
 * invalid percent-escape"). A code or state read as "%zz" would only fail
 * later, at the token endpoint or as a state mismatch. */
static void
test_redirect_invalid_escapes (void)
{
  assert_redirect_refused ("https://client.example.com/cb?code=%zz&state=x", FALSE);
  assert_redirect_refused ("https://client.example.com/cb?code=%RA&state=x", FALSE);
  assert_redirect_refused ("https://client.example.com/cb?code=abc%4&state=x", FALSE);
  assert_redirect_refused ("https://client.example.com/cb?code=abc&state=x%", FALSE);
  assert_redirect_refused ("https://client.example.com/cb#access_token=%G1", TRUE);
}

/* ---- transport ----------------------------------------------------------- */

typedef struct {
  char *grant;
  char *oauthlib;
} SavedEnv;

static void
save_env (SavedEnv *saved)
{
  saved->grant = g_strdup (g_getenv ("GRANT_INSECURE_TRANSPORT"));
  saved->oauthlib = g_strdup (g_getenv ("OAUTHLIB_INSECURE_TRANSPORT"));
  g_unsetenv ("GRANT_INSECURE_TRANSPORT");
  g_unsetenv ("OAUTHLIB_INSECURE_TRANSPORT");
}

static void
restore_one (const char *name,
             char       *value)
{
  if (value)
    g_setenv (name, value, TRUE);
  else
    g_unsetenv (name);
  g_free (value);
}

static void
restore_env (SavedEnv *saved)
{
  restore_one ("GRANT_INSECURE_TRANSPORT", saved->grant);
  restore_one ("OAUTHLIB_INSECURE_TRANSPORT", saved->oauthlib);
}

static void
test_transport_https_only (void)
{
  SavedEnv saved;

  save_env (&saved);
  g_assert_true (grant_oauth2_transport_allowed ("https://example.com/token", FALSE));
  g_assert_true (grant_oauth2_transport_allowed ("HTTPS://EXAMPLE.COM/token", FALSE));
  g_assert_false (grant_oauth2_transport_allowed ("http://example.com/token", FALSE));
  g_assert_false (grant_oauth2_transport_allowed ("http://localhost:8080/cb", FALSE));
  g_assert_false (grant_oauth2_transport_allowed ("ftp://example.com/", FALSE));
  g_assert_false (grant_oauth2_transport_allowed ("example.com/token", FALSE));
  g_assert_false (grant_oauth2_transport_allowed ("", FALSE));
  g_assert_false (grant_oauth2_transport_allowed (NULL, FALSE));
  restore_env (&saved);
}

static void
test_transport_allow_flag (void)
{
  SavedEnv saved;

  save_env (&saved);
  g_assert_true (grant_oauth2_transport_allowed ("http://example.com/token", TRUE));
  g_assert_true (grant_oauth2_transport_allowed ("http://localhost:8080/cb", TRUE));
  g_assert_true (grant_oauth2_transport_allowed ("https://example.com/token", TRUE));
  restore_env (&saved);
}

static void
test_transport_env_vars (void)
{
  static const char * const names[] = { "GRANT_INSECURE_TRANSPORT", "OAUTHLIB_INSECURE_TRANSPORT" };
  SavedEnv saved;

  save_env (&saved);
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_test_message ("%s", names[i]);
      g_assert_false (grant_oauth2_transport_allowed ("http://example.com/", FALSE));

      g_setenv (names[i], "1", TRUE);
      g_assert_true (grant_oauth2_transport_allowed ("http://example.com/", FALSE));
      g_assert_true (grant_oauth2_transport_allowed ("https://example.com/", FALSE));

      /* As oauthlib reads it, any non-empty value counts, even "0". */
      g_setenv (names[i], "0", TRUE);
      g_assert_true (grant_oauth2_transport_allowed ("http://example.com/", FALSE));

      g_setenv (names[i], "", TRUE);
      g_assert_false (grant_oauth2_transport_allowed ("http://example.com/", FALSE));

      g_unsetenv (names[i]);
      g_assert_false (grant_oauth2_transport_allowed ("http://example.com/", FALSE));
    }
  restore_env (&saved);
}

/* ---- GrantRequest and GrantResponse -------------------------------------- */

static char *
request_body_text (GrantRequest *request)
{
  GBytes *body = grant_request_get_body (request);

  g_assert_nonnull (body);
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static void
set_request_form (GrantRequest *request,
                  const char   *form)
{
  g_autoptr(GBytes) body = bytes_new (form);

  grant_request_set_body (request, "application/x-www-form-urlencoded", body);
}

static void
test_request_set_form_value (void)
{
  g_autoptr(GrantRequest) request = grant_request_new ("POST", "https://server.example.com/token");
  SoupMessageHeaders *headers = grant_request_get_headers (request);
  g_autofree char *replaced = NULL;
  g_autofree char *appended = NULL;
  g_autofree char *removed = NULL;
  g_autofree char *missing_removed = NULL;
  g_autofree char *deduplicated = NULL;
  g_autofree char *from_nothing = NULL;
  g_autofree char *value = NULL;
  g_autofree char *absent = NULL;

  set_request_form (request, "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA"
                             "&redirect_uri=https%3A%2F%2Fclient.example.com%2Fcb");

  value = grant_request_get_form_value (request, "redirect_uri");
  g_assert_cmpstr (value, ==, "https://client.example.com/cb");
  absent = grant_request_get_form_value (request, "client_id");
  g_assert_null (absent);

  /* Replaced in place. */
  grant_request_set_form_value (request, "code", "new code/1");
  replaced = request_body_text (request);
  g_assert_cmpstr (replaced, ==, "grant_type=authorization_code&code=new+code%2F1"
                                 "&redirect_uri=https%3A%2F%2Fclient.example.com%2Fcb");

  /* Appended at the end. */
  grant_request_set_form_value (request, "client_id", "s6BhdRkqt3");
  appended = request_body_text (request);
  g_assert_cmpstr (appended, ==, "grant_type=authorization_code&code=new+code%2F1"
                                 "&redirect_uri=https%3A%2F%2Fclient.example.com%2Fcb&client_id=s6BhdRkqt3");

  /* Removed with NULL; removing what is not there changes nothing. */
  grant_request_set_form_value (request, "code", NULL);
  removed = request_body_text (request);
  g_assert_cmpstr (removed, ==, "grant_type=authorization_code"
                                "&redirect_uri=https%3A%2F%2Fclient.example.com%2Fcb&client_id=s6BhdRkqt3");
  grant_request_set_form_value (request, "nothing", NULL);
  missing_removed = request_body_text (request);
  g_assert_cmpstr (missing_removed, ==, removed);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Content-Type"), ==,
                   "application/x-www-form-urlencoded");

  /* A repeated name ends up once, where it first was. */
  set_request_form (request, "a=1&b=2&a=3&c=4");
  grant_request_set_form_value (request, "a", "X");
  deduplicated = request_body_text (request);
  g_assert_cmpstr (deduplicated, ==, "a=X&b=2&c=4");

  /* On a request with no body, the form is created. */
  {
    g_autoptr(GrantRequest) empty = grant_request_new ("POST", "https://server.example.com/token");

    grant_request_set_form_value (empty, "grant_type", "client_credentials");
    from_nothing = request_body_text (empty);
    g_assert_cmpstr (from_nothing, ==, "grant_type=client_credentials");
    g_assert_cmpstr (soup_message_headers_get_one (grant_request_get_headers (empty), "Content-Type"), ==,
                     "application/x-www-form-urlencoded");
  }
}

/* A token parameter (Slack's, Instagram's) goes into the URL without
 * touching what the application wrote there. */
static void
test_request_query_value (void)
{
  static const struct {
    const char *uri;
    const char *name;
    const char *value;
    const char *expected;
  } cases[] = {
    { "https://api.example/me", "access_token", "a b/c", "https://api.example/me?access_token=a+b%2Fc" },
    { "https://api.example/me?", "token", "t", "https://api.example/me?token=t" },
    { "https://api.example/me?fields=id,name&x=%7e", "token", "t",
      "https://api.example/me?fields=id,name&x=%7e&token=t" },
    { "https://api.example/me?token=&a=1&token=old#frag", "token", "new",
      "https://api.example/me?token=new&a=1#frag" },
    { "https://api.example/me?a=1&token=old&b=2", "token", NULL, "https://api.example/me?a=1&b=2" },
    { "https://api.example/me?token=old", "token", NULL, "https://api.example/me" },
    { "https://api.example/me?a=1#x?token=1", "token", "t", "https://api.example/me?a=1&token=t#x?token=1" },
    { "https://api.example/me?to%6Ben=old", "token", "t", "https://api.example/me?token=t" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GrantRequest) request = grant_request_new ("GET", cases[i].uri);
      g_autofree char *read_back = NULL;

      grant_request_set_query_value (request, cases[i].name, cases[i].value);
      g_assert_cmpstr (grant_request_get_uri (request), ==, cases[i].expected);
      read_back = grant_request_get_query_value (request, cases[i].name);
      g_assert_cmpstr (read_back, ==, cases[i].value);
    }

  {
    g_autoptr(GrantRequest) request = grant_request_new ("GET", "https://api.example/me?flag&q=a+b%26c#q=no");
    g_autofree char *flag = grant_request_get_query_value (request, "flag");
    g_autofree char *q = grant_request_get_query_value (request, "q");
    g_autofree char *absent = grant_request_get_query_value (request, "fragment");

    g_assert_cmpstr (flag, ==, "");
    g_assert_cmpstr (q, ==, "a b&c");
    g_assert_null (absent);
  }
}

static void
test_request_get_form (void)
{
  g_autoptr(GrantRequest) request = grant_request_new ("POST", "https://server.example.com/token");
  g_autoptr(JsonObject) form = NULL;
  g_autoptr(JsonObject) none = NULL;

  none = grant_request_get_form (request);
  g_assert_nonnull (none);
  g_assert_cmpuint (json_object_get_size (none), ==, 0);

  set_request_form (request, "grant_type=password&username=johndoe&password=A3ddj3w"
                             "&scope=read+write&empty=&a=1&a=2");
  form = grant_request_get_form (request);
  g_assert_cmpuint (json_object_get_size (form), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (form, "grant_type"), ==, "password");
  g_assert_cmpstr (json_object_get_string_member (form, "username"), ==, "johndoe");
  g_assert_cmpstr (json_object_get_string_member (form, "password"), ==, "A3ddj3w");
  g_assert_cmpstr (json_object_get_string_member (form, "scope"), ==, "read write");
  g_assert_cmpstr (json_object_get_string_member (form, "empty"), ==, "");
  /* The last value wins where a name repeats. */
  g_assert_cmpstr (json_object_get_string_member (form, "a"), ==, "2");
}

static void
test_request_set_json_body (void)
{
  g_autoptr(GrantRequest) request = grant_request_new ("POST", "https://server.example.com/token");
  g_autoptr(JsonObject) form = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  GBytes *body;
  JsonObject *sent;

  set_request_form (request, "grant_type=client_credentials&scope=a+b&note=%22quoted%22+%5Cpath");
  form = grant_request_get_form (request);
  grant_request_set_json_body (request, form);

  g_assert_cmpstr (soup_message_headers_get_one (grant_request_get_headers (request), "Content-Type"), ==,
                   "application/json");
  body = grant_request_get_body (request);
  g_assert_nonnull (body);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  sent = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (sent), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (sent, "grant_type"), ==, "client_credentials");
  g_assert_cmpstr (json_object_get_string_member (sent, "scope"), ==, "a b");
  g_assert_cmpstr (json_object_get_string_member (sent, "note"), ==, "\"quoted\" \\path");
}

static void
test_response_json_and_status (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(GBytes) body = bytes_new ("{\"access_token\":\"a\",\"token_type\":\"bearer\"}");
  g_autoptr(GrantResponse) response = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(GBytes) html = bytes_new ("<html></html>");
  g_autoptr(GBytes) array = bytes_new ("[1]");
  g_autoptr(JsonObject) not_json = NULL;
  g_autoptr(JsonObject) not_object = NULL;
  g_autofree char *text = NULL;

  soup_message_headers_replace (headers, "Content-Type", "text/plain");
  soup_message_headers_replace (headers, "X-Extra", "kept");
  response = grant_response_new (200, headers, body);
  g_assert_cmpuint (grant_response_get_status (response), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (grant_response_get_headers (response), "X-Extra"), ==, "kept");

  object = grant_response_get_json (response);
  g_assert_nonnull (object);
  g_assert_cmpstr (json_object_get_string_member (object, "token_type"), ==, "bearer");

  /* Changing the object does not change the body until set_json. */
  json_object_set_string_member (object, "token_type", "Bearer");
  json_object_set_int_member (object, "expires_in", 60);
  text = grant_response_get_text (response);
  g_assert_nonnull (strstr (text, "\"bearer\""));

  grant_response_set_json (response, object);
  g_assert_cmpstr (soup_message_headers_get_one (grant_response_get_headers (response), "Content-Type"), ==,
                   "application/json");
  again = grant_response_get_json (response);
  g_assert_nonnull (again);
  g_assert_cmpstr (json_object_get_string_member (again, "token_type"), ==, "Bearer");
  g_assert_cmpint (json_object_get_int_member (again, "expires_in"), ==, 60);

  grant_response_set_status (response, 401);
  g_assert_cmpuint (grant_response_get_status (response), ==, 401);

  grant_response_set_body (response, "text/html", html);
  g_assert_cmpstr (soup_message_headers_get_one (grant_response_get_headers (response), "Content-Type"), ==,
                   "text/html");
  not_json = grant_response_get_json (response);
  g_assert_null (not_json);
  grant_response_set_body (response, NULL, array);
  g_assert_cmpstr (soup_message_headers_get_one (grant_response_get_headers (response), "Content-Type"), ==,
                   "text/html");
  not_object = grant_response_get_json (response);
  g_assert_null (not_object);
}

/* A response with no body (a 204, or a NULL body given to
 * grant_response_new) reads as "", as the documentation of get_text
 * promises ("the body, NUL-terminated"). */
static void
test_response_get_text_empty_body (void)
{
  g_autoptr(GrantResponse) response = grant_response_new (204, NULL, NULL);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;

  g_assert_nonnull (grant_response_get_body (response));
  g_assert_cmpuint (g_bytes_get_size (grant_response_get_body (response)), ==, 0);
  text = grant_response_get_text (response);
  g_assert_cmpstr (text, ==, "");

  grant_response_set_body (response, "text/plain", empty);
  text2 = grant_response_get_text (response);
  g_assert_cmpstr (text2, ==, "");
}

/* The same response read as JSON: NULL ("not a JSON object"), without a
 * critical from json-glib. */
static void
test_response_get_json_empty_body (void)
{
  g_autoptr(GrantResponse) response = grant_response_new (204, NULL, NULL);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) blank = bytes_new ("  \n");
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonObject) object2 = NULL;
  g_autoptr(JsonObject) object3 = NULL;

  object = grant_response_get_json (response);
  g_assert_null (object);

  grant_response_set_body (response, "application/json", empty);
  object2 = grant_response_get_json (response);
  g_assert_null (object2);

  grant_response_set_body (response, "application/json", blank);
  object3 = grant_response_get_json (response);
  g_assert_null (object3);
}

/*
 * Every test runs in a subprocess of its own: a failed assertion or a
 * critical fails that test only, and the rest still run and report
 * (the parent's assertions are non-fatal). Environment changes stay in
 * the subprocess too.
 */
static void
run_isolated (gconstpointer data)
{
  GTestFunc func = (GTestFunc) data;

  if (g_test_subprocess ())
    {
      func ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

#define add_test(path, func) g_test_add_data_func ((path), (gconstpointer) (func), run_isolated)

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!g_test_subprocess ())
    g_test_set_nonfatal_assertions ();

  add_test ("/oauth2/pkce/rfc7636-appendix-b", test_pkce_rfc7636_appendix_b);
  add_test ("/oauth2/pkce/challenge-base64url-unpadded", test_pkce_challenge_is_base64url_unpadded);
  add_test ("/oauth2/pkce/verifier-length-clamped", test_pkce_verifier_length_clamped);
  add_test ("/oauth2/pkce/verifier-unreserved-only", test_pkce_verifier_alphabet);
  add_test ("/oauth2/pkce/verifiers-distinct", test_pkce_verifiers_distinct);
  add_test ("/oauth2/pkce/verifier-uniform", test_pkce_verifier_uniform);
  add_test ("/oauth2/pkce/verifier-valid", test_pkce_verifier_valid);

  add_test ("/oauth2/state/alphanumeric-32-distinct", test_state_shape_and_distinct);
  add_test ("/oauth2/state/secure-equal", test_state_secure_equal);

  add_test ("/oauth2/errors/rfc-codes", test_errors_rfc_codes);
  add_test ("/oauth2/errors/unknown-code-server-reported", test_errors_unknown_code);
  add_test ("/oauth2/errors/invalid-request-not-client-id", test_errors_invalid_request_not_client_id);

  add_test ("/oauth2/token-response/json-oauthlib-example", test_token_response_json_oauthlib);
  add_test ("/oauth2/token-response/form-github", test_token_response_form_github);
  add_test ("/oauth2/token-response/expires-in-string", test_token_response_expires_in_string);
  add_test ("/oauth2/token-response/expires-in-null-or-zero", test_token_response_expires_in_none);
  add_test ("/oauth2/token-response/expires-in-not-a-number", test_token_response_expires_in_not_a_number);
  add_test ("/oauth2/token-response/expires-in-huge-no-overflow", test_token_response_expires_in_huge);
  add_test ("/oauth2/token-response/error-in-200", test_token_response_error_in_200);
  add_test ("/oauth2/token-response/error-in-4xx", test_token_response_error_in_400);
  add_test ("/oauth2/token-response/html-5xx", test_token_response_html_500);
  add_test ("/oauth2/token-response/empty-body", test_token_response_empty_body);
  add_test ("/oauth2/token-response/truncated-json", test_token_response_truncated_json);
  add_test ("/oauth2/token-response/json-not-object", test_token_response_json_array);
  add_test ("/oauth2/token-response/missing-access-token", test_token_response_missing_access_token);
  add_test ("/oauth2/token-response/secrets-redacted", test_token_response_secrets_redacted);

  add_test ("/oauth2/token/json-round-trip", test_token_json_round_trip);
  add_test ("/oauth2/token/stored-expires-at-kept", test_token_stored_expires_at_kept);
  add_test ("/oauth2/token/iso8601-expires-at", test_token_iso8601_expires_at);
  add_test ("/oauth2/token/is-expired-leeway", test_token_is_expired_leeway);
  add_test ("/oauth2/token/default-token-type", test_token_default_token_type);
  add_test ("/oauth2/token/copy-is-deep", test_token_copy_is_deep);
  add_test ("/oauth2/token/copy-is-deep-nested-extras", test_token_copy_is_deep_nested);
  add_test ("/oauth2/token/from-json-object-independent", test_token_from_json_object_independent);
  add_test ("/oauth2/token/to-json-object-independent", test_token_to_json_object_independent);
  add_test ("/oauth2/token/from-json-errors", test_token_from_json_errors);
  add_test ("/oauth2/token/from-json-empty-text", test_token_from_json_empty_text);

  add_test ("/oauth2/scope/parse-space-separated", test_scope_parse_space);
  add_test ("/oauth2/scope/parse-comma-separated", test_scope_parse_comma);
  add_test ("/oauth2/scope/parse-mixed-whitespace", test_scope_parse_mixed_whitespace);
  add_test ("/oauth2/scope/parse-empty", test_scope_parse_empty);
  add_test ("/oauth2/scope/equal-as-sets", test_scope_equal_as_sets);

  add_test ("/oauth2/basic-credentials/simple", test_basic_credentials_simple);
  add_test ("/oauth2/basic-credentials/form-encoded-rfc6749-2.3.1", test_basic_credentials_form_encoded);
  add_test ("/oauth2/basic-credentials/null-secret", test_basic_credentials_null_secret);

  add_test ("/oauth2/bearer-error/rfc6750", test_bearer_error_rfc6750);
  add_test ("/oauth2/bearer-error/scheme-case-insensitive", test_bearer_error_case_insensitive_scheme);
  add_test ("/oauth2/bearer-error/none", test_bearer_error_none);
  add_test ("/oauth2/bearer-error/multiple-challenges", test_bearer_error_multiple_challenges);
  add_test ("/oauth2/bearer-error/scheme-inside-quoted-string", test_bearer_error_scheme_inside_quoted_string);

  add_test ("/oauth2/redirect/query-vs-fragment", test_redirect_query_vs_fragment);
  add_test ("/oauth2/redirect/raw-spaces", test_redirect_raw_spaces);
  add_test ("/oauth2/redirect/bad-urls", test_redirect_bad_urls);
  add_test ("/oauth2/redirect/invalid-escapes", test_redirect_invalid_escapes);

  add_test ("/oauth2/transport/https-only", test_transport_https_only);
  add_test ("/oauth2/transport/allow-flag", test_transport_allow_flag);
  add_test ("/oauth2/transport/env-vars", test_transport_env_vars);

  add_test ("/oauth2/request/set-form-value", test_request_set_form_value);
  add_test ("/oauth2/request/query-value", test_request_query_value);
  add_test ("/oauth2/request/get-form", test_request_get_form);
  add_test ("/oauth2/request/set-json-body", test_request_set_json_body);
  add_test ("/oauth2/response/json-and-status", test_response_json_and_status);
  add_test ("/oauth2/response/get-text-empty-body", test_response_get_text_empty_body);
  add_test ("/oauth2/response/get-json-empty-body", test_response_get_json_empty_body);

  return g_test_run ();
}
