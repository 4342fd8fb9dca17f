// `auth0` Node SDK v4 (AuthenticationClient, UserInfoClient) against the mock over TLS.
// node-auth0 hard-codes https://<domain>/ for requests, the JWKS URL and the expected
// ID-token issuer, so the mock must run with TLS and Node must trust its CA:
// Env: MOCK_BASE_URL (https://localhost:PORT), NODE_EXTRA_CA_CERTS=<mock CA PEM>.
import { AuthenticationClient, UserInfoClient } from 'auth0';
import {
  runner, mockEnv, TENANT, check, eq, decodeJwt, checkHasuraClaims, sdk,
} from './lib/common.mjs';

const env = mockEnv();
const r = runner('auth0 (node-auth0 v4)');

r.main(async () => {
  check(env.baseUrl.startsWith('https://'), `node-auth0 needs TLS; MOCK_BASE_URL is ${env.baseUrl}`);
  check(process.env.NODE_EXTRA_CA_CERTS, 'NODE_EXTRA_CA_CERTS must point at the mock CA');

  const m2m = new AuthenticationClient({ domain: env.domain, clientId: TENANT.m2m.clientId, clientSecret: TENANT.m2m.clientSecret });
  await r.step('oauth.clientCredentialsGrant({audience}) with the M2M client', async () => {
    const { data, status } = await sdk('clientCredentialsGrant failed', () => m2m.oauth.clientCredentialsGrant({ audience: TENANT.audience }));
    eq(status, 200, 'HTTP status');
    check(typeof data.access_token === 'string', 'no access_token', { data });
    eq(data.token_type, 'Bearer', 'token_type', { data });
    check(typeof data.expires_in === 'number', 'expires_in must be a JSON number', { data });
    check(data.id_token === undefined && data.refresh_token === undefined, 'client_credentials must not return id_token/refresh_token', { data });
    const { payload } = decodeJwt(data.access_token);
    eq(payload.iss, `https://${env.domain}/`, 'access token iss', { payload });
    eq(payload.sub, `${TENANT.m2m.clientId}@clients`, 'access token sub', { payload });
  });

  const web = new AuthenticationClient({ domain: env.domain, clientId: TENANT.web.clientId, clientSecret: TENANT.web.clientSecret });
  const alice = TENANT.users.alice;
  const tokens = await r.step('oauth.passwordGrant (alice, web client; SDK validates the ID token via JWKS)', async () => {
    const { data } = await sdk('passwordGrant failed', () => web.oauth.passwordGrant({
      username: alice.email, password: alice.password, audience: TENANT.audience, scope: 'openid profile email',
    }));
    check(typeof data.id_token === 'string', 'password grant with scope openid returned no id_token', { data });
    const { payload } = decodeJwt(data.id_token);
    eq(payload.sub, alice.userId, 'id_token sub', { payload });
    eq(payload.email, alice.email, 'id_token email', { payload });
    eq(payload.aud, TENANT.web.clientId, 'id_token aud', { payload });
    check(payload.nonce === undefined, 'id_token from a password grant must not carry a nonce', { payload });
    checkHasuraClaims(decodeJwt(data.access_token).payload, alice);
    return data;
  });

  await r.step('oauth.passwordGrant with realm (password-realm grant), bob', async () => {
    const bob = TENANT.users.bob;
    const { data } = await sdk('password-realm grant failed', () => web.oauth.passwordGrant({
      username: bob.email, password: bob.password, realm: TENANT.realm, audience: TENANT.audience, scope: 'openid profile email',
    }));
    eq(decodeJwt(data.id_token).payload?.sub, bob.userId, 'id_token sub');
  });

  await r.step('oauth.passwordGrant with a wrong password fails with invalid_grant', async () => {
    let err;
    try {
      await web.oauth.passwordGrant({ username: alice.email, password: 'wrong', audience: TENANT.audience, scope: 'openid' });
    } catch (e) { err = e; }
    check(err, 'a wrong password was accepted');
    eq(err.error, 'invalid_grant', 'error code', { 'mock status': err.statusCode, 'mock body': err.body });
    eq(err.statusCode, 403, 'HTTP status', { 'mock body': err.body });
  });

  await r.step('oauth.refreshTokenGrant, then oauth.revokeRefreshToken (JSON body) makes it unusable', async () => {
    const { data: first } = await sdk('passwordGrant with offline_access failed', () => web.oauth.passwordGrant({
      username: alice.email, password: alice.password, audience: TENANT.audience, scope: 'openid offline_access',
    }));
    check(typeof first.refresh_token === 'string', 'offline_access was requested but no refresh_token came back', { data: first });
    const { data: refreshed } = await sdk('refreshTokenGrant failed', () => web.oauth.refreshTokenGrant({ refresh_token: first.refresh_token }));
    eq(decodeJwt(refreshed.id_token).payload?.sub, alice.userId, 'refreshed id_token sub');
    const current = refreshed.refresh_token ?? first.refresh_token;
    const { status } = await sdk('revokeRefreshToken failed', () => web.oauth.revokeRefreshToken({ token: current }));
    eq(status, 200, '/oauth/revoke status');
    let err;
    try { await web.oauth.refreshTokenGrant({ refresh_token: current }); } catch (e) { err = e; }
    check(err, 'a revoked refresh token still works');
    eq(err.error, 'invalid_grant', 'error for a revoked refresh token', { 'mock status': err.statusCode, 'mock body': err.body });
  });

  await r.step('UserInfoClient.getUserInfo(access token)', async () => {
    const userInfo = new UserInfoClient({ domain: env.domain });
    const { data } = await sdk('getUserInfo failed', () => userInfo.getUserInfo(tokens.access_token));
    eq(data.sub, alice.userId, 'userinfo sub', { data });
    eq(data.email, alice.email, 'userinfo email', { data });
    eq(data.name, alice.name, 'userinfo name', { data });
  });
});
