#!/usr/bin/python3
"""Grant's OAuth 2 API from PyGObject: the password grant against
python3-oauthlib, hooks written in Python, and the dict-like token."""

import json
import os
import subprocess
import unittest

import gi
gi.require_version("Grant", "1")
gi.require_version("Soup", "3.0")
gi.require_version("Json", "1.0")
from gi.repository import GLib, Grant, Json, Soup  # noqa: E402

SERVER = os.environ["GRANT_OAUTH2_PASSWORD_PROVIDER"]


def setUpModule():
    global server, base
    server = subprocess.Popen(["/usr/bin/python3", SERVER, "--quiet", "--exit-on-stdin-eof"],
                              stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    assert line.startswith("READY "), line
    base = line.split()[1]


def tearDownModule():
    server.terminate()
    server.wait(10)


def new_session():
    session = Grant.OAuth2Session.new_for_client_type(Grant.ClientType.LEGACY_APPLICATION,
                                                      "legacy-client", "legacy-secret")
    session.props.allow_insecure_transport = True
    return session


def api_me(session):
    msg = Soup.Message.new("GET", base + "/api/me")
    body = session.send_and_read(msg, None, Grant.SendFlags.NONE, None)
    return msg.get_status(), json.loads(body.get_data() or b"null")


class PasswordGrantTests(unittest.TestCase):
    def test_password_grant_refresh_and_request(self):
        session = new_session()
        updates = []
        session.connect("token-updated", lambda s, token: updates.append(token["access_token"]))

        token = session.fetch_token_with_password(base + "/token", "alice", "wonderland", None, None)
        self.assertIn("refresh_token", token)
        self.assertEqual(token["token_type"].lower(), "bearer")
        self.assertTrue(session.props.authorized)

        status, me = api_me(session)
        self.assertEqual(status, 200)
        self.assertEqual(me["user"], "alice")

        refreshed = session.refresh_token(None, None, None)
        self.assertNotEqual(refreshed["refresh_token"], token["refresh_token"])
        self.assertEqual(updates, [token["access_token"], refreshed["access_token"]])

    def test_refused_password_is_a_grant_error(self):
        session = new_session()
        with self.assertRaises(GLib.Error) as caught:
            session.fetch_token_with_password(base + "/token", "alice", "nope", None, None)
        self.assertTrue(caught.exception.matches(Grant.error_quark(), Grant.Error.INVALID_GRANT))
        self.assertNotIn("nope", caught.exception.message)

    def test_async_fetch(self):
        session = new_session()
        loop = GLib.MainLoop()
        out = {}

        def done(source, result):
            out["token"] = source.fetch_token_with_password_finish(result)
            loop.quit()

        session.fetch_token_with_password_async(base + "/token", "alice", "wonderland", None, None, done)
        loop.run()
        self.assertTrue(out["token"]["access_token"])


class HookTests(unittest.TestCase):
    def test_python_hook_rewrites_the_token_response(self):
        """A compliance fix written in Python: the changes reach the parser."""
        session = new_session()

        def fix(session, response):
            token = response.get_json()
            token.set_string_member("token_type", "Bearer")
            token.set_string_member("provider_note", "rewritten in Python")
            token.remove_member("scope")
            response.set_json(token)

        session.connect("access-token-response", fix)
        token = session.fetch_token_with_password(base + "/token", "alice", "wonderland", None, None)
        self.assertEqual(token["provider_note"], "rewritten in Python")
        self.assertEqual(token["token_type"], "Bearer")

    def test_python_hook_turns_an_error_into_a_token_response(self):
        """A provider that answers errors with 200 and a list (like Fitbit):
        the hook maps it onto RFC 6749 and Grant raises the right code."""
        session = new_session()

        def fitbit_style(session, response):
            response.set_status(200)
            body = Json.Object()
            errors = Json.Array()
            entry = Json.Object()
            entry.set_string_member("errorType", "invalid_grant")
            errors.add_object_element(entry)
            body.set_array_member("errors", errors)
            # the fix under test: errors[0].errorType becomes error
            body.set_string_member("error", body.get_array_member("errors").get_object_element(0)
                                   .get_string_member("errorType"))
            response.set_json(body)

        session.connect("access-token-response", fitbit_style)
        with self.assertRaises(GLib.Error) as caught:
            session.fetch_token_with_password(base + "/token", "alice", "wonderland", None, None)
        self.assertTrue(caught.exception.matches(Grant.error_quark(), Grant.Error.INVALID_GRANT))

    def test_python_hook_rewrites_the_request(self):
        session = new_session()
        seen = {}

        def add_scope(session, request):
            request.set_form_value("scope", "read")
            request.get_headers().replace("X-Hooked", "yes")
            seen["grant_type"] = request.get_form_value("grant_type")

        session.connect("access-token-request", add_scope)
        token = session.fetch_token_with_password(base + "/token", "alice", "wonderland", None, None)
        self.assertEqual(seen["grant_type"], "password")
        self.assertEqual(list(token.props.scope), ["read"])

    def test_protected_request_hook(self):
        session = new_session()
        session.fetch_token_with_password(base + "/token", "alice", "wonderland", None, None)

        def retarget(session, request):
            self.assertEqual(request.get_query_value("from"), "app")
            request.set_uri(base + "/api/me?from=app")
            request.set_query_value("via", "a hook")

        session.connect("protected-request", retarget)
        msg = Soup.Message.new("GET", base + "/nowhere?from=app")
        session.send_and_read(msg, None, Grant.SendFlags.NONE, None)
        self.assertEqual(msg.get_status(), 200)
        self.assertIn("from=app&via=a+hook", msg.get_uri().to_string())


class StoreTests(unittest.TestCase):
    def test_memory_store_carries_the_token_to_a_new_session(self):
        store = Grant.MemoryStore.new()
        first = new_session()
        first.props.token_store = store
        first.props.provider = "password-test"
        first.props.account = "alice"
        token = first.fetch_token_with_password(base + "/token", "alice", "wonderland", None, None)

        second = new_session()
        second.props.token_store = store
        second.props.provider = "password-test"
        second.props.account = "alice"
        self.assertFalse(second.props.authorized)
        status, me = api_me(second)          # loads the token on first use
        self.assertEqual(status, 200)
        self.assertEqual(second.props.token["access_token"], token["access_token"])

        keys = store.list(None)
        self.assertEqual([(k.props.provider, k.props.account) for k in keys], [("password-test", "alice")])
        second.logout(None)
        self.assertEqual(len(store.list(None)), 0)

    def test_a_store_written_in_python(self):
        from gi.repository import GObject

        class DictStore(GObject.Object, Grant.TokenStore):
            def __init__(self):
                super().__init__()
                self.saved = {}

            def _key(self, key):
                return (key.props.protocol, key.props.provider, key.props.client_id, key.props.account)

            def do_load(self, key, cancellable):
                text = self.saved.get(self._key(key))
                return Json.from_string(text).get_object() if text else None

            def do_save(self, key, token, cancellable):
                node = Json.Node.alloc().init_object(token)
                self.saved[self._key(key)] = Json.to_string(node, False)
                return True

            def do_delete(self, key, cancellable):
                self.saved.pop(self._key(key), None)
                return True

            def do_list(self, cancellable):
                return [Grant.TokenKey.new(*k) for k in self.saved]

        store = DictStore()
        session = new_session()
        session.props.token_store = store
        session.props.account = "alice"
        token = session.fetch_token_with_password(base + "/token", "alice", "wonderland", None, None)
        stored = json.loads(list(store.saved.values())[0])
        self.assertEqual(stored["access_token"], token["access_token"])
        refreshed = session.refresh_token(None, None, None)
        stored = json.loads(list(store.saved.values())[0])
        self.assertEqual(stored["refresh_token"], refreshed["refresh_token"])

    def test_secret_store_when_a_keyring_runs(self):
        if not Grant.SecretStore.is_service_available(None):
            if os.environ.get("GRANT_REQUIRE_KEYRING") == "1":
                self.fail("GRANT_REQUIRE_KEYRING=1 but no Secret Service answers")
            self.skipTest("no Secret Service on the session bus")
        store = Grant.SecretStore.new()
        session = new_session()
        session.props.token_store = store
        session.props.provider = "password-test"
        session.props.account = "python@example.org"
        token = session.fetch_token_with_password(base + "/token", "alice", "wonderland", None, None)
        key = Grant.TokenKey.new(Grant.Protocol.OAUTH2, "password-test", "legacy-client", "python@example.org")
        self.assertEqual(store.load(key, None).get_string_member("access_token"), token["access_token"])
        self.assertEqual(key.to_label(), "Password-test token for python@example.org (Grant)")
        session.logout(None)
        self.assertIsNone(store.load(key, None))


class ProviderTests(unittest.TestCase):
    def test_a_provider_written_in_python(self):
        """A GrantProvider subclass in Python, registered at run time, is a
        first-class provider: new_for_provider finds it, takes its endpoints
        and runs its compliance fix."""
        from gi.repository import GObject

        class PasswordTestProvider(Grant.Provider):
            configured = 0

            def do_configure_oauth2_session(self, session):
                PasswordTestProvider.configured += 1
                session.props.client_type = Grant.ClientType.LEGACY_APPLICATION
                session.props.allow_insecure_transport = True

                def fix(session, response):
                    token = response.get_json()
                    token.set_string_member("fixed_by", "python provider")
                    response.set_json(token)
                session.connect("access-token-response", fix)

        provider = PasswordTestProvider(id="python-password", display_name="Python test",
                                        protocols=Grant.ProviderProtocols.OAUTH2,
                                        token_url=base + "/token",
                                        client_auth=Grant.ClientAuth.BASIC,
                                        default_scopes=["read"])
        Grant.ProviderRegistry.get_default().register(provider)

        session = Grant.OAuth2Session.new_for_provider("python-password", "legacy-client", "legacy-secret")
        self.assertEqual(PasswordTestProvider.configured, 1)
        self.assertEqual(session.props.token_url, base + "/token")
        self.assertEqual(session.props.provider, "python-password")
        token = session.fetch_token_with_password(None, "alice", "wonderland", None, None)
        self.assertEqual(token["fixed_by"], "python provider")
        self.assertEqual(list(token.props.scope), ["read"])
        status, me = api_me(session)
        self.assertEqual(status, 200)

        ids = [p.props.id for p in Grant.ProviderRegistry.get_default().list()]
        self.assertIn("python-password", ids)
        self.assertIn("github", ids)          # a module, from GRANT_PROVIDER_PATH


class TokenTests(unittest.TestCase):
    def test_token_reads_like_a_dict(self):
        token = Grant.Token.from_dict({"access_token": "a", "expires_in": "60",
                                       "scope": "x y", "user_id": 7})
        self.assertEqual(token["access_token"], "a")
        self.assertEqual(token["user_id"], 7)
        self.assertIn("expires_at", token)
        self.assertEqual(list(token.props.scope), ["x", "y"])
        self.assertFalse(token.is_expired(0))
        self.assertTrue(token.is_expired(120))
        self.assertEqual(Grant.Token.new_from_json(token.to_json())["expires_at"], token["expires_at"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
