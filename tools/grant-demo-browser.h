/* grant-demo-browser.h: plays the user's browser against the local providers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char        *grant_demo_browser_authorize (const char   *authorization_url,
                                           const char   *redirect_prefix,
                                           const char   *login,
                                           GError      **error);

GSubprocess *grant_demo_server_start      (const char * const *argv,
                                           char              **url,
                                           GError            **error);
void         grant_demo_server_stop       (GSubprocess        *server);

G_END_DECLS
