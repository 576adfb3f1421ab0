/**
 * The Lambda proxy integration (AWS docs: "Input format of a Lambda function for proxy integration",
 * "Output format of a Lambda function for proxy integration") and API Gateway's answers when the
 * function fails (AWS docs: "Handle Lambda errors in API Gateway"; "Amazon API Gateway quotas").
 */
import { describe, expect, it } from 'vitest';
import { requestTime } from '../../src/gateway/proxy-event.js';
import { bodyText, event, gatewayFor, header, ok, samTemplate } from './helpers.js';

const template = samTemplate(
  '      BinaryMediaTypes: ["image~1png"]',
  event('Get', '/items/{id}', 'get') + event('Post', '/items', 'post'),
);

describe('the proxy event (payload format 1.0)', () => {
  const { send, events } = gatewayFor(template);
  it('carries resource, path, method, both header maps and both query maps', async () => {
    await send('GET', '/items/7?a=1&a=2&b=x%20y', [
      ['Accept', 'application/json'],
      ['X-Multi', 'one'],
      ['X-Multi', 'two'],
    ]);
    const e = events.at(-1)!;
    expect(e).toMatchObject({
      resource: '/items/{id}',
      path: '/items/7',
      httpMethod: 'GET',
      pathParameters: { id: '7' },
      queryStringParameters: { a: '2', b: 'x y' },
      multiValueQueryStringParameters: { a: ['1', '2'], b: ['x y'] },
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
    });
    expect((e.headers as Record<string, string>)['X-Multi']).toBe('two');
    expect((e.multiValueHeaders as Record<string, string[]>)['X-Multi']).toEqual(['one', 'two']);
  });
  it('empty maps are null, as API Gateway sends them', async () => {
    await send('POST', '/items', []);
    const e = events.at(-1)!;
    expect(e.queryStringParameters).toBeNull();
    expect(e.multiValueQueryStringParameters).toBeNull();
    expect(e.pathParameters).toBeNull();
  });
  it('requestContext: unique requestId, requestTime in API Gateway format, path with the stage', async () => {
    await send('GET', '/items/1');
    await send('GET', '/items/1');
    const [a, b] = events.slice(-2).map((e) => e.requestContext as Record<string, unknown>);
    expect(a.requestId).not.toBe(b.requestId);
    expect(a.requestTime).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(a).toMatchObject({
      path: '/Prod/items/1',
      stage: 'Prod',
      resourcePath: '/items/{id}',
      httpMethod: 'GET',
    });
    expect(typeof a.requestTimeEpoch).toBe('number');
    expect((a.identity as Record<string, unknown>).sourceIp).toBe('127.0.0.1');
  });
  it('requestTime formats like 25/Nov/2026:09:05:03 +0000', () => {
    expect(requestTime(Date.UTC(2026, 10, 25, 9, 5, 3))).toBe('25/Nov/2026:09:05:03 +0000');
  });
  it('a body whose Content-Type is a binary media type arrives base64-encoded', async () => {
    await send('POST', '/items', [['Content-Type', 'image/png']], 'PNG!');
    expect(events.at(-1)).toMatchObject({ body: btoa('PNG!'), isBase64Encoded: true });
    await send('POST', '/items', [['Content-Type', 'application/json']], '{"a":1}');
    expect(events.at(-1)).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
  });
});

describe('the proxy result', () => {
  const answer = (value: unknown) => gatewayFor(template, () => ok(value)).send('GET', '/items/1');
  it('headers and multiValueHeaders merge; where both name a header, only the multi-value list appears', async () => {
    const res = await answer({
      statusCode: 201,
      headers: { A: '1', B: 'single' },
      multiValueHeaders: { B: ['m1', 'm2'] },
      body: 'x',
    });
    expect(res.status).toBe(201);
    expect(res.headers.filter(([n]) => n === 'A' || n === 'B')).toEqual([
      ['B', 'm1'],
      ['B', 'm2'],
      ['A', '1'],
    ]);
  });
  it('isBase64Encoded bodies are decoded to bytes', async () => {
    const res = await answer({ statusCode: 200, body: btoa('\u0001\u0002'), isBase64Encoded: true });
    expect([...(res.body as Uint8Array)]).toEqual([1, 2]);
  });
  it('API Gateway adds content-type application/json when the function sets none', async () => {
    expect(header(await answer({ statusCode: 200, body: '' }), 'content-type')).toBe('application/json');
  });
  for (const [name, value] of [
    ['a string', 'hello'],
    ['null', null],
    ['no statusCode', { body: 'x' }],
    ['a body that is an object', { statusCode: 200, body: { a: 1 } }],
    ['an unknown property', { statusCode: 200, body: '', extra: 1 }],
  ] as const) {
    it(`malformed output (${name}) is a 502 {"message": "Internal server error"}`, async () => {
      const res = await answer(value);
      expect(res.status).toBe(502);
      expect(bodyText(res)).toBe('{"message":"Internal server error"}');
      expect(header(res, 'x-amzn-ErrorType')).toBe('InternalServerErrorException');
      expect(res.trace.reason).toMatch(/^Malformed Lambda proxy response/);
    });
  }
  it('a function error is a 502', async () => {
    const { send } = gatewayFor(template, () => ({
      ok: false,
      kind: 'error',
      errorType: 'TypeError',
      message: 'x is undefined',
    }));
    const res = await send('GET', '/items/1');
    expect(res.status).toBe(502);
    expect(res.trace.reason).toContain('TypeError: x is undefined');
  });
  it('a function stopped at its own Timeout (under 29 s) is a Lambda function error: 502 {"message": "Internal server error"} (AWS Lambda docs: Handling Lambda errors with an API Gateway API)', async () => {
    const g = gatewayFor(
      template,
      () => ({
        ok: false,
        kind: 'timeout',
        errorType: 'Sandbox.Timedout',
        message: 'Task timed out after 3.00 seconds',
      }),
      { functionTimeouts: { Fn: 3 } },
    );
    const res = await g.send('GET', '/items/1');
    expect(res.status).toBe(502);
    expect(bodyText(res)).toBe('{"message":"Internal server error"}');
    expect(header(res, 'x-amzn-ErrorType')).toBe('InternalServerErrorException');
    expect(res.trace.reason).toContain('ran past its Timeout (3 s)');
  });
  it('a function still running at API Gateway\'s 29 s integration timeout is 504 {"message": "Endpoint request timed out"} (API Gateway quotas: integration timeout)', async () => {
    const g = gatewayFor(
      template,
      () => ({ ok: false, kind: 'timeout', errorType: 'Sandbox.Timedout', message: 'timed out' }),
      { functionTimeouts: { Fn: 60 } },
    );
    const res = await g.send('GET', '/items/1');
    expect(g.timeouts.at(-1)).toBe(29_000);
    expect(res.status).toBe(504);
    expect(bodyText(res)).toBe('{"message":"Endpoint request timed out"}');
  });
  it('an event that waited 29 s for a free local environment is past the integration timeout too: 504 (Lambda would have scaled out; AWS Lambda docs: Understanding Lambda function scaling)', async () => {
    const g = gatewayFor(
      template,
      () => ({
        ok: false,
        kind: 'waited',
        errorType: 'Crossgate.NoFreeEnvironment',
        message: 'No environment of Fn was free for 29.0 s: all 4 were busy',
      }),
      { functionTimeouts: { Fn: 3 } },
    );
    const res = await g.send('GET', '/items/1');
    // The wait is bounded by the integration timeout, whatever the function's own Timeout.
    expect(g.waitLimits.at(-1)).toBe(29_000);
    expect(res.status).toBe(504);
    expect(bodyText(res)).toBe('{"message":"Endpoint request timed out"}');
    expect(res.trace.reason).toContain('all 4 were busy');
  });
  it('the timeout given to the function is its Timeout, capped at the 29 s integration timeout', async () => {
    for (const [seconds, expected] of [
      [5, 5000],
      [60, 29000],
    ] as const) {
      const g = gatewayFor(template, undefined, { functionTimeouts: { Fn: seconds } });
      await g.send('GET', '/items/1');
      expect(g.timeouts.at(-1)).toBe(expected);
    }
  });
  it('a body over 10 MB is a 413 before the function runs', async () => {
    const g = gatewayFor(template);
    const res = await g.send('POST', '/items', [], 'x'.repeat(10 * 1024 * 1024 + 1));
    expect(res.status).toBe(413);
    expect(g.events).toHaveLength(0);
  });
});
