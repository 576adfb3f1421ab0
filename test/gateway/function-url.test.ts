/**
 * Function URLs as serve answers them: every path reaches the function with a 2.0 event, Cors
 * answered by Lambda, AuthType AWS_IAM not enforced locally. Sources: Lambda docs "Invoking Lambda
 * function URLs" and "Creating and managing Lambda function URLs" (CORS), and observed behaviour
 * named in src/gateway/cors-config.ts.
 */
import { describe, expect, it } from 'vitest';
import { createFunctionUrlGateway } from '../../src/gateway/gateway.js';
import type { GatewayRequest, InvokeOutcome } from '../../src/gateway/types.js';
import { buildDeployment } from '../../src/sam/deployment.js';
import { loadTemplate } from '../../src/template/load.js';
import { bodyText, header, ok } from './helpers.js';

function urlFor(
  config: string,
  handler: (e: Record<string, unknown>) => InvokeOutcome = () => ok({ ok: 1 }),
) {
  const template = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      FunctionUrlConfig:
${config}`;
  const deployment = buildDeployment(loadTemplate(template, 'u.yaml'), { evaluateConditions: true });
  const events: Array<Record<string, unknown>> = [];
  const gateway = createFunctionUrlGateway(deployment.functionUrls[0], {
    invoke: async (_fn, event) => {
      events.push(event as Record<string, unknown>);
      return handler(event as Record<string, unknown>);
    },
  });
  const send = (method: string, url: string, headers: Array<[string, string]> = [], body?: string) => {
    const q = url.indexOf('?');
    const req: GatewayRequest = {
      method,
      path: q === -1 ? url : url.slice(0, q),
      query: q === -1 ? '' : url.slice(q + 1),
      headers,
      body: body === undefined ? undefined : new TextEncoder().encode(body),
      sourceIp: '127.0.0.1',
      domainName: '127.0.0.1:3002',
    };
    return gateway.handle(req);
  };
  return { deployment, send, events };
}

const CORS = `        AuthType: NONE
        Cors:
          AllowOrigins: [https://app.example.com]
          AllowMethods: [GET, POST]
          AllowHeaders: [content-type]
          MaxAge: 300
`;

describe('Function URLs', () => {
  it('SAM names the URL <Function>Url; every method and path reaches the function with a 2.0 event, routeKey $default', async () => {
    const u = urlFor('        AuthType: NONE\n');
    expect(u.deployment.functionUrls.map((x) => x.logicalId)).toEqual(['FnUrl']);
    const res = await u.send('DELETE', '/any/path?a=1');
    expect(res.status).toBe(200);
    expect(u.events[0]).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/any/path',
      rawQueryString: 'a=1',
    });
    expect((u.events[0].requestContext as Record<string, unknown>).stage).toBe('$default');
  });

  it('a bare string is the body JSON-encoded (the documented example: content-length 15 for "Hello, world!")', async () => {
    const u = urlFor('        AuthType: NONE\n', () => ok('Hello, world!'));
    const res = await u.send('GET', '/');
    expect(bodyText(res)).toBe('"Hello, world!"');
    expect(Buffer.byteLength(bodyText(res))).toBe(15);
  });

  it('with Cors, Lambda answers the preflight itself (the function is not invoked); its status, 200, is not documented', async () => {
    const u = urlFor(CORS);
    const res = await u.send('OPTIONS', '/', [
      ['Origin', 'https://app.example.com'],
      ['Access-Control-Request-Method', 'POST'],
    ]);
    expect(res.status).toBe(200);
    expect(header(res, 'access-control-allow-origin')).toBe('https://app.example.com');
    expect(header(res, 'access-control-allow-methods')).toBe('GET,POST');
    expect(header(res, 'access-control-allow-headers')).toBe('content-type');
    expect(header(res, 'access-control-max-age')).toBe('300');
    expect(u.events).toHaveLength(0);
  });

  it('without Cors, the preflight reaches the function like any request', async () => {
    const u = urlFor('        AuthType: NONE\n');
    await u.send('OPTIONS', '/', [
      ['Origin', 'https://app.example.com'],
      ['Access-Control-Request-Method', 'POST'],
    ]);
    expect(u.events).toHaveLength(1);
  });

  it("the configured headers are added beside the function's own: two Access-Control-Allow-Origin values (powertools-lambda-python#4163)", async () => {
    const u = urlFor(CORS, () =>
      ok({
        statusCode: 200,
        headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' },
        body: '{}',
      }),
    );
    const res = await u.send('GET', '/', [['Origin', 'https://app.example.com']]);
    const acao = res.headers
      .filter(([n]) => n.toLowerCase() === 'access-control-allow-origin')
      .map(([, v]) => v);
    expect(acao).toEqual(['https://app.example.com', 'https://app.example.com']);
  });

  it("AllowOrigins ['*'] answers with the caller's origin (the value seen in powertools-lambda-python#4163)", async () => {
    const u = urlFor('        AuthType: NONE\n        Cors:\n          AllowOrigins: ["*"]\n');
    const res = await u.send('GET', '/', [['Origin', 'http://127.0.0.1:5500']]);
    expect(header(res, 'access-control-allow-origin')).toBe('http://127.0.0.1:5500');
  });

  it("the caller's Origin is echoed only when it is an origin as browsers write it: a list, spaces or bytes past ASCII are never sent back (security: no raw header bytes echoed)", async () => {
    const u = urlFor('        AuthType: NONE\n        Cors:\n          AllowOrigins: ["*"]\n');
    for (const origin of [
      'https://a.example, https://b.example',
      'https://a.example/path',
      'https://a.example\u00e9',
      'javascript:alert(1)',
    ]) {
      const res = await u.send('GET', '/', [['Origin', origin]]);
      expect(header(res, 'access-control-allow-origin'), origin).toBeUndefined();
    }
    for (const origin of ['http://localhost:5173', 'https://[::1]:8443', 'null']) {
      const res = await u.send('GET', '/', [['Origin', origin]]);
      expect(header(res, 'access-control-allow-origin')).toBe(origin);
    }
  });

  it('AuthType AWS_IAM is not enforced locally, and the trace says so', async () => {
    const u = urlFor('        AuthType: AWS_IAM\n');
    const res = await u.send('GET', '/');
    expect(res.status).toBe(200);
    expect(res.trace.reason).toMatch(/AWS_IAM is not enforced locally/);
    expect((u.events[0].requestContext as { authorizer: { iam: unknown } }).authorizer.iam).toBeTruthy();
  });

  it('a failing function, or a malformed answer, is 502 Internal Server Error (undocumented; observed: awsdocs/aws-lambda-developer-guide#430, swift-cloud/swift-cloud#16)', async () => {
    const u = urlFor('        AuthType: NONE\n', () => ({
      ok: false,
      kind: 'error',
      errorType: 'Error',
      message: 'x',
    }));
    const res = await u.send('GET', '/');
    expect(res.status).toBe(502);
    expect(bodyText(res)).toBe('Internal Server Error');
    const malformed = urlFor('        AuthType: NONE\n', () => ok({ statusCode: 'nope' }));
    expect((await malformed.send('GET', '/')).status).toBe(502);
  });
});
