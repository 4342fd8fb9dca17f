// MFA: the OTP challenge in the browser (M).
import {
  TENANT, check, eq, totp, wrongTotp,
} from '../../lib/common.mjs';
import { STEP_TIMEOUT, scenario, sdk, openSpa, startLogin, waitForCallback, handleCallback, verifyAccessToken } from '../harness.mjs';

export async function scenarioM(browser, pageUrl) {
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
