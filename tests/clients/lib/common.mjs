// Shared helpers for the real-client scripts.
//
// Every script reads its configuration from environment variables, prints one
// line per step on stdout and, on failure, prints a block on stderr that says
// which client, which step, what was sent and what the mock answered, then
// exits with status 1.

import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';

/** Default tenant values (see the embedded tenant of auth0-mock). */
export const TENANT = {
  audience: 'https://api.auth0-mock.test',
  realm: 'Username-Password-Authentication',
  spa: { clientId: 'auth0-mock-spa' },
  web: { clientId: 'auth0-mock-web', clientSecret: 'auth0-mock-web-secret' },
  m2m: { clientId: 'auth0-mock-m2m', clientSecret: 'auth0-mock-m2m-secret', scopes: ['read:users', 'write:users'] },
  users: {
    alice: { email: 'alice@example.com', password: 'alice-password', userId: 'auth0|alice', name: 'Alice Liddell', roles: ['user'],
      // Her TOTP authenticator (users.json "mfa", mock-only): tests compute her codes with totp().
      totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
    bob: { email: 'bob@example.com', password: 'bob-password', userId: 'auth0|bob', roles: ['user'] },
    admin: { email: 'admin@example.com', password: 'admin-password', userId: 'auth0|admin', roles: ['admin', 'user'] },
  },
  hasuraNamespace: 'https://hasura.io/jwt/claims',
};

/** Error carrying the exchange with the mock, printed by `fail`. */
export class CheckError extends Error {
  constructor(message, details = {}) {
    super(message);
    this.name = 'CheckError';
    this.details = details;
  }
}

/** Reads the common MOCK_* variables. */
export function mockEnv() {
  const baseUrl = requireEnv('MOCK_BASE_URL').replace(/\/+$/, '');
  const issuer = process.env.MOCK_ISSUER || `${baseUrl}/`;
  const url = new URL(baseUrl);
  return {
    baseUrl,
    issuer,
    // What Auth0 SDKs call the "domain": host[:port], no scheme.
    domain: url.host,
    ca: process.env.MOCK_CA || null,
    jwksUrl: `${baseUrl}/.well-known/jwks.json`,
  };
}

export function requireEnv(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`FAIL: environment variable ${name} is required`);
    process.exit(2);
  }
  return v;
}

/** Runner that names the client, numbers the steps and reports failures. */
export function runner(client) {
  let current = null;
  const log = (...a) => console.log(`[${client}]`, ...a);
  return {
    log,
    /** Runs one named step; a throw fails the whole script with details. */
    async step(name, fn) {
      current = name;
      const t0 = Date.now();
      try {
        const r = await fn();
        log(`ok   ${name} (${Date.now() - t0} ms)`);
        return r;
      } catch (e) {
        fail(client, name, e);
      }
    },
    /** Runs the whole script body, catching anything outside steps. */
    async main(fn) {
      try {
        await fn();
        log('all checks passed');
        process.exit(0);
      } catch (e) {
        fail(client, current ?? '(setup)', e);
      }
    },
  };
}

export function fail(client, step, e) {
  const lines = [`FAIL [${client}] step "${step}": ${e?.message ?? e}`];
  if (e instanceof CheckError) {
    for (const [k, v] of Object.entries(e.details)) lines.push(`  ${k}: ${fmt(v)}`);
  } else if (e && typeof e === 'object') {
    // SDK errors keep the mock's answer in various properties.
    for (const k of ['name', 'code', 'error', 'error_description', 'status', 'statusCode', 'body', 'headers', 'response']) {
      if (e[k] !== undefined) lines.push(`  ${k}: ${fmt(e[k])}`);
    }
    if (e.cause !== undefined) lines.push(`  cause: ${causeChain(e)}`);
    if (e.stack) lines.push(`  stack: ${e.stack.split('\n').slice(1, 6).join('\n         ')}`);
  }
  console.error(lines.join('\n'));
  process.exit(1);
}

/** "msg <- cause msg (CODE) <- ..." for errors wrapped by fetch/undici/SDKs. */
export function causeChain(e) {
  const parts = [];
  for (let c = e?.cause, i = 0; c && i < 5; c = c.cause, i++) {
    parts.push(typeof c === 'object' ? `${c.message ?? ''}${c.code ? ` (${c.code})` : ''}` : String(c));
  }
  return parts.join(' <- ') || undefined;
}

/** An SDK error (AuthApiError / ResponseError keep the mock's status and body) as a CheckError. */
export function sdkError(what, e) {
  return new CheckError(`${what}: ${e.constructor?.name ?? 'Error'}: ${e.message}`, {
    error: e.error,
    error_description: e.error_description,
    'mock status': e.statusCode,
    'mock body': e.body,
    cause: causeChain(e),
  });
}

/** Awaits an SDK call that must succeed; a failure names the step and what the mock answered. */
export async function sdk(what, fn) {
  try { return await fn(); } catch (e) { throw sdkError(what, e); }
}

/** Awaits an SDK call that must reject; returns the SDK's error. */
export async function rejection(what, fn) {
  let value;
  try { value = await fn(); } catch (e) { return e; }
  throw new CheckError(`${what} succeeded but should have been refused`, { data: value?.data });
}

export function fmt(v) {
  if (typeof v === 'string') return v.length > 4000 ? v.slice(0, 4000) + '…(truncated)' : v;
  if (v instanceof Headers) return JSON.stringify(Object.fromEntries(v.entries()));
  return inspect(v, { depth: 4, breakLength: 160, maxStringLength: 4000 });
}

/** Throws a CheckError unless `cond`. */
export function check(cond, message, details) {
  if (!cond) throw new CheckError(message, details);
}

export function eq(actual, expected, what, details = {}) {
  if (actual !== expected) {
    throw new CheckError(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`, details);
  }
}

/**
 * Plain HTTP call that keeps the whole exchange for error reports.
 * Returns { status, headers, text, json, request }.
 */
export async function http(method, url, { form, json, headers = {} } = {}) {
  const h = { ...headers };
  let body;
  if (form) {
    h['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  } else if (json) {
    h['content-type'] = 'application/json';
    body = JSON.stringify(json);
  }
  const request = `${method} ${url}${body ? `  body: ${redact(body)}` : ''}`;
  let res;
  try {
    res = await fetch(url, { method, headers: h, body, redirect: 'manual' });
  } catch (e) {
    throw new CheckError(`request failed: ${e.message} <- ${causeChain(e)}`, { request });
  }
  const text = await res.text();
  let parsed;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
  return { status: res.status, headers: res.headers, text, json: parsed, request };
}

function redact(s) {
  return s.replace(/(password|client_secret)=[^&]*/g, '$1=***').replace(/("(?:password|client_secret)":)"[^"]*"/g, '$1"***"');
}

/** POST /oauth/token with a form body; throws with the exchange unless 200 + JSON. */
export async function tokenRequest(env, form) {
  const r = await http('POST', `${env.baseUrl}/oauth/token`, { form });
  check(r.status === 200 && r.json && typeof r.json.access_token === 'string',
    `/oauth/token (${form.grant_type}) did not return 200 with an access_token`,
    { request: r.request, 'mock answered': `${r.status} ${fmt(Object.fromEntries(r.headers.entries()))}\n    ${r.text}` });
  return r.json;
}

export async function clientCredentialsToken(env) {
  return tokenRequest(env, {
    grant_type: 'client_credentials',
    client_id: TENANT.m2m.clientId,
    client_secret: TENANT.m2m.clientSecret,
    audience: TENANT.audience,
  });
}

/** A Management API token of the default M2M client (every scope of its grant). */
export async function managementToken(env) {
  const t = await tokenRequest(env, {
    grant_type: 'client_credentials',
    client_id: TENANT.m2m.clientId,
    client_secret: TENANT.m2m.clientSecret,
    audience: `${env.baseUrl}/api/v2/`,
  });
  return t.access_token;
}

export async function passwordToken(env, user = TENANT.users.alice, scope = 'openid profile email') {
  return tokenRequest(env, {
    grant_type: 'password',
    client_id: TENANT.web.clientId,
    client_secret: TENANT.web.clientSecret,
    username: user.email,
    password: user.password,
    audience: TENANT.audience,
    scope,
  });
}

/** Decodes a JWT without verifying it (for error messages and claim checks). */
export function decodeJwt(token) {
  try {
    const [h, p] = token.split('.');
    return {
      header: JSON.parse(Buffer.from(h, 'base64url').toString()),
      payload: JSON.parse(Buffer.from(p, 'base64url').toString()),
    };
  } catch {
    return { header: null, payload: null, raw: token };
  }
}

/** A token-endpoint body with its JWTs shown decoded (for failure reports). */
export function showTokens(body) {
  if (!body || typeof body !== 'object') return body;
  const out = { ...body };
  for (const k of ['access_token', 'id_token']) {
    if (typeof out[k] === 'string' && out[k].split('.').length === 3) out[k] = { 'JWT (decoded)': decodeJwt(out[k]) };
  }
  return out;
}

/** Checks the Hasura claims namespace of a user access token. */
export function checkHasuraClaims(payload, user) {
  const h = payload[TENANT.hasuraNamespace];
  check(h && typeof h === 'object', `access token has no "${TENANT.hasuraNamespace}" object`, { payload });
  eq(h['x-hasura-user-id'], user.userId, 'x-hasura-user-id', { hasura: h });
  check(Array.isArray(h['x-hasura-allowed-roles']) && user.roles.every((r) => h['x-hasura-allowed-roles'].includes(r)),
    `x-hasura-allowed-roles should include ${JSON.stringify(user.roles)}`, { hasura: h });
  check(typeof h['x-hasura-default-role'] === 'string' && h['x-hasura-allowed-roles'].includes(h['x-hasura-default-role']),
    'x-hasura-default-role should be one of x-hasura-allowed-roles', { hasura: h });
}

// ---------------------------------------------------------------- sign-up, reset, outbox

/** A password the default connection's `good` policy accepts. */
export const STRONG_PASSWORD = 'Str0ng-passw0rd!';

/** A fresh address per run, so a script can be re-run against a long-lived mock. */
export function uniqueEmail(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/**
 * GET /__mock/outbox?to=&kind=&wait=: the messages the mock "sent", oldest first.
 * With `wait` the mock answers as soon as one matches; throws unless at least one did.
 */
export async function outboxMessages(env, to, kind, wait = 10) {
  const q = new URLSearchParams({ to, kind, wait: String(wait) });
  const r = await http('GET', `${env.baseUrl}/__mock/outbox?${q}`);
  check(r.status === 200 && Array.isArray(r.json), 'GET /__mock/outbox did not return 200 with a JSON array',
    { request: r.request, 'mock answered': `${r.status} ${r.text}` });
  check(r.json.length > 0, `no ${kind} message to ${to} in the outbox within ${wait} s`, { request: r.request, 'mock answered': r.text });
  for (const m of r.json) {
    check(m.to === to && m.kind === kind && typeof m.link === 'string', 'outbox message has the wrong to/kind or no link', { message: m });
  }
  return r.json;
}

/** The newest message's link, checked to be under the issuer at `path`. */
export async function outboxLink(env, to, kind, path) {
  const messages = await outboxMessages(env, to, kind);
  const m = messages[messages.length - 1];
  check(m.link.startsWith(`${env.issuer}${path.replace(/^\//, '')}?ticket=`), `${kind} link is not ${env.issuer}${path.replace(/^\//, '')}?ticket=…`, { message: m });
  return m;
}

/**
 * What a user does with a reset email: open the link (302 to the form), read the form, post the
 * new password twice (form-encoded, as the browser would). Returns the final page text.
 */
export async function completePasswordReset(link, password) {
  const opened = await http('GET', link);
  check(opened.status === 302 && opened.headers.get('location'), 'the reset link did not redirect to the form',
    { request: opened.request, 'mock answered': `${opened.status} ${fmt(Object.fromEntries(opened.headers.entries()))} ${opened.text.slice(0, 500)}` });
  const formUrl = new URL(opened.headers.get('location'), link).href;
  const page = await http('GET', formUrl);
  check(page.status === 200, 'the reset form did not load', { request: page.request, 'mock answered': `${page.status} ${page.text.slice(0, 500)}` });
  for (const id of ['password-reset', 're-enter-password']) {
    check(page.text.includes(`id="${id}"`) && page.text.includes(`name="${id}"`), `the reset form has no input#${id}[name=${id}]`, { html: page.text.slice(0, 3000) });
  }
  const action = /<form[^>]*\baction="([^"]*)"/i.exec(page.text)?.[1]?.replace(/&amp;/g, '&');
  const target = new URL(action || formUrl, formUrl).href;
  const done = await http('POST', target, { form: { 'password-reset': password, 're-enter-password': password, action: 'default' } });
  check(done.status === 200 && done.text.includes('Your password has been changed successfully.'),
    'posting the reset form did not answer 200 "Your password has been changed successfully."',
    { request: done.request, 'mock answered': `${done.status} ${done.text.slice(0, 800)}` });
  return done.text;
}

/** What a user does with a verification email: open the link; the page says so. */
export async function followVerificationLink(link) {
  const r = await http('GET', link);
  check(r.status === 200 && r.text.includes('Your email was verified.'), 'the verification link did not answer 200 "Your email was verified."',
    { request: r.request, 'mock answered': `${r.status} ${fmt(Object.fromEntries(r.headers.entries()))} ${r.text.slice(0, 800)}` });
  return r.text;
}

// ---------------------------------------------------------------- passwordless

/** A fresh E.164 number per run (+1 555 01x xxxx, a fictional range). */
export function uniquePhone() {
  return `+1555${String(Date.now() % 1e7).padStart(7, '0')}`;
}

/**
 * The newest passwordless code sent to `to` (an email or an E.164 number) through `channel`
 * ("email" or "sms"), from GET /__mock/outbox?kind=passwordless_code. Returns the message.
 */
export async function outboxCode(env, to, channel, { length = 6 } = {}) {
  const q = new URLSearchParams({ to, kind: 'passwordless_code', wait: '10' });
  const r = await http('GET', `${env.baseUrl}/__mock/outbox?${q}`);
  check(r.status === 200 && Array.isArray(r.json) && r.json.length > 0, `no passwordless_code message to ${to} in the outbox within 10 s`,
    { request: r.request, 'mock answered': `${r.status} ${r.text}` });
  const m = r.json[r.json.length - 1];
  eq(m.to, to, 'outbox message to', { message: m });
  eq(m.channel, channel, 'outbox message channel', { message: m });
  check(typeof m.code === 'string' && new RegExp(`^[0-9]{${length}}$`).test(m.code), `the code should be ${length} digits`, { message: m });
  check(typeof m.text === 'string' && m.text.includes(m.code), 'the message text should contain the code', { message: m });
  return m;
}

/** The newest magic link sent to `email` (kind passwordless_link), checked to be the issuer's /passwordless/verify_redirect. */
export async function outboxMagicLink(env, email) {
  const [m] = (await outboxMessages(env, email, 'passwordless_link')).slice(-1);
  check(m.link.startsWith(`${env.issuer}passwordless/verify_redirect?`), `the magic link is not ${env.issuer}passwordless/verify_redirect?…`, { message: m });
  return m;
}

/**
 * The RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 secret at `ms`, as an authenticator app
 * shows it: computed here with node:crypto, sharing no code with the mock.
 */
export function totp(base32Secret, ms = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of base32Secret.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${base32Secret}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const key = Buffer.from((bits.match(/.{8}/g) || []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

/** A six-digit code that is none of the adjacent steps' TOTPs of `base32Secret`: wrong for certain. */
export function wrongTotp(base32Secret) {
  const near = [-30_000, 0, 30_000, 60_000].map((d) => totp(base32Secret, Date.now() + d));
  return ['000000', '111111', '222222', '333333', '444444'].find((c) => !near.includes(c));
}
