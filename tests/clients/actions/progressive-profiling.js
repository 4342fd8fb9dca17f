// A progressive-profiling post-login Action, as a tenant would deploy it: on the first
// interactive login it sends the user to the app's own /profile page with a signed
// session_token; the page posts back to /continue with a token of its own (HS256 under the same
// secret, carrying the login's state), and the answer lands in user_metadata and the ID token.
// Run unchanged by tests/real_clients.rs (auth0-spa-js in Chromium, spa.mjs scenario L).
exports.onExecutePostLogin = async (event, api) => {
  if (event.user.user_metadata && event.user.user_metadata.favourite_colour) return;
  if (!api.redirect.canRedirect()) return;
  const origin = event.transaction.redirect_uri.match(/^https?:\/\/[^/]+/)[0];
  const token = api.redirect.encodeToken({
    secret: event.secrets.PROFILE_SECRET,
    expiresInSeconds: 600,
    payload: { ask: ['favourite_colour'] },
  });
  api.redirect.sendUserTo(`${origin}/profile`, { query: { session_token: token } });
};

exports.onContinuePostLogin = async (event, api) => {
  const answer = api.redirect.validateToken({
    secret: event.secrets.PROFILE_SECRET,
    tokenParameterName: 'profile_token',
  });
  api.user.setUserMetadata('favourite_colour', answer.favourite_colour);
  api.idToken.setCustomClaim('https://example.com/favourite_colour', answer.favourite_colour);
};
