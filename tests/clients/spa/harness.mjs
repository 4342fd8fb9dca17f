// The plumbing every spa-js scenario shares: the mock's address, one browser context per
// scenario with a recorder of what the browser exchanged with the mock (printed when a step
// fails), steps with timeouts, and the spa-js calls most scenarios make.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { mockEnv, TENANT, CheckError, check, eq, fmt, decodeJwt, checkHasuraClaims } from '../lib/common.mjs';

export const env = mockEnv();
export const CLIENT = 'auth0-spa-js';
export const only = (process.env.SPA_SCENARIOS || 'A,B,C,D,E,F').split(',').map((s) => s.trim().toUpperCase());
export const STEP_TIMEOUT = 15_000;

export const log = (...a) => console.log(`[${CLIENT}]`, ...a);
export const failures = [];

// ---------------------------------------------------------------- per-context recorder
/** Records what the browser exchanged with the mock, for assertions and failure reports. */
export function record(context) {
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

export function watchPage(page, rec) {
  page.on('console', (m) => rec.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => rec.console.push(`pageerror: ${e.message}`));
}

export function trimUrl(u) {
  return u.length > 300 ? u.slice(0, 300) + '…' : u;
}

export function form(req) {
  const body = req.postData() || '';
  if ((req.headers()['content-type'] || '').includes('json')) {
    try { return JSON.parse(body); } catch { return {}; }
  }
  return Object.fromEntries(new URLSearchParams(body));
}

// ---------------------------------------------------------------- scenario / step plumbing
export class StepFailed extends Error {}

export async function scenario(browser, name, fn) {
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
export async function sdk(page, what, fn, arg) {
  const out = await page.evaluate(fn, arg);
  if (!out.ok) throw new CheckError(`${what} threw: ${out.error.name}: ${out.error.message}`, { 'SDK error': out.error });
  return out.value;
}

export async function openSpa(page, pageUrl) {
  await page.goto(pageUrl);
  await page.waitForFunction(() => window.pageReady === true && typeof window.auth0?.Auth0Client === 'function');
}

/** Starts loginWithRedirect with `opts` and waits until the mock login page shows. */
export async function startLogin(page, opts = {}) {
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
export async function waitForCallback(page, pageUrl) {
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

export async function handleCallback(page, opts = {}) {
  return sdk(page, 'handleRedirectCallback()/getUser()', (o) => window.attempt(async () => {
    window.client = window.makeClient(o);
    const result = await window.client.handleRedirectCallback();
    return { appState: result.appState ?? null, user: await window.client.getUser(), claims: await window.client.getIdTokenClaims() };
  }), opts);
}

export const jwks = createRemoteJWKSet(new URL(`${env.issuer}.well-known/jwks.json`));
export async function verifyAccessToken(token, user) {
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
