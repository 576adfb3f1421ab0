/**
 * The inspector for HTTP APIs and Function URLs: their exchanges get the same browser verdict as REST
 * ones, the routes view lists HTTP API routes, and the fix speaks of CorsConfiguration and Cors — not
 * of OPTIONS methods and gateway responses, which these APIs do not have.
 */
import { describe, expect, it } from 'vitest';
import { createFunctionUrlGateway, createGateway } from '../../src/gateway/gateway.js';
import type { GatewayRequest } from '../../src/gateway/types.js';
import { fixFor } from '../../src/inspector/fix.js';
import { summarize } from '../../src/inspector/record.js';
import { routeViews } from '../../src/inspector/routes.js';
import { buildDeployment } from '../../src/sam/deployment.js';
import { loadTemplate } from '../../src/template/load.js';

const PAGE = 'http://localhost:5173';

function request(method: string, path: string, headers: Array<[string, string]>): GatewayRequest {
  return {
    method,
    path,
    query: '',
    headers: [['Host', '127.0.0.1:3000'], ['Origin', PAGE], ...headers],
    body: undefined,
    sourceIp: '127.0.0.1',
    domainName: '127.0.0.1:3000',
  };
}

const template = (cors: string, extra = '') => `Transform: AWS::Serverless-2016-10-31
Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
${cors}  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
${extra}      Events:
        Put: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /items, Method: put } }
`;

async function recorded(
  source: string,
  method: string,
  path: string,
  headers: Array<[string, string]>,
  url = false,
) {
  const deployment = buildDeployment(loadTemplate(source, 't.yaml'), { evaluateConditions: true });
  const options = {
    invoke: async () => ({
      ok: true as const,
      value: { statusCode: 200, headers: { 'Access-Control-Allow-Origin': PAGE }, body: '{}' },
    }),
  };
  const gateway = url
    ? createFunctionUrlGateway(deployment.functionUrls[0], options)
    : createGateway(deployment, options);
  const req = request(method, path, headers);
  const response = await gateway.handle(req);
  return { deployment, r: summarize(1, { request: req, response, started: 0, durationMs: 1 }, 0) };
}

describe('the inspector and HTTP APIs', () => {
  it('the routes view lists HTTP API routes at their URL, with no OPTIONS mock', () => {
    const d = buildDeployment(loadTemplate(template('      Description: x\n'), 't.yaml'));
    const views = routeViews([], 'http://127.0.0.1:3000', false, d.httpApis);
    expect(views).toEqual([
      expect.objectContaining({
        api: 'Http',
        path: '/items',
        url: 'http://127.0.0.1:3000/items',
        preflight: undefined,
      }),
    ]);
    expect(views[0].methods.map((m) => m.method)).toEqual(['PUT']);
  });

  it('a preflight nobody answers (no CorsConfiguration, 404): the fix says to add a CorsConfiguration', async () => {
    const { r } = await recorded(template('      Description: x\n'), 'OPTIONS', '/items', [
      ['Access-Control-Request-Method', 'PUT'],
    ]);
    expect(r.exchange.response.status).toBe(404);
    expect(r.judgement?.judgement.ok).toBe(false);
    expect(fixFor(r, [])?.text).toMatch(
      /add one \(AllowOrigins: \[http:\/\/localhost:5173\]\) and API Gateway answers preflights itself/,
    );
  });

  it('a header the CorsConfiguration leaves out: the fix names AllowHeaders of the CorsConfiguration', async () => {
    const cors = `      CorsConfiguration:\n        AllowOrigins: [${PAGE}]\n        AllowMethods: [PUT]\n`;
    const { r } = await recorded(template(cors), 'OPTIONS', '/items', [
      ['Access-Control-Request-Method', 'PUT'],
      ['Access-Control-Request-Headers', 'x-trace'],
    ]);
    expect(r.exchange.response.status).toBe(204);
    expect(fixFor(r, [])?.text).toBe("Add x-trace to AllowHeaders in the HttpApi's CorsConfiguration.");
  });

  it('a Function URL whose handler doubles Access-Control-Allow-Origin: the fix says to keep one', async () => {
    const url = template(
      '      Description: x\n',
      `      FunctionUrlConfig:\n        AuthType: NONE\n        Cors:\n          AllowOrigins: [${PAGE}]\n`,
    );
    const { r } = await recorded(url, 'GET', '/', [], true);
    expect(r.judgement?.judgement.errorCode).toBe('MultipleAllowOriginValues');
    expect(fixFor(r, [])?.text).toMatch(/Function URL's Cors adds its own: keep one/);
  });
});
