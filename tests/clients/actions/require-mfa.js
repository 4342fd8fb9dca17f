// A post-login Action that requires a second factor on every login, as tenants write it. Run
// unchanged by tests/real_clients.rs: the browser login goes through the OTP challenge, and
// the password grant answers mfa_required.
exports.onExecutePostLogin = async (event, api) => {
  api.multifactor.enable('any', { allowRememberBrowser: false });
};
