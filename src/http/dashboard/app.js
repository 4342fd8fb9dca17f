// The auth0-mock dashboard: plain DOM code over the control API, no build step, no CDN.
// Text from the tenant or from users (metadata, sign-ups) is only ever set as text, never as
// HTML. Live parts: a long poll on /__mock/hooks for the timeline, and a light poll on
// /__mock for counts, which refreshes the tenant view and outbox when they change.
'use strict';

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

const json = (v) => el('pre', { class: 'json' }, JSON.stringify(v, null, 2));
const badge = (text, kind) => el('span', { class: `badge ${kind || text}` }, text);
const list = (items) => (items && items.length ? items.join(', ') : '—');

async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return null;
  const text = await res.text();
  let data;
  try { data = JSON.parse(text); } catch { data = { error_description: text }; }
  if (!res.ok) {
    const err = new Error(data.error_description || data.message || `${res.status}`);
    err.data = data;
    throw err;
  }
  return data;
}

function notify(text, error = false) {
  const n = $('notice');
  n.textContent = text;
  n.className = error ? 'error' : '';
}

async function guarded(what, fn) {
  try {
    await fn();
  } catch (e) {
    notify(`${what}: ${e.message}`, true);
  }
}

function table(id, head, rows) {
  const t = $(id);
  t.replaceChildren(
    el('thead', {}, el('tr', {}, head.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.length ? rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c))))
      : el('tr', {}, el('td', { colspan: head.length, class: 'hint' }, 'none'))),
  );
}

const runtimeMark = (x) => (x.runtime ? badge('runtime', 'runtime') : '');

// ---------------------------------------------------------------- tabs

function showTab(name) {
  for (const b of document.querySelectorAll('nav button')) b.classList.toggle('active', b.dataset.tab === name);
  for (const s of document.querySelectorAll('.tab')) s.classList.toggle('active', s.id === name);
}

// ---------------------------------------------------------------- tenant overview

let tenant = null;

async function loadTenant() {
  tenant = await api('/__mock/tenant');
  $('tenant-name').textContent = tenant.tenant;
  $('issuer').textContent = tenant.issuer;
  $('warnings').replaceChildren(...(tenant.warnings || []).map((w) => el('div', { class: 'warning' }, w)));
  table('clients', ['Name', 'Type', 'client_id', 'client_secret', 'Callbacks', 'Logout URLs', 'Grants to APIs', ''],
    tenant.clients.map((c) => [c.name, el('code', {}, c.app_type), el('code', {}, c.client_id),
      c.client_secret ? el('code', {}, c.client_secret) : '—', list(c.callbacks), list(c.allowed_logout_urls),
      list(c.granted_audiences), runtimeMark(c)]));
  table('apis', ['Name', 'Identifier (audience)', 'Scopes', 'Token lifetime', ''],
    tenant.apis.map((a) => [a.name, el('code', {}, a.identifier), list(a.scopes), `${a.token_lifetime} s`, runtimeMark(a)]));
  table('users', ['user_id', 'Email', 'Roles', 'app_metadata', 'user_metadata', ''],
    tenant.users.map((u) => [el('code', {}, u.user_id), u.email || u.username || '—', list(u.roles),
      json(u.app_metadata), json(u.user_metadata),
      [runtimeMark(u), u.blocked ? badge('blocked', 'bad') : '']]));
  table('roles', ['Name', 'Description', 'Permissions', ''],
    tenant.roles.map((r) => [r.name, r.description, list(r.permissions), runtimeMark(r)]));
  table('connections', ['Name', 'Strategy'], tenant.connections.map((c) => [c.name, el('code', {}, c.strategy)]));
  const bindings = [];
  for (const [trigger, hooks] of Object.entries(tenant.hooks)) {
    hooks.forEach((h, i) => bindings.push([trigger, `${i + 1}. ${h.name}`, h.kind, list(h.secrets)]));
  }
  table('bindings', ['Trigger', 'Runs', 'Kind', 'Secrets (names)'], bindings);
  fillDebuggerChoices();
}

// ---------------------------------------------------------------- token debugger

function options(select, items, keep) {
  const before = keep ? select.value : undefined;
  select.replaceChildren(...items.map(([value, label]) => el('option', { value }, label)));
  if (before !== undefined && items.some(([v]) => v === before)) select.value = before;
}

function fillDebuggerChoices() {
  options($('debug-client'), tenant.clients.map((c) => [c.client_id, `${c.name} (${c.app_type})`]), true);
  options($('debug-user'), [['', '(no user: client_credentials)'],
    ...tenant.users.map((u) => [u.email || u.user_id, u.email || u.user_id])], true);
  if (!$('debug-user').dataset.touched && tenant.users.length) $('debug-user').value = tenant.users[0].email || tenant.users[0].user_id;
  options($('debug-audience'), [...tenant.apis.map((a) => [a.identifier, a.identifier]), ['', '(none: opaque access token)']], true);
  if (!$('debug-audience').dataset.touched && tenant.default_audience) $('debug-audience').value = tenant.default_audience;
  options($('debug-scenario'), [['', '(none)'], ...tenant.scenarios.map((s) => [s.name, s.name])], true);
  options($('next-user'), [['', '(nobody: the form shows)'],
    ...tenant.users.map((u) => [u.email || u.user_id, u.email || u.user_id])], true);
  options($('next-scenario'), [['', '(none)'], ...tenant.scenarios.map((s) => [s.name, s.name])], true);
}

// The one-click user picker: the app's next login needs no typing, for any SDK.
async function armNextLogin(ev) {
  ev.preventDefault();
  const count = Number($('next-count').value) || 1;
  const user = $('next-user').value;
  const scenario = $('next-scenario').value;
  if (!user && !scenario) { notify('Pick a user or a scenario for the next login', true); return; }
  await guarded('Next login', async () => {
    const armed = [];
    if (user) {
      await api('/__mock/login/next', { method: 'POST', body: { user, count } });
      armed.push(`signs ${user} in`);
    }
    if (scenario) {
      await api('/__mock/scenarios/next', { method: 'POST', body: { scenario, count } });
      armed.push(`gets scenario ${scenario}`);
    }
    notify(`The next ${count} login(s) ${armed.join(' and ')}`);
  });
}

async function disarmNextLogin() {
  await guarded('Next login', async () => {
    await api('/__mock/login/next', { method: 'DELETE' });
    await api('/__mock/scenarios/next', { method: 'DELETE' });
    notify('Next logins disarmed');
  });
}

function tokenReport(name, report) {
  if (!report) return null;
  if (!report.jwt) return el('div', { class: 'card', 'data-token': name }, el('h3', {}, name), el('p', { class: 'hint' }, report.note));
  const sig = report.signature;
  const hasura = report.hasura;
  const verdict = hasura.ok
    ? [badge('accepted', 'ok'), ' role ', el('code', { class: 'hasura-role' }, hasura.session.role),
      table2(Object.entries(hasura.session.session_variables))]
    : [badge('rejected', 'bad'), json(hasura.response || hasura.error)];
  return el('div', { class: 'card', 'data-token': name },
    el('h3', {}, name),
    el('div', { class: 'signature' }, badge(sig.valid ? 'signature valid' : 'signature invalid', sig.valid ? 'ok' : 'bad'),
      ' ', sig.detail, sig.kid ? [' (kid ', el('code', {}, sig.kid), ')'] : ''),
    el('div', { class: 'cols' },
      el('div', {}, el('h3', {}, 'Header'), json(report.header), el('h3', {}, 'Payload'), el('div', { class: 'payload' }, json(report.payload))),
      el('div', { class: 'hasura' }, el('h3', {}, 'Hasura'),
        el('p', { class: 'hint' }, 'as Hasura checks it: exp against wall time, not the mock\'s clock'), verdict)));
}

function table2(entries) {
  return el('table', { class: 'session-variables' }, el('tbody', {},
    entries.map(([k, v]) => el('tr', {}, el('td', {}, el('code', {}, k)), el('td', {}, el('code', {}, v))))));
}

function secretsBlock(secrets) {
  return el('div', { class: 'card secrets' }, el('h3', {}, 'HASURA_GRAPHQL_JWT_SECRET'),
    el('p', { class: 'hint' }, 'Hasura on this machine:'), el('pre', { class: 'secret-local' }, secrets.local),
    el('p', { class: 'hint' }, 'Hasura in the docker-compose stack (reaches the mock as auth0-mock):'),
    el('pre', { class: 'secret-compose' }, secrets.compose));
}

function showDebug(result) {
  const out = [];
  if (result.steps && result.steps.length) {
    out.push(el('div', { class: 'card steps' }, el('h3', {}, 'Requests'), el('ol', {},
      result.steps.map((s) => el('li', {}, `${s.method} ${s.path} → ${s.status}`, s.location ? el('div', { class: 'hint mono' }, s.location) : '')))));
  }
  if (result.error) out.push(el('div', { class: 'card debug-error' }, badge('error', 'bad'), ' ', el('code', {}, result.error.error), ' ', result.error.error_description || ''));
  if (result.tokens) {
    const raw = Object.fromEntries(Object.entries(result.tokens).filter(([k]) => k.endsWith('_token')));
    out.push(el('details', { class: 'card' }, el('summary', {}, 'Raw token response'), json(result.tokens)));
    for (const [k, v] of Object.entries(raw)) out.push(el('textarea', { class: `raw ${k}`, rows: 2, readonly: true, hidden: true }, v));
  }
  out.push(tokenReport('access_token', result.access_token || result.token));
  out.push(tokenReport('id_token', result.id_token));
  if (result.secrets) out.push(secretsBlock(result.secrets));
  $('debug-result').replaceChildren(...out.filter(Boolean));
}

async function runDebugger(ev) {
  ev.preventDefault();
  const value = (id) => $(id).value.trim() || undefined;
  $('debug-result').replaceChildren(el('p', { class: 'hint' }, 'Logging in…'));
  await guarded('Token debugger', async () => {
    const result = await api('/__mock/debugger', {
      method: 'POST',
      body: { client_id: $('debug-client').value, user: value('debug-user'), audience: $('debug-audience').value,
        scope: value('debug-scope'), scenario: value('debug-scenario'), role: value('debug-role') },
    });
    showDebug(result);
    notify(result.error ? 'The login ended with an error' : 'Logged in');
  });
}

async function runInspect(ev) {
  ev.preventDefault();
  await guarded('Inspect', async () => {
    const result = await api('/__mock/debugger/inspect', {
      method: 'POST', body: { token: $('inspect-token').value, audience: $('debug-audience').value, role: $('debug-role').value.trim() || undefined },
    });
    showDebug(result);
  });
}

// ---------------------------------------------------------------- hook runs

let lastRecord = 0;
let shownRecords = 0;
let seenClears = null;
// The page keeps the newest runs only; the control API keeps up to 1000.
const TIMELINE_MAX = 300;

function recordItem(r) {
  const calls = (r.calls || []).map((c) => el('div', { class: 'call' },
    el('div', { class: 'mono' }, `${c.method} ${c.url} → ${c.status ?? c.error ?? '—'} (${c.duration_ms.toFixed(1)} ms)`),
    el('div', { class: 'cols' }, el('div', {}, el('h3', {}, 'Request'), json(c.request_body)),
      el('div', {}, el('h3', {}, 'Reply'), json(c.response_body)))));
  return el('li', { 'data-record': r.id, 'data-outcome': r.outcome },
    el('div', {}, badge(r.outcome), ' ', el('strong', {}, r.hook), ' ', el('code', {}, r.trigger),
      el('span', { class: 'meta' }, ` ${r.duration_ms.toFixed(1)} ms · ${r.user_id || '—'} · ${r.client_id} · ${r.protocol} · ${new Date(r.at * 1000).toLocaleTimeString()}`)),
    r.error ? el('div', { class: 'debug-error' }, r.error) : '',
    el('details', {}, el('summary', {}, `${(r.calls || []).length} outbound, ${(r.logs || []).length} console lines`),
      calls, r.logs && r.logs.length ? el('pre', { class: 'console' }, r.logs.join('\n')) : ''));
}

function addRecords(records) {
  const timeline = $('timeline');
  for (const r of records) {
    if (r.id <= lastRecord) continue;
    timeline.prepend(recordItem(r));
    lastRecord = r.id;
    shownRecords += 1;
  }
  while (timeline.children.length > TIMELINE_MAX) timeline.lastElementChild.remove();
  $('hooks-count').textContent = String(shownRecords);
}

// A listing's `last_id` is the newest id the mock gave: past what a clear took away, or
// below what the page saw when the mock restarted (ids start again).
function follow({ records, last_id: lastId }) {
  if (lastId < lastRecord) {
    clearTimeline();
    lastRecord = 0;
  }
  addRecords(records);
  lastRecord = Math.max(lastRecord, lastId);
}

function clearTimeline() {
  $('timeline').replaceChildren();
  shownRecords = 0;
  $('hooks-count').textContent = '0';
}

async function followHooks() {
  for (;;) {
    try {
      follow(await api(`/__mock/hooks?after=${lastRecord}&wait=25`));
    } catch {
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

// ---------------------------------------------------------------- action tester

let triggers = [];

async function loadActions() {
  ({ triggers } = await api('/__mock/actions'));
  const usable = triggers.filter((t) => t.hooks.length);
  options($('tester-trigger'), (usable.length ? usable : triggers).map((t) => [t.trigger, `${t.trigger} (${t.hooks.length})`]), true);
  pickTrigger();
}

function pickTrigger() {
  const t = triggers.find((x) => x.trigger === $('tester-trigger').value);
  if (!t) return;
  options($('tester-action'), t.hooks.map((h) => [h, h]), true);
  $('tester-event').value = JSON.stringify(t.sample_event, null, 2);
}

async function runTester(ev) {
  ev.preventDefault();
  let event;
  try { event = JSON.parse($('tester-event').value); } catch (e) { notify(`Event: not JSON (${e.message})`, true); return; }
  $('tester-result').replaceChildren(el('p', { class: 'hint' }, 'Running…'));
  await guarded('Action tester', async () => {
    const out = await api('/__mock/actions/test', {
      method: 'POST', body: { action: $('tester-action').value, trigger: $('tester-trigger').value, event },
    });
    const r = out.record;
    $('tester-result').replaceChildren(
      el('div', { class: 'card' }, badge(r.outcome), ' ', el('strong', {}, r.hook), ` ${r.duration_ms.toFixed(1)} ms`,
        r.error ? el('div', { class: 'debug-error' }, r.error) : ''),
      el('div', { class: 'card tester-calls' }, el('h3', {}, `Outbound requests (${r.calls.length})`),
        r.calls.map((c) => el('div', { class: 'call' },
          el('div', { class: 'mono' }, `${c.method} ${c.url} → ${c.status ?? c.error ?? '—'}`),
          el('div', { class: 'cols' }, el('div', {}, el('h3', {}, 'Request'), el('div', { class: 'request' }, json(c.request_body))),
            el('div', {}, el('h3', {}, 'Reply'), el('div', { class: 'reply' }, json(c.response_body))))))),
      el('div', { class: 'card' }, el('h3', {}, 'Console'), el('pre', { class: 'console' }, r.logs.join('\n') || '(nothing logged)')),
      el('div', { class: 'card tester-api' }, el('h3', {}, 'api calls'), json(out.api)));
    notify(`Tested ${r.hook}: ${r.outcome}`);
  });
}

// ---------------------------------------------------------------- outbox

// Only web links become links; anything else is shown as text.
function safeLink(link) {
  if (!link) return '—';
  let scheme = '';
  try { scheme = new URL(link).protocol; } catch { return link; }
  return scheme === 'http:' || scheme === 'https:' ? el('a', { href: link, target: '_blank', rel: 'noopener' }, 'open') : link;
}

let shownMessages = -1;

async function loadOutbox() {
  const messages = await api('/__mock/outbox');
  shownMessages = messages.length;
  $('outbox-count').textContent = String(messages.length);
  table('messages', ['Sent', 'Kind', 'To', 'Subject', 'Code', 'Link'],
    messages.slice().reverse().map((m) => [new Date(m.sent_at * 1000).toLocaleTimeString(), el('code', {}, m.kind), m.to,
      m.subject || '—', m.code ? el('code', {}, m.code) : '—', safeLink(m.link)]));
}

// ---------------------------------------------------------------- header controls

function showClock(clock) {
  const s = clock.offset;
  $('clock-offset').textContent = `${s >= 0 ? '+' : ''}${s} s`;
}

function showFaults(n) {
  $('faults').textContent = n ? `${n} armed` : '';
}

let shownUsers = -1;

async function poll() {
  try {
    const s = await api('/__mock');
    showClock(s.clock);
    showFaults(s.faults);
    if (seenClears !== null && s.hook_clears !== seenClears) {
      // Cleared elsewhere (a test's reset): show what is kept now.
      clearTimeline();
      lastRecord = 0;
      follow(await api('/__mock/hooks'));
    }
    seenClears = s.hook_clears;
    if (s.outbox !== shownMessages) await loadOutbox();
    if (s.store.users !== shownUsers) {
      shownUsers = s.store.users;
      await loadTenant();
    }
  } catch {
    // The mock restarting or briefly refusing: the next round tries again.
  }
  setTimeout(poll, 1500);
}

function wire() {
  for (const b of document.querySelectorAll('nav button')) {
    b.addEventListener('click', () => {
      showTab(b.dataset.tab);
      // Clients, roles and metadata change without the user count changing: look again.
      if (b.dataset.tab === 'overview') guarded('Tenant', loadTenant);
    });
  }
  $('reset').addEventListener('click', () => guarded('Reset', async () => {
    await api('/__mock/reset', { method: 'POST' });
    clearTimeline();
    seenClears = null;
    await Promise.all([loadTenant(), loadOutbox(), loadActions()]);
    showClock({ offset: 0 });
    showFaults(0);
    notify('Reset to the fixtures');
  }));
  $('rotate').addEventListener('click', () => guarded('Rotate', async () => {
    const { kid } = await api('/__mock/keys/rotate', { method: 'POST' });
    notify(`Signing with a new key: kid ${kid}`);
  }));
  $('clock-advance').addEventListener('click', () => guarded('Clock', async () => {
    showClock(await api('/__mock/clock', { method: 'POST', body: { advance: Number($('clock-seconds').value) } }));
    notify('Clock moved');
  }));
  $('clock-reset').addEventListener('click', () => guarded('Clock', async () => {
    showClock(await api('/__mock/clock', { method: 'POST', body: { reset: true } }));
    notify('Clock back to wall time');
  }));
  $('fault-arm').addEventListener('click', () => guarded('Fault', async () => {
    const { faults } = await api('/__mock/faults', {
      method: 'POST',
      body: { endpoint: $('fault-endpoint').value, count: Number($('fault-count').value), kind: 'status', status: Number($('fault-status').value) },
    });
    showFaults(faults.length);
    notify(`Armed: the next ${$('fault-count').value} request(s) to ${$('fault-endpoint').value} answer ${$('fault-status').value}`);
  }));
  $('fault-clear').addEventListener('click', () => guarded('Fault', async () => {
    await api('/__mock/faults', { method: 'DELETE' });
    showFaults(0);
    notify('Faults cleared');
  }));
  $('hooks-clear').addEventListener('click', () => guarded('Hook runs', async () => {
    await api('/__mock/hooks', { method: 'DELETE' });
    clearTimeline();
    seenClears = null;
  }));
  $('outbox-clear').addEventListener('click', () => guarded('Outbox', async () => {
    await api('/__mock/outbox', { method: 'DELETE' });
    await loadOutbox();
  }));
  for (const id of ['debug-user', 'debug-audience']) $(id).addEventListener('change', () => { $(id).dataset.touched = '1'; });
  $('debug-form').addEventListener('submit', runDebugger);
  $('inspect-form').addEventListener('submit', runInspect);
  $('next-form').addEventListener('submit', armNextLogin);
  $('next-clear').addEventListener('click', disarmNextLogin);
  $('tester-trigger').addEventListener('change', pickTrigger);
  $('tester-form').addEventListener('submit', runTester);
}

async function start() {
  wire();
  await guarded('Loading', async () => {
    await Promise.all([loadTenant(), loadActions(), loadOutbox()]);
    follow(await api('/__mock/hooks'));
  });
  document.body.dataset.ready = '1';
  followHooks();
  poll();
}

start();
