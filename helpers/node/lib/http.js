// A minimal HTTP client on node:http(s). Not fetch: a --tls mock's CA must be trusted for these
// calls alone, which fetch cannot do without an extra dependency, and the outbox's long poll
// must not meet a client-side timeout.

import http from 'node:http';
import https from 'node:https';

/**
 * @param {string} url
 * @param {{method?: string, body?: unknown, headers?: Record<string,string>, ca?: string|Buffer, timeout?: number}} [opts]
 * @returns {Promise<{status: number, headers: import('node:http').IncomingHttpHeaders, text: string}>}
 */
export function request(url, opts = {}) {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  const headers = { accept: 'application/json', ...opts.headers };
  let payload;
  if (opts.body !== undefined) {
    payload = Buffer.from(JSON.stringify(opts.body));
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = lib.request(
      u,
      {
        method: opts.method ?? 'GET',
        headers,
        // One connection per call: nothing lingers in a pool to keep the test process alive
        // or to outlive a stopped mock.
        agent: false,
        ...(opts.ca ? { ca: opts.ca } : {}),
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    if (opts.timeout) {
      req.setTimeout(opts.timeout, () => req.destroy(new Error(`no answer within ${opts.timeout} ms`)));
    }
    req.on('error', reject);
    req.end(payload);
  });
}

/** A refusal from the mock, with Auth0's `error` code and `error_description`. */
export class Auth0MockError extends Error {
  constructor({ method, path, status, error, errorDescription, body }) {
    const what = [error, errorDescription].filter(Boolean).join(': ') || body || '(empty body)';
    super(`auth0-mock: ${method} ${path} answered ${status} ${what}`);
    this.name = 'Auth0MockError';
    this.method = method;
    this.path = path;
    this.status = status;
    this.error = error;
    this.errorDescription = errorDescription;
    this.body = body;
  }
}

export function errorFrom(method, path, res) {
  let parsed;
  try {
    parsed = JSON.parse(res.text);
  } catch {
    parsed = undefined;
  }
  return new Auth0MockError({
    method,
    path,
    status: res.status,
    error: parsed?.error,
    errorDescription: parsed?.error_description,
    body: res.text,
  });
}
