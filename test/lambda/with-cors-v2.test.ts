// withCorsV2: withCors for payload format 2.0 (HTTP APIs, Function URLs). Unit behaviour, then the
// handler behind crossgate's HTTP API gateway (no CorsConfiguration, a route that takes OPTIONS) and
// its Function URL (no Cors), each exchange judged by the browser model (proven against Chromium,
// Firefox and WebKit in test/browser/engines.test.ts).
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { simulateFetchAsync, type WireRequest, type WireResponse } from '../../src/browser/index.js';
import { createFunctionUrlGateway, createGateway } from '../../src/gateway/gateway.js';
import type { GatewayRequest, GatewayResponse } from '../../src/gateway/types.js';
import { corsPolicy, isPreflight, withCors, withCorsV2 } from '../../src/lambda/index.js';
import { buildDeployment } from '../../src/sam/deployment.js';
import { loadTemplate } from '../../src/template/load.js';

const ACAO = 'Access-Control-Allow-Origin';
const APP = 'https://app.example.com';
const policy = corsPolicy({ origins: [APP], allowMethods: ['PUT'], allowHeaders: ['content-type'] });
const context = {} as Context;

/** A payload format 2.0 event as API Gateway (HTTP API) and Lambda (Function URL) send it: lower-case header names. */
function eventV2(method: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/items',
    rawQueryString: '',
    headers,
    requestContext: { http: { method, path: '/items' } } as APIGatewayProxyEventV2['requestContext'],
    isBase64Encoded: false,
  };
}

describe('withCorsV2 (payload format 2.0)', () => {
  it('answers a preflight (method in requestContext.http.method) with 204 and the preflight headers, without calling the handler', async () => {
    const handler = vi.fn(async () => ({ statusCode: 200 }));
    const res = await withCorsV2(policy, handler)(
      eventV2('OPTIONS', { origin: APP, 'access-control-request-method': 'PUT' }),
      context,
    );
    expect(handler).not.toHaveBeenCalled();
    expect(res).toEqual({
      statusCode: 204,
      headers: {
        [ACAO]: APP,
        'Access-Control-Allow-Methods': 'PUT',
        'Access-Control-Allow-Headers': 'content-type',
        Vary: 'Origin',
      },
    });
  });

  it("isPreflight reads either format's method; withCors (1.0) does not take a 2.0 preflight for one", async () => {
    const preflight = eventV2('OPTIONS', { origin: APP, 'access-control-request-method': 'PUT' });
    expect(isPreflight(preflight)).toBe(true);
    expect(isPreflight(eventV2('GET', { origin: APP, 'access-control-request-method': 'PUT' }))).toBe(false);
    const handler = vi.fn(async () => ({ statusCode: 200, body: '' }));
    await withCors(policy, handler)(preflight as never, context);
    expect(handler).toHaveBeenCalledOnce();
  });

  it('a bare object is the 200 JSON response API Gateway makes of it (AWS docs: format 2.0 response), with the CORS headers', async () => {
    const res = await withCorsV2(policy, async () => ({ items: [1] }))(
      eventV2('GET', { origin: APP }),
      context,
    );
    expect(res).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json', [ACAO]: APP, Vary: 'Origin' },
      body: '{"items":[1]}',
    });
  });

  it('a string is the body as it is, no result an empty body; a structured result keeps its fields (cookies too)', async () => {
    const get = eventV2('GET', { origin: APP });
    expect((await withCorsV2(policy, async () => 'hello')(get, context)).body).toBe('hello');
    expect((await withCorsV2(policy, async () => undefined)(get, context)).body).toBe('');
    const res = await withCorsV2(policy, async () => ({ statusCode: 201, cookies: ['a=1'], body: 'made' }))(
      get,
      context,
    );
    expect(res).toEqual({
      statusCode: 201,
      cookies: ['a=1'],
      body: 'made',
      headers: { [ACAO]: APP, Vary: 'Origin' },
    });
  });

  it('a handler that throws is answered 500 with the CORS headers, as withCors does', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await withCorsV2(policy, async () => {
      throw new Error('boom');
    })(eventV2('GET', { origin: APP }), context);
    expect(res.statusCode).toBe(500);
    expect(res.headers?.[ACAO]).toBe(APP);
    vi.restoreAllMocks();
  });
});

const SAM = 'Transform: AWS::Serverless-2016-10-31\n';
/** An HTTP API without CorsConfiguration: its ANY /{proxy+} route takes the preflight to the function. */
const HTTP_API = `${SAM}Resources:
  Http:
    Type: AWS::Serverless::HttpApi
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      Events:
        All:
          Type: HttpApi
          Properties: { ApiId: !Ref Http, Path: '/{proxy+}', Method: any }
`;
/** A Function URL without Cors: every request, the preflight included, reaches the function. */
const FUNCTION_URL = `${SAM}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      FunctionUrlConfig: { AuthType: NONE }
`;

const handler = withCorsV2(
  corsPolicy({ origins: [APP], allowMethods: ['PUT'], allowHeaders: ['content-type'] }),
  async () => ({ items: [] }),
);

/** The gateway for a template, its function being `handler`, as a responder for the browser model. */
function responder(template: string, kind: 'http' | 'url') {
  const deployment = buildDeployment(loadTemplate(template, 't.yaml'), { evaluateConditions: true });
  const options = {
    invoke: async (_fn: string, event: unknown) => ({
      ok: true as const,
      value: await handler(event as APIGatewayProxyEventV2, context),
    }),
  };
  const gateway =
    kind === 'http'
      ? createGateway(deployment, options)
      : createFunctionUrlGateway(deployment.functionUrls[0], options);
  return async (req: WireRequest): Promise<WireResponse> => {
    const url = new URL(req.url);
    const request: GatewayRequest = {
      method: req.method,
      path: url.pathname,
      query: url.search.slice(1),
      headers: req.headers,
      body: undefined,
      sourceIp: '127.0.0.1',
      domainName: url.host,
    };
    const res: GatewayResponse = await gateway.handle(request);
    return { status: res.status, headers: res.headers };
  };
}

describe('withCorsV2 behind crossgate gateways, judged by the browser model of all three engines', () => {
  for (const [name, template, kind] of [
    ['an HTTP API without CorsConfiguration (ANY /{proxy+})', HTTP_API, 'http'],
    ['a Function URL without Cors', FUNCTION_URL, 'url'],
  ] as const)
    it(`${name}: a JSON PUT from the allowed origin passes the preflight and the answer in every engine; another origin is blocked`, async () => {
      const respond = responder(template, kind);
      const call = {
        url: 'https://api.example.net/items',
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: { type: 'json' as const },
      };
      const allowed = await simulateFetchAsync(APP, call, respond);
      expect(allowed.preflight?.judgement.ok).toBe(true);
      for (const engine of ['chromium', 'firefox', 'webkit'] as const)
        expect(allowed.engines[engine].allowed, engine).toBe(true);
      const blocked = await simulateFetchAsync('https://evil.example', call, respond);
      expect(blocked.allowed).toBe(false);
    });
});
