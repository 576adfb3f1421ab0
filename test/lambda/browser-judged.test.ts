// The browser model (src/browser, Chromium's CORS checks) judges withCors's answers: for every policy
// in a table and every request shape, a request the policy allows is allowed by the browser, and one
// it does not allow is blocked.
import { describe, expect, it } from 'vitest';
import {
  engineNotes,
  type FetchCall,
  simulateFetchAsync,
  type WireRequest,
  type WireResponse,
} from '../../src/browser/index.js';
import { type CorsOptions, corsPolicy, withCors } from '../../src/lambda/index.js';
import { context, event, ok } from './events.js';

const API = 'https://api.example.net/items';

const policies: Array<[string, CorsOptions]> = [
  ['one exact origin', { origins: ['https://app.example.com'] }],
  [
    'origins and a pattern, credentials, methods and headers listed',
    {
      origins: ['https://app.example.com', 'https://*.example.org'],
      credentials: true,
      allowMethods: ['PUT', 'DELETE'],
      allowHeaders: ['content-type', 'x-api-key', 'authorization'],
      maxAge: 600,
    },
  ],
  ["'*' with content-type allowed", { origins: '*', allowHeaders: ['content-type'], allowMethods: ['PUT'] }],
  [
    "'*' everywhere (Authorization still not covered by Allow-Headers: *)",
    { origins: '*', allowHeaders: ['*'], allowMethods: ['*'] },
  ],
  [
    'a pattern only',
    { origins: ['https://*.example.org'], allowMethods: ['PATCH'], allowHeaders: ['x-api-key'] },
  ],
];

const pages = [
  'https://app.example.com',
  'https://a.example.org',
  'https://b.c.example.org',
  'https://example.org.evil.com',
  'http://app.example.com',
];

const calls: Array<[string, FetchCall]> = [
  ['a simple GET', { url: API }],
  ['a GET with credentials', { url: API, credentials: 'include' }],
  [
    'a POST of text/plain (simple)',
    { url: API, method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: { type: 'text' } },
  ],
  [
    'a PUT of JSON (preflight)',
    { url: API, method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: { type: 'json' } },
  ],
  ['a DELETE (preflight)', { url: API, method: 'DELETE' }],
  ['a GET with x-api-key (preflight)', { url: API, headers: { 'x-api-key': 'k' } }],
  ['a GET with Authorization (preflight)', { url: API, headers: { Authorization: 'Bearer t' } }],
  ['a PATCH (preflight)', { url: API, method: 'PATCH' }],
  ['a lower-case patch (sent as is: no match for PATCH)', { url: API, method: 'patch' }],
  [
    'a PUT of JSON with credentials',
    {
      url: API,
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'include',
      body: { type: 'json' },
    },
  ],
];

const SAFELISTED_METHODS = ['GET', 'HEAD', 'POST'];

/** What the policy means to allow, written from the options (Fetch standard, CORS protocol). */
function policyAllows(options: CorsOptions, page: string, call: FetchCall): boolean {
  const credentialed = call.credentials === 'include';
  if (!('Access-Control-Allow-Origin' in corsPolicy(options).headers(page, false))) return false;
  if (credentialed && !options.credentials) return false;
  const method = call.method ?? 'GET';
  const methods = options.allowMethods ?? [];
  const methodOk =
    SAFELISTED_METHODS.includes(method) ||
    methods.includes(method) ||
    (methods.includes('*') && !credentialed);
  const allowHeaders = (options.allowHeaders ?? []).map((h) => h.toLowerCase());
  const headersOk = Object.entries((call.headers ?? {}) as Record<string, string>).every(([name, value]) => {
    const lower = name.toLowerCase();
    if (lower === 'content-type' && value === 'text/plain') return true; // CORS-safelisted request header
    if (allowHeaders.includes(lower)) return true;
    // Chromium, Firefox and WebKit let `*` cover Authorization (engines.test.ts); the Fetch standard does not.
    return allowHeaders.includes('*') && !credentialed;
  });
  return methodOk && headersOk;
}

/** API Gateway in between: the wire request as a proxy event, the proxy result as wire headers. */
function gateway(options: CorsOptions) {
  const handler = withCors(corsPolicy(options), ok);
  return async (req: WireRequest): Promise<WireResponse> => {
    const headers = Object.fromEntries(req.headers);
    const result = await handler(event(req.method, headers, { path: new URL(req.url).pathname }), context);
    const list: Array<[string, string]> = Object.entries(result.headers ?? {}).map(([k, v]) => [
      k,
      String(v),
    ]);
    for (const [k, vs] of Object.entries(result.multiValueHeaders ?? {}))
      for (const v of vs) list.push([k, String(v)]);
    return { status: result.statusCode, headers: list };
  };
}

describe('the browser model judges withCors’s responses', () => {
  it('notes that Allow-Headers: * covers Authorization in all three engines but not in the Fetch standard (§2.2.2)', async () => {
    const options: CorsOptions = { origins: '*', allowHeaders: ['*'] };
    const call: FetchCall = { url: API, headers: { Authorization: 'Bearer t' } };
    const verdict = await simulateFetchAsync('https://app.example.com', call, gateway(options));
    expect(verdict.allowed).toBe(true);
    expect(engineNotes(verdict).join('\n')).toMatch(/Authorization/);
  });

  for (const [name, options] of policies)
    describe(`policy: ${name}`, () => {
      for (const page of pages)
        it.each(calls)(`from ${page}: %s is allowed exactly when the policy allows it`, async (_, call) => {
          const verdict = await simulateFetchAsync(page, call, gateway(options));
          const expected = policyAllows(options, page, call);
          expect({ allowed: verdict.allowed, why: verdict.consoleMessage }).toMatchObject({
            allowed: expected,
          });
        });
    });
});
