// `auth0` Node SDK v4 ManagementClient driving organizations as a B2B backend does: create one
// with an enabled connection, read it by name, add a member and give them an organization
// role, invite someone (the invitation email reaches the outbox with the invitation link),
// list and delete the invitation, list the user's organizations, rename the organization and
// delete it (then it is a 404 ManagementApiError).
// Env: MOCK_BASE_URL (https://localhost:PORT), NODE_EXTRA_CA_CERTS=<mock CA PEM>.
import { ManagementClient } from 'auth0';
import {
  runner, mockEnv, TENANT, check, eq, uniqueEmail, sdk, rejection, outboxMessages,
} from './lib/common.mjs';

const env = mockEnv();
const r = runner('auth0 (node-auth0 v4, organizations)');

r.main(async () => {
  check(env.baseUrl.startsWith('https://'), `node-auth0 needs TLS; MOCK_BASE_URL is ${env.baseUrl}`);
  const management = new ManagementClient({ domain: env.domain, clientId: TENANT.m2m.clientId, clientSecret: TENANT.m2m.clientSecret });
  const name = `acme-${Date.now().toString(36)}`;

  const org = await r.step('organizations.create with the database connection enabled', async () => {
    const { data: conns } = await sdk('connections.getAll', () => management.connections.getAll({ strategy: ['auth0'] }));
    const { data, status } = await sdk('organizations.create', () => management.organizations.create({
      name, display_name: 'Acme Corp', metadata: { tier: 'gold' },
      enabled_connections: [{ connection_id: conns[0].id, assign_membership_on_login: false }],
    }));
    eq(status, 201, 'HTTP status', { data });
    check(/^org_[A-Za-z0-9]{16}$/.test(data.id), 'id should be org_ + 16 characters', { data });
    const { data: enabled } = await sdk('organizations.getEnabledConnections', () => management.organizations.getEnabledConnections({ id: data.id }));
    eq(enabled[0].connection.name, TENANT.realm, 'enabled connection', { enabled });
    return data;
  });

  await r.step('organizations.getByName finds it', async () => {
    const { data } = await sdk('organizations.getByName', () => management.organizations.getByName({ name }));
    eq(data.id, org.id, 'id', { data });
    eq(data.metadata.tier, 'gold', 'metadata', { data });
  });

  const editor = await r.step('organizations.addMembers, then addMemberRoles and getMemberRoles', async () => {
    const { data: roles } = await sdk('roles.getAll', () => management.roles.getAll());
    const role = roles.find((x) => x.name === 'editor');
    check(role, 'the tenant has an editor role', { roles });
    await sdk('organizations.addMembers', () => management.organizations.addMembers({ id: org.id }, { members: [TENANT.users.bob.userId] }));
    await sdk('organizations.addMemberRoles', () => management.organizations.addMemberRoles(
      { id: org.id, user_id: TENANT.users.bob.userId }, { roles: [role.id] }));
    const { data: held } = await sdk('organizations.getMemberRoles', () => management.organizations.getMemberRoles({ id: org.id, user_id: TENANT.users.bob.userId }));
    eq(held.map((x) => x.name).join(','), 'editor', 'member roles', { held });
    const { data: members } = await sdk('organizations.getMembers', () => management.organizations.getMembers({ id: org.id }));
    eq(members.map((m) => m.user_id).join(','), TENANT.users.bob.userId, 'members', { members });
    return role;
  });

  await r.step('users.getUserOrganizations lists it for the member', async () => {
    const { data } = await sdk('users.getUserOrganizations', () => management.users.getUserOrganizations({ id: TENANT.users.bob.userId }));
    check(data.some((o) => o.id === org.id), 'the member\'s organizations include it', { data });
  });

  await r.step('organizations.createInvitation emails the invitation link; getInvitations, deleteInvitation', async () => {
    const email = uniqueEmail('invitee');
    const { data: inv, status } = await sdk('organizations.createInvitation', () => management.organizations.createInvitation({ id: org.id }, {
      inviter: { name: 'Alice' }, invitee: { email }, client_id: TENANT.web.clientId, roles: [editor.id],
    }));
    eq(status, 201, 'HTTP status', { inv });
    const link = new URL(inv.invitation_url);
    eq(link.searchParams.get('invitation'), inv.ticket_id, 'invitation in the link', { inv });
    eq(link.searchParams.get('organization'), org.id, 'organization in the link', { inv });
    const [mail] = await outboxMessages(env, email, 'user_invitation');
    eq(mail.link, inv.invitation_url, 'the emailed link', { mail });
    const { data: listed } = await sdk('organizations.getInvitations', () => management.organizations.getInvitations({ id: org.id }));
    eq(listed.map((i) => i.id).join(','), inv.id, 'invitations', { listed });
    await sdk('organizations.deleteInvitation', () => management.organizations.deleteInvitation({ id: org.id, invitation_id: inv.id }));
    const { data: after } = await sdk('organizations.getInvitations', () => management.organizations.getInvitations({ id: org.id }));
    eq(after.length, 0, 'invitations after the delete', { after });
  });

  await r.step('organizations.update renames it; organizations.delete, then get is a 404', async () => {
    const { data } = await sdk('organizations.update', () => management.organizations.update({ id: org.id }, { display_name: 'Acme plc' }));
    eq(data.display_name, 'Acme plc', 'display_name', { data });
    await sdk('organizations.delete', () => management.organizations.delete({ id: org.id }));
    const e = await rejection('organizations.get after the delete', () => management.organizations.get({ id: org.id }));
    const details = { name: e.name, statusCode: e.statusCode, message: e.message };
    eq(e.name, 'ManagementApiError', 'error class', details);
    eq(e.statusCode, 404, 'status', details);
  });
});
