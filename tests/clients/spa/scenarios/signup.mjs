// Sign-up through the mock's sign-up page (G).
import {
  CheckError, check, eq, managementToken, STRONG_PASSWORD, uniqueEmail, http as httpCall,
} from '../../lib/common.mjs';
import { env, STEP_TIMEOUT, only, scenario, sdk, openSpa, waitForCallback, handleCallback, verifyAccessToken } from '../harness.mjs';

export async function scenarioG(browser, pageUrl) {
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
