import type { StartMockOptions } from './index.js';

/**
 * Starts one mock, sets `process.env.AUTH0_MOCK_URL` (and `AUTH0_MOCK_CA` for https) and
 * resolves to its teardown (Vitest runs it; Jest uses `@auth0-mock/testing/global-teardown`).
 */
declare function setup(...args: unknown[]): Promise<() => Promise<void>>;
export default setup;

/** A global setup that starts the mock with these options. */
export function createGlobalSetup(options?: StartMockOptions): (...args: unknown[]) => Promise<() => Promise<void>>;

/** Stops the mock the last global setup started, if any. */
export function globalTeardown(): Promise<void>;
