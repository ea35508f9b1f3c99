// Grant's OAuth 2 API from GJS: the authorization-code flow with PKCE
// against oidc-provider, a refresh, client credentials, and a hook
// written in JavaScript. Run with `gjs -m`; prints TAP.

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
import Soup from 'gi://Soup?version=3.0';
import Grant from 'gi://Grant?version=1';
import System from 'system';

Gio._promisify(Grant.OAuth2Session.prototype, 'fetch_token_async', 'fetch_token_finish');
Gio._promisify(Grant.OAuth2Session.prototype, 'refresh_token_async', 'refresh_token_finish');
Gio._promisify(Grant.OAuth2Session.prototype, 'send_and_read_async', 'send_and_read_finish');

const CALLBACK = 'http://127.0.0.1/callback';
const decoder = new TextDecoder();
const encoder = new TextEncoder();

function assert(condition, what) {
    if (!condition)
        throw new Error(`assertion failed: ${what}`);
}

function assertEqual(actual, expected, what) {
    if (actual !== expected)
        throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function startServer() {
    const script = GLib.getenv('GRANT_OIDC_PROVIDER');
    const proc = Gio.Subprocess.new(['node', script, '--quiet', '--exit-on-stdin-eof'],
        Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDERR_SILENCE);
    const out = new Gio.DataInputStream({base_stream: proc.get_stdout_pipe()});
    const [line] = out.read_line_utf8(null);
    assert(line && line.startsWith('READY '), `oidc-provider started (${line})`);
    return [proc, line.split(' ')[1]];
}

// The user at a browser: follow redirects, keep cookies, answer the login
// and consent forms, stop at the redirect URI.
function authorize(url) {
    const browser = new Soup.Session();
    browser.add_feature_by_type(Soup.CookieJar.$gtype);
    let current = GLib.Uri.parse(url, Soup.HTTP_URI_FLAGS);
    let form = null;
    for (let step = 0; step < 20; step++) {
        const msg = Soup.Message.new_from_uri(form ? 'POST' : 'GET', current);
        if (form)
            msg.set_request_body_from_bytes('application/x-www-form-urlencoded', new GLib.Bytes(encoder.encode(form)));
        form = null;
        msg.add_flags(Soup.MessageFlags.NO_REDIRECT);
        const body = decoder.decode(browser.send_and_read(msg, null).toArray());
        const status = msg.get_status();
        if (status >= 300 && status < 400) {
            current = current.parse_relative(msg.get_response_headers().get_one('Location'),
                Soup.HTTP_URI_FLAGS);
            const where = current.to_string();
            if (where.startsWith(CALLBACK))
                return where;
            continue;
        }
        const prompt = /name="prompt"\s+value="([a-z_]+)"/.exec(body);
        assert(status === 200 && prompt, `an interaction form (HTTP ${status})`);
        form = prompt[1] === 'login' ? 'prompt=login&login=alice&password=x' : `prompt=${prompt[1]}`;
    }
    throw new Error('the authorization never reached the redirect URI');
}

async function apiMe(session, base) {
    const msg = Soup.Message.new('GET', `${base}/api/me`);
    const body = await session.send_and_read_async(msg, null, Grant.SendFlags.NONE, null);
    return [msg.get_status(), JSON.parse(decoder.decode(body.toArray()) || 'null')];
}

const tests = [];
function test(name, fn) {
    tests.push([name, fn]);
}

let base;

test('/gjs/oauth2/code-flow/pkce-refresh-and-request', async () => {
    const session = Grant.OAuth2Session.new('public-pkce', null);
    session.client_auth = Grant.ClientAuth.NONE;
    session.redirect_uri = CALLBACK;
    session.scope = ['openid', 'api:read'];
    session.issuer = base;
    session.allow_insecure_transport = true;
    let updates = 0;
    session.connect('token-updated', () => updates++);

    const [url, state] = session.authorization_url(`${base}/auth`, null, null);
    assert(url.includes('code_challenge_method=S256'), 'S256 challenge');
    assertEqual(state, session.state, 'state kept');
    assert(session.code_verifier.length >= 43, 'verifier readable');

    const callback = authorize(url);
    const token = await session.fetch_token_async(`${base}/token`, callback, null, null, null);
    assert(token.access_token, 'access token');
    assert(token.refresh_token, 'refresh token');

    let [status, me] = await apiMe(session, base);
    assertEqual(status, 200, 'api/me status');
    assertEqual(me.sub, 'alice', 'subject');

    const refreshed = await session.refresh_token_async(null, null, null);
    assert(refreshed.refresh_token !== token.refresh_token, 'rotated refresh token');
    assertEqual(updates, 2, 'token-updated once per token');
    [status] = await apiMe(session, base);
    assertEqual(status, 200, 'api/me after refresh');
});

test('/gjs/oauth2/errors/state-mismatch', async () => {
    const session = Grant.OAuth2Session.new('public-pkce', null);
    session.allow_insecure_transport = true;
    session.authorization_url(`${base}/auth`, 'expected-state', null);
    let caught = null;
    try {
        await session.fetch_token_async(`${base}/token`, `${CALLBACK}?code=x&state=forged`, null, null, null);
    } catch (e) {
        caught = e;
    }
    assert(caught && caught.matches(Grant.Error, Grant.Error.MISMATCHING_STATE), `MISMATCHING_STATE (${caught})`);
});

test('/gjs/oauth2/hook/js-rewrites-the-token-response', async () => {
    const session = Grant.OAuth2Session.new_for_client_type(Grant.ClientType.BACKEND_APPLICATION,
        'backend', 'backend-secret');
    session.scope = ['api:read'];
    session.allow_insecure_transport = true;
    session.connect('access-token-response', (_session, response) => {
        const token = response.get_json();
        token.set_string_member('rewritten_by', 'gjs');
        response.set_json(token);
    });
    const token = await session.fetch_token_async(`${base}/token`, null, null, null, null);
    assertEqual(token.get_extra_string('rewritten_by'), 'gjs', 'hook change reached the parser');
    const [status, me] = await apiMe(session, base);
    assertEqual(status, 200, 'api/me status');
    assertEqual(me.client_id, 'backend', 'client credentials token');
});

test('/gjs/oauth2/store/memory-store-new-session-picks-up', async () => {
    const store = Grant.MemoryStore.new();
    const make = () => {
        const session = Grant.OAuth2Session.new_for_client_type(Grant.ClientType.BACKEND_APPLICATION,
            'backend', 'backend-secret');
        session.scope = ['api:read'];
        session.allow_insecure_transport = true;
        session.token_store = store;
        session.provider = 'oidc-test';
        session.account = 'service';
        return session;
    };
    const first = make();
    const token = await first.fetch_token_async(`${base}/token`, null, null, null, null);
    const second = make();
    assert(!second.authorized, 'nothing loaded yet');
    const [status] = await apiMe(second, base);
    assertEqual(status, 200, 'api/me with the stored token');
    assertEqual(second.token.access_token, token.access_token, 'same token');
    assertEqual(store.list(null).length, 1, 'one stored token');
    second.logout(null);
    assertEqual(store.list(null).length, 0, 'logout deletes it');
});

test('/gjs/oauth2/provider/written-in-javascript', async () => {
    const ClientCredentialsProvider = GObject.registerClass(
        class ClientCredentialsProvider extends Grant.Provider {
            vfunc_configure_oauth2_session(session) {
                session.client_type = Grant.ClientType.BACKEND_APPLICATION;
                session.allow_insecure_transport = true;
                session.connect('access-token-response', (_s, response) => {
                    const token = response.get_json();
                    token.set_string_member('fixed_by', 'gjs provider');
                    response.set_json(token);
                });
            }
        });
    const provider = new ClientCredentialsProvider({
        id: 'gjs-backend', display_name: 'GJS test',
        protocols: Grant.ProviderProtocols.OAUTH2,
        token_url: `${base}/token`,
        default_scopes: ['api:read'],
    });
    Grant.ProviderRegistry.get_default().register(provider);
    const session = Grant.OAuth2Session.new_for_provider('gjs-backend', 'backend', 'backend-secret');
    assertEqual(session.provider, 'gjs-backend', 'provider id on the session');
    const token = await session.fetch_token_async(null, null, null, null, null);
    assertEqual(token.get_extra_string('fixed_by'), 'gjs provider', 'the provider fix ran');
    const [status] = await apiMe(session, base);
    assertEqual(status, 200, 'api/me');
});

async function main() {
    const [server, url] = startServer();
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
    server.send_signal(15);
    server.wait(null);
    return failed;
}

const loop = new GLib.MainLoop(null, false);
let status = 1;
main().then(failed => {
    status = failed ? 1 : 0;
}).catch(e => printerr(e)).finally(() => loop.quit());
loop.run();
System.exit(status);
