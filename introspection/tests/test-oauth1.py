#!/usr/bin/python3
"""Grant's OAuth 1 API from PyGObject, against the oauthlib provider."""

import json
import os
import subprocess
import sys
import unittest

import gi
gi.require_version("Grant", "1")
gi.require_version("Soup", "3.0")
from gi.repository import GLib, Grant, Soup  # noqa: E402

PROVIDER = os.environ["GRANT_OAUTH1_PROVIDER"]
KEY, SECRET = "grant-client-key", "grant-client-secret"


def setUpModule():
    global provider, base
    provider = subprocess.Popen(["/usr/bin/python3", PROVIDER, "--quiet", "--exit-on-stdin-eof"],
                                stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
    line = provider.stdout.readline()
    assert line.startswith("READY "), line
    base = line.split()[1]


def tearDownModule():
    provider.terminate()
    provider.wait(10)


def authorize(url):
    """Plays the user: returns where the provider sends the browser."""
    browser = Soup.Session()
    msg = Soup.Message.new("GET", url)
    msg.add_flags(Soup.MessageFlags.NO_REDIRECT)
    browser.send_and_read(msg, None)
    assert msg.get_status() == 302, msg.get_status()
    return msg.get_response_headers().get_one("Location")


class SignTests(unittest.TestCase):
    def test_sign_matches_oauth_core_appendix_a(self):
        auth = Grant.OAuth1(client_key="dpf43f3p2l4k3l03", client_secret="kd94hf93k423kf44",
                            token="nnch734d00sl2jdk", token_secret="pfkkdhi9sl3r4s00",
                            realm="http://photos.example.net/")
        auth.set_fixed_nonce("kllo9940pd9333jh", "1191242096")
        headers = Soup.MessageHeaders.new(Soup.MessageHeadersType.REQUEST)
        ok, uri, body = auth.sign("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original",
                                  headers, None)
        self.assertTrue(ok)
        self.assertIsNone(body)
        self.assertEqual(uri, "http://photos.example.net/photos?file=vacation.jpg&size=original")
        self.assertIn('oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D"',
                      headers.get_one("Authorization"))

    def test_body_placement_rewrites_the_body(self):
        auth = Grant.OAuth1(client_key="client_key", placement=Grant.OAuth1Placement.BODY)
        auth.set_fixed_nonce("14205877133089081931378988215", "1378988215")
        headers = Soup.MessageHeaders.new(Soup.MessageHeadersType.REQUEST)
        headers.replace("Content-Type", "application/x-www-form-urlencoded")
        ok, uri, body = auth.sign("POST", "http://i.b/path", headers, GLib.Bytes.new(b"a=b"))
        self.assertTrue(body.get_data().decode().endswith("oauth_signature=2JAQomgbShqoscqKWBiYQZwWq94%3D"))

    def test_errors_are_gerrors_in_the_grant_domain(self):
        auth = Grant.OAuth1(client_key="ck", signature_method=Grant.OAuth1SignatureMethod.RSA_SHA1)
        headers = Soup.MessageHeaders.new(Soup.MessageHeadersType.REQUEST)
        with self.assertRaises(GLib.Error) as caught:
            auth.sign("GET", "https://a.b/", headers, None)
        self.assertTrue(caught.exception.matches(Grant.error_quark(), Grant.Error.INVALID_KEY))


class FlowTests(unittest.TestCase):
    def dance(self, session):
        temporary = session.fetch_request_token(base + "/request_token", None, None)
        self.assertEqual(temporary["oauth_callback_confirmed"], "true")
        self.assertFalse(session.props.authorized)
        redirect = authorize(session.authorization_url(base + "/authorize", None, None))
        returned = session.parse_authorization_response(redirect)
        self.assertIn("oauth_verifier", returned)
        access = session.fetch_access_token(base + "/access_token", None, None)
        self.assertEqual(access["user_id"], "alice")
        self.assertTrue(session.props.authorized)

    def test_three_legged_flow_blocking(self):
        session = Grant.OAuth1Session.new(KEY, SECRET, "http://127.0.0.1/cb")
        self.dance(session)
        msg = Soup.Message.new("GET", base + "/resource?q=python")
        body = session.send_and_read(msg, None, None)
        self.assertEqual(msg.get_status(), 200)
        self.assertEqual(json.loads(body.get_data())["params"]["q"], "python")

        # The token round-trips through a dict for storage.
        saved = session.get_token()
        restored = Grant.OAuth1Session.new(KEY, SECRET, None)
        restored.set_token(saved)
        self.assertTrue(restored.props.authorized)
        msg = Soup.Message.new("GET", base + "/resource")
        restored.send_and_read(msg, None, None)
        self.assertEqual(msg.get_status(), 200)

    def test_three_legged_flow_async(self):
        auth = Grant.OAuth1(client_key=KEY, client_secret=SECRET, callback_uri="http://127.0.0.1/cb",
                            signature_method=Grant.OAuth1SignatureMethod.HMAC_SHA256,
                            placement=Grant.OAuth1Placement.QUERY)
        session = Grant.OAuth1Session.new_with_auth(auth, None)
        loop = GLib.MainLoop()
        results = {}

        def done(source, result, key, finish):
            try:
                results[key] = finish(result)
            except GLib.Error as e:
                results[key] = e
            loop.quit()

        session.fetch_request_token_async(base + "/request_token", None, None, done,
                                          "request", session.fetch_request_token_finish)
        loop.run()
        self.assertIn("oauth_token", results["request"])
        session.parse_authorization_response(
            authorize(session.authorization_url(base + "/authorize", None, None)))
        session.fetch_access_token_async(base + "/access_token", None, None, done,
                                         "access", session.fetch_access_token_finish)
        loop.run()
        self.assertEqual(results["access"]["user_id"], "alice")

        msg = Soup.Message.new("POST", base + "/resource")
        msg.get_request_headers().replace("Content-Type", "application/x-www-form-urlencoded")
        session.send_and_read_async(msg, GLib.Bytes.new(b"lang=py"), None, done,
                                    "resource", session.send_and_read_finish)
        loop.run()
        self.assertEqual(msg.get_status(), 200)
        self.assertEqual(json.loads(results["resource"].get_data())["params"]["lang"], "py")

    def test_refused_request_token(self):
        session = Grant.OAuth1Session.new(KEY, "wrong-secret", "http://127.0.0.1/cb")
        with self.assertRaises(GLib.Error) as caught:
            session.fetch_request_token(base + "/request_token", None, None)
        self.assertTrue(caught.exception.matches(Grant.error_quark(), Grant.Error.TOKEN_REQUEST_DENIED))
        self.assertIn("401", caught.exception.message)
        self.assertNotIn("wrong-secret", caught.exception.message)


if __name__ == "__main__":
    unittest.main(verbosity=2)
