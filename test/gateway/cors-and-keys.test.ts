/**
 * The OPTIONS methods SAM generates from Cors answer like their mock integration, and API keys guard
 * exactly the methods SAM marks — the preflight too unless told otherwise (SAM fixtures
 * api_with_cors_and_apikey, api_with_cors_and_apikey_defined_at_api_level; AWS docs: "API keys").
 */
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/template/errors.js';
import { bodyText, event, gatewayFor, header, samTemplate } from './helpers.js';

const preflight: Array<[string, string]> = [
  ['Origin', 'https://app.example.com'],
  ['Access-Control-Request-Method', 'POST'],
  ['Access-Control-Request-Headers', 'content-type,x-api-key'],
];

describe('the CORS preflight SAM generates', () => {
  const cors = `      Cors:
        AllowOrigin: "'https://app.example.com'"
        AllowHeaders: "'Content-Type,X-Api-Key'"
        MaxAge: "'600'"`;
  const { send } = gatewayFor(
    samTemplate(cors, event('Post', '/items', 'post') + event('Get', '/items', 'get')),
  );

  it("answers 200 with exactly the deployed header values and the mock body (the guide's curl transcript)", async () => {
    const res = await send('OPTIONS', '/items', preflight);
    expect(res.status).toBe(200);
    expect(res.trace.kind).toBe('mock');
    expect(res.headers.filter(([n]) => n.toLowerCase().startsWith('access-control-'))).toEqual([
      ['Access-Control-Allow-Origin', 'https://app.example.com'],
      ['Access-Control-Allow-Headers', 'Content-Type,X-Api-Key'],
      // SAM computes AllowMethods per path when Cors has none (samtranslator swagger.py).
      ['Access-Control-Allow-Methods', 'GET,OPTIONS,POST'],
      ['Access-Control-Max-Age', '600'],
    ]);
    expect(header(res, 'content-type')).toBe('application/json');
    expect(bodyText(res)).toBe('{}\n');
  });
  it('reflects nothing: another origin gets the same configured value', async () => {
    const res = await send('OPTIONS', '/items', [
      ['Origin', 'https://evil.example'],
      ['Access-Control-Request-Method', 'POST'],
    ]);
    expect(header(res, 'Access-Control-Allow-Origin')).toBe('https://app.example.com');
  });
  it('the proxy answer gets no CORS header from API Gateway: the function must send them', async () => {
    const res = await send('POST', '/items', [['Origin', 'https://app.example.com']], '{}');
    expect(res.trace.kind).toBe('proxy');
    expect(header(res, 'Access-Control-Allow-Origin')).toBeUndefined();
  });
});

// AWS docs: "Amazon API Gateway API request and response data mapping reference": a method response
// header may be mapped from method.request.header.NAME or method.request.querystring.NAME.
describe('a Cors value that is a request mapping expression is read from the request', () => {
  const mapped = (expression: string) =>
    gatewayFor(
      samTemplate(
        `      Cors:\n        AllowOrigin: "${expression}"\n        AllowHeaders: "'Content-Type'"`,
        event('Get', '/items', 'get'),
      ),
    );
  it('method.request.header.Origin reflects the Origin sent (check flags it: CG117)', async () => {
    const res = await mapped('method.request.header.Origin').send('OPTIONS', '/items', preflight);
    expect(header(res, 'Access-Control-Allow-Origin')).toBe('https://app.example.com');
  });
  it('method.request.querystring.origin reads the query string; absent, no header', async () => {
    const { send } = mapped('method.request.querystring.origin');
    const res = await send('OPTIONS', '/items?origin=https%3A%2F%2Fq.example', preflight);
    expect(header(res, 'Access-Control-Allow-Origin')).toBe('https://q.example');
    expect(header(await send('OPTIONS', '/items', preflight), 'Access-Control-Allow-Origin')).toBeUndefined();
  });
});

describe('an unquoted Cors value refuses to start, as sam deploy fails', () => {
  it('AllowHeaders: "*" names its line and the fix', () => {
    const t = samTemplate(
      `      Cors:\n        AllowOrigin: "'*'"\n        AllowHeaders: "*"`,
      event('Get', '/x', 'get'),
    );
    try {
      gatewayFor(t);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect((e as Error).message).toMatch(/^t\.yaml:9:23: .*Access-Control-Allow-Headers is "\*".*"'\*'"/);
    }
  });
});

describe('API keys', () => {
  const keys = [{ id: 'K1', value: 'secret-key-1', source: 'template' }];
  const apiWide = samTemplate(
    `      Cors: "'https://app.example.com'"\n      Auth:\n        ApiKeyRequired: true`,
    event('Post', '/items', 'post'),
  );

  it("ApiKeyRequired on the API guards the preflight too: OPTIONS without x-api-key is 403 Forbidden (the guide's second transcript)", async () => {
    const { send } = gatewayFor(apiWide, undefined, { apiKeys: keys });
    const res = await send('OPTIONS', '/items', preflight);
    expect(res.status).toBe(403);
    expect(bodyText(res)).toBe('{"message":"Forbidden"}');
    expect(header(res, 'x-amzn-ErrorType')).toBe('ForbiddenException');
    expect(res.trace.reason).toMatch(/never sends one on a preflight/);
  });
  it('AddApiKeyRequiredToCorsPreflight: false leaves the preflight open', async () => {
    const t = samTemplate(
      `      Cors: "'https://app.example.com'"\n      Auth:\n        ApiKeyRequired: true\n        AddApiKeyRequiredToCorsPreflight: false`,
      event('Post', '/items', 'post'),
    );
    const { send } = gatewayFor(t, undefined, { apiKeys: keys });
    expect((await send('OPTIONS', '/items', preflight)).status).toBe(200);
    expect((await send('POST', '/items')).status).toBe(403);
  });
  it('ApiKeyRequired on the event guards that method only', async () => {
    const t = samTemplate(
      `      Cors: "'https://app.example.com'"`,
      event('Post', '/items', 'post', '            Auth:\n              ApiKeyRequired: true\n'),
    );
    const { send } = gatewayFor(t, undefined, { apiKeys: keys });
    expect((await send('OPTIONS', '/items', preflight)).status).toBe(200);
    expect((await send('POST', '/items')).status).toBe(403);
  });
  it('a known key passes and reaches the event as identity.apiKey / apiKeyId; an unknown one is 403', async () => {
    const { send, events } = gatewayFor(apiWide, undefined, { apiKeys: keys });
    expect((await send('POST', '/items', [['x-api-key', 'nope']])).status).toBe(403);
    expect((await send('POST', '/items', [['X-API-Key', 'secret-key-1']])).status).toBe(200);
    const identity = (events.at(-1)!.requestContext as { identity: Record<string, unknown> }).identity;
    expect(identity.apiKey).toBe('secret-key-1');
    expect(identity.apiKeyId).toBe('K1');
  });
});
