// Refresh tokens in the browser: rotation and revocation (B), JSON token bodies with localStorage and reuse detection (D).
import {
  TENANT, check, eq, showTokens, http as httpCall,
} from '../../lib/common.mjs';
import { env, log, trimUrl, form, scenario, sdk, openSpa, startLogin, waitForCallback, handleCallback, verifyAccessToken } from '../harness.mjs';

export async function scenarioB(browser, pageUrl) {
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

export async function scenarioD(browser, pageUrl) {
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
