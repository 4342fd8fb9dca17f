// One-request logins: a session cookie from POST /__mock/login, and a user armed with POST /__mock/login/next (K).
import {
  TENANT, check, eq, http as httpCall,
} from '../../lib/common.mjs';
import { env, form, scenario, openSpa, waitForCallback, handleCallback } from '../harness.mjs';

export async function scenarioK(browser, pageUrl) {
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
