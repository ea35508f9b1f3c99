/* grant-oauth1.c: signs SoupMessages, alone or for a whole SoupSession
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "grant-enum-types.h"
#include "grant-error.h"
#include "grant-random-private.h"
#include "grant-oauth1-private.h"
#include "grant-oauth1-signature-private.h"
#include "grant-uri-private.h"

/**
 * GrantOAuth1:
 *
 * Signs HTTP requests with OAuth 1.0a (RFC 5849).
 *
 * A `GrantOAuth1` holds the client credentials (key and secret, or an RSA
 * private key), the token credentials once they are known, and how to sign:
 * the [enum@OAuth1SignatureMethod] and where the signature goes
 * ([enum@OAuth1Placement]). It is the counterpart of requests-oauthlib's
 * `OAuth1` auth helper.
 *
 * Sign one message with [method@OAuth1.sign_message], or call
 * [method@OAuth1.attach] so that every message a `SoupSession` sends is
 * signed as it is queued. Either way a same-origin redirect is signed again
 * with a fresh nonce, and nothing that identifies the client or the user is
 * sent to another origin.
 *
 * ```c
 * g_autoptr(GrantOAuth1) auth = grant_oauth1_new ("client-key", "client-secret");
 * grant_oauth1_set_token (auth, "token");
 * grant_oauth1_set_token_secret (auth, "token-secret");
 * grant_oauth1_attach (auth, soup_session);
 * ```
 *
 * [method@OAuth1.sign] signs a request given as strings and returns what to
 * send, which is what the `grant oauth1 sign` command prints.
 *
 * Several threads may sign with one `GrantOAuth1` at once, as long as none
 * changes its properties meanwhile.
 */

struct _GrantOAuth1
{
  GObject parent_instance;

  char *client_key;
  char *client_secret;
  char *token;
  char *token_secret;
  char *callback_uri;
  char *verifier;
  char *realm;
  char *fixed_nonce;
  char *fixed_timestamp;
  gnutls_privkey_t rsa_key;
  GrantOAuth1Key *key;
  GrantOAuth1Endpoints *endpoints;
  GrantOAuth1SignatureMethod signature_method;
  GrantOAuth1Placement placement;
  gboolean force_include_body;
};

G_DEFINE_FINAL_TYPE (GrantOAuth1, grant_oauth1, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT_KEY,
  PROP_CLIENT_SECRET,
  PROP_TOKEN,
  PROP_TOKEN_SECRET,
  PROP_CALLBACK_URI,
  PROP_VERIFIER,
  PROP_REALM,
  PROP_SIGNATURE_METHOD,
  PROP_PLACEMENT,
  PROP_RSA_KEY,
  PROP_HAS_RSA_KEY,
  PROP_FORCE_INCLUDE_BODY,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

/* Replaces a string member, wiping the old value: some of these are
 * secrets, and one rule for all of them is simpler than two. */
static gboolean
replace_string (char       **member,
                const char  *value)
{
  if (g_strcmp0 (*member, value) == 0)
    return FALSE;
  grant_secret_free (*member);
  *member = g_strdup (value);
  return TRUE;
}

static void
set_string_property (GrantOAuth1  *self,
                     char        **member,
                     const char   *value,
                     int           prop)
{
  g_return_if_fail (GRANT_IS_OAUTH1 (self));

  if (replace_string (member, value))
    g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

/* Keeps the HMAC keyed for the current secrets and method in step with
 * them, so that signing never uses a key that is out of date. */
static void
rekey (GrantOAuth1 *self)
{
  g_clear_pointer (&self->key, grant_oauth1_key_free);
  self->key = grant_oauth1_key_new (self->signature_method,
                                    self->client_secret,
                                    self->token_secret);
}

/* A secret the signing key is made from: the key follows it. */
static void
set_secret_property (GrantOAuth1  *self,
                     char        **member,
                     const char   *value,
                     int           prop)
{
  g_return_if_fail (GRANT_IS_OAUTH1 (self));

  if (replace_string (member, value))
    {
      rekey (self);
      g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
    }
}

static void
grant_oauth1_finalize (GObject *object)
{
  GrantOAuth1 *self = GRANT_OAUTH1 (object);

  g_free (self->client_key);
  grant_secret_free (self->client_secret);
  g_free (self->token);
  grant_secret_free (self->token_secret);
  g_free (self->callback_uri);
  grant_secret_free (self->verifier);
  g_free (self->realm);
  g_free (self->fixed_nonce);
  g_free (self->fixed_timestamp);
  g_clear_pointer (&self->rsa_key, gnutls_privkey_deinit);
  g_clear_pointer (&self->key, grant_oauth1_key_free);
  g_clear_pointer (&self->endpoints, grant_oauth1_endpoints_free);

  G_OBJECT_CLASS (grant_oauth1_parent_class)->finalize (object);
}

static void
grant_oauth1_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  GrantOAuth1 *self = GRANT_OAUTH1 (object);

  switch (prop_id)
    {
    case PROP_CLIENT_KEY:
      g_value_set_string (value, self->client_key);
      break;
    case PROP_CLIENT_SECRET:
      g_value_set_string (value, self->client_secret);
      break;
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    case PROP_TOKEN_SECRET:
      g_value_set_string (value, self->token_secret);
      break;
    case PROP_CALLBACK_URI:
      g_value_set_string (value, self->callback_uri);
      break;
    case PROP_VERIFIER:
      g_value_set_string (value, self->verifier);
      break;
    case PROP_REALM:
      g_value_set_string (value, self->realm);
      break;
    case PROP_SIGNATURE_METHOD:
      g_value_set_enum (value, self->signature_method);
      break;
    case PROP_PLACEMENT:
      g_value_set_enum (value, self->placement);
      break;
    case PROP_HAS_RSA_KEY:
      g_value_set_boolean (value, self->rsa_key != NULL);
      break;
    case PROP_FORCE_INCLUDE_BODY:
      g_value_set_boolean (value, self->force_include_body);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_oauth1_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  GrantOAuth1 *self = GRANT_OAUTH1 (object);

  switch (prop_id)
    {
    case PROP_CLIENT_KEY:
      grant_oauth1_set_client_key (self, g_value_get_string (value));
      break;
    case PROP_CLIENT_SECRET:
      grant_oauth1_set_client_secret (self, g_value_get_string (value));
      break;
    case PROP_TOKEN:
      grant_oauth1_set_token (self, g_value_get_string (value));
      break;
    case PROP_TOKEN_SECRET:
      grant_oauth1_set_token_secret (self, g_value_get_string (value));
      break;
    case PROP_CALLBACK_URI:
      grant_oauth1_set_callback_uri (self, g_value_get_string (value));
      break;
    case PROP_VERIFIER:
      grant_oauth1_set_verifier (self, g_value_get_string (value));
      break;
    case PROP_REALM:
      grant_oauth1_set_realm (self, g_value_get_string (value));
      break;
    case PROP_SIGNATURE_METHOD:
      grant_oauth1_set_signature_method (self, g_value_get_enum (value));
      break;
    case PROP_PLACEMENT:
      grant_oauth1_set_placement (self, g_value_get_enum (value));
      break;
    case PROP_RSA_KEY:
      {
        g_autoptr(GError) error = NULL;
        const char *pem = g_value_get_string (value);

        if (pem != NULL && !grant_oauth1_set_rsa_key (self, pem, &error))
          g_warning ("GrantOAuth1:rsa-key: %s", error->message);
      }
      break;
    case PROP_FORCE_INCLUDE_BODY:
      grant_oauth1_set_force_include_body (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
grant_oauth1_class_init (GrantOAuth1Class *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = grant_oauth1_finalize;
  object_class->get_property = grant_oauth1_get_property;
  object_class->set_property = grant_oauth1_set_property;

  /**
   * GrantOAuth1:client-key:
   *
   * The client identifier the provider issued (`oauth_consumer_key`).
   */
  props[PROP_CLIENT_KEY] = g_param_spec_string ("client-key", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth1:client-secret:
   *
   * The client's shared secret, for HMAC and PLAINTEXT signatures.
   */
  props[PROP_CLIENT_SECRET] = g_param_spec_string ("client-secret", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth1:token:
   *
   * The token identifier (`oauth_token`): the temporary credentials during
   * the dance, the access token after it. requests-oauthlib calls it the
   * resource owner key.
   */
  props[PROP_TOKEN] = g_param_spec_string ("token", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth1:token-secret:
   *
   * The secret that goes with [property@OAuth1:token].
   */
  props[PROP_TOKEN_SECRET] = g_param_spec_string ("token-secret", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth1:callback-uri:
   *
   * Where the provider sends the user after authorization
   * (`oauth_callback`), or `oob` when the user copies the verifier by hand.
   */
  props[PROP_CALLBACK_URI] = g_param_spec_string ("callback-uri", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth1:verifier:
   *
   * The verification code from the authorization step (`oauth_verifier`).
   */
  props[PROP_VERIFIER] = g_param_spec_string ("verifier", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth1:realm:
   *
   * The protection realm sent first in the `Authorization` header, or %NULL
   * for none. It is not signed. It is sent as it is between quotes, so a
   * realm holding a quote, a backslash or a control character makes
   * signing in the header fail.
   */
  props[PROP_REALM] = g_param_spec_string ("realm", NULL, NULL, NULL, rw);

  /**
   * GrantOAuth1:signature-method:
   *
   * How requests are signed.
   */
  props[PROP_SIGNATURE_METHOD] =
    g_param_spec_enum ("signature-method", NULL, NULL,
                       GRANT_TYPE_OAUTH1_SIGNATURE_METHOD,
                       GRANT_OAUTH1_SIGNATURE_HMAC_SHA1, rw);

  /**
   * GrantOAuth1:placement:
   *
   * Where the protocol parameters and the signature are sent.
   */
  props[PROP_PLACEMENT] =
    g_param_spec_enum ("placement", NULL, NULL,
                       GRANT_TYPE_OAUTH1_PLACEMENT,
                       GRANT_OAUTH1_PLACEMENT_HEADER, rw);

  /**
   * GrantOAuth1:rsa-key:
   *
   * The client's RSA private key in PEM form (PKCS#1 or PKCS#8,
   * unencrypted), for the RSA signature methods. Write-only: the key never
   * leaves the object. A key that cannot be read is reported with a warning;
   * use [method@OAuth1.set_rsa_key] to get the error instead.
   */
  props[PROP_RSA_KEY] =
    g_param_spec_string ("rsa-key", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GrantOAuth1:has-rsa-key:
   *
   * Whether an RSA private key is loaded.
   */
  props[PROP_HAS_RSA_KEY] =
    g_param_spec_boolean ("has-rsa-key", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GrantOAuth1:force-include-body:
   *
   * Whether a body that is not form-encoded (JSON, XML, binary) is covered
   * by the signature through an `oauth_body_hash` parameter, as the OAuth
   * Request Body Hash extension describes. Form bodies are always signed
   * parameter by parameter.
   */
  props[PROP_FORCE_INCLUDE_BODY] =
    g_param_spec_boolean ("force-include-body", NULL, NULL, FALSE, rw);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
grant_oauth1_init (GrantOAuth1 *self)
{
  self->signature_method = GRANT_OAUTH1_SIGNATURE_HMAC_SHA1;
  self->placement = GRANT_OAUTH1_PLACEMENT_HEADER;
  self->endpoints = grant_oauth1_endpoints_new ();
}

/**
 * grant_oauth1_new:
 * @client_key: the client identifier the provider issued
 * @client_secret: (nullable): the client's shared secret
 *
 * Creates a signer for HMAC-SHA1 signatures in the `Authorization` header;
 * change the properties for anything else.
 *
 * Returns: (transfer full): a new `GrantOAuth1`
 */
GrantOAuth1 *
grant_oauth1_new (const char *client_key,
                  const char *client_secret)
{
  return g_object_new (GRANT_TYPE_OAUTH1,
                       "client-key", client_key,
                       "client-secret", client_secret,
                       NULL);
}

/**
 * grant_oauth1_get_client_key:
 * @self: a `GrantOAuth1`
 *
 * Gets [property@OAuth1:client-key].
 *
 * Returns: (nullable): the client key
 */
const char *
grant_oauth1_get_client_key (GrantOAuth1 *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1 (self), NULL);
  return self->client_key;
}

/**
 * grant_oauth1_set_client_key:
 * @self: a `GrantOAuth1`
 * @client_key: (nullable): the client key
 *
 * Sets [property@OAuth1:client-key].
 */
void
grant_oauth1_set_client_key (GrantOAuth1 *self,
                             const char  *client_key)
{
  set_string_property (self, &self->client_key, client_key, PROP_CLIENT_KEY);
}

/**
 * grant_oauth1_get_client_secret:
 * @self: a `GrantOAuth1`
 *
 * Gets [property@OAuth1:client-secret].
 *
 * Returns: (nullable): the client secret
 */
const char *
grant_oauth1_get_client_secret (GrantOAuth1 *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1 (self), NULL);
  return self->client_secret;
}

/**
 * grant_oauth1_set_client_secret:
 * @self: a `GrantOAuth1`
 * @client_secret: (nullable): the client secret
 *
 * Sets [property@OAuth1:client-secret].
 */
void
grant_oauth1_set_client_secret (GrantOAuth1 *self,
                                const char  *client_secret)
{
  set_secret_property (self, &self->client_secret, client_secret, PROP_CLIENT_SECRET);
}

/**
 * grant_oauth1_get_token:
 * @self: a `GrantOAuth1`
 *
 * Gets [property@OAuth1:token].
 *
 * Returns: (nullable): the token identifier
 */
const char *
grant_oauth1_get_token (GrantOAuth1 *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1 (self), NULL);
  return self->token;
}

/**
 * grant_oauth1_set_token:
 * @self: a `GrantOAuth1`
 * @token: (nullable): the token identifier
 *
 * Sets [property@OAuth1:token].
 */
void
grant_oauth1_set_token (GrantOAuth1 *self,
                        const char  *token)
{
  set_string_property (self, &self->token, token, PROP_TOKEN);
}

/**
 * grant_oauth1_get_token_secret:
 * @self: a `GrantOAuth1`
 *
 * Gets [property@OAuth1:token-secret].
 *
 * Returns: (nullable): the token secret
 */
const char *
grant_oauth1_get_token_secret (GrantOAuth1 *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1 (self), NULL);
  return self->token_secret;
}

/**
 * grant_oauth1_set_token_secret:
 * @self: a `GrantOAuth1`
 * @token_secret: (nullable): the token secret
 *
 * Sets [property@OAuth1:token-secret].
 */
void
grant_oauth1_set_token_secret (GrantOAuth1 *self,
                               const char  *token_secret)
{
  set_secret_property (self, &self->token_secret, token_secret, PROP_TOKEN_SECRET);
}

/**
 * grant_oauth1_get_callback_uri:
 * @self: a `GrantOAuth1`
 *
 * Gets [property@OAuth1:callback-uri].
 *
 * Returns: (nullable): the callback URI
 */
const char *
grant_oauth1_get_callback_uri (GrantOAuth1 *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1 (self), NULL);
  return self->callback_uri;
}

/**
 * grant_oauth1_set_callback_uri:
 * @self: a `GrantOAuth1`
 * @callback_uri: (nullable): the callback URI, or `oob`
 *
 * Sets [property@OAuth1:callback-uri].
 */
void
grant_oauth1_set_callback_uri (GrantOAuth1 *self,
                               const char  *callback_uri)
{
  set_string_property (self, &self->callback_uri, callback_uri, PROP_CALLBACK_URI);
}

/**
 * grant_oauth1_get_verifier:
 * @self: a `GrantOAuth1`
 *
 * Gets [property@OAuth1:verifier].
 *
 * Returns: (nullable): the verifier
 */
const char *
grant_oauth1_get_verifier (GrantOAuth1 *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1 (self), NULL);
  return self->verifier;
}

/**
 * grant_oauth1_set_verifier:
 * @self: a `GrantOAuth1`
 * @verifier: (nullable): the verifier
 *
 * Sets [property@OAuth1:verifier].
 */
void
grant_oauth1_set_verifier (GrantOAuth1 *self,
                           const char  *verifier)
{
  set_string_property (self, &self->verifier, verifier, PROP_VERIFIER);
}

/**
 * grant_oauth1_get_realm:
 * @self: a `GrantOAuth1`
 *
 * Gets [property@OAuth1:realm].
 *
 * Returns: (nullable): the realm
 */
const char *
grant_oauth1_get_realm (GrantOAuth1 *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1 (self), NULL);
  return self->realm;
}

/**
 * grant_oauth1_set_realm:
 * @self: a `GrantOAuth1`
 * @realm: (nullable): the realm
 *
 * Sets [property@OAuth1:realm].
 */
void
grant_oauth1_set_realm (GrantOAuth1 *self,
                        const char  *realm)
{
  set_string_property (self, &self->realm, realm, PROP_REALM);
}

/**
 * grant_oauth1_get_signature_method:
 * @self: a `GrantOAuth1`
 *
 * Gets [property@OAuth1:signature-method].
 *
 * Returns: the signature method
 */
GrantOAuth1SignatureMethod
grant_oauth1_get_signature_method (GrantOAuth1 *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1 (self), GRANT_OAUTH1_SIGNATURE_HMAC_SHA1);
  return self->signature_method;
}

/**
 * grant_oauth1_set_signature_method:
 * @self: a `GrantOAuth1`
 * @method: the signature method
 *
 * Sets [property@OAuth1:signature-method].
 */
void
grant_oauth1_set_signature_method (GrantOAuth1                *self,
                                   GrantOAuth1SignatureMethod  method)
{
  g_return_if_fail (GRANT_IS_OAUTH1 (self));

  if (self->signature_method == method)
    return;
  self->signature_method = method;
  rekey (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SIGNATURE_METHOD]);
}

/**
 * grant_oauth1_get_placement:
 * @self: a `GrantOAuth1`
 *
 * Gets [property@OAuth1:placement].
 *
 * Returns: where signatures are placed
 */
GrantOAuth1Placement
grant_oauth1_get_placement (GrantOAuth1 *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1 (self), GRANT_OAUTH1_PLACEMENT_HEADER);
  return self->placement;
}

/**
 * grant_oauth1_set_placement:
 * @self: a `GrantOAuth1`
 * @placement: where signatures go
 *
 * Sets [property@OAuth1:placement].
 */
void
grant_oauth1_set_placement (GrantOAuth1          *self,
                            GrantOAuth1Placement  placement)
{
  g_return_if_fail (GRANT_IS_OAUTH1 (self));

  if (self->placement == placement)
    return;
  self->placement = placement;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PLACEMENT]);
}

/**
 * grant_oauth1_set_rsa_key:
 * @self: a `GrantOAuth1`
 * @pem: (nullable): an RSA private key in PEM form, or %NULL to forget the key
 * @error: return location for a #GError
 *
 * Loads the client's private key for the RSA signature methods. PKCS#1
 * (`BEGIN RSA PRIVATE KEY`) and PKCS#8 (`BEGIN PRIVATE KEY`) are read;
 * encrypted keys are not.
 *
 * Returns: %TRUE if the key was loaded; on failure the previous key is kept
 */
gboolean
grant_oauth1_set_rsa_key (GrantOAuth1  *self,
                          const char   *pem,
                          GError      **error)
{
  gnutls_privkey_t key = NULL;
  gboolean had_key;

  g_return_val_if_fail (GRANT_IS_OAUTH1 (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (pem != NULL)
    {
      key = grant_oauth1_load_rsa_key (pem, -1, error);
      if (key == NULL)
        return FALSE;
    }

  had_key = self->rsa_key != NULL;
  g_clear_pointer (&self->rsa_key, gnutls_privkey_deinit);
  self->rsa_key = key;
  if (had_key != (key != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HAS_RSA_KEY]);
  return TRUE;
}

/**
 * grant_oauth1_get_has_rsa_key:
 * @self: a `GrantOAuth1`
 *
 * Gets [property@OAuth1:has-rsa-key].
 *
 * Returns: whether an RSA private key is loaded
 */
gboolean
grant_oauth1_get_has_rsa_key (GrantOAuth1 *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1 (self), FALSE);
  return self->rsa_key != NULL;
}

/**
 * grant_oauth1_get_force_include_body:
 * @self: a `GrantOAuth1`
 *
 * Gets [property@OAuth1:force-include-body].
 *
 * Returns: whether non-form bodies are hashed into the signature
 */
gboolean
grant_oauth1_get_force_include_body (GrantOAuth1 *self)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1 (self), FALSE);
  return self->force_include_body;
}

/**
 * grant_oauth1_set_force_include_body:
 * @self: a `GrantOAuth1`
 * @force_include_body: whether to hash non-form bodies into the signature
 *
 * Sets [property@OAuth1:force-include-body].
 */
void
grant_oauth1_set_force_include_body (GrantOAuth1 *self,
                                     gboolean     force_include_body)
{
  g_return_if_fail (GRANT_IS_OAUTH1 (self));

  force_include_body = !!force_include_body;
  if (self->force_include_body == force_include_body)
    return;
  self->force_include_body = force_include_body;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_FORCE_INCLUDE_BODY]);
}

/**
 * grant_oauth1_set_fixed_nonce:
 * @self: a `GrantOAuth1`
 * @nonce: (nullable): the `oauth_nonce` to send, or %NULL for a fresh random one
 * @timestamp: (nullable): the `oauth_timestamp` to send, or %NULL for the
 *   current time
 *
 * Makes every signature use the given nonce and timestamp. This exists for
 * tests and for reproducing published examples: a server rejects a nonce it
 * has seen before, so never use it for real traffic.
 */
void
grant_oauth1_set_fixed_nonce (GrantOAuth1 *self,
                              const char  *nonce,
                              const char  *timestamp)
{
  g_return_if_fail (GRANT_IS_OAUTH1 (self));

  replace_string (&self->fixed_nonce, nonce);
  replace_string (&self->fixed_timestamp, timestamp);
}

static void
credentials_for_step (GrantOAuth1            *self,
                      GrantOAuth1Step         step,
                      const char             *realm,
                      GrantOAuth1Credentials *credentials)
{
  memset (credentials, 0, sizeof *credentials);
  credentials->method = self->signature_method;
  credentials->placement = self->placement;
  credentials->client_key = self->client_key;
  credentials->client_secret = self->client_secret;
  credentials->token = self->token;
  credentials->token_secret = self->token_secret;
  credentials->callback = self->callback_uri;
  credentials->verifier = self->verifier;
  credentials->realm = realm ? realm : self->realm;
  credentials->rsa_key = self->rsa_key;
  credentials->key = self->key;
  credentials->endpoints = self->endpoints;
  credentials->nonce = self->fixed_nonce;
  credentials->timestamp = self->fixed_timestamp;
  credentials->force_include_body = self->force_include_body;

  switch (step)
    {
    case GRANT_OAUTH1_STEP_ANY:
      break;
    case GRANT_OAUTH1_STEP_REQUEST_TOKEN:
      /* A stale token from an earlier dance must not be signed into a
       * request for new temporary credentials. */
      credentials->token = NULL;
      credentials->token_secret = NULL;
      credentials->verifier = NULL;
      credentials->key = NULL;  /* made with the token secret */
      break;
    case GRANT_OAUTH1_STEP_ACCESS_TOKEN:
      credentials->callback = NULL;
      break;
    case GRANT_OAUTH1_STEP_RESOURCE:
    default:
      credentials->callback = NULL;
      credentials->verifier = NULL;
      break;
    }
}

/**
 * grant_oauth1_sign:
 * @self: a `GrantOAuth1`
 * @method: the HTTP method, such as `GET` or `POST`
 * @uri: the absolute URL of the request; spaces, brackets and non-ASCII
 *   characters are percent-encoded first, as they will be on the wire
 * @headers: the request headers: `Content-Type` and `Host` are read, and
 *   `Authorization` (and `Content-Type`, for a body that turns out to be a
 *   form) are written
 * @body: (nullable): the request body
 * @out_uri: (out) (transfer full) (optional): the URL to send
 * @out_body: (out) (transfer full) (optional) (nullable): the body to send
 * @error: return location for a #GError
 *
 * Signs a request given as its parts, without sending anything: what a
 * command-line tool or another HTTP library needs. Every credential that is
 * set on @self is sent, including [property@OAuth1:callback-uri] and
 * [property@OAuth1:verifier].
 *
 * A form-encoded body (`application/x-www-form-urlencoded`, or a body that
 * reads as a form and has no `Content-Type`) is signed parameter by
 * parameter. Any other body is only covered when
 * [property@OAuth1:force-include-body] is set.
 *
 * Returns: %TRUE if the request was signed
 */
gboolean
grant_oauth1_sign (GrantOAuth1         *self,
                   const char          *method,
                   const char          *uri,
                   SoupMessageHeaders  *headers,
                   GBytes              *body,
                   char               **out_uri,
                   GBytes             **out_body,
                   GError             **error)
{
  GrantOAuth1Credentials credentials;
  GrantOAuth1Request request = { 0, };
  GrantOAuth1Signed result;

  g_return_val_if_fail (GRANT_IS_OAUTH1 (self), FALSE);
  g_return_val_if_fail (method != NULL, FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (headers != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  credentials_for_step (self, GRANT_OAUTH1_STEP_ANY, NULL, &credentials);
  request.method = method;
  request.uri = uri;
  request.host = soup_message_headers_get_one (headers, "Host");
  request.content_type = soup_message_headers_get_one (headers, "Content-Type");
  request.body = body;

  if (!grant_oauth1_sign_request (&credentials, &request, &result, error))
    return FALSE;

  if (result.authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", result.authorization);
  if (result.content_type != NULL)
    soup_message_headers_replace (headers, "Content-Type", result.content_type);
  if (out_uri != NULL)
    *out_uri = result.uri ? g_steal_pointer (&result.uri) : g_strdup (uri);
  if (out_body != NULL)
    *out_body = result.body
      ? g_steal_pointer (&result.body)
      : (body ? g_bytes_ref (body) : NULL);

  grant_oauth1_signed_clear (&result);
  return TRUE;
}

/*
 * What a message looked like before it was signed, so that it can be
 * signed again when libsoup restarts it, and where it was first sent, so
 * that a redirect to another origin is never given credentials.
 */
typedef struct {
  GWeakRef         signer;
  GrantOAuth1Step  step;
  char            *realm;
  GUri            *unsigned_uri;
  GUri            *signed_uri;
  char            *content_type;
  GBytes          *body;
} MessageState;

static GQuark message_state_quark;

static void
message_state_free (gpointer data)
{
  MessageState *state = data;

  g_weak_ref_clear (&state->signer);
  g_free (state->realm);
  g_clear_pointer (&state->unsigned_uri, g_uri_unref);
  g_clear_pointer (&state->signed_uri, g_uri_unref);
  g_free (state->content_type);
  g_clear_pointer (&state->body, g_bytes_unref);
  g_free (state);
}

static void on_message_restarted (SoupMessage *message,
                                  GrantOAuth1 *self);

static MessageState *
message_state_get (SoupMessage *message)
{
  if (message_state_quark == 0)
    message_state_quark = g_quark_from_static_string ("grant-oauth1-message-state");
  return g_object_get_qdata (G_OBJECT (message), message_state_quark);
}

/* Signs @message as it is now, with @uri standing for its URL. */
static gboolean
sign_message_now (GrantOAuth1      *self,
                  SoupMessage      *message,
                  MessageState     *state,
                  GUri             *uri,
                  gboolean          restarted,
                  GError          **error)
{
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);
  const char *method = soup_message_get_method (message);
  GrantOAuth1Credentials credentials;
  GrantOAuth1Request request = { 0, };
  GrantOAuth1Signed result;
  GBytes *body = state->body;
  const char *content_type = state->content_type;

  /* After a 301/302/303 libsoup turns the request into a GET and drops
   * the body; the signature must describe what is really sent. */
  if (restarted && !grant_method_has_body (method))
    {
      body = NULL;
      content_type = NULL;
    }

  credentials_for_step (self, state->step, state->realm, &credentials);
  /* A body signature has nowhere to go once a redirect has turned the
   * request into a GET; the query carries it instead. */
  if (restarted && credentials.placement == GRANT_OAUTH1_PLACEMENT_BODY &&
      !grant_method_has_body (method))
    credentials.placement = GRANT_OAUTH1_PLACEMENT_QUERY;
  request.method = method;
  request.parsed_uri = uri;
  request.host = soup_message_headers_get_one (headers, "Host");
  request.content_type = content_type;
  request.body = body;

  if (!grant_oauth1_sign_request (&credentials, &request, &result, error))
    return FALSE;

  if (result.authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", result.authorization);

  g_clear_pointer (&state->signed_uri, g_uri_unref);
  if (result.uri != NULL)
    {
      g_autoptr(GError) local_error = NULL;
      GUri *signed_uri = g_uri_parse (result.uri, SOUP_HTTP_URI_FLAGS, &local_error);

      if (signed_uri == NULL)
        {
          g_set_error (error, GRANT_ERROR, GRANT_ERROR_INVALID_ARGUMENT,
                       "The signed URL does not parse: %s", local_error->message);
          grant_oauth1_signed_clear (&result);
          return FALSE;
        }
      soup_message_set_uri (message, signed_uri);
      state->signed_uri = signed_uri;
    }
  else
    state->signed_uri = g_uri_ref (uri);

  if (body != NULL || result.body != NULL)
    {
      soup_message_set_request_body_from_bytes (message,
                                                result.content_type ? result.content_type : content_type,
                                                result.body ? result.body : body);
    }
  else if (result.content_type != NULL)
    soup_message_headers_replace (headers, "Content-Type", result.content_type);

  grant_oauth1_signed_clear (&result);
  return TRUE;
}

gboolean
grant_oauth1_sign_message_for_step (GrantOAuth1      *self,
                                    SoupMessage      *message,
                                    GBytes           *body,
                                    GrantOAuth1Step   step,
                                    const char       *realm,
                                    GError          **error)
{
  MessageState *state = message_state_get (message);
  g_autoptr(GrantOAuth1) previous = NULL;
  GUri *uri;

  if (state != NULL)
    previous = g_weak_ref_get (&state->signer);

  if (state == NULL || previous != self)
    {
      state = g_new0 (MessageState, 1);
      g_weak_ref_init (&state->signer, self);
      state->unsigned_uri = g_uri_ref (soup_message_get_uri (message));
      state->content_type = g_strdup (soup_message_headers_get_one (soup_message_get_request_headers (message),
                                                                    "Content-Type"));
      g_object_set_qdata_full (G_OBJECT (message), message_state_quark, state, message_state_free);
      g_signal_connect_object (message, "restarted",
                               G_CALLBACK (on_message_restarted), self, 0);
    }

  state->step = step;
  g_free (state->realm);
  state->realm = g_strdup (realm);
  if (body != NULL)
    {
      g_clear_pointer (&state->body, g_bytes_unref);
      state->body = g_bytes_ref (body);
    }

  /* A message signed in the query carries the old signature in its URL;
   * signing it again starts from the URL the application gave, unless the
   * application has pointed the message somewhere else since. */
  uri = soup_message_get_uri (message);
  if (uri != state->unsigned_uri &&
      (state->signed_uri == NULL || !soup_uri_equal (uri, state->signed_uri)))
    {
      g_clear_pointer (&state->unsigned_uri, g_uri_unref);
      state->unsigned_uri = g_uri_ref (uri);
    }

  return sign_message_now (self, message, state, state->unsigned_uri, FALSE, error);
}

static void
on_message_restarted (SoupMessage *message,
                      GrantOAuth1 *self)
{
  MessageState *state = message_state_get (message);
  g_autoptr(GrantOAuth1) signer = NULL;
  g_autoptr(GError) error = NULL;
  GUri *uri = soup_message_get_uri (message);

  if (state == NULL)
    return;
  signer = g_weak_ref_get (&state->signer);
  if (signer != self)
    return;

  if (!grant_uri_same_origin (uri, state->unsigned_uri))
    {
      /* libsoup already drops Authorization on a cross-origin redirect;
       * doing it here too keeps that true on any libsoup, and a body that
       * carried the signature goes on without it. */
      soup_message_headers_remove (soup_message_get_request_headers (message), "Authorization");
      if (self->placement == GRANT_OAUTH1_PLACEMENT_BODY && state->body != NULL &&
          grant_method_has_body (soup_message_get_method (message)))
        soup_message_set_request_body_from_bytes (message, state->content_type, state->body);
      return;
    }

  if (state->signed_uri != NULL && soup_uri_equal (uri, state->signed_uri))
    uri = state->unsigned_uri;

  /* The redirect is the server's doing, so a failure here is no reason
   * to warn: the request goes on without credentials and the server's
   * answer tells the application. */
  if (!sign_message_now (self, message, state, uri, TRUE, &error))
    {
      soup_message_headers_remove (soup_message_get_request_headers (message), "Authorization");
      g_debug ("Could not sign the redirected request again: %s", error->message);
    }
}

/**
 * grant_oauth1_sign_message:
 * @self: a `GrantOAuth1`
 * @message: the message to sign
 * @body: (nullable): the request body; it is set on @message, rewritten
 *   when the signature goes in the body
 * @error: return location for a #GError
 *
 * Signs @message for sending. libsoup 3 does not let anyone read a
 * message's body back, so a request with a body passes it here rather than
 * setting it on the message itself; a message whose body was set some
 * other way is signed as if it had none.
 *
 * If libsoup follows a redirect to the same origin, the message is signed
 * again for the new URL with a fresh nonce. A redirect to another origin
 * gets no credentials.
 *
 * Returns: %TRUE if @message was signed
 */
gboolean
grant_oauth1_sign_message (GrantOAuth1  *self,
                           SoupMessage  *message,
                           GBytes       *body,
                           GError      **error)
{
  g_return_val_if_fail (GRANT_IS_OAUTH1 (self), FALSE);
  g_return_val_if_fail (SOUP_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return grant_oauth1_sign_message_for_step (self, message, body, GRANT_OAUTH1_STEP_ANY, NULL, error);
}

static void
on_request_queued (SoupSession *session,
                   SoupMessage *message,
                   GrantOAuth1 *self)
{
  g_autoptr(GError) error = NULL;

  if (!grant_oauth1_sign_message_for_step (self, message, NULL, GRANT_OAUTH1_STEP_ANY, NULL, &error))
    g_warning ("Could not sign the request to %s: %s",
               g_uri_get_host (soup_message_get_uri (message)), error->message);
}

/**
 * grant_oauth1_attach:
 * @self: a `GrantOAuth1`
 * @session: a `SoupSession`
 *
 * Signs every message @session sends from now on, as it is queued, with a
 * fresh nonce each time it is sent.
 *
 * A form body can only be signed if Grant knows it: give it to
 * [method@OAuth1.sign_message] before sending (the message is then signed
 * again when queued, with that body).
 */
void
grant_oauth1_attach (GrantOAuth1 *self,
                     SoupSession *session)
{
  g_return_if_fail (GRANT_IS_OAUTH1 (self));
  g_return_if_fail (SOUP_IS_SESSION (session));

  grant_oauth1_detach (self, session);
  g_signal_connect_object (session, "request-queued",
                           G_CALLBACK (on_request_queued), self, 0);
}

/**
 * grant_oauth1_detach:
 * @self: a `GrantOAuth1`
 * @session: a `SoupSession`
 *
 * Stops signing the messages of a session given to [method@OAuth1.attach].
 */
void
grant_oauth1_detach (GrantOAuth1 *self,
                     SoupSession *session)
{
  g_return_if_fail (GRANT_IS_OAUTH1 (self));
  g_return_if_fail (SOUP_IS_SESSION (session));

  g_signal_handlers_disconnect_by_func (session, on_request_queued, self);
}

/**
 * grant_oauth1_signature_method_to_string:
 * @method: a signature method
 *
 * Gets the name of @method as it is sent in `oauth_signature_method`,
 * such as `HMAC-SHA1`.
 *
 * Returns: the wire name
 */
const char *
grant_oauth1_signature_method_to_string (GrantOAuth1SignatureMethod method)
{
  switch (method)
    {
    case GRANT_OAUTH1_SIGNATURE_HMAC_SHA1:
      return "HMAC-SHA1";
    case GRANT_OAUTH1_SIGNATURE_HMAC_SHA256:
      return "HMAC-SHA256";
    case GRANT_OAUTH1_SIGNATURE_HMAC_SHA512:
      return "HMAC-SHA512";
    case GRANT_OAUTH1_SIGNATURE_RSA_SHA1:
      return "RSA-SHA1";
    case GRANT_OAUTH1_SIGNATURE_RSA_SHA256:
      return "RSA-SHA256";
    case GRANT_OAUTH1_SIGNATURE_RSA_SHA512:
      return "RSA-SHA512";
    case GRANT_OAUTH1_SIGNATURE_PLAINTEXT:
      return "PLAINTEXT";
    default:
      return "unknown";
    }
}

/**
 * grant_oauth1_signature_method_from_string:
 * @name: a wire name such as `HMAC-SHA256` (case does not matter)
 * @method: (out): the signature method
 * @error: return location for a #GError
 *
 * Looks up a signature method by the name it has on the wire.
 *
 * Returns: %TRUE if @name is a method Grant supports
 */
gboolean
grant_oauth1_signature_method_from_string (const char                  *name,
                                           GrantOAuth1SignatureMethod  *method,
                                           GError                     **error)
{
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (method != NULL, FALSE);

  for (int m = GRANT_OAUTH1_SIGNATURE_HMAC_SHA1; m <= GRANT_OAUTH1_SIGNATURE_PLAINTEXT; m++)
    {
      if (g_ascii_strcasecmp (name, grant_oauth1_signature_method_to_string (m)) == 0)
        {
          *method = m;
          return TRUE;
        }
    }

  g_set_error (error, GRANT_ERROR, GRANT_ERROR_UNSUPPORTED_METHOD,
               "“%s” is not an OAuth 1 signature method Grant supports; use one of "
               "HMAC-SHA1, HMAC-SHA256, HMAC-SHA512, RSA-SHA1, RSA-SHA256, "
               "RSA-SHA512 or PLAINTEXT", name);
  return FALSE;
}
