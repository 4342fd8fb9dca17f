// MFA step-up (S): alice signs in with her password only (no Action asks for MFA); an access
// token asked for with acr_values=…/multi-factor cannot come silently, and the mock answers the
// iframe with Auth0's login_required "Multifactor authentication required", the exact pair
// spa-js tells a step-up by. A client with interactiveErrorHandler: 'popup' then opens Universal
// Login in a popup, where alice passes the TOTP challenge, and getTokenSilently resolves.
import { TENANT, check, eq, totp } from '../../lib/common.mjs';
import { STEP_TIMEOUT, scenario, sdk, openSpa, startLogin, waitForCallback, handleCallback, verifyAccessToken } from '../harness.mjs';

const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

export async function scenarioS(browser, pageUrl) {
  const alice = TENANT.users.alice;
  await scenario(browser, 'S: MFA step-up (acr_values, interactiveErrorHandler popup)', async ({ page, step, context }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect() -> alice\'s password -> callback, no MFA asked', async () => {
      await startLogin(page);
      await page.fill('#username', alice.email);
      await page.fill('#password', alice.password);
      await page.click('button[type=submit][name=action][value=default]');
      await waitForCallback(page, pageUrl);
    });
    await step('handleRedirectCallback(): the ID token has no amr', async () => {
      const { user, claims } = await handleCallback(page);
      eq(user?.sub, alice.userId, 'getUser().sub', { user });
      check(!claims.amr, 'a password-only login says amr', { claims });
    });
    await step('getTokenSilently({acr_values: multi-factor}) rejects with login_required "Multifactor authentication required"', async () => {
      const out = await page.evaluate((acr) => window.attempt(() => window.makeClient({}).getTokenSilently({
        cacheMode: 'off', authorizationParams: { acr_values: acr },
      })), MFA_ACR);
      check(!out.ok, 'a silent token that needs MFA came without it', { out });
      eq(out.error.error, 'login_required', 'error', { error: out.error });
      eq(out.error.error_description, 'Multifactor authentication required', 'error_description', { error: out.error });
    });
    await step('with interactiveErrorHandler: popup, spa-js opens the OTP challenge in a popup', async () => {
      const popupOpened = context.waitForEvent('page', { timeout: STEP_TIMEOUT });
      await page.evaluate((acr) => {
        // Kept: spa-js's default cache is the client's own memory.
        window.stepUpClient = window.makeClient({ interactiveErrorHandler: 'popup' });
        window.stepUp = window.attempt(() => window.stepUpClient.getTokenSilently({
          cacheMode: 'off', authorizationParams: { acr_values: acr },
        }));
      }, MFA_ACR);
      const popup = await popupOpened;
      await popup.waitForURL((u) => u.pathname === '/u/mfa-otp-challenge', { timeout: STEP_TIMEOUT });
      await popup.fill('#code', totp(alice.totpSecret));
      await popup.click('button[name=action][value=default]');
    });
    await step('getTokenSilently resolves with an access token jose verifies', async () => {
      const token = await sdk(page, 'getTokenSilently (after the popup)', () => window.stepUp);
      await verifyAccessToken(token, alice);
    });
    await step('the ID token spa-js now holds says amr ["mfa"]', async () => {
      const claims = await page.evaluate(() => window.stepUpClient.getIdTokenClaims());
      check(Array.isArray(claims?.amr) && claims.amr.includes('mfa'), 'the stepped-up ID token has no amr ["mfa"]', { claims });
    });
  });
}
