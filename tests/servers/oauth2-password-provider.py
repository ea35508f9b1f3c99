#!/usr/bin/python3
"""An OAuth 2.0 password-grant provider for Grant's tests and demos.

Built on Debian's python3-oauthlib (3.2.2) server endpoints: the resource
owner password credentials grant (RFC 6749 4.3), refresh tokens with rotation
(6), client credentials (4.4), a bearer-protected resource (RFC 6750),
revocation (RFC 7009) and introspection (RFC 7662).  Always run it with the
system interpreter:

    /usr/bin/python3 tests/servers/oauth2-password-provider.py [--port N]
                     [--exit-on-stdin-eof] [--expires-in SECONDS]
                     [--token-delay-ms MS] [--quiet]

It binds 127.0.0.1 only.  Once listening it prints exactly one line,
``READY http://127.0.0.1:PORT``, to stdout and flushes it; everything else
(request log, failure diagnostics) goes to stderr.  It exits with status 0
on SIGTERM/SIGINT, and on EOF of stdin when --exit-on-stdin-eof is given.
Plain http is allowed (OAUTHLIB_INSECURE_TRANSPORT=1 is set in this
process's own environment).

Registered client
    ``legacy-client``, secret ``legacy-secret``, grant types password,
    refresh_token and client_credentials.  It authenticates with HTTP Basic
    (RFC 6749 2.3.1: form-urlencoded id and secret, base64) or with
    client_id + client_secret in the form body, not both at once.

Resource owner
    ``alice``, password ``wonderland``.

Scopes
    ``read write profile api:read``; with no ``scope`` parameter a token
    gets ``read profile``.  A refresh may narrow the scope, never widen it.

Tokens
    Opaque bearer tokens.  Access tokens live --expires-in seconds (default
    3600; the token response's expires_in says the same).  Refresh tokens do
    not expire and are rotated on every use: a refresh answers with a new
    refresh token and the old one stops working.  Presenting a rotated
    (already used) refresh token gives 400 invalid_grant and revokes every
    token descended from the same password grant (reuse detection).  Client
    credentials tokens come without a refresh token.

Endpoints
    POST /token             grant_type password | refresh_token |
                            client_credentials.  Errors are RFC 6749 5.2 JSON;
                            invalid_client is 401 with a WWW-Authenticate
                            challenge for the scheme the client used (Basic
                            when it sent Basic, else Bearer as oauthlib does).
    POST /revoke            RFC 7009 (token, token_type_hint); client auth as
                            above.  200 with an empty body.
    POST /introspect        RFC 7662; client auth as above.
    GET  /api/me            protected resource (Authorization: Bearer AT)
                            -> 200 {"user", "scopes", "client_id",
                            "expires_in"} (user is null for client
                            credentials tokens); no token -> 401
                            ``WWW-Authenticate: Bearer``; unknown, expired or
                            revoked token -> 401 ``Bearer
                            error="invalid_token"``.
    GET  /api/scope/NAME    the same, but also needs scope NAME, else 403
                            ``Bearer error="insufficient_scope", scope="NAME"``
    GET  /.well-known/oauth-authorization-server
                            RFC 8414 metadata
    GET  /stats             JSON: token requests per grant_type, successes,
                            errors per grant_type and error code, requests per
                            endpoint, /api statuses.
    POST /stats/reset       zero the counters (204)
"""

import os

# oauthlib refuses plain-http URIs unless this is set; this process only.
os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"

import argparse  # noqa: E402
import base64  # noqa: E402
import binascii  # noqa: E402
import json  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402

try:
    from oauthlib.common import safe_string_equals
    from oauthlib.oauth2 import (
        BearerToken, ClientCredentialsGrant, IntrospectEndpoint,
        RefreshTokenGrant, RequestValidator, ResourceEndpoint,
        ResourceOwnerPasswordCredentialsGrant, RevocationEndpoint,
        TokenEndpoint,
    )
except ImportError as exc:  # pragma: no cover - environment problem
    sys.stderr.write(
        "oauth2-password-provider: cannot import oauthlib (%s).\n"
        "Run it with /usr/bin/python3 and install the Debian package "
        "python3-oauthlib.\n" % exc)
    sys.exit(2)

CLIENT_ID = "legacy-client"
CLIENT_SECRET = "legacy-secret"
USERS = {"alice": "wonderland"}
ALL_SCOPES = ("read", "write", "profile", "api:read")
DEFAULT_SCOPES = ["read", "profile"]
GRANT_TYPES = ("password", "refresh_token", "client_credentials")


class Client:
    def __init__(self, client_id, secret, grant_types):
        self.client_id = client_id
        self.secret = secret
        self.grant_types = tuple(grant_types)


# --------------------------------------------------------------------------
# Validator: in-memory storage, guarded by one lock.
# --------------------------------------------------------------------------

class Validator(RequestValidator):

    def __init__(self):
        super().__init__()
        self.lock = threading.RLock()
        self.clients = {
            CLIENT_ID: Client(CLIENT_ID, CLIENT_SECRET, GRANT_TYPES),
        }
        self.access_tokens = {}    # token -> dict
        self.refresh_tokens = {}   # token -> dict
        self.next_family = 1
        self.ctx = threading.local()   # per-request notes for the log

    def note(self, text):
        notes = getattr(self.ctx, "notes", None)
        if notes is None:
            notes = self.ctx.notes = []
        notes.append(text)

    # ---- client authentication --------------------------------------------

    @staticmethod
    def basic_credentials(request):
        """(client_id, secret) from an Authorization: Basic header, None if
        there is none, False if it is malformed."""
        auth = (request.headers or {}).get("Authorization", "")
        if not auth:
            return None
        scheme, _, value = auth.strip().partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        if ":" not in decoded:
            return False
        cid, _, secret = decoded.partition(":")
        # RFC 6749 2.3.1: both are application/x-www-form-urlencoded first.
        return (urllib.parse.unquote_plus(cid),
                urllib.parse.unquote_plus(secret))

    def client_authentication_required(self, request, *args, **kwargs):
        return True

    def authenticate_client(self, request, *args, **kwargs):
        basic = self.basic_credentials(request)
        body_secret = request.client_secret
        if basic is False:
            self.note("malformed Basic credentials")
            return False
        if basic and body_secret is not None:
            self.note("client credentials both in Basic header and body")
            return False
        if basic:
            cid, secret = basic
            if request.client_id is not None and request.client_id != cid:
                self.note("client_id in body differs from Basic user")
                return False
            method = "client_secret_basic"
        elif body_secret is not None:
            cid, secret = request.client_id, body_secret
            method = "client_secret_post"
        else:
            self.note("no client authentication")
            return False
        with self.lock:
            client = self.clients.get(cid)
        if client is None:
            self.note("unknown client %r" % (cid,))
            return False
        if not safe_string_equals(secret, client.secret):
            self.note("wrong secret for %r" % (cid,))
            return False
        request.client = client
        request.client_id = cid
        request.client_auth_method = method
        return True

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        return False     # no public clients

    def validate_client_id(self, client_id, request, *args, **kwargs):
        with self.lock:
            return client_id in self.clients

    def validate_grant_type(self, client_id, grant_type, client, request,
                            *args, **kwargs):
        ok = grant_type in client.grant_types
        if not ok:
            self.note("grant type %s not allowed" % grant_type)
        return ok

    # ---- scopes and users -------------------------------------------------

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        return list(DEFAULT_SCOPES)

    def validate_scopes(self, client_id, scopes, client, request,
                        *args, **kwargs):
        ok = all(s in ALL_SCOPES for s in scopes)
        if not ok:
            self.note("unknown scope in %r" % (scopes,))
        return ok

    def validate_user(self, username, password, client, request,
                      *args, **kwargs):
        expected = USERS.get(username)
        if expected is None or not safe_string_equals(password, expected):
            self.note("bad username or password for %r" % (username,))
            return False
        request.user = username
        return True

    # ---- tokens -------------------------------------------------------------

    def save_bearer_token(self, token, request, *args, **kwargs):
        now = time.time()
        with self.lock:
            family = None
            old_rt = None
            if request.grant_type == "refresh_token":
                old_rt = self.refresh_tokens.get(request.refresh_token)
            if old_rt is not None:
                family = old_rt["family"]
                old_rt["used"] = True          # rotation
                old_rt["used_at"] = now
                user = old_rt["user"]
            else:
                family = self.next_family
                self.next_family += 1
                user = getattr(request, "user", None)
            scopes = list(request.scopes or [])
            self.access_tokens[token["access_token"]] = {
                "client_id": request.client_id,
                "user": user,
                "scopes": scopes,
                "expires_at": now + float(token["expires_in"]),
                "family": family,
                "grant_type": request.grant_type,
            }
            rt = token.get("refresh_token")
            if rt and rt != request.refresh_token:
                self.refresh_tokens[rt] = {
                    "client_id": request.client_id,
                    "user": user,
                    "scopes": scopes,
                    "family": family,
                    "used": False,
                    "issued_at": now,
                }

    def validate_refresh_token(self, refresh_token, client, request,
                               *args, **kwargs):
        with self.lock:
            rt = self.refresh_tokens.get(refresh_token)
            if rt is None:
                self.note("unknown refresh token")
                return False
            if rt["client_id"] != client.client_id:
                self.note("refresh token belongs to another client")
                return False
            if rt["used"]:
                self.note("refresh token already used: revoking its family")
                self.revoke_family(rt["family"])
                return False
            request.user = rt["user"]
            return True

    def get_original_scopes(self, refresh_token, request, *args, **kwargs):
        with self.lock:
            return list(self.refresh_tokens[refresh_token]["scopes"])

    def is_within_original_scope(self, request_scopes, refresh_token, request,
                                 *args, **kwargs):
        return False

    def rotate_refresh_token(self, request):
        return True

    def revoke_family(self, family):
        with self.lock:
            for store in (self.access_tokens, self.refresh_tokens):
                for tok in [t for t, v in store.items()
                            if v["family"] == family]:
                    del store[tok]

    def validate_bearer_token(self, token, scopes, request):
        if not token:
            return False
        with self.lock:
            at = self.access_tokens.get(token)
            if at is None:
                self.note("unknown access token")
                return False
            if at["expires_at"] <= time.time():
                self.note("expired access token")
                return False
            if scopes and not all(s in at["scopes"] for s in scopes):
                self.note("insufficient scope")
                return False
            request.user = at["user"]
            request.scopes = list(at["scopes"])
            request.client_id = at["client_id"]
            request.access_token_info = dict(at)
            return True

    # ---- revocation / introspection -----------------------------------------

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs):
        with self.lock:
            at = self.access_tokens.get(token)
            if at is not None and at["client_id"] == request.client_id:
                del self.access_tokens[token]
                return
            rt = self.refresh_tokens.get(token)
            if rt is not None and rt["client_id"] == request.client_id:
                # A refresh token takes its whole grant with it (RFC 7009 2.1).
                self.revoke_family(rt["family"])

    def introspect_token(self, token, token_type_hint, request,
                         *args, **kwargs):
        now = time.time()
        with self.lock:
            at = self.access_tokens.get(token)
            if at is not None and at["expires_at"] > now:
                return {
                    "client_id": at["client_id"],
                    "username": at["user"],
                    "scope": " ".join(at["scopes"]),
                    "exp": int(at["expires_at"]),
                    "token_type": "Bearer",
                }
            rt = self.refresh_tokens.get(token)
            if rt is not None and not rt["used"]:
                return {
                    "client_id": rt["client_id"],
                    "username": rt["user"],
                    "scope": " ".join(rt["scopes"]),
                    "token_type": "refresh_token",
                }
            return None


class Server(TokenEndpoint, ResourceEndpoint, RevocationEndpoint,
             IntrospectEndpoint):
    """Password + refresh + client credentials, like oauthlib's
    LegacyApplicationServer and BackendApplicationServer together."""

    def __init__(self, validator, expires_in):
        bearer = BearerToken(validator, expires_in=expires_in)
        TokenEndpoint.__init__(self, default_grant_type="password",
                               grant_types={
                                   "password": ResourceOwnerPasswordCredentialsGrant(validator),
                                   "refresh_token": RefreshTokenGrant(validator),
                                   "client_credentials": ClientCredentialsGrant(validator),
                               },
                               default_token_type=bearer)
        ResourceEndpoint.__init__(self, default_token="Bearer",
                                  token_types={"Bearer": bearer})
        RevocationEndpoint.__init__(self, validator)
        IntrospectEndpoint.__init__(self, validator)


# --------------------------------------------------------------------------
# Counters
# --------------------------------------------------------------------------

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.data = {
                "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "token_requests": {},
                "token_success": {},
                "token_errors": {},
                "endpoints": {},
                "api": {},
            }

    def inc(self, section, key, sub=None):
        with self.lock:
            d = self.data[section]
            if sub is None:
                d[key] = d.get(key, 0) + 1
            else:
                inner = d.setdefault(key, {})
                inner[sub] = inner.get(sub, 0) + 1

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps(self.data))


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GrantOAuth2PasswordProvider/1.0"
    # set on the class by main()
    validator = None
    endpoint = None
    stats = None
    quiet = False
    token_delay = 0.0
    token_lock = threading.Lock()

    def log_message(self, fmt, *args):
        if self.quiet:
            return
        try:
            sys.stderr.write("oauth2-password-provider: %s - %s\n"
                             % (self.address_string(), fmt % args))
            sys.stderr.flush()
        except Exception:
            pass

    def log_notes(self, what, status):
        notes = getattr(self.validator.ctx, "notes", None) or []
        if notes and not self.quiet:
            self.log_message("%s -> %s: %s", what, status, "; ".join(notes))

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > 65536:
            raise ValueError("request body too large")
        return self.rfile.read(length) if length > 0 else b""

    def send(self, status, body=b"", headers=None,
             content_type="application/json"):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        seen = set()
        for k, v in (headers or {}).items():
            self.send_header(k, v)
            seen.add(k.lower())
        if body and "content-type" not in seen:
            self.send_header("Content-Type", content_type)
        if "cache-control" not in seen:
            self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, obj, headers=None):
        self.send(status, json.dumps(obj, sort_keys=True) + "\n", headers)

    def base_url(self):
        return "http://%s:%d" % self.server.server_address[:2]

    def request_uri(self):
        host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
        return "http://%s%s" % (host, self.path)

    def header_dict(self):
        out = {}
        for k, v in self.headers.items():
            out.setdefault(k, v)
        return out

    def route(self):
        return urllib.parse.urlsplit(self.path).path

    # ---- dispatch -------------------------------------------------------------

    def do_GET(self):
        self.validator.ctx.notes = []
        path = self.route()
        if path == "/api/me":
            return self.resource(None)
        if path.startswith("/api/scope/"):
            return self.resource(urllib.parse.unquote(path[len("/api/scope/"):]))
        if path == "/stats":
            return self.send_json(200, self.stats.snapshot())
        if path == "/.well-known/oauth-authorization-server":
            base = self.base_url()
            return self.send_json(200, {
                "issuer": base,
                "token_endpoint": base + "/token",
                "revocation_endpoint": base + "/revoke",
                "introspection_endpoint": base + "/introspect",
                "grant_types_supported": list(GRANT_TYPES),
                "token_endpoint_auth_methods_supported":
                    ["client_secret_basic", "client_secret_post"],
                "revocation_endpoint_auth_methods_supported":
                    ["client_secret_basic", "client_secret_post"],
                "introspection_endpoint_auth_methods_supported":
                    ["client_secret_basic", "client_secret_post"],
                "scopes_supported": list(ALL_SCOPES),
                "response_types_supported": [],
            })
        self.send_json(404, {"error": "not_found"})

    do_HEAD = do_GET

    def do_POST(self):
        self.validator.ctx.notes = []
        path = self.route()
        try:
            body = self.read_body()
        except ValueError:
            return self.send_json(413, {"error": "invalid_request",
                                        "error_description": "body too large"})
        if path == "/token":
            return self.token(body)
        if path == "/revoke":
            return self.revoke(body)
        if path == "/introspect":
            return self.introspect(body)
        if path in ("/api/me",) or path.startswith("/api/scope/"):
            return self.do_GET()
        if path == "/stats/reset":
            self.stats.reset()
            return self.send(204)
        self.send_json(404, {"error": "not_found"})

    # ---- endpoints ----------------------------------------------------------

    def form(self, body):
        try:
            return urllib.parse.parse_qs(body.decode("utf-8"),
                                         keep_blank_values=True)
        except UnicodeDecodeError:
            return {}

    def fix_challenge(self, status, headers):
        """oauthlib challenges failed client auth with Bearer; answer with
        Basic when the client used Basic (RFC 6749 5.2)."""
        if status == 401 and (self.headers.get("Authorization", "")
                              .lower().startswith("basic")):
            headers = dict(headers)
            headers["WWW-Authenticate"] = (
                'Basic realm="%s", error="invalid_client"' % self.base_url())
        return headers

    def token(self, body):
        self.stats.inc("endpoints", "token")
        form = self.form(body)
        gt = (form.get("grant_type") or ["(none)"])[0]
        self.stats.inc("token_requests", gt)
        if self.token_delay:
            time.sleep(self.token_delay)
        if gt not in GRANT_TYPES and gt != "(none)":
            status, headers = 400, {}
            payload = json.dumps({"error": "unsupported_grant_type"})
        else:
            # One token request at a time: refresh-token rotation (check,
            # consume, issue) must be atomic.
            with self.token_lock:
                headers, payload, status = self.endpoint.create_token_response(
                    self.request_uri(), "POST", body.decode("utf-8", "replace"),
                    self.header_dict())
        headers = self.fix_challenge(status, headers)
        if status == 200:
            self.stats.inc("token_success", gt)
        else:
            try:
                err = json.loads(payload).get("error", str(status))
            except ValueError:
                err = str(status)
            self.stats.inc("token_errors", gt, err)
        self.log_notes("token(%s)" % gt, status)
        self.send(status, payload or "", headers)

    def revoke(self, body):
        self.stats.inc("endpoints", "revoke")
        headers, payload, status = self.endpoint.create_revocation_response(
            self.request_uri(), "POST", body.decode("utf-8", "replace"),
            self.header_dict())
        headers = self.fix_challenge(status, headers)
        self.log_notes("revoke", status)
        self.send(status, payload or "", headers)

    def introspect(self, body):
        self.stats.inc("endpoints", "introspect")
        headers, payload, status = self.endpoint.create_introspect_response(
            self.request_uri(), "POST", body.decode("utf-8", "replace"),
            self.header_dict())
        headers = self.fix_challenge(status, headers)
        self.log_notes("introspect", status)
        self.send(status, payload or "", headers)

    def resource(self, need_scope):
        self.stats.inc("endpoints", "api")
        auth = self.headers.get("Authorization", "")
        if not auth.strip():
            self.stats.inc("api", "401")
            return self.send_json(401, {"error": "unauthorized",
                                        "error_description": "no access token"},
                                  {"WWW-Authenticate": "Bearer"})
        if not auth.lower().startswith("bearer "):
            self.stats.inc("api", "400")
            return self.send_json(
                400, {"error": "invalid_request",
                      "error_description": "not a Bearer Authorization header"},
                {"WWW-Authenticate": 'Bearer error="invalid_request"'})
        valid, req = self.endpoint.verify_request(
            self.request_uri(), self.command, None, self.header_dict(),
            scopes=[])
        if not valid:
            self.stats.inc("api", "401")
            self.log_notes("api", 401)
            return self.send_json(
                401, {"error": "invalid_token",
                      "error_description": "invalid, expired or revoked access token"},
                {"WWW-Authenticate": 'Bearer error="invalid_token", '
                 'error_description="invalid, expired or revoked access token"'})
        if need_scope and need_scope not in req.scopes:
            self.stats.inc("api", "403")
            return self.send_json(
                403, {"error": "insufficient_scope", "scope": need_scope},
                {"WWW-Authenticate": 'Bearer error="insufficient_scope", '
                 'scope="%s"' % need_scope})
        info = req.access_token_info
        self.stats.inc("api", "200")
        self.send_json(200, {
            "user": info["user"],
            "scopes": list(info["scopes"]),
            "client_id": info["client_id"],
            "expires_in": max(0, int(info["expires_at"] - time.time())),
        })


def main(argv=None):
    ap = argparse.ArgumentParser(description="OAuth 2.0 password-grant test "
                                             "provider (oauthlib).")
    ap.add_argument("--port", type=int, default=0,
                    help="TCP port on 127.0.0.1 (0 = pick a free one)")
    ap.add_argument("--exit-on-stdin-eof", action="store_true",
                    help="exit when stdin reaches EOF")
    ap.add_argument("--expires-in", type=int, default=3600,
                    help="access token lifetime in seconds (default 3600)")
    ap.add_argument("--token-delay-ms", type=int, default=0,
                    help="delay every token request by this much")
    ap.add_argument("--quiet", action="store_true",
                    help="do not log requests to stderr")
    args = ap.parse_args(argv)
    if args.expires_in < 1:
        ap.error("--expires-in must be at least 1")
    if not 0 <= args.port <= 65535:
        ap.error("--port out of range")

    validator = Validator()
    Handler.validator = validator
    Handler.endpoint = Server(validator, args.expires_in)
    Handler.stats = Stats()
    Handler.quiet = args.quiet
    Handler.token_delay = max(0, args.token_delay_ms) / 1000.0

    try:
        httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    except OSError as exc:
        sys.stderr.write("oauth2-password-provider: cannot listen on "
                         "127.0.0.1:%d: %s\n" % (args.port, exc))
        return 1
    httpd.daemon_threads = True
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)

    server_thread = threading.Thread(target=httpd.serve_forever,
                                     kwargs={"poll_interval": 0.1},
                                     name="http", daemon=True)
    server_thread.start()

    if args.exit_on_stdin_eof:
        def watch_stdin():
            try:
                while sys.stdin.buffer.read1(4096):
                    pass
            except Exception:
                pass
            stop.set()
        threading.Thread(target=watch_stdin, name="stdin",
                         daemon=True).start()

    port = httpd.server_address[1]
    sys.stdout.write("READY http://127.0.0.1:%d\n" % port)
    sys.stdout.flush()
    if not args.quiet:
        sys.stderr.write("oauth2-password-provider: listening on "
                         "127.0.0.1:%d (access tokens live %d s)\n"
                         % (port, args.expires_in))
        sys.stderr.flush()

    while not stop.wait(0.2):
        pass
    httpd.shutdown()
    httpd.server_close()
    if not args.quiet:
        sys.stderr.write("oauth2-password-provider: stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
