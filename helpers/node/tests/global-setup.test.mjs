// The Vitest/Jest global setup against the real binary (found as users would: AUTH0_MOCK_BIN,
// PATH or a checkout): node --test tests/global-setup.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import globalSetup from '@auth0-mock/testing/global-setup';
import globalTeardown from '@auth0-mock/testing/global-teardown';
import { decodeJwt, startMock } from '@auth0-mock/testing';

const INDEX = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), '../index.js')).href;
delete process.env.AUTH0_MOCK_URL;

test('global setup starts one mock whose URL test files attach to, and its teardown stops it', async () => {
  const teardown = await globalSetup();
  const url = process.env.AUTH0_MOCK_URL;
  assert.match(url ?? '', /^http:\/\/localhost:\d+$/);

  const attached = await startMock();
  assert.equal(attached.baseUrl, url);
  assert.equal(attached.process, null, 'attached, not started');
  assert.equal(attached.issuer, `${url}/`);
  const { access_token } = await attached.mintToken('admin');
  assert.equal(decodeJwt(access_token).iss, attached.issuer);
  await attached.stop();
  assert.equal((await fetch(`${url}/healthz`)).status, 200, "an attached handle's stop leaves the mock running");

  await teardown();
  assert.equal(process.env.AUTH0_MOCK_URL, undefined, 'AUTH0_MOCK_URL restored');
  await assert.rejects(fetch(`${url}/healthz`), 'the mock has stopped');
});

test('a worker process started after global setup finds the mock through AUTH0_MOCK_URL', async () => {
  const teardown = await globalSetup();
  try {
    const script = `
      import { startMock } from ${JSON.stringify(INDEX)};
      const mock = await startMock();
      const login = await mock.login('alice@example.com');
      console.log(JSON.stringify({ baseUrl: mock.baseUrl, started: mock.process !== null, user: login.user_id }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    assert.deepEqual(JSON.parse(stdout), { baseUrl: process.env.AUTH0_MOCK_URL, started: false, user: 'auth0|alice' });
  } finally {
    await teardown();
  }
});

test('the Jest global teardown stops the mock the global setup started', async () => {
  await globalSetup();
  const url = process.env.AUTH0_MOCK_URL;
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  await globalTeardown();
  await assert.rejects(fetch(`${url}/healthz`));
  assert.equal(process.env.AUTH0_MOCK_URL, undefined);
});
