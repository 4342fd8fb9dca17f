// `auth0` Node SDK v4 ManagementClient (clientId + clientSecret: it fetches its own Management
// API token) against the mock over TLS, as a backend would drive a real tenant: create a user,
// find it with `q`, create a role with an API permission, assign it, read the permissions,
// import users from a file and poll the job; then a password-grant login of the new user
// carries the role in its Hasura claims. Also: a token without a scope is refused as Auth0
// refuses it.
// Env: MOCK_BASE_URL (https://localhost:PORT), NODE_EXTRA_CA_CERTS=<mock CA PEM>.
import { ManagementClient, AuthenticationClient } from 'auth0';
import {
  runner, mockEnv, TENANT, check, eq, decodeJwt, uniqueEmail, sdk, rejection,
} from './lib/common.mjs';

const env = mockEnv();
const r = runner('auth0 (node-auth0 v4, management)');

r.main(async () => {
  check(env.baseUrl.startsWith('https://'), `node-auth0 needs TLS; MOCK_BASE_URL is ${env.baseUrl}`);
  const management = new ManagementClient({ domain: env.domain, clientId: TENANT.m2m.clientId, clientSecret: TENANT.m2m.clientSecret });
  const email = uniqueEmail('node-mgmt');
  const password = 'Backend-made-passw0rd!';

  const user = await r.step('users.create makes a database user', async () => {
    const { data, status } = await sdk('users.create', () => management.users.create({
      email, password, connection: TENANT.realm, name: 'Made By Backend', app_metadata: { plan: 'team' },
    }));
    eq(status, 201, 'HTTP status', { data });
    check(/^auth0\|/.test(data.user_id), 'user_id should start with auth0|', { data });
    return data;
  });

  await r.step('users.getAll({q, search_engine: v3}) finds it by email and app_metadata', async () => {
    const { data } = await sdk('users.getAll', () => management.users.getAll({
      q: `email:"${email}" AND app_metadata.plan:team`, search_engine: 'v3', include_totals: true,
    }));
    eq(data.total, 1, 'total', { data });
    eq(data.users[0].user_id, user.user_id, 'user_id', { data });
  });

  const role = await r.step('roles.create, then roles.addPermissions with an API scope', async () => {
    const { data } = await sdk('roles.create', () => management.roles.create({ name: `backend-${Date.now()}`, description: 'made by the SDK' }));
    check(/^rol_/.test(data.id), 'role id should start with rol_', { data });
    await sdk('roles.addPermissions', () => management.roles.addPermissions({ id: data.id }, {
      permissions: [{ permission_name: 'write:users', resource_server_identifier: TENANT.audience }],
    }));
    return data;
  });

  await r.step('users.assignRoles, then users.getRoles and users.getPermissions show it', async () => {
    await sdk('users.assignRoles', () => management.users.assignRoles({ id: user.user_id }, { roles: [role.id] }));
    const { data: roles } = await sdk('users.getRoles', () => management.users.getRoles({ id: user.user_id }));
    eq(roles.map((x) => x.name).join(','), role.name, 'roles', { roles });
    const { data: perms } = await sdk('users.getPermissions', () => management.users.getPermissions({ id: user.user_id }));
    eq(perms.map((p) => p.permission_name).join(','), 'write:users', 'permissions', { perms });
    eq(perms[0].sources[0].source_type, 'ROLE', 'source', { perms });
  });

  await r.step('jobs.importUsers with a users file, then jobs.get until completed', async () => {
    const imported = uniqueEmail('node-import');
    const { data: conns } = await sdk('connections.getAll', () => management.connections.getAll({ strategy: ['auth0'] }));
    const file = new Blob([JSON.stringify([{ email: imported, email_verified: true }])], { type: 'application/json' });
    const { data: job } = await sdk('jobs.importUsers', () => management.jobs.importUsers({ users: file, connection_id: conns[0].id, upsert: false }));
    let polled = job;
    for (let i = 0; i < 20 && polled.status === 'pending'; i++) {
      await new Promise((ok) => setTimeout(ok, 100));
      ({ data: polled } = await management.jobs.get({ id: job.id }));
    }
    eq(polled.status, 'completed', 'job status', { polled });
    eq(polled.summary.inserted, 1, 'inserted', { polled });
    const { data: found } = await sdk('usersByEmail.getByEmail', () => management.usersByEmail.getByEmail({ email: imported }));
    eq(found.length, 1, 'the imported user is there', { found });
  });

  await r.step('a password-grant login of the new user carries the role in its Hasura claims', async () => {
    const auth = new AuthenticationClient({ domain: env.domain, clientId: TENANT.web.clientId, clientSecret: TENANT.web.clientSecret });
    const { data } = await sdk('passwordGrant', () => auth.oauth.passwordGrant({
      username: email, password, realm: TENANT.realm, audience: TENANT.audience, scope: 'openid',
    }));
    const claims = decodeJwt(data.access_token).payload;
    const hasura = claims['https://hasura.io/jwt/claims'];
    check(hasura && hasura['x-hasura-allowed-roles'].includes(role.name), 'x-hasura-allowed-roles should include the new role', { claims });
    eq(hasura['x-hasura-user-id'], user.user_id, 'x-hasura-user-id', { claims });
  });

  await r.step('a token without read:users is refused with insufficient_scope (ManagementApiError)', async () => {
    const auth = new AuthenticationClient({ domain: env.domain, clientId: TENANT.m2m.clientId, clientSecret: TENANT.m2m.clientSecret });
    const { data } = await sdk('clientCredentialsGrant', () => auth.oauth.clientCredentialsGrant({ audience: `https://${env.domain}/api/v2/`, scope: 'read:roles' }));
    const limited = new ManagementClient({ domain: env.domain, token: data.access_token });
    const e = await rejection('users.getAll with read:roles only', () => limited.users.getAll());
    const details = { name: e.name, statusCode: e.statusCode, errorCode: e.errorCode, message: e.message };
    eq(e.name, 'ManagementApiError', 'error class', details);
    eq(e.statusCode, 403, 'status', details);
    eq(e.errorCode, 'insufficient_scope', 'errorCode', details);
    eq(e.message, 'Insufficient scope, expected any of: read:users', 'message', details);
  });
});
