// `auth0` Node SDK v4 (AuthenticationClient.passwordless + .oauth) against the mock over TLS:
// email and SMS one-time codes (`sendEmail`/`sendSMS` → /passwordless/start, JSON with the
// client secret; `loginWithEmail`/`loginWithSMS` → the passwordless/otp grant, the ID token
// validated by the SDK), Auth0's refusals as AuthApiErrors, and a magic link (`send: 'link'`
// with `authParams`) whose callback code the SDK exchanges. Codes and links are read from the
// mock's outbox (GET /__mock/outbox); the link is followed with fetch, as the user's browser would.
// Env: MOCK_BASE_URL (https://localhost:PORT), NODE_EXTRA_CA_CERTS=<mock CA PEM>.
import { AuthenticationClient } from 'auth0';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  runner, mockEnv, TENANT, check, eq, CheckError, decodeJwt, http, fmt, uniqueEmail, uniquePhone, outboxCode, outboxMagicLink, sdk, rejection,
} from './lib/common.mjs';

const env = mockEnv();
const r = runner('auth0 (node-auth0 v4, passwordless)');

/** The AuthApiError's fields, for failure reports. */
const details = (e) => ({ name: e.name, error: e.error, error_description: e.error_description, 'mock status': e.statusCode, 'mock body': e.body });

r.main(async () => {
  check(env.baseUrl.startsWith('https://'), `node-auth0 needs TLS; MOCK_BASE_URL is ${env.baseUrl}`);
  check(process.env.NODE_EXTRA_CA_CERTS, 'NODE_EXTRA_CA_CERTS must point at the mock CA');

  // The web app: confidential (the SDK adds its client_secret to /passwordless/start, which
  // Auth0 requires of regular web apps) and granted the passwordless/otp grant.
  const web = new AuthenticationClient({ domain: env.domain, clientId: TENANT.web.clientId, clientSecret: TENANT.web.clientSecret });
  const jwks = createRemoteJWKSet(new URL(env.jwksUrl));
  const email = uniqueEmail('node-pwless');
  const phone = uniquePhone();
  const scope = 'openid profile email offline_access';
  const loginWithEmail = (code) => web.passwordless.loginWithEmail({ email, code, audience: TENANT.audience, scope });
  const loginWithSMS = (code) => web.passwordless.loginWithSMS({ phone_number: phone, code, audience: TENANT.audience, scope });

  const first = await r.step('passwordless.sendEmail({email, send: "code"}) → 200; the code is in the outbox', async () => {
    const res = await sdk('sendEmail failed', () => web.passwordless.sendEmail({ email, send: 'code' }));
    eq(res.status, 200, 'HTTP status (VoidApiResponse)');
    const m = await outboxCode(env, email, 'email');
    return m.code;
  });

  await r.step('passwordless.loginWithEmail with a wrong code rejects with invalid_grant (403)', async () => {
    const wrong = first === '000000' ? '111111' : '000000';
    const e = await rejection('loginWithEmail with a wrong code', () => loginWithEmail(wrong));
    eq(e.name, 'AuthApiError', 'error class', details(e));
    eq(e.error, 'invalid_grant', 'error.error', details(e));
    eq(e.error_description, 'Wrong email or verification code.', 'error.error_description', details(e));
    eq(e.statusCode, 403, 'HTTP status', details(e));
  });

  const userId = await r.step('passwordless.loginWithEmail({email, code, audience, scope}); the SDK validates the ID token', async () => {
    const { data, status } = await sdk('loginWithEmail failed', () => loginWithEmail(first));
    eq(status, 200, 'HTTP status');
    const { payload } = decodeJwt(data.id_token);
    check(/^email\|[0-9a-f]{24}$/.test(payload.sub ?? ''), `id_token sub should be email|<24 hex>, got ${payload.sub}`, { payload });
    eq(payload.email, email, 'id_token email', { payload });
    eq(payload.email_verified, true, 'id_token email_verified (the code proved the address)', { payload });
    check(typeof data.refresh_token === 'string', 'offline_access should give a refresh_token on the OTP grant', { data: Object.keys(data) });
    let verified;
    try {
      verified = await jwtVerify(data.access_token, jwks, { issuer: env.issuer, audience: TENANT.audience });
    } catch (e) {
      throw new CheckError(`jose rejected the access token: ${e.code ?? ''} ${e.message}`, { token: decodeJwt(data.access_token) });
    }
    eq(verified.payload.sub, payload.sub, 'access token sub');
    eq(verified.payload.azp, TENANT.web.clientId, 'access token azp', { payload: verified.payload });
    return payload.sub;
  });

  await r.step('the used code is refused the second time (invalid_grant)', async () => {
    const e = await rejection('loginWithEmail with a used code', () => loginWithEmail(first));
    eq(e.error, 'invalid_grant', 'error.error', details(e));
    eq(e.statusCode, 403, 'HTTP status', details(e));
  });

  await r.step('a second sendEmail + loginWithEmail is the same user', async () => {
    await sdk('second sendEmail failed', () => web.passwordless.sendEmail({ email, send: 'code' }));
    const m = await outboxCode(env, email, 'email');
    const { data } = await sdk('second loginWithEmail failed', () => loginWithEmail(m.code));
    eq(decodeJwt(data.id_token).payload.sub, userId, 'id_token sub');
  });

  await r.step('passwordless.sendSMS({phone_number}) → 200', async () => {
    const res = await sdk('sendSMS failed', () => web.passwordless.sendSMS({ phone_number: phone }));
    eq(res.status, 200, 'HTTP status (VoidApiResponse)');
  });

  await r.step('passwordless.loginWithSMS: a wrong code → invalid_grant, the right one → an sms| user', async () => {
    const m = await outboxCode(env, phone, 'sms');
    const wrong = m.code === '000000' ? '111111' : '000000';
    const e = await rejection('loginWithSMS with a wrong code', () => loginWithSMS(wrong));
    eq(e.error, 'invalid_grant', 'error.error', details(e));
    eq(e.error_description, 'Wrong phone number or verification code.', 'error.error_description', details(e));
    const { data } = await sdk('loginWithSMS failed', () => loginWithSMS(m.code));
    const { payload } = decodeJwt(data.id_token);
    check(/^sms\|[0-9a-f]{24}$/.test(payload.sub ?? ''), `id_token sub should be sms|<24 hex>, got ${payload.sub}`, { payload });
    eq(decodeJwt(data.access_token).payload.sub, payload.sub, 'access token sub');
  });

  await r.step('sendSMS with a number that is not E.164 rejects with bad.phone_number (400)', async () => {
    const e = await rejection('sendSMS("555-1111")', () => web.passwordless.sendSMS({ phone_number: '555-1111' }));
    eq(e.name, 'AuthApiError', 'error class', details(e));
    eq(e.error, 'bad.phone_number', 'error.error', details(e));
    eq(e.statusCode, 400, 'HTTP status', details(e));
  });

  await r.step('sendEmail on a database connection rejects with bad.connection (400)', async () => {
    const e = await rejection('sendEmail({connection: database})', () => web.passwordless.sendEmail({ email, send: 'code', connection: TENANT.realm }));
    eq(e.error, 'bad.connection', 'error.error', details(e));
    eq(e.statusCode, 400, 'HTTP status', details(e));
  });

  await r.step('sendEmail of the (confidential) web app with a wrong client secret → invalid_client (401)', async () => {
    // The SDK itself refuses to send without a secret, so a wrong one is what can reach the mock.
    const wrong = new AuthenticationClient({ domain: env.domain, clientId: TENANT.web.clientId, clientSecret: 'not-the-secret' });
    const e = await rejection('sendEmail with a wrong secret', () => wrong.passwordless.sendEmail({ email, send: 'code' }));
    eq(e.error, 'invalid_client', 'error.error', details(e));
    eq(e.statusCode, 401, 'HTTP status', details(e));
  });

  await r.step('sendEmail({send: "link", authParams}); the magic link redirects to the callback; oauth.authorizationCodeGrant', async () => {
    const linkEmail = uniqueEmail('node-link');
    const redirectUri = 'http://localhost:3000/api/auth/callback';
    const state = `st-${Date.now()}`;
    const nonce = `n-${Date.now()}`;
    await sdk('sendEmail(link) failed', () => web.passwordless.sendEmail({
      email: linkEmail, send: 'link',
      authParams: { response_type: 'code', redirect_uri: redirectUri, scope, audience: TENANT.audience, state, nonce },
    }));
    const m = await outboxMagicLink(env, linkEmail);
    const opened = await http('GET', m.link);
    const location = opened.headers.get('location');
    check(opened.status === 302 && location, 'the magic link did not redirect', { request: opened.request, 'mock answered': `${opened.status} ${fmt(Object.fromEntries(opened.headers.entries()))} ${opened.text.slice(0, 500)}` });
    check(opened.headers.get('set-cookie'), 'the magic link should start a session (Set-Cookie)', { headers: Object.fromEntries(opened.headers.entries()) });
    const cb = new URL(location, m.link);
    eq(`${cb.origin}${cb.pathname}`, redirectUri, 'redirect target', { location });
    eq(cb.searchParams.get('state'), state, 'callback state', { location });
    check(cb.searchParams.get('code'), 'callback has no code', { location });
    const { data } = await sdk('authorizationCodeGrant failed', () => web.oauth.authorizationCodeGrant(
      { code: cb.searchParams.get('code'), redirect_uri: redirectUri },
      { idTokenValidateOptions: { nonce } },
    ));
    const { payload } = decodeJwt(data.id_token);
    check(/^email\|[0-9a-f]{24}$/.test(payload.sub ?? ''), `id_token sub should be email|<24 hex>, got ${payload.sub}`, { payload });
    eq(payload.email, linkEmail, 'id_token email', { payload });
    eq(payload.nonce, nonce, 'id_token nonce', { payload });
    eq(data.refresh_token, undefined, 'a magic link never yields a refresh token (Auth0 drops offline_access)', { data: Object.keys(data) });
  });
});
