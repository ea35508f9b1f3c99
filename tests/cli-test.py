#!/usr/bin/python3
"""The `grant` command as a person runs it."""

import os
import subprocess
import sys
import unittest

GRANT = os.environ.get("GRANT_TOOL", "grant")


def run(*args, env=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([GRANT, *args], capture_output=True, text=True,
                          timeout=60, env=full_env)


class SignTests(unittest.TestCase):
    APPENDIX_A = ["-k", "dpf43f3p2l4k3l03", "-t", "nnch734d00sl2jdk",
                  "--realm", "http://photos.example.net/",
                  "--nonce", "kllo9940pd9333jh", "--timestamp", "1191242096",
                  "GET", "http://photos.example.net/photos?file=vacation.jpg&size=original"]

    def test_header_matches_oauth_core_appendix_a(self):
        # Secrets from the environment, as the help recommends.
        r = run("oauth1", "sign", *self.APPENDIX_A,
                env={"GRANT_CLIENT_SECRET": "kd94hf93k423kf44",
                     "GRANT_TOKEN_SECRET": "pfkkdhi9sl3r4s00"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D"', r.stdout)
        self.assertTrue(r.stdout.splitlines()[1].startswith(
            'Authorization: OAuth realm="http://photos.example.net/", oauth_nonce='))

    def test_curl_line_for_body_placement(self):
        r = run("oauth1", "sign", "-k", "client_key", "-p", "body",
                "--nonce", "14205877133089081931378988215", "--timestamp", "1378988215",
                "-d", "a=b", "--curl", "POST", "http://i.b/path")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("oauth_signature=2JAQomgbShqoscqKWBiYQZwWq94%3D", r.stdout)
        self.assertTrue(r.stdout.startswith("curl -X 'POST' -H 'Content-Type: application/x-www-form-urlencoded'"))

    def test_raw_url_is_encoded_before_signing(self):
        r = run("oauth1", "sign", "-k", "client_key", "--nonce", "abc", "--timestamp", "1",
                "GET", "http://a.b/path?a[]=1&q=hello world&r=\u00e9")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("GET http://a.b/path?a%5B%5D=1&q=hello%20world&r=%C3%A9", r.stdout)
        self.assertIn("Cm%2FXRDvh53C0E4w22YeVcFFai9w%3D", r.stdout)

    def test_unknown_method_is_a_clear_error(self):
        r = run("oauth1", "sign", "-k", "ck", "-m", "HMAC-MD5", "GET", "https://a.b/")
        self.assertEqual(r.returncode, 2)
        self.assertIn("HMAC-MD5", r.stderr)
        self.assertIn("HMAC-SHA256", r.stderr)

    def test_get_with_form_body_is_refused(self):
        r = run("oauth1", "sign", "-k", "ck", "-d", "a=1", "GET", "https://a.b/")
        self.assertEqual(r.returncode, 1)
        self.assertIn("GET", r.stderr)

    def test_missing_client_key(self):
        env = {k: v for k, v in os.environ.items() if k != "GRANT_CLIENT_KEY"}
        r = subprocess.run([GRANT, "oauth1", "sign", "GET", "https://a.b/"],
                           capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("client key", r.stderr)


class DemoTests(unittest.TestCase):
    def test_demo_runs_the_three_legged_flow(self):
        r = run("demo")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("authorized: no", r.stdout)
        self.assertIn("authorized: yes", r.stdout)
        self.assertIn("The provider verified the signature: user=alice, method=HMAC-SHA1", r.stdout)
        # The verifier and the secrets are masked.
        self.assertNotRegex(r.stdout, r"oauth_verifier=[A-Za-z0-9]{20}")

    def test_demo_runs_the_oauth2_flows(self):
        r = run("demo", "--oauth2")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("code_challenge_method=S256", r.stdout)
        self.assertRegex(r.stdout, r"/api/me .* HTTP 200 \{\"sub\":\"alice\"")
        # The automatic refresh announced a new token before the request went on.
        refresh = r.stdout.split("Automatic refresh")[1]
        self.assertIn("token-updated", refresh.split("GET")[0])
        self.assertIn('"client_id":"backend"', r.stdout)
        # The code in the callback URL is masked.
        self.assertIn("code=****", r.stdout)

    def test_demo_with_plaintext(self):
        r = run("demo", "--oauth1", "--signature-method", "PLAINTEXT")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("method=PLAINTEXT", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
