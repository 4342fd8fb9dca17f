// `auth0` Node SDK v4 (AuthenticationClient.database + .oauth) against the mock over TLS:
// sign-up, Auth0's sign-up errors, password reset through the emailed link, email verification.
// The emails are read from the mock's outbox (GET /__mock/outbox) and their links followed with
// fetch, as a user's browser would.
// Env: MOCK_BASE_URL (https://localhost:PORT), NODE_EXTRA_CA_CERTS=<mock CA PEM>.
import { AuthenticationClient } from 'auth0';
import {
  runner, mockEnv, TENANT, check, eq, decodeJwt, STRONG_PASSWORD, uniqueEmail, outboxLink, completePasswordReset, followVerificationLink, sdk, rejection,
} from './lib/common.mjs';

const env = mockEnv();
const r = runner('auth0 (node-auth0 v4, database)');

r.main(async () => {
  check(env.baseUrl.startsWith('https://'), `node-auth0 needs TLS; MOCK_BASE_URL is ${env.baseUrl}`);
  check(process.env.NODE_EXTRA_CA_CERTS, 'NODE_EXTRA_CA_CERTS must point at the mock CA');

  const web = new AuthenticationClient({ domain: env.domain, clientId: TENANT.web.clientId, clientSecret: TENANT.web.clientSecret });
  const email = uniqueEmail('node-signup');
  const connection = TENANT.realm;
  const newPassword = 'N3w-Str0ng-passw0rd!';

  const user = await r.step('database.signUp({email, password, connection}) creates the user', async () => {
    const { data, status } = await sdk('signUp failed', () => web.database.signUp({ email, password: STRONG_PASSWORD, connection }));
    eq(status, 200, 'HTTP status', { data });
    check(typeof data._id === 'string' && /^[0-9a-f]{24}$/.test(data._id), '_id should be 24 hex characters (Auth0 answers the id without "auth0|")', { data });
    eq(data.id, data._id, 'the SDK maps _id to id', { data });
    eq(data.email, email, 'email', { data });
    eq(data.email_verified, false, 'email_verified', { data });
    return { email, userId: `auth0|${data._id}`, roles: [] };
  });

  await r.step('a second signUp with the same email rejects with user_exists (AuthApiError)', async () => {
    const e = await rejection('the duplicate signUp', () => web.database.signUp({ email, password: STRONG_PASSWORD, connection }));
    const details = { name: e.name, error: e.error, error_description: e.error_description, 'mock status': e.statusCode, 'mock body': e.body };
    eq(e.name, 'AuthApiError', 'error class', details);
    eq(e.error, 'user_exists', 'error.error (the SDK reads the legacy body\'s code)', details);
    eq(e.error_description, 'The user already exists.', 'error.error_description (the legacy body\'s description)', details);
    eq(e.statusCode, 400, 'HTTP status', details);
    eq(JSON.parse(e.body).name, 'BadRequestError', 'body name', details);
  });

  await r.step('signUp with a weak password rejects with invalid_password and the policy', async () => {
    const weakEmail = uniqueEmail('node-weak');
    const e = await rejection('signUp with "weak"', () => web.database.signUp({ email: weakEmail, password: 'weak', connection }));
    const details = { name: e.name, error: e.error, 'mock status': e.statusCode, 'mock body': e.body };
    eq(e.name, 'AuthApiError', 'error class', details);
    eq(e.error, 'invalid_password', 'error.error', details);
    eq(e.statusCode, 400, 'HTTP status', details);
    const body = JSON.parse(e.body);
    eq(body.name, 'PasswordStrengthError', 'body name', details);
    check(typeof body.policy === 'string' && body.policy.includes('At least 8 characters'), 'body.policy should state the rules', details);
    check(Array.isArray(body.description?.rules), 'body.description.rules should list the policy rules', details);
    // Refused: no such user.
    const login = await rejection('passwordGrant of the refused sign-up', () => web.oauth.passwordGrant({ username: weakEmail, password: 'weak', realm: connection, scope: 'openid' }));
    eq(login.error, 'invalid_grant', 'a refused sign-up creates no user', { 'mock body': login.body });
  });

  const login = (password) => web.oauth.passwordGrant({
    username: email, password, realm: connection, audience: TENANT.audience, scope: 'openid profile email',
  });

  await r.step('oauth.passwordGrant (realm) as the new user; the SDK validates the ID token', async () => {
    const { data } = await sdk('passwordGrant of the new user failed', () => login(STRONG_PASSWORD));
    const { payload } = decodeJwt(data.id_token);
    eq(payload.sub, user.userId, 'id_token sub', { payload });
    eq(payload.email, email, 'id_token email', { payload });
    eq(payload.email_verified, false, 'id_token email_verified before verification', { payload });
    eq(decodeJwt(data.access_token).payload.sub, user.userId, 'access token sub');
  });

  await r.step('oauth.passwordGrant without realm (password grant, default directory) works too', async () => {
    const { data } = await sdk('password grant of the new user failed', () => web.oauth.passwordGrant({
      username: email, password: STRONG_PASSWORD, audience: TENANT.audience, scope: 'openid',
    }));
    eq(decodeJwt(data.id_token).payload.sub, user.userId, 'id_token sub');
  });

  await r.step('the verification link from the outbox verifies the address; the next ID token says so', async () => {
    const message = await outboxLink(env, email, 'verify_email', 'u/email-verification');
    eq(message.user_id, user.userId, 'verify_email user_id', { message });
    await followVerificationLink(message.link);
    const { data } = await sdk('passwordGrant after verification failed', () => login(STRONG_PASSWORD));
    const { payload } = decodeJwt(data.id_token);
    eq(payload.email_verified, true, 'id_token email_verified after following the link', { payload });
  });

  await r.step('database.changePassword({email, connection}) answers Auth0\'s sentence (TextApiResponse)', async () => {
    const { data, status } = await sdk('changePassword failed', () => web.database.changePassword({ email, connection }));
    eq(status, 200, 'HTTP status');
    eq(data, "We've just sent you an email to reset your password.", 'changePassword data');
  });

  await r.step('database.changePassword for an unknown email answers the same', async () => {
    const { data } = await sdk('changePassword (unknown email) failed', () => web.database.changePassword({ email: uniqueEmail('node-nobody'), connection }));
    eq(data, "We've just sent you an email to reset your password.", 'changePassword data');
  });

  await r.step('the reset link from the outbox opens the form; posting a new password changes it', async () => {
    const message = await outboxLink(env, email, 'reset_email', 'u/reset-verify');
    eq(message.user_id, user.userId, 'reset_email user_id', { message });
    await completePasswordReset(message.link, newPassword);
  });

  await r.step('oauth.passwordGrant: the new password works', async () => {
    const { data } = await sdk('passwordGrant with the new password failed', () => login(newPassword));
    eq(decodeJwt(data.id_token).payload.sub, user.userId, 'id_token sub');
  });

  await r.step('oauth.passwordGrant: the old password fails with invalid_grant (403)', async () => {
    const e = await rejection('passwordGrant with the old password', () => login(STRONG_PASSWORD));
    eq(e.error, 'invalid_grant', 'error code', { 'mock status': e.statusCode, 'mock body': e.body });
    eq(e.statusCode, 403, 'HTTP status', { 'mock body': e.body });
  });
});
