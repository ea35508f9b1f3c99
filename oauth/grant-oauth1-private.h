/* grant-oauth1-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "grant-oauth1.h"

G_BEGIN_DECLS

/*
 * Which credentials a request carries. A bare GrantOAuth1 sends whatever
 * is set, as requests-oauthlib's OAuth1 does; a session knows which step
 * of the dance it is on and sends oauth_callback only to the request-token
 * endpoint and oauth_verifier only to the access-token endpoint.
 */
typedef enum {
  GRANT_OAUTH1_STEP_ANY,
  GRANT_OAUTH1_STEP_REQUEST_TOKEN,
  GRANT_OAUTH1_STEP_ACCESS_TOKEN,
  GRANT_OAUTH1_STEP_RESOURCE,
} GrantOAuth1Step;

gboolean grant_oauth1_sign_message_for_step (GrantOAuth1      *self,
                                             SoupMessage      *message,
                                             GBytes           *body,
                                             GrantOAuth1Step   step,
                                             const char       *realm,
                                             GError          **error);

G_END_DECLS
