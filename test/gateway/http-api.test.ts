/**
 * HTTP APIs (API Gateway v2) as serve and check answer them: routing, stages, payload format 2.0 and
 * 1.0, response inference, CORS from CorsConfiguration, authorizers. Each behaviour names its source.
 */
import { describe, expect, it } from 'vitest';
import { bodyText, gatewayFor, header, ok } from './helpers.js';

const SAM = 'Transform: AWS::Serverless-2016-10-31\n';

function httpTemplate(apiProps: string, events: string, extra = ''): string {
  return `${SAM}Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
${apiProps || '      Description: an HTTP API\n      DefinitionBody: { openapi: 3.0.1, info: { title: t }, paths: {} }\n'}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      Events:
${events}
${extra}`;
}

const route = (name: string, path: string, method: string, more = '') =>
  `        ${name}:\n          Type: HttpApi\n          Properties:\n            ApiId: !Ref Http\n            Path: ${path}\n            Method: ${method}\n${more}`;
const catchAll = (name = 'All') =>
  `        ${name}:\n          Type: HttpApi\n          Properties:\n            ApiId: !Ref Http\n`;

const CORS = `      CorsConfiguration:
        AllowOrigins: [https://app.example.com]
        AllowMethods: [GET, PUT]
        AllowHeaders: [content-type, authorization]
        ExposeHeaders: [x-request-id]
        MaxAge: 600
`;

describe('HTTP API routing (AWS docs: "Working with routes for HTTP APIs", Routing API requests)', () => {
  const t = httpTemplate(
    CORS,
    route('A', '/pets/dog/1', 'get') +
      route('B', '/pets/dog/{id}', 'get') +
      route('C', '/pets/{proxy+}', 'get') +
      route('D', '/{proxy+}', 'any') +
      catchAll('E'),
  );
  const byRoute = (e: Record<string, unknown>) => e.routeKey;

  it('the documented example table: full match, then greedy with the method, then ANY greedy, then $default', async () => {
    const g = gatewayFor(t, (e) => ok({ route: e.routeKey }));
    const cases: Array<[string, string, string]> = [
      ['GET', '/pets/dog/1', 'GET /pets/dog/1'],
      ['GET', '/pets/dog/2', 'GET /pets/dog/{id}'],
      ['GET', '/pets/cat/1', 'GET /pets/{proxy+}'],
      ['POST', '/test/5', 'ANY /{proxy+}'],
      ['POST', '/', '$default'],
    ];
    for (const [method, path, expected] of cases) {
      const res = await g.send(method, path);
      expect(res.status).toBe(200);
      expect(JSON.parse(bodyText(res)).route, `${method} ${path}`).toBe(expected);
    }
    expect(g.events.map(byRoute)).toHaveLength(5);
  });

  it('"The ANY method matches all methods that you haven\'t defined for a resource": GET /items takes GET, ANY /items the rest', async () => {
    const g = gatewayFor(httpTemplate(CORS, route('A', '/items', 'any') + route('B', '/items', 'get')), (e) =>
      ok({ route: e.routeKey }),
    );
    expect(JSON.parse(bodyText(await g.send('GET', '/items'))).route).toBe('GET /items');
    expect(JSON.parse(bodyText(await g.send('DELETE', '/items'))).route).toBe('ANY /items');
  });

  it('no route matches: 404 {"message":"Not Found"} (not REST\'s 403 Missing Authentication Token)', async () => {
    const g = gatewayFor(httpTemplate(CORS, route('A', '/items', 'get')));
    const res = await g.send('GET', '/nothing');
    expect(res.status).toBe(404);
    expect(JSON.parse(bodyText(res))).toEqual({ message: 'Not Found' });
    expect(header(res, 'apigw-requestid')).toMatch(/=$/);
    expect(g.events).toHaveLength(0);
  });

  it('the 404 of an API with CorsConfiguration carries its CORS headers for an allowed Origin, as its other answers do (see the 401 of sst/sst#5493 below)', async () => {
    const g = gatewayFor(httpTemplate(CORS, route('A', '/items', 'get')));
    const res = await g.send('GET', '/nothing', [['Origin', 'https://app.example.com']]);
    expect(res.status).toBe(404);
    expect(header(res, 'access-control-allow-origin')).toBe('https://app.example.com');
    expect(header(res, 'access-control-expose-headers')).toBe('x-request-id');
    const other = await g.send('GET', '/nothing', [['Origin', 'https://evil.example']]);
    expect(other.headers.some(([n]) => n.startsWith('access-control-'))).toBe(false);
  });

  it('a path parameter is decoded into pathParameters; rawPath keeps the request path', async () => {
    const g = gatewayFor(httpTemplate(CORS, route('A', '/items/{id}', 'get')));
    await g.send('GET', '/items/a%20b?x=1&x=2&y=');
    const e = g.events[0];
    expect(e.pathParameters).toEqual({ id: 'a b' });
    expect(e.rawPath).toBe('/items/a%20b');
    expect(e.rawQueryString).toBe('x=1&x=2&y=');
    // Format 2.0: "Duplicate query strings are combined with commas".
    expect(e.queryStringParameters).toEqual({ x: '1,2', y: '' });
  });

  it('a named stage is served under its name with --stage-prefix; $default at the root (AWS docs: "Working with stages for HTTP APIs")', async () => {
    const t2 = httpTemplate(`      StageName: Prod\n${CORS}`, route('A', '/items', 'get'));
    const g = gatewayFor(t2, (e) => ok({ stage: (e.requestContext as { stage: string }).stage }), {
      stagePrefix: true,
    });
    expect((await g.send('GET', '/items')).status).toBe(404);
    const res = await g.send('GET', '/Prod/items');
    expect(JSON.parse(bodyText(res))).toEqual({ stage: 'Prod' });
    const d = gatewayFor(httpTemplate(CORS, route('A', '/items', 'get')), () => ok('x'), {
      stagePrefix: true,
    });
    expect((await d.send('GET', '/items')).status).toBe(200);
  });
});

describe('payload format 2.0 (AWS docs: "Working with AWS Lambda proxy integrations for HTTP APIs")', () => {
  const t = httpTemplate(CORS, route('A', '/items', 'post'));

  it('the event: version 2.0, routeKey, lower-case headers joined with commas, cookies apart, requestContext.http', async () => {
    const g = gatewayFor(t);
    await g.send(
      'POST',
      '/items',
      [
        ['Content-Type', 'application/json'],
        ['X-Multi', 'a'],
        ['x-multi', 'b'],
        ['Cookie', 'a=1; b=2'],
        ['User-Agent', 'test'],
      ],
      '{"name":"x"}',
    );
    const e = g.events[0];
    expect(e.version).toBe('2.0');
    expect(e.routeKey).toBe('POST /items');
    expect(e.cookies).toEqual(['a=1', 'b=2']);
    const headers = e.headers as Record<string, string>;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-multi']).toBe('a,b');
    expect(headers.cookie).toBeUndefined();
    expect(e).not.toHaveProperty('multiValueHeaders');
    expect(e.body).toBe('{"name":"x"}');
    expect(e.isBase64Encoded).toBe(false);
    const ctx = e.requestContext as Record<string, unknown>;
    expect(ctx.routeKey).toBe('POST /items');
    expect(ctx.stage).toBe('$default');
    expect(ctx.http).toMatchObject({
      method: 'POST',
      path: '/items',
      sourceIp: '127.0.0.1',
      userAgent: 'test',
    });
  });

  it('the query as the 2.0 example shows it: rawQueryString as sent (percent-encoding kept), duplicates "combined with commas" in queryStringParameters; rawPath; time and timeEpoch; no body and no pathParameters when there are none', async () => {
    const g = gatewayFor(httpTemplate(CORS, route('A', '/my/path', 'get')));
    await g.send('GET', '/my/path?parameter1=value1&parameter1=value2&parameter2=a%20b', []);
    const e = g.events[0];
    expect(e.rawPath).toBe('/my/path');
    expect(e.rawQueryString).toBe('parameter1=value1&parameter1=value2&parameter2=a%20b');
    expect(e.queryStringParameters).toEqual({ parameter1: 'value1,value2', parameter2: 'a b' });
    expect(e).not.toHaveProperty('multiValueQueryStringParameters');
    expect(e).not.toHaveProperty('body');
    expect(e).not.toHaveProperty('pathParameters');
    expect(e.isBase64Encoded).toBe(false);
    const ctx = e.requestContext as Record<string, unknown>;
    expect(ctx.accountId).toMatch(/^\d{12}$/);
    expect(ctx.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(typeof ctx.timeEpoch).toBe('number');
    expect(ctx.http).toMatchObject({ method: 'GET', path: '/my/path', protocol: 'HTTP/1.1' });
  });

  it('a body arrives as text only for text/*, application/json, application/xml and application/javascript; any other, a form and no Content-Type included, base64-encoded (measured on AWS: ministackorg/ministack#766)', async () => {
    const g = gatewayFor(t);
    const cases: Array<[string | undefined, boolean]> = [
      ['text/plain; charset=utf-8', false],
      ['application/json', false],
      ['application/xml', false],
      ['application/javascript', false],
      ['application/octet-stream', true],
      ['application/x-www-form-urlencoded', true],
      ['multipart/form-data; boundary=x', true],
      [undefined, true],
    ];
    for (const [type, base64] of cases) {
      await g.send('POST', '/items', type ? [['content-type', type]] : [], 'AB');
      expect(g.events.at(-1), type).toMatchObject(
        base64 ? { body: 'QUI=', isBase64Encoded: true } : { body: 'AB', isBase64Encoded: false },
      );
    }
  });

  it('PayloadFormatVersion 1.0: the REST-style event, version 1.0, multiValueHeaders', async () => {
    const g = gatewayFor(
      httpTemplate(CORS, route('A', '/items', 'get', "            PayloadFormatVersion: '1.0'\n")),
      () => ok({ statusCode: 201, body: 'made' }),
    );
    const res = await g.send('GET', '/items?x=1');
    expect(res.status).toBe(201);
    expect(bodyText(res)).toBe('made');
    expect(g.events[0]).toMatchObject({
      version: '1.0',
      routeKey: 'GET /items',
      httpMethod: 'GET',
      resource: '/items',
    });
    expect(g.events[0].multiValueHeaders).toBeTruthy();
  });

  it('PayloadFormatVersion 1.0 as the 1.0 example shows it: "Header names are lowercased", requestContext.path as requested ($default: no stage in it), resourceId null, a binary body base64-encoded as in 2.0', async () => {
    const g = gatewayFor(
      httpTemplate(CORS, route('A', '/items', 'post', "            PayloadFormatVersion: '1.0'\n")),
      () => ok({ statusCode: 200, body: '' }),
    );
    await g.send(
      'POST',
      '/items',
      [
        ['Content-Type', 'application/octet-stream'],
        ['X-Custom', 'v'],
      ],
      'AB',
    );
    const e = g.events[0];
    expect(e.headers).toMatchObject({ 'content-type': 'application/octet-stream', 'x-custom': 'v' });
    expect(e.headers).not.toHaveProperty('X-Custom');
    expect(e.multiValueHeaders).toMatchObject({ 'x-custom': ['v'] });
    expect(e).toMatchObject({ path: '/items', body: 'QUI=', isBase64Encoded: true });
    expect(e.requestContext).toMatchObject({ path: '/items', stage: '$default', resourceId: null });
  });

  it('response inference: a bare object is 200 application/json with the object as body', async () => {
    const g = gatewayFor(t, () => ok({ message: 'Hello from Lambda!' }));
    const res = await g.send('POST', '/items');
    expect(res.status).toBe(200);
    expect(header(res, 'content-type')).toBe('application/json');
    expect(JSON.parse(bodyText(res))).toEqual({ message: 'Hello from Lambda!' });
  });

  it('response inference: a string is the body as it is (the documented table: "Hello from Lambda!")', async () => {
    const g = gatewayFor(t, () => ok('Hello from Lambda!'));
    const res = await g.send('POST', '/items');
    expect(res.status).toBe(200);
    expect(bodyText(res)).toBe('Hello from Lambda!');
    expect(header(res, 'content-type')).toBe('application/json');
  });

  it('a response with statusCode: cookies become one Set-Cookie each; isBase64Encoded bodies are decoded', async () => {
    const g = gatewayFor(t, () =>
      ok({
        statusCode: 201,
        cookies: ['a=1; Path=/', 'b=2'],
        headers: { 'X-Y': 'z' },
        body: 'aGk=',
        isBase64Encoded: true,
      }),
    );
    const res = await g.send('POST', '/items');
    expect(res.status).toBe(201);
    expect(res.headers.filter(([n]) => n === 'set-cookie').map(([, v]) => v)).toEqual(['a=1; Path=/', 'b=2']);
    expect(header(res, 'x-y')).toBe('z');
    expect(bodyText(res)).toBe('hi');
  });

  it('a function error is 500 {"message":"Internal Server Error"} (AWS troubleshooting guide); a bad statusCode too', async () => {
    const failing = gatewayFor(t, () => ({ ok: false, kind: 'error', errorType: 'Error', message: 'boom' }));
    const res = await failing.send('POST', '/items');
    expect(res.status).toBe(500);
    expect(JSON.parse(bodyText(res))).toEqual({ message: 'Internal Server Error' });
    const bad = gatewayFor(t, () => ok({ statusCode: 'nope' }));
    expect((await bad.send('POST', '/items')).status).toBe(500);
  });

  it('a statusCode outside 200-599 (1xx is no final answer, RFC 9110 §15.2) is the same 500, as for REST (proxy-result.ts)', async () => {
    for (const statusCode of [100, 101, 199, 600]) {
      const g = gatewayFor(t, () => ok({ statusCode, body: 'x' }));
      const res = await g.send('POST', '/items');
      expect(res.status).toBe(500);
      expect(JSON.parse(bodyText(res))).toEqual({ message: 'Internal Server Error' });
    }
  });

  it('an integration timeout is 503 {"message":"Service Unavailable"}, as observed (cortexlabs/cortex#1225: no content-type; serverless/serverless#11222); the timeout is at most 30 s (AWS docs: "Amazon API Gateway quotas")', async () => {
    const g = gatewayFor(t, () => ({ ok: false, kind: 'timeout', errorType: 'Timeout', message: 'late' }), {
      functionTimeouts: { Fn: 60 },
    });
    const res = await g.send('POST', '/items');
    expect(res.status).toBe(503);
    expect(JSON.parse(bodyText(res))).toEqual({ message: 'Service Unavailable' });
    expect(header(res, 'content-type')).toBeUndefined();
    expect(g.timeouts[0]).toBe(30_000);
  });

  it('an event that waited the integration timeout for a free local environment is answered as one: 503 (Lambda would have scaled out)', async () => {
    const g = gatewayFor(
      t,
      () => ({
        ok: false,
        kind: 'waited',
        errorType: 'Crossgate.NoFreeEnvironment',
        message: 'all 4 were busy',
      }),
      { functionTimeouts: { Fn: 3 } },
    );
    const res = await g.send('POST', '/items');
    expect(g.waitLimits[0]).toBe(30_000);
    expect(res.status).toBe(503);
    expect(JSON.parse(bodyText(res))).toEqual({ message: 'Service Unavailable' });
    expect(res.trace.reason).toContain('all 4 were busy');
  });

  it('a function stopped at its own Timeout (3 s, under the 30 s integration timeout) is a function error: 500 {"message":"Internal Server Error"}', async () => {
    const g = gatewayFor(
      t,
      () => ({ ok: false, kind: 'timeout', errorType: 'Sandbox.Timedout', message: 'late' }),
      {
        functionTimeouts: { Fn: 3 },
      },
    );
    const res = await g.send('POST', '/items');
    expect(g.timeouts[0]).toBe(3000);
    expect(res.status).toBe(500);
    expect(JSON.parse(bodyText(res))).toEqual({ message: 'Internal Server Error' });
  });
});

describe('CORS from CorsConfiguration (AWS docs: "Configuring CORS for an HTTP API")', () => {
  const preflight = (origin: string, method = 'PUT', headers = 'content-type'): Array<[string, string]> => [
    ['Origin', origin],
    ['Access-Control-Request-Method', method],
    ['Access-Control-Request-Headers', headers],
  ];

  it('"API Gateway automatically sends a response to preflight OPTIONS requests, even if there isn\'t an OPTIONS route": no function runs (its status, 204, is not documented)', async () => {
    const g = gatewayFor(httpTemplate(CORS, route('A', '/items', 'put')));
    const res = await g.send('OPTIONS', '/items', preflight('https://app.example.com'));
    expect(res.status).toBe(204);
    expect(header(res, 'access-control-allow-origin')).toBe('https://app.example.com');
    expect(header(res, 'access-control-allow-methods')).toBe('GET,PUT');
    expect(header(res, 'access-control-allow-headers')).toBe('content-type,authorization');
    expect(header(res, 'access-control-max-age')).toBe('600');
    expect(header(res, 'access-control-expose-headers')).toBeUndefined();
    expect(g.events).toHaveLength(0);
    expect(res.trace.reason).toMatch(/answered the preflight itself/);
  });

  it('an origin not in AllowOrigins: the preflight answer carries no CORS header (undocumented; the browser then blocks)', async () => {
    const g = gatewayFor(httpTemplate(CORS, route('A', '/items', 'put')));
    const res = await g.send('OPTIONS', '/items', preflight('https://evil.example'));
    expect(res.status).toBe(204);
    expect(res.headers.some(([n]) => n.startsWith('access-control-'))).toBe(false);
    expect(res.trace.reason).toMatch(
      /"https:\/\/evil.example" is not in Http's AllowOrigins; .*not documented/,
    );
  });

  it('AllowOrigins * answers Access-Control-Allow-Origin: *', async () => {
    const g = gatewayFor(httpTemplate('      CorsConfiguration: true\n', route('A', '/items', 'put')));
    const res = await g.send('OPTIONS', '/items', preflight('https://any.example'));
    expect(header(res, 'access-control-allow-origin')).toBe('*');
  });

  it('AllowOrigins https://* allows "any origin that begins with https://" (the documented example values); http:// origins get no CORS header', async () => {
    const g = gatewayFor(
      httpTemplate(
        '      CorsConfiguration:\n        AllowOrigins: [https://*]\n        AllowMethods: [PUT]\n',
        route('A', '/items', 'put'),
      ),
    );
    const res = await g.send('OPTIONS', '/items', preflight('https://app.example.com'));
    expect(header(res, 'access-control-allow-origin')).toBe('https://app.example.com');
    const other = await g.send('OPTIONS', '/items', preflight('http://app.example.com'));
    expect(other.headers.some(([n]) => n.startsWith('access-control-'))).toBe(false);
  });

  it("'*' among AllowOrigins with AllowCredentials, in the forms SAM lets through, is refused as API Gateway refuses it at deploy: \"allow-credentials is not supported if 'allow-origin' is *\" (aws/aws-cdk#9076)", () => {
    const beside = httpTemplate(
      "      CorsConfiguration:\n        AllowOrigins: ['*', https://app.example.com]\n        AllowCredentials: true\n",
      route('A', '/items', 'get'),
    );
    expect(() => gatewayFor(beside)).toThrow(/allow-credentials is not supported if 'allow-origin' is \*/);
    const inBody = httpTemplate(
      `      DefinitionBody:
        openapi: 3.0.1
        info: { title: t }
        paths: {}
        x-amazon-apigateway-cors:
          allowOrigins: ['*']
          allowCredentials: true
`,
      route('A', '/items', 'get'),
    );
    expect(() => gatewayFor(inBody)).toThrow(/refuses at deploy/);
    // check simulates such a template anyway and reports it (CG140).
    expect(() => gatewayFor(beside, undefined, { refuseUndeployable: false })).not.toThrow();
  });

  it('"API Gateway ignores CORS headers returned from your backend integration" and adds the configured ones', async () => {
    const g = gatewayFor(httpTemplate(CORS, route('A', '/items', 'get')), () =>
      ok({
        statusCode: 200,
        headers: {
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Credentials': 'true',
          'X-Kept': '1',
        },
        body: '{}',
      }),
    );
    const res = await g.send('GET', '/items', [['Origin', 'https://app.example.com']]);
    expect(res.headers.filter(([n]) => n.toLowerCase() === 'access-control-allow-origin')).toEqual([
      ['access-control-allow-origin', 'https://app.example.com'],
    ]);
    expect(header(res, 'access-control-allow-credentials')).toBeUndefined();
    expect(header(res, 'access-control-expose-headers')).toBe('x-request-id');
    expect(header(res, 'x-kept')).toBe('1');
    expect(res.trace.reason).toMatch(/dropped the function's own Access-Control-Allow-Origin/);
  });

  it('a request without Origin gets no CORS header: "To return CORS headers, your request must contain an origin header"', async () => {
    const g = gatewayFor(httpTemplate(CORS, route('A', '/items', 'get')), () => ok({}));
    const res = await g.send('GET', '/items');
    expect(res.headers.some(([n]) => n.startsWith('access-control-'))).toBe(false);
  });

  it("without CorsConfiguration the function's own headers pass and a preflight without a route is 404", async () => {
    const g = gatewayFor(httpTemplate('', route('A', '/items', 'get')), () =>
      ok({
        statusCode: 200,
        headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' },
        body: '',
      }),
    );
    const res = await g.send('GET', '/items', [['Origin', 'https://app.example.com']]);
    expect(header(res, 'Access-Control-Allow-Origin')).toBe('https://app.example.com');
    const pre = await g.send('OPTIONS', '/items', preflight('https://app.example.com'));
    expect(pre.status).toBe(404);
  });

  it('the $default route "catches requests for all methods … including OPTIONS": a JWT authorizer on it answers the preflight 401', async () => {
    const t = httpTemplate(
      `${CORS}      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: { issuer: https://issuer.example, audience: [api] }
`,
      catchAll(),
    );
    const g = gatewayFor(t);
    const res = await g.send('OPTIONS', '/items', preflight('https://app.example.com'));
    expect(res.status).toBe(401);
    expect(g.events).toHaveLength(0);
  });
});

describe('a route that matches OPTIONS takes the preflight from the gateway (AWS docs: "Configuring CORS for an HTTP API", $default route and JWT authorizer)', () => {
  const jwtAuth = `${CORS}      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: { issuer: https://issuer.example, audience: [api] }
`;
  const preflight: Array<[string, string]> = [
    ['Origin', 'https://app.example.com'],
    ['Access-Control-Request-Method', 'PUT'],
  ];

  it('ANY /items behind a JWT authorizer: the preflight is 401 and carries the configured CORS headers (sst/sst#5493: Chromium reported "It does not have HTTP ok status", which it checks after the CORS headers)', async () => {
    const g = gatewayFor(httpTemplate(jwtAuth, route('A', '/items', 'any')));
    const res = await g.send('OPTIONS', '/items', preflight);
    expect(res.status).toBe(401);
    expect(header(res, 'access-control-allow-origin')).toBe('https://app.example.com');
    expect(header(res, 'access-control-allow-methods')).toBe('GET,PUT');
    expect(g.events).toHaveLength(0);
  });

  it('ANY /items without an authorizer: the function gets the OPTIONS request, and the configured preflight headers replace its own', async () => {
    const g = gatewayFor(httpTemplate(CORS, route('A', '/items', 'any')), () =>
      ok({ statusCode: 204, headers: { 'Access-Control-Allow-Methods': 'DELETE' } }),
    );
    const res = await g.send('OPTIONS', '/items', preflight);
    expect(g.events).toHaveLength(1);
    expect(res.status).toBe(204);
    expect(res.headers.filter(([n]) => n.toLowerCase() === 'access-control-allow-methods')).toEqual([
      ['access-control-allow-methods', 'GET,PUT'],
    ]);
  });
});

function b64url(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}
function unsignedJwt(claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'RS256', kid: 'k1' })}.${b64url(claims)}.c2ln`;
}

describe('JWT authorizers (AWS docs: "Controlling access to HTTP APIs with JWT authorizers")', () => {
  const auth = (scopes = '') => `${CORS}      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: { issuer: https://issuer.example, audience: [my-api] }
${scopes}`;
  const now = Date.now();
  const good = { iss: 'https://issuer.example', aud: 'my-api', exp: Math.floor(now / 1000) + 600, sub: 'u1' };
  const t = httpTemplate(auth(), route('A', '/items', 'get'));

  it('no token: 401 {"message":"Unauthorized"} with no content-type, as in the troubleshooting guide\'s curl output; the function is not invoked', async () => {
    const g = gatewayFor(t);
    const res = await g.send('GET', '/items');
    expect(res.status).toBe(401);
    expect(JSON.parse(bodyText(res))).toEqual({ message: 'Unauthorized' });
    expect(header(res, 'content-type')).toBeUndefined();
    expect(header(res, 'apigw-requestid')).toMatch(/=$/);
    expect(g.events).toHaveLength(0);
  });

  it('claims checked: issuer, audience (aud or client_id), expiry; the www-authenticate header says which', async () => {
    const g = gatewayFor(t);
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...good, iss: 'https://other.example' }, /valid issuer/],
      [{ ...good, aud: 'other' }, /valid audience/],
      [{ ...good, exp: Math.floor(now / 1000) - 1 }, /expired/],
      [{ ...good, nbf: Math.floor(now / 1000) + 600 }, /not valid yet/],
    ];
    for (const [claims, why] of bad) {
      const res = await g.send('GET', '/items', [['Authorization', `Bearer ${unsignedJwt(claims)}`]]);
      expect(res.status).toBe(401);
      expect(header(res, 'www-authenticate')).toMatch(
        /^Bearer scope="" error="invalid_token" error_description=/,
      );
      expect(header(res, 'www-authenticate')).toMatch(why);
    }
    const viaClientId = { ...good, aud: undefined, client_id: 'my-api' };
    expect((await g.send('GET', '/items', [['Authorization', unsignedJwt(viaClientId)]])).status).toBe(200);
  });

  it('"API Gateway validates client_id only if aud is not present. When both aud and client_id are present, API Gateway evaluates aud" (AWS docs: "Troubleshooting issues with HTTP API JWT authorizers")', async () => {
    const g = gatewayFor(t);
    const both = { ...good, aud: 'another-api', client_id: 'my-api' };
    const res = await g.send('GET', '/items', [['Authorization', unsignedJwt(both)]]);
    expect(res.status).toBe(401);
    expect(header(res, 'www-authenticate')).toMatch(/valid audience/);
    const listed = { ...good, aud: ['another-api', 'my-api'], client_id: 'x' };
    expect((await g.send('GET', '/items', [['Authorization', unsignedJwt(listed)]])).status).toBe(200);
  });

  it('payload format 1.0: the claims are requestContext.authorizer.claims, not under jwt (the 1.0 example of "Working with AWS Lambda proxy integrations for HTTP APIs"; awsdocs/amazon-api-gateway-developer-guide#113)', async () => {
    const g = gatewayFor(
      httpTemplate(auth(), route('A', '/items', 'get', "            PayloadFormatVersion: '1.0'\n")),
    );
    const res = await g.send('GET', '/items', [['Authorization', `Bearer ${unsignedJwt(good)}`]]);
    expect(res.status).toBe(200);
    const ctx = g.events[0].requestContext as { authorizer: Record<string, unknown> };
    expect(ctx.authorizer).not.toHaveProperty('jwt');
    expect((ctx.authorizer.claims as Record<string, unknown>).sub).toBe('u1');
    expect(ctx.authorizer).toHaveProperty('scopes');
  });

  it('a valid token: the claims reach the function as requestContext.authorizer.jwt', async () => {
    const g = gatewayFor(t);
    const res = await g.send('GET', '/items', [['Authorization', `Bearer ${unsignedJwt(good)}`]]);
    expect(res.status).toBe(200);
    const ctx = g.events[0].requestContext as { authorizer: { jwt: { claims: Record<string, unknown> } } };
    expect(ctx.authorizer.jwt.claims.sub).toBe('u1');
    expect(res.trace.reason).toMatch(/signature not verified/);
  });

  it('route scopes: the token must hold at least one (scope or scp), else 403 insufficient_scope', async () => {
    const g = gatewayFor(
      httpTemplate(auth('            AuthorizationScopes: [items.read]\n'), route('A', '/items', 'get')),
    );
    const res = await g.send('GET', '/items', [['Authorization', unsignedJwt(good)]]);
    expect(res.status).toBe(403);
    expect(header(res, 'www-authenticate')).toMatch(/error="insufficient_scope"/);
    expect(
      (await g.send('GET', '/items', [['Authorization', unsignedJwt({ ...good, scope: 'a items.read' })]]))
        .status,
    ).toBe(200);
    expect(
      (await g.send('GET', '/items', [['Authorization', unsignedJwt({ ...good, scp: ['items.read'] })]]))
        .status,
    ).toBe(200);
  });

  it('with a JWKS the RSA signature is verified: a signed token passes, a tampered one is 401', async () => {
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
    const head = b64url({ alg: 'RS256', kid: 'k1' });
    const body = b64url(good);
    const signature = sign('sha256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url');
    const g = gatewayFor(t, () => ok({}), { jwks: { keys: [jwk] } });
    const signed = `${head}.${body}.${signature}`;
    const res = await g.send('GET', '/items', [['Authorization', signed]]);
    expect(res.status).toBe(200);
    expect(res.trace.reason).toBeUndefined();
    const tampered = `${head}.${b64url({ ...good, sub: 'admin' })}.${signature}`;
    const bad = await g.send('GET', '/items', [['Authorization', tampered]]);
    expect(bad.status).toBe(401);
    expect(header(bad, 'www-authenticate')).toMatch(/signature is invalid/);
    const unknownKey = `${b64url({ alg: 'RS256', kid: 'other' })}.${body}.${signature}`;
    expect((await g.send('GET', '/items', [['Authorization', unknownKey]])).status).toBe(401);
  });
});

describe('Lambda authorizers (AWS docs: "Working with AWS Lambda authorizers for HTTP APIs")', () => {
  const lambdaAuth = (simple: boolean, version = '2.0') => `${CORS}      Auth:
        DefaultAuthorizer: L
        Authorizers:
          L:
            FunctionArn: !GetAtt AuthFn.Arn
            AuthorizerPayloadFormatVersion: '${version}'
            EnableSimpleResponses: ${simple}
            Identity:
              Headers: [Authorization]
`;
  const authFn = `  AuthFn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: auth.handler
      Runtime: nodejs20.x
`;

  it('simple responses: isAuthorized true lets the request through with the context; false is 403', async () => {
    const t = httpTemplate(lambdaAuth(true), route('A', '/items', 'get'), authFn);
    let allow = true;
    const g = gatewayFor(t, (e, fn) =>
      fn === 'AuthFn'
        ? ok({ isAuthorized: allow, context: { user: 'u1', n: 1 } })
        : ok({ ctx: e.requestContext }),
    );
    const res = await g.send('GET', '/items', [['Authorization', 'token']]);
    expect(res.status).toBe(200);
    expect(g.events[0]).toMatchObject({
      version: '2.0',
      type: 'REQUEST',
      identitySource: ['token'],
      routeKey: 'GET /items',
    });
    expect(String(g.events[0].routeArn)).toMatch(/\/\$default\/GET\/items$/);
    expect(JSON.parse(bodyText(res)).ctx.authorizer.lambda).toEqual({ user: 'u1', n: 1 });
    allow = false;
    const denied = await g.send('GET', '/items', [['Authorization', 'token2']]);
    expect(denied.status).toBe(403);
    expect(JSON.parse(bodyText(denied))).toEqual({ message: 'Forbidden' });
  });

  it('the authorizer has 10 s at most, whatever its Timeout (AWS docs: "Amazon API Gateway quotas", Timeout for Lambda authorizer response: 10000 ms); past it, 500', async () => {
    const g = gatewayFor(
      httpTemplate(lambdaAuth(true), route('A', '/items', 'get'), authFn),
      (_e, fn) =>
        fn === 'AuthFn'
          ? { ok: false, kind: 'timeout', errorType: 'Sandbox.Timedout', message: 'late' }
          : ok({}),
      { functionTimeouts: { AuthFn: 25, Fn: 3 } },
    );
    const res = await g.send('GET', '/items', [['Authorization', 'token']]);
    expect(g.timeouts).toEqual([10_000]);
    expect(res.status).toBe(500);
  });

  it('a missing identity source is 401 and the authorizer is not invoked', async () => {
    const g = gatewayFor(httpTemplate(lambdaAuth(true), route('A', '/items', 'get'), authFn));
    const res = await g.send('GET', '/items');
    expect(res.status).toBe(401);
    expect(g.events).toHaveLength(0);
  });

  it('an IAM policy answer: Allow for the route ARN passes, Deny is 403; a malformed answer is 500', async () => {
    const policy = (effect: string) => ({
      principalId: 'p',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: '*' }],
      },
      context: { a: 'b' },
    });
    let answer: unknown = policy('Allow');
    const g = gatewayFor(httpTemplate(lambdaAuth(false), route('A', '/items', 'get'), authFn), (_e, fn) =>
      fn === 'AuthFn' ? ok(answer) : ok({}),
    );
    expect((await g.send('GET', '/items', [['Authorization', 't1']])).status).toBe(200);
    answer = policy('Deny');
    expect((await g.send('GET', '/items', [['Authorization', 't2']])).status).toBe(403);
    answer = { nope: true };
    expect((await g.send('GET', '/items', [['Authorization', 't3']])).status).toBe(500);
  });

  it('AuthorizerPayloadFormatVersion 1.0: the authorizer gets the REST-style REQUEST event with methodArn', async () => {
    const g = gatewayFor(
      httpTemplate(lambdaAuth(false, '1.0'), route('A', '/items', 'get'), authFn),
      (_e, fn) =>
        fn === 'AuthFn'
          ? ok({
              principalId: 'p',
              policyDocument: {
                Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }],
              },
            })
          : ok({}),
    );
    await g.send('GET', '/items', [['Authorization', 't']]);
    expect(g.events[0]).toMatchObject({
      version: '1.0',
      type: 'REQUEST',
      identitySource: 't',
      httpMethod: 'GET',
    });
    expect(String(g.events[0].methodArn)).toMatch(/GET\/items$/);
  });
});

describe('IAM authorization (AWS docs: "Using IAM authorization" for HTTP APIs)', () => {
  const t = httpTemplate(
    `${CORS}      Auth:\n        EnableIamAuthorizer: true\n        DefaultAuthorizer: AWS_IAM\n`,
    route('A', '/items', 'get'),
  );
  it('an unsigned request is 403; a SigV4-looking one passes, said not to be verified locally', async () => {
    const g = gatewayFor(t);
    expect((await g.send('GET', '/items')).status).toBe(403);
    const res = await g.send('GET', '/items', [['Authorization', 'AWS4-HMAC-SHA256 Credential=x']]);
    expect(res.status).toBe(200);
    expect(res.trace.reason).toMatch(/not verified locally/);
  });
});

describe('REST and HTTP APIs on one address', () => {
  it("each request reaches the API whose route it matches; nothing matched is REST's 403", async () => {
    const t = `${SAM}Resources:
  Rest:
    Type: AWS::Serverless::Api
    Properties: { StageName: Prod }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      Events:
        R: { Type: Api, Properties: { RestApiId: !Ref Rest, Path: /rest, Method: get } }
        H: { Type: HttpApi, Properties: { Path: /http, Method: get } }
`;
    const g = gatewayFor(t, (e) => ok({ statusCode: 200, body: String(e.version ?? 'rest') }));
    expect(bodyText(await g.send('GET', '/rest'))).toBe('rest');
    expect(bodyText(await g.send('GET', '/http'))).toBe('2.0');
    expect((await g.send('GET', '/none')).status).toBe(403);
  });
});
