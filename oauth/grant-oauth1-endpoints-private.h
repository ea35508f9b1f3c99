/* grant-oauth1-endpoints-private.h: what a signer learnt of the URLs it signed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GrantOAuth1Endpoints GrantOAuth1Endpoints;

GrantOAuth1Endpoints *grant_oauth1_endpoints_new      (void);
void                  grant_oauth1_endpoints_free     (GrantOAuth1Endpoints *endpoints);
gboolean              grant_oauth1_endpoints_lookup   (GrantOAuth1Endpoints *endpoints,
                                                       const char           *prefix,
                                                       gsize                 prefix_len,
                                                       GString              *out);
void                  grant_oauth1_endpoints_remember (GrantOAuth1Endpoints *endpoints,
                                                       const char           *prefix,
                                                       gsize                 prefix_len,
                                                       const char           *base_string_uri,
                                                       gsize                 base_string_uri_len);

G_END_DECLS
