// The smallest app that logs in the way real SPAs do: unmodified @auth0/auth0-spa-js, a login
// button calling loginWithRedirect, and the signed-in user's email after the callback.
//
// It is served from http://localhost on its own port: the same site as the mock (another port),
// so the mock's session cookie counts as first-party.

import http from 'node:http';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const SPA_JS = require.resolve('@auth0/auth0-spa-js/dist/auth0-spa-js.production.js');

const page = (config) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>auth0-mock helper test app</title>
<script src="/auth0-spa-js.production.js"></script></head>
<body>
  <button id="login">Log in</button>
  <p>status: <span id="status">starting</span></p>
  <p>user: <span id="user"></span></p>
  <script>
    (async function () {
      var CFG = ${JSON.stringify(config)};
      var client = new auth0.Auth0Client({
        domain: CFG.domain,
        clientId: CFG.clientId,
        authorizationParams: { redirect_uri: CFG.redirectUri, audience: CFG.audience },
      });
      document.getElementById('login').onclick = function () { client.loginWithRedirect(); };
      var show = function (id, text) { document.getElementById(id).textContent = text; };
      try {
        var q = new URLSearchParams(location.search);
        if (q.has('code') && q.has('state')) {
          await client.handleRedirectCallback();
          history.replaceState({}, '', '/');
        }
        var user = await client.getUser();
        show('user', user ? user.email : '');
        show('status', user ? 'signed-in' : 'signed-out');
      } catch (e) {
        show('status', 'error ' + (e.error || e.name) + ': ' + (e.error_description || e.message));
      }
    })();
  </script>
</body></html>`;

/** Serves the app for `mock`; resolves to `{url, close()}`. */
export function startSpa(mock) {
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    const send = (status, type, body) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (pathname === '/') return send(200, 'text/html; charset=utf-8', page(server.config));
    if (pathname === '/auth0-spa-js.production.js') return send(200, 'text/javascript', fs.readFileSync(SPA_JS));
    return send(404, 'text/plain', 'not found');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const url = `http://localhost:${server.address().port}/`;
      // spa-js keeps http when the domain carries the scheme; the default tenant's SPA client
      // accepts any loopback callback.
      server.config = {
        domain: mock.baseUrl,
        clientId: 'auth0-mock-spa',
        audience: 'https://api.auth0-mock.test',
        redirectUri: url,
      };
      resolve({ url, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
