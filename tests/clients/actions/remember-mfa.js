// A post-login Action that requires a second factor but lets the user have the browser
// remembered, as many tenants write it. Run unchanged by tests/real_clients.rs: after a ticked
// "Remember this device", a new login in that browser skips the challenge.
exports.onExecutePostLogin = async (event, api) => {
  api.multifactor.enable('any', { allowRememberBrowser: true });
};
