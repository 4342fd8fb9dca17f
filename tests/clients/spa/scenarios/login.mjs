// The basic browser login: the redirect login with silent auth and logout (A), the one-click user list (C), the popup login (E) and max_age (F).
import fs from 'node:fs';
import path from 'node:path';
import {
  TENANT, CheckError, check, eq, decodeJwt,
} from '../../lib/common.mjs';
import { env, STEP_TIMEOUT, log, watchPage, form, scenario, sdk, openSpa, startLogin, waitForCallback, handleCallback, verifyAccessToken } from '../harness.mjs';

export async function scenarioA(browser, pageUrl) {
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

export async function scenarioC(browser, pageUrl) {
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

export async function scenarioE(browser, pageUrl) {
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

export async function scenarioF(browser, pageUrl) {
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
