// auth0-mock's stand-in for the `auth0` npm package (node-auth0), for Actions that declare it:
// the ManagementClient, as Actions use it, of the major version the Action declares.
//
// Contract: this file holds exactly one top-level declaration, `makeAuth0(fetch, major)`.
// `fetch` is prelude.js's node-fetch v2 compatible fetch; `major` is the declared major version
// (3: the flat, callback-or-promise API resolving to the response body; 4: namespaced managers
// resolving to ApiResponse objects). It returns the module's exports: `ManagementClient`, for
// v4 also the error classes that v4 exports, and an `AuthenticationClient` that refuses to be
// built. A major below 3 gets a ManagementClient that refuses to be built.
//
// Every request carries `x-auth0-mock-in-process: 1`: the mock's Rust side serves such requests
// from its own store, whatever host the URL names. The URLs, methods, query strings and bodies
// are still the ones the real SDK sends (`https://${domain}/api/v2/...`, a client-credentials
// grant to `https://${domain}/oauth/token`), because they are recorded for the test author.
//
// Written from the SDK's observable behaviour (node-auth0 4.37.1 and 3.7.2 with rest-facade),
// not from its code. Left out on purpose: the SDK's retries on 429 (the mock's limit, 1000
// calls a second, is far above what an Action makes, so a 429 simply rejects like any other
// error reply), telemetry headers, and mTLS or private-key-JWT client authentication (there is
// no crypto in the engine). A namespace or method that is not implemented throws an Error
// naming it.
function makeAuth0(fetch, major) {
  'use strict';

  const IN_PROCESS_HEADER = 'x-auth0-mock-in-process';
  const IGNORED_PROPS = ['then', 'catch', 'finally', 'toJSON', 'inspect', 'asymmetricMatch', 'nodeType', '$$typeof', '__esModule'];

  // ------------------------------------------------------------------ shared helpers
  function headersToObject(headers) {
    const out = {};
    if (headers && typeof headers.forEach === 'function') headers.forEach((v, k) => { out[String(k).toLowerCase()] = v; });
    return out;
  }

  // application/x-www-form-urlencoded as URLSearchParams writes it (v4 posts the token request
  // from a URLSearchParams).
  function formEncode(v) {
    return encodeURIComponent(String(v)).replace(/[!'()~]|%20/g, (m) => (m === '%20' ? '+' : `%${m.charCodeAt(0).toString(16).toUpperCase()}`));
  }

  function send(url, init) {
    const headers = Object.assign({}, init.headers);
    headers[IN_PROCESS_HEADER] = '1';
    const options = { method: init.method, headers };
    if (init.body !== undefined) options.body = init.body;
    if (init.timeout > 0) options.timeout = init.timeout;
    return fetch(url, options);
  }

  function unsupportedNamespace(label, supported) {
    return new Proxy({}, {
      get(target, prop) {
        if (typeof prop === 'symbol' || IGNORED_PROPS.includes(prop) || prop in target) return Reflect.get(target, prop);
        return () => {
          throw new Error(`${label}.${String(prop)} is not supported by auth0-mock (supported: ${supported})`);
        };
      },
    });
  }

  // Names the missing method instead of letting `undefined is not a function` reach the author.
  function guard(obj, label, supported, namespaces, unknownHint) {
    return new Proxy(obj, {
      get(target, prop, receiver) {
        if (typeof prop === 'symbol' || prop in target || IGNORED_PROPS.includes(prop)) return Reflect.get(target, prop, receiver);
        const name = String(prop);
        if (namespaces && namespaces.includes(name)) return unsupportedNamespace(`${label}.${name}`, supported);
        return () => {
          throw new Error(`${label}.${name} is not supported by auth0-mock${unknownHint || ''} (supported: ${supported})`);
        };
      },
    });
  }

  function methodList(prefix, managers) {
    const out = [];
    for (const ns of Object.keys(managers)) for (const m of Object.keys(managers[ns])) out.push(`${prefix}${ns}.${m}`);
    return out;
  }

  class UnsupportedAuthenticationClient {
    constructor() {
      throw new Error("require('auth0').AuthenticationClient is not supported by auth0-mock (use ManagementClient; it gets its own token)");
    }
  }

  if (!(Number(major) >= 3)) {
    class UnsupportedVersion {
      constructor() {
        throw new Error(`auth0@${major} is not supported by auth0-mock (supported: auth0@3 and auth0@4)`);
      }
    }
    return { ManagementClient: UnsupportedVersion, AuthenticationClient: UnsupportedAuthenticationClient };
  }
  return Number(major) >= 4 ? makeV4() : makeV3();

  // ================================================================== auth0@4
  function makeV4() {
    class ResponseError extends Error {
      constructor(statusCode, body, headers, msg) {
        super(msg);
        this.statusCode = statusCode;
        this.body = body;
        this.headers = headers;
        this.name = 'ResponseError';
      }
    }
    class TimeoutError extends Error {
      constructor() {
        super('The request was timed out.');
        this.name = 'TimeoutError';
      }
    }
    class FetchError extends Error {
      constructor(cause, msg) {
        super(msg);
        this.cause = cause;
        this.name = 'FetchError';
      }
    }
    class RequiredError extends Error {
      constructor(field, msg) {
        super(msg);
        this.field = field;
        this.name = 'RequiredError';
      }
    }
    class ManagementApiError extends Error {
      constructor(errorCode, error, statusCode, body, headers, msg) {
        super(msg);
        this.errorCode = errorCode;
        this.error = error;
        this.statusCode = statusCode;
        this.body = body;
        this.headers = headers;
        this.msg = msg;
        this.name = 'ManagementApiError';
      }
    }
    class AuthApiError extends Error {
      constructor(error, errorDescription, statusCode, body, headers) {
        super(errorDescription || error);
        this.error = error;
        this.error_description = errorDescription;
        this.statusCode = statusCode;
        this.body = body;
        this.headers = headers;
        this.name = 'AuthApiError';
      }
    }
    class ApiResponse {
      constructor(hasData, data, headers, status, statusText) {
        if (hasData) this.data = data;
        this.headers = headers;
        this.status = status;
        this.statusText = statusText;
      }
    }

    async function managementError(res) {
      const body = await res.text();
      let data;
      try {
        data = JSON.parse(body);
      } catch (_) {
        return new ResponseError(res.status, body, res.headers, 'Response returned an error code');
      }
      if (data === null || data === undefined) return new ResponseError(res.status, body, res.headers, 'Response returned an error code');
      return new ManagementApiError(data.errorCode, data.error, data.statusCode || res.status, body, res.headers, data.message);
    }

    async function authError(res) {
      const body = await res.text();
      let data;
      try {
        data = JSON.parse(body);
        data = data.error ? data : { error: data.code, error_description: data.description };
      } catch (_) {
        return new ResponseError(res.status, body, res.headers, 'Response returned an error code');
      }
      return new AuthApiError(data.error, data.error_description, res.status, body, res.headers);
    }

    // The SDK reports both a network failure and its own timeout as a FetchError whose `cause`
    // is the underlying error.
    async function transmit(client, url, init) {
      if (!client.domain) {
        const cause = new Error(`getaddrinfo ENOTFOUND ${client.domain}`);
        throw new FetchError(cause, `fetch failed: new ManagementClient() was given no \`domain\`, so this request would go to ${url} (auth0-mock does not send it)`);
      }
      try {
        return await send(url, Object.assign({}, init, { timeout: client.timeoutDuration }));
      } catch (e) {
        const cause = e && e.type === 'request-timeout' ? new TimeoutError() : e;
        throw new FetchError(cause, cause && cause.message !== undefined ? cause.message : 'The request failed and the interceptors did not return an alternative response');
      }
    }

    function resolveValue(value) {
      if (typeof value === 'function') {
        const result = value();
        return result instanceof Promise ? result : Promise.resolve(result);
      }
      return Promise.resolve(value);
    }

    const LEEWAY_MS = 10 * 1000;

    function makeTokenGetter(client, options) {
      if ('token' in options) return () => resolveValue(options.token);
      if (options.clientAssertionSigningKey) {
        return () => Promise.reject(new Error('ManagementClient option clientAssertionSigningKey is not supported by auth0-mock (use clientSecret)'));
      }
      const audience = options.audience !== undefined && options.audience !== null ? options.audience : `https://${options.domain}/api/v2/`;
      let accessToken = '';
      let expiresAt = 0;
      let pending = null;
      async function grant() {
        const clientSecret = options.clientSecret;
        if (!clientSecret || String(clientSecret).trim().length === 0) {
          if (!options.useMTLS) throw new Error('The client_secret or client_assertion field is required, or it should be mTLS request.');
          throw new Error('ManagementClient option useMTLS is not supported by auth0-mock (use clientSecret)');
        }
        const fields = [['client_id', options.clientId], ['audience', audience], ['client_secret', clientSecret], ['grant_type', 'client_credentials']];
        const res = await transmit(client, `https://${options.domain}/oauth/token`, {
          method: 'POST',
          headers: Object.assign({}, options.headers, { 'Content-Type': 'application/x-www-form-urlencoded' }),
          body: fields.map(([k, v]) => `${formEncode(k)}=${formEncode(v)}`).join('&'),
        });
        if (!(res.status >= 200 && res.status < 300)) throw await authError(res);
        return res.json();
      }
      return async () => {
        if (!accessToken || Date.now() > expiresAt - LEEWAY_MS) {
          if (!pending) pending = grant().finally(() => { pending = null; });
          const data = await pending;
          expiresAt = Date.now() + data.expires_in * 1000;
          accessToken = data.access_token;
        }
        return accessToken;
      };
    }

    function queryString(query) {
      return Object.keys(query).map((key) => {
        const value = query[key];
        const k = encodeURIComponent(key);
        return Array.isArray(value)
          ? `${k}=${value.map((v) => encodeURIComponent(String(v))).join(`&${k}=`)}`
          : `${k}=${encodeURIComponent(String(value))}`;
      }).filter((part) => part.length > 0).join('&');
    }

    // Each endpoint as the 4.37.1 generated managers call it: the query keys are the only ones
    // the SDK forwards (anything else in the parameters is dropped), in the SDK's order.
    // `shape` names the arguments: p = path/query parameters, b = body.
    function op(method, path, shape, result, query, required) {
      return { method, path, shape, result, query: query ? query.split(',') : [], required };
    }
    const PAGING = 'per_page,page,include_totals';
    const ENDPOINTS = {
      users: {
        getAll: op('GET', '/users', 'p?', 'json', 'page,per_page,include_totals,sort,connection,fields,include_fields,q,search_engine'),
        get: op('GET', '/users/{id}', 'p', 'json', 'fields,include_fields'),
        create: op('POST', '/users', 'b', 'json'),
        update: op('PATCH', '/users/{id}', 'pb', 'json'),
        delete: op('DELETE', '/users/{id}', 'p', 'void'),
        getRoles: op('GET', '/users/{id}/roles', 'p', 'json', PAGING),
        assignRoles: op('POST', '/users/{id}/roles', 'pb', 'void'),
        deleteRoles: op('DELETE', '/users/{id}/roles', 'pb', 'void'),
        getPermissions: op('GET', '/users/{id}/permissions', 'p', 'json', PAGING),
        assignPermissions: op('POST', '/users/{id}/permissions', 'pb', 'void'),
        deletePermissions: op('DELETE', '/users/{id}/permissions', 'pb', 'void'),
      },
      usersByEmail: {
        getByEmail: op('GET', '/users-by-email', 'p', 'json', 'fields,include_fields,email', ['email']),
      },
      roles: {
        getAll: op('GET', '/roles', 'p?', 'json', `${PAGING},name_filter`),
        get: op('GET', '/roles/{id}', 'p', 'json'),
        create: op('POST', '/roles', 'b', 'json'),
        update: op('PATCH', '/roles/{id}', 'pb', 'json'),
        delete: op('DELETE', '/roles/{id}', 'p', 'void'),
        getUsers: op('GET', '/roles/{id}/users', 'p', 'json', `${PAGING},from,take`),
        assignUsers: op('POST', '/roles/{id}/users', 'pb', 'void'),
        getPermissions: op('GET', '/roles/{id}/permissions', 'p', 'json', PAGING),
        addPermissions: op('POST', '/roles/{id}/permissions', 'pb', 'void'),
        deletePermissions: op('DELETE', '/roles/{id}/permissions', 'pb', 'void'),
      },
      clients: {
        getAll: op('GET', '/clients', 'p?', 'json', 'fields,include_fields,page,per_page,include_totals,from,take,is_global,is_first_party,app_type,client_ids,q'),
        get: op('GET', '/clients/{client_id}', 'p', 'json', 'fields,include_fields'),
        create: op('POST', '/clients', 'b', 'json'),
      },
      clientGrants: {
        getAll: op('GET', '/client-grants', 'p?', 'json', `${PAGING},from,take,audience,client_id,allow_any_organization,subject_type`),
        create: op('POST', '/client-grants', 'b', 'json'),
      },
      resourceServers: {
        getAll: op('GET', '/resource-servers', 'p?', 'json', 'identifiers,page,per_page,include_totals,include_fields'),
        get: op('GET', '/resource-servers/{id}', 'p', 'json', 'include_fields'),
        create: op('POST', '/resource-servers', 'b', 'json'),
      },
      connections: {
        getAll: op('GET', '/connections', 'p?', 'json', `${PAGING},from,take,strategy,domain_alias,name,fields,include_fields`),
        get: op('GET', '/connections/{id}', 'p', 'json', 'fields,include_fields'),
      },
      jobs: {
        get: op('GET', '/jobs/{id}', 'p', 'json'),
        verifyEmail: op('POST', '/jobs/verification-email', 'b', 'json'),
      },
      tickets: {
        changePassword: op('POST', '/tickets/password-change', 'b', 'json'),
        verifyEmail: op('POST', '/tickets/email-verification', 'b', 'json'),
      },
      stats: {
        getActiveUsersCount: op('GET', '/stats/active-users', '', 'text'),
      },
    };
    // The other namespaces of 4.37.1's ManagementClient: reachable, but every call refuses.
    const OTHER_NAMESPACES = ['actions', 'anomaly', 'attackProtection', 'blacklists', 'branding', 'connectionProfiles',
      'customDomains', 'deviceCredentials', 'emailTemplates', 'emails', 'flows', 'forms', 'grants', 'guardian', 'hooks',
      'keys', 'logStreams', 'logs', 'networkAcls', 'organizations', 'prompts', 'refreshTokens', 'riskAssessments',
      'rules', 'rulesConfigs', 'selfServiceProfiles', 'sessions', 'tenants', 'tokenExchangeProfiles',
      'userAttributeProfiles', 'userBlocks'];
    const SUPPORTED = methodList('', ENDPOINTS).join(', ');

    function endpoint(client, ns, name, spec) {
      const label = `management.${ns}.${name}`;
      return async function (...args) {
        let params = {};
        let body;
        let rest;
        if (spec.shape === 'pb') [params, body, ...rest] = args;
        else if (spec.shape === 'b') [body, ...rest] = args;
        else if (spec.shape === 'p' || spec.shape === 'p?') [params, ...rest] = args;
        else rest = args;
        if (rest.some((a) => a !== undefined && a !== null)) {
          throw new Error(`${label}(…, initOverrides) is not supported by auth0-mock (request options cannot be overridden)`);
        }
        if (params === undefined || params === null) params = {};
        const required = (spec.path.match(/\{(\w+)\}/g) || []).map((s) => s.slice(1, -1)).concat(spec.required || []);
        for (const key of required) {
          if (params[key] === null || params[key] === undefined) {
            throw new RequiredError(key, `Required parameter requestParameters.${key} was null or undefined.`);
          }
        }
        let url = `${client.baseUrl}${spec.path.replace(/\{(\w+)\}/g, (_, key) => encodeURIComponent(String(params[key])))}`;
        const query = {};
        for (const key of spec.query) if (params[key] !== undefined) query[key] = params[key];
        if (Object.keys(query).length !== 0) url += `?${queryString(query)}`;

        const token = await client.getToken();
        const headers = Object.assign({}, client.headers);
        if (spec.shape.includes('b')) headers['Content-Type'] = 'application/json';
        for (const k of Object.keys(headers)) if (headers[k] === undefined) delete headers[k];
        headers.Authorization = `Bearer ${token}`;
        const init = { method: spec.method, headers };
        const json = JSON.stringify(body);
        if (json !== undefined) init.body = json;
        const res = await transmit(client, url, init);
        if (!(res.status >= 200 && res.status < 300)) throw await managementError(res);
        if (spec.result === 'void') return new ApiResponse(false, undefined, res.headers, res.status, res.statusText);
        const data = spec.result === 'text' ? await res.text() : await res.json();
        return new ApiResponse(true, data, res.headers, res.status, res.statusText);
      };
    }

    class ManagementClient {
      constructor(options) {
        // Like the SDK, a missing domain is only noticed when a request is made.
        const client = {
          domain: options.domain,
          baseUrl: `https://${options.domain}/api/v2`,
          headers: Object.assign({}, options.headers),
          timeoutDuration: typeof options.timeoutDuration === 'number' ? options.timeoutDuration : 10000,
        };
        client.getToken = makeTokenGetter(client, options);
        for (const ns of Object.keys(ENDPOINTS)) {
          const manager = {};
          for (const name of Object.keys(ENDPOINTS[ns])) manager[name] = endpoint(client, ns, name, ENDPOINTS[ns][name]);
          this[ns] = guard(manager, `management.${ns}`, Object.keys(ENDPOINTS[ns]).map((m) => `${ns}.${m}`).join(', '));
        }
        return guard(this, 'management', SUPPORTED, OTHER_NAMESPACES,
          ': auth0@4 has no such ManagementClient member (the flat auth0@3 methods such as management.getUsers became namespaced ones such as management.users.getAll)');
      }
    }

    return {
      ManagementClient,
      ManagementApiError,
      AuthenticationClient: UnsupportedAuthenticationClient,
      AuthApiError,
      ResponseError,
      TimeoutError,
      FetchError,
      RequiredError,
    };
  }

  // ================================================================== auth0@3
  function makeV3() {
    class ArgumentError extends Error {
      constructor(message) {
        super(message || '');
        this.name = 'ArgumentError';
      }
    }
    // rest-facade's error, as node-auth0 v3 customizes it: name from the body's `error`, message
    // from its `message` (else the whole body as JSON), statusCode the HTTP status (or the
    // system error code when no response arrived).
    class SanitizedError extends Error {
      constructor(name, message, status, requestInfo, originalError) {
        super(message || '');
        this.name = name || 'SanitizedError';
        this.statusCode = status || (originalError && originalError.code);
        this.requestInfo = Object.assign({}, requestInfo);
        this.originalError = originalError;
      }
    }

    // rest-facade's formatter: the property if the body has it, else the first truthy default,
    // objects as JSON.
    function errorArg(prop, data, defaults) {
      let val;
      if (data && typeof data === 'object') val = data[prop];
      const defs = defaults.slice();
      while (!val && defs.length) val = defs.shift();
      if (val && typeof val === 'object') val = JSON.stringify(val);
      return `${val || ''}`;
    }

    // superagent leaves `body` as {} for anything it does not parse (an empty 204, text).
    function parseBody(text) {
      if (!text) return {};
      try {
        return JSON.parse(text);
      } catch (_) {
        return {};
      }
    }

    const SAFE_ID_CHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ$-_.+!*'(),%";
    // v3 encodes an id only when it has a character outside this set, so an id already
    // percent-encoded by the caller is not encoded twice.
    function maybeEncode(value) {
      const s = `${value}`;
      return s.split('').some((c) => !SAFE_ID_CHARS.includes(c)) ? encodeURIComponent(s) : s;
    }

    function qsEncode(s) {
      return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    }

    async function request(client, method, url, data, hasData, token) {
      const headers = Object.assign({ 'Content-Type': 'application/json' }, client.headers);
      if (token !== undefined) headers.Authorization = `Bearer ${token}`;
      headers.Accept = 'application/json';
      const init = { method: method === 'del' ? 'DELETE' : method.toUpperCase(), headers };
      if (hasData && data !== undefined) init.body = typeof data === 'string' ? data : JSON.stringify(data);
      const requestInfo = { method, url: url.split('?')[0] };
      let res;
      try {
        res = await send(url, init);
      } catch (e) {
        const original = e instanceof Error ? e : new Error(String(e));
        throw new SanitizedError(errorArg('error', undefined, ['APIError']), errorArg('message', undefined, [undefined, original.message]), undefined, requestInfo, original);
      }
      const text = await res.text();
      const body = parseBody(text);
      if (!(res.status >= 200 && res.status < 300)) {
        const original = new Error(res.statusText || 'Unsuccessful HTTP response');
        original.status = res.status;
        original.response = { status: res.status, headers: headersToObject(res.headers), text, body };
        throw new SanitizedError(errorArg('error', body, ['APIError']), errorArg('message', body, [body, original.message]), res.status, requestInfo, original);
      }
      return client.includeResponseHeaders ? { data: body, headers: headersToObject(res.headers) } : body;
    }

    // One rest-facade resource under a `/path/:param` template: path parameters are taken out
    // of the params, the rest become the query string (arrays comma-joined, as v3 configures).
    function resource(client, template) {
      function urlFor(params) {
        let url = `${client.baseUrl}${template}`;
        const rest = Object.assign({}, params);
        for (const key of Object.keys(rest)) {
          if (url.indexOf(`:${key}`) > -1) {
            url = url.replace(`:${key}`, maybeEncode(rest[key]));
            delete rest[key];
          }
        }
        url = url.replace(/\/:[^/]+/g, '');
        const parts = [];
        for (const key of Object.keys(rest)) {
          let value = rest[key];
          if (typeof value === 'function' || value === undefined) continue;
          if (Array.isArray(value)) value = value.join(',');
          parts.push(value === null ? qsEncode(key) : `${qsEncode(key)}=${qsEncode(String(value))}`);
        }
        return parts.length ? `${url}?${parts.join('&')}` : url;
      }
      const checkData = (data) => {
        if (typeof data !== 'object' && typeof data !== 'string') {
          throw new ArgumentError('The data must be an object or a serialized json');
        }
      };
      // The trailing callback, if any, is taken off first (v3's retrying wrapper does so), and
      // then neither a promise is returned nor is the rejection left unhandled.
      function invoke(run) {
        return (...args) => {
          while (args.length && args[args.length - 1] === undefined) args.pop();
          let cb;
          if (args.length && typeof args[args.length - 1] === 'function') cb = args.pop();
          const promise = client.getToken().then((token) => run(args, token));
          if (cb) {
            promise.then((d) => cb(null, d), (e) => cb(e));
            return undefined;
          }
          return promise;
        };
      }
      return {
        getAll: invoke((args, token) => {
          const params = args[0] !== null && typeof args[0] === 'object' ? args[0] : {};
          return request(client, 'get', urlFor(params), undefined, false, token);
        }),
        get: invoke((args, token) => request(client, 'get', urlFor(args[0] || {}), undefined, false, token)),
        create: invoke((args, token) => {
          const [params, data] = args.length >= 2 ? args : [{}, args[0]];
          checkData(data);
          return request(client, 'post', urlFor(params), data, true, token);
        }),
        patch: invoke((args, token) => {
          checkData(args[1]);
          return request(client, 'patch', urlFor(args[0]), args[1], true, token);
        }),
        delete: invoke((args, token) => {
          const params = args[0];
          const data = args.length >= 2 ? args[1] : {};
          return request(client, 'del', urlFor(params), data, true, token);
        }),
      };
    }

    function makeTokenGetter(client, options) {
      if (options.token !== undefined) {
        if (typeof options.token !== 'function' && (typeof options.token !== 'string' || options.token.length === 0)) {
          throw new ArgumentError('Must provide a token');
        }
        return () => Promise.resolve(typeof options.token === 'function' ? options.token() : options.token);
      }
      const params = Object.assign({ audience: `https://${options.domain}/api/v2/`, enableCache: true }, options);
      if (options.tokenProvider) {
        params.enableCache = options.tokenProvider.enableCache;
        params.cacheTTLInSeconds = options.tokenProvider.cacheTTLInSeconds;
      }
      if (!params.clientId || params.clientId.length === 0) throw new ArgumentError('Must provide a clientId');
      if ((!params.clientSecret || params.clientSecret.length === 0)
        && (!params.clientAssertionSigningKey || params.clientAssertionSigningKey.length === 0)) {
        throw new ArgumentError('Must provide a clientSecret or a clientAssertionSigningKey');
      }
      if (!params.audience || params.audience.length === 0) throw new ArgumentError('Must provide a audience');
      if (typeof params.enableCache !== 'boolean') throw new ArgumentError('enableCache must be a boolean');
      if (params.enableCache && params.cacheTTLInSeconds) {
        if (typeof params.cacheTTLInSeconds !== 'number') throw new ArgumentError('cacheTTLInSeconds must be a number');
        if (params.cacheTTLInSeconds <= 0) throw new ArgumentError('cacheTTLInSeconds must be a greater than 0');
      }
      if (params.scope && typeof params.scope !== 'string') throw new ArgumentError('scope must be a string');

      function grant() {
        if (params.clientAssertionSigningKey) {
          return Promise.reject(new Error('ManagementClient option clientAssertionSigningKey is not supported by auth0-mock (use clientSecret)'));
        }
        const body = { grant_type: 'client_credentials', client_id: params.clientId, audience: params.audience, scope: params.scope, client_secret: params.clientSecret };
        const auth = { baseUrl: `https://${params.domain}`, headers: params.headers };
        return request(auth, 'post', `https://${params.domain}/oauth/token`, body, true, undefined);
      }
      // v3 memoizes the grant: concurrent callers share one request, and the token is kept for
      // expires_in minus 10 s (all of it when that is 10 s or less), an hour if it has none.
      let cached = null;
      let pending = null;
      function lifetimeMs(data) {
        if (params.cacheTTLInSeconds) return params.cacheTTLInSeconds * 1000;
        if (data.expires_in && data.expires_in <= 10) return data.expires_in * 1000;
        if (data.expires_in) return data.expires_in * 1000 - 10000;
        return 60 * 60 * 1000;
      }
      return () => {
        if (!params.enableCache) return grant().then((d) => d.access_token);
        if (cached && Date.now() < cached.until) return Promise.resolve(cached.data.access_token);
        if (!pending) {
          pending = grant().then((data) => {
            cached = { data, until: Date.now() + lifetimeMs(data) };
            return data;
          }).finally(() => { pending = null; });
        }
        return pending.then((d) => d.access_token);
      };
    }

    function makeManagers(client) {
      const users = resource(client, '/users/:id');
      const usersByEmail = resource(client, '/users-by-email');
      const userRoles = resource(client, '/users/:id/roles');
      const userPermissions = resource(client, '/users/:id/permissions');
      const roles = resource(client, '/roles/:id');
      const rolePermissions = resource(client, '/roles/:id/permissions');
      const roleUsers = resource(client, '/roles/:id/users');
      const jobs = resource(client, '/jobs/:id');
      const tickets = resource(client, '/tickets/:type');
      const stats = resource(client, '/stats/:type');
      const clients = resource(client, '/clients/:client_id');
      const clientGrants = resource(client, '/client-grants/:id');
      const resourceServers = resource(client, '/resource-servers/:id');
      const connections = resource(client, '/connections/:id');

      const needUserId = (params) => {
        if (!params.id) throw new ArgumentError('The user_id cannot be null or undefined');
        if (typeof params.id !== 'string') throw new ArgumentError('The user_id has to be a string');
      };
      const needRoleId = (params) => {
        if (!params.id) throw new ArgumentError('The roleId passed in params cannot be null or undefined');
        if (typeof params.id !== 'string') throw new ArgumentError('The role Id has to be a string');
      };
      const callback = (cb) => (typeof cb === 'function' ? [cb] : []);

      return {
        users: {
          create: (data, cb) => users.create(data, ...callback(cb)),
          getAll: (...args) => users.getAll(...args),
          getByEmail: (email, options, cb) => {
            const [opts, done] = typeof options === 'function' ? [undefined, options] : [options, cb];
            return usersByEmail.getAll(Object.assign({ email }, opts), done);
          },
          get: (...args) => users.get(...args),
          update: (...args) => users.patch(...args),
          updateUserMetadata: (params, metadata, cb) => users.patch(params, { user_metadata: metadata }, ...callback(cb)),
          updateAppMetadata: (params, metadata, cb) => users.patch(params, { app_metadata: metadata }, ...callback(cb)),
          delete: (params, ...rest) => {
            if (typeof params !== 'object' || params === null || typeof params.id !== 'string') {
              throw new ArgumentError('You must provide an id for the delete method');
            }
            return users.delete(params, ...rest);
          },
          getRoles: (...args) => userRoles.getAll(...args),
          assignRoles: (params, data, cb) => { needUserId(params); return userRoles.create(params, data || {}, ...callback(cb)); },
          removeRoles: (params, data, cb) => { needUserId(params); return userRoles.delete(params, data || {}, ...callback(cb)); },
          getPermissions: (...args) => userPermissions.getAll(...args),
          assignPermissions: (params, data, cb) => { needUserId(params); return userPermissions.create(params, data || {}, ...callback(cb)); },
          removePermissions: (params, data, cb) => { needUserId(params); return userPermissions.delete(params, data || {}, ...callback(cb)); },
        },
        roles: {
          create: (...args) => roles.create(...args),
          getAll: (...args) => roles.getAll(...args),
          get: (...args) => roles.get(...args),
          update: (...args) => roles.patch(...args),
          delete: (...args) => roles.delete(...args),
          getPermissions: (params, cb) => rolePermissions.getAll(params, cb),
          addPermissions: (params, data, cb) => { needRoleId(params || {}); return rolePermissions.create(params, data || {}, ...callback(cb)); },
          removePermissions: (params, data, cb) => { needRoleId(params || {}); return rolePermissions.delete(params, data || {}, ...callback(cb)); },
          getUsers: (params, cb) => roleUsers.getAll(params, cb),
          assignUsers: (params, data, cb) => { needRoleId(params || {}); return roleUsers.create(params, data || {}, ...callback(cb)); },
        },
        jobs: {
          get: (params, cb) => {
            if (!params.id || typeof params.id !== 'string') throw new ArgumentError('The id parameter must be a valid job id');
            return jobs.get(params, ...callback(cb));
          },
          verifyEmail: (data, cb) => {
            if (!data.user_id || typeof data.user_id !== 'string') throw new ArgumentError('Must specify a user ID');
            return jobs.create({ id: 'verification-email' }, data, ...callback(cb));
          },
        },
        tickets: {
          changePassword: (data, cb) => tickets.create({ type: 'password-change' }, data, ...callback(cb)),
          verifyEmail: (data, cb) => tickets.create({ type: 'email-verification' }, data, ...callback(cb)),
        },
        stats: {
          getActiveUsersCount: (cb) => stats.get({ type: 'active-users' }, ...callback(cb)),
        },
        clients: {
          getAll: (...args) => clients.getAll(...args),
          get: (...args) => clients.get(...args),
          create: (...args) => clients.create(...args),
        },
        clientGrants: {
          getAll: (...args) => clientGrants.getAll(...args),
          create: (...args) => clientGrants.create(...args),
        },
        resourceServers: {
          getAll: (...args) => resourceServers.getAll(...args),
          get: (...args) => resourceServers.get(...args),
          create: (...args) => resourceServers.create(...args),
        },
        connections: {
          getAll: (...args) => connections.getAll(...args),
          get: (...args) => connections.get(...args),
        },
      };
    }

    // v3's flat ManagementClient methods, each the manager method it forwards to.
    const FLAT = {
      getUsers: 'users.getAll', getUser: 'users.get', createUser: 'users.create', updateUser: 'users.update',
      deleteUser: 'users.delete', updateAppMetadata: 'users.updateAppMetadata', updateUserMetadata: 'users.updateUserMetadata',
      getUsersByEmail: 'users.getByEmail', getUserRoles: 'users.getRoles', assignRolestoUser: 'users.assignRoles',
      removeRolesFromUser: 'users.removeRoles', getUserPermissions: 'users.getPermissions',
      assignPermissionsToUser: 'users.assignPermissions', removePermissionsFromUser: 'users.removePermissions',
      getRoles: 'roles.getAll', getRole: 'roles.get', createRole: 'roles.create', updateRole: 'roles.update',
      deleteRole: 'roles.delete', getUsersInRole: 'roles.getUsers', assignUsersToRole: 'roles.assignUsers',
      getPermissionsInRole: 'roles.getPermissions', addPermissionsInRole: 'roles.addPermissions',
      removePermissionsFromRole: 'roles.removePermissions', getJob: 'jobs.get', sendEmailVerification: 'jobs.verifyEmail',
      createPasswordChangeTicket: 'tickets.changePassword', createEmailVerificationTicket: 'tickets.verifyEmail',
      getActiveUsersCount: 'stats.getActiveUsersCount', getClients: 'clients.getAll', getClient: 'clients.get',
      createClient: 'clients.create', getClientGrants: 'clientGrants.getAll', createClientGrant: 'clientGrants.create',
      getResourceServers: 'resourceServers.getAll', getResourceServer: 'resourceServers.get',
      createResourceServer: 'resourceServers.create', getConnections: 'connections.getAll', getConnection: 'connections.get',
    };
    // The other managers of 3.7.2's ManagementClient: reachable, but every call refuses.
    const OTHER_NAMESPACES = ['clientCredentials', 'grants', 'userBlocks', 'guardian', 'customDomains', 'deviceCredentials',
      'rules', 'blacklistedTokens', 'emailProvider', 'tenant', 'logs', 'logStreams', 'emailTemplates', 'rulesConfigs',
      'hooks', 'branding', 'migrations', 'prompts', 'actions', 'organizations', 'attackProtection'];

    class ManagementClient {
      constructor(options) {
        if (!options || typeof options !== 'object') throw new ArgumentError('Management API SDK options must be an object');
        if (!options.domain || options.domain.length === 0) throw new ArgumentError('Must provide a domain');
        const client = {
          baseUrl: `https://${options.domain}/api/v2`,
          headers: Object.assign({}, options.headers),
          includeResponseHeaders: options.includeResponseHeaders,
        };
        client.getToken = makeTokenGetter(client, options);
        this.tokenProvider = { getAccessToken: () => client.getToken() };
        const managers = makeManagers(client);
        for (const ns of Object.keys(managers)) {
          this[ns] = guard(managers[ns], `management.${ns}`, Object.keys(managers[ns]).map((m) => `${ns}.${m}`).join(', '));
        }
        for (const name of Object.keys(FLAT)) {
          const [ns, method] = FLAT[name].split('.');
          this[name] = (...args) => managers[ns][method](...args);
        }
        this.getAccessToken = () => client.getToken();
        const supported = Object.keys(FLAT).concat(['getAccessToken'], methodList('', managers)).join(', ');
        return guard(this, 'management', supported, OTHER_NAMESPACES);
      }
    }

    return { ManagementClient, AuthenticationClient: UnsupportedAuthenticationClient };
  }
}
