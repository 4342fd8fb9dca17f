// Jest `globalTeardown`: stops the mock global-setup started (Vitest uses setup's return value).

export { globalTeardown as default } from './global-setup.js';
