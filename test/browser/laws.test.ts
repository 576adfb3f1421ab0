// Internal laws of the browser model, checked with fast-check over generated calls and responses.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FetchCall,
  simulateFetch,
  type WireRequest,
  type WireResponse,
} from '../../src/browser/index.js';

const PAGE = 'http://localhost:5173';
const URL_ = 'https://api.example.com/prod/items';

const headerName = fc.constantFrom(
  'Accept',
  'Content-Type',
  'x-api-key',
  'Authorization',
  'X-Amz-Date',
  'Accept-Language',
  'Range',
  'Cookie',
  'DPR',
);
const headerValue = fc.constantFrom(
  'text/plain',
  'application/json',
  'k',
  'Bearer t',
  'en',
  'bytes=0-1',
  'a'.repeat(200),
  '2',
);
const arbCall: fc.Arbitrary<FetchCall> = fc.record({
  url: fc.constant(URL_),
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'patch', 'HEAD', 'OPTIONS'),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 }),
  credentials: fc.constantFrom('omit' as const, 'same-origin' as const, 'include' as const),
});
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const arbResponseHeaders = fc.record({
  origin: optional(fc.constantFrom(PAGE, '*', 'https://other.example', `${PAGE}, ${PAGE}`)),
  credentials: optional(fc.constantFrom('true', 'True')),
  methods: optional(fc.constantFrom('*', 'GET,POST,PUT,DELETE,PATCH', 'PUT', 'patch', 'GET;PUT')),
  headers: optional(
    fc.constantFrom(
      '*',
      'content-type',
      'x-api-key,authorization',
      'X-Api-Key, Content-Type, Accept, Range, DPR',
    ),
  ),
  status: fc.constantFrom(200, 204, 403, 500),
});
type Arb = typeof arbResponseHeaders extends fc.Arbitrary<infer T> ? T : never;

function responder(r: Arb, extraAllowHeader?: string) {
  return (req: WireRequest): WireResponse => {
    const h: Array<[string, string]> = [];
    if (r.origin !== undefined) h.push(['Access-Control-Allow-Origin', r.origin]);
    if (r.credentials !== undefined) h.push(['Access-Control-Allow-Credentials', r.credentials]);
    if (req.method === 'OPTIONS') {
      if (r.methods !== undefined) h.push(['Access-Control-Allow-Methods', r.methods]);
      if (r.headers !== undefined) h.push(['Access-Control-Allow-Headers', r.headers]);
      if (extraAllowHeader !== undefined) h.push(['Access-Control-Allow-Headers', extraAllowHeader]);
    }
    return { status: r.status, headers: h };
  };
}

describe('laws of the browser model', () => {
  it('a request an engine judges simple never gets a preflight in that engine (Fetch §4.1 main fetch step 12)', () => {
    fc.assert(
      fc.property(arbCall, arbResponseHeaders, (call, r) => {
        const sent: string[] = [];
        const base = responder(r);
        const v = simulateFetch(PAGE, call, (req) => {
          sent.push(req.method);
          return base(req);
        });
        // Chromium's requests are asked first; Firefox and WebKit's follow only where they differ (client hints).
        const chromium = v.engines.chromium.requests.map((q) => q.method);
        expect(sent.slice(0, chromium.length)).toEqual(chromium);
        for (const e of ['chromium', 'firefox', 'webkit'] as const) {
          const methods = v.engines[e].requests.map((q) => q.method);
          if (!v.engines[e].needsPreflight) expect(methods).not.toContain('OPTIONS');
          else expect(methods[0]).toBe('OPTIONS');
        }
        if (v.plan.kind === 'simple') expect(chromium).not.toContain('OPTIONS');
      }),
      { numRuns: 2000 },
    );
  });

  it('adding a header to Access-Control-Allow-Headers never turns an allowed request into a blocked one (§4.8 step 7.6)', () => {
    fc.assert(
      fc.property(arbCall, arbResponseHeaders, headerName, (call, r, extra) => {
        const before = simulateFetch(PAGE, call, responder(r));
        const after = simulateFetch(PAGE, call, responder(r, extra));
        if (before.allowed) expect(after.allowed).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('`*` never satisfies a credentialed request (Fetch §3.2.3, §4.9 CORS check)', () => {
    fc.assert(
      fc.property(arbCall, arbResponseHeaders, (call, r) => {
        const v = simulateFetch(PAGE, { ...call, credentials: 'include' }, responder(r));
        if (!v.allowed) return;
        // Allowed with credentials: no decision may have rested on a wildcard.
        expect(r.origin).toBe(PAGE);
        expect(r.credentials).toBe('true');
        const pre = v.preflight?.judgement.checks ?? [];
        for (const c of pre) if (c.ok) expect(c.detail).not.toMatch(/is '\*', which (covers|any origin)/);
      }),
      { numRuns: 2000 },
    );
  });
});
