// Unit tests of the pure parts of the browser model. Names state the behaviour and its source.

import { describe, expect, it } from 'vitest';
import {
  engineNotes,
  enginePreflightCacheSeconds,
  type FetchCall,
  isForbiddenRequestHeader,
  isSafelistedContentType,
  judgePreflight,
  normalizeMethod,
  parseTokenList,
  planFetch,
  preflightCacheSeconds,
  readableHeaderNames,
  readCorsHeaders,
  simulateFetch,
  simulateFetchAsync,
  type WireRequest,
  type WireResponse,
} from '../../src/browser/index.js';

const PAGE = 'http://localhost:5173';
const API = 'https://api.example.com/prod/items';
const call = (c: Omit<FetchCall, 'url'>): FetchCall => ({ url: API, ...c });
const allowAll =
  (extra: Array<[string, string]> = []) =>
  (req: WireRequest): WireResponse => ({
    status: 200,
    headers: [
      ['Access-Control-Allow-Origin', PAGE],
      ...(req.method === 'OPTIONS'
        ? ([
            ['Access-Control-Allow-Methods', 'GET,POST,PUT,DELETE,PATCH'],
            ['Access-Control-Allow-Headers', 'Content-Type,X-Api-Key,Authorization'],
          ] as Array<[string, string]>)
        : []),
      ...extra,
    ],
  });

describe('§2.2.1 methods', () => {
  it('upper-cases only DELETE GET HEAD OPTIONS POST PUT; patch stays patch (Fetch §2.2.1 normalize)', () => {
    expect(normalizeMethod('get')).toBe('GET');
    expect(normalizeMethod('Put')).toBe('PUT');
    expect(normalizeMethod('patch')).toBe('patch');
    expect(normalizeMethod('PATCH')).toBe('PATCH');
  });
  it('a lower-case patch is sent as patch and does not match PATCH in Allow-Methods', () => {
    const v = simulateFetch(PAGE, call({ method: 'patch' }), allowAll());
    expect(v.preflight?.request.headers).toContainEqual(['access-control-request-method', 'patch']);
    expect(v.allowed).toBe(false);
    expect(v.errorCode).toBe('MethodDisallowedByPreflightResponse');
    expect(v.consoleMessage).toMatch(/Method patch is not allowed by Access-Control-Allow-Methods/);
    expect(v.plan.reasons[0].detail).toMatch(/not upper-cased/);
  });
  it('TRACE, TRACK and CONNECT make fetch() throw before sending (Fetch §5.4 Request constructor)', () => {
    const v = simulateFetch(PAGE, call({ method: 'trace' }), allowAll());
    expect(v.failedStep).toBe('request');
    expect(v.exception).toBe(
      "TypeError: Failed to execute 'fetch' on 'Window': 'trace' HTTP method is unsupported.",
    );
  });
});

describe('§2.2.2 CORS-safelisted request-headers', () => {
  it('Content-Type is safelisted only for the three essences, any case, with parameters', () => {
    expect(isSafelistedContentType('text/plain')).toBe(true);
    expect(isSafelistedContentType('TEXT/PLAIN; charset=utf-8')).toBe(true);
    expect(isSafelistedContentType('multipart/form-data; boundary=x')).toBe(true);
    expect(isSafelistedContentType('application/json')).toBe(false);
    expect(isSafelistedContentType('text/plain; charset="utf-8"')).toBe(false);
    expect(isSafelistedContentType('text/plain, application/json')).toBe(false);
  });
  it('a safelisted value over 128 bytes needs a preflight', () => {
    expect(planFetch(PAGE, call({ headers: { Accept: 'a'.repeat(128) } })).kind).toBe('simple');
    const p = planFetch(PAGE, call({ headers: { Accept: 'a'.repeat(129) } }));
    expect(p.kind).toBe('preflight');
    expect(p.reasons[0].kind).toBe('header-value-too-long');
    expect(p.unsafeHeaderNames).toEqual(['accept']);
  });
  it('safelisted values over 1,024 bytes in total all become unsafe', () => {
    const long = (d: string) => `${d}${'0'.repeat(127)}`;
    const p = planFetch(
      PAGE,
      call({
        headers: {
          Accept: 'a'.repeat(128),
          'Accept-Language': 'b'.repeat(128),
          'Content-Language': 'c'.repeat(128),
          DPR: long('1'),
          Width: long('2'),
          'Viewport-Width': long('3'),
          'Device-Memory': long('4'),
          Downlink: long('5'),
          'Content-Type': `text/plain;x=${'a'.repeat(115)}`,
        },
      }),
    );
    expect(p.reasons.map((r) => r.kind)).toEqual(['safelisted-total-over-1024']);
    expect(p.unsafeHeaderNames).toHaveLength(9);
  });
  it('a string body implies text/plain;charset=UTF-8 and stays simple; application/json does not', () => {
    expect(planFetch(PAGE, call({ method: 'POST', body: { type: 'json' } })).kind).toBe('simple');
    const p = planFetch(
      PAGE,
      call({ method: 'POST', headers: { 'content-type': 'application/json' }, body: { type: 'json' } }),
    );
    expect(p.reasons[0].kind).toBe('content-type');
  });
});

describe('§2.2.2 forbidden request-headers', () => {
  it('are dropped silently and never make a request preflighted', () => {
    expect(isForbiddenRequestHeader('cookie', 'a')).toBe(true);
    expect(isForbiddenRequestHeader('sec-fetch-mode', 'x')).toBe(true);
    expect(isForbiddenRequestHeader('proxy-authorization', 'x')).toBe(true);
    expect(isForbiddenRequestHeader('x-http-method-override', 'GET, trace')).toBe(true);
    expect(isForbiddenRequestHeader('x-http-method-override', 'PATCH')).toBe(false);
    const p = planFetch(PAGE, call({ headers: { Cookie: 'a=1', Origin: 'https://evil.example' } }));
    expect(p.kind).toBe('simple');
    expect(p.headers.map((h) => h.fate)).toEqual(['forbidden', 'forbidden']);
    expect(p.actual?.headers).toContainEqual(['origin', PAGE]);
  });
});

describe('§4.8 CORS-preflight fetch: the preflight request', () => {
  it('is OPTIONS with Origin, the method and the sorted lower-cased header names, without credentials or custom headers', () => {
    const p = planFetch(
      PAGE,
      call({
        method: 'PUT',
        credentials: 'include',
        headers: { 'X-Api-Key': 'secret', Authorization: 'Bearer t', 'Content-Type': 'application/json' },
      }),
    );
    expect(p.preflight).toEqual({
      method: 'OPTIONS',
      url: API,
      credentials: false,
      headers: [
        ['accept', '*/*'],
        ['access-control-request-method', 'PUT'],
        ['access-control-request-headers', 'authorization,content-type,x-api-key'],
        ['origin', PAGE],
      ],
    });
    expect(JSON.stringify(p.preflight)).not.toContain('secret');
    expect(p.actual?.credentials).toBe(true);
  });
});

describe('§4.8 CORS-preflight fetch: checks on the response, in Chromium order', () => {
  const plan = planFetch(PAGE, call({ method: 'PUT', headers: { 'x-api-key': 'k' } }));
  it('an API Gateway 403 on OPTIONS fails the CORS check first, then the ok-status check', () => {
    const j = judgePreflight(plan, { status: 403, headers: [['content-type', 'application/json']] });
    expect(j.errorCode).toBe('PreflightMissingAllowOriginHeader');
    expect(j.checks.find((c) => c.name === 'ok-status')?.ok).toBe(false);
  });
  it('a redirect is refused before anything else', () => {
    const j = judgePreflight(plan, { status: 301, headers: [['location', '/elsewhere']] });
    expect(j.errorCode).toBe('PreflightDisallowedRedirect');
    expect(j.checks[0]).toMatchObject({ name: 'no-redirect', ok: false, headers: ['location'] });
  });
  it('names the deciding header of each check', () => {
    const j = judgePreflight(plan, {
      status: 200,
      headers: [
        ['Access-Control-Allow-Origin', PAGE],
        ['Access-Control-Allow-Methods', 'PUT'],
      ],
    });
    expect(j.errorCode).toBe('HeaderDisallowedByPreflightResponse');
    expect(j.checks.find((c) => c.name === 'headers-allowed')).toMatchObject({
      ok: false,
      headers: ['access-control-allow-headers'],
    });
  });
  it('`*` in Allow-Headers covers Authorization in Chromium 156, Firefox 153 and WebKitGTK 2.50 (engines.test.ts), though not in the Fetch standard (§2.2.2)', () => {
    const v = simulateFetch(PAGE, call({ method: 'GET', headers: { Authorization: 'Bearer t' } }), () => ({
      status: 200,
      headers: [
        ['Access-Control-Allow-Origin', PAGE],
        ['Access-Control-Allow-Headers', '*'],
      ],
    }));
    expect(v.allowed).toBe(true);
    expect(v.engines.firefox.allowed).toBe(true);
    expect(v.engines.webkit.allowed).toBe(true);
    expect(engineNotes(v).join(' ')).toMatch(
      /in Chromium, Firefox and WebKit alike, but not in the Fetch standard/,
    );
  });
});

describe('§4.8 step 7.7 preflight cache', () => {
  it('Chromium caps Max-Age at 7200 s, uses 5 s when absent or invalid, 0 when negative', () => {
    expect(preflightCacheSeconds('86400')).toBe(7200);
    expect(preflightCacheSeconds('600')).toBe(600);
    expect(preflightCacheSeconds(undefined)).toBe(5);
    expect(preflightCacheSeconds('abc')).toBe(5);
    expect(preflightCacheSeconds('-1')).toBe(0);
  });
  it('each engine caches by its own rule: Firefox caches nothing for a value that is not digits, Chromium and WebKit read a sign and use 5 s for anything else (engines.test.ts "preflight cache")', () => {
    expect(enginePreflightCacheSeconds('firefox', 'abc')).toBe(0);
    expect(enginePreflightCacheSeconds('chromium', 'abc')).toBe(5);
    expect(enginePreflightCacheSeconds('webkit', 'abc')).toBe(5);
    // A sign is read by Chromium and WebKit alike (`+30` measured still cached after 6 s in both); a fraction is not.
    for (const e of ['chromium', 'webkit'] as const) {
      expect(enginePreflightCacheSeconds(e, '+10')).toBe(10);
      expect(enginePreflightCacheSeconds(e, '30.5')).toBe(5);
    }
    expect(enginePreflightCacheSeconds('firefox', '+10')).toBe(0);
    expect(enginePreflightCacheSeconds('firefox', '30.5')).toBe(0);
    for (const e of ['chromium', 'firefox', 'webkit'] as const) {
      expect(enginePreflightCacheSeconds(e, undefined)).toBe(5);
      expect(enginePreflightCacheSeconds(e, '0')).toBe(0);
      expect(enginePreflightCacheSeconds(e, '-1')).toBe(0);
    }
  });
  it('notes the engines’ caps (Chromium 7200 s and WebKit 600 s measured, engines.test.ts; Firefox 86400 s its source constant), saying which', () => {
    const v = simulateFetch(PAGE, call({ method: 'PUT' }), allowAll([['Access-Control-Max-Age', '86400']]));
    expect(v.preflightCacheSeconds).toBe(7200);
    expect(v.engines.firefox.preflightCacheSeconds).toBe(86400);
    expect(v.engines.webkit.preflightCacheSeconds).toBe(600);
    expect(engineNotes(v).join(' ')).toMatch(
      /Chromium caches the preflight 7200 s, Firefox 86400 s, WebKit 600 s \(caps: .* measured; Firefox’s 86,400 s is its source constant\)/,
    );
  });
});

describe('§4.9 CORS check and §3.2.4 readable headers', () => {
  it('parses lists like Chromium: empty items skipped, a non-token poisons the list', () => {
    expect(parseTokenList('GET,, PUT ,', false)).toEqual(['GET', 'PUT']);
    expect(parseTokenList('X-A, "X-B"', true)).toBeNull();
  });
  it('exposes safelisted headers plus Expose-Headers; `*` only without credentials; never Set-Cookie', () => {
    const h = readCorsHeaders([
      ['Content-Type', 'a'],
      ['X-Id', '1'],
      ['Set-Cookie', 'a=1'],
      ['Access-Control-Expose-Headers', '*'],
    ]);
    expect(readableHeaderNames(h, false)).toEqual(['access-control-expose-headers', 'content-type', 'x-id']);
    expect(readableHeaderNames(h, true)).toEqual(['content-type']);
  });
  it('`*` in Allow-Origin never satisfies a credentialed request', () => {
    const v = simulateFetch(PAGE, call({ credentials: 'include' }), () => ({
      status: 200,
      headers: [
        ['Access-Control-Allow-Origin', '*'],
        ['Access-Control-Allow-Credentials', 'true'],
      ],
    }));
    expect(v.errorCode).toBe('WildcardOriginNotAllowed');
    expect(v.cause).toMatch(/never matches/);
  });
});

describe('§4.4 redirects', () => {
  it('a cross-origin redirect taints the origin to null', () => {
    const v = simulateFetch(PAGE, call({}), (req) =>
      req.url === API
        ? {
            status: 302,
            headers: [
              ['Access-Control-Allow-Origin', PAGE],
              ['Location', 'https://cdn.example.net/x'],
            ],
          }
        : { status: 200, headers: [['Access-Control-Allow-Origin', PAGE]] },
    );
    expect(v.errorCode).toBe('AllowOriginMismatch');
    expect(v.consoleMessage).toBe(
      `Access to fetch at 'https://cdn.example.net/x' (redirected from '${API}') from origin 'null' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value '${PAGE}' that is not equal to the supplied origin. Have the server send the header with a valid value.`,
    );
  });
});

describe('same-origin and no-cors requests', () => {
  it('a same-origin request needs no CORS headers', () => {
    const v = simulateFetch(
      PAGE,
      { url: `${PAGE}/api`, method: 'PUT', headers: { 'x-api-key': 'k' } },
      () => ({
        status: 200,
        headers: [['X-Id', '1']],
      }),
    );
    expect(v.allowed).toBe(true);
    expect(v.plan.kind).toBe('same-origin');
    expect(v.readableHeaders).toEqual(['x-id']);
  });
  it('no-cors drops unsafe headers and yields an opaque response', () => {
    const v = simulateFetch(PAGE, call({ mode: 'no-cors', headers: { 'x-api-key': 'k' } }), () => ({
      status: 200,
      headers: [],
    }));
    expect(v.plan.headers[0].fate).toBe('dropped-no-cors');
    expect(v.responseType).toBe('opaque');
    expect(v.readableHeaders).toEqual([]);
  });
});

describe('simulateFetchAsync', () => {
  it('gives the same verdict as simulateFetch', async () => {
    const c = call({ method: 'PUT', headers: { 'x-api-key': 'k' } });
    const r = allowAll();
    expect(await simulateFetchAsync(PAGE, c, async (q) => r(q))).toEqual(simulateFetch(PAGE, c, r));
  });
});
