// The scenario matrix run against Chromium and the model alike. Each scenario is one fetch() call from
// the page origin to the API origin and a responder that answers it (the same function serves the real
// socket and the model). Groups name the Fetch standard section they exercise.

import type {
  CredentialsMode,
  FetchCall,
  HeaderList,
  WireRequest,
  WireResponse,
} from '../../src/browser/index.js';
import type { Env, Scenario } from './harness.js';

type AcaoVariant =
  | 'missing'
  | 'star'
  | 'exact'
  | 'wrong'
  | 'twice'
  | 'list'
  | 'upper'
  | 'slash'
  | 'null'
  | 'invalid';

function acao(v: AcaoVariant, env: Env): HeaderList {
  const h = 'Access-Control-Allow-Origin';
  switch (v) {
    case 'missing':
      return [];
    case 'star':
      return [[h, '*']];
    case 'exact':
      return [[h, env.page]];
    case 'wrong':
      return [[h, 'https://app.example.com']];
    case 'twice':
      return [
        [h, env.page],
        [h, env.page],
      ];
    case 'list':
      return [[h, `${env.page}, https://app.example.com`]];
    case 'upper':
      return [[h, env.page.toUpperCase()]];
    case 'slash':
      return [[h, `${env.page}/`]];
    case 'null':
      return [[h, 'null']];
    case 'invalid':
      return [[h, 'app.example.com']];
  }
}

type AcacVariant = 'absent' | 'true' | 'True' | 'false';
function acac(v: AcacVariant): HeaderList {
  return v === 'absent' ? [] : [['Access-Control-Allow-Credentials', v]];
}

const scenarios: Scenario[] = [];
let n = 0;
function add(group: string, title: string, call: Omit<FetchCall, 'url'>, respond: Scenario['respond']): void {
  n++;
  scenarios.push({ id: `c${n}`, group, title, call, respond });
}

const isPreflight = (req: WireRequest) => req.method === 'OPTIONS';
const okActual = (env: Env, include: boolean): WireResponse => ({
  status: 200,
  headers: [...acao('exact', env), ...(include ? acac('true') : []), ['Content-Type', 'application/json']],
});

// ── §4.9 CORS check on simple requests: Allow-Origin × Allow-Credentials × status × method ──────────
export const G_SIMPLE = '§4.9 CORS check: simple requests, Access-Control-Allow-Origin/-Credentials variants';
{
  const origins: AcaoVariant[] = [
    'missing',
    'star',
    'exact',
    'wrong',
    'twice',
    'list',
    'upper',
    'slash',
    'null',
    'invalid',
  ];
  for (const method of ['GET', 'POST'])
    for (const credentials of ['same-origin', 'include'] as CredentialsMode[])
      for (const o of origins)
        for (const c of (credentials === 'include'
          ? ['absent', 'true', 'True']
          : ['absent', 'true']) as AcacVariant[])
          for (const status of [200, 500]) {
            if (credentials === 'same-origin' && c === 'true' && status === 500) continue;
            add(
              G_SIMPLE,
              `${method} credentials=${credentials} ACAO=${o} ACAC=${c} status=${status}`,
              { method, credentials, body: method === 'POST' ? { type: 'text' } : undefined },
              (_req, env) => ({
                status,
                headers: [...acao(o, env), ...acac(c), ['Content-Type', 'text/plain']],
              }),
            );
          }
  for (const status of [204, 403, 301])
    add(G_SIMPLE, `GET status=${status} (no Location) with exact ACAO`, { method: 'GET' }, (_req, env) => ({
      status,
      headers: acao('exact', env),
    }));
  add(G_SIMPLE, 'HEAD with exact ACAO', { method: 'HEAD' }, (_req, env) => ({
    status: 200,
    headers: acao('exact', env),
  }));
  add(G_SIMPLE, 'HEAD without ACAO', { method: 'HEAD' }, () => ({ status: 200, headers: [] }));
}

// ── §4.8 CORS-preflight fetch: requests that need a preflight × preflight responses × credentials ───
export const G_PREFLIGHT = '§4.8 CORS-preflight fetch: preflight response variants';
{
  const requests: Array<{ label: string; call: Omit<FetchCall, 'url'> }> = [
    { label: 'PUT', call: { method: 'PUT', body: { type: 'json' } } },
    { label: 'DELETE', call: { method: 'DELETE' } },
    { label: 'PATCH', call: { method: 'PATCH', body: { type: 'json' } } },
    { label: 'patch (lower-case)', call: { method: 'patch', body: { type: 'json' } } },
    {
      label: 'POST application/json',
      call: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: { type: 'json' } },
    },
    { label: 'GET x-api-key', call: { method: 'GET', headers: { 'x-api-key': 'k-123' } } },
    { label: 'GET Authorization', call: { method: 'GET', headers: { Authorization: 'Bearer t' } } },
    {
      label: 'POST json + x-api-key',
      call: {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Api-Key': 'k-123' },
        body: { type: 'json' },
      },
    },
    { label: 'GET accept 129 bytes', call: { method: 'GET', headers: { Accept: 'a'.repeat(129) } } },
  ];
  type PreVariant = { label: string; res: (env: Env, include: boolean) => WireResponse };
  const ALL_METHODS = 'GET,POST,PUT,DELETE,PATCH,OPTIONS';
  const ALL_HEADERS = 'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,Accept';
  const good = (env: Env, include: boolean, extra: HeaderList = []): WireResponse => ({
    status: 200,
    headers: [...acao('exact', env), ...(include ? acac('true') : []), ...extra],
  });
  const variants: PreVariant[] = [
    {
      label: 'API Gateway Cors (all methods, AWS header list)',
      res: (env, i) =>
        good(env, i, [
          ['Access-Control-Allow-Methods', ALL_METHODS],
          ['Access-Control-Allow-Headers', ALL_HEADERS],
        ]),
    },
    { label: 'no CORS headers at all', res: () => ({ status: 200, headers: [] }) },
    {
      label: '403 Missing Authentication Token (no CORS headers)',
      res: () => ({ status: 403, headers: [['Content-Type', 'application/json']] }),
    },
    {
      label: '403 with CORS headers',
      res: (env, i) => ({ ...good(env, i, [['Access-Control-Allow-Methods', ALL_METHODS]]), status: 403 }),
    },
    {
      label: '500 with CORS headers',
      res: (env, i) => ({
        ...good(env, i, [
          ['Access-Control-Allow-Methods', ALL_METHODS],
          ['Access-Control-Allow-Headers', ALL_HEADERS],
        ]),
        status: 500,
      }),
    },
    {
      label: '204 with everything allowed',
      res: (env, i) => ({
        ...good(env, i, [
          ['Access-Control-Allow-Methods', ALL_METHODS],
          ['Access-Control-Allow-Headers', ALL_HEADERS],
        ]),
        status: 204,
      }),
    },
    {
      label: '301 to another URL',
      res: (env, i) => ({ ...good(env, i, [['Location', `${env.base}/y`]]), status: 301 }),
    },
    { label: '301 without Location', res: (env, i) => ({ ...good(env, i), status: 301 }) },
    {
      label: 'methods *, headers *',
      res: (env, i) =>
        good(env, i, [
          ['Access-Control-Allow-Methods', '*'],
          ['Access-Control-Allow-Headers', '*'],
        ]),
    },
    {
      label: 'ACAO *, methods *, headers *',
      res: (_env, i) => ({
        status: 200,
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ...(i ? acac('true') : []),
          ['Access-Control-Allow-Methods', '*'],
          ['Access-Control-Allow-Headers', '*'],
        ],
      }),
    },
    { label: 'no Allow-Methods / Allow-Headers', res: (env, i) => good(env, i) },
    {
      label: 'lower-case methods, lower-case headers',
      res: (env, i) =>
        good(env, i, [
          ['Access-Control-Allow-Methods', ALL_METHODS.toLowerCase()],
          ['Access-Control-Allow-Headers', ALL_HEADERS.toLowerCase()],
        ]),
    },
    {
      label: 'methods only, no Allow-Headers',
      res: (env, i) => good(env, i, [['Access-Control-Allow-Methods', ALL_METHODS]]),
    },
    {
      label: 'headers without Authorization',
      res: (env, i) =>
        good(env, i, [
          ['Access-Control-Allow-Methods', ALL_METHODS],
          ['Access-Control-Allow-Headers', 'Content-Type, X-Api-Key'],
        ]),
    },
    {
      label: 'two Allow-Methods headers and two Allow-Headers headers',
      res: (env, i) =>
        good(env, i, [
          ['Access-Control-Allow-Methods', 'GET, PUT'],
          ['Access-Control-Allow-Methods', 'DELETE,PATCH , patch'],
          ['Access-Control-Allow-Headers', 'content-type'],
          ['Access-Control-Allow-Headers', 'x-api-key, authorization, accept'],
        ]),
    },
    {
      label: 'unparseable Allow-Methods',
      res: (env, i) =>
        good(env, i, [
          ['Access-Control-Allow-Methods', 'GET; PUT'],
          ['Access-Control-Allow-Headers', ALL_HEADERS],
        ]),
    },
    {
      label: 'unparseable Allow-Headers',
      res: (env, i) =>
        good(env, i, [
          ['Access-Control-Allow-Methods', ALL_METHODS],
          ['Access-Control-Allow-Headers', '"content-type"'],
        ]),
    },
    {
      label: 'ACAO wrong origin',
      res: (env, i) => ({
        ...good(env, i, [['Access-Control-Allow-Methods', ALL_METHODS]]),
        headers: acao('wrong', env),
      }),
    },
    {
      label: 'ACAO not an origin (no scheme)',
      res: (env, i) => ({
        ...good(env, i, [['Access-Control-Allow-Methods', ALL_METHODS]]),
        headers: [...acao('invalid', env), ...(i ? acac('true') : [])],
      }),
    },
    {
      label: 'ACAO twice',
      res: (env, i) => ({ ...good(env, i), headers: [...acao('twice', env), ...(i ? acac('true') : [])] }),
    },
    {
      label: 'ACAC True',
      res: (env) =>
        good(env, false, [
          ['Access-Control-Allow-Credentials', 'True'],
          ['Access-Control-Allow-Methods', ALL_METHODS],
          ['Access-Control-Allow-Headers', ALL_HEADERS],
        ]),
    },
  ];
  for (const r of requests)
    for (const v of variants)
      for (const credentials of ['same-origin', 'include'] as CredentialsMode[]) {
        const include = credentials === 'include';
        add(
          G_PREFLIGHT,
          `${r.label} credentials=${credentials}; preflight: ${v.label}`,
          { ...r.call, credentials },
          (req, env) => (isPreflight(req) ? v.res(env, include) : okActual(env, include)),
        );
      }
  // The actual response is judged again after a good preflight (§4.1 main fetch step 14, §4.9).
  for (const credentials of ['same-origin', 'include'] as CredentialsMode[])
    for (const actualAcao of ['missing', 'star', 'wrong'] as AcaoVariant[])
      add(
        G_PREFLIGHT,
        `PUT credentials=${credentials}; preflight ok; actual ACAO=${actualAcao}`,
        { method: 'PUT', credentials, body: { type: 'json' } },
        (req, env) =>
          isPreflight(req)
            ? {
                status: 200,
                headers: [
                  ...acao('exact', env),
                  ...(credentials === 'include' ? acac('true') : []),
                  ['Access-Control-Allow-Methods', 'PUT'],
                ],
              }
            : {
                status: 200,
                headers: [...acao(actualAcao, env), ...(credentials === 'include' ? acac('true') : [])],
              },
      );
}

// ── §3.2.3 / §2.2.2 CORS-safelisted request headers and methods: simple or preflight? ───────────────
// The preflight answer allows no header and no method, so a request that needs one is blocked with a
// message naming the first reason, and a simple request goes through.
export const G_SAFELIST =
  '§2.2.1 / §2.2.2 CORS-safelisted methods and request-headers, forbidden request-headers';
{
  const strict = (req: WireRequest, env: Env): WireResponse =>
    isPreflight(req) ? { status: 200, headers: acao('exact', env) } : okActual(env, false);
  const cases: Array<[string, Omit<FetchCall, 'url'>]> = [
    [
      'Content-Type text/plain',
      { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: { type: 'text' } },
    ],
    [
      'Content-Type TEXT/PLAIN',
      { method: 'POST', headers: { 'Content-Type': 'TEXT/PLAIN' }, body: { type: 'text' } },
    ],
    [
      'Content-Type text/plain;charset=utf-8',
      { method: 'POST', headers: { 'Content-Type': 'text/plain;charset=utf-8' }, body: { type: 'text' } },
    ],
    [
      'Content-Type text/plain; charset="utf-8" (unsafe byte ")',
      { method: 'POST', headers: { 'Content-Type': 'text/plain; charset="utf-8"' }, body: { type: 'text' } },
    ],
    [
      'Content-Type application/x-www-form-urlencoded',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: { type: 'text' },
      },
    ],
    [
      'Content-Type multipart/form-data; boundary=x',
      {
        method: 'POST',
        headers: { 'Content-Type': 'multipart/form-data; boundary=x' },
        body: { type: 'text' },
      },
    ],
    [
      'Content-Type application/json',
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: { type: 'json' } },
    ],
    [
      'Content-Type application/json; charset=utf-8',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: { type: 'json' },
      },
    ],
    [
      'Content-Type text/plain, application/json',
      { method: 'POST', headers: { 'Content-Type': 'text/plain, application/json' }, body: { type: 'text' } },
    ],
    [
      'Content-Type text/html',
      { method: 'POST', headers: { 'Content-Type': 'text/html' }, body: { type: 'text' } },
    ],
    ['Content-Type on GET', { method: 'GET', headers: { 'Content-Type': 'application/json' } }],
    ['string body (implies text/plain;charset=UTF-8)', { method: 'POST', body: { type: 'text' } }],
    ['URLSearchParams body', { method: 'POST', body: { type: 'urlencoded' } }],
    ['FormData body', { method: 'POST', body: { type: 'form-data' } }],
    [
      'Blob body type application/json',
      { method: 'POST', body: { type: 'blob', contentType: 'application/json' } },
    ],
    ['Blob body type Text/Plain', { method: 'POST', body: { type: 'blob', contentType: 'Text/Plain' } }],
    ['Blob body without type', { method: 'POST', body: { type: 'blob' } }],
    ['Accept 128 bytes', { method: 'GET', headers: { Accept: 'a'.repeat(128) } }],
    ['Accept 129 bytes', { method: 'GET', headers: { Accept: 'a'.repeat(129) } }],
    ['Accept with unsafe byte {', { method: 'GET', headers: { Accept: 'application/{json}' } }],
    ['Accept-Language en-US,en;q=0.9', { method: 'GET', headers: { 'Accept-Language': 'en-US,en;q=0.9' } }],
    ['Content-Language en_US (underscore)', { method: 'GET', headers: { 'Content-Language': 'en_US' } }],
    ['Range bytes=0-99', { method: 'GET', headers: { Range: 'bytes=0-99' } }],
    ['Range bytes=-5', { method: 'GET', headers: { Range: 'bytes=-5' } }],
    [
      'safelisted values exactly 1,024 bytes in total (Chromium client hints)',
      {
        method: 'GET',
        headers: {
          Accept: 'a'.repeat(128),
          'Accept-Language': 'b'.repeat(128),
          'Content-Language': 'c'.repeat(128),
          DPR: `1${'0'.repeat(127)}`,
          Width: `2${'0'.repeat(127)}`,
          'Viewport-Width': `3${'0'.repeat(127)}`,
          'Device-Memory': `4${'0'.repeat(127)}`,
          Downlink: `5${'0'.repeat(127)}`,
        },
      },
    ],
    [
      'safelisted values 1,152 bytes in total: all become unsafe',
      {
        method: 'GET',
        headers: {
          Accept: 'a'.repeat(128),
          'Accept-Language': 'b'.repeat(128),
          'Content-Language': 'c'.repeat(128),
          DPR: `1${'0'.repeat(127)}`,
          Width: `2${'0'.repeat(127)}`,
          'Viewport-Width': `3${'0'.repeat(127)}`,
          'Device-Memory': `4${'0'.repeat(127)}`,
          Downlink: `5${'0'.repeat(127)}`,
          'Content-Type': `text/plain;x=${'a'.repeat(115)}`,
        },
      },
    ],
    ['DPR 2 (Chromium client hint)', { method: 'GET', headers: { DPR: '2' } }],
    ['DPR abc', { method: 'GET', headers: { DPR: 'abc' } }],
    ['Save-Data on, ECT 4g', { method: 'GET', headers: { 'Save-Data': 'on', ECT: '4g' } }],
    ['RTT 50 (Chromium client hint)', { method: 'GET', headers: { RTT: '50' } }],
    ['Save-Data off (Chromium safelists only on)', { method: 'GET', headers: { 'Save-Data': 'off' } }],
    ['ECT 5g (Chromium safelists only slow-2g, 2g, 3g, 4g)', { method: 'GET', headers: { ECT: '5g' } }],
    ['x-api-key', { method: 'GET', headers: { 'x-api-key': 'k' } }],
    ['X-Requested-With', { method: 'GET', headers: { 'X-Requested-With': 'XMLHttpRequest' } }],
    [
      'forbidden headers only (Cookie, Referer, Origin, Sec-Foo, Proxy-Foo, Content-Length, DNT)',
      {
        method: 'GET',
        headers: {
          Cookie: 'a=1',
          Referer: 'https://x.example',
          Origin: 'https://evil.example',
          'Sec-Foo': '1',
          'Proxy-Foo': '1',
          'Content-Length': '3',
          DNT: '1',
        },
      },
    ],
    [
      'X-HTTP-Method-Override TRACE (forbidden)',
      { method: 'GET', headers: { 'X-HTTP-Method-Override': 'TRACE' } },
    ],
    [
      'X-HTTP-Method-Override PATCH (not forbidden)',
      { method: 'GET', headers: { 'X-HTTP-Method-Override': 'PATCH' } },
    ],
    ['method get (normalised to GET)', { method: 'get' }],
    ['method Post (normalised to POST)', { method: 'Post', body: { type: 'text' } }],
    ['method put (normalised to PUT)', { method: 'put' }],
    ['method patch (not normalised)', { method: 'patch' }],
    ['method OPTIONS', { method: 'OPTIONS' }],
    ['method PROPFIND', { method: 'PROPFIND' }],
    ['method TRACE (forbidden)', { method: 'TRACE' }],
    ['method connect (forbidden, any case)', { method: 'connect' }],
    ['method "GET X" (not a token)', { method: 'GET X' }],
    ['GET with a body', { method: 'GET', body: { type: 'text' } }],
    [
      'mode no-cors with x-api-key (dropped)',
      { method: 'GET', mode: 'no-cors', headers: { 'x-api-key': 'k' } },
    ],
    ['mode no-cors PUT', { method: 'PUT', mode: 'no-cors' }],
    [
      'mode no-cors POST application/json',
      {
        method: 'POST',
        mode: 'no-cors',
        headers: { 'Content-Type': 'application/json' },
        body: { type: 'json' },
      },
    ],
    ['mode same-origin to another origin', { method: 'GET', mode: 'same-origin' }],
    ['credentials omit', { method: 'GET', credentials: 'omit' }],
  ];
  for (const [title, call] of cases) add(G_SAFELIST, title, call, strict);
  // Fetch §5.4 Request constructor step 5: a URL that does not parse (port 99999) throws before anything is sent.
  add(G_SAFELIST, 'URL with port 99999 (does not parse)', { method: 'GET' }, strict);
  scenarios[scenarios.length - 1].url = (env) => `${env.base.replace(/:\d+\//, ':99999/')}/x`;
  // Two headers disallowed at once: Chromium names one of them in hash-table order (see docs/browser.md).
  add(
    G_SAFELIST,
    'x-api-key and Authorization both disallowed',
    { method: 'GET', headers: { 'x-api-key': 'k', Authorization: 'B' } },
    strict,
  );
  add(
    G_SAFELIST,
    'x-z and x-b both disallowed',
    { method: 'GET', headers: { 'x-z': '1', 'x-b': '1' } },
    strict,
  );
  // WebKit names a header WebCore knows in its own spelling and ahead of others; Firefox the first of
  // the sorted Access-Control-Request-Headers.
  add(
    G_SAFELIST,
    'x-b and lower-case content-type (application/json) both disallowed',
    { method: 'POST', headers: { 'x-b': '1', 'content-type': 'application/json' }, body: { type: 'json' } },
    strict,
  );
  add(
    G_SAFELIST,
    'X-Custom-Header alone, mixed case',
    { method: 'GET', headers: { 'X-Custom-Header': '1' } },
    strict,
  );
  add(
    G_SAFELIST,
    'lower-case authorization and cache-control both disallowed',
    { method: 'GET', headers: { 'cache-control': 'no-cache', authorization: 'B' } },
    strict,
  );
}

// ── §4.4 HTTP-redirect fetch and §4.9 on every hop ───────────────────────────────────────────────────
export const G_REDIRECT = '§4.4 HTTP-redirect fetch: CORS check on each hop';
for (const status of [301, 302, 307, 308])
  for (const [label, first, second] of [
    ['both hops allow', 'exact', 'exact'],
    ['redirect hop lacks ACAO', 'missing', 'exact'],
    ['final hop lacks ACAO', 'exact', 'missing'],
    ['final hop ACAO *', 'exact', 'star'],
  ] as Array<[string, AcaoVariant, AcaoVariant]>)
    add(G_REDIRECT, `GET ${status}; ${label}`, { method: 'GET' }, (req, env) =>
      req.url.endsWith('/y')
        ? { status: 200, headers: acao(second, env) }
        : { status, headers: [...acao(first, env), ['Location', `${env.base}/y`]] },
    );
add(G_REDIRECT, 'POST 303 to GET; both hops allow', { method: 'POST', body: { type: 'text' } }, (req, env) =>
  req.url.endsWith('/y')
    ? { status: 200, headers: acao('exact', env) }
    : { status: 303, headers: [...acao('exact', env), ['Location', `${env.base}/y`]] },
);
add(
  G_REDIRECT,
  'GET 302 with credentials; final hop lacks ACAC',
  { method: 'GET', credentials: 'include' },
  (req, env) =>
    req.url.endsWith('/y')
      ? { status: 200, headers: acao('exact', env) }
      : { status: 302, headers: [...acao('exact', env), ...acac('true'), ['Location', `${env.base}/y`]] },
);

// Fetch §4.4 step 5: a fetch follows at most 20 redirects; every hop allows the page.
for (const hops of [20, 21])
  add(G_REDIRECT, `GET redirected ${hops} times; every hop allows`, { method: 'GET' }, (req, env) => {
    const n = Number(/\/r(\d+)$/.exec(req.url)?.[1] ?? 0);
    return n === hops
      ? { status: 200, headers: acao('exact', env) }
      : { status: 302, headers: [...acao('exact', env), ['Location', `${env.base}/r${n + 1}`]] };
  });
// Fetch §4.4 step 8: a CORS request may not follow a redirect to a URL with a username and password.
add(G_REDIRECT, 'GET 302 to a URL with a username and password', { method: 'GET' }, (req, env) =>
  req.url.endsWith('/y')
    ? { status: 200, headers: acao('exact', env) }
    : {
        status: 302,
        headers: [...acao('exact', env), ['Location', `${env.base.replace('://', '://user:pass@')}/y`]],
      },
);

// ── §3.2.4 / §2.2.6 readable response headers ────────────────────────────────────────────────────────
export const G_EXPOSE = '§3.2.4 Access-Control-Expose-Headers and §2.2.6 safelisted response headers';
{
  const body: HeaderList = [
    ['Content-Type', 'application/json'],
    ['Cache-Control', 'no-store'],
    ['Content-Language', 'en'],
    ['Expires', '0'],
    ['Last-Modified', 'Wed, 21 Oct 2015 07:28:00 GMT'],
    ['Pragma', 'no-cache'],
    ['X-Request-Id', 'r1'],
    ['X-Amzn-RequestId', 'r2'],
    ['Set-Cookie', 'a=1'],
  ];
  const variants: Array<[string, HeaderList]> = [
    ['no Expose-Headers', []],
    ['Expose-Headers X-Request-Id', [['Access-Control-Expose-Headers', 'X-Request-Id']]],
    [
      'Expose-Headers x-request-id, x-amzn-requestid, set-cookie',
      [['Access-Control-Expose-Headers', 'x-request-id, x-amzn-requestid, set-cookie']],
    ],
    ['Expose-Headers *', [['Access-Control-Expose-Headers', '*']]],
    [
      'two Expose-Headers headers',
      [
        ['Access-Control-Expose-Headers', 'X-Request-Id,,'],
        ['Access-Control-Expose-Headers', 'X-Amzn-RequestId'],
      ],
    ],
    ['unparseable Expose-Headers', [['Access-Control-Expose-Headers', 'X-Request-Id "X-Amzn-RequestId"']]],
  ];
  for (const credentials of ['same-origin', 'include'] as CredentialsMode[])
    for (const [label, extra] of variants)
      add(G_EXPOSE, `credentials=${credentials}; ${label}`, { method: 'GET', credentials }, (_req, env) => ({
        status: 200,
        headers: [
          ...acao('exact', env),
          ...(credentials === 'include' ? acac('true') : []),
          ...body,
          ...extra,
        ],
      }));
}

export const SCENARIOS: readonly Scenario[] = scenarios;
