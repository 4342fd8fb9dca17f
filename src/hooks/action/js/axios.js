// auth0-mock's stand-in for the `axios` npm package (the v1 API, reporting itself as 1.7.9),
// for Actions that declare axios as a dependency.
//
// Contract: this file holds exactly one top-level declaration, `makeAxios(fetch)`. Its argument
// is the node-fetch v2 compatible `fetch` that prelude.js builds (Response with status,
// statusText, headers.forEach and text(); a `timeout` option; rejections carrying node-fetch's
// `type`, 'request-timeout' for a timeout). It returns the `axios` default export, with
// instances, defaults and interceptors, whose every request goes through that `fetch`.
//
// It behaves like axios running in Node (the http adapter), since that is what Auth0 runs:
// string bodies default to a form content type, relative URLs without a baseURL fail, network
// errors keep the system error's code. What cannot be honoured offline or through a text-only
// `fetch` (cancellation, custom adapters and transforms, binary bodies, streams, progress
// callbacks) fails with an Error naming the feature instead of silently doing something else.
// The library's own code is not used: this is written from its documented behaviour.
function makeAxios(fetch) {
  'use strict';

  const VERSION = '1.7.9';
  const METHODS_WITHOUT_BODY = ['delete', 'get', 'head', 'options'];
  const METHODS_WITH_BODY = ['post', 'put', 'patch'];
  const HEADER_METHOD_KEYS = ['delete', 'get', 'head', 'post', 'put', 'patch', 'common'];

  function unsupportedError(name, why) {
    return new Error(`axios.${name} is not supported by auth0-mock${why ? ` (${why})` : ''}`);
  }

  // ------------------------------------------------------------------ small helpers
  const isObject = (v) => v !== null && typeof v === 'object';
  const tagOf = (v) => Object.prototype.toString.call(v).slice(8, -1);
  // Judged by shape, as axios does, so an object from another realm still counts.
  function isPlainObject(v) {
    if (!isObject(v) || tagOf(v) !== 'Object') return false;
    const proto = Object.getPrototypeOf(v);
    return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
  }
  const isVisitable = (v) => isPlainObject(v) || Array.isArray(v);
  const hasGlobal = (name) => typeof globalThis[name] === 'function';
  const isInstance = (v, name) => (hasGlobal(name) && v instanceof globalThis[name]) || tagOf(v) === name;

  function findKey(obj, name) {
    const wanted = String(name).toLowerCase();
    for (const k of Object.keys(obj)) {
      if (k.toLowerCase() === wanted) return k;
    }
    return null;
  }

  // Deep merge of plain objects, as axios merges configs and headers; arrays are copied so a
  // request cannot mutate the defaults it came from.
  function merge(caseless, ...sources) {
    const result = {};
    for (const source of sources) {
      if (!isObject(source)) continue;
      for (const key of Object.keys(source)) {
        const val = source[key];
        const target = (caseless && findKey(result, key)) || key;
        if (isPlainObject(result[target]) && isPlainObject(val)) {
          result[target] = merge(false, result[target], val);
        } else if (isPlainObject(val)) {
          result[target] = merge(false, val);
        } else if (Array.isArray(val)) {
          result[target] = val.slice();
        } else {
          result[target] = val;
        }
      }
    }
    return result;
  }

  // UTF-8 then base64, by hand: the engine has no Buffer, and btoa rejects non-Latin-1 text
  // while Node's http module encodes `auth` as UTF-8.
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function base64Utf8(text) {
    const bytes = [];
    const escaped = encodeURIComponent(text);
    for (let i = 0; i < escaped.length; i++) {
      if (escaped[i] === '%') {
        bytes.push(parseInt(escaped.substr(i + 1, 2), 16));
        i += 2;
      } else {
        bytes.push(escaped.charCodeAt(i));
      }
    }
    let out = '';
    for (let i = 0; i < bytes.length; i += 3) {
      const n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8) | (bytes[i + 2] || 0);
      out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
      out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
      out += i + 2 < bytes.length ? B64[n & 63] : '=';
    }
    return out;
  }

  // ------------------------------------------------------------------ AxiosError
  class AxiosError extends Error {
    constructor(message, code, config, request, response) {
      super(message);
      this.name = 'AxiosError';
      if (code) this.code = code;
      if (config) this.config = config;
      if (request) this.request = request;
      if (response) {
        this.response = response;
        this.status = response.status ? response.status : null;
      }
    }
    toJSON() {
      return {
        message: this.message,
        name: this.name,
        description: this.description,
        number: this.number,
        fileName: this.fileName,
        lineNumber: this.lineNumber,
        columnNumber: this.columnNumber,
        stack: this.stack,
        config: toJSONObject(this.config),
        code: this.code,
        status: this.status,
      };
    }
    // Wraps a lower-level error the way axios does: its own fields (a system error's `code`
    // above all) survive, and it stays reachable as `cause`.
    static from(error, code, config, request, response, customProps) {
      const e = new AxiosError(error && error.message, code, config, request, response);
      if (isObject(error)) {
        for (const k of Object.keys(error)) {
          if (!(k in e) && k !== 'isAxiosError') e[k] = error[k];
        }
        if (!code && error.code) e.code = error.code;
      }
      e.cause = error;
      if (customProps) Object.assign(e, customProps);
      return e;
    }
  }
  Object.defineProperty(AxiosError.prototype, 'isAxiosError', { value: true });
  for (const code of ['ERR_BAD_OPTION_VALUE', 'ERR_BAD_OPTION', 'ECONNABORTED', 'ETIMEDOUT', 'ERR_NETWORK',
    'ERR_FR_TOO_MANY_REDIRECTS', 'ERR_DEPRECATED', 'ERR_BAD_RESPONSE', 'ERR_BAD_REQUEST', 'ERR_CANCELED',
    'ERR_NOT_SUPPORT', 'ERR_INVALID_URL']) {
    Object.defineProperty(AxiosError, code, { value: code });
  }

  // Never thrown here (nothing can be cancelled), but `e instanceof axios.CanceledError` in a
  // catch block must evaluate to false rather than fail.
  class CanceledError extends AxiosError {
    constructor(message, config, request) {
      super(message == null ? 'canceled' : message, 'ERR_CANCELED', config, request);
      this.name = 'CanceledError';
    }
  }
  Object.defineProperty(CanceledError.prototype, '__CANCEL__', { value: true });

  function toJSONObject(value, seen) {
    const stack = seen || [];
    if (!isObject(value)) return typeof value === 'function' ? undefined : value;
    if (stack.includes(value)) return undefined;
    if (typeof value.toJSON === 'function') return value.toJSON();
    stack.push(value);
    const out = Array.isArray(value) ? [] : {};
    for (const k of Object.keys(value)) {
      const v = toJSONObject(value[k], stack);
      if (v !== undefined) out[k] = v;
    }
    stack.pop();
    return out;
  }

  // ------------------------------------------------------------------ AxiosHeaders
  // Header names are own enumerable properties (so `config.headers.Authorization = …` in an
  // interceptor works, as it does on axios' object), lookups are case-insensitive, and null,
  // undefined or false mean "do not send".
  function normalizeValue(value) {
    if (value === false || value == null) return value;
    return Array.isArray(value) ? value.map(normalizeValue) : String(value);
  }
  class AxiosHeaders {
    constructor(init) {
      if (init) this.set(init);
    }
    set(name, value, rewrite) {
      if (isObject(name)) {
        const source = name instanceof AxiosHeaders ? name.toJSONRaw() : name;
        for (const k of Object.keys(source)) this.set(k, source[k], value);
        return this;
      }
      const header = String(name).trim();
      if (!header) return this;
      const key = findKey(this, header);
      if (!key || this[key] === undefined || rewrite === true || (rewrite === undefined && this[key] !== false)) {
        this[key || header] = normalizeValue(value);
      }
      return this;
    }
    get(name) {
      const key = findKey(this, name);
      return key ? this[key] : undefined;
    }
    has(name) {
      const key = findKey(this, name);
      return !!key && this[key] !== undefined;
    }
    delete(name) {
      const key = findKey(this, name);
      if (!key) return false;
      delete this[key];
      return true;
    }
    clear() {
      for (const k of Object.keys(this)) delete this[k];
      return true;
    }
    normalize() { return this; }
    concat(...targets) { return AxiosHeaders.concat(this, ...targets); }
    toJSONRaw() {
      const out = {};
      for (const k of Object.keys(this)) out[k] = this[k];
      return out;
    }
    toJSON() {
      const out = {};
      for (const k of Object.keys(this)) {
        const v = this[k];
        if (v != null && v !== false) out[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      return out;
    }
    toString() {
      return Object.entries(this.toJSON()).map(([k, v]) => `${k}: ${v}`).join('\n');
    }
    get [Symbol.toStringTag]() { return 'AxiosHeaders'; }
    static from(thing) {
      return thing instanceof AxiosHeaders ? thing : new AxiosHeaders(thing);
    }
    static concat(first, ...targets) {
      const out = new AxiosHeaders(first);
      for (const t of targets) if (t) out.set(t);
      return out;
    }
  }
  for (const header of ['Content-Type', 'Content-Length', 'Accept', 'Accept-Encoding', 'User-Agent', 'Authorization']) {
    const suffix = header.replace(/-/g, '');
    Object.defineProperty(AxiosHeaders.prototype, `get${suffix}`, { value(...a) { return this.get(header, ...a); } });
    Object.defineProperty(AxiosHeaders.prototype, `set${suffix}`, { value(v, rewrite) { return this.set(header, v, rewrite); } });
    Object.defineProperty(AxiosHeaders.prototype, `has${suffix}`, { value() { return this.has(header); } });
  }

  // ------------------------------------------------------------------ query strings and forms
  // Flattens params the way axios' default serializer does: null/undefined dropped, flat
  // arrays as `key[]=v`, nested objects as `a[b]=v`, nested arrays by index, `key{}` as JSON.
  function flatten(params) {
    if (!isObject(params)) throw new TypeError('target must be an object');
    const pairs = [];
    const seen = [];
    const convert = (v) => (v === null ? '' : tagOf(v) === 'Date' ? v.toISOString() : v);
    const stripBrackets = (k) => (String(k).endsWith('[]') ? String(k).slice(0, -2) : String(k));
    const renderKey = (path, key) => path.concat(key).map((t, i) => {
      const token = stripBrackets(t);
      return i ? `[${token}]` : token;
    }).join('');
    function visit(value, key, path) {
      if (value && !path && typeof value === 'object') {
        // axios keeps the `{}` marker in the name (its serializer runs with metaTokens on).
        if (String(key).endsWith('{}')) {
          pairs.push([String(key), JSON.stringify(value)]);
          return false;
        }
        if (Array.isArray(value) && (!value.some(isVisitable) || String(key).endsWith('[]'))) {
          const base = stripBrackets(key);
          for (const el of value) {
            if (el !== undefined && el !== null) pairs.push([`${base}[]`, convert(el)]);
          }
          return false;
        }
      }
      if (isVisitable(value)) return true;
      pairs.push([path ? renderKey(path, key) : String(key), convert(value)]);
      return false;
    }
    function build(value, path) {
      if (value === undefined) return;
      if (seen.includes(value)) throw new Error(`Circular reference detected in ${path.join('.')}`);
      seen.push(value);
      const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
      for (const k of keys) {
        const el = value[k];
        if (el === undefined || el === null) continue;
        const key = typeof k === 'string' ? k.trim() : k;
        if (visit(el, key, path) === true) build(el, path ? path.concat(key) : [key]);
      }
      seen.pop();
    }
    build(params);
    return pairs;
  }
  // axios' query encoding: encodeURIComponent with : $ , [ ] kept readable and space as '+'.
  function encodeQuery(v) {
    return encodeURIComponent(v)
      .replace(/%3A/gi, ':').replace(/%24/g, '$').replace(/%2C/gi, ',')
      .replace(/%20/g, '+').replace(/%5B/gi, '[').replace(/%5D/gi, ']');
  }
  // application/x-www-form-urlencoded as URLSearchParams serializes it (what axios' Node build
  // uses for object bodies sent with a form content type).
  function encodeForm(v) {
    return encodeURIComponent(v).replace(/[!'()~]|%20/g, (m) => (m === '%20' ? '+' : `%${m.charCodeAt(0).toString(16).toUpperCase()}`));
  }

  function buildURL(url, params, serializer) {
    if (!params) return url;
    const options = typeof serializer === 'function' ? { serialize: serializer } : serializer;
    const encode = (options && options.encode) || encodeQuery;
    let query;
    if (options && typeof options.serialize === 'function') {
      query = options.serialize(params, options);
    } else if (isInstance(params, 'URLSearchParams')) {
      query = params.toString();
    } else {
      query = flatten(params).map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
    }
    if (!query) return url;
    const hash = url.indexOf('#');
    const base = hash === -1 ? url : url.slice(0, hash);
    return base + (base.indexOf('?') === -1 ? '?' : '&') + query;
  }

  const isAbsoluteURL = (url) => /^([a-z][a-z\d+\-.]*:)?\/\//i.test(url);
  function buildFullPath(baseURL, url) {
    if (baseURL && !isAbsoluteURL(url)) {
      return url ? `${String(baseURL).replace(/\/?\/$/, '')}/${String(url).replace(/^\/+/, '')}` : baseURL;
    }
    return url;
  }

  // ------------------------------------------------------------------ config merging
  const takeSecond = (a, b) => (b !== undefined ? mergedValue(undefined, b) : undefined);
  const secondOrFirst = (a, b) => (b !== undefined ? mergedValue(undefined, b) : a !== undefined ? mergedValue(undefined, a) : undefined);
  function mergedValue(target, source, caseless) {
    if (isPlainObject(target) && isPlainObject(source)) return merge(caseless, target, source);
    if (isPlainObject(source)) return merge(caseless, source);
    if (Array.isArray(source)) return source.slice();
    return source;
  }
  function deep(a, b, caseless) {
    if (b !== undefined) return mergedValue(a, b, caseless);
    if (a !== undefined) return mergedValue(undefined, a, caseless);
    return undefined;
  }
  const MERGE_RULES = {
    url: takeSecond, method: takeSecond, data: takeSecond,
    headers: (a, b) => deep(a instanceof AxiosHeaders ? a.toJSONRaw() : a, b instanceof AxiosHeaders ? b.toJSONRaw() : b, true),
  };
  for (const k of ['baseURL', 'transformRequest', 'transformResponse', 'paramsSerializer', 'timeout', 'timeoutMessage',
    'withCredentials', 'withXSRFToken', 'adapter', 'responseType', 'xsrfCookieName', 'xsrfHeaderName',
    'onUploadProgress', 'onDownloadProgress', 'decompress', 'maxContentLength', 'maxBodyLength', 'beforeRedirect',
    'transport', 'httpAgent', 'httpsAgent', 'cancelToken', 'socketPath', 'responseEncoding']) {
    MERGE_RULES[k] = secondOrFirst;
  }
  // validateStatus given as null/undefined on purpose means "accept every status", so its
  // presence, not its value, decides.
  function mergeConfig(config1, config2) {
    const c1 = config1 || {};
    const c2 = config2 || {};
    const config = {};
    for (const prop of Object.keys(Object.assign({}, c1, c2))) {
      if (prop === 'validateStatus') {
        if (prop in c2) config[prop] = c2[prop];
        else if (prop in c1) config[prop] = c1[prop];
        continue;
      }
      const rule = MERGE_RULES[prop] || deep;
      const value = rule(c1[prop], c2[prop]);
      if (value !== undefined) config[prop] = value;
    }
    return config;
  }

  // ------------------------------------------------------------------ sending
  // Options that would change what axios does in ways a text-only fetch cannot reproduce.
  const UNSUPPORTED_OPTIONS = {
    adapter: 'requests always go through the mock\'s fetch',
    cancelToken: 'requests cannot be cancelled',
    signal: 'requests cannot be aborted; use timeout',
    transformRequest: 'the default request transformation is always applied',
    transformResponse: 'the default response transformation is always applied',
    onUploadProgress: 'no progress events are emitted',
    onDownloadProgress: 'no progress events are emitted',
    socketPath: 'requests go over the mock\'s HTTP client',
    beforeRedirect: 'redirects are followed by the mock\'s HTTP client',
    transport: 'requests go over the mock\'s HTTP client',
    maxRate: 'bandwidth is not limited',
    lookup: 'DNS is resolved by the mock\'s HTTP client',
  };

  function checkSupported(config) {
    for (const name of Object.keys(UNSUPPORTED_OPTIONS)) {
      if (config[name] !== undefined && config[name] !== null) {
        throw unsupportedError(`request config \`${name}\``, UNSUPPORTED_OPTIONS[name]);
      }
    }
    const rt = config.responseType;
    if (rt !== undefined && rt !== null && rt !== '' && rt !== 'json' && rt !== 'text') {
      throw unsupportedError(`request config \`responseType: '${rt}'\``, "only 'json' and 'text' are");
    }
  }

  function transformRequest(data, headers) {
    const contentType = String(headers.getContentType() || '');
    const jsonType = contentType.indexOf('application/json') > -1;
    if (data === undefined) return data;
    if (data === null) return jsonType ? 'null' : null;
    if (isInstance(data, 'FormData') || isInstance(data, 'Blob') || isInstance(data, 'ArrayBuffer') || ArrayBuffer.isView(data)) {
      throw unsupportedError('request bodies of binary or multipart data', 'send a string, a URLSearchParams or a plain object');
    }
    if (isInstance(data, 'URLSearchParams')) {
      headers.setContentType('application/x-www-form-urlencoded;charset=utf-8', false);
      return data.toString();
    }
    if (isObject(data)) {
      if (contentType.indexOf('application/x-www-form-urlencoded') > -1) {
        return flatten(data).map(([k, v]) => `${encodeForm(k)}=${encodeForm(v)}`).join('&');
      }
      if (contentType.indexOf('multipart/form-data') > -1) {
        throw unsupportedError('multipart/form-data bodies', 'send JSON or a urlencoded form');
      }
    }
    if (isObject(data) || jsonType) {
      headers.setContentType('application/json', false);
      if (typeof data === 'string') {
        try {
          JSON.parse(data);
          return data.trim();
        } catch (e) {
          if (e.name !== 'SyntaxError') throw e;
        }
      }
      return JSON.stringify(data);
    }
    return data;
  }

  function transformResponse(data, config, response) {
    const transitional = config.transitional || {};
    const jsonRequested = config.responseType === 'json';
    if (data && typeof data === 'string' && ((transitional.forcedJSONParsing !== false && !config.responseType) || jsonRequested)) {
      try {
        return JSON.parse(data);
      } catch (e) {
        if (transitional.silentJSONParsing === false && jsonRequested) {
          throw AxiosError.from(e, AxiosError.ERR_BAD_RESPONSE, config, null, response);
        }
      }
    }
    return data;
  }

  function send(config) {
    const fullPath = buildFullPath(config.baseURL, config.url);
    const scheme = /^([a-z][a-z\d+\-.]*):/i.exec(String(fullPath));
    if (!scheme) {
      // Node's `new URL(path)` failing, as axios' http adapter lets it.
      const e = new TypeError('Invalid URL');
      e.code = 'ERR_INVALID_URL';
      e.input = fullPath;
      throw e;
    }
    const protocol = `${scheme[1].toLowerCase()}:`;
    if (protocol === 'data:') throw unsupportedError('requests to data: URLs');
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw new AxiosError(`Unsupported protocol ${protocol}`, AxiosError.ERR_BAD_REQUEST, config);
    }
    const url = buildURL(fullPath, config.params, config.paramsSerializer);
    const headers = config.headers;
    headers.set('User-Agent', `axios/${VERSION}`, false);
    let body = config.data;
    if (body !== undefined && body !== null && typeof body !== 'string') {
      throw new AxiosError('Data after transformation must be a string, an ArrayBuffer, a Buffer, or a Stream', AxiosError.ERR_BAD_REQUEST, config);
    }
    if (body === '' || body === null) body = undefined;
    if (config.auth) {
      headers.delete('authorization');
      headers.set('Authorization', `Basic ${base64Utf8(`${config.auth.username || ''}:${config.auth.password || ''}`)}`);
    }
    let timeout = 0;
    if (config.timeout) {
      timeout = parseInt(config.timeout, 10);
      if (Number.isNaN(timeout)) {
        throw new AxiosError('error trying to parse `config.timeout` to int', AxiosError.ERR_BAD_OPTION_VALUE, config, {});
      }
    }
    const method = config.method.toUpperCase();
    if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
      throw unsupportedError(`${config.method}() with a request body`, 'the mock\'s fetch sends no body on GET or HEAD');
    }
    const request = {};
    const init = { method, headers: headers.toJSON() };
    if (body !== undefined) init.body = body;
    if (timeout > 0) init.timeout = timeout;
    return fetch(url, init).then(
      (res) => res.text().then((text) => {
        const responseHeaders = new AxiosHeaders();
        res.headers.forEach((v, k) => { responseHeaders[String(k).toLowerCase()] = v; });
        const response = {
          data: text, status: res.status, statusText: res.statusText, headers: responseHeaders, config, request,
        };
        const validate = config.validateStatus;
        if (!response.status || !validate || validate(response.status)) return response;
        const code = response.status >= 400 && response.status < 500 ? AxiosError.ERR_BAD_REQUEST
          : response.status >= 500 && response.status < 600 ? AxiosError.ERR_BAD_RESPONSE : undefined;
        throw new AxiosError(`Request failed with status code ${response.status}`, code, config, request, response);
      }),
      (err) => {
        if (err && err.type === 'request-timeout') {
          const transitional = config.transitional || {};
          throw new AxiosError(
            config.timeoutErrorMessage || `timeout of ${config.timeout}ms exceeded`,
            transitional.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED,
            config, request,
          );
        }
        // In Node the code is the system error's (ECONNREFUSED…); ERR_NETWORK is the browser's
        // catch-all, kept for errors that carry no code.
        throw AxiosError.from(err, (err && err.code) || AxiosError.ERR_NETWORK, config, request);
      },
    );
  }

  function dispatch(config) {
    checkSupported(config);
    config.headers = AxiosHeaders.from(config.headers);
    config.data = transformRequest(config.data, config.headers);
    if (METHODS_WITH_BODY.includes(config.method)) {
      config.headers.setContentType('application/x-www-form-urlencoded', false);
    }
    return send(config).then(
      (response) => {
        response.data = transformResponse(response.data, config, response);
        return response;
      },
      (reason) => {
        if (reason && reason.response) {
          reason.response.data = transformResponse(reason.response.data, config, reason.response);
        }
        throw reason;
      },
    );
  }

  // ------------------------------------------------------------------ interceptors
  class InterceptorManager {
    constructor() { this.handlers = []; }
    use(fulfilled, rejected, options) {
      this.handlers.push({
        fulfilled, rejected,
        synchronous: options ? options.synchronous : false,
        runWhen: options ? options.runWhen : null,
      });
      return this.handlers.length - 1;
    }
    eject(id) { if (this.handlers[id]) this.handlers[id] = null; }
    clear() { this.handlers = []; }
    forEach(fn) { for (const h of this.handlers) if (h !== null) fn(h); }
  }

  // ------------------------------------------------------------------ the Axios class
  class Axios {
    constructor(instanceConfig) {
      this.defaults = instanceConfig;
      this.interceptors = { request: new InterceptorManager(), response: new InterceptorManager() };
    }

    request(configOrUrl, maybeConfig) {
      let config;
      try {
        config = typeof configOrUrl === 'string'
          ? Object.assign({}, maybeConfig, { url: configOrUrl })
          : Object.assign({}, configOrUrl);
        config = mergeConfig(this.defaults, config);
        if (typeof config.paramsSerializer === 'function') config.paramsSerializer = { serialize: config.paramsSerializer };
        config.method = String(config.method || this.defaults.method || 'get').toLowerCase();
        const headers = config.headers || {};
        const contextHeaders = merge(false, headers.common, headers[config.method]);
        for (const m of HEADER_METHOD_KEYS) delete headers[m];
        config.headers = AxiosHeaders.concat(contextHeaders, headers);
      } catch (e) {
        return Promise.reject(e);
      }

      // axios runs request interceptors last-registered first, response interceptors in order.
      const requestChain = [];
      this.interceptors.request.forEach((h) => {
        if (typeof h.runWhen === 'function' && h.runWhen(config) === false) return;
        requestChain.unshift(h.fulfilled, h.rejected);
      });
      const responseChain = [];
      this.interceptors.response.forEach((h) => { responseChain.push(h.fulfilled, h.rejected); });
      const chain = [...requestChain, dispatch, undefined, ...responseChain];
      let promise = Promise.resolve(config);
      for (let i = 0; i < chain.length; i += 2) promise = promise.then(chain[i], chain[i + 1]);
      return promise;
    }

    getUri(config) {
      const merged = mergeConfig(this.defaults, config);
      return buildURL(buildFullPath(merged.baseURL, merged.url), merged.params, merged.paramsSerializer);
    }
  }
  for (const method of METHODS_WITHOUT_BODY) {
    Axios.prototype[method] = function (url, config) {
      return this.request(mergeConfig(config || {}, { method, url, data: (config || {}).data }));
    };
  }
  for (const method of METHODS_WITH_BODY) {
    Axios.prototype[method] = function (url, data, config) {
      return this.request(mergeConfig(config || {}, { method, headers: {}, url, data }));
    };
    Axios.prototype[`${method}Form`] = function () {
      throw unsupportedError(`${method}Form`, 'multipart/form-data bodies cannot be sent; use axios.' + method + ' with an object or URLSearchParams');
    };
  }

  function createInstance(defaultConfig) {
    const context = new Axios(defaultConfig);
    const instance = function axios(configOrUrl, config) { return context.request(configOrUrl, config); };
    for (const name of ['request', 'getUri', ...METHODS_WITHOUT_BODY, ...METHODS_WITH_BODY,
      ...METHODS_WITH_BODY.map((m) => `${m}Form`)]) {
      instance[name] = Axios.prototype[name].bind(context);
    }
    instance.defaults = context.defaults;
    instance.interceptors = context.interceptors;
    instance.create = (instanceConfig) => createInstance(mergeConfig(defaultConfig, instanceConfig));
    return instance;
  }

  const headerDefaults = { common: { Accept: 'application/json, text/plain, */*', 'Content-Type': undefined } };
  for (const m of ['delete', 'get', 'head', 'post', 'put', 'patch']) headerDefaults[m] = {};
  const axios = createInstance({
    transitional: { silentJSONParsing: true, forcedJSONParsing: true, clarifyTimeoutError: false },
    timeout: 0,
    xsrfCookieName: 'XSRF-TOKEN',
    xsrfHeaderName: 'X-XSRF-TOKEN',
    maxContentLength: -1,
    maxBodyLength: -1,
    validateStatus: (status) => status >= 200 && status < 300,
    headers: headerDefaults,
  });

  class CancelToken {
    constructor() { throw unsupportedError('CancelToken', 'requests cannot be cancelled'); }
    static source() { throw unsupportedError('CancelToken.source', 'requests cannot be cancelled'); }
  }

  axios.Axios = Axios;
  axios.AxiosError = AxiosError;
  axios.CanceledError = CanceledError;
  axios.Cancel = CanceledError;
  axios.CancelToken = CancelToken;
  axios.AxiosHeaders = AxiosHeaders;
  axios.isCancel = () => false;
  axios.isAxiosError = (payload) => isObject(payload) && payload.isAxiosError === true;
  axios.VERSION = VERSION;
  axios.all = (promises) => Promise.all(promises);
  axios.spread = (callback) => (arr) => callback.apply(null, arr);
  axios.mergeConfig = mergeConfig;
  for (const name of ['toFormData', 'formToJSON', 'getAdapter']) {
    axios[name] = () => { throw unsupportedError(name); };
  }
  Object.defineProperty(axios, 'HttpStatusCode', {
    get() { throw unsupportedError('HttpStatusCode', 'compare response.status with numbers'); },
    enumerable: false,
  });
  axios.default = axios;
  return axios;
}
