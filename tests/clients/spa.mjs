// @auth0/auth0-spa-js v2 (unmodified) in headless Chromium against the mock.
//
// A tiny static server on another localhost port serves spa/index.html, the SDK's
// UMD build from node_modules and /config.js. SPA and mock are both on
// http://localhost (same site, different ports), so the mock's session cookie
// reaches the prompt=none iframe although Chromium blocks third-party cookies.
//
// Scenarios (each in a fresh browser context of ONE Chromium process):
//   A. loginWithRedirect -> login form (alice) -> handleRedirectCallback -> getUser;
//      getTokenSilently({cacheMode:"off"}) through the web_message iframe, verified with jose;
//      reload + checkSession() restores the user (app start-up);
//      logout({returnTo}) -> back on the SPA -> getTokenSilently rejects login_required.
//   B. useRefreshTokens client: two getTokenSilently({cacheMode:"off"}) via the
//      refresh_token grant, the refresh token rotating each time.
//      revokeRefreshToken() -> /oauth/revoke; the revoked token is refused.
//   C. one-click user list: button.user-login[data-username="bob@example.com"] -> bob.
//   D. useFormData:false (JSON token bodies) + cacheLocation localstorage: refresh works;
//      reusing a rotated-out refresh token is refused and revokes the family (as Auth0).
//   E. loginWithPopup: login form in a popup, web_message back to window.opener.
//   F. max_age: the ID token carries auth_time (spa-js checks it).
//   G. sign-up: loginWithRedirect({authorizationParams:{screen_hint:"signup"}}) -> the mock's
//      sign-up page -> a new email + password -> handleRedirectCallback -> getUser() is the new
//      user; the access token verifies (jose) and has the Hasura claims.
//   H. auth0.js (auth0-js, WebAuth) on its own page: signup (then user_exists and
//      invalid_password errors), changePassword (Auth0's sentence); the reset link from the
//      outbox and the new password, the verification link and email_verified.
//   I. auth0.js passwordless: passwordlessStart({send:"code"}) from the page (public SPA, no
//      secret; the code lands in the outbox), then passwordlessStart({send:"link"}) with an
//      implicit-flow WebAuth; the magic link from the outbox, opened in the browser, signs the
//      user in and comes back to the page, where parseHash validates the ID token; checkSession
//      (web_message iframe) finds the session the link started. (passwordlessLogin, the code
//      path, is scenario J.)
//   J. auth0.js embedded login: login({realm, username, password}) posts /co/authenticate and
//      leaves for /authorize?login_ticket=…, which comes back to the page (implicit flow) where
//      parseHash validates alice's ID token; a wrong password calls back with access_denied; then
//      passwordlessStart({send:"code"}), the code from the outbox, a wrong code (access_denied),
//      and passwordlessLogin({verificationCode}) -> back on the page with a new email| user.
//   L. a redirect Action (progressive profiling, tests/clients/actions/progressive-profiling.js):
//      the login goes to this server's /profile page with a session_token the page verifies
//      (jose, HS256), the user types a colour, the page posts a token with the login's state back
//      to the mock's /continue; the callback's ID token and user_metadata carry the colour, and
//      the next login (getTokenSilently) no longer redirects. Needs PROFILE_SECRET and the mock
//      started with that Action.
//   M. MFA (tests/clients/actions/require-mfa.js): loginWithRedirect -> alice's credentials ->
//      the OTP challenge -> a wrong code is refused on the page -> her TOTP (computed here) ->
//      handleRedirectCallback: the ID token has amr ["mfa"]; getTokenSilently in the same
//      session is not challenged again. Needs the mock started with that Action.
//   N. organizations: loginWithRedirect({authorizationParams:{organization}}) -> alice (a member)
//      -> handleRedirectCallback with the same organization: spa-js checks org_id and accepts;
//      getTokenSilently({cacheMode:"off"}) keeps org_id; `auth0-mock hasura-verify` derives
//      x-hasura-org-id from the access token; bob (not a member) comes back with access_denied;
//      carol, invited through the Management API, follows the emailed link's invitation into
//      loginWithRedirect({invitation, organization}) and joins.
//      Needs ORGANIZATION, AUTH0_MOCK_BIN and the mock started with that organization.
//   O. social: loginWithRedirect({authorizationParams:{connection:'google-oauth2'}}) -> the mock's
//      stand-in provider page -> a new email and name -> getUser() is google-oauth2|<21 digits>;
//      then, in a fresh browser, the login page's "Continue with Google" -> the same account
//      picked from the provider page -> the same user. Needs the mock with that connection.
//   K. one-request logins: the session cookie from POST /__mock/login added to the browser
//      context, then loginWithRedirect() comes back with a code and no login page; and a user
//      armed with POST /__mock/login/next: the login page signs bob in without the form.
//
// Env: MOCK_BASE_URL (http://localhost:PORT), MOCK_ISSUER (optional),
//      CHROMIUM_PATH (default /usr/bin/chromium),
//      SCREENSHOT_PATH (optional: PNG of the mock login page),
//      SPA_SCENARIOS (optional: comma list of A..O; default A..F: G to O run as their own tests),
//      PROFILE_SECRET (scenario L: the Action's secret).
import http from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createRemoteJWKSet, jwtVerify, SignJWT } from 'jose';
import {
  mockEnv, TENANT, CheckError, check, eq, fmt, decodeJwt, checkHasuraClaims, showTokens, http as httpCall, managementToken,
  STRONG_PASSWORD, uniqueEmail, outboxLink, completePasswordReset, followVerificationLink, tokenRequest,
  outboxCode, outboxMagicLink, outboxMessages, totp, wrongTotp,
} from './lib/common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = mockEnv();
const CLIENT = 'auth0-spa-js';
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const only = (process.env.SPA_SCENARIOS || 'A,B,C,D,E,F').split(',').map((s) => s.trim().toUpperCase());
const STEP_TIMEOUT = 15_000;

const log = (...a) => console.log(`[${CLIENT}]`, ...a);
const failures = [];

// ---------------------------------------------------------------- static server
function startStaticServer() {
  const spaJs = path.join(here, 'node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js');
  const indexHtml = path.join(here, 'spa/index.html');
  const auth0Js = path.join(here, 'node_modules/auth0-js/dist/auth0.min.js');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const send = (status, type, body) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/' || url.pathname === '/index.html') return send(200, 'text/html; charset=utf-8', fs.readFileSync(indexHtml));
    if (url.pathname === '/config.js') return send(200, 'text/javascript', `window.TEST_CONFIG = ${JSON.stringify(server.config)};`);
    if (url.pathname === '/auth0-spa-js.production.js') return send(200, 'text/javascript', fs.readFileSync(spaJs));
    if (url.pathname === '/auth0-js.html') return send(200, 'text/html; charset=utf-8', AUTH0_JS_PAGE);
    if (url.pathname === '/auth0.min.js') return send(200, 'text/javascript', fs.readFileSync(auth0Js));
    if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    if (url.pathname === '/profile') return profilePage(server, req, url, send);
    return send(404, 'text/plain', 'not found');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const pageUrl = `http://localhost:${server.address().port}/`;
    server.config = { domain: env.baseUrl, clientId: TENANT.spa.clientId, audience: TENANT.audience, redirectUri: pageUrl };
    resolve({ server, pageUrl });
  }));
}

// ---------------------------------------------------------------- the profile page (scenario L)
const profileSecret = () => new TextEncoder().encode(process.env.PROFILE_SECRET || '');
const escapeHtml = (v) => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The app's /profile page a redirect Action sends the user to. GET checks the Action's
 * session_token and asks for a colour; POST signs the answer with the login's state and posts
 * it on to the mock's /continue, as Auth0's redirect-Action guide has the external site do.
 */
async function profilePage(server, req, url, send) {
  if (req.method === 'GET') {
    const state = url.searchParams.get('state') || '';
    try {
      const { payload } = await jwtVerify(url.searchParams.get('session_token') || '', profileSecret(), { algorithms: ['HS256'] });
      server.profileSeen = { state, payload };
    } catch (e) {
      server.profileSeen = { state, error: `${e.code ?? ''} ${e.message}` };
    }
    return send(200, 'text/html; charset=utf-8', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Your profile</title></head>
<body><h1>One more thing</h1><form method="post" action="/profile">
<input type="hidden" name="state" value="${escapeHtml(state)}">
<label>Favourite colour <input id="favourite_colour" name="favourite_colour" required></label>
<button id="save" type="submit">Save</button></form></body></html>`);
  }
  let body = '';
  for await (const chunk of req) body += chunk;
  const form = new URLSearchParams(body);
  const state = form.get('state') || '';
  const token = await new SignJWT({ state, favourite_colour: form.get('favourite_colour') })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(profileSecret());
  return send(200, 'text/html; charset=utf-8', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Saving…</title></head>
<body><form method="post" action="${escapeHtml(`${env.baseUrl}/continue`)}">
<input type="hidden" name="state" value="${escapeHtml(state)}">
<input type="hidden" name="profile_token" value="${escapeHtml(token)}">
<noscript><button type="submit">Continue</button></noscript></form>
<script>document.forms[0].submit();</script></body></html>`);
}

// The auth0.js page (scenario H): the SDK's UMD build (window.auth0.WebAuth) and no spa-js,
// whose UMD build also claims window.auth0. Each call resolves to a serialisable outcome.
const AUTH0_JS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>auth0-mock auth0.js test page</title>
<script src="/config.js"></script>
<!-- auth0-js, unmodified, straight from node_modules -->
<script src="/auth0.min.js"></script></head>
<body><h1>auth0-mock auth0.js test page</h1>
<script>
  window.makeWebAuth = function () {
    var CFG = window.TEST_CONFIG;
    return new auth0.WebAuth({ domain: CFG.domain, clientID: CFG.clientId, redirectUri: CFG.redirectUri, responseType: 'code' });
  };
  // Calls webAuth[method](options, cb) and resolves to {ok, value} or {ok:false, error}.
  window.callback = function (method, options) {
    return new Promise(function (resolve) {
      window.makeWebAuth()[method](options, function (err, value) {
        if (err) {
          resolve({ ok: false, error: { code: err.code, description: err.description, name: err.name, policy: err.policy,
            statusCode: err.statusCode, original: err.original && String(err.original) } });
        } else {
          resolve({ ok: true, value: value === undefined ? null : value });
        }
      });
    });
  };
  // Scenario I: the same with extra WebAuth options (responseType, redirectUri, overrides…);
  // also keeps parseHash's {error, errorDescription}.
  window.callbackWith = function (config, method, options) {
    return new Promise(function (resolve) {
      var CFG = window.TEST_CONFIG;
      var base = { domain: CFG.domain, clientID: CFG.clientId, redirectUri: CFG.redirectUri, responseType: 'code' };
      for (var k in config) base[k] = config[k];
      new auth0.WebAuth(base)[method](options || {}, function (err, value) {
        if (err) {
          resolve({ ok: false, error: { code: err.code, description: err.description, error: err.error,
            errorDescription: err.errorDescription || err.error_description, name: err.name, statusCode: err.statusCode,
            original: err.original && String(err.original) } });
        } else {
          resolve({ ok: true, value: value === undefined ? null : value });
        }
      });
    });
  };
  window.pageReady = true;
</script></body></html>`;

// ---------------------------------------------------------------- per-context recorder
/** Records what the browser exchanged with the mock, for assertions and failure reports. */
function record(context) {
  const rec = { requests: [], exchanges: [], console: [] };
  context.on('request', (req) => {
    if (req.url().startsWith(env.baseUrl)) rec.requests.push(req);
  });
  context.on('response', (res) => {
    if (!res.url().startsWith(env.baseUrl)) return;
    const loc = res.headers().location;
    rec.exchanges.push(`${res.request().method()} ${trimUrl(res.url())} -> ${res.status()}${loc ? ` Location: ${trimUrl(loc)}` : ''}`);
  });
  context.on('requestfailed', (req) => {
    if (req.url().startsWith(env.baseUrl)) rec.exchanges.push(`${req.method()} ${trimUrl(req.url())} -> FAILED ${req.failure()?.errorText}`);
  });
  context.on('page', (page) => watchPage(page, rec));
  return rec;
}

function watchPage(page, rec) {
  page.on('console', (m) => rec.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => rec.console.push(`pageerror: ${e.message}`));
}

function trimUrl(u) {
  return u.length > 300 ? u.slice(0, 300) + '…' : u;
}

function form(req) {
  const body = req.postData() || '';
  if ((req.headers()['content-type'] || '').includes('json')) {
    try { return JSON.parse(body); } catch { return {}; }
  }
  return Object.fromEntries(new URLSearchParams(body));
}

// ---------------------------------------------------------------- scenario / step plumbing
class StepFailed extends Error {}

async function scenario(browser, name, fn) {
  const context = await browser.newContext();
  context.setDefaultTimeout(STEP_TIMEOUT);
  const rec = record(context);
  const page = await context.newPage();
  const step = async (title, body) => {
    const t0 = Date.now();
    const nExchanges = rec.exchanges.length;
    try {
      const r = await body();
      log(`ok   ${name} / ${title} (${Date.now() - t0} ms)`);
      return r;
    } catch (e) {
      const lines = [`FAIL [${CLIENT}] scenario "${name}", step "${title}": ${e.message}`];
      if (e instanceof CheckError) for (const [k, v] of Object.entries(e.details)) lines.push(`  ${k}: ${fmt(v)}`);
      else if (e.stack) lines.push(`  stack: ${e.stack.split('\n').slice(1, 4).join(' | ')}`);
      lines.push(`  page url: ${page.url()}`);
      const ex = rec.exchanges.slice(Math.max(0, nExchanges - 3));
      lines.push(`  browser <-> mock during this step (and just before):${ex.length ? '' : ' none'}`);
      for (const x of ex.slice(-25)) lines.push(`    ${x}`);
      if (rec.console.length) lines.push(`  browser console (last 10):\n    ${rec.console.slice(-10).join('\n    ')}`);
      try {
        const text = (await page.evaluate(() => document.body?.innerText ?? '')).trim();
        if (text) lines.push(`  page text: ${text.slice(0, 600).replace(/\n+/g, ' | ')}`);
      } catch { /* page gone */ }
      console.error(lines.join('\n'));
      throw new StepFailed(title);
    }
  };
  try {
    await fn({ page, step, rec, context });
  } catch (e) {
    failures.push(`${name}: ${e instanceof StepFailed ? `step "${e.message}"` : e.stack}`);
    if (!(e instanceof StepFailed)) console.error(`FAIL [${CLIENT}] scenario "${name}": ${e.stack}`);
  } finally {
    await context.close().catch(() => {});
  }
}

/** page.evaluate(attempt(...)) and throw a CheckError with the SDK error if it failed. */
async function sdk(page, what, fn, arg) {
  const out = await page.evaluate(fn, arg);
  if (!out.ok) throw new CheckError(`${what} threw: ${out.error.name}: ${out.error.message}`, { 'SDK error': out.error });
  return out.value;
}

async function openSpa(page, pageUrl) {
  await page.goto(pageUrl);
  await page.waitForFunction(() => window.pageReady === true && typeof window.auth0?.Auth0Client === 'function');
}

/** Starts loginWithRedirect with `opts` and waits until the mock login page shows. */
async function startLogin(page, opts = {}) {
  await page.evaluate((o) => { window.makeClient(o).loginWithRedirect(); }, opts);
  try {
    await page.waitForSelector('#username', { timeout: STEP_TIMEOUT });
  } catch {
    throw new CheckError('the mock login page (input#username) did not show after loginWithRedirect');
  }
  const u = new URL(page.url());
  check(u.origin === new URL(env.baseUrl).origin, `login page is not served by the mock: ${page.url()}`);
}

/** Waits for the redirect back to the SPA with ?code&state (or ?error). */
async function waitForCallback(page, pageUrl) {
  try {
    await page.waitForURL((u) => u.href.startsWith(pageUrl) && (u.searchParams.has('code') || u.searchParams.has('error')), { timeout: STEP_TIMEOUT });
  } catch {
    throw new CheckError('never came back to the SPA callback with ?code= or ?error=');
  }
  const u = new URL(page.url());
  if (u.searchParams.has('error')) {
    throw new CheckError(`mock redirected back with error=${u.searchParams.get('error')}`, {
      error_description: u.searchParams.get('error_description'), callback: page.url(),
    });
  }
  check(u.searchParams.has('state'), 'callback has a code but no state', { callback: page.url() });
  await page.waitForFunction(() => window.pageReady === true);
}

async function handleCallback(page, opts = {}) {
  return sdk(page, 'handleRedirectCallback()/getUser()', (o) => window.attempt(async () => {
    window.client = window.makeClient(o);
    const result = await window.client.handleRedirectCallback();
    return { appState: result.appState ?? null, user: await window.client.getUser(), claims: await window.client.getIdTokenClaims() };
  }), opts);
}

const jwks = createRemoteJWKSet(new URL(`${env.issuer}.well-known/jwks.json`));
async function verifyAccessToken(token, user) {
  let verified;
  try {
    verified = await jwtVerify(token, jwks, { issuer: env.issuer, audience: TENANT.audience });
  } catch (e) {
    throw new CheckError(`jose jwtVerify rejected the access token: ${e.code ?? ''} ${e.message}`, {
      token: decodeJwt(token), 'expected issuer': env.issuer, 'expected audience': TENANT.audience,
    });
  }
  eq(verified.payload.sub, user.userId, 'access token sub', { payload: verified.payload });
  eq(verified.payload.azp, TENANT.spa.clientId, 'access token azp', { payload: verified.payload });
  checkHasuraClaims(verified.payload, user);
  return verified.payload;
}

// ---------------------------------------------------------------- scenarios
async function scenarioA(browser, pageUrl) {
  const alice = TENANT.users.alice;
  await scenario(browser, 'A: redirect login, silent auth, logout', async ({ page, step, rec }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));

    await step('loginWithRedirect() shows the mock login page', async () => {
      await startLogin(page);
      const authReq = rec.requests.find((r) => new URL(r.url()).pathname === '/authorize');
      check(authReq, 'no request to /authorize was seen');
      const q = new URL(authReq.url()).searchParams;
      eq(q.get('client_id'), TENANT.spa.clientId, '/authorize client_id');
      eq(q.get('code_challenge_method'), 'S256', '/authorize code_challenge_method');
    });

    await step('login page has the form fields and the one-click user list', async () => {
      if (process.env.SCREENSHOT_PATH) {
        fs.mkdirSync(path.dirname(process.env.SCREENSHOT_PATH), { recursive: true });
        await page.screenshot({ path: process.env.SCREENSHOT_PATH, fullPage: true });
        log(`login page screenshot: ${process.env.SCREENSHOT_PATH}`);
      }
      for (const sel of ['input#username[name=username]', 'input#password[name=password]', 'button[type=submit][name=action][value=default]']) {
        check(await page.locator(sel).count() === 1, `login page has no single ${sel}`, { html: (await page.content()).slice(0, 3000) });
      }
      const users = await page.locator('button.user-login').evaluateAll((bs) => bs.map((b) => b.dataset.username));
      for (const u of [alice.email, TENANT.users.bob.email, TENANT.users.admin.email]) {
        check(users.includes(u), `one-click list has no button.user-login[data-username="${u}"]`, { 'buttons found': users });
      }
    });

    await step('submit alice\'s credentials -> redirected back with ?code&state', async () => {
      await page.fill('#username', alice.email);
      await page.fill('#password', alice.password);
      await page.click('button[type=submit][name=action][value=default]');
      await waitForCallback(page, pageUrl);
    });

    await step('handleRedirectCallback() + getUser() is alice', async () => {
      const { user, claims } = await handleCallback(page);
      check(user, 'getUser() returned nothing after handleRedirectCallback');
      eq(user.email, alice.email, 'getUser().email', { user });
      eq(user.sub, alice.userId, 'getUser().sub', { user });
      eq(claims.iss, env.issuer, 'id token iss', { claims });
    });

    await step('getTokenSilently({cacheMode:"off"}) via the prompt=none web_message iframe, verified with jose', async () => {
      const before = rec.requests.length;
      const token = await sdk(page, 'getTokenSilently({cacheMode:"off"})', () => window.attempt(() => window.client.getTokenSilently({ cacheMode: 'off' })));
      const silent = rec.requests.slice(before).find((r) => new URL(r.url()).pathname === '/authorize');
      check(silent, 'getTokenSilently did not load /authorize in an iframe');
      const q = new URL(silent.url()).searchParams;
      eq(q.get('prompt'), 'none', 'silent /authorize prompt');
      eq(q.get('response_mode'), 'web_message', 'silent /authorize response_mode');
      check(typeof token === 'string' && token.split('.').length === 3, 'getTokenSilently did not return a JWT', { token });
      await verifyAccessToken(token, alice);
    });

    await step('reload the page: checkSession() restores alice through the iframe (app start-up)', async () => {
      await page.goto(pageUrl);
      await page.waitForFunction(() => window.pageReady === true);
      const before = rec.requests.length;
      const user = await sdk(page, 'checkSession()/getUser()', () => window.attempt(async () => {
        window.client = window.makeClient();
        await window.client.checkSession();
        return window.client.getUser();
      }));
      check(rec.requests.slice(before).some((r) => new URL(r.url()).pathname === '/authorize'),
        'checkSession() did not try silent auth (the auth0.<clientId>.is.authenticated cookie was not set by the SDK?)');
      eq(user?.email, alice.email, 'getUser().email after checkSession()', { user });
    });

    await step('logout({logoutParams:{returnTo}}) -> /v2/logout -> back on the SPA', async () => {
      const logoutResponse = page.waitForResponse((r) => r.url().startsWith(`${env.baseUrl}/v2/logout`));
      await page.evaluate((returnTo) => { window.client.logout({ logoutParams: { returnTo } }); }, pageUrl);
      const res = await logoutResponse;
      const q = new URL(res.url()).searchParams;
      eq(q.get('client_id'), TENANT.spa.clientId, '/v2/logout client_id');
      check(res.status() >= 300 && res.status() < 400, `/v2/logout answered ${res.status()}, expected a redirect`, { headers: res.headers() });
      eq(res.headers().location, pageUrl, '/v2/logout Location');
      await page.waitForURL(pageUrl, { timeout: STEP_TIMEOUT });
      await page.waitForFunction(() => window.pageReady === true);
    });

    await step('after logout getTokenSilently({cacheMode:"off"}) rejects login_required promptly', async () => {
      const out = await page.evaluate(() => window.attempt(() => window.makeClient().getTokenSilently({ cacheMode: 'off' })));
      check(!out.ok, 'getTokenSilently succeeded after logout: the mock session survived /v2/logout', { 'token payload': out.ok ? decodeJwt(out.value).payload : null });
      eq(out.error.error, 'login_required', 'SDK error code', { 'SDK error': out.error });
      check(out.ms < 10_000, `login_required took ${out.ms} ms (should come from the web_message page, not the SDK timeout)`);
    });
  });
}

async function scenarioB(browser, pageUrl) {
  const alice = TENANT.users.alice;
  const opts = { useRefreshTokens: true, useRefreshTokensFallback: false };
  await scenario(browser, 'B: useRefreshTokens', async ({ page, step, rec }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect() with useRefreshTokens asks for offline_access', async () => {
      await startLogin(page, opts);
      const authReq = rec.requests.find((r) => new URL(r.url()).pathname === '/authorize');
      const scope = new URL(authReq.url()).searchParams.get('scope') || '';
      check(scope.split(' ').includes('offline_access'), `scope has no offline_access: "${scope}"`);
    });
    await step('log in as alice, handleRedirectCallback() gets a refresh token', async () => {
      await page.fill('#username', alice.email);
      await page.fill('#password', alice.password);
      await page.click('button[type=submit][name=action][value=default]');
      await waitForCallback(page, pageUrl);
      const codeExchange = page.waitForResponse((r) => r.url() === `${env.baseUrl}/oauth/token` && r.request().method() === 'POST');
      const { user } = await handleCallback(page, opts);
      eq(user?.email, alice.email, 'getUser().email', { user });
      const res = await codeExchange;
      const body = await res.json().catch(() => null);
      check(res.status() === 200 && typeof body?.refresh_token === 'string',
        'code exchange with offline_access returned no refresh_token', { status: res.status(), body: showTokens(body) });
    });

    const tokens = [];
    for (const n of [1, 2]) {
      await step(`getTokenSilently({cacheMode:"off"}) #${n} uses grant_type=refresh_token`, async () => {
        const before = rec.requests.length;
        const token = await sdk(page, `getTokenSilently #${n}`, (o) => window.attempt(() => window.client.getTokenSilently({ cacheMode: 'off' })), opts);
        const newReqs = rec.requests.slice(before);
        const refresh = newReqs.filter((r) => r.url() === `${env.baseUrl}/oauth/token` && r.method() === 'POST' && form(r).grant_type === 'refresh_token');
        check(refresh.length === 1, `expected one refresh_token grant request, saw ${refresh.length}`,
          { 'requests to the mock': newReqs.map((r) => `${r.method()} ${trimUrl(r.url())} ${r.postData() ?? ''}`) });
        check(!newReqs.some((r) => new URL(r.url()).pathname === '/authorize'), 'the SDK fell back to the /authorize iframe');
        const resp = await refresh[0].response();
        const body = await resp?.json().catch(() => null);
        check(resp?.status() === 200 && typeof body?.refresh_token === 'string' && typeof body?.id_token === 'string',
          'refresh response must be 200 with a rotated refresh_token and an id_token (spa-js requires both)', { status: resp?.status(), body: showTokens(body) });
        tokens.push({ sent: form(refresh[0]).refresh_token, received: body.refresh_token });
        await verifyAccessToken(token, alice);
      });
    }
    await step('the refresh token rotated between the two calls', async () => {
      check(tokens[0].sent !== tokens[1].sent, 'the same refresh token was sent twice: no rotation', { tokens });
      eq(tokens[1].sent, tokens[0].received, 'second refresh used the token returned by the first', { tokens });
    });

    await step('revokeRefreshToken() -> POST /oauth/revoke 200; the revoked token is then refused', async () => {
      const revoke = page.waitForResponse((r) => r.url() === `${env.baseUrl}/oauth/revoke` && r.request().method() === 'POST');
      await sdk(page, 'revokeRefreshToken()', () => window.attempt(() => window.client.revokeRefreshToken()));
      const res = await revoke;
      const sent = form(res.request());
      eq(sent.token, tokens[1].received, '/oauth/revoke token (the current refresh token)', { sent });
      eq(res.status(), 200, '/oauth/revoke status', { body: await res.text().catch(() => null) });
      await expectRefreshRefused(tokens[1].received, 'the revoked refresh token');
    });
  });
}

/** The mock must answer 403 invalid_grant to a refresh with `rt` (as Auth0 does). */
async function expectRefreshRefused(rt, what) {
  const r = await httpCall('POST', `${env.baseUrl}/oauth/token`, {
    form: { grant_type: 'refresh_token', client_id: TENANT.spa.clientId, refresh_token: rt },
  });
  check(r.status === 403 && r.json?.error === 'invalid_grant',
    `refresh with ${what} should be refused with 403 invalid_grant`, { request: r.request, 'mock answered': `${r.status} ${r.text}` });
}

async function scenarioD(browser, pageUrl) {
  const admin = TENANT.users.admin;
  // JSON token bodies (useFormData:false) and the localStorage cache (no worker).
  const opts = { useRefreshTokens: true, useRefreshTokensFallback: false, useFormData: false, cacheLocation: 'localstorage' };
  await scenario(browser, 'D: useFormData:false + localstorage, refresh-token reuse', async ({ page, step, rec }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('one-click login as admin, handleRedirectCallback()', async () => {
      await startLogin(page, opts);
      await page.click(`button.user-login[data-username="${admin.email}"]`);
      await waitForCallback(page, pageUrl);
      const { user } = await handleCallback(page, opts);
      eq(user?.email, admin.email, 'getUser().email', { user });
    });
    const rotation = await step('getTokenSilently({cacheMode:"off"}) refreshes with a JSON body', async () => {
      const before = rec.requests.length;
      const token = await sdk(page, 'getTokenSilently', () => window.attempt(() => window.client.getTokenSilently({ cacheMode: 'off' })));
      const refresh = rec.requests.slice(before).filter((r) => r.url() === `${env.baseUrl}/oauth/token` && form(r).grant_type === 'refresh_token');
      check(refresh.length === 1, `expected one refresh_token grant request, saw ${refresh.length}`);
      const ct = refresh[0].headers()['content-type'] || '';
      check(ct.includes('application/json'), `useFormData:false should send JSON, sent ${ct}`);
      const body = await (await refresh[0].response())?.json().catch(() => null);
      check(typeof body?.refresh_token === 'string', 'no rotated refresh_token', { body: showTokens(body) });
      await verifyAccessToken(token, admin);
      return { old: form(refresh[0]).refresh_token, current: body.refresh_token };
    });
    await step('reusing the rotated-out refresh token is refused (403 invalid_grant)', () => expectRefreshRefused(rotation.old, 'an already-rotated refresh token'));
    await step('after reuse detection the SDK\'s current refresh token is revoked too (token family)', async () => {
      const before = rec.requests.length;
      const out = await page.evaluate(() => window.attempt(() => window.client.getTokenSilently({ cacheMode: 'off' })));
      check(!out.ok, 'getTokenSilently still succeeded: reusing an old refresh token did not revoke its family');
      const refresh = rec.requests.slice(before).find((r) => r.url() === `${env.baseUrl}/oauth/token`);
      check(refresh && form(refresh).refresh_token === rotation.current, 'the SDK did not send its current refresh token', { sent: refresh && form(refresh) });
      eq(out.error.error, 'invalid_grant', 'SDK error code', { 'SDK error': out.error, 'mock status': (await refresh.response())?.status() });
    });
  });
}

async function scenarioC(browser, pageUrl) {
  const bob = TENANT.users.bob;
  await scenario(browser, 'C: one-click user list', async ({ page, step }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect() shows the mock login page', () => startLogin(page));
    await step('click button.user-login[data-username="bob@example.com"] -> redirected back with ?code', async () => {
      await page.click(`button.user-login[data-username="${bob.email}"]`);
      await waitForCallback(page, pageUrl);
    });
    await step('handleRedirectCallback() + getUser() is bob', async () => {
      const { user } = await handleCallback(page);
      eq(user?.email, bob.email, 'getUser().email', { user });
      eq(user?.sub, bob.userId, 'getUser().sub', { user });
    });
  });
}

async function scenarioE(browser, pageUrl) {
  const alice = TENANT.users.alice;
  await scenario(browser, 'E: loginWithPopup (web_message to window.opener)', async ({ page, step, rec }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    const popup = await step('loginWithPopup() opens the mock login page in a popup', async () => {
      const opened = page.waitForEvent('popup');
      await page.evaluate(() => {
        window.client = window.makeClient();
        window.popupOutcome = window.attempt(() => window.client.loginWithPopup());
      });
      const p = await opened;
      watchPage(p, rec);
      try {
        await p.waitForSelector('#username', { timeout: STEP_TIMEOUT });
      } catch {
        throw new CheckError('the popup did not show the mock login page', { 'popup url': p.url() });
      }
      const q = new URL(p.url()).searchParams;
      if (q.has('response_mode')) eq(q.get('response_mode'), 'web_message', 'popup /authorize response_mode');
      return p;
    });
    await step('log in as alice in the popup -> loginWithPopup() resolves, popup closes', async () => {
      await popup.fill('#username', alice.email);
      await popup.fill('#password', alice.password);
      await popup.click('button[type=submit][name=action][value=default]');
      const out = await page.evaluate(() => window.popupOutcome);
      check(out.ok, `loginWithPopup() rejected: ${out.error?.error ?? ''} ${out.error?.message}`, { 'SDK error': out.error });
      if (!popup.isClosed()) {
        await popup.waitForEvent('close', { timeout: 5_000 }).catch(() => {
          if (!popup.isClosed()) throw new CheckError('the popup stayed open after the web_message response', { 'popup url': popup.url() });
        });
      }
    });
    await step('getUser() is alice and getTokenSilently() returns a valid access token', async () => {
      const user = await sdk(page, 'getUser()', () => window.attempt(() => window.client.getUser()));
      eq(user?.email, alice.email, 'getUser().email', { user });
      const token = await sdk(page, 'getTokenSilently()', () => window.attempt(() => window.client.getTokenSilently()));
      await verifyAccessToken(token, alice);
    });
  });
}

async function scenarioF(browser, pageUrl) {
  const bob = TENANT.users.bob;
  const opts = { authorizationParams: { max_age: 3600 } };
  await scenario(browser, 'F: max_age (auth_time in the ID token)', async ({ page, step }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect({max_age: 3600}) -> one-click bob -> callback', async () => {
      await startLogin(page, opts);
      await page.click(`button.user-login[data-username="${bob.email}"]`);
      await waitForCallback(page, pageUrl);
    });
    await step('handleRedirectCallback() accepts the ID token (spa-js requires auth_time with max_age)', async () => {
      const { user, claims } = await handleCallback(page, opts);
      eq(user?.email, bob.email, 'getUser().email', { user });
      check(Number.isInteger(claims.auth_time), 'ID token has no integer auth_time', { claims });
    });
  });
}

async function scenarioG(browser, pageUrl) {
  const email = uniqueEmail('spa-signup');
  // A sign-up gets the tenant's default Hasura role; the user id is only known after the callback.
  const newUser = { email, userId: null, roles: ['user'] };
  const signupParams = { authorizationParams: { screen_hint: 'signup' } };
  await scenario(browser, 'G: sign-up (screen_hint=signup)', async ({ page, step, rec }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect({authorizationParams:{screen_hint:"signup"}}) shows the mock sign-up page', async () => {
      await page.evaluate((o) => { window.makeClient().loginWithRedirect(o); }, signupParams);
      try {
        await page.waitForSelector('#email', { timeout: STEP_TIMEOUT });
      } catch {
        throw new CheckError('the mock sign-up page (input#email) did not show after loginWithRedirect with screen_hint=signup');
      }
      const authReq = rec.requests.find((r) => new URL(r.url()).pathname === '/authorize');
      check(authReq, 'no request to /authorize was seen');
      eq(new URL(authReq.url()).searchParams.get('screen_hint'), 'signup', '/authorize screen_hint (sent by spa-js)');
      const u = new URL(page.url());
      eq(u.origin, new URL(env.baseUrl).origin, 'sign-up page origin');
      eq(u.pathname, '/u/signup', 'sign-up page path');
      for (const sel of ['input#email', 'input#password', 'button[name=action][value=default]']) {
        check(await page.locator(sel).count() === 1, `sign-up page has no single ${sel}`, { html: (await page.content()).slice(0, 3000) });
      }
    });
    await step('fill #email and #password, click the button -> redirected back with ?code&state', async () => {
      await page.fill('#email', email);
      await page.fill('#password', STRONG_PASSWORD);
      await page.click('button[name=action][value=default]');
      await waitForCallback(page, pageUrl);
    });
    await step('handleRedirectCallback() + getUser() is the new user', async () => {
      const { user, claims } = await handleCallback(page);
      check(user, 'getUser() returned nothing after handleRedirectCallback');
      eq(user.email, email, 'getUser().email', { user });
      check(/^auth0\|[0-9a-f]{24}$/.test(user.sub ?? ''), `getUser().sub should be auth0|<24 hex>, got ${user.sub}`, { user });
      eq(user.email_verified, false, 'getUser().email_verified (nothing verified yet)', { user });
      eq(claims.iss, env.issuer, 'id token iss', { claims });
      newUser.userId = user.sub;
    });
    await step('getTokenSilently() returns an access token that jose verifies, with the Hasura claims', async () => {
      const token = await sdk(page, 'getTokenSilently()', () => window.attempt(() => window.client.getTokenSilently()));
      check(typeof token === 'string' && token.split('.').length === 3, 'getTokenSilently did not return a JWT', { token });
      await verifyAccessToken(token, newUser);
    });
    await step('the new user is in the Management API (GET /api/v2/users-by-email)', async () => {
      const token = await managementToken(env);
      const r = await httpCall('GET', `${env.baseUrl}/api/v2/users-by-email?email=${encodeURIComponent(email)}`,
        { headers: { authorization: `Bearer ${token}` } });
      check(r.status === 200 && Array.isArray(r.json) && r.json.length === 1, 'users-by-email did not find exactly one user',
        { request: r.request, 'mock answered': `${r.status} ${r.text}` });
      eq(r.json[0].user_id, newUser.userId, 'user_id', { user: r.json[0] });
    });
  });
}

async function scenarioH(browser, pageUrl) {
  const email = uniqueEmail('auth0js-signup');
  const connection = TENANT.realm;
  const newPassword = 'N3w-Str0ng-passw0rd!';
  const passwordLogin = (password) => httpCall('POST', `${env.baseUrl}/oauth/token`, {
    form: { grant_type: 'password', client_id: TENANT.web.clientId, client_secret: TENANT.web.clientSecret, username: email, password, scope: 'openid email' },
  });
  await scenario(browser, 'H: auth0.js WebAuth.signup + changePassword', async ({ page, step, rec }) => {
    const call = (what, method, options) => page.evaluate(([m, o]) => window.callback(m, o), [method, options])
      .then((out) => { if (!out) throw new CheckError(`${what}: no outcome`); return out; });
    await step('open the auth0.js page', async () => {
      await page.goto(new URL('auth0-js.html', pageUrl).href);
      await page.waitForFunction(() => window.pageReady === true && typeof window.auth0?.WebAuth === 'function');
    });
    const userId = await step('WebAuth.signup({connection, email, password}) (cross-origin XHR) creates the user', async () => {
      const out = await call('signup', 'signup', { connection, email, password: STRONG_PASSWORD });
      check(out.ok, `WebAuth.signup failed: ${out.error?.code} ${out.error?.description}`, { 'SDK error': out.error });
      const req = rec.requests.find((r) => r.url() === `${env.baseUrl}/dbconnections/signup` && r.method() === 'POST');
      check(req, 'no POST /dbconnections/signup was seen');
      eq(form(req).client_id, TENANT.spa.clientId, 'signup body client_id');
      eq(out.value.email, email, 'signup result email', { result: out.value });
      eq(out.value.emailVerified, false, 'signup result emailVerified (auth0.js camel-cases the body)', { result: out.value });
      // auth0.js camel-cases the answer's keys: Auth0's `_id` arrives as `Id`.
      const id = out.value.Id;
      check(typeof id === 'string' && /^[0-9a-f]{24}$/.test(id), 'signup result has no 24-hex Id (the body\'s _id)', { result: out.value });
      return `auth0|${id}`;
    });
    await step('a second WebAuth.signup with the same email fails with code user_exists', async () => {
      const out = await call('duplicate signup', 'signup', { connection, email, password: STRONG_PASSWORD });
      check(!out.ok, 'the duplicate signup succeeded', { result: out.value });
      eq(out.error.code, 'user_exists', 'err.code', { 'SDK error': out.error });
      eq(out.error.description, 'The user already exists.', 'err.description', { 'SDK error': out.error });
      eq(out.error.statusCode, 400, 'err.statusCode', { 'SDK error': out.error });
    });
    await step('WebAuth.signup with a weak password fails with invalid_password and the policy', async () => {
      const out = await call('weak signup', 'signup', { connection, email: uniqueEmail('auth0js-weak'), password: 'weak' });
      check(!out.ok, 'the weak password was accepted', { result: out.value });
      eq(out.error.code, 'invalid_password', 'err.code', { 'SDK error': out.error });
      eq(out.error.name, 'PasswordStrengthError', 'err.name', { 'SDK error': out.error });
      check(typeof out.error.policy === 'string' && out.error.policy.includes('At least 8 characters'), 'err.policy should state the rules (Lock shows it)', { 'SDK error': out.error });
      check(Array.isArray(out.error.description?.rules), 'err.description.rules should list the rules', { 'SDK error': out.error });
    });
    await step('the new user logs in; the verification link from the outbox sets email_verified', async () => {
      const before = await passwordLogin(STRONG_PASSWORD);
      check(before.status === 200, 'password grant of the new user failed', { request: before.request, 'mock answered': `${before.status} ${before.text}` });
      eq(decodeJwt(before.json.id_token).payload.sub, userId, 'id_token sub');
      eq(decodeJwt(before.json.id_token).payload.email_verified, false, 'email_verified before verification');
      const m = await outboxLink(env, email, 'verify_email', 'u/email-verification');
      await followVerificationLink(m.link);
      const after = await tokenRequest(env, { grant_type: 'password', client_id: TENANT.web.clientId, client_secret: TENANT.web.clientSecret, username: email, password: STRONG_PASSWORD, scope: 'openid email' });
      eq(decodeJwt(after.id_token).payload.email_verified, true, 'email_verified after following the link');
    });
    await step('WebAuth.changePassword({connection, email}) returns Auth0\'s sentence', async () => {
      const out = await call('changePassword', 'changePassword', { connection, email });
      check(out.ok, `WebAuth.changePassword failed: ${out.error?.code} ${out.error?.description}`, { 'SDK error': out.error });
      eq(out.value, "We've just sent you an email to reset your password.", 'changePassword result (auth0.js returns text/html bodies as text)');
    });
    await step('the reset link from the outbox changes the password; the old one is refused', async () => {
      const m = await outboxLink(env, email, 'reset_email', 'u/reset-verify');
      eq(m.user_id, userId, 'reset_email user_id', { message: m });
      await completePasswordReset(m.link, newPassword);
      const ok = await passwordLogin(newPassword);
      check(ok.status === 200, 'the new password does not work', { request: ok.request, 'mock answered': `${ok.status} ${ok.text}` });
      const old = await passwordLogin(STRONG_PASSWORD);
      check(old.status === 403 && old.json?.error === 'invalid_grant', 'the old password should get 403 invalid_grant', { 'mock answered': `${old.status} ${old.text}` });
    });
  });
}

async function scenarioI(browser, pageUrl) {
  const codeEmail = uniqueEmail('auth0js-code');
  const linkEmail = uniqueEmail('auth0js-link');
  const callbackPage = new URL('auth0-js.html', pageUrl).href;
  // auth0.js expects iss = "https://" + domain + "/" and fetches the JWKS from there unless told:
  // the documented overrides for a custom domain.
  const implicit = {
    responseType: 'token id_token', redirectUri: callbackPage, scope: 'openid profile email', audience: TENANT.audience,
    overrides: { __token_issuer: env.issuer, __jwks_uri: env.jwksUrl },
  };
  const newUser = { email: linkEmail, userId: null, roles: ['user'] };
  await scenario(browser, 'I: auth0.js passwordlessStart (code, magic link) + parseHash + checkSession', async ({ page, step, rec }) => {
    const call = (what, config, method, options) => page.evaluate(([c, m, o]) => window.callbackWith(c, m, o), [config, method, options])
      .then((out) => { if (!out) throw new CheckError(`${what}: no outcome`); return out; });
    const openPage = async (url) => {
      await page.goto(url);
      await page.waitForFunction(() => window.pageReady === true && typeof window.auth0?.WebAuth === 'function');
    };
    const startRequests = () => rec.requests.filter((r) => r.url() === `${env.baseUrl}/passwordless/start` && r.method() === 'POST');

    await step('open the auth0.js page', () => openPage(callbackPage));

    await step('WebAuth.passwordlessStart({connection: "email", send: "code", email}) (public SPA, no secret)', async () => {
      const out = await call('passwordlessStart(code)', {}, 'passwordlessStart', { connection: 'email', send: 'code', email: codeEmail });
      check(out.ok, `passwordlessStart failed: ${out.error?.code} ${out.error?.description}`, { 'SDK error': out.error });
      const [req] = startRequests().slice(-1);
      check(req, 'no POST /passwordless/start was seen');
      const body = form(req);
      eq(body.client_id, TENANT.spa.clientId, 'start body client_id', { body });
      eq(body.client_secret, undefined, 'start body client_secret (a SPA has none)', { body });
      eq(body.connection, 'email', 'start body connection', { body });
      eq(body.send, 'code', 'start body send', { body });
      // auth0.js camel-cases the answer's keys: Auth0's `_id` arrives as `Id`.
      eq(out.value.email, codeEmail, 'result email', { result: out.value });
      eq(out.value.emailVerified, false, 'result emailVerified (a new address)', { result: out.value });
      check(typeof out.value.Id === 'string' && /^[0-9a-f]{24}$/.test(out.value.Id), 'result has no 24-hex Id (the body\'s _id)', { result: out.value });
      await outboxCode(env, codeEmail, 'email');
    });

    await step('WebAuth.passwordlessStart with a phone number that is not E.164 fails with code bad.phone_number', async () => {
      const out = await call('passwordlessStart(sms)', {}, 'passwordlessStart', { connection: 'sms', send: 'code', phoneNumber: '555-1111' });
      check(!out.ok, 'the bad number was accepted', { result: out.value });
      eq(out.error.code, 'bad.phone_number', 'err.code', { 'SDK error': out.error });
      eq(out.error.statusCode, 400, 'err.statusCode', { 'SDK error': out.error });
    });

    const link = await step('WebAuth.passwordlessStart({send: "link"}) with an implicit-flow WebAuth sends authParams; the magic link is in the outbox', async () => {
      const out = await call('passwordlessStart(link)', implicit, 'passwordlessStart', { connection: 'email', send: 'link', email: linkEmail });
      check(out.ok, `passwordlessStart(link) failed: ${out.error?.code} ${out.error?.description}`, { 'SDK error': out.error });
      const [req] = startRequests().slice(-1);
      const body = form(req);
      const ap = body.authParams ?? {};
      eq(ap.response_type, 'token id_token', 'authParams.response_type', { body });
      eq(ap.redirect_uri, callbackPage, 'authParams.redirect_uri', { body });
      check(ap.state && ap.nonce, 'auth0.js should send a state and a nonce in authParams', { body });
      const m = await outboxMagicLink(env, linkEmail);
      const q = new URL(m.link).searchParams;
      eq(q.get('state'), ap.state, 'the link carries the state auth0.js stored', { link: m.link });
      eq(q.get('client_id'), TENANT.spa.clientId, 'link client_id', { link: m.link });
      return m.link;
    });

    await step('opening the magic link in the browser comes back to the page with #access_token&id_token', async () => {
      await page.goto(link);
      try {
        await page.waitForURL((u) => u.href.startsWith(callbackPage) && /[#&](id_token|error)=/.test(u.hash), { timeout: STEP_TIMEOUT });
      } catch {
        throw new CheckError('never came back to the page with #id_token= or #error=');
      }
      const h = new URLSearchParams(new URL(page.url()).hash.slice(1));
      if (h.has('error')) throw new CheckError(`mock redirected back with error=${h.get('error')}`, { error_description: h.get('error_description'), callback: page.url() });
      check(h.get('access_token') && h.get('state'), 'callback fragment lacks access_token or state', { callback: page.url() });
      await page.waitForFunction(() => window.pageReady === true);
    });

    await step('WebAuth.parseHash validates the ID token (iss, aud, nonce, signature via JWKS): a new email| user', async () => {
      const out = await call('parseHash', implicit, 'parseHash', {});
      check(out.ok, `parseHash failed: ${out.error?.error ?? out.error?.code} ${out.error?.errorDescription ?? out.error?.description}`, { 'SDK error': out.error });
      const claims = out.value?.idTokenPayload;
      check(claims, 'parseHash returned no idTokenPayload', { result: out.value });
      check(/^email\|[0-9a-f]{24}$/.test(claims.sub ?? ''), `sub should be email|<24 hex>, got ${claims.sub}`, { claims });
      eq(claims.email, linkEmail, 'idTokenPayload.email', { claims });
      eq(claims.email_verified, true, 'idTokenPayload.email_verified (the link proved the address)', { claims });
      eq(out.value.refreshToken, null, 'no refresh token from a magic link', { result: out.value });
      newUser.userId = claims.sub;
      await verifyAccessToken(out.value.accessToken, newUser);
    });

    await step('WebAuth.checkSession (prompt=none, web_message iframe) finds the session the magic link started', async () => {
      const out = await call('checkSession', implicit, 'checkSession', {});
      check(out.ok, `checkSession failed: ${out.error?.error ?? out.error?.code} ${out.error?.errorDescription ?? out.error?.description}`, { 'SDK error': out.error });
      eq(out.value?.idTokenPayload?.sub, newUser.userId, 'checkSession idTokenPayload.sub', { result: out.value });
      await verifyAccessToken(out.value.accessToken, newUser);
    });
  });
}

async function scenarioK(browser, pageUrl) {
  const { alice, bob } = TENANT.users;
  await scenario(browser, 'K: one-request logins (no login form)', async ({ page, step, rec }) => {
    const noLoginPage = (before) => check(
      !rec.requests.slice(before).some((r) => new URL(r.url()).pathname === '/u/login' && r.method() === 'POST'),
      'the login form was submitted, but no form should be needed');
    await step('POST /__mock/login {user: alice} -> context.addCookies(cookie)', async () => {
      const r = await httpCall('POST', `${env.baseUrl}/__mock/login`, { json: { user: alice.email } });
      eq(r.status, 201, 'POST /__mock/login status', { body: r.text });
      await page.context().addCookies([r.json.cookie]);
    });
    await step('open the SPA; loginWithRedirect() comes straight back with ?code (no login page)', async () => {
      await openSpa(page, pageUrl);
      const before = rec.requests.length;
      await page.evaluate(() => { window.makeClient().loginWithRedirect(); });
      await waitForCallback(page, pageUrl);
      check(!rec.requests.slice(before).some((r) => new URL(r.url()).pathname === '/u/login'), 'the login page was shown');
    });
    await step('handleRedirectCallback() + getUser() is alice', async () => {
      const { user } = await handleCallback(page);
      eq(user?.email, alice.email, 'getUser().email', { user });
    });
    await step('POST /__mock/login/next {user: bob}; after logout, loginWithRedirect() signs bob in with no form', async () => {
      const armed = await httpCall('POST', `${env.baseUrl}/__mock/login/next`, { json: { user: bob.email } });
      eq(armed.status, 200, 'POST /__mock/login/next status', { body: armed.text });
      await page.context().clearCookies();
      await openSpa(page, pageUrl);
      const before = rec.requests.length;
      await page.evaluate(() => { window.makeClient().loginWithRedirect(); });
      await waitForCallback(page, pageUrl);
      noLoginPage(before);
      const { user } = await handleCallback(page);
      eq(user?.email, bob.email, 'getUser().email', { user });
    });
  });
}

async function scenarioJ(browser, pageUrl) {
  const alice = TENANT.users.alice;
  const otpEmail = uniqueEmail('auth0js-otp');
  const callbackPage = new URL('auth0-js.html', pageUrl).href;
  // As in I: implicit flow back to this page, and the documented overrides for a custom domain.
  const implicit = {
    responseType: 'token id_token', redirectUri: callbackPage, scope: 'openid profile email', audience: TENANT.audience,
    overrides: { __token_issuer: env.issuer, __jwks_uri: env.jwksUrl },
  };
  await scenario(browser, 'J: auth0.js login + passwordlessLogin (/co/authenticate, /authorize?login_ticket) + parseHash', async ({ page, step, rec }) => {
    const call = (what, config, method, options) => page.evaluate(([c, m, o]) => window.callbackWith(c, m, o), [config, method, options])
      .then((out) => { if (!out) throw new CheckError(`${what}: no outcome`); return out; });
    const openPage = async (url) => {
      await page.goto(url);
      await page.waitForFunction(() => window.pageReady === true && typeof window.auth0?.WebAuth === 'function');
    };
    const lastCoStatus = () => {
      const [x] = rec.exchanges.filter((e) => e.startsWith(`POST ${env.baseUrl}/co/authenticate -> `)).slice(-1);
      return x ? Number(x.split(' -> ')[1]) : undefined;
    };
    const coRequests = () => rec.requests.filter((r) => r.url() === `${env.baseUrl}/co/authenticate` && r.method() === 'POST');
    /**
     * Starts webAuth[method] (which calls back only on an error; on success auth0.js leaves the page for
     * /authorize?login_ticket=…) and waits for the page to come back with #id_token (or #error), or for the
     * callback's error.
     */
    const loginAndComeBack = async (method, options) => {
      const nCo = coRequests().length;
      const nReq = rec.requests.length;
      await page.evaluate(([c, m, o]) => {
        history.replaceState(null, '', location.pathname); // drop an earlier login's #fragment
        window.outcome = null;
        window.callbackWith(c, m, o).then((out) => { window.outcome = out; });
      }, [implicit, method, options]);
      const back = page.waitForURL((u) => u.href.startsWith(callbackPage) && /[#&](id_token|error)=/.test(u.hash), { timeout: STEP_TIMEOUT })
        .then(() => null, () => 'timeout');
      const failed = page.waitForFunction(() => window.outcome, null, { timeout: STEP_TIMEOUT })
        .then((h) => h.jsonValue()).catch(() => new Promise(() => {}));
      const out = await Promise.race([back, failed]);
      if (out === 'timeout') throw new CheckError(`${method}: never came back to the page with #id_token= or #error= (and no error callback)`);
      if (out) throw new CheckError(`${method} called back with an error instead of redirecting: ${out.error?.code} ${out.error?.description}`, { 'SDK error': out.error });
      const co = coRequests().slice(nCo);
      check(co.length === 1, `auth0.js should POST /co/authenticate once, saw ${co.length}`);
      const auth = rec.requests.slice(nReq).find((r) => r.url().startsWith(`${env.baseUrl}/authorize?`) && new URL(r.url()).searchParams.has('login_ticket'));
      check(auth, 'no GET /authorize?login_ticket=… was seen');
      const h = new URLSearchParams(new URL(page.url()).hash.slice(1));
      if (h.has('error')) throw new CheckError(`mock redirected back with error=${h.get('error')}`, { error_description: h.get('error_description'), callback: page.url() });
      check(h.get('access_token') && h.get('state'), 'callback fragment lacks access_token or state', { callback: page.url() });
      await page.waitForFunction(() => window.pageReady === true);
      return form(co[0]);
    };
    const parseHash = async () => {
      const out = await call('parseHash', implicit, 'parseHash', {});
      check(out.ok, `parseHash failed: ${out.error?.error ?? out.error?.code} ${out.error?.errorDescription ?? out.error?.description}`, { 'SDK error': out.error });
      check(out.value?.idTokenPayload, 'parseHash returned no idTokenPayload', { result: out.value });
      return out.value;
    };

    await step('open the auth0.js page', () => openPage(callbackPage));

    await step('WebAuth.login({realm, username, password}) posts /co/authenticate, then /authorize?login_ticket= comes back with #id_token', async () => {
      const body = await loginAndComeBack('login', { realm: TENANT.realm, username: alice.email, password: alice.password });
      eq(body.client_id, TENANT.spa.clientId, '/co/authenticate body client_id', { body });
      eq(body.credential_type, 'http://auth0.com/oauth/grant-type/password-realm', '/co/authenticate body credential_type', { body });
      eq(body.realm, TENANT.realm, '/co/authenticate body realm', { body });
      eq(body.username, alice.email, '/co/authenticate body username', { body });
    });

    await step('WebAuth.parseHash validates alice\'s ID token; the access token has the Hasura claims', async () => {
      const value = await parseHash();
      eq(value.idTokenPayload.sub, alice.userId, 'idTokenPayload.sub', { claims: value.idTokenPayload });
      eq(value.idTokenPayload.email, alice.email, 'idTokenPayload.email', { claims: value.idTokenPayload });
      await verifyAccessToken(value.accessToken, alice);
    });

    await step('WebAuth.login with a wrong password calls back with access_denied "Wrong email or password." (no redirect)', async () => {
      const before = page.url();
      const out = await call('login(wrong password)', implicit, 'login', { realm: TENANT.realm, username: alice.email, password: 'not-alices-password' });
      check(!out.ok, 'the wrong password was accepted', { result: out.value });
      eq(out.error.code, 'access_denied', 'err.code', { 'SDK error': out.error });
      eq(out.error.description, 'Wrong email or password.', 'err.description', { 'SDK error': out.error });
      // auth0.js hands the callback the answer's body only (no statusCode): the status from the network.
      eq(lastCoStatus(), 403, 'status of POST /co/authenticate');
      eq(page.url(), before, 'the page stays where it is');
    });

    const sent = await step('WebAuth.passwordlessStart({connection: "email", send: "code", email}); the code is in the outbox', async () => {
      const out = await call('passwordlessStart(code)', implicit, 'passwordlessStart', { connection: 'email', send: 'code', email: otpEmail });
      check(out.ok, `passwordlessStart failed: ${out.error?.code} ${out.error?.description}`, { 'SDK error': out.error });
      return outboxCode(env, otpEmail, 'email');
    });

    await step('WebAuth.passwordlessLogin with a wrong code calls back with access_denied "Wrong email or verification code."', async () => {
      const wrong = sent.code === '000000' ? '111111' : '000000';
      const out = await call('passwordlessLogin(wrong code)', implicit, 'passwordlessLogin', { connection: 'email', email: otpEmail, verificationCode: wrong });
      check(!out.ok, 'the wrong code was accepted', { result: out.value });
      eq(out.error.code, 'access_denied', 'err.code', { 'SDK error': out.error });
      eq(out.error.description, 'Wrong email or verification code.', 'err.description', { 'SDK error': out.error });
      eq(lastCoStatus(), 403, 'status of POST /co/authenticate');
    });

    await step('WebAuth.passwordlessLogin({connection: "email", email, verificationCode}) comes back with #id_token', async () => {
      const body = await loginAndComeBack('passwordlessLogin', { connection: 'email', email: otpEmail, verificationCode: sent.code });
      eq(body.credential_type, 'http://auth0.com/oauth/grant-type/passwordless/otp', '/co/authenticate body credential_type', { body });
      eq(body.realm, 'email', '/co/authenticate body realm', { body });
      eq(body.username, otpEmail, '/co/authenticate body username', { body });
      eq(body.otp, sent.code, '/co/authenticate body otp', { body });
    });

    await step('WebAuth.parseHash: a new email| user with a verified email; the access token verifies', async () => {
      const value = await parseHash();
      const claims = value.idTokenPayload;
      check(/^email\|[0-9a-f]{24}$/.test(claims.sub ?? ''), `sub should be email|<24 hex>, got ${claims.sub}`, { claims });
      eq(claims.email, otpEmail, 'idTokenPayload.email', { claims });
      eq(claims.email_verified, true, 'idTokenPayload.email_verified (the code proved the address)', { claims });
      await verifyAccessToken(value.accessToken, { email: otpEmail, userId: claims.sub, roles: ['user'] });
    });
  });
}

// ---------------------------------------------------------------- main
async function scenarioL(browser, pageUrl, server) {
  const alice = TENANT.users.alice;
  const issuerHost = new URL(env.baseUrl).host;
  await scenario(browser, 'L: redirect Action (progressive profiling through /continue)', async ({ page, step, rec }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect() -> alice\'s credentials -> the Action sends the browser to the app\'s /profile', async () => {
      await startLogin(page);
      await page.fill('#username', alice.email);
      await page.fill('#password', alice.password);
      await page.click('button[type=submit][name=action][value=default]');
      try {
        await page.waitForURL((u) => u.href.startsWith(`${pageUrl}profile?`), { timeout: STEP_TIMEOUT });
      } catch {
        throw new CheckError('the browser never reached the profile page the Action redirects to');
      }
      await page.waitForSelector('#favourite_colour');
    });
    await step('the page verified the Action\'s session_token (HS256): sub is alice, iss the mock\'s host', async () => {
      const seen = server.profileSeen;
      check(seen && !seen.error, 'the session_token did not verify with the shared secret', { seen });
      eq(seen.payload.sub, alice.userId, 'session_token sub', { seen });
      eq(seen.payload.iss, issuerHost, 'session_token iss', { seen });
      check(Array.isArray(seen.payload.ask), 'session_token lacks the Action\'s payload', { seen });
      check(seen.state.length >= 24, 'the page got no state', { seen });
    });
    await step('type a colour, save -> the page posts to /continue -> back on the SPA with ?code&state', async () => {
      await page.fill('#favourite_colour', 'teal');
      await page.click('#save');
      await waitForCallback(page, pageUrl);
      const cont = rec.requests.find((r) => new URL(r.url()).pathname === '/continue');
      check(cont, 'no request to /continue was seen');
      eq(cont.method(), 'POST', '/continue method');
      eq(form(cont).state, server.profileSeen.state, '/continue state');
    });
    await step('handleRedirectCallback(): the ID token carries what onContinuePostLogin read from the page', async () => {
      const { user, claims } = await handleCallback(page);
      eq(user?.sub, alice.userId, 'getUser().sub', { user });
      eq(claims['https://example.com/favourite_colour'], 'teal', 'ID token favourite_colour', { claims });
    });
    await step('the colour is in alice\'s user_metadata (Management API)', async () => {
      const token = await managementToken(env);
      const r = await httpCall('GET', `${env.baseUrl}/api/v2/users/${encodeURIComponent(alice.userId)}`,
        { headers: { authorization: `Bearer ${token}` } });
      eq(r.status, 200, 'GET /api/v2/users/{id}', { body: r.text });
      eq(r.json.user_metadata?.favourite_colour, 'teal', 'user_metadata.favourite_colour', { user: r.json });
    });
    await step('the next login (getTokenSilently, prompt=none) does not redirect: the profile is complete', async () => {
      const token = await sdk(page, 'getTokenSilently({cacheMode:"off"})',
        () => window.attempt(() => window.client.getTokenSilently({ cacheMode: 'off' })));
      await verifyAccessToken(token, alice);
    });
  });
}

async function scenarioM(browser, pageUrl) {
  const alice = TENANT.users.alice;
  await scenario(browser, 'M: MFA (an Action\'s TOTP challenge)', async ({ page, step }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect() -> alice\'s credentials -> the OTP challenge screen', async () => {
      await startLogin(page);
      await page.fill('#username', alice.email);
      await page.fill('#password', alice.password);
      await page.click('button[type=submit][name=action][value=default]');
      await page.waitForURL((u) => u.pathname === '/u/mfa-otp-challenge', { timeout: STEP_TIMEOUT });
      check(await page.locator('input#code[name=code]').count() === 1, 'the challenge has no input#code', { html: (await page.content()).slice(0, 2000) });
    });
    await step('a wrong code is refused on the page', async () => {
      await page.fill('#code', wrongTotp(alice.totpSecret));
      await page.click('button[name=action][value=default]');
      await page.waitForSelector('#error-element-code');
      eq(new URL(page.url()).pathname, '/u/mfa-otp-challenge', 'still on the challenge');
    });
    await step('her current TOTP -> back on the SPA with ?code&state', async () => {
      await page.fill('#code', totp(alice.totpSecret));
      await page.click('button[name=action][value=default]');
      await waitForCallback(page, pageUrl);
    });
    await step('handleRedirectCallback(): spa-js accepts the ID token, which says amr ["mfa"]', async () => {
      const { user, claims } = await handleCallback(page);
      eq(user?.sub, alice.userId, 'getUser().sub', { user });
      check(Array.isArray(claims.amr) && claims.amr.includes('mfa'), 'ID token has no amr ["mfa"]', { claims });
    });
    await step('getTokenSilently({cacheMode:"off"}) in the same session is not challenged again', async () => {
      const token = await sdk(page, 'getTokenSilently({cacheMode:"off"})',
        () => window.attempt(() => window.client.getTokenSilently({ cacheMode: 'off' })));
      await verifyAccessToken(token, alice);
    });
  });
}

async function scenarioN(browser, pageUrl) {
  const alice = TENANT.users.alice;
  const organization = process.env.ORGANIZATION;
  const opts = { authorizationParams: { organization } };
  await scenario(browser, 'N: organizations (org_id checked by spa-js)', async ({ page, step, rec }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect({authorizationParams:{organization}}) -> alice -> callback', async () => {
      await startLogin(page, opts);
      const authReq = rec.requests.find((r) => new URL(r.url()).pathname === '/authorize');
      eq(new URL(authReq.url()).searchParams.get('organization'), organization, '/authorize organization (sent by spa-js)');
      await page.fill('#username', alice.email);
      await page.fill('#password', alice.password);
      await page.click('button[type=submit][name=action][value=default]');
      await waitForCallback(page, pageUrl);
    });
    await step('handleRedirectCallback() with the same organization: spa-js accepts org_id', async () => {
      const { user, claims } = await handleCallback(page, opts);
      eq(user?.sub, alice.userId, 'getUser().sub', { user });
      eq(claims.org_id, organization, 'ID token org_id', { claims });
    });
    const token = await step('getTokenSilently({cacheMode:"off"}) keeps org_id in the access token', async () => {
      const t = await sdk(page, 'getTokenSilently({cacheMode:"off"})',
        () => window.attempt(() => window.client.getTokenSilently({ cacheMode: 'off' })));
      const payload = await verifyAccessToken(t, alice);
      eq(payload.org_id, organization, 'access token org_id', { payload });
      return t;
    });
    await step('auth0-mock hasura-verify derives x-hasura-org-id from the access token', async () => {
      const secret = JSON.stringify({ jwk_url: env.jwksUrl, issuer: env.issuer, audience: TENANT.audience });
      const { stdout } = await promisify(execFile)(process.env.AUTH0_MOCK_BIN, ['hasura-verify', '--secret', secret, '--token', token]);
      const verdict = JSON.parse(stdout);
      eq(verdict.session_variables['x-hasura-org-id'], organization, 'x-hasura-org-id', { verdict });
      eq(verdict.session_variables['x-hasura-user-id'], alice.userId, 'x-hasura-user-id', { verdict });
    });
  });
  await scenario(browser, 'N: organizations (a non-member is refused)', async ({ page, step }) => {
    const bob = TENANT.users.bob;
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect({organization}) -> bob -> back with error=access_denied', async () => {
      await startLogin(page, opts);
      await page.fill('#username', bob.email);
      await page.fill('#password', bob.password);
      await page.click('button[type=submit][name=action][value=default]');
      await page.waitForURL((u) => u.href.startsWith(pageUrl) && u.searchParams.has('error'), { timeout: STEP_TIMEOUT });
      const u = new URL(page.url());
      eq(u.searchParams.get('error'), 'access_denied', 'callback error');
      check((u.searchParams.get('error_description') || '').includes('is not part of the'),
        'error_description should say the user is not part of the organization', { callback: page.url() });
    });
    await step('handleRedirectCallback() rejects with access_denied', async () => {
      const out = await page.evaluate((o) => window.attempt(() => window.makeClient(o).handleRedirectCallback()), opts);
      check(!out.ok && out.error.error === 'access_denied', 'spa-js should reject with access_denied', { out });
    });
  });
}

/** An invitation to `organization` for `email`, made through the Management API; its link. */
async function inviteTo(organization, email) {
  const token = await managementToken(env);
  const r = await httpCall('POST', `${env.baseUrl}/api/v2/organizations/${organization}/invitations`, {
    json: { inviter: { name: 'Alice' }, invitee: { email }, client_id: TENANT.spa.clientId },
    headers: { authorization: `Bearer ${token}` },
  });
  eq(r.status, 201, 'POST /api/v2/organizations/{id}/invitations', { answer: r.text });
  const [mail] = await outboxMessages(env, email, 'user_invitation');
  eq(mail.link, r.json.invitation_url, 'the emailed link is the invitation_url', { mail });
  return new URL(mail.link);
}

async function scenarioNInvitation(browser, pageUrl) {
  const carol = { email: 'carol@example.com', password: 'carol-password' };
  await scenario(browser, 'N: organizations (an invitee accepts the emailed invitation)', async ({ page, step }) => {
    const link = await step('invite carol through the Management API; the email carries the link', () =>
      inviteTo(process.env.ORGANIZATION, carol.email));
    const opts = { authorizationParams: {
      invitation: link.searchParams.get('invitation'), organization: link.searchParams.get('organization'),
    } };
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect({invitation, organization}): the form has carol\'s address; log in', async () => {
      await startLogin(page, opts);
      eq(await page.inputValue('#username'), carol.email, 'the login form is filled in with the invited address');
      await page.fill('#password', carol.password);
      await page.click('button[type=submit][name=action][value=default]');
      await waitForCallback(page, pageUrl);
    });
    await step('handleRedirectCallback(): spa-js accepts org_id, and carol is now a member', async () => {
      const { claims } = await handleCallback(page, { authorizationParams: { organization: opts.authorizationParams.organization } });
      eq(claims.org_id, process.env.ORGANIZATION, 'ID token org_id', { claims });
      eq(claims.email_verified, true, 'accepting the invitation verified the address', { claims });
      const token = await managementToken(env);
      const r = await httpCall('GET', `${env.baseUrl}/api/v2/organizations/${process.env.ORGANIZATION}/members`, {
        headers: { authorization: `Bearer ${token}` },
      });
      check(r.json.some((m) => m.email === carol.email), 'the members list should include carol', { members: r.json });
    });
  });
}

async function scenarioO(browser, pageUrl) {
  const email = uniqueEmail('social');
  let sub;
  await scenario(browser, 'O: social login (first time: a new Google user)', async ({ page, step }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect({connection:"google-oauth2"}) -> the provider page', async () => {
      await page.evaluate(() => { window.makeClient({ authorizationParams: { connection: 'google-oauth2' } }).loginWithRedirect(); });
      await page.waitForURL((u) => u.pathname === '/mock-provider/google-oauth2', { timeout: STEP_TIMEOUT });
      check((await page.textContent('h1')).includes('Google'), 'the provider page names Google');
    });
    await step('a new email and name -> back on the SPA with ?code&state', async () => {
      await page.fill('#email', email);
      await page.fill('#name', 'Dana Scully');
      await page.click('button[name=action][value=default]');
      await waitForCallback(page, pageUrl);
    });
    await step('handleRedirectCallback() + getUser() is a google-oauth2|<21 digits> user', async () => {
      const { user } = await handleCallback(page);
      check(/^google-oauth2\|\d{21}$/.test(user?.sub ?? ''), `getUser().sub should be google-oauth2|<21 digits>, got ${user?.sub}`, { user });
      eq(user.email, email, 'getUser().email', { user });
      eq(user.email_verified, true, 'getUser().email_verified', { user });
      eq(user.given_name, 'Dana', 'getUser().given_name', { user });
      sub = user.sub;
    });
  });
  await scenario(browser, 'O: social login (again: the same user, through the login page)', async ({ page, step }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect() -> the login page\'s "Continue with Google"', async () => {
      await startLogin(page);
      await page.click('#social-google-oauth2');
      await page.waitForURL((u) => u.pathname === '/mock-provider/google-oauth2', { timeout: STEP_TIMEOUT });
    });
    await step('pick the account the provider knows -> callback', async () => {
      await page.click(`button.user-login[data-email="${email}"]`);
      await waitForCallback(page, pageUrl);
    });
    await step('getUser() is the user the first login created', async () => {
      const { user } = await handleCallback(page);
      eq(user?.sub, sub, 'getUser().sub', { user });
    });
  });
}

async function main() {
  check(env.baseUrl.startsWith('http://localhost:'), `MOCK_BASE_URL must be http://localhost:PORT (same site as the SPA), got ${env.baseUrl}`);
  check(fs.existsSync(chromiumPath), `Chromium not found at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);
  const { server, pageUrl } = await startStaticServer();
  log(`SPA page ${pageUrl}, mock ${env.baseUrl}`);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // playwright gives the browser a fresh temporary user-data-dir; each scenario gets its own context.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    if (only.includes('A')) await scenarioA(browser, pageUrl);
    if (only.includes('B')) await scenarioB(browser, pageUrl);
    if (only.includes('C')) await scenarioC(browser, pageUrl);
    if (only.includes('D')) await scenarioD(browser, pageUrl);
    if (only.includes('E')) await scenarioE(browser, pageUrl);
    if (only.includes('F')) await scenarioF(browser, pageUrl);
    if (only.includes('G')) await scenarioG(browser, pageUrl);
    if (only.includes('H')) await scenarioH(browser, pageUrl);
    if (only.includes('I')) await scenarioI(browser, pageUrl);
    if (only.includes('J')) await scenarioJ(browser, pageUrl);
    if (only.includes('K')) await scenarioK(browser, pageUrl);
    if (only.includes('L')) await scenarioL(browser, pageUrl, server);
    if (only.includes('M')) await scenarioM(browser, pageUrl);
    if (only.includes('N')) await scenarioN(browser, pageUrl);
    if (only.includes('N')) await scenarioNInvitation(browser, pageUrl);
    if (only.includes('O')) await scenarioO(browser, pageUrl);
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }
  if (failures.length) {
    console.error(`FAIL [${CLIENT}] ${failures.length} scenario(s) failed:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
  log('all checks passed');
}

main().catch((e) => {
  console.error(`FAIL [${CLIENT}] setup: ${e.message}${e instanceof CheckError ? `\n  ${fmt(e.details)}` : `\n${e.stack}`}`);
  process.exit(1);
});
