// openid-client v6 (panva, on oauth4webapi): discovery + client_credentials grant; then, with the
// web client, a password grant (oauth4webapi checks the ID token strictly), refresh and userinfo.
// Env: MOCK_BASE_URL, MOCK_ISSUER (optional).
import * as client from 'openid-client';
import { runner, mockEnv, TENANT, check, eq, CheckError, http, fmt, decodeJwt, causeChain } from './lib/common.mjs';

const env = mockEnv();
const r = runner('openid-client');

/** openid-client errors carry the mock's answer in .error/.status/.cause. */
function wrap(what, e) {
  const details = {};
  for (const k of ['code', 'error', 'error_description', 'status']) if (e[k] !== undefined) details[k] = e[k];
  if (e.cause instanceof Response) details['cause (mock answer)'] = `HTTP ${e.cause.status}`;
  else if (e.cause !== undefined && !(e.cause instanceof Error)) details['cause (mock answer)'] = e.cause;
  else if (e.cause) details.cause = causeChain(e);
  return new CheckError(`${what}: ${e.name}: ${e.message}`, details);
}

r.main(async () => {
  const issuerUrl = new URL(env.issuer);
  const config = await r.step('discovery() of the issuer (allowInsecureRequests for http)', async () => {
    try {
      return await client.discovery(
        issuerUrl,
        TENANT.m2m.clientId,
        TENANT.m2m.clientSecret,
        undefined,
        issuerUrl.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
      );
    } catch (e) {
      const raw = await http('GET', `${env.issuer}.well-known/openid-configuration`).catch((x) => ({ text: String(x) }));
      const err = wrap('discovery failed', e);
      err.details['GET /.well-known/openid-configuration answered'] = `${raw.status} ${raw.text}`;
      throw err;
    }
  });

  await r.step('discovered metadata: issuer and endpoints', async () => {
    const md = config.serverMetadata();
    eq(md.issuer, env.issuer, 'discovery issuer', { metadata: md });
    for (const [k, path] of [
      ['authorization_endpoint', '/authorize'],
      ['token_endpoint', '/oauth/token'],
      ['userinfo_endpoint', '/userinfo'],
      ['jwks_uri', '/.well-known/jwks.json'],
      ['revocation_endpoint', '/oauth/revoke'],
    ]) {
      eq(md[k], `${env.baseUrl}${path}`, `metadata.${k}`, { metadata: md });
    }
    check(Array.isArray(md.id_token_signing_alg_values_supported) && md.id_token_signing_alg_values_supported.includes('RS256'),
      'id_token_signing_alg_values_supported must include RS256', { metadata: md });
  });

  await r.step('clientCredentialsGrant({audience}) with the M2M client', async () => {
    let tokens;
    try {
      tokens = await client.clientCredentialsGrant(config, { audience: TENANT.audience });
    } catch (e) {
      throw wrap('clientCredentialsGrant failed', e);
    }
    check(typeof tokens.access_token === 'string', 'no access_token', { tokens });
    eq(String(tokens.token_type).toLowerCase(), 'bearer', 'token_type', { tokens });
    check(typeof tokens.expiresIn() === 'number' && tokens.expiresIn() > 0, 'expires_in must be a positive number', { tokens });
    const { payload } = decodeJwt(tokens.access_token);
    eq(payload?.aud, TENANT.audience, 'access token aud', { payload });
    eq(payload?.iss, env.issuer, 'access token iss', { payload });
  });

  const insecure = issuerUrl.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined;
  const web = new client.Configuration(config.serverMetadata(), TENANT.web.clientId, TENANT.web.clientSecret);
  if (insecure) client.allowInsecureRequests(web);
  const alice = TENANT.users.alice;

  const pw = await r.step('genericGrantRequest(password) with the web client: ID token passes oauth4webapi checks', async () => {
    let tokens;
    try {
      tokens = await client.genericGrantRequest(web, 'password', {
        username: alice.email, password: alice.password, audience: TENANT.audience, scope: 'openid profile email offline_access',
      });
    } catch (e) {
      throw wrap('password grant failed', e);
    }
    const claims = tokens.claims();
    check(claims, 'no ID token claims', { tokens });
    eq(claims.sub, alice.userId, 'id_token sub', { claims });
    eq(claims.iss, env.issuer, 'id_token iss', { claims });
    check(typeof tokens.refresh_token === 'string', 'offline_access was requested but no refresh_token came back', { tokens });
    return tokens;
  });

  await r.step('fetchUserInfo(access token, expected subject)', async () => {
    let info;
    try {
      info = await client.fetchUserInfo(web, pw.access_token, alice.userId);
    } catch (e) {
      throw wrap('fetchUserInfo failed', e);
    }
    eq(info.email, alice.email, 'userinfo email', { info });
  });

  await r.step('refreshTokenGrant: new tokens, rotated refresh token', async () => {
    let tokens;
    try {
      tokens = await client.refreshTokenGrant(web, pw.refresh_token);
    } catch (e) {
      throw wrap('refreshTokenGrant failed', e);
    }
    eq(tokens.claims()?.sub, alice.userId, 'refreshed id_token sub', { tokens });
    check(typeof tokens.refresh_token === 'string' && tokens.refresh_token !== pw.refresh_token,
      'the refresh token was not rotated', { tokens });
  });

  await r.step('clientCredentialsGrant with a wrong secret is rejected', async () => {
    const bad = new client.Configuration(config.serverMetadata(), TENANT.m2m.clientId, 'not-the-secret');
    if (issuerUrl.protocol === 'http:') client.allowInsecureRequests(bad);
    let err;
    try { await client.clientCredentialsGrant(bad, { audience: TENANT.audience }); } catch (e) { err = e; }
    check(err, 'a wrong client_secret was accepted');
    check(err instanceof client.ResponseBodyError, `expected an OAuth error response (JSON {error}), got ${err.name}: ${err.message}`,
      { cause: fmt(err.cause) });
    check(err.status === 401 || err.status === 403, `wrong secret: expected HTTP 401/403, got ${err.status}`, { error: err.error });
    check(['access_denied', 'invalid_client', 'unauthorized_client'].includes(err.error), `unexpected error code ${err.error}`,
      { error_description: err.error_description });
  });
});
