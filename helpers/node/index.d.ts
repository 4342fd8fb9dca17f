import type { ChildProcess } from 'node:child_process';

export interface StartMockOptions {
  /** Attach to this running mock instead of starting one (default: `AUTH0_MOCK_URL`). */
  url?: string;
  /** The binary to run; beats `AUTH0_MOCK_BIN`, `auth0-mock` on PATH and a cargo checkout. */
  binary?: string;
  /** Fixtures directory (`--fixtures`); default: the binary's embedded default tenant. */
  fixtures?: string;
  /** Serve https with the mock's own CA (`--tls`); the handle trusts it for its own calls. */
  tls?: boolean;
  /** Port to listen on; default 0, a free one. */
  port?: number;
  /** More command-line arguments for the binary. */
  args?: string[];
  /** More environment variables for the binary (and for finding it: PATH, AUTH0_MOCK_BIN). */
  env?: Record<string, string>;
  /** Sent as `Authorization: Bearer …` on control calls (default: `AUTH0_MOCK_CONTROL_TOKEN`). */
  controlToken?: string;
  /** Where binary discovery starts looking for a checkout, and the binary's working directory. */
  cwd?: string;
  /** The CA file of an attached https mock (default: `AUTH0_MOCK_CA`). */
  caCertPath?: string;
  /** Milliseconds to wait for `/healthz` (default 30 s; 15 min for `cargo run`). */
  startTimeout?: number;
  /** Echo the mock's output to stderr. */
  verbose?: boolean;
}

/** Playwright's `addCookies` shape, for the mock's origin. */
export interface SessionCookie {
  name: string;
  value: string;
  url: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'Lax' | 'None' | 'Strict';
  /** Unix seconds. */
  expires: number;
}

/** `POST /__mock/login`'s answer. */
export interface DirectLogin {
  user_id: string;
  cookie: SessionCookie;
  /** A one-time link (five minutes) that puts the visiting browser into the session. */
  url: string;
}

/** `POST /__mock/login/next`'s answer. */
export interface NextLogin {
  user_id: string;
  remaining: number;
}

export interface TokenRequest {
  /** A scenario of the tenant (`admin`, `expired`, `wrong-audience`, …) to start from. */
  scenario?: string;
  /** User: email, username or id. */
  user?: string;
  /** Client id: a client_credentials token instead of a user's (not with `user`). */
  client?: string;
  /** Same as `client` (the mock's body field is `client`). */
  client_id?: string;
  audience?: string;
  scope?: string;
  /** Extra access-token claims. */
  claims?: Record<string, unknown>;
  /** Lifetime in seconds. */
  lifetime?: number;
}

/** `POST /__mock/token`'s answer. */
export interface MintedToken {
  /** The scenario's name, `ad-hoc` without one. */
  scenario: string;
  description: string;
  /** What a correct verifier does with it. */
  expect: { api: string; hasura: string; [k: string]: unknown };
  access_token: string;
  id_token: string | null;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

export type MessageKind =
  | 'verify_email'
  | 'reset_email'
  | 'passwordless_code'
  | 'passwordless_link'
  | 'blocked_account';

/** One email or text message the mock "sent". */
export interface OutboxMessage {
  id: string;
  channel: 'email' | 'sms';
  kind: MessageKind;
  to: string;
  from: string;
  subject: string;
  text: string;
  code: string | null;
  link: string | null;
  user_id: string | null;
  /** Unix seconds, on the mock's clock. */
  sent_at: number;
}

export interface OutboxFilter {
  /** Recipient: email (any case) or phone number. */
  to?: string;
  kind?: MessageKind;
}

export interface Outbox {
  /** `GET /__mock/outbox?to=&kind=`: the messages, oldest first. */
  list(filter?: OutboxFilter): Promise<OutboxMessage[]>;
  /**
   * `GET /__mock/outbox?…&wait=`: the newest matching message, as soon as there is one; throws
   * after `timeout` ms (default 10 000) naming what the outbox holds.
   */
  waitFor(filter?: OutboxFilter & { timeout?: number }): Promise<OutboxMessage>;
  /** `DELETE /__mock/outbox`. */
  clear(): Promise<void>;
}

/** Something cookies can be added to: a Playwright Page or BrowserContext, a Puppeteer Page. */
export type CookieTarget =
  | { context(): { addCookies(cookies: SessionCookie[]): Promise<void> } }
  | { addCookies(cookies: SessionCookie[]): Promise<void> }
  | { setCookie(...cookies: SessionCookie[]): Promise<void> };

export interface Auth0Mock {
  /** Where to reach the mock, no trailing slash: `http://localhost:PORT`. */
  readonly baseUrl: string;
  /** The `iss` of its tokens, with the trailing slash: `http://localhost:PORT/`. */
  readonly issuer: string;
  /** Host and port, as Auth0 SDKs' `domain` takes it (spa-js over http takes `baseUrl`). */
  readonly domain: string;
  /** The CA certificate when serving https. */
  readonly caCertPath: string | undefined;
  /** The child process; null when attached to a running mock. */
  readonly process: ChildProcess | null;
  /** The last 64 KiB the mock printed (empty when attached). */
  output(): string;
  /** Ends the mock this call started (SIGTERM, then SIGKILL); does nothing when attached. */
  stop(): Promise<void>;
  /** `POST /__mock/reset`: users, sessions, tokens, outbox, clock, faults and keys as loaded. */
  reset(): Promise<void>;
  /** `POST /__mock/login`: a session for `user`, with no browser involved. */
  login(user: string, options?: { returnTo?: string }): Promise<DirectLogin>;
  /**
   * `POST /__mock/login`, then adds the session cookie to `target`'s browser context: the app's
   * own login (`loginWithRedirect`, `/auth/login`) then completes with no form.
   */
  loginAs(target: CookieTarget, user: string, options?: { returnTo?: string }): Promise<DirectLogin>;
  /** `POST /__mock/login/next`: the next `count` (1) visits of the login page sign `user` in. */
  nextLogin(user: string, options?: { count?: number }): Promise<NextLogin>;
  /** `DELETE /__mock/login/next`. */
  clearNextLogin(): Promise<void>;
  /** `POST /__mock/token`: a signed token set; a string is a scenario name. */
  mintToken(request?: TokenRequest | string): Promise<MintedToken>;
  readonly outbox: Outbox;
  /** Any other control call, e.g. `control('POST', '/__mock/clock', {advance: 3600})`. */
  control<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts auth0-mock on a free port, or attaches to `url` / `AUTH0_MOCK_URL`. */
export function startMock(options?: StartMockOptions): Promise<Auth0Mock>;

export interface FoundBinary {
  command: string;
  args: string[];
  cwd: string | undefined;
  source: 'option' | 'env' | 'path' | 'cargo';
  description: string;
}

/** Which command startMock would run; throws naming the four places it looked. */
export function findBinary(options?: { binary?: string; env?: NodeJS.ProcessEnv; cwd?: string }): FoundBinary;

/** The nearest directory at or above `from` with auth0-mock's own Cargo.toml. */
export function findCheckout(from: string): string | null;

/** The claims of a JWT, unverified. */
export function decodeJwt(token: string): Record<string, any>;

/** A control call the mock refused. */
export class Auth0MockError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Auth0's error code, e.g. `not_found`, `invalid_request`. */
  readonly error: string | undefined;
  readonly errorDescription: string | undefined;
  /** The raw answer. */
  readonly body: string;
}
