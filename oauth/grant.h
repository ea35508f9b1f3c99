/* grant.h: the one header applications include
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define _GRANT_INSIDE

#include <glib-object.h>
#include <libsoup/soup.h>

#include "grant-version.h"
#include "grant-enum-types.h"
#include "grant-error.h"
#include "grant-oauth1.h"
#include "grant-oauth1-session.h"
#include "grant-oauth2.h"
#include "grant-oauth2-session.h"
#include "grant-request.h"
#include "grant-response.h"
#include "grant-token.h"
#include "grant-token-store.h"
#include "grant-memory-store.h"
#include "grant-file-store.h"
#include "grant-secret-store.h"
#include "grant-provider.h"
#include "grant-provider-registry.h"

#undef _GRANT_INSIDE
