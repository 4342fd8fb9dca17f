// Vitest `globalSetup` / Jest `globalSetup`: one mock for the whole run, its URL in
// AUTH0_MOCK_URL so every test file's startMock() attaches to it.

import { startMock } from './index.js';

const KEY = Symbol.for('@auth0-mock/testing/global');

/** A global setup with startMock options; its teardown is also what global-teardown runs. */
export function createGlobalSetup(options = {}) {
  return async function setup() {
    const previous = { url: process.env.AUTH0_MOCK_URL, ca: process.env.AUTH0_MOCK_CA };
    const mock = await startMock(options);
    process.env.AUTH0_MOCK_URL = mock.baseUrl;
    if (mock.caCertPath) process.env.AUTH0_MOCK_CA = mock.caCertPath;
    const teardown = async () => {
      if (globalThis[KEY] === teardown) delete globalThis[KEY];
      await mock.stop();
      restore('AUTH0_MOCK_URL', previous.url);
      restore('AUTH0_MOCK_CA', previous.ca);
    };
    // Jest ignores what globalSetup returns but shares globalThis with globalTeardown.
    globalThis[KEY] = teardown;
    return teardown;
  };
}

function restore(name, value) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** The teardown of the mock the last global setup started, if any. */
export async function globalTeardown() {
  const teardown = globalThis[KEY];
  if (teardown) await teardown();
}

export default createGlobalSetup();
