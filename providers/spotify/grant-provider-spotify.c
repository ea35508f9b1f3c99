/* grant-provider-spotify.c: Spotify
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>

#include "grant.h"

/*
 * The Spotify Web API: authorization code with PKCE S256, scopes
 * space-separated, refresh tokens (sometimes rotated). Spotify follows RFC
 * 6749 closely enough that no compliance fix is needed: its token
 * endpoint answers JSON with `"token_type": "Bearer"`, errors carry an
 * HTTP error status and an `error`, and a refresh that returns no new
 * refresh token keeps the old one (Grant does that for every provider).
 *
 * Client authentication: a confidential client sends its id and secret in
 * HTTP Basic (what Spotify documents); a public client — a desktop app,
 * which has no secret to keep — sends only `client_id` in the body with
 * its PKCE verifier and no Authorization header, as Spotify's PKCE flow
 * documents. A session made without a client secret is set up that way.
 */

#define GRANT_TYPE_PROVIDER_SPOTIFY (grant_provider_spotify_get_type ())
G_DECLARE_FINAL_TYPE (GrantProviderSpotify, grant_provider_spotify, GRANT, PROVIDER_SPOTIFY, GrantProvider)

struct _GrantProviderSpotify
{
  GrantProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (GrantProviderSpotify, grant_provider_spotify, GRANT_TYPE_PROVIDER)

static void
grant_provider_spotify_constructed (GObject *object)
{
  const char *scopes[] = { "user-read-private", "user-read-email", NULL };

  G_OBJECT_CLASS (grant_provider_spotify_parent_class)->constructed (object);

  g_object_set (object,
                "id", "spotify",
                "display-name", "Spotify",
                "protocols", GRANT_PROVIDER_PROTOCOLS_OAUTH2,
                "authorization-url", "https://accounts.spotify.com/authorize",
                "token-url", "https://accounts.spotify.com/api/token",
                "userinfo-url", "https://api.spotify.com/v1/me",
                "default-scopes", scopes,
                "scope-separator", " ",
                "client-auth", GRANT_CLIENT_AUTH_BASIC,
                "pkce-method", GRANT_PKCE_METHOD_S256,
                "token-placement", GRANT_TOKEN_PLACEMENT_HEADER,
                "documentation-url", "https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow",
                NULL);
}

static void
grant_provider_spotify_class_init (GrantProviderSpotifyClass *klass)
{
  G_OBJECT_CLASS (klass)->constructed = grant_provider_spotify_constructed;
}

static void
grant_provider_spotify_init (GrantProviderSpotify *self)
{
}

GRANT_PROVIDER_DEFINE_MODULE (GRANT_TYPE_PROVIDER_SPOTIFY, "spotify", 10)
