#!/usr/bin/python3
"""A real OAuth 1.0a provider for Grant's interop tests and demos.

Built on Debian's python3-oauthlib (3.2.2) server endpoints.  Needs the
Debian packages python3-oauthlib, python3-jwt and python3-cryptography
(the last two are what oauthlib uses to verify RSA-SHA* signatures).
Always run it with the system interpreter:

    /usr/bin/python3 tests/servers/oauth1-provider.py [--port N]
                     [--exit-on-stdin-eof] [--quiet] [--rsa-public-key PEM]

It binds 127.0.0.1 only.  Once listening it prints exactly one line,
``READY http://127.0.0.1:PORT``, to stdout and flushes it; everything else
(request log, failure diagnostics) goes to stderr.  It exits with status 0
on SIGTERM/SIGINT, and on EOF of stdin when --exit-on-stdin-eof is given.

Registered client
    key ``grant-client-key``, secret ``grant-client-secret`` (HMAC-SHA1/256/512,
    PLAINTEXT), RSA public key tests/data/rsa-public.pem (RSA-SHA1/256/512).

Realms
    ``photos`` and ``videos``.  With no realm, a request token gets the
    client's default realm, ``photos``.  A request-token request asks for
    several realms with a space-separated value: ``realm="photos videos"``.

Endpoints (GET is also accepted where POST is listed for token requests)
    POST /request_token[.json]  temporary credentials; oauth_callback required
                                (absolute http(s) URL or ``oob``)
    GET  /authorize?oauth_token=T[&user=NAME][&screen_name=S][&realms=R]
                                auto-approves for ``alice`` (or NAME).  A URL
                                callback gives 302 to
                                callback?...&oauth_token=T&oauth_verifier=V;
                                ``oob`` gives 200 text/plain whose body is V.
                                ``realms`` (space/comma separated) narrows
                                what is granted.  Unknown or used token: 401
                                text/plain.
    POST /access_token          form: oauth_token, oauth_token_secret,
                                oauth_authorized_realms, user_id, screen_name
    POST /access_token.json     the same as application/json
    ANY  /resource, /resource/* protected resource -> 200 JSON description
                                of the verified request; any failure -> 401,
                                WWW-Authenticate: OAuth realm="photos", body
                                oauth_problem=...&oauth_problem_advice=...
                                /resource/photos[/*] also needs realm photos,
                                /resource/videos[/*] also needs realm videos.
    ANY  /redirect-same?to=/path[&code=307]
                                redirects (307 by default) to that path on
                                this server.  Not authenticated, but an
                                oauth_nonce it carries is recorded as used.
    GET  /stats                 JSON: request counts per endpoint, failures,
                                nonces seen (in order), issued access tokens.

Nonces are single-use per client key, whatever the timestamp or token (the
check is stricter than RFC 5849 3.3 on purpose).  Timestamps must be within
600 s of the server clock.
"""

import argparse
import json
import os
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    from oauthlib.common import safe_string_equals
    from oauthlib.oauth1 import (
        AccessTokenEndpoint, AuthorizationEndpoint, RequestTokenEndpoint,
        RequestValidator, ResourceEndpoint,
    )
    from oauthlib.oauth1.rfc5849 import errors as oauth_errors
    from oauthlib.oauth1.rfc5849 import (
        SIGNATURE_HMAC_SHA1, SIGNATURE_HMAC_SHA256, SIGNATURE_HMAC_SHA512,
        SIGNATURE_PLAINTEXT, SIGNATURE_RSA_SHA1, SIGNATURE_RSA_SHA256,
        SIGNATURE_RSA_SHA512,
    )
except ImportError as exc:  # pragma: no cover - environment problem
    sys.stderr.write(
        "oauth1-provider: cannot import oauthlib (%s).\n"
        "Run it with /usr/bin/python3 and install the Debian packages "
        "python3-oauthlib python3-jwt python3-cryptography.\n" % exc)
    sys.exit(2)

CLIENT_KEY = "grant-client-key"
CLIENT_SECRET = "grant-client-secret"
DUMMY_CLIENT_KEY = "dummy-client-key"
DUMMY_SECRET = "dummy-client-secret"
DUMMY_TOKEN = "dummy-token-000000000000000000"
DEFAULT_USER = "alice"
ALL_REALMS = ("photos", "videos")
DEFAULT_REALMS = ["photos"]
UNRESERVED = ("abcdefghijklmnopqrstuvwxyz"
              "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
              "0123456789-._~")

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_RSA_PUBLIC_KEY = os.path.normpath(
    os.path.join(HERE, "..", "data", "rsa-public.pem"))


# --------------------------------------------------------------------------
# Validator: in-memory storage, guarded by one lock.  Per-request diagnostics
# (which check failed) live in a thread-local context so the HTTP handler can
# report an oauth_problem even where oauthlib answers only "401".
# --------------------------------------------------------------------------

class Validator(RequestValidator):

    def __init__(self, rsa_public_key):
        super().__init__()
        self.lock = threading.RLock()
        self.clients = {
            CLIENT_KEY: {"secret": CLIENT_SECRET, "rsa_key": rsa_public_key,
                         "default_realms": list(DEFAULT_REALMS)},
        }
        # The dummy client gets a key of the same size, as oauthlib advises.
        self._dummy = {"secret": DUMMY_SECRET, "rsa_key": rsa_public_key,
                       "default_realms": list(DEFAULT_REALMS)}
        self.request_tokens = {}   # token -> dict
        self.access_tokens = {}    # token -> dict
        self.nonces_seen = set()   # (client_key, nonce)
        self.nonce_log = []        # dicts, in arrival order
        self.counts = {}           # endpoint -> requests
        self.failures = {}         # endpoint -> failed requests
        self._ctx = threading.local()

    # ---- per-request diagnostics -----------------------------------------

    def begin(self, endpoint, method="", path="", **extra):
        self._ctx.endpoint = endpoint
        self._ctx.method = method
        self._ctx.path = path
        self._ctx.problems = []
        self._ctx.extra = extra

    def ctx(self, name, default=None):
        return getattr(self._ctx, name, default)

    def problem(self, name, advice=""):
        problems = getattr(self._ctx, "problems", None)
        if problems is None:
            problems = self._ctx.problems = []
        problems.append((name, advice))

    def problems(self):
        return list(getattr(self._ctx, "problems", []) or [])

    def note_oauth_error(self, exc):
        desc = exc.description
        if not isinstance(desc, str):       # oauthlib sometimes passes a tuple
            try:
                desc = desc[0] % desc[1:]
            except Exception:
                desc = str(desc)
        low = desc.lower()
        if isinstance(exc, oauth_errors.InvalidSignatureMethodError):
            name = "signature_method_rejected"
        elif "timestamp" in low:
            name = "timestamp_refused"
        elif "version" in low:
            name = "version_rejected"
        elif "missing" in low:
            name = "parameter_absent"
        elif "client key" in low:
            name = "consumer_key_rejected"
        elif "realm" in low:
            name = "permission_unknown"
        else:
            name = "parameter_rejected"
        if (name, desc) not in self.problems():   # noted once per request
            self.problem(name, desc)
        return desc

    def count(self, endpoint, ok):
        with self.lock:
            self.counts[endpoint] = self.counts.get(endpoint, 0) + 1
            if not ok:
                self.failures[endpoint] = self.failures.get(endpoint, 0) + 1

    # ---- configuration properties ----------------------------------------

    @property
    def allowed_signature_methods(self):
        return (SIGNATURE_HMAC_SHA1, SIGNATURE_HMAC_SHA256,
                SIGNATURE_HMAC_SHA512, SIGNATURE_RSA_SHA1,
                SIGNATURE_RSA_SHA256, SIGNATURE_RSA_SHA512,
                SIGNATURE_PLAINTEXT)

    @property
    def enforce_ssl(self):
        return False

    @property
    def safe_characters(self):
        return set(UNRESERVED)

    @property
    def client_key_length(self):
        return 1, 128

    @property
    def request_token_length(self):
        return 8, 128

    @property
    def access_token_length(self):
        return 8, 128

    @property
    def nonce_length(self):
        return 8, 128

    @property
    def verifier_length(self):
        return 8, 128

    @property
    def timestamp_lifetime(self):
        return 600

    @property
    def realms(self):
        return list(ALL_REALMS)

    @property
    def dummy_client(self):
        return DUMMY_CLIENT_KEY

    @property
    def dummy_request_token(self):
        return DUMMY_TOKEN

    @property
    def dummy_access_token(self):
        return DUMMY_TOKEN

    # ---- format checks (record why they fail) ----------------------------

    def _check(self, value, limits):
        lower, upper = limits
        return (isinstance(value, str) and set(value) <= self.safe_characters
                and lower <= len(value) <= upper)

    def check_client_key(self, client_key):
        ok = self._check(client_key, self.client_key_length)
        # oauthlib raises right after this; the error is noted there.
        return ok

    def check_nonce(self, nonce):
        return self._check(nonce, self.nonce_length)

    def check_request_token(self, request_token):
        ok = self._check(request_token, self.request_token_length)
        if not ok:
            self.problem("token_rejected", "Invalid request token format.")
        return ok

    def check_access_token(self, access_token):
        ok = self._check(access_token, self.access_token_length)
        if not ok:
            self.problem("token_rejected", "Invalid access token format.")
        return ok

    def check_verifier(self, verifier):
        ok = self._check(verifier, self.verifier_length)
        if not ok:
            self.problem("verifier_invalid", "Invalid verifier format.")
        return ok

    def check_realms(self, realms):
        ok = all(r in ALL_REALMS for r in realms)
        if not ok:
            self.problem("permission_unknown",
                         "Unknown realm in %r; known: %s"
                         % (realms, " ".join(ALL_REALMS)))
        return ok

    # ---- secrets and keys (must accept the dummy values) -----------------

    def _client(self, client_key):
        return self.clients.get(client_key, self._dummy)

    def get_client_secret(self, client_key, request):
        with self.lock:
            return self._client(client_key)["secret"]

    def get_rsa_key(self, client_key, request):
        with self.lock:
            return self._client(client_key)["rsa_key"]

    def get_request_token_secret(self, client_key, token, request):
        with self.lock:
            rt = self.request_tokens.get(token)
            if rt is None or rt["client_key"] != client_key:
                return DUMMY_SECRET
            return rt["secret"]

    def get_access_token_secret(self, client_key, token, request):
        with self.lock:
            at = self.access_tokens.get(token)
            if at is None or at["client_key"] != client_key:
                return DUMMY_SECRET
            return at["secret"]

    def get_default_realms(self, client_key, request):
        with self.lock:
            return list(self._client(client_key)["default_realms"])

    def get_realms(self, token, request):
        with self.lock:
            rt = self.request_tokens.get(token)
            if rt is None:
                return []
            granted = rt.get("granted_realms")
            return list(granted if granted is not None else rt["realms"])

    def get_redirect_uri(self, token, request):
        with self.lock:
            return self.request_tokens[token]["callback"]

    # ---- validation -------------------------------------------------------

    def validate_client_key(self, client_key, request):
        with self.lock:
            ok = client_key in self.clients
        if not ok:
            self.problem("consumer_key_unknown",
                         "Unknown client key %r." % (client_key,))
        return ok

    def validate_request_token(self, client_key, token, request):
        with self.lock:
            rt = self.request_tokens.get(token)
            if rt is None or rt["client_key"] != client_key:
                self.problem("token_rejected", "Unknown request token.")
                return False
            if rt["used"]:
                self.problem("token_used", "Request token already exchanged.")
                return False
            return True

    def validate_access_token(self, client_key, token, request):
        with self.lock:
            at = self.access_tokens.get(token)
            ok = at is not None and at["client_key"] == client_key
        if not ok:
            self.problem("token_rejected", "Unknown access token.")
        return ok

    def validate_timestamp_and_nonce(self, client_key, timestamp, nonce,
                                     request, request_token=None,
                                     access_token=None):
        return self.record_nonce(client_key, timestamp, nonce,
                                 token=request_token or access_token)

    def record_nonce(self, client_key, timestamp, nonce, token=None):
        """Single use per client key; returns False on a replay."""
        with self.lock:
            key = (client_key, nonce)
            replay = key in self.nonces_seen
            self.nonces_seen.add(key)
            self.nonce_log.append({
                "nonce": nonce, "timestamp": timestamp,
                "client_key": client_key, "token": token,
                "endpoint": self.ctx("endpoint"),
                "method": self.ctx("method"), "path": self.ctx("path"),
                "replay": replay,
            })
        if replay:
            self.problem("nonce_used", "Nonce %r was already used." % (nonce,))
        return not replay

    def validate_redirect_uri(self, client_key, redirect_uri, request):
        if redirect_uri == "oob":
            return True
        try:
            parts = urllib.parse.urlsplit(redirect_uri)
            ok = parts.scheme in ("http", "https") and bool(parts.netloc)
        except ValueError:
            ok = False
        if not ok:
            self.problem("parameter_rejected",
                         "oauth_callback must be an absolute http(s) URL "
                         "or 'oob'.")
        return ok

    def validate_requested_realms(self, client_key, realms, request):
        ok = all(r in ALL_REALMS for r in realms)
        if not ok:
            self.problem("permission_denied", "Realm not allowed.")
        return ok

    def validate_realms(self, client_key, token, request, uri=None,
                        realms=None):
        with self.lock:
            at = self.access_tokens.get(token)
            if at is None:
                return False
            ok = set(realms or []) <= set(at["realms"])
        if not ok:
            self.problem("permission_denied",
                         "Access token lacks realm(s) %s."
                         % " ".join(realms or []))
        return ok

    def validate_verifier(self, client_key, token, verifier, request):
        with self.lock:
            rt = self.request_tokens.get(token)
            expected = rt.get("verifier") if rt else None
            ok = (rt is not None and rt["client_key"] == client_key
                  and expected is not None)
        # Compare even for unknown tokens to keep the timing flat.
        ok = safe_string_equals(verifier, expected or DUMMY_TOKEN) and ok
        if not ok:
            self.problem("verifier_invalid", "Wrong or missing verifier.")
        return ok

    def verify_request_token(self, token, request):
        with self.lock:
            rt = self.request_tokens.get(token)
            return rt is not None and not rt["used"]

    def verify_realms(self, token, realms, request):
        with self.lock:
            rt = self.request_tokens.get(token)
            return rt is not None and set(realms) <= set(rt["realms"])

    # ---- persistence -------------------------------------------------------

    def save_request_token(self, token, request):
        with self.lock:
            self.request_tokens[token["oauth_token"]] = {
                "client_key": request.client_key,
                "secret": token["oauth_token_secret"],
                "realms": list(request.realms or []),
                "granted_realms": None,
                "callback": request.redirect_uri,
                "verifier": None,
                "user": None,
                "screen_name": None,
                "used": False,
                "created": time.time(),
            }

    def save_verifier(self, token, verifier, request):
        with self.lock:
            rt = self.request_tokens[token]
            rt["verifier"] = verifier["oauth_verifier"]
            rt["user"] = self.ctx("extra", {}).get("user") or DEFAULT_USER
            rt["screen_name"] = (self.ctx("extra", {}).get("screen_name")
                                 or rt["user"])
            if request.realms:
                rt["granted_realms"] = list(request.realms)

    def save_access_token(self, token, request):
        with self.lock:
            rt = self.request_tokens.get(request.resource_owner_key, {})
            self.access_tokens[token["oauth_token"]] = {
                "client_key": request.client_key,
                "secret": token["oauth_token_secret"],
                "realms": list(request.realms or []),
                "user": rt.get("user") or DEFAULT_USER,
                "screen_name": rt.get("screen_name") or DEFAULT_USER,
                "created": time.time(),
            }

    def invalidate_request_token(self, client_key, request_token, request):
        with self.lock:
            rt = self.request_tokens.get(request_token)
            if rt is not None:
                rt["used"] = True

    # ---- helpers for the HTTP layer ---------------------------------------

    def request_token_info(self, token):
        with self.lock:
            rt = self.request_tokens.get(token)
            return dict(rt) if rt else None

    def access_token_info(self, token):
        with self.lock:
            at = self.access_tokens.get(token)
            return dict(at) if at else None

    def stats(self):
        with self.lock:
            return {
                "requests": dict(self.counts),
                "failures": dict(self.failures),
                "nonces": [e["nonce"] for e in self.nonce_log],
                "nonce_log": [dict(e) for e in self.nonce_log],
                "request_tokens": len(self.request_tokens),
                "access_tokens": {
                    tok: {"realms": at["realms"], "user": at["user"],
                          "client_key": at["client_key"]}
                    for tok, at in self.access_tokens.items()},
            }


# --------------------------------------------------------------------------
# Endpoints: thin subclasses that record why a request failed and which
# placement (header / query / body) carried the OAuth parameters.
# --------------------------------------------------------------------------

class DiagnosticsMixin:

    def _get_signature_type_and_params(self, request):
        result = super()._get_signature_type_and_params(request)
        request.signature_type = result[0]
        return result

    def _create_request(self, uri, http_method, body, headers):
        try:
            return super()._create_request(uri, http_method, body, headers)
        except oauth_errors.OAuth1Error as exc:
            self.request_validator.note_oauth_error(exc)
            raise
        except (ValueError, TypeError) as exc:
            # e.g. a malformed Authorization header or a query string with
            # characters oauthlib refuses to decode: oauthlib raises a bare
            # ValueError that its endpoints do not catch.
            err = oauth_errors.InvalidRequestError(
                description="Malformed request: %s" % exc)
            self.request_validator.note_oauth_error(err)
            raise err

    def _check_mandatory_parameters(self, request):
        try:
            return super()._check_mandatory_parameters(request)
        except oauth_errors.OAuth1Error as exc:
            self.request_validator.note_oauth_error(exc)
            raise

    def _check_signature(self, request, is_token_request=False):
        try:
            ok = super()._check_signature(request, is_token_request)
            advice = "Signature does not verify."
        except Exception as exc:   # e.g. binascii.Error on bad base64 (RSA)
            ok = False
            advice = "Signature does not verify (%s)." % exc
        if not ok:
            self.request_validator.problem("signature_invalid", advice)
        return ok


class MyRequestTokenEndpoint(DiagnosticsMixin, RequestTokenEndpoint):

    def validate_request_token_request(self, request):
        try:
            return super().validate_request_token_request(request)
        except oauth_errors.OAuth1Error as exc:   # e.g. missing callback
            self.request_validator.note_oauth_error(exc)
            raise


class MyAuthorizationEndpoint(DiagnosticsMixin, AuthorizationEndpoint):
    pass


class MyAccessTokenEndpoint(DiagnosticsMixin, AccessTokenEndpoint):

    def validate_access_token_request(self, request):
        try:
            return super().validate_access_token_request(request)
        except oauth_errors.OAuth1Error as exc:   # e.g. missing verifier
            self.request_validator.note_oauth_error(exc)
            raise

    def create_access_token(self, request, credentials):
        rt = self.request_validator.request_token_info(
            request.resource_owner_key) or {}
        user = rt.get("user") or DEFAULT_USER
        creds = {"user_id": user, "screen_name": rt.get("screen_name") or user}
        creds.update(credentials or {})
        return super().create_access_token(request, creds)


class MyResourceEndpoint(DiagnosticsMixin, ResourceEndpoint):
    pass


# --------------------------------------------------------------------------
# HTTP layer
# --------------------------------------------------------------------------

def resource_realms_for(path):
    """Realms a resource path is protected under."""
    for realm in ALL_REALMS:
        base = "/resource/" + realm
        if path == base or path.startswith(base + "/"):
            return [realm]
    return []


def param_dict(pairs):
    """[(k, v)...] -> {k: v}, or {k: [v1, v2]} for repeated keys."""
    out = {}
    for k, v in pairs:
        if k in out:
            if not isinstance(out[k], list):
                out[k] = [out[k]]
            out[k].append(v)
        else:
            out[k] = v
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GrantOAuth1Provider/1.0"
    # set on the class by main()
    validator = None
    endpoints = None
    quiet = False

    # ---- plumbing -----------------------------------------------------------

    def log_message(self, fmt, *args):
        if self.quiet:
            return
        try:
            sys.stderr.write("oauth1-provider: %s - %s\n"
                             % (self.address_string(), fmt % args))
            sys.stderr.flush()
        except Exception:
            pass

    def log_problem(self, endpoint, status, problems):
        if problems:
            text = "; ".join("%s (%s)" % p for p in problems)
        else:
            text = "no detail"
        self.log_message("%s -> %s: %s", endpoint, status, text)

    def read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    # trailers until blank line
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n",
                                                             b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send(self, status, body=b"", content_type="text/plain; charset=utf-8",
             headers=None):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if body or content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, obj, headers=None):
        self.send(status, json.dumps(obj, indent=1, sort_keys=True) + "\n",
                  "application/json", headers)

    def request_uri(self):
        """Absolute URI as the client addressed it (scheme://Host/target)."""
        if self.path.startswith(("http://", "https://")):
            return self.path
        host = self.headers.get("Host") or "%s:%d" % self.server.server_address
        return "http://%s%s" % (host, self.path)

    def header_dict(self):
        out = {}
        for k, v in self.headers.items():
            out.setdefault(k, v)       # first occurrence wins
        return out

    # ---- dispatch -------------------------------------------------------------

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_PATCH(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def dispatch(self):
        try:
            raw = self.read_body()
        except (ValueError, OSError) as exc:
            self.close_connection = True
            self.send(400, "bad request body: %s\n" % exc)
            return
        path = urllib.parse.urlsplit(self.path).path
        method = self.command
        try:
            if path in ("/request_token", "/request_token.json"):
                self.token_request("request_token", raw, path.endswith(".json"))
            elif path in ("/access_token", "/access_token.json"):
                self.token_request("access_token", raw, path.endswith(".json"))
            elif path == "/authorize":
                self.authorize()
            elif path == "/resource" or path.startswith("/resource/"):
                self.resource(raw, path)
            elif path == "/redirect-same":
                self.redirect_same(raw)
            elif path == "/stats" and method in ("GET", "HEAD"):
                self.validator.count("stats", True)
                self.send_json(200, self.validator.stats())
            else:
                self.validator.count("other", False)
                self.send(404, "no such endpoint: %s %s\n" % (method, path))
        except Exception as exc:  # never kill the server thread silently
            import traceback
            traceback.print_exc(file=sys.stderr)
            try:
                self.send(500, "internal error: %r\n" % (exc,))
            except Exception:
                pass

    def body_text(self, raw):
        """Body as str for oauthlib, or None if it is not valid UTF-8."""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return None

    # ---- /request_token, /access_token ---------------------------------------

    def token_request(self, which, raw, as_json):
        v = self.validator
        v.begin(which, self.command, self.path)
        if self.command not in ("POST", "GET"):
            v.count(which, False)
            self.send(405, "use POST\n", headers={"Allow": "POST, GET"})
            return
        body = self.body_text(raw)
        if body is None:
            body = ""
            v.problem("parameter_rejected", "Body is not UTF-8.")
        ep = (self.endpoints["request_token"] if which == "request_token"
              else self.endpoints["access_token"])
        create = (ep.create_request_token_response if which == "request_token"
                  else ep.create_access_token_response)
        try:
            h, b, status = create(self.request_uri(), http_method=self.command,
                                  body=body, headers=self.header_dict())
        except oauth_errors.OAuth1Error as exc:
            h, b, status = ({}, exc.urlencoded, exc.status_code)
        problems = v.problems()
        ok = status == 200
        v.count(which, ok)
        if ok:
            fields = urllib.parse.parse_qsl(b, keep_blank_values=True)
            if as_json:
                self.send_json(200, dict(fields))
            else:
                self.send(200, b, h.get("Content-Type",
                                        "application/x-www-form-urlencoded"))
            return
        self.log_problem(which, status, problems)
        err = urllib.parse.parse_qsl(b or "", keep_blank_values=True)
        if problems:
            err.append(("oauth_problem", problems[0][0]))
            err.append(("oauth_problem_advice",
                        "; ".join(a for _, a in problems if a)))
        else:
            err.append(("oauth_problem", "signature_invalid"
                        if status == 401 else "parameter_rejected"))
        extra = {}
        if status == 401:
            extra["WWW-Authenticate"] = 'OAuth realm="%s"' % DEFAULT_REALMS[0]
        if as_json:
            self.send_json(status, dict(err), extra)
        else:
            self.send(status, urllib.parse.urlencode(err),
                      "application/x-www-form-urlencoded", extra)

    # ---- /authorize ------------------------------------------------------------

    def authorize(self):
        v = self.validator
        query = dict(urllib.parse.parse_qsl(
            urllib.parse.urlsplit(self.path).query, keep_blank_values=True))
        user = query.get("user") or DEFAULT_USER
        v.begin("authorize", self.command, self.path, user=user,
                screen_name=query.get("screen_name") or user)
        realms = None
        if query.get("realms"):
            realms = [r for r in query["realms"].replace(",", " ").split() if r]
        ep = self.endpoints["authorize"]
        try:
            # The authorization step is not signed: only the query matters.
            h, _b, status = ep.create_authorization_response(
                self.request_uri(), http_method="GET", body=None,
                headers={}, realms=realms)
        except oauth_errors.InvalidClientError:
            v.count("authorize", False)
            self.log_problem("authorize", 401, [
                ("token_rejected", "unknown or already used request token")])
            self.send(401, "invalid_client: unknown or already used "
                           "request token\n")
            return
        except oauth_errors.OAuth1Error as exc:
            v.count("authorize", False)
            self.log_problem("authorize", exc.status_code,
                             [(exc.error, str(exc.description))])
            self.send(exc.status_code, "%s: %s\n" % (exc.error, exc.description))
            return
        v.count("authorize", True)
        if status == 302:
            self.send(302, "redirecting to the client callback\n",
                      headers={"Location": h["Location"]})
        else:
            verifier = dict(urllib.parse.parse_qsl(_b))["oauth_verifier"]
            self.send(200, verifier)

    # ---- /resource ---------------------------------------------------------------

    def resource(self, raw, path):
        v = self.validator
        v.begin("resource", self.command, self.path)
        body = self.body_text(raw)
        if body is None:
            body = ""
            v.problem("parameter_rejected", "Body is not UTF-8.")
        headers = self.header_dict()
        required = resource_realms_for(path)
        ok, req = self.endpoints["resource"].validate_protected_resource_request(
            self.request_uri(), http_method=self.command, body=body,
            headers=headers, realms=required)
        problems = v.problems()
        v.count("resource", ok)
        if not ok:
            self.log_problem("resource", 401, problems)
            problem = problems[0][0] if problems else "signature_invalid"
            advice = "; ".join(a for _, a in problems if a)
            self.send(401, urllib.parse.urlencode(
                [("oauth_problem", problem), ("oauth_problem_advice", advice)]),
                "application/x-www-form-urlencoded",
                {"WWW-Authenticate": 'OAuth realm="%s"' % (
                    required[0] if required else DEFAULT_REALMS[0])})
            return
        at = v.access_token_info(req.resource_owner_key) or {}
        parts = urllib.parse.urlsplit(self.path)
        query_params = [(k, val) for k, val in urllib.parse.parse_qsl(
            parts.query, keep_blank_values=True)]
        ctype = headers.get("Content-Type", "")
        form_params = []
        if "application/x-www-form-urlencoded" in ctype:
            form_params = urllib.parse.parse_qsl(body, keep_blank_values=True)

        def plain(pairs):
            return [(k, val) for k, val in pairs
                    if not k.startswith("oauth_") and k != "realm"]
        header_realm = None
        auth = headers.get("Authorization", "")
        if auth[:6].lower() == "oauth ":
            from oauthlib.oauth1.rfc5849.utils import parse_authorization_header
            header_realm = dict(parse_authorization_header(auth)).get("realm")
        self.send_json(200, {
            "user": at.get("user", DEFAULT_USER),
            "screen_name": at.get("screen_name"),
            "client_key": req.client_key,
            "method": self.command,
            "path": path,
            "uri": req.uri,
            "realms": at.get("realms", []),
            "required_realms": required,
            "header_realm": header_realm,
            "params": param_dict(plain(query_params) + plain(form_params)),
            "query_params": param_dict(plain(query_params)),
            "form_params": param_dict(plain(form_params)),
            "signature_method": req.signature_method,
            "signature_type": getattr(req, "signature_type", None),
            "nonce": req.nonce,
            "timestamp": req.timestamp,
            "content_type": ctype or None,
            "body_length": len(raw),
        })

    # ---- /redirect-same ------------------------------------------------------------

    def redirect_same(self, raw):
        v = self.validator
        v.begin("redirect_same", self.command, self.path)
        query = dict(urllib.parse.parse_qsl(
            urllib.parse.urlsplit(self.path).query, keep_blank_values=True))
        target = query.get("to", "/resource")
        try:
            code = int(query.get("code", "307"))
        except ValueError:
            code = 0
        if not target.startswith("/") or target.startswith("//") or \
                code not in (301, 302, 303, 307, 308):
            v.count("redirect_same", False)
            self.send(400, "need to=/path (same server) and code in "
                           "301/302/303/307/308\n")
            return
        # Remember the nonce of the request being redirected, so a client
        # that replays it on the redirected request is caught.
        nonce = self.find_oauth_param("oauth_nonce", raw)
        if nonce:
            v.record_nonce(self.find_oauth_param("oauth_consumer_key", raw)
                           or "", self.find_oauth_param("oauth_timestamp", raw),
                           nonce)
        v.count("redirect_same", True)
        host = self.headers.get("Host") or "%s:%d" % self.server.server_address
        self.send(code, "redirecting\n",
                  headers={"Location": "http://%s%s" % (host, target)})

    def find_oauth_param(self, name, raw):
        auth = self.headers.get("Authorization") or ""
        if auth[:6].lower() == "oauth ":
            try:
                from oauthlib.oauth1.rfc5849.utils import (
                    parse_authorization_header)
                for k, val in parse_authorization_header(auth):
                    if k == name:
                        return urllib.parse.unquote(val)
            except ValueError:
                pass
        sources = [urllib.parse.urlsplit(self.path).query]
        if "application/x-www-form-urlencoded" in (
                self.headers.get("Content-Type") or ""):
            sources.append(raw.decode("utf-8", "replace"))
        for src in sources:
            for k, val in urllib.parse.parse_qsl(src, keep_blank_values=True):
                if k == name:
                    return val
        return None


# --------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description="OAuth 1.0a test provider "
                                             "(oauthlib).")
    ap.add_argument("--port", type=int, default=0,
                    help="TCP port on 127.0.0.1 (0 = pick a free one)")
    ap.add_argument("--exit-on-stdin-eof", action="store_true",
                    help="exit when stdin reaches EOF")
    ap.add_argument("--quiet", action="store_true",
                    help="do not log requests to stderr")
    ap.add_argument("--rsa-public-key", default=DEFAULT_RSA_PUBLIC_KEY,
                    help="PEM public key of grant-client-key "
                         "(default: %(default)s)")
    args = ap.parse_args(argv)

    with open(args.rsa_public_key, "r", encoding="ascii") as fh:
        rsa_public_key = fh.read()

    validator = Validator(rsa_public_key)
    Handler.validator = validator
    Handler.quiet = args.quiet
    Handler.endpoints = {
        "request_token": MyRequestTokenEndpoint(validator),
        "authorize": MyAuthorizationEndpoint(validator),
        "access_token": MyAccessTokenEndpoint(validator),
        "resource": MyResourceEndpoint(validator),
    }

    try:
        httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    except OSError as exc:
        sys.stderr.write("oauth1-provider: cannot listen on 127.0.0.1:%d: %s\n"
                         % (args.port, exc))
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
        sys.stderr.write("oauth1-provider: listening on 127.0.0.1:%d\n" % port)
        sys.stderr.flush()

    while not stop.wait(0.2):
        pass
    httpd.shutdown()
    httpd.server_close()
    if not args.quiet:
        sys.stderr.write("oauth1-provider: stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
