// How startMock finds and runs the binary, with fake binaries (no real mock needed):
// node --test tests/binary.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findBinary, findCheckout, startMock } from '@auth0-mock/testing';

const here = path.dirname(fileURLToPath(import.meta.url));
const FAKE = path.join(here, 'support/fake-mock.mjs');
const INDEX = pathToFileURL(path.join(here, '../index.js')).href;

// The suite may run with these set for the real tests; they must not leak into these.
delete process.env.AUTH0_MOCK_URL;
delete process.env.AUTH0_MOCK_BIN;

let tmp;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'auth0-mock-discovery-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A directory holding an executable `name` that runs the fake mock (or just exits). */
function fakeBin(name = 'auth0-mock', body = `exec "${process.execPath}" "${FAKE}" "$@"`) {
  const dir = path.join(tmp, `bin${++n}`);
  fs.mkdirSync(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return { dir, file };
}

/** A project directory with `Cargo.toml` and a nested subdirectory to start looking from. */
function project(cargoToml) {
  const root = path.join(tmp, `project${++n}`);
  const sub = path.join(root, 'crates/app/src');
  fs.mkdirSync(sub, { recursive: true });
  fs.writeFileSync(path.join(root, 'Cargo.toml'), cargoToml);
  return { root, sub };
}

const CHECKOUT_TOML = '[package]\nname = "auth0-mock"\nversion = "0.1.0"\n\n[dependencies]\nserde = "1"\n';
const emptyDir = () => fs.mkdtempSync(path.join(tmp, 'empty-'));

test('the binary option wins over AUTH0_MOCK_BIN, PATH and a checkout', () => {
  const option = fakeBin();
  const envBin = fakeBin();
  const onPath = fakeBin();
  const cargo = fakeBin('cargo');
  const { sub } = project(CHECKOUT_TOML);
  const found = findBinary({
    binary: option.file,
    env: { AUTH0_MOCK_BIN: envBin.file, PATH: [onPath.dir, cargo.dir].join(path.delimiter) },
    cwd: sub,
  });
  assert.equal(found.source, 'option');
  assert.equal(found.command, option.file);
});

test('AUTH0_MOCK_BIN wins over PATH and a checkout', () => {
  const envBin = fakeBin();
  const onPath = fakeBin();
  const cargo = fakeBin('cargo');
  const { sub } = project(CHECKOUT_TOML);
  const found = findBinary({
    env: { AUTH0_MOCK_BIN: envBin.file, PATH: [onPath.dir, cargo.dir].join(path.delimiter) },
    cwd: sub,
  });
  assert.equal(found.source, 'env');
  assert.equal(found.command, envBin.file);
});

test('auth0-mock on PATH wins over a checkout, first PATH entry first', () => {
  const notIt = emptyDir();
  const first = fakeBin();
  const second = fakeBin();
  const cargo = fakeBin('cargo');
  const { sub } = project(CHECKOUT_TOML);
  const found = findBinary({ env: { PATH: [notIt, first.dir, second.dir, cargo.dir].join(path.delimiter) }, cwd: sub });
  assert.equal(found.source, 'path');
  assert.equal(found.command, first.file);
});

test('a file on PATH that is not executable is skipped', () => {
  const plain = path.join(tmp, `plain${++n}`);
  fs.mkdirSync(plain);
  fs.writeFileSync(path.join(plain, 'auth0-mock'), 'not a program', { mode: 0o644 });
  const real = fakeBin();
  const found = findBinary({ env: { PATH: [plain, real.dir].join(path.delimiter) }, cwd: emptyDir() });
  assert.equal(found.command, real.file);
});

test('without a binary, a checkout at or above cwd runs cargo run --release there', () => {
  const cargo = fakeBin('cargo');
  const { root, sub } = project(CHECKOUT_TOML);
  const found = findBinary({ env: { PATH: cargo.dir }, cwd: sub });
  assert.equal(found.source, 'cargo');
  assert.equal(found.command, cargo.file);
  assert.deepEqual(found.args, ['run', '--release', '--bin', 'auth0-mock', '--']);
  assert.equal(found.cwd, root);
});

test('a Cargo.toml of another package, or naming auth0-mock only as a dependency, is no checkout', () => {
  const other = project('[package]\nname = "my-app"\n\n[dependencies]\nauth0-mock = { path = "../auth0-mock" }\n');
  assert.equal(findCheckout(other.sub), null);
  const workspace = project('[workspace]\nmembers = ["auth0-mock"]\n\n[workspace.package]\nname = "auth0-mock"\n');
  assert.equal(findCheckout(workspace.sub), null);
  const real = project(CHECKOUT_TOML);
  assert.equal(findCheckout(real.sub), real.root);
});

test('finding nothing is an error naming all four places, in order', () => {
  const cwd = emptyDir();
  assert.throws(
    () => findBinary({ env: { PATH: emptyDir() }, cwd }),
    (e) => {
      const m = e.message;
      const at = ['`binary` option', 'AUTH0_MOCK_BIN', '`auth0-mock` on PATH', 'cargo run --release --bin auth0-mock'].map((s) =>
        m.indexOf(s),
      );
      assert.ok(at.every((i) => i >= 0), `names all four:\n${m}`);
      assert.deepEqual([...at].sort((a, b) => a - b), at, `in order:\n${m}`);
      assert.ok(m.includes(cwd), `names where it looked for a checkout:\n${m}`);
      return true;
    },
  );
});

test('a checkout without cargo on PATH says so', () => {
  const { root, sub } = project(CHECKOUT_TOML);
  assert.throws(() => findBinary({ env: { PATH: emptyDir() }, cwd: sub }), (e) => {
    assert.match(e.message, /no `cargo` on PATH/);
    assert.ok(e.message.includes(root));
    return true;
  });
});

test('an AUTH0_MOCK_BIN that does not exist is an error, not a fall-back to PATH', () => {
  const onPath = fakeBin();
  const missing = path.join(tmp, 'no/such/auth0-mock');
  assert.throws(() => findBinary({ env: { AUTH0_MOCK_BIN: missing, PATH: onPath.dir }, cwd: emptyDir() }), (e) => {
    assert.match(e.message, /AUTH0_MOCK_BIN/);
    assert.ok(e.message.includes(missing));
    return true;
  });
});

test('startMock runs the binary found on PATH with --port 0 and the options as flags, and stop ends it', async () => {
  const bin = fakeBin();
  const record = path.join(tmp, `record${++n}.json`);
  const fixtures = emptyDir();
  const mock = await startMock({
    fixtures,
    args: ['--jwks-max-age', '5'],
    cwd: emptyDir(),
    env: { PATH: `${bin.dir}${path.delimiter}${process.env.PATH}`, AUTH0_MOCK_BIN: '', FAKE_MOCK_RECORD: record },
  });
  try {
    const started = JSON.parse(fs.readFileSync(record, 'utf8'));
    assert.deepEqual(started.argv, ['--port', '0', '--fixtures', fixtures, '--jwks-max-age', '5']);
    assert.match(mock.issuer, /^http:\/\/localhost:\d+\/$/);
    assert.equal(mock.baseUrl, mock.issuer.slice(0, -1));
    assert.equal(mock.domain, new URL(mock.issuer).host);
    assert.equal((await fetch(`${mock.baseUrl}/healthz`)).status, 200);
  } finally {
    await mock.stop();
  }
  assert.notEqual(mock.process.exitCode ?? mock.process.signalCode, null, 'the process has ended');
  await assert.rejects(fetch(`${mock.baseUrl}/healthz`));
});

test('a binary that exits during start-up fails startMock with its output', async () => {
  const bin = fakeBin();
  await assert.rejects(
    startMock({ binary: bin.file, env: { FAKE_MOCK_MODE: 'crash' }, startTimeout: 10_000 }),
    (e) => {
      assert.match(e.message, /exited during start-up \(code 2\)/);
      assert.match(e.message, /clients\[0\]\.name: missing field/);
      return true;
    },
  );
});

/** Runs a Node script that starts the fake mock and prints its pid; resolves to {child, mockPid}. */
function parentWithMock(bin, thenWhat) {
  const script = `
    import { startMock } from ${JSON.stringify(INDEX)};
    const mock = await startMock({ binary: ${JSON.stringify(bin)} });
    console.log('PID ' + mock.process.pid);
    ${thenWhat}
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /PID (\d+)/.exec(out);
      if (m) resolve({ child, mockPid: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`the parent exited (${code}) before naming its mock: ${out}`)));
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie waits for a reaper; it serves nothing.
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function gone(pid, ms = 5000) {
  const until = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

test('a mock the test process never stopped dies when that process exits', async () => {
  const bin = fakeBin();
  const { child, mockPid } = await parentWithMock(bin.file, '/* no stop(): the script just ends */');
  await new Promise((r) => child.once('exit', r));
  assert.ok(await gone(mockPid), `mock ${mockPid} outlived its parent`);
});

test('a mock dies with a test process ended by SIGTERM, which still ends by SIGTERM', async () => {
  const bin = fakeBin();
  const { child, mockPid } = await parentWithMock(bin.file, 'setInterval(() => {}, 1000);');
  const ended = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  child.kill('SIGTERM');
  assert.deepEqual(await ended, { code: null, signal: 'SIGTERM' });
  assert.ok(await gone(mockPid), `mock ${mockPid} outlived its parent`);
});
