// passport-auth0 (Auth0's Passport strategy for Express, unmodified) against the mock, with a
// real login in headless Chromium.
//
// An Express app on another localhost port uses express-session + passport with
//   new Auth0Strategy({ domain, clientID: auth0-mock-web, clientSecret, callbackURL })
// and the three routes every passport-auth0 app has: /login, /callback and a page behind the
// login (/profile). Chromium visits /login, lands on the mock's login page, logs in as alice
// and comes back to /callback, where passport-auth0 (on passport-oauth2 and `oauth` 0.10):
//   - POSTs the code to https://<domain>/oauth/token (client_secret_post);
//   - checks the ID token: iss === "https://<domain>/", aud, nonce from the session;
//   - loads the profile with GET https://<domain>/userinfo?access_token=<token>
//     (oauth's OAuth2.get: the token in the query string, no Authorization header).
// passport-auth0 builds every URL as "https://" + domain, so the mock runs with TLS:
// Node trusts it through NODE_EXTRA_CA_CERTS, Chromium through
// --ignore-certificate-errors-spki-list with the SPKI hash of the mock's CA (MOCK_CA), which
// the mock sends in its chain: only certificates under that key are let through.
//
// Env: MOCK_BASE_URL (https://localhost:PORT), MOCK_ISSUER (optional), MOCK_CA and
//      NODE_EXTRA_CA_CERTS (the mock's CA PEM), CHROMIUM_PATH (default /usr/bin/chromium).
import crypto from 'node:crypto';
import dc from 'node:diagnostics_channel';
import fs from 'node:fs';
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import Auth0Strategy from 'passport-auth0';
import { chromium } from 'playwright-core';
import { mockEnv, TENANT, CheckError, check, eq, fail, fmt, decodeJwt } from './lib/common.mjs';

const CLIENT = 'passport-auth0';
const env = mockEnv();
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const STEP_TIMEOUT = 15_000;
const alice = TENANT.users.alice;
const SCOPE = 'openid profile email';

const log = (...a) => console.log(`[${CLIENT}]`, ...a);

// ---------------------------------------------------------------- app <-> mock recorder
/**
 * What the app's Node process sent to the mock and what it got back, seen through Node's
 * http diagnostics channels (the libraries are not touched). Tokens are shortened.
 */
const appExchanges = [];
const shorten = (s) => s.replace(/((?:access_token|code|client_secret|refresh_token)=)([^&\s]{10})[^&\s]*/g, '$1$2…');
dc.subscribe('http.client.request.start', ({ request }) => {
  const url = `${request.protocol}//${request.getHeader('host') ?? request.host}${request.path}`;
  if (!url.startsWith(env.baseUrl)) return;
  request.exchange = {
    method: request.method,
    path: new URL(url).pathname,
    query: Object.fromEntries(new URL(url).searchParams),
    url,
    authorization: request.getHeader('authorization') ?? null,
  };
  appExchanges.push(request.exchange);
});
dc.subscribe('http.client.response.finish', ({ request, response }) => {
  const x = request.exchange;
  if (!x) return;
  x.status = response.statusCode;
  x.body = '';
  response.on('data', (c) => { x.body += c; });
});
const describe = (x) => `${x.method} ${shorten(x.url)}  Authorization: ${x.authorization ? shorten(String(x.authorization)).slice(0, 20) + '…' : 'none'}\n      -> ${x.status ?? '(no answer)'} ${x.body ?? ''}`;

// ---------------------------------------------------------------- the Express app
/** The app, as the passport-auth0 README sets it up. `outcome` collects what passport handed it. */
function startApp() {
  const outcome = { verify: null, errors: [] };
  const app = express();
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const appUrl = `http://localhost:${server.address().port}`;
      const callbackURL = `${appUrl}/callback`;
      const strategy = new Auth0Strategy(
        { domain: env.domain, clientID: TENANT.web.clientId, clientSecret: TENANT.web.clientSecret, callbackURL },
        (accessToken, refreshToken, extraParams, profile, done) => {
          outcome.verify = { accessToken, extraParams, profile };
          done(null, profile);
        },
      );
      passport.use(strategy);
      passport.serializeUser((user, done) => done(null, user));
      passport.deserializeUser((user, done) => done(null, user));

      app.use(session({ name: 'passport-app.sid', secret: 'passport-auth0 test app', resave: false, saveUninitialized: false }));
      app.use(passport.authenticate('session'));
      app.get('/login', passport.authenticate('auth0', { scope: SCOPE }));
      app.get('/callback',
        passport.authenticate('auth0', { failureRedirect: '/login-failed', failureMessage: true }),
        (req, res) => res.redirect('/profile'));
      app.get('/profile', (req, res) => {
        if (!req.user) return res.status(401).json({ error: 'not logged in' });
        const { _raw, ...user } = req.user;
        return res.json({ user });
      });
      app.get('/favicon.ico', (req, res) => res.status(204).end());
      app.get('/login-failed', (req, res) => res.status(401).type('text/plain').send(`login failed: ${JSON.stringify(req.session.messages ?? [])}`));
      // eslint-disable-next-line no-unused-vars
      app.use((err, req, res, next) => {
        outcome.errors.push(err);
        res.status(500).type('text/plain').send(`passport error: ${err.name}: ${err.message}`);
      });
      resolve({ server, appUrl, callbackURL, strategy, outcome });
    });
    server.on('error', reject);
  });
}

// ---------------------------------------------------------------- Chromium
/** SPKI pin (base64 SHA-256 of the SubjectPublicKeyInfo) of the mock's CA. */
function caSpkiHash(caPath) {
  const ca = new crypto.X509Certificate(fs.readFileSync(caPath));
  return crypto.createHash('sha256').update(ca.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
}

function recordBrowser(context) {
  const rec = { requests: [], exchanges: [], console: [] };
  context.on('request', (req) => rec.requests.push(req));
  context.on('response', (res) => {
    const loc = res.headers().location;
    rec.exchanges.push(`${res.request().method()} ${shorten(res.url())} -> ${res.status()}${loc ? ` Location: ${shorten(loc)}` : ''}`);
  });
  context.on('requestfailed', (req) => rec.exchanges.push(`${req.method()} ${shorten(req.url())} -> FAILED ${req.failure()?.errorText}`));
  context.on('page', (page) => {
    page.on('console', (m) => rec.console.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => rec.console.push(`pageerror: ${e.message}`));
  });
  return rec;
}

// ---------------------------------------------------------------- steps
class StepFailure extends Error {
  constructor(step, cause) {
    super(cause?.message ?? String(cause));
    this.step = step;
    this.cause = cause;
  }
}

async function main() {
  let server;
  let browser;
  let page;
  let rec;
  const step = async (name, fn) => {
    const t0 = Date.now();
    const nApp = appExchanges.length;
    const nBrowser = rec?.exchanges.length ?? 0;
    try {
      const r = await fn();
      log(`ok   ${name} (${Date.now() - t0} ms)`);
      return r;
    } catch (e) {
      const err = e instanceof CheckError ? e : new CheckError(`${e.name}: ${e.message}`, { stack: e.stack?.split('\n').slice(1, 4).join(' | ') });
      const app = appExchanges.slice(nApp);
      if (app.length) err.details['app <-> mock during this step'] = `\n    ${app.map(describe).join('\n    ')}`;
      if (rec) {
        const b = rec.exchanges.slice(Math.max(0, nBrowser - 2));
        if (b.length) err.details['browser requests during this step (and just before)'] = `\n    ${b.slice(-20).join('\n    ')}`;
        if (rec.console.length) err.details['browser console (last 10)'] = `\n    ${rec.console.slice(-10).join('\n    ')}`;
      }
      if (page && !page.isClosed()) {
        err.details['page url'] = shorten(page.url());
        const text = await page.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        if (text.trim()) err.details['page text'] = text.trim().slice(0, 1500);
      }
      throw new StepFailure(name, err);
    }
  };

  try {
    await step('environment: mock over https, its CA for Node and Chromium', async () => {
      check(env.baseUrl.startsWith('https://'),
        `passport-auth0 builds https://<domain>/… URLs, so the mock must run with TLS; MOCK_BASE_URL is ${env.baseUrl}`);
      check(process.env.NODE_EXTRA_CA_CERTS, 'NODE_EXTRA_CA_CERTS must point at the mock CA (passport-auth0 calls the mock from Node)');
      check(env.ca && fs.existsSync(env.ca), `MOCK_CA must be the mock's CA PEM (for Chromium's SPKI pin), got ${env.ca}`);
      eq(env.issuer, `https://${env.domain}/`, 'MOCK_ISSUER (passport-auth0 expects iss = "https://" + domain + "/")');
      check(fs.existsSync(chromiumPath), `Chromium not found at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);
    });

    const app = await step('start the Express app with new Auth0Strategy({domain, clientID, clientSecret, callbackURL})', async () => {
      const a = await startApp();
      server = a.server;
      log(`app ${a.appUrl}, mock ${env.baseUrl} (domain ${env.domain})`);
      const o = a.strategy._oauth2; // passport-oauth2's OAuth2 client: the URLs passport-auth0 derived from `domain`
      eq(o._authorizeUrl, `https://${env.domain}/authorize`, 'authorizationURL');
      eq(o._accessTokenUrl, `https://${env.domain}/oauth/token`, 'tokenURL');
      eq(a.strategy.options.userInfoURL, `https://${env.domain}/userinfo`, 'userInfoURL');
      return a;
    });

    const spki = caSpkiHash(env.ca);
    browser = await step('launch headless Chromium trusting only the mock CA key (--ignore-certificate-errors-spki-list)', () => chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      // playwright passes its own temporary --user-data-dir, which the SPKI flag requires.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', `--ignore-certificate-errors-spki-list=${spki}`],
    }));
    const context = await browser.newContext();
    context.setDefaultTimeout(STEP_TIMEOUT);
    rec = recordBrowser(context);
    page = await context.newPage();

    await step('GET /login -> passport-auth0 redirects to https://<domain>/authorize -> mock login page', async () => {
      await page.goto(`${app.appUrl}/login`);
      try {
        await page.waitForSelector('#username');
      } catch {
        throw new CheckError('the mock login page (input#username) did not show after /login');
      }
      eq(new URL(page.url()).origin, env.baseUrl, 'login page origin');
      eq(new URL(page.url()).pathname, '/u/login', 'login page path');
      const authReq = rec.requests.find((r) => r.url().startsWith(`${env.baseUrl}/authorize`));
      check(authReq, 'no request to the mock\'s /authorize was seen');
      const q = new URL(authReq.url()).searchParams;
      eq(q.get('client_id'), TENANT.web.clientId, '/authorize client_id');
      eq(q.get('response_type'), 'code', '/authorize response_type');
      eq(q.get('redirect_uri'), app.callbackURL, '/authorize redirect_uri');
      eq(q.get('scope'), SCOPE, '/authorize scope');
      check(q.get('state') && q.get('nonce'), '/authorize must carry state and nonce (passport-auth0 state: true)', { query: Object.fromEntries(q) });
    });

    const callback = await step('log in as alice -> the mock redirects to the app\'s /callback with ?code&state', async () => {
      const callbackResponse = page.waitForResponse((r) => r.url().startsWith(`${app.callbackURL}?`));
      await page.fill('#username', alice.email);
      await page.fill('#password', alice.password);
      await page.click('button[name=action][value=default]');
      const res = await callbackResponse;
      const q = new URL(res.url()).searchParams;
      check(!q.has('error'), `the mock redirected back with error=${q.get('error')}`, { error_description: q.get('error_description') });
      check(q.has('code') && q.has('state'), 'callback without code and state', { callback: shorten(res.url()) });
      return res;
    });

    await step('/callback: passport-auth0 exchanged the code at /oauth/token (200 with an id_token)', async () => {
      const x = appExchanges.find((e) => e.path === '/oauth/token');
      check(x, 'the app never called the mock\'s /oauth/token', { 'app answered the browser': `${callback.status()} ${await callback.text().catch(() => '')}` });
      check(x.status === 200, `POST /oauth/token answered ${x.status}`, { exchange: describe(x) });
      const body = JSON.parse(x.body || '{}');
      check(typeof body.access_token === 'string' && typeof body.id_token === 'string', 'token response lacks access_token/id_token', { exchange: describe(x) });
      const idt = decodeJwt(body.id_token).payload;
      eq(idt?.iss, `https://${env.domain}/`, 'id_token iss (passport-auth0 expectedIssuer)', { payload: idt });
      eq(idt?.aud, TENANT.web.clientId, 'id_token aud', { payload: idt });
      check(typeof idt?.nonce === 'string', 'id_token has no nonce (passport-auth0 checks it against the session)', { payload: idt });
    });

    await step('/callback: passport-auth0 loaded the profile with GET /userinfo?access_token=… (200)', async () => {
      const x = appExchanges.find((e) => e.path === '/userinfo');
      const appAnswer = `${callback.status()} ${await callback.text().catch(() => '')}`;
      check(x, 'the app never called the mock\'s /userinfo (did the ID-token check fail?)',
        { 'app answered the browser': appAnswer, 'passport errors': app.outcome.errors.map((e) => `${e.name}: ${e.message}`) });
      check(x.status === 200,
        `GET /userinfo with the access token in the query string (as passport-auth0 sends it) answered ${x.status}: ${x.body}`,
        { exchange: describe(x), 'app answered the browser': appAnswer, 'passport errors': app.outcome.errors.map((e) => `${e.name}: ${e.message}`) });
      check(typeof x.query.access_token === 'string' && x.authorization === null,
        'passport-auth0 no longer sends /userinfo?access_token= without an Authorization header; this test is meant to cover that form',
        { exchange: describe(x) });
      check(app.outcome.errors.length === 0, 'passport reported an error on /callback',
        { 'passport errors': app.outcome.errors.map((e) => `${e.name}: ${e.message}`), 'app answered the browser': appAnswer });
    });

    await step('the verify callback got alice\'s profile (user_id, email from /userinfo)', async () => {
      const v = app.outcome.verify;
      check(v, 'the strategy\'s verify callback was never called', { 'passport errors': app.outcome.errors.map((e) => e.message) });
      const p = v.profile;
      eq(p.user_id, alice.userId, 'profile.user_id', { profile: p._json });
      eq(p.id, alice.userId, 'profile.id', { profile: p._json });
      eq(p.provider, 'auth0', 'profile.provider', { profile: p._json });
      eq(p.emails?.[0]?.value, alice.email, 'profile.emails[0].value', { profile: p._json });
      eq(p._json.email, alice.email, '/userinfo email', { profile: p._json });
      check(typeof v.accessToken === 'string' && typeof v.extraParams.id_token === 'string', 'verify callback without access token / id_token',
        { extraParams: Object.keys(v.extraParams) });
    });

    await step('the browser ends on /profile, logged in as alice (passport session)', async () => {
      await page.waitForURL(`${app.appUrl}/profile`);
      const shown = JSON.parse(await page.textContent('body'));
      eq(shown.user?.user_id, alice.userId, '/profile user_id', { shown });
      eq(shown.user?.emails?.[0]?.value, alice.email, '/profile email', { shown });
    });
  } finally {
    // Chromium and the app go away on success and on failure alike.
    await browser?.close().catch(() => {});
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }
  log('all checks passed');
}

main().catch((e) => {
  if (e instanceof StepFailure) fail(CLIENT, e.step, e.cause);
  console.error(`FAIL [${CLIENT}] setup: ${e.message}${e instanceof CheckError ? `\n  ${fmt(e.details)}` : `\n${e.stack}`}`);
  process.exit(1);
});
