// MFA on a refresh (T): an Action that enables MFA on every login (require-mfa) challenges the
// refresh-token exchange too, as in Auth0. Alice logs in through the OTP challenge with
// useRefreshTokens; getTokenSilently({cacheMode:'off'}) then throws spa-js's MfaRequiredError
// with the mfa_token, client.mfa.verify() completes the exchange with a TOTP, and the next
// refresh is challenged again rather than refused, so the rotated refresh token spa-js kept is
// the live one. (verify goes to the token endpoint of the SPA's domain; spa-js's other MFA
// calls go through auth-js to https://<domain> only, which the auth-js MFA test covers over
// TLS, so they are not called from this http page.)
import { TENANT, check, eq, totp } from '../../lib/common.mjs';
import { STEP_TIMEOUT, scenario, sdk, openSpa, startLogin, waitForCallback, handleCallback, verifyAccessToken } from '../harness.mjs';

const REFRESHING = { useRefreshTokens: true };

/** getTokenSilently({cacheMode:'off'}) expected to throw MfaRequiredError: its mfa_token. */
async function refusedRefresh(page) {
  const out = await page.evaluate(async () => {
    try {
      await window.client.getTokenSilently({ cacheMode: 'off' });
      return { ok: true };
    } catch (e) {
      return { ok: false, name: e?.constructor?.name, error: e.error, error_description: e.error_description, mfa_token: e.mfa_token };
    }
  });
  check(!out.ok, 'the refresh came without a second factor', { out });
  eq(out.error, 'mfa_required', 'error', { out });
  eq(out.error_description, 'Multifactor authentication required', 'error_description', { out });
  check(typeof out.mfa_token === 'string' && out.mfa_token.length > 0, 'MfaRequiredError has no mfa_token', { out });
  return out.mfa_token;
}

export async function scenarioT(browser, pageUrl) {
  const alice = TENANT.users.alice;
  await scenario(browser, 'T: MFA on a refresh (MfaRequiredError, client.mfa.verify)', async ({ page, step }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect({useRefreshTokens}) -> alice -> her TOTP -> callback', async () => {
      await startLogin(page, REFRESHING);
      await page.fill('#username', alice.email);
      await page.fill('#password', alice.password);
      await page.click('button[type=submit][name=action][value=default]');
      await page.waitForURL((u) => u.pathname === '/u/mfa-otp-challenge', { timeout: STEP_TIMEOUT });
      await page.fill('#code', totp(alice.totpSecret));
      await page.click('button[name=action][value=default]');
      await waitForCallback(page, pageUrl);
      const { user } = await handleCallback(page, REFRESHING);
      eq(user?.sub, alice.userId, 'getUser().sub', { user });
    });
    let mfaToken;
    await step('getTokenSilently({cacheMode:"off"}) throws MfaRequiredError with an mfa_token', async () => {
      mfaToken = await refusedRefresh(page);
    });
    await step('client.mfa.verify({mfaToken, otp}) completes the refresh with tokens jose verifies', async () => {
      // Her login spent this step's code: the next step's is the one an app would show now.
      const otp = totp(alice.totpSecret, Date.now() + 30_000);
      const tokens = await sdk(page, 'mfa.verify', (a) => window.attempt(() => window.client.mfa.verify(a)), { mfaToken, otp });
      // spa-js keeps the rotated refresh token to itself (the next step shows it is live).
      await verifyAccessToken(tokens.access_token, alice);
    });
    await step('the next refresh is challenged again, not refused: spa-js kept the rotated token', async () => {
      await refusedRefresh(page);
    });
  });
}
