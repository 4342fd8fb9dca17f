// Remember this device (U): the remember-mfa Action allows remembering the browser. Alice
// passes the OTP challenge with the box ticked, logs out (the session ends), and her next
// loginWithRedirect in the same browser skips the challenge: the login page leads straight
// back to the SPA, with the auth0-mf cookie Chromium kept.
import { TENANT, check, eq, totp } from '../../lib/common.mjs';
import { STEP_TIMEOUT, env, scenario, openSpa, startLogin, waitForCallback, handleCallback } from '../harness.mjs';

export async function scenarioU(browser, pageUrl) {
  const alice = TENANT.users.alice;
  await scenario(browser, 'U: remember this device (allowRememberBrowser)', async ({ page, step, context }) => {
    const signIn = async () => {
      await startLogin(page);
      await page.fill('#username', alice.email);
      await page.fill('#password', alice.password);
      await page.click('button[type=submit][name=action][value=default]');
    };
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect() -> alice -> the challenge offers "Remember this device"', async () => {
      await signIn();
      await page.waitForURL((u) => u.pathname === '/u/mfa-otp-challenge', { timeout: STEP_TIMEOUT });
      check(await page.locator('input#rememberBrowser[name=rememberBrowser]').count() === 1, 'no #rememberBrowser box', { html: (await page.content()).slice(0, 2000) });
    });
    await step('her TOTP with the box ticked -> callback; Chromium holds an auth0-mf cookie', async () => {
      await page.check('#rememberBrowser');
      await page.fill('#code', totp(alice.totpSecret));
      await page.click('button[name=action][value=default]');
      await waitForCallback(page, pageUrl);
      const { user } = await handleCallback(page);
      eq(user?.sub, alice.userId, 'getUser().sub', { user });
      const cookies = await context.cookies(env.baseUrl);
      check(cookies.some((c) => c.name === 'auth0-mf'), 'no auth0-mf cookie', { cookies: cookies.map((c) => c.name) });
    });
    await step('logout({logoutParams:{returnTo}}) ends the session', async () => {
      await page.evaluate((returnTo) => { window.client.logout({ logoutParams: { returnTo } }); }, pageUrl);
      await page.waitForURL(pageUrl, { timeout: STEP_TIMEOUT });
      await page.waitForFunction(() => window.pageReady === true);
    });
    await step('a new loginWithRedirect() -> alice -> straight back to the SPA, no challenge', async () => {
      const screens = [];
      page.on('framenavigated', (f) => { if (f === page.mainFrame()) screens.push(new URL(f.url()).pathname); });
      await signIn();
      await waitForCallback(page, pageUrl);
      check(!screens.some((p) => p.startsWith('/u/mfa-')), 'the remembered browser was challenged again', { screens });
      const { user } = await handleCallback(page);
      eq(user?.sub, alice.userId, 'getUser().sub', { user });
    });
  });
}
