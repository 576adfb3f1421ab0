import type { APIGatewayProxyHandler, APIGatewayProxyResult } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { corsHeaders, corsPolicy, isPreflight, mergeCors, withCors } from '../../src/lambda/index.js';
import { context, event, ok, preflight } from './events.js';

const ACAO = 'Access-Control-Allow-Origin';
const policy = corsPolicy({
  origins: ['https://app.example.com', 'https://*.example.com'],
  credentials: true,
  allowMethods: ['PUT', 'DELETE'],
  allowHeaders: ['content-type', 'x-api-key'],
  exposeHeaders: ['x-request-id'],
  maxAge: 600,
});

afterEach(() => vi.restoreAllMocks());

describe('withCors: preflights (Fetch: CORS-preflight request = OPTIONS + Origin + Access-Control-Request-Method)', () => {
  it('answers a preflight itself with 204 and the preflight headers, without calling the handler', async () => {
    const handler = vi.fn(ok);
    const res = await withCors(policy, handler)(
      preflight('https://app.example.com', 'PUT', 'content-type'),
      context,
    );
    expect(handler).not.toHaveBeenCalled();
    expect(res).toEqual({
      statusCode: 204,
      headers: {
        [ACAO]: 'https://app.example.com',
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'PUT,DELETE',
        'Access-Control-Allow-Headers': 'content-type,x-api-key',
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      },
    });
  });

  it('answers a preflight from a disallowed origin with 204, Vary: Origin and no CORS header (the browser fails it)', async () => {
    const res = await withCors(policy, ok)(preflight('https://evil.test'), context);
    expect(res).toEqual({ statusCode: 204, headers: { Vary: 'Origin' } });
  });

  it('passes an OPTIONS request without Access-Control-Request-Method to the handler (not a preflight)', async () => {
    const handler = vi.fn(ok);
    const res = await withCors(policy, handler)(
      event('OPTIONS', { Origin: 'https://app.example.com' }),
      context,
    );
    expect(handler).toHaveBeenCalledOnce();
    expect(res.statusCode).toBe(200);
    expect(res.headers?.[ACAO]).toBe('https://app.example.com');
  });

  it('passes an OPTIONS request without Origin to the handler', async () => {
    const handler = vi.fn(ok);
    await withCors(policy, handler)(event('OPTIONS', { 'Access-Control-Request-Method': 'PUT' }), context);
    expect(handler).toHaveBeenCalledOnce();
  });

  it('reads Origin and Access-Control-Request-Method in any letter case (HTTP/2 sends them lower-cased)', async () => {
    const ev = event('OPTIONS', {
      origin: 'https://app.example.com',
      'access-control-request-method': 'PUT',
    });
    expect(isPreflight(ev)).toBe(true);
    const res = await withCors(policy, ok)(ev, context);
    expect(res.statusCode).toBe(204);
    expect(res.headers?.[ACAO]).toBe('https://app.example.com');
    expect(
      isPreflight(
        event('OPTIONS', { ORIGIN: 'https://a.example.com', 'ACCESS-CONTROL-REQUEST-METHOD': 'PUT' }),
      ),
    ).toBe(true);
  });
});

describe('withCors: actual responses', () => {
  it('adds the CORS headers for an allowed origin and keeps the handler’s own', async () => {
    const res = await withCors(policy, ok)(event('GET', { Origin: 'https://a.b.example.com' }), context);
    expect(res).toEqual({
      statusCode: 200,
      body: '{"ok":true}',
      headers: {
        'Content-Type': 'application/json',
        [ACAO]: 'https://a.b.example.com',
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Expose-Headers': 'x-request-id',
        Vary: 'Origin',
      },
    });
  });

  it('serves a disallowed origin with no CORS header but Vary: Origin (CORS is the browser’s decision, not auth)', async () => {
    const handler = vi.fn(ok);
    const res = await withCors(policy, handler)(
      event('GET', { Origin: 'https://example.com.evil.com' }),
      context,
    );
    expect(handler).toHaveBeenCalledOnce();
    expect(res.headers).toEqual({ 'Content-Type': 'application/json', Vary: 'Origin' });
  });

  it('sends Vary: Origin to a request without Origin too, so a shared cache never replays it to a CORS request', async () => {
    const res = await withCors(policy, ok)(event('GET', {}), context);
    expect(res.headers).toEqual({ 'Content-Type': 'application/json', Vary: 'Origin' });
  });

  it("sends '*' and no Vary under origins '*'", async () => {
    const res = await withCors({ origins: '*' }, ok)(event('GET', { Origin: 'https://x.test' }), context);
    expect(res.headers).toEqual({ 'Content-Type': 'application/json', [ACAO]: '*' });
  });

  it('accepts the options object in place of a built policy', async () => {
    const res = await withCors({ origins: ['https://app.example.com'] }, ok)(
      event('GET', { Origin: 'https://app.example.com' }),
      context,
    );
    expect(res.headers?.[ACAO]).toBe('https://app.example.com');
  });

  it('reads Origin from multiValueHeaders when the event has no headers map', async () => {
    const ev = event(
      'GET',
      {},
      { headers: null as never, multiValueHeaders: { origin: ['https://app.example.com'] } },
    );
    const res = await withCors(policy, ok)(ev, context);
    expect(res.headers?.[ACAO]).toBe('https://app.example.com');
  });

  it('never grants an Origin sent twice (joined, it contains a comma)', async () => {
    const ev = event(
      'GET',
      {},
      {
        headers: null as never,
        multiValueHeaders: { Origin: ['https://app.example.com', 'https://app.example.com'] },
      },
    );
    const res = await withCors(policy, ok)(ev, context);
    expect(res.headers?.[ACAO]).toBeUndefined();
  });

  it('accepts a handler typed APIGatewayProxyHandler (async)', async () => {
    const typed: APIGatewayProxyHandler = async () => ({ statusCode: 201, body: '' });
    const res = await withCors(policy, typed)(event('POST', { Origin: 'https://app.example.com' }), context);
    expect(res.statusCode).toBe(201);
  });
});

describe('withCors: errors keep their CORS headers, so the browser shows the 500 instead of a CORS error', () => {
  it('answers a thrown error with a 500 JSON body and the CORS headers, and logs it', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const boom = new Error('database down');
    const res = await withCors(policy, async () => {
      throw boom;
    })(event('GET', { Origin: 'https://app.example.com' }), context);
    expect(res).toEqual({
      statusCode: 500,
      body: '{"message":"Internal server error"}',
      headers: {
        [ACAO]: 'https://app.example.com',
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Expose-Headers': 'x-request-id',
        Vary: 'Origin',
      },
    });
    expect(log).toHaveBeenCalledWith(boom);
  });

  it('answers a synchronous throw the same way', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await withCors(policy, () => {
      throw new Error('sync');
    })(event('GET', { Origin: 'https://app.example.com' }), context);
    expect(res.statusCode).toBe(500);
    expect(res.headers?.[ACAO]).toBe('https://app.example.com');
  });

  it('answers a handler that returned nothing (API Gateway would say 502 Malformed Lambda proxy response) with the 500', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await withCors(policy, (async () => undefined) as never)(
      event('GET', { Origin: 'https://app.example.com' }),
      context,
    );
    expect(res.statusCode).toBe(500);
    expect(res.headers?.[ACAO]).toBe('https://app.example.com');
    expect(log).toHaveBeenCalledOnce();
  });
});

describe('mergeCors: the merge rules', () => {
  const cors = policy.headers('https://app.example.com', false);

  it('replaces Access-Control-* headers the handler set, in any case and in either map (no duplicate values)', () => {
    const res = mergeCors(
      {
        statusCode: 200,
        body: '',
        headers: { 'access-control-allow-origin': '*', 'X-Trace': '1' },
        multiValueHeaders: { 'Access-Control-Allow-Origin': ['*'], 'Set-Cookie': ['a=1', 'b=2'] },
      },
      cors,
    );
    expect(res.headers).toEqual({ 'X-Trace': '1', ...cors });
    expect(res.multiValueHeaders).toEqual({ 'Set-Cookie': ['a=1', 'b=2'] });
  });

  it.each<[string, APIGatewayProxyResult, string]>([
    [
      'appends Origin to the handler’s Vary',
      { statusCode: 200, body: '', headers: { Vary: 'Accept-Encoding' } },
      'Accept-Encoding,Origin',
    ],
    [
      'keeps a Vary that lists Origin already',
      { statusCode: 200, body: '', headers: { vary: 'origin, Accept' } },
      'origin, Accept',
    ],
    ['keeps Vary: *', { statusCode: 200, body: '', headers: { Vary: '*' } }, '*'],
    [
      'does not mistake X-Origin-Token for Origin',
      { statusCode: 200, body: '', headers: { Vary: 'X-Origin-Token' } },
      'X-Origin-Token,Origin',
    ],
    [
      'moves a multi-value Vary into headers, merged',
      { statusCode: 200, body: '', multiValueHeaders: { VARY: ['Accept', 'Accept-Language'] } },
      'Accept,Accept-Language,Origin',
    ],
  ])('%s', (_, result, vary) => {
    const res = mergeCors(result, cors);
    expect(res.headers?.Vary).toBe(vary);
    expect(Object.keys(res.headers ?? {}).filter((k) => k.toLowerCase() === 'vary')).toEqual(['Vary']);
    expect(Object.keys(res.multiValueHeaders ?? {}).filter((k) => k.toLowerCase() === 'vary')).toEqual([]);
  });

  it("keeps the handler's Vary as it is under origins '*'", () => {
    const star = corsPolicy({ origins: '*' }).headers('https://a.test', false);
    expect(mergeCors({ statusCode: 200, body: '', headers: { Vary: 'Accept' } }, star).headers).toEqual({
      Vary: 'Accept',
      [ACAO]: '*',
    });
  });

  it('never changes the handler’s result object (it may be a constant shared by requests)', async () => {
    const shared: APIGatewayProxyResult = Object.freeze({
      statusCode: 404,
      body: '{}',
      headers: Object.freeze({ Vary: 'Accept' }),
    }) as APIGatewayProxyResult;
    const handler = withCors(policy, async () => shared);
    const a = await handler(event('GET', { Origin: 'https://app.example.com' }), context);
    const b = await handler(event('GET', { Origin: 'https://evil.test' }), context);
    expect(a.headers?.[ACAO]).toBe('https://app.example.com');
    expect(b.headers?.[ACAO]).toBeUndefined();
    expect(shared.headers).toEqual({ Vary: 'Accept' });
  });

  it('keeps every other key of the result (isBase64Encoded, multiValueHeaders)', () => {
    const res = mergeCors(
      { statusCode: 200, body: 'AA==', isBase64Encoded: true, multiValueHeaders: {} },
      cors,
    );
    expect(res).toMatchObject({
      statusCode: 200,
      body: 'AA==',
      isBase64Encoded: true,
      multiValueHeaders: {},
    });
  });
});

describe('corsHeaders: the same decision for handlers that build their responses', () => {
  it('gives preflight headers for a preflight and actual-response headers otherwise', () => {
    expect(corsHeaders(preflight('https://app.example.com'), policy)['Access-Control-Allow-Methods']).toBe(
      'PUT,DELETE',
    );
    expect(corsHeaders(event('GET', { origin: 'https://app.example.com' }), policy)).toEqual(
      policy.headers('https://app.example.com', false),
    );
    expect(corsHeaders(event('GET', { Origin: 'null' }), { origins: ['https://app.example.com'] })).toEqual({
      Vary: 'Origin',
    });
  });
});
