// The SPA's own origin: a static server on another localhost port serving spa/index.html, the
// SDK's UMD build from node_modules and /config.js; the auth0.js page (scenario H) and the app's
// /profile page a redirect Action sends the user to (scenario L).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jwtVerify, SignJWT } from 'jose';
import { TENANT } from '../lib/common.mjs';
import { env } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export function startStaticServer() {
  const spaJs = path.join(here, '../node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js');
  const indexHtml = path.join(here, 'index.html');
  const auth0Js = path.join(here, '../node_modules/auth0-js/dist/auth0.min.js');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const send = (status, type, body) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/' || url.pathname === '/index.html') return send(200, 'text/html; charset=utf-8', fs.readFileSync(indexHtml));
    if (url.pathname === '/config.js') return send(200, 'text/javascript', `window.TEST_CONFIG = ${JSON.stringify(server.config)};`);
    if (url.pathname === '/auth0-spa-js.production.js') return send(200, 'text/javascript', fs.readFileSync(spaJs));
    if (url.pathname === '/auth0-js.html') return send(200, 'text/html; charset=utf-8', AUTH0_JS_PAGE);
    if (url.pathname === '/auth0.min.js') return send(200, 'text/javascript', fs.readFileSync(auth0Js));
    if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    if (url.pathname === '/profile') return profilePage(server, req, url, send);
    return send(404, 'text/plain', 'not found');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const pageUrl = `http://localhost:${server.address().port}/`;
    server.config = { domain: env.baseUrl, clientId: TENANT.spa.clientId, audience: TENANT.audience, redirectUri: pageUrl };
    resolve({ server, pageUrl });
  }));
}

// ---------------------------------------------------------------- the profile page (scenario L)
const profileSecret = () => new TextEncoder().encode(process.env.PROFILE_SECRET || '');
const escapeHtml = (v) => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The app's /profile page a redirect Action sends the user to. GET checks the Action's
 * session_token and asks for a colour; POST signs the answer with the login's state and posts
 * it on to the mock's /continue, as Auth0's redirect-Action guide has the external site do.
 */
async function profilePage(server, req, url, send) {
  if (req.method === 'GET') {
    const state = url.searchParams.get('state') || '';
    try {
      const { payload } = await jwtVerify(url.searchParams.get('session_token') || '', profileSecret(), { algorithms: ['HS256'] });
      server.profileSeen = { state, payload };
    } catch (e) {
      server.profileSeen = { state, error: `${e.code ?? ''} ${e.message}` };
    }
    return send(200, 'text/html; charset=utf-8', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Your profile</title></head>
<body><h1>One more thing</h1><form method="post" action="/profile">
<input type="hidden" name="state" value="${escapeHtml(state)}">
<label>Favourite colour <input id="favourite_colour" name="favourite_colour" required></label>
<button id="save" type="submit">Save</button></form></body></html>`);
  }
  let body = '';
  for await (const chunk of req) body += chunk;
  const form = new URLSearchParams(body);
  const state = form.get('state') || '';
  const token = await new SignJWT({ state, favourite_colour: form.get('favourite_colour') })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(profileSecret());
  return send(200, 'text/html; charset=utf-8', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Saving…</title></head>
<body><form method="post" action="${escapeHtml(`${env.baseUrl}/continue`)}">
<input type="hidden" name="state" value="${escapeHtml(state)}">
<input type="hidden" name="profile_token" value="${escapeHtml(token)}">
<noscript><button type="submit">Continue</button></noscript></form>
<script>document.forms[0].submit();</script></body></html>`);
}

// The auth0.js page (scenario H): the SDK's UMD build (window.auth0.WebAuth) and no spa-js,
// whose UMD build also claims window.auth0. Each call resolves to a serialisable outcome.
const AUTH0_JS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>auth0-mock auth0.js test page</title>
<script src="/config.js"></script>
<!-- auth0-js, unmodified, straight from node_modules -->
<script src="/auth0.min.js"></script></head>
<body><h1>auth0-mock auth0.js test page</h1>
<script>
  window.makeWebAuth = function () {
    var CFG = window.TEST_CONFIG;
    return new auth0.WebAuth({ domain: CFG.domain, clientID: CFG.clientId, redirectUri: CFG.redirectUri, responseType: 'code' });
  };
  // Calls webAuth[method](options, cb) and resolves to {ok, value} or {ok:false, error}.
  window.callback = function (method, options) {
    return new Promise(function (resolve) {
      window.makeWebAuth()[method](options, function (err, value) {
        if (err) {
          resolve({ ok: false, error: { code: err.code, description: err.description, name: err.name, policy: err.policy,
            statusCode: err.statusCode, original: err.original && String(err.original) } });
        } else {
          resolve({ ok: true, value: value === undefined ? null : value });
        }
      });
    });
  };
  // Scenario I: the same with extra WebAuth options (responseType, redirectUri, overrides…);
  // also keeps parseHash's {error, errorDescription}.
  window.callbackWith = function (config, method, options) {
    return new Promise(function (resolve) {
      var CFG = window.TEST_CONFIG;
      var base = { domain: CFG.domain, clientID: CFG.clientId, redirectUri: CFG.redirectUri, responseType: 'code' };
      for (var k in config) base[k] = config[k];
      new auth0.WebAuth(base)[method](options || {}, function (err, value) {
        if (err) {
          resolve({ ok: false, error: { code: err.code, description: err.description, error: err.error,
            errorDescription: err.errorDescription || err.error_description, name: err.name, statusCode: err.statusCode,
            original: err.original && String(err.original) } });
        } else {
          resolve({ ok: true, value: value === undefined ? null : value });
        }
      });
    });
  };
  window.pageReady = true;
</script></body></html>`;
