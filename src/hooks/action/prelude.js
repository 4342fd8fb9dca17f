// auth0-mock's Action runtime glue, evaluated once per fresh JavaScript context.
//
// It builds what an Auth0 Action sees besides its own code: `console`, timers, `fetch` (also as
// `require('node-fetch')`, the v2 API), `require` (also of `axios` and `auth0`, from js/, loaded
// through `host.loadModule` on first require only), and per run the `api` object. Everything that
// leaves the engine goes through `host`, a handful of native functions that hand the call to the
// mock's Rust side (claims and metadata to the hooks `Api`, HTTP to the shared client).
(function (host, wrapper, filename, dirname, trigger, exportName) {
  'use strict';
  const G = globalThis;
  const stringify = JSON.stringify;
  const parse = JSON.parse;

  // ------------------------------------------------------------------ console
  function show(v) {
    if (typeof v === 'string') return v;
    if (v instanceof Error) {
      const head = `${v.name}: ${v.message}`;
      return v.stack ? `${head}\n${String(v.stack).trimEnd()}` : head;
    }
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
      return String(v);
    }
    try {
      const s = stringify(v);
      return s === undefined ? String(v) : s;
    } catch (_) {
      return String(v);
    }
  }
  function format(args) {
    if (typeof args[0] === 'string' && args.length > 1 && args[0].includes('%')) {
      let i = 1;
      const head = args[0].replace(/%[sdifjoOc%]/g, (m) => {
        if (m === '%%') return '%';
        if (i >= args.length) return m;
        const a = args[i++];
        switch (m) {
          case '%s': return typeof a === 'string' ? a : show(a);
          case '%d': return String(Number(a));
          case '%i': return String(parseInt(a, 10));
          case '%f': return String(parseFloat(a));
          case '%c': return '';
          default: return show(a);
        }
      });
      return [head, ...args.slice(i).map(show)].join(' ');
    }
    return args.map(show).join(' ');
  }
  const console = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
    console[level] = (...args) => { host.log(format(args)); };
  }
  console.dir = (v) => { host.log(show(v)); };

  // ------------------------------------------------------------------ timers
  const timers = new Map();
  let nextTimer = 1;
  class Timeout {
    constructor(id) { this.id = id; }
    ref() { return this; }
    unref() { return this; }
    hasRef() { return true; }
    [Symbol.toPrimitive]() { return this.id; }
  }
  function arm(fn, ms, args, repeat) {
    if (typeof fn !== 'function') {
      throw new TypeError('The "callback" argument must be of type function');
    }
    const delay = Math.max(repeat ? 1 : 0, Number(ms) || 0);
    const id = nextTimer++;
    timers.set(id, { fn, args, repeat: repeat ? delay : 0 });
    host.timer(id, delay);
    return new Timeout(id);
  }
  function disarm(t) {
    const id = typeof t === 'object' && t !== null ? t.id : Number(t);
    if (timers.delete(id)) host.clearTimer(id);
  }
  function fireTimer(id) {
    const t = timers.get(id);
    if (!t) return;
    if (t.repeat) host.timer(id, t.repeat); else timers.delete(id);
    t.fn(...t.args);
  }

  // ------------------------------------------------------------------ fetch (node-fetch v2)
  class FetchError extends Error {
    constructor(message, type, systemError) {
      super(message);
      this.name = 'FetchError';
      this.type = type;
      if (systemError) this.code = this.errno = systemError.code;
    }
  }
  class Headers {
    constructor(init) {
      this._map = new Map();
      if (init === undefined || init === null) return;
      if (init instanceof Headers) {
        init.forEach((v, k) => this.append(k, v));
      } else if (Array.isArray(init) || typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) this.append(pair[0], pair[1]);
      } else if (typeof init === 'object') {
        for (const k of Object.keys(init)) this.append(k, init[k]);
      } else {
        throw new TypeError('Provided initializer must be an object');
      }
    }
    append(name, value) {
      const k = String(name).toLowerCase();
      const prev = this._map.get(k);
      this._map.set(k, prev === undefined ? String(value) : `${prev}, ${value}`);
    }
    set(name, value) { this._map.set(String(name).toLowerCase(), String(value)); }
    get(name) {
      const v = this._map.get(String(name).toLowerCase());
      return v === undefined ? null : v;
    }
    has(name) { return this._map.has(String(name).toLowerCase()); }
    delete(name) { this._map.delete(String(name).toLowerCase()); }
    forEach(cb, thisArg) { for (const [k, v] of this._map) cb.call(thisArg, v, k, this); }
    keys() { return this._map.keys(); }
    values() { return this._map.values(); }
    entries() { return this._map.entries(); }
    [Symbol.iterator]() { return this._map.entries(); }
    raw() {
      const out = {};
      for (const [k, v] of this._map) out[k] = [v];
      return out;
    }
  }
  class Response {
    constructor(body, init) {
      const o = init || {};
      this._body = body === undefined || body === null ? '' : String(body);
      this.status = o.status === undefined ? 200 : o.status;
      this.statusText = o.statusText === undefined ? '' : String(o.statusText);
      this.headers = new Headers(o.headers);
      this.url = o.url || '';
      this.redirected = false;
      this.bodyUsed = false;
    }
    get ok() { return this.status >= 200 && this.status < 300; }
    _consume() {
      if (this.bodyUsed) {
        return Promise.reject(new TypeError(`body used already for: ${this.url}`));
      }
      this.bodyUsed = true;
      return Promise.resolve(this._body);
    }
    text() { return this._consume(); }
    json() {
      return this._consume().then((text) => {
        try {
          return parse(text);
        } catch (e) {
          throw new FetchError(`invalid json response body at ${this.url} reason: ${e.message}`, 'invalid-json');
        }
      });
    }
    buffer() { return Promise.reject(new Error('Response.buffer() is not supported by auth0-mock: use text() or json()')); }
    arrayBuffer() { return Promise.reject(new Error('Response.arrayBuffer() is not supported by auth0-mock: use text() or json()')); }
    blob() { return Promise.reject(new Error('Response.blob() is not supported by auth0-mock: use text() or json()')); }
    clone() {
      if (this.bodyUsed) throw new Error('cannot clone body after it is used');
      return new Response(this._body, { status: this.status, statusText: this.statusText, headers: this.headers, url: this.url });
    }
  }
  const inflight = new Map();
  function fetch(resource, options) {
    return new Promise((resolve, reject) => {
      const o = options || {};
      const url = typeof resource === 'object' && resource !== null && 'url' in resource ? String(resource.url)
        : typeof resource === 'object' && resource !== null && 'href' in resource ? String(resource.href)
        : String(resource);
      const method = String(o.method || 'GET').toUpperCase();
      const headers = new Headers(o.headers);
      let body = o.body;
      if (body !== undefined && body !== null) {
        if (method === 'GET' || method === 'HEAD') {
          throw new TypeError('Request with GET/HEAD method cannot have body');
        }
        body = String(body);
        if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
      } else {
        body = undefined;
      }
      if (!headers.has('accept')) headers.set('accept', '*/*');
      if (!headers.has('user-agent')) headers.set('user-agent', 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)');
      const timeout = Number(o.timeout) > 0 ? Number(o.timeout) : 0;
      const id = host.fetch(method, url, stringify([...headers.entries()]), body, timeout);
      inflight.set(id, { resolve, reject, url });
    });
  }
  function settleFetch(id, outcomeJson) {
    const pending = inflight.get(id);
    if (!pending) return;
    inflight.delete(id);
    const r = parse(outcomeJson);
    if (r.error !== undefined) {
      // The errors node-fetch throws for a timeout, a body over its `size` limit, and the rest.
      if (r.type === 'request-timeout') {
        pending.reject(new FetchError(`network timeout at: ${pending.url}`, 'request-timeout'));
      } else if (r.type === 'max-size') {
        pending.reject(new FetchError(`content size at ${pending.url} over limit: ${r.limit}`, 'max-size'));
      } else {
        pending.reject(new FetchError(`request to ${pending.url} failed, reason: ${r.error}`, 'system', { code: 'ECONNREFUSED' }));
      }
      return;
    }
    pending.resolve(new Response(r.body, { status: r.status, statusText: r.statusText, headers: r.headers, url: pending.url }));
  }
  fetch.default = fetch;
  fetch.Headers = Headers;
  fetch.Response = Response;
  fetch.FetchError = FetchError;
  fetch.isRedirect = (code) => [301, 302, 303, 307, 308].includes(code);

  // ------------------------------------------------------------------ require / module
  function require(name) {
    const problem = host.requireError(String(name));
    if (problem !== undefined) {
      const e = new Error(problem);
      e.code = 'MODULE_NOT_FOUND';
      throw e;
    }
    if (name === 'axios') return axiosModule || (axiosModule = host.loadModule('axios')(fetch));
    if (name === 'auth0') return auth0Module || (auth0Module = host.loadModule('auth0')(fetch, host.auth0Major()));
    return fetch;
  }
  // Built on first require: most Actions use neither.
  let axiosModule;
  let auth0Module;

  // ------------------------------------------------------------------ globals
  const globals = {
    console, fetch, Headers, Response, FetchError,
    setTimeout: (fn, ms, ...args) => arm(fn, ms, args, false),
    setInterval: (fn, ms, ...args) => arm(fn, ms, args, true),
    setImmediate: (fn, ...args) => arm(fn, 0, args, false),
    clearTimeout: disarm, clearInterval: disarm, clearImmediate: disarm,
  };
  for (const k of Object.keys(globals)) {
    Object.defineProperty(G, k, { value: globals[k], writable: true, configurable: true, enumerable: false });
  }

  // ------------------------------------------------------------------ the Action
  function load(name) {
    const module = { exports: {}, id: filename, filename, loaded: false, children: [], paths: [], require };
    wrapper.call(module.exports, module.exports, require, module, filename, dirname);
    module.loaded = true;
    const handler = module.exports !== null && module.exports !== undefined ? module.exports[name] : undefined;
    return typeof handler === 'function' ? handler : null;
  }

  // Per run: what api.redirect may do ({canRedirect, state}) and the event, which
  // validateToken reads the /continue request from.
  let redirects = { canRedirect: false, state: null };
  let runEvent = {};

  function hostResult(json) {
    const r = parse(json);
    if (r.error !== undefined) throw new Error(r.error);
    return r.ok;
  }

  function encodeToken(options) {
    const o = options || {};
    if (typeof o.secret !== 'string' || o.secret === '') {
      throw new TypeError('api.redirect.encodeToken: options.secret must be a non-empty string');
    }
    const seconds = o.expiresInSeconds === undefined ? 900 : Number(o.expiresInSeconds);
    if (!(seconds > 0)) {
      throw new TypeError('api.redirect.encodeToken: options.expiresInSeconds must be a positive number');
    }
    const request = runEvent.request || {};
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: request.hostname,
      sub: runEvent.user ? runEvent.user.user_id : undefined,
      iat: now,
      ip: request.ip,
      ...(o.payload || {}),
      exp: now + Math.floor(seconds),
    };
    return hostResult(host.encodeToken(o.secret, stringify(claims)));
  }

  function validateToken(options) {
    const o = options || {};
    if (redirects.state === null || redirects.state === undefined) {
      throw new Error('api.redirect.validateToken can only be used in onContinuePostLogin');
    }
    if (typeof o.secret !== 'string' || o.secret === '') {
      throw new TypeError('api.redirect.validateToken: options.secret must be a non-empty string');
    }
    const name = o.tokenParameterName === undefined ? 'session_token' : String(o.tokenParameterName);
    const request = runEvent.request || {};
    const fromBody = request.body && request.body[name];
    const token = fromBody !== undefined ? fromBody : request.query && request.query[name];
    if (typeof token !== 'string' || token === '') {
      throw new Error(`api.redirect.validateToken: the /continue request has no '${name}' parameter`);
    }
    return hostResult(host.validateToken(o.secret, token, String(redirects.state)));
  }

  function unsupported(method, why) {
    return () => {
      throw new Error(`${method} is not supported by auth0-mock (${why})`);
    };
  }

  // Each trigger's `api` has only what Auth0's has for it: a post-registration Action calling
  // api.access.deny fails with a TypeError there too.
  function makeApi() {
    const api = {};
    const claim = (kind, name, value) => {
      const json = stringify(value);
      if (json !== undefined) host.op(kind, String(name), json);
      return api;
    };
    const metadata = (kind, key, value) => {
      const json = stringify(value === undefined ? null : value);
      host.op(kind, String(key), json === undefined ? 'null' : json);
      return api;
    };
    api.cache = {
      get: (key) => {
        const found = host.cacheGet(String(key));
        return found === undefined ? undefined : parse(found);
      },
      set: (key, value, options) => {
        if (typeof value !== 'string') return { type: 'error', code: 'INVALID_VALUE' };
        const o = options || {};
        const ttl = Number(o.ttl) > 0 ? Number(o.ttl) : 0;
        const expiresAt = Number(o.expires_at) > 0 ? Number(o.expires_at) : 0;
        return parse(host.cacheSet(String(key), value, ttl, expiresAt));
      },
      delete: (key) => parse(host.cacheDelete(String(key))),
    };
    if (trigger === 'post-login') {
      api.access = {
        deny: (reason) => { host.op('deny', reason === undefined ? '' : String(reason), undefined); return api; },
      };
      api.accessToken = {
        setCustomClaim: (name, value) => claim('accessClaim', name, value),
        addScope: (scope) => { host.op('addScope', String(scope), undefined); return api; },
        removeScope: (scope) => { host.op('removeScope', String(scope), undefined); return api; },
      };
      api.idToken = {
        setCustomClaim: (name, value) => claim('idClaim', name, value),
      };
      api.user = {
        setAppMetadata: (key, value) => metadata('appMetadata', key, value),
        setUserMetadata: (key, value) => metadata('userMetadata', key, value),
      };
      api.redirect = {
        canRedirect: () => redirects.canRedirect === true,
        sendUserTo: (url, options) => {
          const query = (options && options.query) || {};
          host.op('redirect', String(url), stringify(query));
          return api;
        },
        encodeToken,
        validateToken,
      };
      // The challenge happens at the end of the flow, with the user's TOTP authenticator
      // (enrolled on the spot when they have none); Duo needs Duo's servers.
      api.multifactor = {
        enable: (provider, options) => {
          const p = provider === undefined ? 'any' : String(provider);
          if (p === 'duo') {
            throw new Error('api.multifactor.enable(\'duo\') is not supported by auth0-mock (Duo needs its own servers): use \'any\' or \'google-authenticator\'');
          }
          if (!['any', 'guardian', 'google-authenticator', 'none'].includes(p)) {
            throw new TypeError(`api.multifactor.enable: unknown provider '${p}' (any, guardian, google-authenticator, duo or none)`);
          }
          // Remembering the browser (Auth0's auth0-mf cookie, 30 days) is the one option the
          // mock models; Duo's providerOptions have nothing to talk to.
          const remember = options !== null && typeof options === 'object' && options.allowRememberBrowser === true;
          host.op('mfa', p, JSON.stringify({ allowRememberBrowser: remember }));
          return api;
        },
      };
      api.authentication = {};
      for (const m of ['challengeWith', 'challengeWithAny', 'enrollWith', 'enrollWithAny', 'recordMethod', 'setPrimaryUser']) {
        api.authentication[m] = unsupported(`api.authentication.${m}`, 'no per-factor challenges or account linking: use api.multifactor.enable for a TOTP challenge');
      }
      api.session = {};
      for (const m of ['revoke', 'setExpiresAt', 'setIdleExpiresAt', 'setMetadata', 'deleteMetadata', 'evaluateMetadata']) {
        api.session[m] = unsupported(`api.session.${m}`, 'session management from Actions is not modelled');
      }
      api.refreshToken = {};
      for (const m of ['revoke', 'setExpiresAt', 'setIdleExpiresAt', 'setMetadata', 'deleteMetadata']) {
        api.refreshToken[m] = unsupported(`api.refreshToken.${m}`, 'refresh-token management from Actions is not modelled');
      }
      api.prompt = { render: unsupported('api.prompt.render', 'custom prompts cannot be shown offline') };
      api.samlResponse = {};
      for (const m of ['setAttribute', 'setAudience', 'setIssuer', 'setRecipient', 'setLifetimeInSeconds', 'setSignResponse', 'setNameIdentifierFormat', 'setNameIdentifierProbes', 'setDestination', 'setRelayState']) {
        api.samlResponse[m] = unsupported(`api.samlResponse.${m}`, 'the mock does not issue SAML responses');
      }
      api.rules = { wasExecuted: () => false };
    } else if (trigger === 'credentials-exchange') {
      api.access = {
        deny: (code, reason) => {
          host.op('validationError', String(code), stringify(reason === undefined ? '' : String(reason)));
          return api;
        },
      };
      api.accessToken = {
        setCustomClaim: (name, value) => claim('accessClaim', name, value),
      };
    } else if (trigger === 'pre-user-registration') {
      api.access = {
        deny: (reason, userMessage) => {
          host.op('deny', reason === undefined ? '' : String(reason), userMessage === undefined ? undefined : stringify(String(userMessage)));
          return api;
        },
      };
      api.validation = {
        error: (errorCode, errorMessage) => {
          host.op('validationError', String(errorCode), stringify(errorMessage === undefined ? '' : String(errorMessage)));
          return api;
        },
      };
      api.user = {
        setAppMetadata: (key, value) => metadata('appMetadata', key, value),
        setUserMetadata: (key, value) => metadata('userMetadata', key, value),
      };
    }
    return api;
  }

  function describe(e) {
    try {
      if (e !== null && typeof e === 'object' && 'message' in e) {
        return stringify({ name: String(e.name || 'Error'), message: String(e.message), stack: String(e.stack || '') });
      }
      return stringify({ name: '', message: String(e), stack: '' });
    } catch (_) {
      return stringify({ name: '', message: 'the Action threw a value that cannot be converted to a string', stack: '' });
    }
  }

  // Built while the context is prepared, before the login arrives: a context serves one run.
  const api = makeApi();

  // `name` is the trigger's export, or onContinuePostLogin when a redirected login comes
  // back; an Action that redirects without one simply lets the login go on, as in Auth0.
  function run(eventJson, name, redirectsJson) {
    (async () => {
      redirects = parse(redirectsJson);
      const event = parse(eventJson);
      runEvent = event;
      const handler = load(name);
      if (handler === null) {
        if (name !== exportName) return;
        throw new Error(`${filename} does not export ${exportName}`);
      }
      await handler(event, api);
    })().then(() => host.done(''), (e) => host.done(describe(e)));
  }

  function validate() {
    try {
      return load(exportName) === null ? stringify({ missing: true }) : '{}';
    } catch (e) {
      return stringify({ error: parse(describe(e)) });
    }
  }

  return { run, validate, settleFetch, fireTimer };
})
