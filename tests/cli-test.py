#!/usr/bin/python3
"""The `grant` command as a person runs it."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
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


class ProvidersCommandTests(unittest.TestCase):
    def test_list_shows_the_modules(self):
        r = run("providers")
        self.assertEqual(r.returncode, 0, r.stderr)
        line = [l for l in r.stdout.splitlines() if l.startswith("github ")]
        self.assertEqual(len(line), 1, r.stdout)
        self.assertIn("GitHub", line[0])
        self.assertIn("https://github.com/login/oauth/access_token", line[0])

    def test_show_one(self):
        r = run("providers", "show", "github")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("GitHub (github)"))
        self.assertRegex(r.stdout, r"authorization +https://github.com/login/oauth/authorize")
        self.assertRegex(r.stdout, r"PKCE +s256")

    def test_unknown_provider(self):
        r = run("providers", "show", "no-such-provider")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no-such-provider", r.stderr)

    def test_no_modules_is_said(self):
        r = run("providers", env={"GRANT_PROVIDER_PATH": "/nonexistent"})
        # The installed directory may hold modules; either way nothing crashes.
        self.assertIn(r.returncode, (0, 1))


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


class TokenCommandTests(unittest.TestCase):
    """`grant token` against a GrantFileStore in a temporary directory,
    seeded by writing the store's file format directly."""

    GH_ACCESS = "gho_16C7e42F292c6912E7710c838347Ae178B4a"
    GH_REFRESH = "ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c3"
    GH2_ACCESS = "gho_SecondClientAccessToken0123456789"
    TW_TOKEN = "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"
    TW_SECRET = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
    SECRETS = (GH_ACCESS, GH_REFRESH, GH2_ACCESS, TW_TOKEN, TW_SECRET)

    # The locale decides how "…" is printed; the tests expect UTF-8.
    ENV = {"LC_ALL": "C.UTF-8"}

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="grant-cli-token-")
        self.path = os.path.join(self.dir, "tokens.json")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    @staticmethod
    def entry(protocol, provider, client_id, account, token):
        return {"protocol": protocol, "provider": provider, "client_id": client_id,
                "account": account, "token": token}

    def seed(self, *entries, path=None):
        path = path or self.path
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"version": 1, "tokens": list(entries)}, f)
        os.chmod(path, 0o600)

    def seed_standard(self):
        self.seed(
            self.entry("oauth2", "github", "app-one", "alice",
                       {"access_token": self.GH_ACCESS, "token_type": "Bearer",
                        "refresh_token": self.GH_REFRESH, "expires_at": 1893456000,
                        "scope": "repo read:user"}),
            self.entry("oauth2", "gitlab", "gl-app", "alice",
                       {"access_token": "glpat-expired-token-000000000", "token_type": "Bearer",
                        "expires_at": 1000000000}),
            self.entry("oauth1", "twitter", "tw-key", "bob",
                       {"oauth_token": self.TW_TOKEN, "oauth_token_secret": self.TW_SECRET}),
        )

    def token(self, *args, env=None):
        full = dict(self.ENV)
        full.update(env or {})
        return run("token", *args, env=full)

    def assertNoSecrets(self, r):
        for secret in self.SECRETS:
            self.assertNotIn(secret, r.stdout)
            self.assertNotIn(secret, r.stderr)

    def text(self):
        with open(self.path, encoding="utf-8") as f:
            return f.read()

    def stored(self):
        with open(self.path, encoding="utf-8") as f:
            return json.load(f)["tokens"]

    def test_list_one_line_per_token(self):
        self.seed_standard()
        r = self.token("list", "--file", self.path)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 3, r.stdout)
        github = next(l for l in lines if "github" in l)
        gitlab = next(l for l in lines if "gitlab" in l)
        twitter = next(l for l in lines if "twitter" in l)
        for line, words in ((github, ["oauth2", "alice", "app-one"]),
                            (gitlab, ["oauth2", "alice", "gl-app"]),
                            (twitter, ["oauth1", "bob", "tw-key"])):
            for word in words:
                self.assertIn(word, line)
        self.assertIn("expires 2030-01-01 00:00:00 UTC", github)
        self.assertIn("expired 2001-09-09", gitlab)
        self.assertNotIn("expire", twitter)
        self.assertNoSecrets(r)

    def test_expiry_read_as_the_library_reads_it(self):
        # A numeric string is an expiry to GrantToken; the tool agrees.
        self.seed(self.entry("oauth2", "github", "app-one", "alice",
                             {"access_token": self.GH_ACCESS, "token_type": "Bearer",
                              "expires_at": "1893456000"}))
        r = self.token("list", "--file", self.path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("expires 2030-01-01 00:00:00 UTC", r.stdout)
        r = self.token("show", "github", "alice", "--file", self.path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1893456000 (2030-01-01 00:00:00 UTC, in ", r.stdout)
        self.assertNoSecrets(r)

    def test_list_without_a_file_is_empty(self):
        r = self.token("list", "--file", self.path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertFalse(os.path.exists(self.path))

    def test_show_masks_tokens(self):
        self.seed_standard()
        r = self.token("show", "github", "alice", "--file", self.path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNoSecrets(r)
        self.assertIn("gho_\u2026(40 characters)", r.stdout)
        self.assertIn("ghr_\u2026(47 characters)", r.stdout)
        self.assertRegex(r.stdout, r"(?m)^Protocol:\s+OAuth 2$")
        self.assertRegex(r.stdout, r"(?m)^Provider:\s+github$")
        self.assertRegex(r.stdout, r"(?m)^Account:\s+alice$")
        self.assertRegex(r.stdout, r"(?m)^Client id:\s+app-one$")
        self.assertRegex(r.stdout, r"(?m)^token_type:\s+Bearer$")
        self.assertRegex(r.stdout, r"(?m)^scope:\s+repo read:user$")
        self.assertIn("2030-01-01 00:00:00 UTC", r.stdout)

    def test_show_masks_oauth1_token_and_secret(self):
        self.seed_standard()
        r = self.token("show", "twitter", "bob", "--file", self.path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNoSecrets(r)
        self.assertIn("3707\u2026(50 characters)", r.stdout)
        self.assertIn("Lsww\u2026(41 characters)", r.stdout)
        self.assertRegex(r.stdout, r"(?m)^Protocol:\s+OAuth 1$")

    def test_show_reveal(self):
        self.seed_standard()
        r = self.token("show", "github", "alice", "--reveal", "--file", self.path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(self.GH_ACCESS, r.stdout)
        self.assertIn(self.GH_REFRESH, r.stdout)
        self.assertNotIn("characters)", r.stdout)

    def test_show_masks_short_and_nested_secrets(self):
        self.seed(self.entry("oauth2", "odd", "c", "a",
                             {"access_token": "abc12", "token_type": "Bearer",
                              "extra": {"refresh_token": "nested-refresh-SECRET", "n": 1}}))
        r = self.token("show", "odd", "a", "--file", self.path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("abc12", r.stdout)
        self.assertNotIn("nested-refresh-SECRET", r.stdout)
        self.assertIn("(5 characters)", r.stdout)

    def test_several_client_ids_are_all_shown_and_said(self):
        self.seed_standard()
        entries = self.stored()
        entries.append(self.entry("oauth2", "github", "app-two", "alice",
                                  {"access_token": self.GH2_ACCESS, "token_type": "Bearer"}))
        self.seed(*entries)
        r = self.token("show", "github", "alice", "--file", self.path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNoSecrets(r)
        self.assertIn("2 tokens", r.stdout)
        self.assertRegex(r.stdout, r"(?m)^Client id:\s+app-one$")
        self.assertRegex(r.stdout, r"(?m)^Client id:\s+app-two$")

        r = self.token("delete", "github", "alice", "--file", self.path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 tokens", r.stdout)
        self.assertIn("app-one", r.stdout)
        self.assertIn("app-two", r.stdout)
        left = {(e["provider"], e["client_id"]) for e in self.stored()}
        self.assertEqual(left, {("gitlab", "gl-app"), ("twitter", "tw-key")})

    def test_client_id_narrows(self):
        self.seed_standard()
        entries = self.stored()
        entries.append(self.entry("oauth2", "github", "app-two", "alice",
                                  {"access_token": self.GH2_ACCESS}))
        self.seed(*entries)
        r = self.token("delete", "github", "alice", "--client-id", "app-two", "--file", self.path)
        self.assertEqual(r.returncode, 0, r.stderr)
        left = {(e["provider"], e["client_id"]) for e in self.stored()}
        self.assertIn(("github", "app-one"), left)
        self.assertNotIn(("github", "app-two"), left)

    def test_delete(self):
        self.seed_standard()
        r = self.token("delete", "twitter", "bob", "--file", self.path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNoSecrets(r)
        self.assertIn("twitter", r.stdout)
        left = [(e["provider"], e["account"]) for e in self.stored()]
        self.assertEqual(sorted(left), [("github", "alice"), ("gitlab", "alice")])
        self.assertEqual(os.stat(self.path).st_mode & 0o777, 0o600)
        r = self.token("list", "--file", self.path)
        self.assertEqual(len(r.stdout.splitlines()), 2)
        self.assertNotIn("twitter", r.stdout)

    def test_not_found(self):
        self.seed_standard()
        before = self.text()
        for command in ("show", "delete"):
            r = self.token(command, "github", "carol", "--file", self.path)
            self.assertEqual(r.returncode, 1, command)
            self.assertEqual(r.stdout, "")
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn("github", r.stderr)
            self.assertIn("carol", r.stderr)
        self.assertEqual(self.text(), before)

    def test_corrupt_file_is_an_error_and_left_alone(self):
        garbage = '{"version": 1, "tokens": [ {"protocol": "oauth2", "tok'
        with open(self.path, "w") as f:
            f.write(garbage)
        for args in (["list"], ["show", "github", "alice"], ["delete", "github", "alice"]):
            r = self.token(*args, "--file", self.path)
            self.assertEqual(r.returncode, 1, args)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn(self.path, r.stderr)
        with open(self.path) as f:
            self.assertEqual(f.read(), garbage)

    def test_usage_errors(self):
        for args in ([], ["frobnicate"], ["show", "github"], ["delete"], ["list", "extra"],
                     ["list", "--store=nowhere"], ["list", "--store=keyring", "--file", self.path],
                     ["list", "--no-such-option"], ["delete", "github", "alice", "--reveal"]):
            r = self.token(*args)
            self.assertEqual(r.returncode, 2, (args, r.stdout, r.stderr))
            self.assertNotEqual(r.stderr.strip(), "", args)

    def test_keyring_missing(self):
        r = self.token("list", "--store=keyring",
                       env={"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/grant-bus"})
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertRegex(r.stderr, r"(?i)keyring|secret service")

    def test_default_store_without_keyring_is_the_state_file(self):
        state = os.path.join(self.dir, "state")
        os.makedirs(os.path.join(state, "grant"))
        self.seed_standard()
        shutil.copy(self.path, os.path.join(state, "grant", "tokens.json"))
        env = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/grant-bus", "XDG_STATE_HOME": state}
        for args in (["list"], ["list", "--store=default"], ["list", "--store=file"]):
            r = self.token(*args, env=env)
            self.assertEqual(r.returncode, 0, (args, r.stderr))
            self.assertEqual(len(r.stdout.splitlines()), 3, (args, r.stdout))


if __name__ == "__main__":
    unittest.main(verbosity=2)
