// Social login through the mock's stand-in provider page (O).
import {
  check, eq, uniqueEmail,
} from '../../lib/common.mjs';
import { STEP_TIMEOUT, scenario, openSpa, startLogin, waitForCallback, handleCallback } from '../harness.mjs';

export async function scenarioO(browser, pageUrl) {
  const email = uniqueEmail('social');
  let sub;
  await scenario(browser, 'O: social login (first time: a new Google user)', async ({ page, step }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect({connection:"google-oauth2"}) -> the provider page', async () => {
      await page.evaluate(() => { window.makeClient({ authorizationParams: { connection: 'google-oauth2' } }).loginWithRedirect(); });
      await page.waitForURL((u) => u.pathname === '/mock-provider/google-oauth2', { timeout: STEP_TIMEOUT });
      check((await page.textContent('h1')).includes('Google'), 'the provider page names Google');
    });
    await step('a new email and name -> back on the SPA with ?code&state', async () => {
      await page.fill('#email', email);
      await page.fill('#name', 'Dana Scully');
      await page.click('button[name=action][value=default]');
      await waitForCallback(page, pageUrl);
    });
    await step('handleRedirectCallback() + getUser() is a google-oauth2|<21 digits> user', async () => {
      const { user } = await handleCallback(page);
      check(/^google-oauth2\|\d{21}$/.test(user?.sub ?? ''), `getUser().sub should be google-oauth2|<21 digits>, got ${user?.sub}`, { user });
      eq(user.email, email, 'getUser().email', { user });
      eq(user.email_verified, true, 'getUser().email_verified', { user });
      eq(user.given_name, 'Dana', 'getUser().given_name', { user });
      sub = user.sub;
    });
  });
  await scenario(browser, 'O: social login (again: the same user, through the login page)', async ({ page, step }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect() -> the login page\'s "Continue with Google"', async () => {
      await startLogin(page);
      await page.click('#social-google-oauth2');
      await page.waitForURL((u) => u.pathname === '/mock-provider/google-oauth2', { timeout: STEP_TIMEOUT });
    });
    await step('pick the account the provider knows -> callback', async () => {
      await page.click(`button.user-login[data-email="${email}"]`);
      await waitForCallback(page, pageUrl);
    });
    await step('getUser() is the user the first login created', async () => {
      const { user } = await handleCallback(page);
      eq(user?.sub, sub, 'getUser().sub', { user });
    });
  });
}
