/**
 * Integrations other than Lambda proxy and mock, as API Gateway answers them:
 * - HTTP_PROXY passes the backend's status, headers and body through (AWS docs: "Set up HTTP proxy
 *   integrations in API Gateway");
 * - HTTP and AWS answer with the integration response whose selectionPattern matches the backend's
 *   status, or `default` (AWS docs: "Set up an integration response in API Gateway"), mapping its
 *   headers from literals, the request, or the backend's headers (AWS docs: "API Gateway mapping
 *   reference": integration.response.header.name);
 * - no matching and no default response: 500 (API Gateway: "No match for output mapping and no
 *   default output mapping specified");
 * - an unreachable endpoint: 500 (AWS Knowledge Center "api-gateway-500-error-vpc": "Execution
 *   failed due to configuration error"); a slow one: 504 INTEGRATION_TIMEOUT.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { BackendCall, CallBackend } from '../../src/gateway/integration.js';
import { forwardingBackend } from '../../src/serve/backend.js';
import { bodyText, gatewayFor, header, ok } from './helpers.js';

const api = (paths: string) => `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        swagger: "2.0"
        paths:
${paths}`;

const HTTP = api(`          /pets/{id}:
            get:
              x-amazon-apigateway-integration:
                type: http
                httpMethod: GET
                uri: http://backend.example/pets/{id}
                responses:
                  default:
                    statusCode: "200"
                    responseParameters:
                      method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"
                      method.response.header.X-Backend: integration.response.header.X-Served-By
                      method.response.header.X-Echo: method.request.header.X-Trace
                  "4\\\\d{2}":
                    statusCode: "404"
                    responseParameters:
                      method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"
                    responseTemplates:
                      application/json: '{"message":"no such pet"}'
          /proxy/{proxy+}:
            x-amazon-apigateway-any-method:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: ANY
                uri: http://backend.example/{proxy}
          /queue:
            post:
              x-amazon-apigateway-integration:
                type: aws
                httpMethod: POST
                uri: arn:aws:apigateway:us-east-1:sqs:path/123456789012/q
                responses:
                  default:
                    statusCode: "202"
                    responseParameters:
                      method.response.header.Access-Control-Allow-Origin: "'*'"
          /nodefault:
            get:
              x-amazon-apigateway-integration:
                type: http
                httpMethod: GET
                uri: http://backend.example/x
                responses:
                  "5\\\\d{2}":
                    statusCode: "502"
`);

function backend(status: number, headers: Array<[string, string]> = [], body = '{"pet":1}') {
  const calls: BackendCall[] = [];
  const call: CallBackend = async (c) => {
    calls.push(c);
    return { ok: true, status, headers, body };
  };
  return { call, calls };
}

describe('HTTP, HTTP_PROXY and AWS integrations', () => {
  it('HTTP: the default integration response maps a literal, a backend header and a request header; the path parameter fills the URL', async () => {
    const b = backend(200, [['X-Served-By', 'pets-7']]);
    const { send } = gatewayFor(HTTP, undefined, { callBackend: b.call, stagePrefix: false });
    const res = await send('GET', '/pets/42', [['X-Trace', 't-1']]);
    expect(res.status).toBe(200);
    expect(header(res, 'access-control-allow-origin')).toBe('https://app.example.com');
    expect(header(res, 'x-backend')).toBe('pets-7');
    expect(header(res, 'x-echo')).toBe('t-1');
    expect(bodyText(res)).toBe('{"pet":1}');
    expect(b.calls[0]).toMatchObject({
      kind: 'http',
      httpMethod: 'GET',
      url: 'http://backend.example/pets/42',
    });
    expect(res.trace.kind).toBe('integration');
  });

  it('HTTP: a backend 404 selects the integration response whose pattern matches it, with its template as the body', async () => {
    const { send } = gatewayFor(HTTP, undefined, { callBackend: backend(404).call });
    const res = await send('GET', '/pets/9');
    expect(res.status).toBe(404);
    expect(bodyText(res)).toBe('{"message":"no such pet"}');
    expect(header(res, 'access-control-allow-origin')).toBe('https://app.example.com');
  });

  it('HTTP: no pattern matches and there is no default: 500 Internal server error', async () => {
    const { send } = gatewayFor(HTTP, undefined, { callBackend: backend(200).call });
    const res = await send('GET', '/nodefault');
    expect(res.status).toBe(500);
    expect(bodyText(res)).toContain('Internal server error');
    expect(res.trace.reason).toMatch(/No match for output mapping and no default output mapping specified/);
  });

  it("HTTP_PROXY: the backend's status, headers and body pass through; the greedy path and the query go to the backend", async () => {
    const b = backend(
      201,
      [
        ['Access-Control-Allow-Origin', 'https://app.example.com'],
        ['Connection', 'close'],
      ],
      'made',
    );
    const { send } = gatewayFor(HTTP, undefined, { callBackend: b.call });
    const res = await send('POST', '/proxy/a/b?x=1', [
      ['Origin', 'https://app.example.com'],
      ['Host', 'h'],
    ]);
    expect(res.status).toBe(201);
    expect(header(res, 'access-control-allow-origin')).toBe('https://app.example.com');
    expect(header(res, 'connection')).toBeUndefined();
    expect(bodyText(res)).toBe('made');
    expect(b.calls[0]).toMatchObject({ httpMethod: 'POST', url: 'http://backend.example/a/b?x=1' });
    expect(b.calls[0].headers.some(([n]) => n.toLowerCase() === 'host')).toBe(false);
  });

  it('AWS service integration without a backend given: not called offline, answered with its success integration response', async () => {
    const { send } = gatewayFor(HTTP);
    const res = await send('POST', '/queue', [], '{}');
    expect(res.status).toBe(202);
    expect(header(res, 'access-control-allow-origin')).toBe('*');
    expect(res.trace.reason).toMatch(/sqs service is not called offline/);
  });

  it('an unreachable backend: 500; a backend that does not answer in time: 504 Endpoint request timed out', async () => {
    const down: CallBackend = async () => ({
      ok: false,
      kind: 'unreachable',
      message: 'http://backend.example could not be reached',
    });
    const slow: CallBackend = async () => ({ ok: false, kind: 'timeout', message: 'late' });
    const a = await gatewayFor(HTTP, undefined, { callBackend: down }).send('GET', '/pets/1');
    expect(a.status).toBe(500);
    expect(a.trace.reason).toMatch(/Execution failed due to configuration error/);
    const b = await gatewayFor(HTTP, undefined, { callBackend: slow }).send('GET', '/pets/1');
    expect(b.status).toBe(504);
    expect(bodyText(b)).toContain('Endpoint request timed out');
  });

  it('Lambda non-proxy: the function gets the JSON body as its event; its result is the body of the default response', async () => {
    const template = api(`          /orders:
            post:
              x-amazon-apigateway-integration:
                type: aws
                httpMethod: POST
                uri:
                  Fn::Sub: arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Orders.Arn}/invocations
                responses:
                  default:
                    statusCode: "202"
                  "Bad.*":
                    statusCode: "400"
`);
    const { send, events } = gatewayFor(template, (event) =>
      (event as { bad?: boolean }).bad
        ? { ok: false, kind: 'error', errorType: 'Error', message: 'Bad order' }
        : ok({ id: 7 }),
    );
    const good = await send('POST', '/orders', [], '{"item":"tea"}');
    expect(good.status).toBe(202);
    expect(bodyText(good)).toBe('{"id":7}');
    expect(events[0]).toEqual({ item: 'tea' });
    const bad = await send('POST', '/orders', [], '{"bad":true}');
    expect(bad.status).toBe(400);
    expect(header(bad, 'access-control-allow-origin')).toBeUndefined();
  });
});

describe('serve forwards HTTP and HTTP_PROXY integrations (src/serve/backend.ts)', () => {
  it('to a backend that answers: its status, headers and body; to a closed port: 500; to a URL known only after deploy: 500 saying so', async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, {
        'Access-Control-Allow-Origin': 'https://app.example.com',
        'X-Path': req.url ?? '',
      });
      res.end('from backend');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const template = api(`          /p/{proxy+}:
            x-amazon-apigateway-any-method:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: ANY
                uri: http://127.0.0.1:${port}/{proxy}
          /down:
            get:
              x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "http://127.0.0.1:1/" }
          /vpc:
            get:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                connectionType: VPC_LINK
                uri: { "Fn::Sub": "http://\${Nlb.DNSName}/" }
`);
      const { send } = gatewayFor(template, undefined, { callBackend: forwardingBackend });
      const res = await send('GET', '/p/a/b?q=1');
      expect(res.status).toBe(200);
      expect(bodyText(res)).toBe('from backend');
      expect(header(res, 'x-path')).toBe('/a/b?q=1');
      expect(header(res, 'access-control-allow-origin')).toBe('https://app.example.com');
      const down = await send('GET', '/down');
      expect(down.status).toBe(500);
      expect(down.trace.reason).toMatch(/could not be reached/);
      const vpc = await send('GET', '/vpc');
      expect(vpc.status).toBe(500);
      expect(vpc.trace.reason).toMatch(/known only after deploy \(through a VPC link\)/);
    } finally {
      server.close();
    }
  });
});
