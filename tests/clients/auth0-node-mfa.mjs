// MFA through the back channel: node-auth0 v4's password grant meets a post-login Action with
// api.multifactor.enable('any') and gets mfa_required with an mfa_token; the MFA API lists
// and challenges alice's authenticator; openid-client v6 (genericGrantRequest) completes the
// login with the mfa-otp grant and a TOTP computed here from her known secret. Then an admin
// resets her factors with node-auth0's ManagementClient, as a test's setup does between runs.
// Env: MOCK_BASE_URL (https), NODE_EXTRA_CA_CERTS, the mock started with that Action.
import { AuthenticationClient, ManagementClient } from 'auth0';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { runner, mockEnv, TENANT, check, eq, rejection, http, totp, wrongTotp } from './lib/common.mjs';

const env = mockEnv();
const r = runner('auth0 + openid-client (MFA)');
const MFA_OTP = 'http://auth0.com/oauth/grant-type/mfa-otp';
const alice = TENANT.users.alice;

r.main(async () => {
  const web = new AuthenticationClient({ domain: env.domain, clientId: TENANT.web.clientId, clientSecret: TENANT.web.clientSecret });
  const mfaToken = await r.step('oauth.passwordGrant() rejects with 403 mfa_required and an mfa_token', async () => {
    const e = await rejection('passwordGrant', () => web.oauth.passwordGrant({
      username: alice.email, password: alice.password, audience: TENANT.audience, scope: 'openid profile offline_access',
    }));
    eq(e.name, 'AuthApiError', 'error class', { e: String(e) });
    eq(e.error, 'mfa_required', 'error', { body: e.body });
    eq(e.statusCode, 403, 'status', { body: e.body });
    const body = JSON.parse(e.body);
    check(typeof body.mfa_token === 'string' && body.mfa_token.length > 20, 'no mfa_token in the body', { body });
    return body.mfa_token;
  });

  await r.step('GET /mfa/authenticators with the mfa_token lists her otp authenticator', async () => {
    const res = await http('GET', `${env.baseUrl}/mfa/authenticators`, { headers: { authorization: `Bearer ${mfaToken}` } });
    eq(res.status, 200, 'status', { body: res.text });
    check(res.json.some((a) => a.authenticator_type === 'otp' && a.active), 'no active otp authenticator', { list: res.json });
  });

  await r.step('POST /mfa/challenge {challenge_type: otp} answers {challenge_type: "otp"}', async () => {
    const res = await http('POST', `${env.baseUrl}/mfa/challenge`, { json: {
      mfa_token: mfaToken, client_id: TENANT.web.clientId, client_secret: TENANT.web.clientSecret, challenge_type: 'otp',
    } });
    eq(res.status, 200, 'status', { body: res.text });
    eq(res.json.challenge_type, 'otp', 'challenge_type', { body: res.json });
  });

  const config = await client.discovery(new URL(env.issuer), TENANT.web.clientId, TENANT.web.clientSecret);

  await r.step('genericGrantRequest(mfa-otp) with a wrong code rejects with invalid_grant "Invalid otp_code."', async () => {
    const e = await rejection('mfa-otp grant', () => client.genericGrantRequest(config, MFA_OTP, { mfa_token: mfaToken, otp: wrongTotp(alice.totpSecret) }));
    eq(e.error, 'invalid_grant', 'error', { e: String(e) });
    eq(e.error_description, 'Invalid otp_code.', 'error_description', { e: String(e) });
  });

  await r.step('genericGrantRequest(mfa-otp) with her current TOTP returns tokens jose verifies', async () => {
    const tokens = await client.genericGrantRequest(config, MFA_OTP, { mfa_token: mfaToken, otp: totp(alice.totpSecret) });
    const claims = tokens.claims();
    eq(claims?.sub, alice.userId, 'ID token sub (checked by oauth4webapi)', { claims });
    check(typeof tokens.refresh_token === 'string', 'no refresh_token', { tokens });
    const jwks = createRemoteJWKSet(new URL(env.jwksUrl));
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: env.issuer, audience: TENANT.audience });
    eq(payload.sub, alice.userId, 'access token sub', { payload });
  });

  await r.step('the spent mfa_token is refused: invalid_grant "Malformed mfa_token"', async () => {
    const e = await rejection('reused mfa_token', () => client.genericGrantRequest(config, MFA_OTP, { mfa_token: mfaToken, otp: totp(alice.totpSecret) }));
    eq(e.error, 'invalid_grant', 'error', { e: String(e) });
    eq(e.error_description, 'Malformed mfa_token', 'error_description', { e: String(e) });
  });

  const management = new ManagementClient({ domain: env.domain, clientId: TENANT.m2m.clientId, clientSecret: TENANT.m2m.clientSecret });
  const id = alice.userId;
  await r.step('management.users.getAuthenticationMethods lists her totp and recovery-code', async () => {
    const { data } = await management.users.getAuthenticationMethods({ id });
    const types = data.map((m) => m.type);
    check(types.includes('totp') && types.includes('recovery-code'), 'not her totp and recovery code', { data });
  });
  await r.step('management.users.getEnrollments shows her authenticator enrollment', async () => {
    const { data } = await management.users.getEnrollments({ id });
    check(data.some((e) => e.auth_method === 'authenticator' && e.status === 'confirmed'), 'no confirmed authenticator', { data });
  });
  await r.step('management.users.regenerateRecoveryCode answers a new recovery_code', async () => {
    const { data } = await management.users.regenerateRecoveryCode({ id });
    check(typeof data.recovery_code === 'string' && data.recovery_code.length === 24, 'no 24-character recovery_code', { data });
  });
  await r.step('management.users.invalidateRememberBrowser answers 204', async () => {
    const res = await management.users.invalidateRememberBrowser({ id });
    eq(res.status, 204, 'status');
  });
  await r.step('management.users.deleteAllAuthenticators: her next mfa_required token lists no authenticator', async () => {
    await management.users.deleteAllAuthenticators({ id });
    const { data } = await management.users.getAuthenticationMethods({ id });
    eq(data.length, 0, 'methods left', { data });
    const e = await rejection('passwordGrant', () => web.oauth.passwordGrant({
      username: alice.email, password: alice.password, audience: TENANT.audience, scope: 'openid',
    }));
    const token = JSON.parse(e.body).mfa_token;
    const res = await http('GET', `${env.baseUrl}/mfa/authenticators`, { headers: { authorization: `Bearer ${token}` } });
    eq(res.status, 200, 'status', { body: res.text });
    eq(res.json.length, 0, 'authenticators', { list: res.json });
  });
  await r.step('management.users.createAuthenticationMethod(totp, her secret): the mfa-otp grant passes again', async () => {
    const { data, status } = await management.users.createAuthenticationMethod({ id }, { type: 'totp', totp_secret: alice.totpSecret, name: 'seeded' });
    eq(status, 201, 'status', { data });
    check(data.id?.startsWith('totp|dev_'), 'no totp|dev_ id', { data });
    const e = await rejection('passwordGrant', () => web.oauth.passwordGrant({
      username: alice.email, password: alice.password, audience: TENANT.audience, scope: 'openid',
    }));
    const token = JSON.parse(e.body).mfa_token;
    // Her earlier grant spent this step's code: the next step's passes (one step of drift).
    const tokens = await client.genericGrantRequest(config, MFA_OTP, { mfa_token: token, otp: totp(alice.totpSecret, Date.now() + 30_000) });
    check(typeof tokens.access_token === 'string', 'no access token', { tokens });
  });
});
