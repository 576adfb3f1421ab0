/**
 * Lambda authorizers (AWS docs: "Use API Gateway Lambda authorizers", "Input to an API Gateway Lambda
 * authorizer", "Output from an API Gateway Lambda authorizer") and where SAM puts them: on every
 * method, and on the preflight unless AddDefaultAuthorizerToCorsPreflight is false (SAM fixtures
 * api_with_cors_and_auth_preflight_auth, api_with_cors_and_auth_no_preflight_auth).
 */
import { describe, expect, it } from 'vitest';
import type { InvokeOutcome } from '../../src/gateway/types.js';
import { bodyText, event, gatewayFor, header, ok, samTemplate } from './helpers.js';

const authFn = `  AuthFn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: auth.handler
      Runtime: nodejs20.x
`;
const api = (type: 'TOKEN' | 'REQUEST', preflight: boolean, ttl = 300) =>
  `      Cors: "'https://app.example.com'"
      Auth:
        DefaultAuthorizer: MyAuth
        AddDefaultAuthorizerToCorsPreflight: ${preflight}
        Authorizers:
          MyAuth:
            FunctionArn: !GetAtt AuthFn.Arn
            ${type === 'REQUEST' ? `FunctionPayloadType: REQUEST\n            Identity:\n              Headers: [X-Token]\n              ReauthorizeEvery: ${ttl}` : `Identity:\n              ReauthorizeEvery: ${ttl}`}`;

const policy = (effect: 'Allow' | 'Deny', resource = '*', context: Record<string, unknown> = {}) =>
  ok({
    principalId: 'user-1',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
    },
    context,
  });

function setup(
  type: 'TOKEN' | 'REQUEST',
  preflight: boolean,
  authorize: (e: Record<string, unknown>) => InvokeOutcome,
  ttl = 300,
) {
  const calls: Array<Record<string, unknown>> = [];
  const g = gatewayFor(
    samTemplate(
      api(type, preflight, ttl),
      event('Get', '/items', 'get') + event('Put', '/items/{id}', 'put'),
      authFn,
    ),
    (e, fn) => {
      if (fn === 'AuthFn') {
        calls.push(e);
        return authorize(e);
      }
      return ok({ statusCode: 200, body: JSON.stringify(e.requestContext) });
    },
  );
  return { ...g, calls };
}

describe('TOKEN authorizers', () => {
  it('no Authorization header: 401 Unauthorized without invoking the authorizer', async () => {
    const { send, calls } = setup('TOKEN', false, () => policy('Allow'));
    const res = await send('GET', '/items');
    expect(res.status).toBe(401);
    expect(bodyText(res)).toBe('{"message":"Unauthorized"}');
    expect(header(res, 'x-amzn-ErrorType')).toBe('UnauthorizedException');
    expect(calls).toHaveLength(0);
  });
  it('Allow: the request goes through with principalId and context in requestContext.authorizer', async () => {
    const { send, calls } = setup('TOKEN', false, () => policy('Allow', '*', { tenant: 't1', n: 3 }));
    const res = await send('GET', '/items', [['Authorization', 'Bearer abc']]);
    expect(res.status).toBe(200);
    expect(JSON.parse(bodyText(res)).authorizer).toEqual({ principalId: 'user-1', tenant: 't1', n: '3' });
    expect(calls[0]).toMatchObject({ type: 'TOKEN', authorizationToken: 'Bearer abc' });
    expect(String(calls[0].methodArn)).toMatch(
      /^arn:aws:execute-api:us-east-1:\d{12}:\w+\/Prod\/GET\/items$/,
    );
  });
  it('Deny: 403 with the explicit-deny message', async () => {
    const { send } = setup('TOKEN', false, () => policy('Deny'));
    const res = await send('GET', '/items', [['Authorization', 'x']]);
    expect(res.status).toBe(403);
    expect(bodyText(res)).toBe(
      '{"Message":"User is not authorized to access this resource with an explicit deny"}',
    );
  });
  it('throwing "Unauthorized": 401; throwing anything else: 500 AuthorizerConfigurationException', async () => {
    const unauthorized = setup('TOKEN', false, () => ({
      ok: false,
      kind: 'error',
      errorType: 'Error',
      message: 'Unauthorized',
    }));
    expect((await unauthorized.send('GET', '/items', [['Authorization', 'x']])).status).toBe(401);
    const broken = setup('TOKEN', false, () => ({
      ok: false,
      kind: 'error',
      errorType: 'TypeError',
      message: 'boom',
    }));
    const res = await broken.send('GET', '/items', [['Authorization', 'x']]);
    expect(res.status).toBe(500);
    expect(header(res, 'x-amzn-ErrorType')).toBe('AuthorizerConfigurationException');
  });
  it('answers are cached per token for ReauthorizeEvery, and the cached policy is checked against each method ARN', async () => {
    const { send, calls } = setup('TOKEN', false, (e) => policy('Allow', String(e.methodArn)));
    expect((await send('GET', '/items', [['Authorization', 'tok']])).status).toBe(200);
    expect((await send('GET', '/items', [['Authorization', 'tok']])).status).toBe(200);
    expect(calls).toHaveLength(1);
    // The policy named GET /items only: from the cache, PUT /items/1 is denied (a classic surprise).
    expect((await send('PUT', '/items/1', [['Authorization', 'tok']])).status).toBe(403);
    expect(calls).toHaveLength(1);
  });
  it('ReauthorizeEvery: 0 turns the cache off', async () => {
    const { send, calls } = setup('TOKEN', false, () => policy('Allow'), 0);
    await send('GET', '/items', [['Authorization', 'tok']]);
    await send('GET', '/items', [['Authorization', 'tok']]);
    expect(calls).toHaveLength(2);
  });
});

describe('the authorizer and the preflight', () => {
  const preflight: Array<[string, string]> = [
    ['Origin', 'https://app.example.com'],
    ['Access-Control-Request-Method', 'GET'],
  ];
  it('by default SAM puts the DefaultAuthorizer on OPTIONS too: the preflight (no Authorization) is a 401', async () => {
    const { send } = setup('TOKEN', true, () => policy('Allow'));
    expect((await send('OPTIONS', '/items', preflight)).status).toBe(401);
  });
  it('AddDefaultAuthorizerToCorsPreflight: false leaves the preflight open', async () => {
    const { send } = setup('TOKEN', false, () => policy('Allow'));
    expect((await send('OPTIONS', '/items', preflight)).status).toBe(200);
  });
});

describe('REQUEST authorizers', () => {
  // AWS docs: "Input to an API Gateway Lambda authorizer" (REQUEST type: resource, path, httpMethod, headers…).
  it('a missing identity source is a 401 without invoking; present, the event carries headers and the method ARN', async () => {
    const { send, calls } = setup('REQUEST', false, () => policy('Allow'));
    expect((await send('GET', '/items')).status).toBe(401);
    expect(calls).toHaveLength(0);
    expect((await send('GET', '/items?q=1', [['X-Token', 'abc']])).status).toBe(200);
    expect(calls[0]).toMatchObject({
      type: 'REQUEST',
      httpMethod: 'GET',
      resource: '/items',
      path: '/items',
      headers: { 'X-Token': 'abc' },
      queryStringParameters: { q: '1' },
    });
  });
});

describe('the authorizer cache is bounded (issue 13: no client grows serve without limit)', () => {
  it('a new token with every request keeps at most MAX_ENTRIES answers; the oldest go first, fresh ones still answer', async () => {
    const { AuthorizerCache } = await import('../../src/gateway/authorizers.js');
    const cache = new AuthorizerCache();
    const allow: InvokeOutcome = { ok: true, value: {} };
    const n = AuthorizerCache.MAX_ENTRIES + 500;
    for (let i = 0; i < n; i++) cache.set(`token-${i}`, allow, 3600, 0);
    expect(cache.size).toBe(AuthorizerCache.MAX_ENTRIES);
    expect(cache.get('token-0', 1)).toBeUndefined();
    expect(cache.get(`token-${n - 1}`, 1)).toBe(allow);
  });
});
