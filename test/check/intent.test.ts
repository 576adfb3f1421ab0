/**
 * CORS intent (issue 14 item 4): an API is judged as a browser would only when something shows that
 * pages on other origins call it. A browser applies CORS only to requests a page makes to another
 * origin (Fetch §3.2 "CORS protocol"), so an API nobody calls from a page has no CORS defects; it gets
 * one info line (CG121) and check exits 0. --strict judges every API.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/check/config.js';
import { runCheck } from '../../src/check/run.js';
import { readLocalFile } from '../../src/cli/template-file.js';
import { buildDeployment } from '../../src/sam/deployment.js';
import { loadTemplate } from '../../src/template/load.js';
import { codes } from './helpers.js';

const NO_HEADER = "export const handler = async () => ({ statusCode: 200, body: '{}' });";
const WITH_HEADER =
  "export const handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' }, body: '{}' });";

/** An API with a JSON POST and a GET, no Cors; the handler's code and extra API properties replaceable. */
function template(code: string, apiProps = '', extra = ''): string {
  return `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
${apiProps}  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: ${JSON.stringify(code)}
      Events:
        Get:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /items, Method: get }
        Post:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /items, Method: post }
${extra}`;
}

async function check(source: string, options: Parameters<typeof runCheck>[2] = {}) {
  const model = loadTemplate(source, 't.yaml', { baseDir: '/nonexistent' });
  return runCheck(model, buildDeployment(model, { evaluateConditions: true }), options);
}

describe('CORS intent', () => {
  it('no intent: one CG121 info line at the API, no error, nothing simulated', async () => {
    const r = await check(template(NO_HEADER));
    expect(codes(r.findings)).toEqual(['CG121']);
    expect(r.findings[0]).toMatchObject({ severity: 'info', api: 'Api', pos: { line: 4 } });
    expect(r.findings[0].message).toMatch(/not callable from them/);
    expect(r.findings[0].hint).toMatch(/crossgate\.config\.json/);
    expect(r.simulations).toEqual([]);
    expect(r.intent).toMatchObject([{ api: 'Api', signals: [] }]);
  });

  it('--strict keeps judging every API: the same template has CG104 and CG105', async () => {
    const r = await check(template(NO_HEADER), { strict: true });
    expect(codes(r.findings)).toEqual(expect.arrayContaining(['CG104', 'CG105']));
    expect(codes(r.findings)).not.toContain('CG121');
  });

  it('a handler that sets Access-Control-Allow-Origin shows intent: the missing OPTIONS is an error (CG104)', async () => {
    const r = await check(template(WITH_HEADER));
    expect(r.intent?.[0].signals.map((s) => s.source)).toEqual(['handler']);
    expect(codes(r.findings)).toContain('CG104');
  });

  it("without --origin or Cors, the page origin is the one the API's own answers name (not a sample origin they would refuse)", async () => {
    const r = await check(template(WITH_HEADER.replace('https://app.example.com', 'https://shop.example')));
    expect([...new Set(r.simulations.map((s) => s.origin))]).toEqual([
      'https://shop.example',
      'https://not-allowed.example',
    ]);
    const get = r.simulations.find((s) => s.origin === 'https://shop.example' && s.method.method === 'GET')!;
    expect(get.verdict.allowed).toBe(true);
    // The missing preflight, and what its fix leaves: API Gateway's own answers without CORS (latent CG107).
    expect(codes(r.findings).sort()).toEqual(['CG104', 'CG107', 'CG107']);
  });

  it('Cors on the API shows intent', async () => {
    const r = await check(template(NO_HEADER, `      Cors: "'https://app.example.com'"\n`));
    expect(r.intent?.[0].signals.map((s) => s.source)).toContain('cors-setting');
    expect(codes(r.findings)).toContain('CG105');
  });

  it('gateway responses with Access-Control-Allow-Origin show intent', async () => {
    const gr = `      GatewayResponses:
        DEFAULT_4XX:
          ResponseParameters:
            Headers:
              Access-Control-Allow-Origin: "'https://app.example.com'"
`;
    const r = await check(template(NO_HEADER, gr));
    expect(r.intent?.[0].signals.map((s) => s.source)).toEqual(['gateway-responses']);
    expect(codes(r.findings)).not.toContain('CG121');
  });

  it('an OpenAPI response mapping Access-Control-Allow-Origin shows intent', async () => {
    const body = `      DefinitionBody:
        swagger: "2.0"
        paths:
          /ping:
            get:
              x-amazon-apigateway-integration:
                type: mock
                responses:
                  default:
                    statusCode: "200"
                    responseParameters:
                      method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"
`;
    const r = await check(template(NO_HEADER, body));
    expect(r.intent?.[0].signals[0]).toMatchObject({ source: 'openapi', pos: { line: 18 } });
  });

  it('--origin shows intent for every API', async () => {
    const r = await check(template(NO_HEADER), { origins: ['https://app.example.com'] });
    expect(r.intent?.[0].signals.map((s) => s.source)).toEqual(['origin-flag']);
    expect(codes(r.findings)).toContain('CG104');
  });

  it('origins in crossgate.config.json (or package.json "crossgate") beside the template show intent and are the page origins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-config-'));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'x', crossgate: { origins: ['https://shop.example'] } }),
    );
    const config = readConfig(dir, readLocalFile);
    expect(config).toEqual({ origins: ['https://shop.example'], file: join(dir, 'package.json') });
    const r = await check(template(NO_HEADER), { config });
    expect(r.intent?.[0].signals.map((s) => s.source)).toEqual(['config']);
    expect(r.simulations.some((s) => s.origin === 'https://shop.example')).toBe(true);

    writeFileSync(join(dir, 'crossgate.config.json'), JSON.stringify({ origins: ['https://admin.example'] }));
    expect(readConfig(dir, readLocalFile)?.origins).toEqual(['https://admin.example']);
    writeFileSync(
      join(dir, 'crossgate.config.json'),
      JSON.stringify({ origins: ['https://admin.example/'] }),
    );
    expect(() => readConfig(dir, readLocalFile)).toThrow(
      /is not an origin as a browser sends it.*did you mean 'https:\/\/admin\.example'/,
    );
  });

  it('a handler in a language crossgate does not read shows intent when its source mentions the header', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-rb-'));
    writeFileSync(
      join(dir, 'app.rb'),
      "def handler(event:, context:)\n  { statusCode: 200, headers: { 'Access-Control-Allow-Origin' => '*' } }\nend\n",
    );
    const source = template(NO_HEADER)
      .replace('Runtime: nodejs20.x', 'Runtime: ruby3.3')
      .replace(/InlineCode: .*\n/, `CodeUri: ${dir}\n`)
      .replace('Handler: index.handler', 'Handler: app.handler');
    const r = await check(source);
    expect(r.intent?.[0].signals[0]).toMatchObject({
      source: 'handler',
      pos: { file: join(dir, 'app.rb'), line: 2 },
    });
    // Not read, so not judged as sending nothing: only the missing preflight (and, latent behind it, the
    // gateway's own answers without CORS) are findings.
    expect(codes(r.findings).sort()).toEqual(['CG104', 'CG107', 'CG107']);
    expect(r.notes.join('\n')).toMatch(/Fn \(ruby3\.3\) is not read by crossgate/);
  });

  it('a container image function (PackageType: Image) is said not to be read, and not judged as sending nothing', async () => {
    const source = template(NO_HEADER, `      Cors: "'https://app.example.com'"\n`)
      .replace('      Handler: index.handler\n      Runtime: nodejs20.x\n', '      PackageType: Image\n')
      .replace(/ {6}InlineCode: .*\n/, '');
    const r = await check(source);
    expect(codes(r.findings)).not.toContain('CG105');
    expect(codes(r.findings)).not.toContain('CG122');
    expect(r.notes.join('\n')).toMatch(
      /Fn is a container image function \(PackageType: Image\), whose code check does not read/,
    );
  });

  it('an API whose methods were not read gets no CG121 (a note says why)', async () => {
    const r = await check(`Resources:
  Rest:
    Type: AWS::ApiGateway::RestApi
    Properties:
      BodyS3Location: { Bucket: b, Key: api.yaml }
`);
    expect(r.findings).toEqual([]);
    expect(r.notes.join('\n')).toMatch(/not modelled/);
  });

  it('an HTTP API written as AWS::ApiGatewayV2::Api, or a Function URL as AWS::Lambda::Url, is not modelled and a note says so (serverless-patterns apigw-http-api-lambda had "no CORS defects found" and nothing else); a WebSocket API gets none', async () => {
    const r = await check(`Resources:
  HttpApi:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      ProtocolType: HTTP
      CorsConfiguration: { AllowOrigins: ['*'] }
  Socket:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      ProtocolType: WEBSOCKET
  Url:
    Type: AWS::Lambda::Url
    Properties:
      AuthType: NONE
      TargetFunctionArn: arn:aws:lambda:us-east-1:123456789012:function:f
`);
    expect(r.findings).toEqual([]);
    expect(r.notes).toEqual([
      'HttpApi is an HTTP API written as AWS::ApiGatewayV2::Api, which check does not model (it models AWS::Serverless::HttpApi): its CORS was not judged; probe judges the deployed API',
      'Url is a Function URL written as AWS::Lambda::Url, which check does not model (it models FunctionUrlConfig): its CORS was not judged; probe judges the deployed URL',
    ]);
  });

  it("a handler's signal is at its file, named as the template is named (relative), as every other position is", async () => {
    const { mkdirSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'cg-intent-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'app.mjs'), WITH_HEADER);
    const source = template(NO_HEADER)
      .replace(/ {6}InlineCode: .*\n/, '      CodeUri: src/\n')
      .replace('Handler: index.handler', 'Handler: app.handler');
    const model = loadTemplate(source, 'proj/t.yaml', { baseDir: dir });
    const r = await runCheck(model, buildDeployment(model, { evaluateConditions: true }));
    const signal = r.intent?.[0].signals.find((x) => x.source === 'handler');
    expect(signal?.pos?.file).toBe('proj/src/app.mjs');
  });

  it('an API whose answers the template does not show (an HTTP_PROXY backend, a handler crossgate does not read) is not said to be uncallable: serverless-patterns apigw-vpclink-alb-ecs proxies to an ECS service whose Express app uses cors()', async () => {
    const r = await check(`Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      DefinitionBody:
        openapi: '3.0.1'
        info: { title: t, version: '1' }
        paths:
          /{proxy+}:
            x-amazon-apigateway-any-method:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: ANY
                uri: http://backend.example.com/{proxy}
  Go:
    Type: AWS::Serverless::Function
    Properties:
      Handler: bootstrap
      Runtime: provided.al2023
      CodeUri: /nonexistent
      Events:
        Get:
          Type: Api
          Properties: { Path: /go, Method: get }
`);
    expect(codes(r.findings)).toEqual(['CG121', 'CG121']);
    expect(r.findings.map((f) => f.message)).toEqual([
      "Api (REST API): nothing in the template shows that pages on other origins call it, and its CORS was not judged; ANY /{proxy+} passes an HTTP backend's answer through, whose Access-Control-Allow-Origin the template does not show (probe judges the deployed API).",
      'ServerlessRestApi (REST API): nothing in the template shows that pages on other origins call it, and its CORS was not judged; GET /go runs a handler crossgate does not read, whose Access-Control-Allow-Origin the template does not show (probe judges the deployed API).',
    ]);
  });
});
