import type {
  TestType,
  PlaywrightTestArgs,
  PlaywrightTestOptions,
  PlaywrightWorkerArgs,
  PlaywrightWorkerOptions,
} from '@playwright/test';
import type { Auth0Mock, StartMockOptions } from './index.js';

export interface Auth0MockTestOptions {
  /** Reset the worker's mock before each test (default true). */
  auth0MockReset: boolean;
}

export interface Auth0MockWorkerFixtures {
  /** The worker's own mock, started on first use and stopped with the worker. */
  auth0Mock: Auth0Mock;
  /** startMock options for it: `test.use({ auth0MockOptions: { fixtures: './fixtures' } })`. */
  auth0MockOptions: StartMockOptions;
}

export const test: TestType<
  PlaywrightTestArgs & PlaywrightTestOptions & Auth0MockTestOptions,
  PlaywrightWorkerArgs & PlaywrightWorkerOptions & Auth0MockWorkerFixtures
>;

export { expect } from '@playwright/test';
