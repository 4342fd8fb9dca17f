// @auth0/auth0-spa-js v2 (unmodified) in headless Chromium against the mock.
//
// A tiny static server on another localhost port (spa/static_server.mjs) serves spa/index.html,
// the SDK's UMD build from node_modules and /config.js. SPA and mock are both on
// http://localhost (same site, different ports), so the mock's session cookie
// reaches the prompt=none iframe although Chromium blocks third-party cookies.
//
// Scenarios (each in a fresh browser context of ONE Chromium process; one file per feature in
// spa/scenarios/, the shared plumbing in spa/harness.mjs):
//   A. loginWithRedirect -> login form (alice) -> handleRedirectCallback -> getUser;
//      getTokenSilently({cacheMode:"off"}) through the web_message iframe, verified with jose;
//      reload + checkSession() restores the user (app start-up);
//      logout({returnTo}) -> back on the SPA -> getTokenSilently rejects login_required.
//   B. useRefreshTokens client: two getTokenSilently({cacheMode:"off"}) via the
//      refresh_token grant, the refresh token rotating each time.
//      revokeRefreshToken() -> /oauth/revoke; the revoked token is refused.
//   C. one-click user list: button.user-login[data-username="bob@example.com"] -> bob.
//   D. useFormData:false (JSON token bodies) + cacheLocation localstorage: refresh works;
//      reusing a rotated-out refresh token is refused and revokes the family (as Auth0).
//   E. loginWithPopup: login form in a popup, web_message back to window.opener.
//   F. max_age: the ID token carries auth_time (spa-js checks it).
//   G. sign-up: loginWithRedirect({authorizationParams:{screen_hint:"signup"}}) -> the mock's
//      sign-up page -> a new email + password -> handleRedirectCallback -> getUser() is the new
//      user; the access token verifies (jose) and has the Hasura claims.
//   H. auth0.js (auth0-js, WebAuth) on its own page: signup (then user_exists and
//      invalid_password errors), changePassword (Auth0's sentence); the reset link from the
//      outbox and the new password, the verification link and email_verified.
//   I. auth0.js passwordless: passwordlessStart({send:"code"}) from the page (public SPA, no
//      secret; the code lands in the outbox), then passwordlessStart({send:"link"}) with an
//      implicit-flow WebAuth; the magic link from the outbox, opened in the browser, signs the
//      user in and comes back to the page, where parseHash validates the ID token; checkSession
//      (web_message iframe) finds the session the link started. (passwordlessLogin, the code
//      path, is scenario J.)
//   J. auth0.js embedded login: login({realm, username, password}) posts /co/authenticate and
//      leaves for /authorize?login_ticket=…, which comes back to the page (implicit flow) where
//      parseHash validates alice's ID token; a wrong password calls back with access_denied; then
//      passwordlessStart({send:"code"}), the code from the outbox, a wrong code (access_denied),
//      and passwordlessLogin({verificationCode}) -> back on the page with a new email| user.
//   L. a redirect Action (progressive profiling, tests/clients/actions/progressive-profiling.js):
//      the login goes to this server's /profile page with a session_token the page verifies
//      (jose, HS256), the user types a colour, the page posts a token with the login's state back
//      to the mock's /continue; the callback's ID token and user_metadata carry the colour, and
//      the next login (getTokenSilently) no longer redirects. Needs PROFILE_SECRET and the mock
//      started with that Action.
//   M. MFA (tests/clients/actions/require-mfa.js): loginWithRedirect -> alice's credentials ->
//      the OTP challenge -> a wrong code is refused on the page -> her TOTP (computed here) ->
//      handleRedirectCallback: the ID token has amr ["mfa"]; getTokenSilently in the same
//      session is not challenged again. Needs the mock started with that Action.
//   N. organizations: loginWithRedirect({authorizationParams:{organization}}) -> alice (a member)
//      -> handleRedirectCallback with the same organization: spa-js checks org_id and accepts;
//      getTokenSilently({cacheMode:"off"}) keeps org_id; `auth0-mock hasura-verify` derives
//      x-hasura-org-id from the access token; bob (not a member) comes back with access_denied;
//      carol, invited through the Management API, follows the emailed link's invitation into
//      loginWithRedirect({invitation, organization}) and joins.
//      Needs ORGANIZATION, AUTH0_MOCK_BIN and the mock started with that organization.
//   O. social: loginWithRedirect({authorizationParams:{connection:'google-oauth2'}}) -> the mock's
//      stand-in provider page -> a new email and name -> getUser() is google-oauth2|<21 digits>;
//      then, in a fresh browser, the login page's "Continue with Google" -> the same account
//      picked from the provider page -> the same user. Needs the mock with that connection.
//   P. organization prompts (spa/scenarios/organization_prompts.mjs): a client requiring an
//      organization, spa-js sending none: the picker after the login (post_login_prompt) or the
//      organization name before it (pre_login_prompt); org_id in the ID token and kept by
//      getTokenSilently. Needs ORGANIZATION, ORGANIZATION_NAME, ORG_PROMPT.
//   K. one-request logins: the session cookie from POST /__mock/login added to the browser
//      context, then loginWithRedirect() comes back with a code and no login page; and a user
//      armed with POST /__mock/login/next: the login page signs bob in without the form.
//
// Env: MOCK_BASE_URL (http://localhost:PORT), MOCK_ISSUER (optional),
//      CHROMIUM_PATH (default /usr/bin/chromium),
//      SCREENSHOT_PATH (optional: PNG of the mock login page),
//      SPA_SCENARIOS (optional: comma list of A..P; default A..F: G to P run as their own tests),
//      PROFILE_SECRET (scenario L: the Action's secret).
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { check, fmt, CheckError } from './lib/common.mjs';
import { env, log, failures, only } from './spa/harness.mjs';
import { startStaticServer } from './spa/static_server.mjs';
import { scenarioA, scenarioC, scenarioE, scenarioF } from './spa/scenarios/login.mjs';
import { scenarioB, scenarioD } from './spa/scenarios/refresh.mjs';
import { scenarioG } from './spa/scenarios/signup.mjs';
import { scenarioH, scenarioI, scenarioJ } from './spa/scenarios/auth0js.mjs';
import { scenarioK } from './spa/scenarios/one_request.mjs';
import { scenarioL } from './spa/scenarios/redirect_action.mjs';
import { scenarioM } from './spa/scenarios/mfa.mjs';
import { scenarioN, scenarioNInvitation } from './spa/scenarios/organizations.mjs';
import { scenarioP } from './spa/scenarios/organization_prompts.mjs';
import { scenarioO } from './spa/scenarios/social.mjs';
import { scenarioS } from './spa/scenarios/step_up.mjs';
import { scenarioT } from './spa/scenarios/refresh_mfa.mjs';
import { scenarioU } from './spa/scenarios/remember_mfa.mjs';

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

async function main() {
  check(env.baseUrl.startsWith('http://localhost:'), `MOCK_BASE_URL must be http://localhost:PORT (same site as the SPA), got ${env.baseUrl}`);
  check(fs.existsSync(chromiumPath), `Chromium not found at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);
  const { server, pageUrl } = await startStaticServer();
  log(`SPA page ${pageUrl}, mock ${env.baseUrl}`);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // playwright gives the browser a fresh temporary user-data-dir; each scenario gets its own context.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    if (only.includes('A')) await scenarioA(browser, pageUrl);
    if (only.includes('B')) await scenarioB(browser, pageUrl);
    if (only.includes('C')) await scenarioC(browser, pageUrl);
    if (only.includes('D')) await scenarioD(browser, pageUrl);
    if (only.includes('E')) await scenarioE(browser, pageUrl);
    if (only.includes('F')) await scenarioF(browser, pageUrl);
    if (only.includes('G')) await scenarioG(browser, pageUrl);
    if (only.includes('H')) await scenarioH(browser, pageUrl);
    if (only.includes('I')) await scenarioI(browser, pageUrl);
    if (only.includes('J')) await scenarioJ(browser, pageUrl);
    if (only.includes('K')) await scenarioK(browser, pageUrl);
    if (only.includes('L')) await scenarioL(browser, pageUrl, server);
    if (only.includes('M')) await scenarioM(browser, pageUrl);
    if (only.includes('N')) await scenarioN(browser, pageUrl);
    if (only.includes('N')) await scenarioNInvitation(browser, pageUrl);
    if (only.includes('O')) await scenarioO(browser, pageUrl);
    if (only.includes('P')) await scenarioP(browser, pageUrl);
    if (only.includes('S')) await scenarioS(browser, pageUrl);
    if (only.includes('T')) await scenarioT(browser, pageUrl);
    if (only.includes('U')) await scenarioU(browser, pageUrl);
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }
  if (failures.length) {
    console.error(`FAIL [${CLIENT}] ${failures.length} scenario(s) failed:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
  log('all checks passed');
}

main().catch((e) => {
  console.error(`FAIL [${CLIENT}] setup: ${e.message}${e instanceof CheckError ? `\n  ${fmt(e.details)}` : `\n${e.stack}`}`);
  process.exit(1);
});
