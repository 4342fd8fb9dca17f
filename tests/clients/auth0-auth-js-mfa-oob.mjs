// MFA by SMS through the back channel, with Auth0's own MFA client: node-auth0 v4's password
// grant meets a post-login Action with api.multifactor.enable('any') and gets mfa_required;
// @auth0/auth0-auth-js (the MfaClient inside auth0-spa-js and nextjs-auth0) lists bob's SMS
// authenticator, challenges it (the code lands in the mock's outbox, read here as the phone
// would), and verifies with the mfa-oob grant: first a wrong binding code, then the texted one.
// Env: MOCK_BASE_URL (https), NODE_EXTRA_CA_CERTS, the mock started with that Action and bob's
// phone as his factor (MFA_PHONE).
import { AuthenticationClient } from 'auth0';
import { AuthClient } from '@auth0/auth0-auth-js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { runner, mockEnv, requireEnv, TENANT, check, eq, rejection, http } from './lib/common.mjs';

const env = mockEnv();
const phone = requireEnv('MFA_PHONE');
const r = runner('@auth0/auth0-auth-js MfaClient (SMS)');
const bob = TENANT.users.bob;

r.main(async () => {
  const web = new AuthenticationClient({ domain: env.domain, clientId: TENANT.web.clientId, clientSecret: TENANT.web.clientSecret });
  const mfaToken = await r.step('node-auth0 oauth.passwordGrant() rejects with 403 mfa_required and an mfa_token', async () => {
    const e = await rejection('passwordGrant', () => web.oauth.passwordGrant({
      username: bob.email, password: bob.password, audience: TENANT.audience, scope: 'openid profile offline_access',
    }));
    eq(e.error, 'mfa_required', 'error', { body: e.body });
    return JSON.parse(e.body).mfa_token;
  });

  const auth = new AuthClient({ domain: env.domain, clientId: TENANT.web.clientId, clientSecret: TENANT.web.clientSecret });

  const sms = await r.step('mfa.listAuthenticators() lists his active SMS authenticator', async () => {
    const list = await auth.mfa.listAuthenticators({ mfaToken });
    const found = list.find((a) => a.authenticatorType === 'oob' && a.id.startsWith('sms|dev_'));
    check(found && found.active, 'no active sms|dev_… oob authenticator', { list });
    check(!found.name.includes(phone.slice(2, -4)), 'the phone number should be masked', { found });
    return found;
  });

  const challenge = await r.step('mfa.challengeAuthenticator({challengeType: "oob", authenticatorId}) answers an oobCode with bindingMethod prompt', async () => {
    const c = await auth.mfa.challengeAuthenticator({ mfaToken, challengeType: 'oob', authenticatorId: sms.id });
    eq(c.challengeType, 'oob', 'challengeType', { c });
    eq(c.bindingMethod, 'prompt', 'bindingMethod', { c });
    check(typeof c.oobCode === 'string' && c.oobCode.length > 20, 'no oobCode', { c });
    return c;
  });

  const code = await r.step('the code is texted to his phone (the outbox, kind mfa_oob_code)', async () => {
    const q = new URLSearchParams({ to: phone, kind: 'mfa_oob_code', wait: '10' });
    const res = await http('GET', `${env.baseUrl}/__mock/outbox?${q}`);
    check(res.status === 200 && res.json.length > 0, 'no mfa_oob_code message', { body: res.text });
    const m = res.json[res.json.length - 1];
    eq(m.channel, 'sms', 'channel', { m });
    check(/^[0-9]{6}$/.test(m.code) && m.text.includes(m.code), 'the text should carry a 6-digit code', { m });
    return m.code;
  });

  await r.step('mfa.verify() with a wrong binding code rejects with invalid_grant "Invalid binding_code."', async () => {
    const wrong = code === '000000' ? '111111' : '000000';
    const e = await rejection('verify', () => auth.mfa.verify({ mfaToken, factorType: 'oob', oobCode: challenge.oobCode, bindingCode: wrong }));
    eq(e.name, 'MfaVerifyError', 'error class', { e: String(e) });
    eq(e.cause?.error, 'invalid_grant', 'error', { e: String(e), cause: e.cause });
    eq(e.message, 'Invalid binding_code.', 'message', { e: String(e) });
  });

  await r.step('mfa.verify() with the texted code returns tokens jose verifies', async () => {
    const tokens = await auth.mfa.verify({ mfaToken, factorType: 'oob', oobCode: challenge.oobCode, bindingCode: code });
    check(typeof tokens.accessToken === 'string', 'no accessToken', { tokens });
    const jwks = createRemoteJWKSet(new URL(env.jwksUrl));
    const { payload } = await jwtVerify(tokens.accessToken, jwks, { issuer: env.issuer, audience: TENANT.audience });
    eq(payload.sub, bob.userId, 'access token sub', { payload });
  });
});
