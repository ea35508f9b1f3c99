#!/usr/bin/env node
// OAuth 2.0 / OpenID Connect test server for Grant's tests, `grant demo`
// and benchmarks, built on node-oidc-provider (pinned in package.json).
//
//   cd tests/servers/oidc-provider && npm ci        # once
//   node tests/servers/oidc-provider/server.mjs [--port N] [--exit-on-stdin-eof]
//        [--access-token-ttl SECONDS] [--device-interval SECONDS]
//        [--device-slow-down] [--token-delay-ms MS] [--lenient-client-auth]
//        [--quiet]
//
// It binds 127.0.0.1 only (--port 0, the default, picks a free port).  Once
// listening it prints exactly one line, `READY http://127.0.0.1:PORT`, to
// stdout and flushes it; that URL is also the issuer.  Everything else goes
// to stderr.  It exits with status 0 on SIGTERM/SIGINT, and on EOF of stdin
// when --exit-on-stdin-eof is given.
//
// Clients (redirect URIs http://127.0.0.1/callback and
// http://127.0.0.1:8765/callback; the code clients are application_type
// "native", so any port on a loopback redirect URI is accepted, RFC 8252 7.3)
//   confidential-basic  secret basic-secret   client_secret_basic
//                       authorization_code + refresh_token
//   confidential-post   secret post-secret    client_secret_post
//                       authorization_code + refresh_token
//   public-pkce         no secret (auth method none), PKCE (S256) required
//                       authorization_code + refresh_token
//   backend             secret backend-secret client_secret_basic
//                       client_credentials only, scope api:read
//   device              no secret (auth method none)
//                       urn:ietf:params:oauth:grant-type:device_code + refresh_token
//
// Scopes: openid offline_access profile email api:read (oidc-provider drops
// offline_access from an /auth request unless it has prompt=consent).
// Refresh tokens are issued to every client allowed the refresh_token grant,
// with or without offline_access, do not end with the login session, and
// are rotated on every use.  Presenting a used authorization code, device
// code or rotated refresh token gives invalid_grant AND revokes the whole
// grant (every access and refresh token descended from it).
// PKCE: S256 only (oidc-provider >= 8 has no `plain`); required for clients
// with auth method none, checked for confidential clients that send it.
// Client authentication: unlike stock oidc-provider, a confidential client
// must use its registered method (client_secret_basic vs client_secret_post),
// else 401 invalid_client; --lenient-client-auth accepts either.
//
// Interactions (devInteractions, no browser needed; keep cookies, do not
// auto-follow redirects, resolve relative Location headers):
//   GET  /auth?...                 303 -> /interaction/UID
//   GET  /interaction/UID          200 HTML login (or consent) form
//   POST /interaction/UID          prompt=login&login=NAME&password=ANY -> 303 /auth/UID
//   GET  /auth/UID                 303 -> /interaction/UID2 (consent)
//   GET  /interaction/UID2         200 HTML consent form
//   POST /interaction/UID2         prompt=consent -> 303 /auth/UID2
//   GET  /auth/UID2                303 -> REDIRECT_URI?code=...&state=...&iss=ISSUER
// Native clients are asked for consent on every authorization; login is
// skipped while the _session cookie is valid (unless prompt=login).
// GET /interaction/UID/abort ends in REDIRECT_URI?error=access_denied&...
// Device flow approval: GET /device (HTML form with hidden xsrf, sets
// _session), POST /device xsrf&user_code -> confirm page, POST /device
// xsrf&user_code&confirm=yes (or abort=yes) -> 303 /interaction/UID, then
// login and consent as above, ending with GET /device/UID -> 200 success page.
// The device authorization response has no `interval` (RFC 8628: clients use
// 5 s) unless --device-interval is given; --device-slow-down answers
// slow_down to polls that come sooner than that interval (default 5 s).
// --token-delay-ms delays every POST /token (to make refresh storms overlap).
//
// Endpoints besides the standard ones listed in
// /.well-known/openid-configuration (/auth, /token, /device/auth, /device,
// /token/revocation, /token/introspection, /me, /jwks, /request, ...):
//   GET  /api/me            protected resource: Authorization: Bearer AT
//                           200 {"sub","client_id","scope","expires_in"} (sub
//                           is null for client credentials tokens); no
//                           token: 401 `WWW-Authenticate: Bearer`; unknown,
//                           expired or revoked token: 401
//                           `Bearer error="invalid_token", error_description=...`
//   GET  /api/scope/NAME    the same, but also needs scope NAME, else 403
//                           `Bearer error="insufficient_scope", scope="NAME"`
//   GET  /stats             JSON counters: token_requests / token_success per
//                           grant_type, token_errors per grant_type and error,
//                           routes (provider route name -> requests), api_me
//                           (HTTP status -> count)
//   POST /stats/reset       zero the counters (204)

import * as fs from 'node:fs';
import * as http from 'node:http';
import { parseArgs } from 'node:util';

// oidc-provider prints its notices with console.info, i.e. to stdout; stdout
// is reserved for the READY line, so send console.log/info to stderr before
// the library is loaded (it is imported dynamically below for that reason).
console.log = console.error;
console.info = console.error;

const USAGE = `usage: node server.mjs [--port N] [--exit-on-stdin-eof]
       [--access-token-ttl SECONDS] [--device-interval SECONDS]
       [--device-slow-down] [--token-delay-ms MS] [--lenient-client-auth]
       [--quiet]`;

function die(msg) {
  process.stderr.write(`oidc-provider-server: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'exit-on-stdin-eof': { type: 'boolean', default: false },
      'access-token-ttl': { type: 'string', default: '60' },
      'device-interval': { type: 'string' },
      'device-slow-down': { type: 'boolean', default: false },
      'token-delay-ms': { type: 'string', default: '0' },
      'lenient-client-auth': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (err) {
  die(err.message);
}
if (opts.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

function intOption(name, min) {
  const raw = opts[name];
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min) die(`--${name} needs an integer >= ${min}`);
  return Number(raw);
}

const PORT = intOption('port', 0);
if (PORT > 65535) die('--port out of range');
const ACCESS_TOKEN_TTL = intOption('access-token-ttl', 1);
const DEVICE_INTERVAL = intOption('device-interval', 1);
const TOKEN_DELAY_MS = intOption('token-delay-ms', 0);
const QUIET = opts.quiet;

const { default: Provider, errors } = await import('oidc-provider');

function log(msg) {
  if (!QUIET) process.stderr.write(`oidc-provider-server: ${msg}\n`);
}

// ---------------------------------------------------------------------------
// Listen first: the issuer must carry the real port.
// ---------------------------------------------------------------------------

let handler = (req, res) => { res.statusCode = 503; res.end(); };
const server = http.createServer((req, res) => handler(req, res));
server.keepAliveTimeout = 5000;

await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(PORT, '127.0.0.1', () => {
    server.off('error', reject);
    resolve();
  });
}).catch((err) => {
  process.stderr.write(`oidc-provider-server: cannot listen on 127.0.0.1:${PORT}: ${err.message}\n`);
  process.exit(1);
});

const { port } = server.address();
const ISSUER = `http://127.0.0.1:${port}`;

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

const REDIRECT_URIS = ['http://127.0.0.1/callback', 'http://127.0.0.1:8765/callback'];
const CODE_GRANTS = ['authorization_code', 'refresh_token'];
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

const clients = [
  {
    client_id: 'confidential-basic',
    client_secret: 'basic-secret',
    token_endpoint_auth_method: 'client_secret_basic',
    application_type: 'native',
    grant_types: CODE_GRANTS,
    response_types: ['code'],
    redirect_uris: REDIRECT_URIS,
  },
  {
    client_id: 'confidential-post',
    client_secret: 'post-secret',
    token_endpoint_auth_method: 'client_secret_post',
    application_type: 'native',
    grant_types: CODE_GRANTS,
    response_types: ['code'],
    redirect_uris: REDIRECT_URIS,
  },
  {
    client_id: 'public-pkce',
    token_endpoint_auth_method: 'none',
    application_type: 'native',
    grant_types: CODE_GRANTS,
    response_types: ['code'],
    redirect_uris: REDIRECT_URIS,
  },
  {
    client_id: 'backend',
    client_secret: 'backend-secret',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: 'api:read',
  },
  {
    client_id: 'device',
    token_endpoint_auth_method: 'none',
    application_type: 'native',
    grant_types: [DEVICE_GRANT, 'refresh_token'],
    response_types: [],
    redirect_uris: [],
  },
];

// A fixed test key, made once for these tests and worthless anywhere
// else. Generating one at start-up and exporting it as a JWK can deadlock
// node 20 (seen here once: the garbage collector finalised the
// key-generation job, which takes the lock ExportJWK was holding, and the
// server stopped answering while the demo waited on it).
const signingKey = JSON.parse(
  fs.readFileSync(new URL('./test-signing-key.jwk.json', import.meta.url), 'utf8'));

const htmlEscape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const configuration = {
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: ['grant-test-cookie-key-do-not-use-in-production'] },
  responseTypes: ['code'],
  scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          name: id.charAt(0).toUpperCase() + id.slice(1),
          preferred_username: id,
          email: `${id}@example.test`,
          email_verified: true,
        };
      },
    };
  },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true },
    revocation: { enabled: true, allowedPolicy: revocationAllowed },
    introspection: { enabled: true, allowedPolicy: introspectionAllowed },
    // Not needed for opaque client-credentials tokens (they are opaque
    // without it too); enabled so that an RFC 8707 `resource` parameter is
    // accepted instead of answered with invalid_target.
    resourceIndicators: {
      enabled: true,
      defaultResource: async (ctx, client, oneOf) => oneOf,
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({
        scope: 'api:read',
        accessTokenFormat: 'opaque',
        accessTokenTTL: ACCESS_TOKEN_TTL,
      }),
    },
  },
  pkce: {
    // S256 only: oidc-provider >= 8 has no `plain` (and no pkce.methods).
    required: (ctx, client) => client.clientAuthMethod === 'none',
  },
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  // Tokens outlive the login session, with or without offline_access (which
  // oidc-provider drops from /auth requests that lack prompt=consent).
  expiresWithSession: async () => false,
  rotateRefreshToken: true,
  ttl: {
    AccessToken: () => ACCESS_TOKEN_TTL,
    ClientCredentials: () => ACCESS_TOKEN_TTL,
    AuthorizationCode: () => 60,
    DeviceCode: () => 600,
    IdToken: () => 3600,
    RefreshToken: () => 14 * 24 * 3600,
    Interaction: () => 3600,
    Session: () => 14 * 24 * 3600,
    Grant: () => 14 * 24 * 3600,
    BackchannelAuthenticationRequest: () => 600,
  },
  clientBasedCORS: () => false,
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html>\n<html><head><title>error</title></head><body>\n${
      Object.entries(out).map(([k, v]) => `<pre id="${htmlEscape(k)}">${htmlEscape(k)}: ${htmlEscape(v)}</pre>`).join('\n')
    }\n</body></html>\n`;
  },
};

async function revocationAllowed(ctx, client, token) {
  if (token.clientId !== client.clientId) {
    if (client.clientAuthMethod === 'none') return false;
    throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
  }
  return true;
}

async function introspectionAllowed(ctx, client, token) {
  return !(client.clientAuthMethod === 'none' && token.clientId !== ctx.oidc.client.clientId);
}

const provider = new Provider(ISSUER, configuration);

// ---------------------------------------------------------------------------
// Counters
// ---------------------------------------------------------------------------

function emptyStats() {
  return {
    started_at: new Date().toISOString(),
    token_requests: {}, // grant_type -> POST /token requests
    token_success: {}, // grant_type -> 200 answers
    token_errors: {}, // grant_type -> { error code -> count }
    routes: {}, // route name ("authorization", "revocation", ...) -> requests
    api_me: {}, // HTTP status -> count (/api/me and /api/scope/*)
  };
}
let stats = emptyStats();
const inc = (obj, key, by = 1) => { obj[key] = (obj[key] || 0) + by; };

// ---------------------------------------------------------------------------
// Middleware running before the provider's own routes
// ---------------------------------------------------------------------------

// Endpoints that authenticate clients.  Their form bodies are read here, before
// the provider sees them (it then uses ctx.request.body, and logs a one-time
// warning about an upstream body parser), so that grant types are counted
// even for requests the provider rejects early and so that the registered
// client authentication method can be enforced.
const CLIENT_AUTH_PATHS = new Set(['/token', '/token/revocation', '/token/introspection',
  '/device/auth', '/request']);
const BODY_LIMIT = 56 * 1024;
const clientsById = new Map(clients.map((c) => [c.client_id, c]));

async function readForm(ctx) {
  const chunks = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += chunk.length;
    if (size > BODY_LIMIT) ctx.throw(413, 'request entity too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  ctx.request.body = text;
  return new URLSearchParams(text);
}

function formDecode(s) {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

// oidc-provider accepts client_secret_basic and client_secret_post
// interchangeably for clients registered with either; a test server should
// notice a client using the wrong one.  Returns an error description or null.
function wrongAuthMethod(ctx, form) {
  let clientId = form.get('client_id') ?? undefined;
  let used = 'none';
  if (form.has('client_secret')) used = 'client_secret_post';
  else if (form.has('client_assertion')) used = 'jwt';
  const auth = ctx.get('authorization');
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
  if (m && used === 'none') {
    used = 'client_secret_basic';
    const creds = Buffer.from(m[1], 'base64').toString('utf8');
    const i = creds.indexOf(':');
    try {
      if (i >= 0) clientId = formDecode(creds.slice(0, i));
    } catch {
      return null; // let the provider report the malformed header
    }
  }
  const client = clientsById.get(clientId);
  if (!client) return null;
  const want = client.token_endpoint_auth_method;
  if ((want === 'client_secret_basic' || want === 'client_secret_post') && used !== want) {
    return `client ${clientId} must authenticate with ${want}, not ${used}`;
  }
  return null;
}

const lastPoll = new Map(); // device_code -> ms of the last poll (--device-slow-down)
const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });

function sendJSON(ctx, status, body) {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'application/json';
  ctx.body = body;
}

async function findBearer(token) {
  return (await provider.AccessToken.find(token)) || (await provider.ClientCredentials.find(token));
}

async function resource(ctx, needScope) {
  const auth = ctx.get('authorization');
  const m = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(auth);
  const status = (s) => { inc(stats.api_me, String(s)); };
  if (!auth) {
    ctx.set('WWW-Authenticate', 'Bearer');
    sendJSON(ctx, 401, { error: 'unauthorized', error_description: 'no access token' });
    status(401);
    return;
  }
  if (!m) {
    ctx.set('WWW-Authenticate', 'Bearer error="invalid_request", error_description="malformed Authorization header"');
    sendJSON(ctx, 400, { error: 'invalid_request', error_description: 'malformed Authorization header' });
    status(400);
    return;
  }
  let token;
  try {
    token = await findBearer(m[1]);
  } catch {
    token = undefined;
  }
  if (!token || token.isExpired) {
    ctx.set('WWW-Authenticate', 'Bearer error="invalid_token", error_description="invalid, expired or revoked access token"');
    sendJSON(ctx, 401, { error: 'invalid_token', error_description: 'invalid, expired or revoked access token' });
    status(401);
    return;
  }
  const scope = token.scope || '';
  if (needScope && !scope.split(' ').includes(needScope)) {
    ctx.set('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${needScope}"`);
    sendJSON(ctx, 403, { error: 'insufficient_scope', scope: needScope });
    status(403);
    return;
  }
  sendJSON(ctx, 200, {
    sub: token.accountId ?? null,
    client_id: token.clientId,
    scope,
    expires_in: token.remainingTTL,
  });
  status(200);
}

provider.use(async (ctx, next) => {
  const started = Date.now();
  try {
    const { path, method } = ctx;
    if (path === '/api/me' && (method === 'GET' || method === 'POST')) {
      await resource(ctx, undefined);
      return;
    }
    if (path.startsWith('/api/scope/') && (method === 'GET' || method === 'POST')) {
      await resource(ctx, decodeURIComponent(path.slice('/api/scope/'.length)));
      return;
    }
    if (path === '/stats' && method === 'GET') {
      sendJSON(ctx, 200, stats);
      return;
    }
    if (path === '/stats/reset' && method === 'POST') {
      stats = emptyStats();
      ctx.status = 204;
      return;
    }

    const isToken = path === '/token' && method === 'POST';
    let form;
    if (method === 'POST' && CLIENT_AUTH_PATHS.has(path) && ctx.is('application/x-www-form-urlencoded')) {
      form = await readForm(ctx);
    }
    const gt = isToken ? (form?.get('grant_type') || '(none)') : undefined;
    if (isToken) inc(stats.token_requests, gt);

    if (form && !opts['lenient-client-auth']) {
      const why = wrongAuthMethod(ctx, form);
      if (why) {
        log(`invalid_client: ${why}`);
        if (ctx.get('authorization')) {
          ctx.set('WWW-Authenticate', `Basic realm="${ISSUER}", error="invalid_client", error_description="client authentication failed"`);
        }
        sendJSON(ctx, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
        inc(stats.routes, 'client_auth_method_mismatch');
        if (isToken) {
          stats.token_errors[gt] ||= {};
          inc(stats.token_errors[gt], 'invalid_client');
        }
        return;
      }
    }

    if (isToken && TOKEN_DELAY_MS) await sleep(TOKEN_DELAY_MS);

    await next();

    const route = ctx.oidc?.route;
    if (route) inc(stats.routes, route);

    if (isToken) {
      if (opts['device-slow-down'] && gt === DEVICE_GRANT && ctx.status === 400
          && ctx.body?.error === 'authorization_pending') {
        const dc = form?.get('device_code');
        const now = Date.now();
        const prev = lastPoll.get(dc);
        lastPoll.set(dc, now);
        if (prev !== undefined && now - prev < (DEVICE_INTERVAL ?? 5) * 1000 - 250) {
          ctx.body = { error: 'slow_down', error_description: 'you are polling too quickly and should back off at a reasonable rate' };
        }
      }
      if (ctx.status === 200) inc(stats.token_success, gt);
      else {
        stats.token_errors[gt] ||= {};
        inc(stats.token_errors[gt], ctx.body?.error || String(ctx.status));
      }
    }

    if (route === 'device_authorization' && ctx.status === 200
        && DEVICE_INTERVAL !== undefined && ctx.body && typeof ctx.body === 'object') {
      ctx.body.interval = DEVICE_INTERVAL;
    }
  } finally {
    if (!QUIET) {
      log(`${ctx.method} ${ctx.originalUrl} -> ${ctx.status} (${Date.now() - started} ms)`);
    }
  }
});

provider.on('server_error', (ctx, err) => {
  process.stderr.write(`oidc-provider-server: server_error: ${err?.stack || err}\n`);
});
for (const ev of ['grant.error', 'authorization.error', 'introspection.error', 'revocation.error',
  'device_authorization.error', 'code_verification.error', 'userinfo.error']) {
  provider.on(ev, (ctx, err) => {
    log(`${ev}: ${err?.error || err?.name}: ${err?.error_description || err?.message}`
        + `${err?.error_detail ? ` (${err.error_detail})` : ''}`);
  });
}

handler = provider.callback();

// ---------------------------------------------------------------------------
// Ready; shutdown
// ---------------------------------------------------------------------------

let stopping = false;
function stop(why) {
  if (stopping) return;
  stopping = true;
  log(`stopping (${why})`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
if (opts['exit-on-stdin-eof']) {
  process.stdin.on('end', () => stop('stdin EOF'));
  process.stdin.on('close', () => stop('stdin closed'));
  process.stdin.on('error', () => stop('stdin error'));
  process.stdin.on('data', () => {});
  process.stdin.resume();
}

process.stdout.write(`READY ${ISSUER}\n`);
log(`listening on ${ISSUER} (issuer ${ISSUER}, access token TTL ${ACCESS_TOKEN_TTL} s)`);
