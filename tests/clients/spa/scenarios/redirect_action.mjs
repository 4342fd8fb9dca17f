// A redirect Action (progressive profiling) through the app's /profile page and /continue (L).
import {
  TENANT, CheckError, check, eq, managementToken, http as httpCall,
} from '../../lib/common.mjs';
import { env, STEP_TIMEOUT, form, scenario, sdk, openSpa, startLogin, waitForCallback, handleCallback, verifyAccessToken } from '../harness.mjs';

export async function scenarioL(browser, pageUrl, server) {
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
