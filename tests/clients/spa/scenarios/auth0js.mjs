// auth0.js (WebAuth) on its own page: sign-up, password change and verification (H), passwordless links (I), embedded login and passwordless codes (J).
import {
  TENANT, CheckError, check, eq, decodeJwt, STRONG_PASSWORD, uniqueEmail, outboxLink, completePasswordReset, followVerificationLink, tokenRequest, outboxCode, outboxMagicLink, http as httpCall,
} from '../../lib/common.mjs';
import { env, STEP_TIMEOUT, only, form, scenario, verifyAccessToken } from '../harness.mjs';

export async function scenarioH(browser, pageUrl) {
  const email = uniqueEmail('auth0js-signup');
  const connection = TENANT.realm;
  const newPassword = 'N3w-Str0ng-passw0rd!';
  const passwordLogin = (password) => httpCall('POST', `${env.baseUrl}/oauth/token`, {
    form: { grant_type: 'password', client_id: TENANT.web.clientId, client_secret: TENANT.web.clientSecret, username: email, password, scope: 'openid email' },
  });
  await scenario(browser, 'H: auth0.js WebAuth.signup + changePassword', async ({ page, step, rec }) => {
    const call = (what, method, options) => page.evaluate(([m, o]) => window.callback(m, o), [method, options])
      .then((out) => { if (!out) throw new CheckError(`${what}: no outcome`); return out; });
    await step('open the auth0.js page', async () => {
      await page.goto(new URL('auth0-js.html', pageUrl).href);
      await page.waitForFunction(() => window.pageReady === true && typeof window.auth0?.WebAuth === 'function');
    });
    const userId = await step('WebAuth.signup({connection, email, password}) (cross-origin XHR) creates the user', async () => {
      const out = await call('signup', 'signup', { connection, email, password: STRONG_PASSWORD });
      check(out.ok, `WebAuth.signup failed: ${out.error?.code} ${out.error?.description}`, { 'SDK error': out.error });
      const req = rec.requests.find((r) => r.url() === `${env.baseUrl}/dbconnections/signup` && r.method() === 'POST');
      check(req, 'no POST /dbconnections/signup was seen');
      eq(form(req).client_id, TENANT.spa.clientId, 'signup body client_id');
      eq(out.value.email, email, 'signup result email', { result: out.value });
      eq(out.value.emailVerified, false, 'signup result emailVerified (auth0.js camel-cases the body)', { result: out.value });
      // auth0.js camel-cases the answer's keys: Auth0's `_id` arrives as `Id`.
      const id = out.value.Id;
      check(typeof id === 'string' && /^[0-9a-f]{24}$/.test(id), 'signup result has no 24-hex Id (the body\'s _id)', { result: out.value });
      return `auth0|${id}`;
    });
    await step('a second WebAuth.signup with the same email fails with code user_exists', async () => {
      const out = await call('duplicate signup', 'signup', { connection, email, password: STRONG_PASSWORD });
      check(!out.ok, 'the duplicate signup succeeded', { result: out.value });
      eq(out.error.code, 'user_exists', 'err.code', { 'SDK error': out.error });
      eq(out.error.description, 'The user already exists.', 'err.description', { 'SDK error': out.error });
      eq(out.error.statusCode, 400, 'err.statusCode', { 'SDK error': out.error });
    });
    await step('WebAuth.signup with a weak password fails with invalid_password and the policy', async () => {
      const out = await call('weak signup', 'signup', { connection, email: uniqueEmail('auth0js-weak'), password: 'weak' });
      check(!out.ok, 'the weak password was accepted', { result: out.value });
      eq(out.error.code, 'invalid_password', 'err.code', { 'SDK error': out.error });
      eq(out.error.name, 'PasswordStrengthError', 'err.name', { 'SDK error': out.error });
      check(typeof out.error.policy === 'string' && out.error.policy.includes('At least 8 characters'), 'err.policy should state the rules (Lock shows it)', { 'SDK error': out.error });
      check(Array.isArray(out.error.description?.rules), 'err.description.rules should list the rules', { 'SDK error': out.error });
    });
    await step('the new user logs in; the verification link from the outbox sets email_verified', async () => {
      const before = await passwordLogin(STRONG_PASSWORD);
      check(before.status === 200, 'password grant of the new user failed', { request: before.request, 'mock answered': `${before.status} ${before.text}` });
      eq(decodeJwt(before.json.id_token).payload.sub, userId, 'id_token sub');
      eq(decodeJwt(before.json.id_token).payload.email_verified, false, 'email_verified before verification');
      const m = await outboxLink(env, email, 'verify_email', 'u/email-verification');
      await followVerificationLink(m.link);
      const after = await tokenRequest(env, { grant_type: 'password', client_id: TENANT.web.clientId, client_secret: TENANT.web.clientSecret, username: email, password: STRONG_PASSWORD, scope: 'openid email' });
      eq(decodeJwt(after.id_token).payload.email_verified, true, 'email_verified after following the link');
    });
    await step('WebAuth.changePassword({connection, email}) returns Auth0\'s sentence', async () => {
      const out = await call('changePassword', 'changePassword', { connection, email });
      check(out.ok, `WebAuth.changePassword failed: ${out.error?.code} ${out.error?.description}`, { 'SDK error': out.error });
      eq(out.value, "We've just sent you an email to reset your password.", 'changePassword result (auth0.js returns text/html bodies as text)');
    });
    await step('the reset link from the outbox changes the password; the old one is refused', async () => {
      const m = await outboxLink(env, email, 'reset_email', 'u/reset-verify');
      eq(m.user_id, userId, 'reset_email user_id', { message: m });
      await completePasswordReset(m.link, newPassword);
      const ok = await passwordLogin(newPassword);
      check(ok.status === 200, 'the new password does not work', { request: ok.request, 'mock answered': `${ok.status} ${ok.text}` });
      const old = await passwordLogin(STRONG_PASSWORD);
      check(old.status === 403 && old.json?.error === 'invalid_grant', 'the old password should get 403 invalid_grant', { 'mock answered': `${old.status} ${old.text}` });
    });
  });
}

export async function scenarioI(browser, pageUrl) {
  const codeEmail = uniqueEmail('auth0js-code');
  const linkEmail = uniqueEmail('auth0js-link');
  const callbackPage = new URL('auth0-js.html', pageUrl).href;
  // auth0.js expects iss = "https://" + domain + "/" and fetches the JWKS from there unless told:
  // the documented overrides for a custom domain.
  const implicit = {
    responseType: 'token id_token', redirectUri: callbackPage, scope: 'openid profile email', audience: TENANT.audience,
    overrides: { __token_issuer: env.issuer, __jwks_uri: env.jwksUrl },
  };
  const newUser = { email: linkEmail, userId: null, roles: ['user'] };
  await scenario(browser, 'I: auth0.js passwordlessStart (code, magic link) + parseHash + checkSession', async ({ page, step, rec }) => {
    const call = (what, config, method, options) => page.evaluate(([c, m, o]) => window.callbackWith(c, m, o), [config, method, options])
      .then((out) => { if (!out) throw new CheckError(`${what}: no outcome`); return out; });
    const openPage = async (url) => {
      await page.goto(url);
      await page.waitForFunction(() => window.pageReady === true && typeof window.auth0?.WebAuth === 'function');
    };
    const startRequests = () => rec.requests.filter((r) => r.url() === `${env.baseUrl}/passwordless/start` && r.method() === 'POST');

    await step('open the auth0.js page', () => openPage(callbackPage));

    await step('WebAuth.passwordlessStart({connection: "email", send: "code", email}) (public SPA, no secret)', async () => {
      const out = await call('passwordlessStart(code)', {}, 'passwordlessStart', { connection: 'email', send: 'code', email: codeEmail });
      check(out.ok, `passwordlessStart failed: ${out.error?.code} ${out.error?.description}`, { 'SDK error': out.error });
      const [req] = startRequests().slice(-1);
      check(req, 'no POST /passwordless/start was seen');
      const body = form(req);
      eq(body.client_id, TENANT.spa.clientId, 'start body client_id', { body });
      eq(body.client_secret, undefined, 'start body client_secret (a SPA has none)', { body });
      eq(body.connection, 'email', 'start body connection', { body });
      eq(body.send, 'code', 'start body send', { body });
      // auth0.js camel-cases the answer's keys: Auth0's `_id` arrives as `Id`.
      eq(out.value.email, codeEmail, 'result email', { result: out.value });
      eq(out.value.emailVerified, false, 'result emailVerified (a new address)', { result: out.value });
      check(typeof out.value.Id === 'string' && /^[0-9a-f]{24}$/.test(out.value.Id), 'result has no 24-hex Id (the body\'s _id)', { result: out.value });
      await outboxCode(env, codeEmail, 'email');
    });

    await step('WebAuth.passwordlessStart with a phone number that is not E.164 fails with code bad.phone_number', async () => {
      const out = await call('passwordlessStart(sms)', {}, 'passwordlessStart', { connection: 'sms', send: 'code', phoneNumber: '555-1111' });
      check(!out.ok, 'the bad number was accepted', { result: out.value });
      eq(out.error.code, 'bad.phone_number', 'err.code', { 'SDK error': out.error });
      eq(out.error.statusCode, 400, 'err.statusCode', { 'SDK error': out.error });
    });

    const link = await step('WebAuth.passwordlessStart({send: "link"}) with an implicit-flow WebAuth sends authParams; the magic link is in the outbox', async () => {
      const out = await call('passwordlessStart(link)', implicit, 'passwordlessStart', { connection: 'email', send: 'link', email: linkEmail });
      check(out.ok, `passwordlessStart(link) failed: ${out.error?.code} ${out.error?.description}`, { 'SDK error': out.error });
      const [req] = startRequests().slice(-1);
      const body = form(req);
      const ap = body.authParams ?? {};
      eq(ap.response_type, 'token id_token', 'authParams.response_type', { body });
      eq(ap.redirect_uri, callbackPage, 'authParams.redirect_uri', { body });
      check(ap.state && ap.nonce, 'auth0.js should send a state and a nonce in authParams', { body });
      const m = await outboxMagicLink(env, linkEmail);
      const q = new URL(m.link).searchParams;
      eq(q.get('state'), ap.state, 'the link carries the state auth0.js stored', { link: m.link });
      eq(q.get('client_id'), TENANT.spa.clientId, 'link client_id', { link: m.link });
      return m.link;
    });

    await step('opening the magic link in the browser comes back to the page with #access_token&id_token', async () => {
      await page.goto(link);
      try {
        await page.waitForURL((u) => u.href.startsWith(callbackPage) && /[#&](id_token|error)=/.test(u.hash), { timeout: STEP_TIMEOUT });
      } catch {
        throw new CheckError('never came back to the page with #id_token= or #error=');
      }
      const h = new URLSearchParams(new URL(page.url()).hash.slice(1));
      if (h.has('error')) throw new CheckError(`mock redirected back with error=${h.get('error')}`, { error_description: h.get('error_description'), callback: page.url() });
      check(h.get('access_token') && h.get('state'), 'callback fragment lacks access_token or state', { callback: page.url() });
      await page.waitForFunction(() => window.pageReady === true);
    });

    await step('WebAuth.parseHash validates the ID token (iss, aud, nonce, signature via JWKS): a new email| user', async () => {
      const out = await call('parseHash', implicit, 'parseHash', {});
      check(out.ok, `parseHash failed: ${out.error?.error ?? out.error?.code} ${out.error?.errorDescription ?? out.error?.description}`, { 'SDK error': out.error });
      const claims = out.value?.idTokenPayload;
      check(claims, 'parseHash returned no idTokenPayload', { result: out.value });
      check(/^email\|[0-9a-f]{24}$/.test(claims.sub ?? ''), `sub should be email|<24 hex>, got ${claims.sub}`, { claims });
      eq(claims.email, linkEmail, 'idTokenPayload.email', { claims });
      eq(claims.email_verified, true, 'idTokenPayload.email_verified (the link proved the address)', { claims });
      eq(out.value.refreshToken, null, 'no refresh token from a magic link', { result: out.value });
      newUser.userId = claims.sub;
      await verifyAccessToken(out.value.accessToken, newUser);
    });

    await step('WebAuth.checkSession (prompt=none, web_message iframe) finds the session the magic link started', async () => {
      const out = await call('checkSession', implicit, 'checkSession', {});
      check(out.ok, `checkSession failed: ${out.error?.error ?? out.error?.code} ${out.error?.errorDescription ?? out.error?.description}`, { 'SDK error': out.error });
      eq(out.value?.idTokenPayload?.sub, newUser.userId, 'checkSession idTokenPayload.sub', { result: out.value });
      await verifyAccessToken(out.value.accessToken, newUser);
    });
  });
}

export async function scenarioJ(browser, pageUrl) {
  const alice = TENANT.users.alice;
  const otpEmail = uniqueEmail('auth0js-otp');
  const callbackPage = new URL('auth0-js.html', pageUrl).href;
  // As in I: implicit flow back to this page, and the documented overrides for a custom domain.
  const implicit = {
    responseType: 'token id_token', redirectUri: callbackPage, scope: 'openid profile email', audience: TENANT.audience,
    overrides: { __token_issuer: env.issuer, __jwks_uri: env.jwksUrl },
  };
  await scenario(browser, 'J: auth0.js login + passwordlessLogin (/co/authenticate, /authorize?login_ticket) + parseHash', async ({ page, step, rec }) => {
    const call = (what, config, method, options) => page.evaluate(([c, m, o]) => window.callbackWith(c, m, o), [config, method, options])
      .then((out) => { if (!out) throw new CheckError(`${what}: no outcome`); return out; });
    const openPage = async (url) => {
      await page.goto(url);
      await page.waitForFunction(() => window.pageReady === true && typeof window.auth0?.WebAuth === 'function');
    };
    const lastCoStatus = () => {
      const [x] = rec.exchanges.filter((e) => e.startsWith(`POST ${env.baseUrl}/co/authenticate -> `)).slice(-1);
      return x ? Number(x.split(' -> ')[1]) : undefined;
    };
    const coRequests = () => rec.requests.filter((r) => r.url() === `${env.baseUrl}/co/authenticate` && r.method() === 'POST');
    /**
     * Starts webAuth[method] (which calls back only on an error; on success auth0.js leaves the page for
     * /authorize?login_ticket=…) and waits for the page to come back with #id_token (or #error), or for the
     * callback's error.
     */
    const loginAndComeBack = async (method, options) => {
      const nCo = coRequests().length;
      const nReq = rec.requests.length;
      await page.evaluate(([c, m, o]) => {
        history.replaceState(null, '', location.pathname); // drop an earlier login's #fragment
        window.outcome = null;
        window.callbackWith(c, m, o).then((out) => { window.outcome = out; });
      }, [implicit, method, options]);
      const back = page.waitForURL((u) => u.href.startsWith(callbackPage) && /[#&](id_token|error)=/.test(u.hash), { timeout: STEP_TIMEOUT })
        .then(() => null, () => 'timeout');
      const failed = page.waitForFunction(() => window.outcome, null, { timeout: STEP_TIMEOUT })
        .then((h) => h.jsonValue()).catch(() => new Promise(() => {}));
      const out = await Promise.race([back, failed]);
      if (out === 'timeout') throw new CheckError(`${method}: never came back to the page with #id_token= or #error= (and no error callback)`);
      if (out) throw new CheckError(`${method} called back with an error instead of redirecting: ${out.error?.code} ${out.error?.description}`, { 'SDK error': out.error });
      const co = coRequests().slice(nCo);
      check(co.length === 1, `auth0.js should POST /co/authenticate once, saw ${co.length}`);
      const auth = rec.requests.slice(nReq).find((r) => r.url().startsWith(`${env.baseUrl}/authorize?`) && new URL(r.url()).searchParams.has('login_ticket'));
      check(auth, 'no GET /authorize?login_ticket=… was seen');
      const h = new URLSearchParams(new URL(page.url()).hash.slice(1));
      if (h.has('error')) throw new CheckError(`mock redirected back with error=${h.get('error')}`, { error_description: h.get('error_description'), callback: page.url() });
      check(h.get('access_token') && h.get('state'), 'callback fragment lacks access_token or state', { callback: page.url() });
      await page.waitForFunction(() => window.pageReady === true);
      return form(co[0]);
    };
    const parseHash = async () => {
      const out = await call('parseHash', implicit, 'parseHash', {});
      check(out.ok, `parseHash failed: ${out.error?.error ?? out.error?.code} ${out.error?.errorDescription ?? out.error?.description}`, { 'SDK error': out.error });
      check(out.value?.idTokenPayload, 'parseHash returned no idTokenPayload', { result: out.value });
      return out.value;
    };

    await step('open the auth0.js page', () => openPage(callbackPage));

    await step('WebAuth.login({realm, username, password}) posts /co/authenticate, then /authorize?login_ticket= comes back with #id_token', async () => {
      const body = await loginAndComeBack('login', { realm: TENANT.realm, username: alice.email, password: alice.password });
      eq(body.client_id, TENANT.spa.clientId, '/co/authenticate body client_id', { body });
      eq(body.credential_type, 'http://auth0.com/oauth/grant-type/password-realm', '/co/authenticate body credential_type', { body });
      eq(body.realm, TENANT.realm, '/co/authenticate body realm', { body });
      eq(body.username, alice.email, '/co/authenticate body username', { body });
    });

    await step('WebAuth.parseHash validates alice\'s ID token; the access token has the Hasura claims', async () => {
      const value = await parseHash();
      eq(value.idTokenPayload.sub, alice.userId, 'idTokenPayload.sub', { claims: value.idTokenPayload });
      eq(value.idTokenPayload.email, alice.email, 'idTokenPayload.email', { claims: value.idTokenPayload });
      await verifyAccessToken(value.accessToken, alice);
    });

    await step('WebAuth.login with a wrong password calls back with access_denied "Wrong email or password." (no redirect)', async () => {
      const before = page.url();
      const out = await call('login(wrong password)', implicit, 'login', { realm: TENANT.realm, username: alice.email, password: 'not-alices-password' });
      check(!out.ok, 'the wrong password was accepted', { result: out.value });
      eq(out.error.code, 'access_denied', 'err.code', { 'SDK error': out.error });
      eq(out.error.description, 'Wrong email or password.', 'err.description', { 'SDK error': out.error });
      // auth0.js hands the callback the answer's body only (no statusCode): the status from the network.
      eq(lastCoStatus(), 403, 'status of POST /co/authenticate');
      eq(page.url(), before, 'the page stays where it is');
    });

    const sent = await step('WebAuth.passwordlessStart({connection: "email", send: "code", email}); the code is in the outbox', async () => {
      const out = await call('passwordlessStart(code)', implicit, 'passwordlessStart', { connection: 'email', send: 'code', email: otpEmail });
      check(out.ok, `passwordlessStart failed: ${out.error?.code} ${out.error?.description}`, { 'SDK error': out.error });
      return outboxCode(env, otpEmail, 'email');
    });

    await step('WebAuth.passwordlessLogin with a wrong code calls back with access_denied "Wrong email or verification code."', async () => {
      const wrong = sent.code === '000000' ? '111111' : '000000';
      const out = await call('passwordlessLogin(wrong code)', implicit, 'passwordlessLogin', { connection: 'email', email: otpEmail, verificationCode: wrong });
      check(!out.ok, 'the wrong code was accepted', { result: out.value });
      eq(out.error.code, 'access_denied', 'err.code', { 'SDK error': out.error });
      eq(out.error.description, 'Wrong email or verification code.', 'err.description', { 'SDK error': out.error });
      eq(lastCoStatus(), 403, 'status of POST /co/authenticate');
    });

    await step('WebAuth.passwordlessLogin({connection: "email", email, verificationCode}) comes back with #id_token', async () => {
      const body = await loginAndComeBack('passwordlessLogin', { connection: 'email', email: otpEmail, verificationCode: sent.code });
      eq(body.credential_type, 'http://auth0.com/oauth/grant-type/passwordless/otp', '/co/authenticate body credential_type', { body });
      eq(body.realm, 'email', '/co/authenticate body realm', { body });
      eq(body.username, otpEmail, '/co/authenticate body username', { body });
      eq(body.otp, sent.code, '/co/authenticate body otp', { body });
    });

    await step('WebAuth.parseHash: a new email| user with a verified email; the access token verifies', async () => {
      const value = await parseHash();
      const claims = value.idTokenPayload;
      check(/^email\|[0-9a-f]{24}$/.test(claims.sub ?? ''), `sub should be email|<24 hex>, got ${claims.sub}`, { claims });
      eq(claims.email, otpEmail, 'idTokenPayload.email', { claims });
      eq(claims.email_verified, true, 'idTokenPayload.email_verified (the code proved the address)', { claims });
      await verifyAccessToken(value.accessToken, { email: otpEmail, userId: claims.sub, roles: ['user'] });
    });
  });
}
