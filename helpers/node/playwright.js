// Playwright fixtures: one mock per worker, back to its fixtures before every test.

import { test as base, expect } from '@playwright/test';
import { startMock } from './index.js';

export const test = base.extend({
  auth0MockOptions: [{}, { scope: 'worker', option: true }],
  auth0MockReset: [true, { option: true }],

  auth0Mock: [
    async ({ auth0MockOptions }, use) => {
      const mock = await startMock(auth0MockOptions);
      try {
        await use(mock);
      } finally {
        await mock.stop();
      }
    },
    // startMock has its own start-up deadline, which `cargo run` needs to be long.
    { scope: 'worker', timeout: 0, title: 'auth0-mock' },
  ],

  _auth0MockAutoReset: [
    async ({ auth0Mock, auth0MockReset }, use) => {
      if (auth0MockReset) await auth0Mock.reset();
      await use();
    },
    { auto: true, title: 'auth0-mock reset' },
  ],
});

export { expect };
