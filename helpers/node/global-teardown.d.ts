/** Jest `globalTeardown`: stops the mock `@auth0-mock/testing/global-setup` started. */
declare function teardown(...args: unknown[]): Promise<void>;
export default teardown;
