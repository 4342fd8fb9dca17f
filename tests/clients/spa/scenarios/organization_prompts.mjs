// The organization prompts of a client that requires an organization, with spa-js sending none
// (P): ORG_PROMPT=post_login_prompt signs alice in, then she picks an organization on the
// mock's organization-picker screen; ORG_PROMPT=pre_login_prompt asks for the organization's
// name first. Either way the ID token spa-js accepts carries that org_id, and getTokenSilently
// (spa-js sends the org_id it stored as the organization hint) keeps it.
// Needs ORGANIZATION (alice's organization to choose), ORGANIZATION_NAME and ORG_PROMPT.
import { TENANT, check, eq } from '../../lib/common.mjs';
import { env, scenario, sdk, openSpa, waitForCallback, handleCallback, verifyAccessToken } from '../harness.mjs';

export async function scenarioP(browser, pageUrl) {
  const alice = TENANT.users.alice;
  const organization = process.env.ORGANIZATION;
  const name = process.env.ORGANIZATION_NAME;
  const behaviour = process.env.ORG_PROMPT;
  await scenario(browser, `P: organization prompt (${behaviour})`, async ({ page, step }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    if (behaviour === 'pre_login_prompt') {
      await step('loginWithRedirect() with no organization -> the organization name screen', async () => {
        await page.evaluate(() => { window.makeClient({}).loginWithRedirect(); });
        await page.waitForSelector('#organizationName');
        check(new URL(page.url()).pathname === '/u/organization', 'not the mock\'s /u/organization screen', { url: page.url() });
      });
      await step('a name that is no organization shows Auth0\'s error', async () => {
        await page.fill('#organizationName', 'atlantis');
        await page.click('button[type=submit][name=action][value=default]');
        await page.waitForSelector('#error-element-organization');
        const text = await page.textContent('#error-element-organization');
        eq(text.trim(), 'The organization you entered is invalid', 'error text');
      });
      await step(`the organization's name -> the login page -> alice -> callback`, async () => {
        await page.fill('#organizationName', name);
        await page.click('button[type=submit][name=action][value=default]');
        await page.waitForSelector('#username');
        await page.fill('#username', alice.email);
        await page.fill('#password', alice.password);
        await page.click('button[type=submit][name=action][value=default]');
        await waitForCallback(page, pageUrl);
      });
    } else {
      await step('loginWithRedirect() with no organization -> alice -> the organization picker', async () => {
        await page.evaluate(() => { window.makeClient({}).loginWithRedirect(); });
        await page.waitForSelector('#username');
        await page.fill('#username', alice.email);
        await page.fill('#password', alice.password);
        await page.click('button[type=submit][name=action][value=default]');
        await page.waitForSelector(`button[data-organization="${organization}"]`);
        check(new URL(page.url()).pathname === '/u/organization-picker', 'not the mock\'s picker', { url: page.url() });
        const listed = await page.$$eval('button[data-organization]', (bs) => bs.map((b) => b.dataset.organization));
        check(listed.length >= 2, 'the picker should list both of her organizations', { listed });
      });
      await step('picking the organization -> callback', async () => {
        await page.click(`button[data-organization="${organization}"]`);
        await waitForCallback(page, pageUrl);
      });
    }
    await step('handleRedirectCallback(): the ID token carries the chosen org_id', async () => {
      const { user, claims } = await handleCallback(page, {});
      eq(user?.sub, alice.userId, 'getUser().sub', { user });
      eq(claims.org_id, organization, 'ID token org_id', { claims });
    });
    await step('getTokenSilently({cacheMode:"off"}) keeps org_id (spa-js sends its organization hint)', async () => {
      const t = await sdk(page, 'getTokenSilently({cacheMode:"off"})',
        () => window.attempt(() => window.client.getTokenSilently({ cacheMode: 'off' })));
      const payload = await verifyAccessToken(t, alice);
      eq(payload.org_id, organization, 'access token org_id', { payload, issuer: env.issuer });
    });
  });
}
