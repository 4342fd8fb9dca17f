// Running the mock as a child process: read its banner, wait for /healthz, and make sure it
// never outlives the test process that started it.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { request } from './http.js';

const OUTPUT_KEEP = 64 * 1024;
const STOP_GRACE_MS = 3000;

const live = new Set();
let hooked = false;

// 'exit' covers a normal end, process.exit() and an uncaught exception; it only allows
// synchronous work, hence SIGKILL. A terminating signal skips 'exit', so it is caught too — but
// only when nobody else listens: a runner with its own handler (Playwright's workers ignore
// SIGINT) decides whether the process ends, and 'exit' follows if it does.
function hookProcessExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) return;
      for (const child of live) child.kill('SIGKILL');
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** The last OUTPUT_KEEP characters a child wrote, for error messages. */
class Tail {
  constructor() {
    this.text = '';
  }
  push(s) {
    this.text += s;
    if (this.text.length > OUTPUT_KEEP * 2) this.text = this.text.slice(-OUTPUT_KEEP);
  }
  toString() {
    return this.text.slice(-OUTPUT_KEEP);
  }
}

const ISSUER_LINE = /^\s*Domain \/ issuer\s+(\S+)/;
const CA_LINE = /^\s*TLS CA certificate\s+(.+?)(?:\s{2,}\(|\s*$)/;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `<base>/healthz` until it answers `OK`, `deadline` passes or `abort()` says to give up.
 * @returns {Promise<void>}
 */
export async function waitHealthy(base, { ca, deadline, abort, headers }) {
  let last = 'no answer yet';
  for (;;) {
    const stop = abort?.();
    if (stop) throw new Error(stop);
    try {
      const res = await request(`${base}/healthz`, { ca, timeout: 2000, headers });
      if (res.status === 200 && res.text.trim() === 'OK') return;
      last = `answered ${res.status} ${JSON.stringify(res.text.slice(0, 200))}`;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`${base}/healthz did not answer OK in time (last: ${last})`);
    await sleep(25);
  }
}

/**
 * Starts `command args…`, reads the issuer (and the CA for https) from its banner and waits for
 * /healthz.
 *
 * @returns {Promise<{child: import('node:child_process').ChildProcess, issuer: string, caCertPath?: string, ca?: Buffer, output: () => string, stop: () => Promise<void>}>}
 */
export async function spawnMock({ command, args, cwd, env, timeout, verbose, description }) {
  hookProcessExit();
  const tail = new Tail();
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);

  let exited = null;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      live.delete(child);
      resolve(exited);
    });
  });
  let spawnError = null;
  child.once('error', (e) => {
    spawnError = e;
    live.delete(child);
  });

  let issuer = null;
  let caCertPath = null;
  const onLine = (line) => {
    tail.push(line + '\n');
    if (verbose) process.stderr.write(`[auth0-mock] ${line}\n`);
    if (!issuer) issuer = ISSUER_LINE.exec(line)?.[1] ?? null;
    if (!caCertPath) caCertPath = CA_LINE.exec(line)?.[1] ?? null;
  };
  readline.createInterface({ input: child.stdout }).on('line', onLine);
  readline.createInterface({ input: child.stderr }).on('line', onLine);

  const fail = (why) => {
    child.kill('SIGKILL');
    return new Error(
      `auth0-mock: ${why}\n  command: ${description}\n  args: ${JSON.stringify(args)}` +
        `\n--- its output ---\n${tail.toString() || '(none)'}`,
    );
  };
  const gone = () => {
    if (spawnError) return `could not be started: ${spawnError.message}`;
    if (exited) return `exited during start-up (${exited.signal ?? `code ${exited.code}`})`;
    return null;
  };

  const deadline = Date.now() + timeout;
  // A ref'd timer keeps the event loop alive while everything else waits on unref'd pipes.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    // The CA line follows the issuer line; an https issuer is useless without it.
    while (!issuer || (issuer.startsWith('https:') && !caCertPath)) {
      const why = gone();
      if (why) throw fail(why);
      if (Date.now() > deadline) {
        throw fail(
          issuer
            ? `the banner named an https issuer but no "TLS CA certificate" line within ${timeout} ms`
            : `no "Domain / issuer" line in its banner within ${timeout} ms`,
        );
      }
      await sleep(10);
    }
    const ca = caCertPath ? fs.readFileSync(caCertPath) : undefined;
    const base = issuer.replace(/\/+$/, '');
    try {
      await waitHealthy(base, { ca, deadline, abort: gone });
    } catch (e) {
      throw fail(e.message);
    }

    // From here on the mock must not keep the test process alive: a forgotten stop() ends with
    // the process (through the 'exit' hook) instead of hanging it.
    child.unref();
    child.stdout.unref?.();
    child.stderr.unref?.();

    const stop = async () => {
      if (exited || spawnError) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exit;
      clearTimeout(timer);
    };
    return { child, issuer, caCertPath: caCertPath ?? undefined, ca, output: () => tail.toString(), stop };
  } finally {
    clearInterval(keepAlive);
  }
}
