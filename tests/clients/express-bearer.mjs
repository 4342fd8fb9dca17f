// express-oauth2-jwt-bearer: an express API protected by auth({issuerBaseURL, audience}).
// Env: MOCK_BASE_URL, MOCK_ISSUER (optional).
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import {
  runner, mockEnv, TENANT, check, eq, http,
  clientCredentialsToken, passwordToken, decodeJwt,
} from './lib/common.mjs';

const env = mockEnv();
const r = runner('express-oauth2-jwt-bearer');

function startApi() {
  const app = express();
  app.use(auth({ issuerBaseURL: env.issuer, audience: TENANT.audience }));
  app.get('/api/private', (req, res) => res.json({ sub: req.auth.payload.sub, scope: req.auth.payload.scope ?? null }));
  // Keep the library's rejection reason so failures can say why.
  // eslint-disable-next-line no-unused-vars
  app.use((err, req, res, next) => {
    res.status(err.status || 500).set(err.headers || {}).json({ error: err.code || err.name, message: err.message });
  });
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

r.main(async () => {
  const server = await startApi();
  const api = `http://127.0.0.1:${server.address().port}/api/private`;
  try {
    const call = (token) => http('GET', api, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

    const cc = await r.step('get an M2M access token (client_credentials)', () => clientCredentialsToken(env));
    await r.step('API accepts the M2M access token (200)', async () => {
      const res = await call(cc.access_token);
      check(res.status === 200, `expected 200, got ${res.status}`, {
        'API answered': res.text, 'www-authenticate': res.headers.get('www-authenticate'), 'token payload': decodeJwt(cc.access_token).payload,
      });
      eq(res.json.sub, `${TENANT.m2m.clientId}@clients`, 'sub seen by the API');
    });

    const pw = await r.step('get a user access token (password grant, alice)', () => passwordToken(env));
    await r.step('API accepts the user access token (200)', async () => {
      const res = await call(pw.access_token);
      check(res.status === 200, `expected 200, got ${res.status}`, {
        'API answered': res.text, 'www-authenticate': res.headers.get('www-authenticate'), 'token payload': decodeJwt(pw.access_token).payload,
      });
      eq(res.json.sub, TENANT.users.alice.userId, 'sub seen by the API');
    });

    await r.step('API rejects a request without a token (401)', async () => {
      const res = await call(undefined);
      eq(res.status, 401, 'status without token', { 'API answered': res.text });
    });

    await r.step('API rejects a token with a tampered signature (401)', async () => {
      const [h, p, s] = cc.access_token.split('.');
      const sig = Buffer.from(s, 'base64url');
      sig[Math.floor(sig.length / 2)] ^= 0x5a;
      const tampered = `${h}.${p}.${sig.toString('base64url')}`;
      const res = await call(tampered);
      eq(res.status, 401, 'status with a tampered signature', { 'API answered': res.text });
    });

    await r.step('API rejects a token with a tampered payload (401)', async () => {
      const [h, p, s] = pw.access_token.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      claims.sub = TENANT.users.admin.userId;
      const res = await call(`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`);
      eq(res.status, 401, 'status with a tampered payload', { 'API answered': res.text });
    });
  } finally {
    server.close();
  }
});
