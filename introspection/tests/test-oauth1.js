// Grant's OAuth 1 API from GJS, against the oauthlib provider.
// Run with `gjs -m`; prints TAP.

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Soup from 'gi://Soup?version=3.0';
import Grant from 'gi://Grant?version=1';
import System from 'system';

Gio._promisify(Grant.OAuth1Session.prototype, 'fetch_request_token_async', 'fetch_request_token_finish');
Gio._promisify(Grant.OAuth1Session.prototype, 'fetch_access_token_async', 'fetch_access_token_finish');
Gio._promisify(Grant.OAuth1Session.prototype, 'send_and_read_async', 'send_and_read_finish');

const KEY = 'grant-client-key';
const SECRET = 'grant-client-secret';
const decoder = new TextDecoder();

function assert(condition, what) {
    if (!condition)
        throw new Error(`assertion failed: ${what}`);
}

function assertEqual(actual, expected, what) {
    if (actual !== expected)
        throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function startProvider() {
    const script = GLib.getenv('GRANT_OAUTH1_PROVIDER');
    const proc = Gio.Subprocess.new(['/usr/bin/python3', script, '--quiet', '--exit-on-stdin-eof'],
        Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDIN_PIPE);
    const out = new Gio.DataInputStream({base_stream: proc.get_stdout_pipe()});
    const [line] = out.read_line_utf8(null);
    assert(line && line.startsWith('READY '), `provider started (${line})`);
    return [proc, line.split(' ')[1]];
}

function authorize(url) {
    const browser = new Soup.Session();
    const msg = Soup.Message.new('GET', url);
    msg.add_flags(Soup.MessageFlags.NO_REDIRECT);
    browser.send_and_read(msg, null);
    assertEqual(msg.get_status(), 302, 'authorization redirect');
    return msg.get_response_headers().get_one('Location');
}

const tests = [];
function test(name, fn) {
    tests.push([name, fn]);
}

let base;

test('/gjs/oauth1/sign/appendix-a', () => {
    const auth = new Grant.OAuth1({
        client_key: 'dpf43f3p2l4k3l03', client_secret: 'kd94hf93k423kf44',
        token: 'nnch734d00sl2jdk', token_secret: 'pfkkdhi9sl3r4s00',
        realm: 'http://photos.example.net/',
    });
    auth.set_fixed_nonce('kllo9940pd9333jh', '1191242096');
    const headers = Soup.MessageHeaders.new(Soup.MessageHeadersType.REQUEST);
    const [ok, uri] = auth.sign('GET', 'http://photos.example.net/photos?file=vacation.jpg&size=original',
        headers, null);
    assert(ok, 'signed');
    assertEqual(uri, 'http://photos.example.net/photos?file=vacation.jpg&size=original', 'uri');
    assert(headers.get_one('Authorization').endsWith('oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D"'),
        'Appendix A signature');
});

test('/gjs/oauth1/errors-are-gerrors', () => {
    const session = Grant.OAuth1Session.new(KEY, SECRET, null);
    let caught = null;
    try {
        session.fetch_access_token(`${base}/access_token`, null, null);
    } catch (e) {
        caught = e;
    }
    assert(caught !== null, 'an error was thrown');
    assert(caught.matches(Grant.Error, Grant.Error.VERIFIER_MISSING), `VERIFIER_MISSING (${caught})`);
});

test('/gjs/oauth1/flow/blocking', () => {
    const session = Grant.OAuth1Session.new(KEY, SECRET, 'http://127.0.0.1/cb');
    const temporary = session.fetch_request_token(`${base}/request_token`, null, null);
    assertEqual(temporary['oauth_callback_confirmed'], 'true', 'callback confirmed');
    assert(!session.authorized, 'temporary credentials are not an authorization');
    const redirect = authorize(session.authorization_url(`${base}/authorize`, null, null));
    const returned = session.parse_authorization_response(redirect);
    assert('oauth_verifier' in returned, 'verifier returned');
    const access = session.fetch_access_token(`${base}/access_token`, null, null);
    assertEqual(access['user_id'], 'alice', 'user');
    assert(session.authorized, 'authorized');

    const msg = Soup.Message.new('GET', `${base}/resource?lang=js`);
    const body = session.send_and_read(msg, null, null);
    assertEqual(msg.get_status(), 200, 'resource status');
    assertEqual(JSON.parse(decoder.decode(body.toArray())).params.lang, 'js', 'resource params');
});

test('/gjs/oauth1/flow/async', async () => {
    const auth = new Grant.OAuth1({
        client_key: KEY, client_secret: SECRET, callback_uri: 'http://127.0.0.1/cb',
        signature_method: Grant.OAuth1SignatureMethod.HMAC_SHA512,
        placement: Grant.OAuth1Placement.BODY,
    });
    const session = Grant.OAuth1Session.new_with_auth(auth, null);
    const temporary = await session.fetch_request_token_async(`${base}/request_token`, null, null);
    assert('oauth_token' in temporary, 'request token');
    session.parse_authorization_response(authorize(session.authorization_url(`${base}/authorize`, null, null)));
    const access = await session.fetch_access_token_async(`${base}/access_token`, null, null);
    assertEqual(access['screen_name'], 'alice', 'screen name');

    const msg = Soup.Message.new('POST', `${base}/resource`);
    msg.get_request_headers().replace('Content-Type', 'application/x-www-form-urlencoded');
    const body = await session.send_and_read_async(msg, new GLib.Bytes(new TextEncoder().encode('a=1')), null);
    assertEqual(msg.get_status(), 200, 'resource status');
    assertEqual(JSON.parse(decoder.decode(body.toArray())).signature_type, 'BODY', 'signature in body');
});

async function main() {
    const [provider, url] = startProvider();
    base = url;
    let failed = 0;
    print(`1..${tests.length}`);
    for (const [i, [name, fn]] of tests.entries()) {
        try {
            await fn();
            print(`ok ${i + 1} ${name}`);
        } catch (e) {
            failed++;
            print(`not ok ${i + 1} ${name}`);
            printerr(`# ${e}\n${e.stack}`);
        }
    }
    provider.send_signal(15);
    provider.wait(null);
    return failed;
}

const loop = new GLib.MainLoop(null, false);
let status = 1;
main().then(failed => {
    status = failed ? 1 : 0;
}).catch(e => {
    printerr(e);
}).finally(() => loop.quit());
loop.run();
System.exit(status);
