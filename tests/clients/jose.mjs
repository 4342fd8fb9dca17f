// jose (npm): createRemoteJWKSet + jwtVerify on mock access tokens.
// Env: MOCK_BASE_URL, MOCK_ISSUER (optional, defaults to MOCK_BASE_URL + "/").
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  runner, mockEnv, TENANT, check, eq, CheckError, decodeJwt,
  clientCredentialsToken, passwordToken, checkHasuraClaims,
} from './lib/common.mjs';

const env = mockEnv();
const r = runner('jose');

async function verify(jwks, token) {
  try {
    return await jwtVerify(token, jwks, { issuer: env.issuer, audience: TENANT.audience });
  } catch (e) {
    throw new CheckError(`jwtVerify rejected the token: ${e.code ?? ''} ${e.message}`, {
      'token header': decodeJwt(token).header,
      'token payload': decodeJwt(token).payload,
      'expected issuer': env.issuer,
      'expected audience': TENANT.audience,
      jwks: env.jwksUrl,
    });
  }
}

r.main(async () => {
  const jwks = createRemoteJWKSet(new URL(`${env.issuer}.well-known/jwks.json`));

  const cc = await r.step('client_credentials grant (M2M) via /oauth/token', () => clientCredentialsToken(env));
  await r.step('jwtVerify(M2M access token) against remote JWKS', async () => {
    const { payload, protectedHeader } = await verify(jwks, cc.access_token);
    eq(protectedHeader.alg, 'RS256', 'header alg');
    check(typeof protectedHeader.kid === 'string' && protectedHeader.kid, 'header has no kid', { protectedHeader });
    eq(payload.sub, `${TENANT.m2m.clientId}@clients`, 'M2M sub', { payload });
    eq(payload.azp, TENANT.m2m.clientId, 'M2M azp', { payload });
    eq(payload.gty, 'client-credentials', 'M2M gty', { payload });
    const scopes = String(payload.scope ?? '').split(' ');
    check(TENANT.m2m.scopes.every((s) => scopes.includes(s)), `M2M scope should contain ${TENANT.m2m.scopes}`, { payload });
    check(Number.isInteger(payload.iat) && Number.isInteger(payload.exp), 'iat/exp must be integers', { payload });
  });

  const pw = await r.step('password grant (alice, auth0-mock-web) via /oauth/token', () => passwordToken(env));
  await r.step('jwtVerify(password-grant access token) against remote JWKS', async () => {
    const { payload } = await verify(jwks, pw.access_token);
    eq(payload.sub, TENANT.users.alice.userId, 'user sub', { payload });
    checkHasuraClaims(payload, TENANT.users.alice);
  });

  await r.step('jwtVerify rejects a token with a tampered payload', async () => {
    const [h, p, s] = pw.access_token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    claims.sub = TENANT.users.admin.userId;
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    let err;
    try { await jwtVerify(forged, jwks, { issuer: env.issuer, audience: TENANT.audience }); } catch (e) { err = e; }
    check(err, 'a forged token was accepted: the signature is not bound to the payload');
    eq(err.code, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'jose error code');
  });
});
