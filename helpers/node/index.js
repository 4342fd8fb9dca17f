// @auth0-mock/testing: start (or attach to) auth0-mock and drive its control API from a test.

import fs from 'node:fs';
import { findBinary } from './lib/binary.js';
import { errorFrom, request } from './lib/http.js';
import { spawnMock, waitHealthy } from './lib/process.js';

export { findBinary, findCheckout } from './lib/binary.js';
export { Auth0MockError } from './lib/http.js';

const BINARY_START_TIMEOUT = 30_000;
// `cargo run --release` may compile the whole project first.
const CARGO_START_TIMEOUT = 15 * 60_000;
const ATTACH_TIMEOUT = 30_000;
const OUTBOX_TIMEOUT = 10_000;
// The mock holds an outbox wait for at most this long; longer waits are several requests.
const OUTBOX_MAX_WAIT_S = 60;

/**
 * Starts a mock on a free port, or attaches to a running one when `url` / `AUTH0_MOCK_URL` is
 * set. See index.d.ts for the options and the handle.
 */
export async function startMock(options = {}) {
  const env = options.env ? { ...process.env, ...options.env } : process.env;
  const controlToken = options.controlToken ?? env.AUTH0_MOCK_CONTROL_TOKEN;
  const url = options.url ?? process.env.AUTH0_MOCK_URL;
  if (url) return attach(url, options, controlToken);

  const cmd = findBinary({ binary: options.binary, env, cwd: options.cwd });
  const args = [...cmd.args, '--port', String(options.port ?? 0)];
  if (options.fixtures) args.push('--fixtures', options.fixtures);
  if (options.tls) args.push('--tls');
  if (options.args) args.push(...options.args);
  const childEnv = { ...env };
  // The binary reads the same variable, so the mock and its caller agree on the token.
  if (controlToken) childEnv.AUTH0_MOCK_CONTROL_TOKEN = controlToken;
  // These name this mock to other processes; a child mock has no use for a parent's.
  delete childEnv.AUTH0_MOCK_URL;

  const started = await spawnMock({
    command: cmd.command,
    args,
    cwd: cmd.cwd ?? options.cwd,
    env: childEnv,
    timeout: options.startTimeout ?? (cmd.source === 'cargo' ? CARGO_START_TIMEOUT : BINARY_START_TIMEOUT),
    verbose: options.verbose,
    description: cmd.description,
  });
  return makeHandle({
    baseUrl: started.issuer.replace(/\/+$/, ''),
    issuer: started.issuer,
    ca: started.ca,
    caCertPath: started.caCertPath,
    controlToken,
    child: started.child,
    output: started.output,
    stop: started.stop,
  });
}

async function attach(url, options, controlToken) {
  const baseUrl = url.replace(/\/+$/, '');
  const caCertPath = options.caCertPath ?? process.env.AUTH0_MOCK_CA;
  const ca = caCertPath ? fs.readFileSync(caCertPath) : undefined;
  try {
    await waitHealthy(baseUrl, { ca, deadline: Date.now() + (options.startTimeout ?? ATTACH_TIMEOUT) });
  } catch (e) {
    throw new Error(`auth0-mock: the mock at ${baseUrl} (AUTH0_MOCK_URL or option url) is not up: ${e.message}`);
  }
  // The issuer can differ from the address a test reaches (a container's name, --issuer).
  const discovery = await request(`${baseUrl}/.well-known/openid-configuration`, { ca });
  if (discovery.status !== 200) throw errorFrom('GET', '/.well-known/openid-configuration', discovery);
  const { issuer } = JSON.parse(discovery.text);
  return makeHandle({
    baseUrl,
    issuer,
    ca,
    caCertPath,
    controlToken,
    child: null,
    output: () => '',
    stop: async () => {},
  });
}

function makeHandle({ baseUrl, issuer, ca, caCertPath, controlToken, child, output, stop }) {
  const auth = controlToken ? { authorization: `Bearer ${controlToken}` } : {};

  async function control(method, path, body) {
    const res = await request(baseUrl + path, { method, body, ca, headers: auth });
    if (res.status >= 400) throw errorFrom(method, path, res);
    if (!res.text) return undefined;
    try {
      return JSON.parse(res.text);
    } catch {
      return res.text;
    }
  }

  function outboxQuery(filter = {}, waitSeconds) {
    const q = new URLSearchParams();
    if (filter.to) q.set('to', filter.to);
    if (filter.kind) q.set('kind', filter.kind);
    if (waitSeconds !== undefined) q.set('wait', String(waitSeconds));
    const s = q.toString();
    return `/__mock/outbox${s ? `?${s}` : ''}`;
  }
  // Accepts both answers the endpoint has had: a bare list and {"messages": [...]}.
  const messagesOf = (answer) => (Array.isArray(answer) ? answer : (answer?.messages ?? []));

  async function login(user, opts = {}) {
    const body = { user };
    if (opts.returnTo) body.return_to = opts.returnTo;
    return control('POST', '/__mock/login', body);
  }

  let stopping = null;
  const handle = {
    baseUrl,
    issuer,
    domain: new URL(baseUrl).host,
    caCertPath,
    process: child,
    output,

    stop() {
      stopping ??= stop();
      return stopping;
    },

    async reset() {
      await control('POST', '/__mock/reset');
    },

    login,

    async loginAs(target, user, opts = {}) {
      const session = await login(user, opts);
      const context = typeof target?.context === 'function' ? target.context() : target;
      if (typeof context?.addCookies === 'function') {
        await context.addCookies([session.cookie]);
      } else if (typeof target?.setCookie === 'function') {
        await target.setCookie(session.cookie);
      } else {
        throw new TypeError(
          'auth0-mock: loginAs(target, user) needs a Playwright Page or BrowserContext (or a Puppeteer Page) as target',
        );
      }
      return session;
    },

    async nextLogin(user, opts = {}) {
      return control('POST', '/__mock/login/next', { user, count: opts.count ?? 1 });
    },

    async clearNextLogin() {
      await control('DELETE', '/__mock/login/next');
    },

    async mintToken(req = {}) {
      const body = typeof req === 'string' ? { scenario: req } : { ...req };
      if ('client_id' in body) {
        if (body.client !== undefined && body.client !== body.client_id) {
          throw new TypeError('auth0-mock: mintToken got both client and client_id, and they differ');
        }
        body.client = body.client_id;
        delete body.client_id;
      }
      // The mock would quietly drop the user and mint a client_credentials token.
      if (body.user !== undefined && body.client !== undefined) {
        throw new TypeError(
          'auth0-mock: mintToken takes a user (a login token) or a client (a client_credentials token), not both',
        );
      }
      return control('POST', '/__mock/token', body);
    },

    outbox: {
      async list(filter = {}) {
        return messagesOf(await control('GET', outboxQuery(filter)));
      },

      async waitFor(filter = {}) {
        const timeout = filter.timeout ?? OUTBOX_TIMEOUT;
        const deadline = Date.now() + timeout;
        for (;;) {
          const left = Math.max(0, deadline - Date.now());
          const wait = Math.min(left / 1000, OUTBOX_MAX_WAIT_S);
          const found = messagesOf(await control('GET', outboxQuery(filter, wait.toFixed(3))));
          // Newest last; a newer reset or verification link voids the older ones.
          if (found.length > 0) return found[found.length - 1];
          if (Date.now() >= deadline) {
            const all = messagesOf(await control('GET', outboxQuery()));
            const seen = all.map((m) => `${m.kind} to ${m.to}`).join(', ') || 'none';
            throw new Error(
              `auth0-mock: no outbox message${filter.kind ? ` of kind ${filter.kind}` : ''}` +
                `${filter.to ? ` to ${filter.to}` : ''} within ${timeout} ms (the outbox holds: ${seen})`,
            );
          }
        }
      },

      async clear() {
        await control('DELETE', '/__mock/outbox');
      },
    },

    control,
  };
  if (Symbol.asyncDispose) handle[Symbol.asyncDispose] = () => handle.stop();
  return handle;
}

/** The claims of a JWT, unverified: for asserting what a token says, not for trusting it. */
export function decodeJwt(token) {
  const parts = String(token).split('.');
  if (parts.length < 2) throw new TypeError('decodeJwt: not a JWT');
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}
