/**
 * The request log's verdicts are remembered by a key of what the judgement reads (src/serve/verdict.ts).
 * Property: over any sequence of exchanges drawn from small pools (so keys collide often), the
 * remembered verdict is the one the browser model gives afresh.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GatewayRequest, GatewayResponse } from '../../src/gateway/types.js';
import { exchangeVerdict, judgeExchange } from '../../src/serve/verdict.js';

const API = 'http://127.0.0.1:3000';

const REQUEST_HEADERS: Array<[string, string]> = [
  ['Access-Control-Request-Method', 'PUT'],
  ['Access-Control-Request-Method', 'GET'],
  ['Access-Control-Request-Headers', 'x-api-key'],
  ['Access-Control-Request-Headers', 'content-type,authorization'],
  ['Content-Type', 'application/json'],
  ['Content-Type', 'text/plain'],
  ['Cookie', 'a=1'],
  ['Cookie', 'a=2'],
  ['Authorization', 'Bearer x'],
  ['x-api-key', 'k'],
  ['Accept', 'x'.repeat(130)],
  ['Accept', 'application/json'],
];
const requestHeader = fc.constantFrom(...REQUEST_HEADERS);

const RESPONSE_HEADERS: Array<[string, string]> = [
  ['Access-Control-Allow-Origin', 'https://a.example'],
  ['Access-Control-Allow-Origin', 'https://b.example'],
  ['Access-Control-Allow-Origin', '*'],
  ['Access-Control-Allow-Credentials', 'true'],
  ['Access-Control-Allow-Methods', 'GET,PUT'],
  ['Access-Control-Allow-Methods', 'GET'],
  ['Access-Control-Allow-Headers', 'x-api-key'],
  ['Access-Control-Allow-Headers', '*'],
  ['Access-Control-Expose-Headers', 'x-id'],
  ['Location', '/elsewhere'],
  ['x-id', '1'],
  ['Content-Type', 'application/json'],
];
const responseHeader = fc.constantFrom(...RESPONSE_HEADERS);

const exchange = fc.record({
  origin: fc.constantFrom('https://a.example', 'https://b.example', API, 'null'),
  method: fc.constantFrom('GET', 'POST', 'OPTIONS', 'PUT'),
  path: fc.constantFrom('/items', '/items/1'),
  query: fc.constantFrom('', 'q=1'),
  requestHeaders: fc.uniqueArray(requestHeader, { maxLength: 4, selector: ([n]) => n.toLowerCase() }),
  status: fc.constantFrom(200, 204, 302, 403),
  responseHeaders: fc.uniqueArray(responseHeader, { maxLength: 5, selector: ([n]) => n.toLowerCase() }),
});

function toExchange(x: ExchangeParts): {
  req: GatewayRequest;
  res: GatewayResponse;
} {
  return {
    req: {
      method: x.method,
      path: x.path,
      query: x.query,
      headers: [['Origin', x.origin], ...x.requestHeaders],
      body: undefined,
      sourceIp: '127.0.0.1',
      domainName: '127.0.0.1:3000',
    },
    res: { status: x.status, headers: x.responseHeaders, body: '', trace: { requestId: 'r', kind: 'proxy' } },
  };
}

type ExchangeParts = typeof exchange extends fc.Arbitrary<infer T> ? T : never;

/** y is judged right after x was remembered. */
function judgedAfterwards(x: ExchangeParts, y: ExchangeParts): void {
  const first = toExchange(x);
  exchangeVerdict(first.req, first.res, API);
  const { req, res } = toExchange(y);
  expect(exchangeVerdict(req, res, API)).toEqual(judgeExchange(req, res, API));
}

describe('remembered verdicts', () => {
  it('equal a fresh judgement of the same exchange, whatever was judged before', () => {
    fc.assert(
      fc.property(fc.array(exchange, { minLength: 1, maxLength: 30 }), (sequence) => {
        for (const x of sequence) {
          const { req, res } = toExchange(x);
          expect(exchangeVerdict(req, res, API)).toEqual(judgeExchange(req, res, API));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an exchange that differs from a remembered one in any one part is judged afresh', () => {
    const fields = [
      'origin',
      'method',
      'path',
      'query',
      'requestHeaders',
      'status',
      'responseHeaders',
    ] as const;
    fc.assert(
      fc.property(exchange, exchange, fc.constantFrom(...fields), (x, other, field) => {
        judgedAfterwards(x, { ...x, [field]: other[field] });
      }),
      { numRuns: 1000 },
    );
  });

  it('a header with the same name and another value is judged afresh (request and response)', () => {
    const sameName = (
      list: Array<[string, string]>,
      pool: Array<[string, string]>,
      at: number,
      pick: number,
    ) => {
      if (list.length === 0) return list;
      const i = at % list.length;
      const choices = pool.filter(([n, v]) => n === list[i][0] && v !== list[i][1]);
      if (choices.length === 0) return list;
      return list.map((h, j) => (j === i ? choices[pick % choices.length] : h));
    };
    fc.assert(
      fc.property(exchange, fc.nat(), fc.nat(), fc.boolean(), (x, at, pick, inRequest) => {
        const y = inRequest
          ? { ...x, requestHeaders: sameName(x.requestHeaders, REQUEST_HEADERS, at, pick) }
          : { ...x, responseHeaders: sameName(x.responseHeaders, RESPONSE_HEADERS, at, pick) };
        judgedAfterwards(x, y);
      }),
      { numRuns: 1000 },
    );
  });

  it('a same-origin request (Origin equal to the API) gets no verdict', () => {
    const { req, res } = toExchange({
      origin: API,
      method: 'GET',
      path: '/items',
      query: '',
      requestHeaders: [],
      status: 200,
      responseHeaders: [],
    });
    expect(exchangeVerdict(req, res, API)).toBeUndefined();
  });
});
