/**
 * Hostile HTTP against `crossgate serve` (issue 13): nothing a client or a handler sends loses data or
 * corrupts a connection. Bodies over API Gateway's 10 MB limit, framing headers in a proxy result,
 * pipelined requests before a malformed one, status codes outside 200–599. Each test talks to a real
 * server over a real socket, at the byte level where what reaches the socket is the point.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplateFile } from '../../src/cli/template-file.js';
import type { Gateway } from '../../src/gateway/gateway.js';
import type { GatewayRequest, GatewayResponse, GatewayTrace } from '../../src/gateway/types.js';
import { type RunningServe, serve } from '../../src/serve/serve.js';
import { type Exchange, startGatewayServer } from '../../src/serve/server.js';
import { converse, countResponses, get, headerOf, parseResponses } from './raw-http.js';

const MB = 1024 * 1024;
const LIMIT = 10 * MB;
const TOO_LONG = '{"message":"Request Too Long"}';
const INTERNAL = '{"message":"Internal server error"}';

let api: RunningServe;
let url: string;
const traces: GatewayTrace[] = [];
const requests: GatewayRequest[] = [];

beforeAll(async () => {
  const { model, deployment } = loadTemplateFile('test/serve/fixtures/hostile/template.yaml');
  // One environment, so the handler's own count of /echo calls is the count of every call.
  api = await serve(model, deployment, {
    port: 0,
    watch: false,
    workers: 1,
    onExchange: (x) => {
      traces.push(x.response.trace);
      requests.push(x.request);
    },
  });
  url = api.server.url;
});
afterAll(() => api.close());

const echoed = async (): Promise<number> =>
  ((await (await fetch(`${url}/count`)).json()) as { echoed: number }).echoed;

describe('bodies over API Gateway’s 10 MB payload limit are a 413 and never reach the handler (AWS docs: "Amazon API Gateway quotas", payload size 10 MB; "Gateway response types", REQUEST_TOO_LARGE 413)', () => {
  it('a body of exactly 10 MB reaches the handler whole', async () => {
    const res = await fetch(`${url}/echo`, { method: 'POST', body: 'a'.repeat(LIMIT) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ bytes: LIMIT });
  });

  for (const [what, size] of [
    ['one byte over 10 MB', LIMIT + 1],
    ['11 MB (before: cut to 10 MB and handed to the handler, 200)', 11 * MB],
  ] as const) {
    it(`a body of ${what} is 413 {"message":"Request Too Long"}, RequestTooLargeException, and the handler never runs`, async () => {
      const before = await echoed();
      const res = await fetch(`${url}/echo`, { method: 'POST', body: 'a'.repeat(size) });
      expect(res.status).toBe(413);
      expect(res.headers.get('x-amzn-errortype')).toBe('RequestTooLargeException');
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.text()).toBe(TOO_LONG);
      expect(await echoed()).toBe(before);
      const trace = traces.findLast((t) => t.responseType === 'REQUEST_TOO_LARGE');
      expect(trace?.functionId).toBeUndefined();
    });
  }

  it('a declared Content-Length over 10 MB is answered 413 before a single body byte arrives', async () => {
    const before = await echoed();
    const c = await converse(
      api.server.port,
      (s) => s.write(`POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${1024 * MB}\r\n\r\n`),
      { until: (t) => countResponses(t) === 1 },
    );
    const [res] = parseResponses(c.text);
    expect(res.status).toBe(413);
    expect(res.body).toBe(TOO_LONG);
    expect(headerOf(res, 'connection')).toBe('close');
    expect(await echoed()).toBe(before);
  });

  it('a chunked body is answered 413 as soon as it passes 10 MB: the server stops reading and never waits for its end', async () => {
    const chunk = `${MB.toString(16)}\r\n${'a'.repeat(MB)}\r\n`;
    const c = await converse(
      api.server.port,
      (s) => {
        s.write('POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n');
        // Eleven megabytes and no last chunk: a server that buffers to the end never answers.
        for (let i = 0; i < 11; i++) s.write(chunk);
      },
      { until: (t) => countResponses(t) === 1 },
    );
    const [res] = parseResponses(c.text);
    expect(res.status).toBe(413);
    expect(res.body).toBe(TOO_LONG);
  });

  it('Expect: 100-continue with a Content-Length over 10 MB is answered 413 at once, never 100 Continue (RFC 9110 §10.1.1)', async () => {
    const c = await converse(
      api.server.port,
      (s) =>
        s.write(
          `POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${20 * MB}\r\nExpect: 100-continue\r\n\r\n`,
        ),
      { until: (t) => t.includes('\r\n\r\n') },
    );
    expect(c.text).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('Expect: 100-continue under the limit gets 100 Continue, then the handler’s answer', async () => {
    const c = await converse(
      api.server.port,
      (s) => {
        s.write(
          'POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n',
        );
        s.once('data', () => s.write('hello'));
      },
      { until: (t) => t.includes('{"bytes":5}') },
    );
    expect(c.text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
  });

  it('a client still sending its body after the 413 reads the whole answer; then the server closes the connection', async () => {
    const body = Buffer.alloc(MB, 'a');
    const c = await converse(api.server.port, (s) => {
      s.write(`POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${16 * MB}\r\n\r\n`);
      let sent = 0;
      const pump = () => {
        while (sent < 16 && !s.destroyed) {
          sent++;
          if (!s.write(body)) return void s.once('drain', pump);
        }
      };
      pump();
    });
    expect(c.error).toBeUndefined();
    expect(c.closed).toBe(true);
    const [res] = parseResponses(c.text);
    expect(res.status).toBe(413);
    expect(res.body).toBe(TOO_LONG);
  });

  it('after all of the above, the next request is served', async () => {
    const res = await fetch(`${url}/echo`, { method: 'POST', body: 'abc' });
    expect(await res.json()).toEqual({ bytes: 3 });
  });
});

describe('framing headers from a handler never reach the socket (AWS docs: "Amazon API Gateway important notes", REST APIs: response headers dropped or remapped to X-Amzn-Remapped-<name>)', () => {
  it('a Content-Length that disagrees with the body: the client gets the whole body, the handler’s value as x-amzn-Remapped-Content-Length, and the next response on the connection is intact', async () => {
    const c = await converse(
      api.server.port,
      (s) => s.write(get('/framing/short-length') + get('/framing/long-length') + get('/count')),
      { until: (t) => countResponses(t) === 3 },
    );
    const [short, long, count] = parseResponses(c.text);
    expect(short.body).toBe('hello world');
    expect(headerOf(short, 'content-length')).toBe('11');
    expect(headerOf(short, 'x-amzn-Remapped-Content-Length')).toBe('3');
    expect(long.body).toBe('hello world');
    expect(headerOf(long, 'x-amzn-Remapped-Content-Length')).toBe('500');
    expect(count.status).toBe(200);
    expect(JSON.parse(count.body)).toHaveProperty('echoed');
  });

  it('Transfer-Encoding: chunked from the handler is dropped; the body goes out whole, framed by Content-Length', async () => {
    const c = await converse(api.server.port, (s) => s.write(get('/framing/chunked') + get('/count')), {
      until: (t) => countResponses(t) === 2,
    });
    const [res, next] = parseResponses(c.text);
    expect(headerOf(res, 'transfer-encoding')).toBeUndefined();
    expect(headerOf(res, 'content-length')).toBe('11');
    expect(res.body).toBe('hello world');
    expect(next.status).toBe(200);
  });

  it('Connection: close from the handler is remapped, and the connection stays open for the next request', async () => {
    const c = await converse(api.server.port, (s) => s.write(get('/framing/close') + get('/count')), {
      until: (t) => countResponses(t) === 2,
    });
    const [res, next] = parseResponses(c.text);
    expect(headerOf(res, 'connection')).not.toBe('close');
    expect(headerOf(res, 'x-amzn-Remapped-Connection')).toBe('close');
    expect(next.status).toBe(200);
  });

  it('Upgrade from the handler is dropped: no 200 turns into a protocol switch', async () => {
    const c = await converse(api.server.port, (s) => s.write(get('/framing/upgrade') + get('/count')), {
      until: (t) => countResponses(t) === 2,
    });
    const [res, next] = parseResponses(c.text);
    expect(headerOf(res, 'upgrade')).toBeUndefined();
    expect(headerOf(res, 'x-amzn-Remapped-Connection')).toBe('Upgrade');
    expect(next.status).toBe(200);
  });

  it('every header of the table, as API Gateway treats a Lambda proxy response', async () => {
    const c = await converse(api.server.port, (s) => s.write(get('/framing/all')), {
      until: (t) => countResponses(t) === 1,
    });
    const [res] = parseResponses(c.text);
    expect(res.body).toBe('hello world');
    expect(headerOf(res, 'content-length')).toBe('11');
    expect(headerOf(res, 'x-amzn-Remapped-Content-Length')).toBe('1, 2');
    for (const dropped of ['transfer-encoding', 'trailer', 'te', 'via', 'host'])
      expect(headerOf(res, dropped), dropped).toBeUndefined();
    expect(headerOf(res, 'x-amzn-Remapped-WWW-Authenticate')).toBe('Bearer realm="api"');
    expect(headerOf(res, 'www-authenticate')).toBeUndefined();
    expect(headerOf(res, 'x-amzn-Remapped-Authorization')).toBe('Bearer handler-token');
    expect(headerOf(res, 'authorization')).toBeUndefined();
    expect(headerOf(res, 'x-amzn-Remapped-Date')).toBe('Tue, 01 Jan 2030 00:00:00 GMT');
    expect(headerOf(res, 'date')).not.toBe('Tue, 01 Jan 2030 00:00:00 GMT');
    expect(headerOf(res, 'x-amzn-Remapped-Server')).toBe('handler');
    expect(headerOf(res, 'server')).toBeUndefined();
    // Not in AWS's table; a connection-specific header (RFC 9110 §7.6.1) that is the server's own.
    expect(headerOf(res, 'keep-alive')).not.toBe('timeout=1');
  });
});

describe('pipelined requests: every complete request before a malformed one is answered, in order, then the 400 (RFC 9112 §9.3.2)', () => {
  it('four valid requests and a garbage line in one write: four answers, then 400, then the connection closes', async () => {
    const c = await converse(api.server.port, (s) =>
      s.write(get('/count') + get('/status/200') + get('/count') + get('/status/201') + 'GARBAGE\r\n\r\n'),
    );
    const answers = parseResponses(c.text);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 201, 400]);
    expect(answers[1].body).toBe('status 200');
    expect(c.closed).toBe(true);
  });

  it('slow handlers before the garbage still answer, in the order asked', async () => {
    const c = await converse(api.server.port, (s) =>
      s.write(
        get('/slow/300') + get('/slow/10') + get('/slow/100') + get('/count') + 'NOT HTTP AT ALL\r\n\r\n',
      ),
    );
    const answers = parseResponses(c.text);
    expect(answers.map((r) => r.body)).toEqual([
      'slow 300',
      'slow 10',
      'slow 100',
      expect.stringContaining('{"echoed'),
      expect.stringContaining('"Bad Request"'),
    ]);
  });

  it('garbage that arrives after the answers were sent is still a 400', async () => {
    const c = await converse(api.server.port, (s) => {
      s.write(get('/count'));
      s.once('data', () => setTimeout(() => s.write('GARBAGE\r\n\r\n'), 50));
    });
    expect(parseResponses(c.text).map((r) => r.status)).toEqual([200, 400]);
  });
});

describe('a malformed body is a 400 at once, and the connection closes (RFC 9112 §6.3: "the server MUST respond with the 400 (Bad Request) status code and then close the connection"; §7.1 chunk-size is hex digits)', () => {
  // Before: node:http reported the parse error while the request was still waiting for its body's
  // end, so no answer came until the request timeout (60 s), and the handler was never told.
  const shapes: Array<[string, string]> = [
    ['a chunk size that is not hexadecimal', 'Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n'],
    ['a Transfer-Encoding whose last coding is not chunked', 'Transfer-Encoding: gzip\r\n\r\nabc'],
    ['a chunk longer than its size says', 'Transfer-Encoding: chunked\r\n\r\n2\r\nabcdef\r\n0\r\n\r\n'],
  ];
  for (const [what, rest] of shapes)
    it(`${what}: 400 {"message":"Bad Request"}, the handler never runs, the connection closes`, async () => {
      const before = await echoed();
      const c = await converse(api.server.port, (s) => s.write(`POST /echo HTTP/1.1\r\nHost: x\r\n${rest}`));
      expect(parseResponses(c.text).map((r) => [r.status, r.body])).toEqual([
        [400, '{"message":"Bad Request"}\r\n'],
      ]);
      expect(c.closed).toBe(true);
      expect(await echoed()).toBe(before);
    });

  it('after a valid pipelined request, the malformed body still gets its 400 after the first answer', async () => {
    const c = await converse(
      api.server.port,
      (s) =>
        s.write(
          get('/slow/100') + 'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
        ),
      { until: (t) => t.includes('"Bad Request"') },
    );
    expect(parseResponses(c.text).map((r) => r.status)).toEqual([200, 400]);
  });
});

describe("a request target in absolute form is served as its path (RFC 9112 §3.2.2: a server MUST accept the absolute form; the target's authority replaces Host)", () => {
  // Before: `GET http://api.example/status/201` was routed as the path `/http:/api.example/status/201`.
  for (const target of ['http://api.example/status/201?x=1', 'HTTPS://api.example/status/201?x=1'])
    it(`GET ${target}: the route /status/{code}, the query, and api.example as the domain`, async () => {
      const c = await converse(api.server.port, (s) =>
        s.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`),
      );
      const [res] = parseResponses(c.text);
      expect([res.status, res.body]).toEqual([201, 'status 201']);
      const seen = requests.at(-1)!;
      expect([seen.path, seen.query, seen.domainName]).toEqual(['/status/201', 'x=1', 'api.example']);
    });

  it('an authority with nothing after it is the path /', async () => {
    const c = await converse(api.server.port, (s) =>
      s.write('GET http://api.example HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'),
    );
    expect(parseResponses(c.text)).toHaveLength(1);
    expect(requests.at(-1)!.path).toBe('/');
  });
});

describe('Host: more than one, or an invalid value, is a 400 and the handler never runs (RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any request message that contains more than one Host header field line or a Host header field with an invalid field value")', () => {
  // Before: two Hosts reached the handler with the first as requestContext.domainName and the last as
  // headers.Host; `Host: a b` and `Host: a/b` reached it as they were.
  for (const hosts of [
    ['a.example', 'b.example'],
    ['a.example', 'a.example'],
    ['a b'],
    ['a/b'],
    ['a.example:80x'],
  ])
    it(`${hosts.map((h) => `Host: ${h}`).join(', ')}`, async () => {
      const before = await echoed();
      const head = hosts.map((h) => `Host: ${h}\r\n`).join('');
      const c = await converse(api.server.port, (s) =>
        s.write(`POST /echo HTTP/1.1\r\n${head}Content-Length: 2\r\n\r\nhi`),
      );
      expect(parseResponses(c.text).map((r) => [r.status, r.body])).toEqual([
        [400, '{"message":"Bad Request"}\r\n'],
      ]);
      expect(c.closed).toBe(true);
      expect(await echoed()).toBe(before);
    });

  for (const host of [
    'api.example',
    'API.example:8080',
    '127.0.0.1:3000',
    '[::1]:3000',
    '[fe80::1%25eth0]:3000',
    'my_host.local',
    '',
  ])
    it(`Host: ${host === '' ? '(empty)' : host} is served`, async () => {
      const c = await converse(api.server.port, (s) =>
        s.write(`GET /status/201 HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
      );
      expect(parseResponses(c.text).map((r) => r.status)).toEqual([201]);
    });
});

describe('every header of a request reaches the handler (Node docs: server.maxHeadersCount, default 2,000, drops the rest silently; AWS docs: "Amazon API Gateway quotas", 10,240 bytes of request line and headers)', () => {
  it('2,010 short headers (under 10,240 bytes in all), then X-Last: the handler sees X-Last', async () => {
    const many = 'a:b\r\n'.repeat(2010);
    expect(many.length).toBeLessThan(10_240);
    const c = await converse(api.server.port, (s) =>
      s.write(
        `GET /status/201 HTTP/1.1\r\nHost: localhost\r\n${many}X-Last: here\r\nConnection: close\r\n\r\n`,
      ),
    );
    expect(parseResponses(c.text).map((r) => r.status)).toEqual([201]);
    const seen = requests.at(-1)!;
    expect(seen.headers.filter(([n]) => n === 'a')).toHaveLength(2010);
    expect(seen.headers).toContainEqual(['X-Last', 'here']);
  });
});

describe('status codes outside 200–599 are a 502, as any malformed proxy result (Lambda docs: "Handling Lambda errors with an API Gateway API")', () => {
  for (const code of ['100', '101', '103', '199', '600', '700', '0', '-1', '99'])
    it(`statusCode ${code}: 502 {"message": "Internal server error"}, a final answer the client can read`, async () => {
      const c = await converse(api.server.port, (s) => s.write(get(`/status/${code}`) + get('/count')), {
        until: (t) => countResponses(t) === 2,
      });
      const [res, next] = parseResponses(c.text);
      expect(res.status).toBe(502);
      expect(headerOf(res, 'x-amzn-errortype')).toBe('InternalServerErrorException');
      expect(res.body).toBe(INTERNAL);
      expect(next.status).toBe(200);
    });

  for (const code of ['200', '599'])
    it(`statusCode ${code} is sent as it is`, async () => {
      const res = await fetch(`${url}/status/${code}`);
      expect(res.status).toBe(Number(code));
      expect(await res.text()).toBe(`status ${code}`);
    });
});

describe('what the log and the inspector are told is what reached the socket', () => {
  /** A gateway that answers whatever it is given, to reach the server's own last-resort paths. */
  function fixedGateway(answer: () => GatewayResponse): Gateway {
    return {
      handle: async () => answer(),
      apis: [],
      httpApis: [],
      keys: [],
    };
  }
  async function exchangeOf(
    answer: () => GatewayResponse,
  ): Promise<{ status: number; statusText: string; told: Exchange }> {
    const told: Exchange[] = [];
    const server = await startGatewayServer(fixedGateway(answer), {
      port: 0,
      onExchange: (x) => told.push(x),
    });
    try {
      const res = await fetch(`${server.url}/x`);
      await res.text();
      return { status: res.status, statusText: res.statusText, told: told[0] };
    } finally {
      await server.close();
    }
  }

  it('a header value node:http refuses to send (a control character) is a 502 on the socket, and a 502 in the log, with the reason', async () => {
    const { status, statusText, told } = await exchangeOf(() => ({
      status: 200,
      headers: [['x-bad', 'a\u0001b']],
      body: 'ok',
      trace: { requestId: 'r', kind: 'mock' },
    }));
    expect(status).toBe(502);
    // Not the reason phrase of the answer that failed ('502 OK').
    expect(statusText).toBe('Bad Gateway');
    expect(told.response.status).toBe(502);
    expect(told.response.trace.kind).toBe('gateway-response');
    expect(told.response.trace.reason).toMatch(/x-bad/);
    expect(told.response.headers).not.toContainEqual(['x-bad', 'a\u0001b']);
  });

  it('a gateway that fails is a 500 crossgate internal error on the socket and in the log', async () => {
    const { status, told } = await exchangeOf(() => {
      throw new Error('boom');
    });
    expect(status).toBe(500);
    expect(told.response.status).toBe(500);
    expect(told.response.trace.reason).toMatch(/crossgate internal error.*boom/);
  });
});
