// openid-client v6 (panva, on oauth4webapi) with client_secret_basic: refresh-token revocation.
//
// The confidential web client authenticates with HTTP Basic (ClientSecretBasic): the
// client_id travels only in the Authorization header, never in the body, at the token
// endpoint and at the revocation endpoint alike (RFC 6749 §2.3.1, RFC 7009 §2.1).
//   1. discovery() of the issuer;
//   2. genericGrantRequest(password, offline_access) -> a refresh token (Basic auth);
//   3. tokenRevocation(refresh token) -> 200 (Basic auth, no client_id in the body);
//   4. refreshTokenGrant with the revoked token -> invalid_grant.
// Every request the library makes goes through openid-client's customFetch hook, which
// only records the exchange (for the checks on the Authorization header and the body,
// and for failure reports).
// Env: MOCK_BASE_URL, MOCK_ISSUER (optional).
import * as client from 'openid-client';
import { runner, mockEnv, TENANT, check, eq, CheckError, fmt, causeChain } from './lib/common.mjs';

const env = mockEnv();
const r = runner('openid-client (client_secret_basic revocation)');
const alice = TENANT.users.alice;

/** What the library sent and what the mock answered, newest last. */
const exchanges = [];
async function recordingFetch(url, options) {
  const body = options.body instanceof URLSearchParams ? options.body : new URLSearchParams(typeof options.body === 'string' ? options.body : '');
  const headers = new Headers(options.headers);
  const x = {
    request: `${options.method ?? 'GET'} ${url}`,
    authorization: headers.get('authorization'),
    form: Object.fromEntries([...body].map(([k, v]) => [k, /^(client_secret|password|token|refresh_token|code)$/.test(k) ? `${v.slice(0, 8)}…` : v])),
    formKeys: [...body.keys()],
  };
  exchanges.push(x);
  const res = await fetch(url, options);
  x.answer = `${res.status} ${await res.clone().text()}`;
  return res;
}
const lastExchange = (path) => [...exchanges].reverse().find((x) => new URL(x.request.split(' ')[1]).pathname === path);

/** openid-client errors carry the mock's answer in .error/.error_description/.status/.cause. */
function wrap(what, e, path) {
  const details = {};
  for (const k of ['code', 'error', 'error_description', 'status']) if (e[k] !== undefined) details[k] = e[k];
  if (e.cause !== undefined && !(e.cause instanceof Error) && !(e.cause instanceof Response)) details['cause (mock answer)'] = e.cause;
  else if (e.cause instanceof Error) details.cause = causeChain(e);
  const x = path && lastExchange(path);
  if (x) Object.assign(details, { request: x.request, 'Authorization header': x.authorization, 'form body': x.form, 'mock answered': x.answer });
  return new CheckError(`${what}: ${e.name}: ${e.message}`, details);
}

/** The request went out with HTTP Basic for the web client and without client_id/client_secret in the body. */
function checkBasicAuth(path) {
  const x = lastExchange(path);
  check(x, `no request to ${path} was recorded`);
  // RFC 6749 §2.3.1: both halves are form-urlencoded before base64 (oauth4webapi sends '-' as %2D).
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(x.authorization ?? '');
  check(m, `${path} has no "Authorization: Basic …" header (client_secret_basic)`, { request: x.request, 'Authorization header': x.authorization });
  const formDecode = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
  const [user, pass] = Buffer.from(m[1], 'base64').toString().split(':').map(formDecode);
  eq(`${user}:${pass}`, `${TENANT.web.clientId}:${TENANT.web.clientSecret}`, `${path} Basic credentials (decoded)`,
    { request: x.request, 'Authorization header': x.authorization });
  check(!x.formKeys.includes('client_id') && !x.formKeys.includes('client_secret'),
    `${path} body must not carry client_id/client_secret with client_secret_basic`, { 'form body': x.form });
}

r.main(async () => {
  const issuerUrl = new URL(env.issuer);
  const insecure = issuerUrl.protocol === 'http:';

  const config = await r.step('discovery() with ClientSecretBasic for the web client', async () => {
    try {
      return await client.discovery(
        issuerUrl,
        TENANT.web.clientId,
        undefined,
        client.ClientSecretBasic(TENANT.web.clientSecret),
        {
          execute: insecure ? [client.allowInsecureRequests] : [],
          [client.customFetch]: recordingFetch,
        },
      );
    } catch (e) {
      throw wrap('discovery failed', e, '/.well-known/openid-configuration');
    }
  });

  await r.step('metadata has the revocation endpoint', async () => {
    const md = config.serverMetadata();
    eq(md.revocation_endpoint, `${env.baseUrl}/oauth/revoke`, 'metadata.revocation_endpoint', { metadata: md });
  });

  const tokens = await r.step('genericGrantRequest(password, offline_access) with Basic auth returns a refresh token', async () => {
    let t;
    try {
      t = await client.genericGrantRequest(config, 'password', {
        username: alice.email, password: alice.password, audience: TENANT.audience, scope: 'openid profile email offline_access',
      });
    } catch (e) {
      throw wrap('password grant failed', e, '/oauth/token');
    }
    checkBasicAuth('/oauth/token');
    eq(t.claims()?.sub, alice.userId, 'id_token sub', { claims: t.claims() });
    check(typeof t.refresh_token === 'string' && t.refresh_token.length > 0,
      'offline_access was requested but no refresh_token came back', { 'token response keys': Object.keys(t) });
    return t;
  });

  await r.step('tokenRevocation(refresh token) with Basic auth (no client_id in the body) succeeds', async () => {
    try {
      await client.tokenRevocation(config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
    } catch (e) {
      throw wrap('/oauth/revoke refused a client_secret_basic request', e, '/oauth/revoke');
    }
    checkBasicAuth('/oauth/revoke');
    const x = lastExchange('/oauth/revoke');
    check(x.answer.startsWith('200'), `/oauth/revoke answered ${x.answer}, expected 200`, { request: x.request });
  });

  await r.step('refreshTokenGrant with the revoked refresh token fails with invalid_grant', async () => {
    let err;
    try {
      const t = await client.refreshTokenGrant(config, tokens.refresh_token);
      throw new CheckError('the revoked refresh token was accepted by the token endpoint', { 'new tokens': Object.keys(t) });
    } catch (e) {
      if (e instanceof CheckError) throw e;
      err = e;
    }
    const x = lastExchange('/oauth/token');
    check(err instanceof client.ResponseBodyError,
      `expected an OAuth error response (JSON {error}), got ${err.name}: ${err.message}`, { 'mock answered': x?.answer, cause: fmt(err.cause) });
    eq(err.error, 'invalid_grant', 'refresh with a revoked token: error code',
      { status: err.status, error_description: err.error_description, 'mock answered': x?.answer });
    checkBasicAuth('/oauth/token');
  });
});
