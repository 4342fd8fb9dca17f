// Organizations: an organization login spa-js accepts, a non-member refused, an invitation accepted (N).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  TENANT, check, eq, managementToken, outboxMessages, http as httpCall,
} from '../../lib/common.mjs';
import { env, STEP_TIMEOUT, log, form, scenario, sdk, openSpa, startLogin, waitForCallback, handleCallback, verifyAccessToken } from '../harness.mjs';

export async function scenarioN(browser, pageUrl) {
  const alice = TENANT.users.alice;
  const organization = process.env.ORGANIZATION;
  const opts = { authorizationParams: { organization } };
  await scenario(browser, 'N: organizations (org_id checked by spa-js)', async ({ page, step, rec }) => {
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect({authorizationParams:{organization}}) -> alice -> callback', async () => {
      await startLogin(page, opts);
      const authReq = rec.requests.find((r) => new URL(r.url()).pathname === '/authorize');
      eq(new URL(authReq.url()).searchParams.get('organization'), organization, '/authorize organization (sent by spa-js)');
      await page.fill('#username', alice.email);
      await page.fill('#password', alice.password);
      await page.click('button[type=submit][name=action][value=default]');
      await waitForCallback(page, pageUrl);
    });
    await step('handleRedirectCallback() with the same organization: spa-js accepts org_id', async () => {
      const { user, claims } = await handleCallback(page, opts);
      eq(user?.sub, alice.userId, 'getUser().sub', { user });
      eq(claims.org_id, organization, 'ID token org_id', { claims });
    });
    const token = await step('getTokenSilently({cacheMode:"off"}) keeps org_id in the access token', async () => {
      const t = await sdk(page, 'getTokenSilently({cacheMode:"off"})',
        () => window.attempt(() => window.client.getTokenSilently({ cacheMode: 'off' })));
      const payload = await verifyAccessToken(t, alice);
      eq(payload.org_id, organization, 'access token org_id', { payload });
      return t;
    });
    await step('auth0-mock hasura-verify derives x-hasura-org-id from the access token', async () => {
      const secret = JSON.stringify({ jwk_url: env.jwksUrl, issuer: env.issuer, audience: TENANT.audience });
      const { stdout } = await promisify(execFile)(process.env.AUTH0_MOCK_BIN, ['hasura-verify', '--secret', secret, '--token', token]);
      const verdict = JSON.parse(stdout);
      eq(verdict.session_variables['x-hasura-org-id'], organization, 'x-hasura-org-id', { verdict });
      eq(verdict.session_variables['x-hasura-user-id'], alice.userId, 'x-hasura-user-id', { verdict });
    });
  });
  await scenario(browser, 'N: organizations (a non-member is refused)', async ({ page, step }) => {
    const bob = TENANT.users.bob;
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect({organization}) -> bob -> back with error=access_denied', async () => {
      await startLogin(page, opts);
      await page.fill('#username', bob.email);
      await page.fill('#password', bob.password);
      await page.click('button[type=submit][name=action][value=default]');
      await page.waitForURL((u) => u.href.startsWith(pageUrl) && u.searchParams.has('error'), { timeout: STEP_TIMEOUT });
      const u = new URL(page.url());
      eq(u.searchParams.get('error'), 'access_denied', 'callback error');
      check((u.searchParams.get('error_description') || '').includes('is not part of the'),
        'error_description should say the user is not part of the organization', { callback: page.url() });
    });
    await step('handleRedirectCallback() rejects with access_denied', async () => {
      const out = await page.evaluate((o) => window.attempt(() => window.makeClient(o).handleRedirectCallback()), opts);
      check(!out.ok && out.error.error === 'access_denied', 'spa-js should reject with access_denied', { out });
    });
  });
}

/** An invitation to `organization` for `email`, made through the Management API; its link. */
async function inviteTo(organization, email) {
  const token = await managementToken(env);
  const r = await httpCall('POST', `${env.baseUrl}/api/v2/organizations/${organization}/invitations`, {
    json: { inviter: { name: 'Alice' }, invitee: { email }, client_id: TENANT.spa.clientId },
    headers: { authorization: `Bearer ${token}` },
  });
  eq(r.status, 201, 'POST /api/v2/organizations/{id}/invitations', { answer: r.text });
  const [mail] = await outboxMessages(env, email, 'user_invitation');
  eq(mail.link, r.json.invitation_url, 'the emailed link is the invitation_url', { mail });
  return new URL(mail.link);
}

export async function scenarioNInvitation(browser, pageUrl) {
  const carol = { email: 'carol@example.com', password: 'carol-password' };
  await scenario(browser, 'N: organizations (an invitee accepts the emailed invitation)', async ({ page, step }) => {
    const link = await step('invite carol through the Management API; the email carries the link', () =>
      inviteTo(process.env.ORGANIZATION, carol.email));
    const opts = { authorizationParams: {
      invitation: link.searchParams.get('invitation'), organization: link.searchParams.get('organization'),
    } };
    await step('open the SPA page', () => openSpa(page, pageUrl));
    await step('loginWithRedirect({invitation, organization}): the form has carol\'s address; log in', async () => {
      await startLogin(page, opts);
      eq(await page.inputValue('#username'), carol.email, 'the login form is filled in with the invited address');
      await page.fill('#password', carol.password);
      await page.click('button[type=submit][name=action][value=default]');
      await waitForCallback(page, pageUrl);
    });
    await step('handleRedirectCallback(): spa-js accepts org_id, and carol is now a member', async () => {
      const { claims } = await handleCallback(page, { authorizationParams: { organization: opts.authorizationParams.organization } });
      eq(claims.org_id, process.env.ORGANIZATION, 'ID token org_id', { claims });
      eq(claims.email_verified, true, 'accepting the invitation verified the address', { claims });
      const token = await managementToken(env);
      const r = await httpCall('GET', `${env.baseUrl}/api/v2/organizations/${process.env.ORGANIZATION}/members`, {
        headers: { authorization: `Bearer ${token}` },
      });
      check(r.json.some((m) => m.email === carol.email), 'the members list should include carol', { members: r.json });
    });
  });
}
