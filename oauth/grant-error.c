/* grant-error.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "grant-error.h"

G_DEFINE_QUARK (grant-error-quark, grant_error)
