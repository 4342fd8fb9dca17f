// The package as a suite uses it: `@auth0-mock/testing/playwright`'s worker mock, a real SPA
// (auth0-spa-js) in Chromium, and no hand-written control-API HTTP.

import crypto from 'node:crypto';
import { test as mockTest, expect } from '@auth0-mock/testing/playwright';
import { Auth0MockError, decodeJwt } from '@auth0-mock/testing';
import { startSpa } from './support/spa.mjs';

const test = mockTest.extend({
  spa: [
    async ({ auth0Mock }, use) => {
      const spa = await startSpa(auth0Mock);
      await use(spa);
      await spa.close();
    },
    { scope: 'worker' },
  ],
  // Names each test's mock in the report, so the runner can check the workers had one each.
  _whichMock: [
    async ({ auth0Mock }, use, testInfo) => {
      testInfo.annotations.push({ type: 'auth0-mock', description: auth0Mock.baseUrl });
      await use();
    },
    { auto: true },
  ],
});

/** Every request the page makes to the mock's login page. */
function watchLoginPage(page, mock) {
  const seen = [];
  page.context().on('request', (req) => {
    const url = new URL(req.url());
    if (url.origin === mock.baseUrl && url.pathname.startsWith('/u/login')) {
      seen.push(`${req.method()} ${url.pathname}`);
    }
  });
  return seen;
}

test('loginAs signs alice in so the app login button completes without the login form', async ({ page, auth0Mock, spa }) => {
  const loginPage = watchLoginPage(page, auth0Mock);
  const session = await auth0Mock.loginAs(page, 'alice@example.com');
  expect(session.user_id).toBe('auth0|alice');
  expect(session.cookie).toMatchObject({ name: 'auth0', url: auth0Mock.baseUrl, httpOnly: true });

  await page.goto(spa.url);
  await expect(page.locator('#status')).toHaveText('signed-out');
  await page.click('#login');

  await expect(page.locator('#user')).toHaveText('alice@example.com');
  await expect(page.locator('#status')).toHaveText('signed-in');
  expect(loginPage.filter((r) => r.startsWith('POST')), 'the login form was submitted').toEqual([]);
  expect(loginPage, 'the login page was shown at all').toEqual([]);
});

test('nextLogin makes the login page sign bob in by itself', async ({ page, auth0Mock, spa }) => {
  const loginPage = watchLoginPage(page, auth0Mock);
  const armed = await auth0Mock.nextLogin('bob@example.com');
  expect(armed).toEqual({ user_id: 'auth0|bob', remaining: 1 });

  await page.goto(spa.url);
  await expect(page.locator('#status')).toHaveText('signed-out');
  await page.click('#login');

  await expect(page.locator('#user')).toHaveText('bob@example.com');
  expect(loginPage, 'the login page was visited').toContain('GET /u/login');
  expect(loginPage.filter((r) => r.startsWith('POST')), 'the login form was submitted').toEqual([]);
});

test('mintToken admin returns a JWT signed by the mock whose Hasura claims carry the admin role', async ({ auth0Mock }) => {
  const minted = await auth0Mock.mintToken({ scenario: 'admin' });
  expect(minted.scenario).toBe('admin');
  expect(minted.expect.api).toBe('accept');

  const [headerB64, payloadB64, sigB64] = minted.access_token.split('.');
  const header = JSON.parse(Buffer.from(headerB64, 'base64url').toString());
  const jwks = await (await fetch(`${auth0Mock.baseUrl}/.well-known/jwks.json`)).json();
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  expect(jwk, `kid ${header.kid} in the served JWKS`).toBeTruthy();
  const signed = crypto.verify(
    'RSA-SHA256',
    Buffer.from(`${headerB64}.${payloadB64}`),
    crypto.createPublicKey({ key: jwk, format: 'jwk' }),
    Buffer.from(sigB64, 'base64url'),
  );
  expect(signed, 'signature verifies against the JWKS').toBe(true);

  const claims = decodeJwt(minted.access_token);
  expect(claims.iss).toBe(auth0Mock.issuer);
  const hasura = claims['https://hasura.io/jwt/claims'];
  expect(hasura['x-hasura-default-role']).toBe('admin');
  expect(hasura['x-hasura-allowed-roles']).toContain('admin');
});

test('outbox.waitFor finds the password-reset email that /dbconnections/change_password sends', async ({ auth0Mock }) => {
  // Waiting starts before the email exists: waitFor must wait, not just look.
  const waiting = auth0Mock.outbox.waitFor({ to: 'alice@example.com', kind: 'reset_email' });
  const res = await fetch(`${auth0Mock.baseUrl}/dbconnections/change_password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: 'auth0-mock-spa',
      email: 'alice@example.com',
      connection: 'Username-Password-Authentication',
    }),
  });
  expect(res.status).toBe(200);

  const email = await waiting;
  expect(email).toMatchObject({ kind: 'reset_email', channel: 'email', to: 'alice@example.com', user_id: 'auth0|alice' });
  expect(email.link).toContain(`${auth0Mock.baseUrl}/u/reset-verify?ticket=`);
  expect(await auth0Mock.outbox.list({ kind: 'reset_email' })).toHaveLength(1);
});

test('reset forgets a user signed up at runtime', async ({ auth0Mock }) => {
  const email = `runtime-${crypto.randomUUID()}@example.com`;
  const signup = await fetch(`${auth0Mock.baseUrl}/dbconnections/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: 'auth0-mock-spa',
      email,
      password: 'Correct-Horse-Battery-9',
      connection: 'Username-Password-Authentication',
    }),
  });
  expect(signup.status, await signup.clone().text()).toBe(200);
  expect((await auth0Mock.login(email)).user_id).toMatch(/^auth0\|/);

  await auth0Mock.reset();

  const refused = await auth0Mock.login(email).catch((e) => e);
  expect(refused).toBeInstanceOf(Auth0MockError);
  expect(refused).toMatchObject({ status: 404, error: 'not_found' });
  expect(refused.message).toContain(`no user '${email}'`);
});

test.describe('the automatic reset', () => {
  // Serial: both tests run in one worker, in order, against the same mock.
  test.describe.configure({ mode: 'serial' });
  let firstMock;

  test('a test leaves an email in its worker mock outbox', async ({ auth0Mock }) => {
    firstMock = auth0Mock.baseUrl;
    await fetch(`${auth0Mock.baseUrl}/dbconnections/change_password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'auth0-mock-spa', email: 'bob@example.com', connection: 'Username-Password-Authentication' }),
    });
    await auth0Mock.outbox.waitFor({ to: 'bob@example.com' });
    await auth0Mock.nextLogin('carol@example.com', { count: 5 });
  });

  test('the next test in that worker finds the same mock reset to its fixtures', async ({ auth0Mock }) => {
    expect(auth0Mock.baseUrl).toBe(firstMock);
    expect(await auth0Mock.outbox.list()).toEqual([]);
    // A next-login still armed would answer with carol's remaining count instead.
    expect(await auth0Mock.nextLogin('bob@example.com')).toEqual({ user_id: 'auth0|bob', remaining: 1 });
  });
});
