// The dashboard at /__mock/ui, driven in headless Chromium (playwright-core, Debian's Chromium).
//
// The mock runs fixtures/actions-example (the Auth0 + Hasura guide's claims and sync Actions),
// its Hasura URL pointed at a stand-in GraphQL endpoint (HASURA_STANDIN_URL) the Rust test runs.
// Steps, one page load for all of them (a reload would hide a page that only updates on load):
//   1. the tenant overview lists the clients with their secrets and the users;
//   2. the token debugger logs alice in through the real flow; the decoded claims match the
//      token's own, and Hasura's verdict (role, session variables) matches what
//      `auth0-mock hasura-verify` says with the secret the page shows;
//   3. a password grant made outside the page appears in the hook timeline without a reload;
//   4. a sign-up made elsewhere appears in the users table marked as made at runtime, and its
//      verification email in the outbox tab;
//   5. the Action tester runs the sync Action on Auth0's test event and shows the mutation it
//      sent and the stand-in's reply;
//   6. a user picked as the next login signs in to an app's /authorize with no form, and the
//      login shows in the timeline;
//   7. the clock, fault and key buttons act; Reset empties the records and the timeline.
//
// Env: MOCK_BASE_URL, AUTH0_MOCK_BIN (the binary, for hasura-verify), CHROMIUM_PATH,
//      SCREENSHOT_DIR (optional: PNGs of each tab, for the README).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { chromium } from 'playwright-core';
import {
  mockEnv, requireEnv, runner, check, eq, decodeJwt, passwordToken, http, TENANT, STRONG_PASSWORD, uniqueEmail,
} from './lib/common.mjs';

const env = mockEnv();
const bin = requireEnv('AUTH0_MOCK_BIN');
const shots = process.env.SCREENSHOT_DIR || null;
const { step, main, log } = runner('dashboard (Chromium)');
const TIMEOUT = 15_000;

async function shot(page, name) {
  if (!shots) return;
  await page.screenshot({ path: path.join(shots, `dashboard-${name}.png`), fullPage: false });
  log(`screenshot ${name}`);
}

main(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  page.setDefaultTimeout(TIMEOUT);

  await step('the dashboard loads and lists the tenant', async () => {
    await page.goto(`${env.baseUrl}/__mock/ui`);
    await page.waitForSelector('body[data-ready="1"]');
    const clients = await page.textContent('#clients');
    check(clients.includes('auth0-mock-spa') && clients.includes('auth0-mock-web-secret'),
      'the applications table shows the clients and their secrets', { clients });
    const users = await page.textContent('#users');
    check(users.includes('alice@example.com') && users.includes('auth0|alice'), 'the users table shows alice', { users });
    const bindings = await page.textContent('#bindings');
    check(bindings.includes('hasura-sync-user'), 'the bound Actions are listed', { bindings });
    // Any reload from here on would reset this.
    await page.evaluate(() => { window.__sameDocument = true; });
    await shot(page, 'tenant');
  });

  let pageRole;
  let pageVariables;
  let token;
  await step('the token debugger logs alice in and decodes her tokens', async () => {
    await page.click('nav button[data-tab="debugger"]');
    await page.selectOption('#debug-client', 'auth0-mock-spa');
    await page.selectOption('#debug-user', 'alice@example.com');
    await page.click('#debug-login');
    await page.waitForSelector('[data-token="access_token"] .hasura-role');
    token = await page.inputValue('textarea.raw.access_token');
    const shown = JSON.parse(await page.textContent('[data-token="access_token"] .payload pre'));
    eq(JSON.stringify(shown), JSON.stringify(decodeJwt(token).payload), 'the decoded payload is the token\'s');
    eq(shown.sub, 'auth0|alice', 'the token is alice\'s');
    const signature = await page.textContent('[data-token="access_token"] .signature');
    check(signature.includes('signature valid'), 'the signature check passes', { signature });
    pageRole = await page.textContent('[data-token="access_token"] .hasura-role');
    pageVariables = Object.fromEntries(await page.$$eval('[data-token="access_token"] .session-variables tr',
      (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent))));
    const steps = await page.textContent('.steps');
    check(steps.includes('GET /authorize → 302') && steps.includes('POST /oauth/token → 200'),
      'the page lists the real flow\'s requests', { steps });
    await shot(page, 'debugger');
  });

  await step('Hasura\'s verdict on the page is hasura-verify\'s on the same token', async () => {
    const secret = await page.textContent('.secret-local');
    const compose = await page.textContent('.secret-compose');
    check(JSON.parse(compose).jwk_url.startsWith('http://auth0-mock:'), 'the compose secret names the compose address', { compose });
    const { stdout } = await promisify(execFile)(bin, ['hasura-verify', '--secret', secret, '--token', token]);
    const cli = JSON.parse(stdout);
    eq(pageRole, cli.role, 'role');
    eq(JSON.stringify(pageVariables), JSON.stringify(cli.session_variables), 'session variables');
    eq(cli.session_variables['x-hasura-user-id'], 'auth0|alice', 'x-hasura-user-id');
  });

  await step('a password grant made elsewhere appears in the timeline without a reload', async () => {
    await page.click('nav button[data-tab="hooks"]');
    const before = await page.$$eval('#timeline li', (l) => l.length);
    check(before >= 2, 'the debugger\'s login is in the timeline (two Actions ran)', { before });
    await passwordToken(env);
    // Both Actions of the login, however far apart their records arrive.
    await page.waitForFunction((n) => document.querySelectorAll('#timeline li').length >= n, before + 2);
    const added = await page.$$eval('#timeline li', (l, n) => l.slice(0, n).map((li) => li.textContent), 2);
    check(added.every((t) => t.includes('oauth2-password')), 'the two new runs are the password login\'s', { added });
    eq(await page.evaluate(() => window.__sameDocument), true, 'the page did not reload');
    await page.click('#timeline li:first-child summary');
    await shot(page, 'hooks');
  });

  await step('a sign-up made elsewhere appears, marked, with its email in the outbox, without a reload', async () => {
    await page.click('nav button[data-tab="overview"]');
    const email = uniqueEmail('dashboard');
    const r = await http('POST', `${env.baseUrl}/dbconnections/signup`, {
      json: { client_id: TENANT.spa.clientId, connection: TENANT.realm, email, password: STRONG_PASSWORD },
    });
    eq(r.status, 200, 'sign-up status');
    await page.waitForSelector(`#users tr:has-text("${email}") .badge.runtime`);
    check(!(await page.textContent('#users tr:has-text("alice@example.com")')).includes('runtime'),
      'a fixture user is not marked as made at runtime');
    await page.click('nav button[data-tab="outbox"]');
    await page.waitForSelector(`#messages tr:has-text("${email}"):has-text("verify_email")`);
    eq(await page.evaluate(() => window.__sameDocument), true, 'the page did not reload');
    await shot(page, 'outbox');
  });

  await step('the Action tester runs the sync Action and shows its mutation and the reply', async () => {
    await page.click('nav button[data-tab="tester"]');
    await page.selectOption('#tester-trigger', 'post-login');
    await page.selectOption('#tester-action', 'hasura-sync-user');
    const event = JSON.parse(await page.inputValue('#tester-event'));
    check(event.user && event.client && event.request, 'the editor holds Auth0\'s test event', { event });
    await page.click('#tester-run');
    await page.waitForSelector('.tester-calls .reply');
    const request = await page.textContent('.tester-calls .request');
    check(request.includes('mutation') && request.includes(event.user.user_id), 'the mutation with the test user is shown', { request });
    const reply = await page.textContent('.tester-calls .reply');
    check(reply.includes('insert_users_one'), 'the stand-in\'s reply is shown', { reply });
    const console = await page.textContent('#tester-result .console');
    check(console.includes('synced'), 'the Action\'s console line is shown', { console });
    await shot(page, 'tester');
  });

  await step('a user armed as the next login from the page is signed in with no form', async () => {
    await page.click('nav button[data-tab="debugger"]');
    await page.selectOption('#next-user', 'bob@example.com');
    await page.click('#next-arm');
    await page.waitForSelector('#notice:has-text("signs bob@example.com in")');
    // The app's side, in its own browser context. No app runs at its callback: reaching it
    // with a code is the proof (a route cannot answer a redirect's target).
    const app = await browser.newContext();
    const appPage = await app.newPage();
    const callback = appPage.waitForRequest((r) => r.url().startsWith('http://localhost:3000/callback?code='));
    const authorize = new URL(`${env.baseUrl}/authorize`);
    for (const [k, v] of Object.entries({
      client_id: TENANT.spa.clientId, redirect_uri: 'http://localhost:3000/callback', response_type: 'code',
      scope: 'openid profile email', audience: TENANT.audience, state: 'dashboard-state',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
    })) authorize.searchParams.set(k, v);
    await appPage.goto(authorize.toString()).catch(() => {});
    const back = new URL((await callback).url());
    eq(back.searchParams.get('state'), 'dashboard-state', 'state at the callback');
    await app.close();
    await page.click('nav button[data-tab="hooks"]');
    await page.waitForSelector('#timeline li:first-child:has-text("auth0|bob")');
  });

  await step('clock, fault and key buttons act on the mock', async () => {
    await page.fill('#clock-seconds', '3600');
    await page.click('#clock-advance');
    await page.waitForSelector('#clock-offset:has-text("+3600 s")');
    await page.click('#fault-arm');
    await page.waitForSelector('#faults:has-text("1 armed")');
    const faults = await http('GET', `${env.baseUrl}/__mock/faults`);
    eq(faults.json.faults[0].endpoint, '/oauth/token', 'the armed fault');
    await page.click('#rotate');
    await page.waitForSelector('#notice:has-text("kid")');
  });

  await step('Reset from the page empties the records', async () => {
    await page.click('#reset');
    await page.waitForSelector('#notice:has-text("Reset")');
    eq(await page.$$eval('#timeline li', (l) => l.length), 0, 'timeline entries after reset');
    eq(await page.textContent('#hooks-count'), '0', 'hook count after reset');
    const records = await http('GET', `${env.baseUrl}/__mock/hooks`);
    eq(records.json.records.length, 0, 'hook records the control API still has');
    const clock = await http('GET', `${env.baseUrl}/__mock/clock`);
    eq(clock.json.offset, 0, 'clock offset after reset');
    eq(await page.textContent('#clock-offset'), '+0 s', 'the clock shown after reset');
    eq(await page.evaluate(() => window.__sameDocument), true, 'the page did not reload');
  });

  await step('the page raised no script errors', async () => {
    eq(JSON.stringify(pageErrors), '[]', 'page errors');
  });
  await browser.close();
});
