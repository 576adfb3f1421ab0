/**
 * The rules of issue 14 (CG122–CG125), each with a hit and a near miss, and "every defect in one run":
 * a request blocked at the preflight is sent again as if the preflight passed, and what still blocks
 * it is reported, marked with what must be fixed first.
 */
import { describe, expect, it } from 'vitest';
import { check, codes, fixed, template } from './helpers.js';

const openapi = (
  responseParameters: string,
  extraPaths = '',
  top = '',
) => `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Cors: "'https://app.example.com'"
      DefinitionBody:
        swagger: "2.0"
${top}        paths:
          /pets:
            get:
              x-amazon-apigateway-integration:
                type: aws
                httpMethod: POST
                uri: arn:aws:apigateway:us-east-1:dynamodb:action/Scan
                responses:
                  default:
                    statusCode: "200"
${responseParameters}${extraPaths}`;

const ACAO = `                    responseParameters:
                      method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"
`;

describe('CG123 integration-response-without-cors (AWS docs: "Set up an integration response")', () => {
  it('hits: a DynamoDB integration whose default response maps no Access-Control-Allow-Origin, at that response', async () => {
    const f = (await check(openapi(''))).find((x) => x.code === 'CG123');
    expect(f, 'CG123').toBeDefined();
    expect(f!.pos?.line).toBe(18);
    expect(f!.message).toMatch(
      /GET \/pets \(dynamodb service integration\): integration response 'default' \(200\) maps no Access-Control-Allow-Origin/,
    );
    expect(f!.consoleMessage).toMatch(/No 'Access-Control-Allow-Origin' header is present/);
  });
  it("its hint maps the value the API's Cors allows ('*' here), not a made-up page origin (serverless-patterns lambda-durable-order-processing-sam)", async () => {
    const star = (await check(openapi('').replace(`Cors: "'https://app.example.com'"`, `Cors: "'*'"`))).find(
      (x) => x.code === 'CG123',
    );
    expect(star?.hint).toMatch(
      /^Map it in that integration response: responseParameters: \{ method\.response\.header\.Access-Control-Allow-Origin: "'\*'" \}/,
    );
    const named = (await check(openapi(''))).find((x) => x.code === 'CG123');
    expect(named?.hint).toContain(`Access-Control-Allow-Origin: "'https://app.example.com'"`);
  });
  it('near miss: the same response mapping the header', async () => {
    // CG107 (gateway responses without CORS) is about API Gateway's own errors, not this answer.
    expect(codes(await check(openapi(ACAO))).filter((c) => c !== 'CG107')).toEqual([]);
  });
  it('the success response is the one whose selection pattern matches 200, else default', async () => {
    const patterned = `                  "2\\\\d{2}":
                    statusCode: "200"
${ACAO}`;
    expect(codes(await check(openapi(patterned)))).not.toContain('CG123');
  });
});

describe('CG124 rest-api-cors-extension (AWS docs: "x-amazon-apigateway-cors object" is for HTTP APIs)', () => {
  const cors = '        x-amazon-apigateway-cors:\n          allowOrigins: ["https://app.example.com"]\n';
  it('hits: a REST API definition carrying x-amazon-apigateway-cors, at the extension', async () => {
    const f = (await check(openapi(ACAO, '', cors))).find((x) => x.code === 'CG124');
    expect(f?.pos?.line).toBe(11);
  });
  it('near miss: without it', async () => {
    expect(codes(await check(openapi(ACAO)))).not.toContain('CG124');
  });
});

describe('CG125 preflight-guarded-any (AWS docs: x-amazon-apigateway-any-method; Fetch §4.8)', () => {
  const any = (security: string) => `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        swagger: "2.0"
        paths:
          /{proxy+}:
            x-amazon-apigateway-any-method:
${security}              x-amazon-apigateway-integration:
                type: mock
                responses:
                  default:
                    statusCode: "200"
                    responseParameters:
                      method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"
                      method.response.header.Access-Control-Allow-Headers: "'x-api-key,content-type'"
                      method.response.header.Access-Control-Allow-Methods: "'GET,POST,PUT,DELETE'"
`;
  it('hits: ANY requires an API key and the path has no OPTIONS: the preflight gets 403', async () => {
    const f = (await check(any('              security: [{ api_key: [] }]\n'))).find(
      (x) => x.code === 'CG125',
    );
    expect(f?.message).toMatch(
      /requires an API key \(x-api-key\), which a preflight never carries: API Gateway answers 403/,
    );
  });
  it('near miss: the same ANY without a guard answers the preflight itself', async () => {
    expect(codes(await check(any('')))).not.toContain('CG125');
  });
});

describe('CG122 handler-not-found', () => {
  const fn = (where: string) => `  Other:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
${where}      Events:
        Get:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /other, Method: get }
`;
  it('hits: a Node handler whose file is not there, saying where crossgate looked, at CodeUri; no claim about its answer', async () => {
    const source = template({ extraResources: fn('      CodeUri: src/\n      Handler: app.handler\n') });
    const findings = await check(source);
    const f = findings.find((x) => x.code === 'CG122');
    expect(f?.message).toContain('looked for src/app.{ts,mts,cts,tsx,js,mjs,cjs} and found none');
    expect(f?.pos?.line).toBe(source.split('\n').indexOf('      CodeUri: src/') + 1);
    expect(codes(findings)).not.toContain('CG105');
    expect(codes(findings)).not.toContain('CG120');
  });
  it('hits: a Python handler whose module is not there, naming the files Python would import (module.py, module/__init__.py)', async () => {
    const source = template({
      extraResources: fn('      CodeUri: src/\n      Handler: pkg.app.handler\n').replace(
        'Runtime: nodejs20.x',
        'Runtime: python3.12',
      ),
    });
    const f = (await check(source)).find((x) => x.code === 'CG122');
    expect(f?.message).toContain('looked for src/pkg/app.py and src/pkg/app/__init__.py and found none');
  });
  it('hits: a CodeUri that is an S3 object (what sam package writes; AWS SAM docs: AWS::Serverless::Function CodeUri) is named as one, not joined to a path crossgate never looked at', async () => {
    const source = template({
      extraResources: fn('      CodeUri: s3://bucket/key.zip\n      Handler: app.handler\n'),
    });
    const f = (await check(source)).find((x) => x.code === 'CG122');
    expect(f?.message).toBe(
      'Other: CodeUri s3://bucket/key.zip is an S3 object, which crossgate does not fetch, so what Other answers (its CORS headers included) was not judged.',
    );
    expect(f?.pos?.line).toBe(source.split('\n').indexOf('      CodeUri: s3://bucket/key.zip') + 1);
  });
  it('near miss: inline code is read', async () => {
    const inline = `      Handler: index.handler\n      InlineCode: "export const handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' } })"\n`;
    expect(codes(await check(template({ extraResources: fn(inline) })))).not.toContain('CG122');
  });
  it('near miss: Handler names a script that is there, started by a wrapper (serverless-patterns apigw-rest-api-lambda-python-response-streaming: Lambda Web Adapter, Handler run.sh; AWS docs "Modifying the runtime environment": AWS_LAMBDA_EXEC_WRAPPER)', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runCheck } = await import('../../src/check/run.js');
    const { loadTemplate } = await import('../../src/template/load.js');
    const { buildDeployment } = await import('../../src/sam/deployment.js');
    const dir = mkdtempSync(join(tmpdir(), 'cg-wrapper-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'run.sh'), '#!/bin/sh\nexec python -m uvicorn app:app --port=$PORT\n');
    const python = (where: string) =>
      template({ extraResources: fn(where).replace('Runtime: nodejs20.x', 'Runtime: python3.12') });
    const run = async (source: string) => {
      const model = loadTemplate(source, 't.yaml', { baseDir: dir });
      return codes((await runCheck(model, buildDeployment(model, { evaluateConditions: true }))).findings);
    };
    // The script is there: Handler names it, not a module.
    expect(await run(python('      CodeUri: src/\n      Handler: run.sh\n'))).not.toContain('CG122');
    // A wrapper starts whatever it starts, even when Handler names nothing crossgate finds.
    const wrapped =
      '      CodeUri: src/\n      Handler: other.sh\n      Environment:\n        Variables:\n          AWS_LAMBDA_EXEC_WRAPPER: /opt/bootstrap\n';
    expect(await run(python(wrapped))).not.toContain('CG122');
    // Still a hit without either.
    expect(await run(python('      CodeUri: src/\n      Handler: other.handler\n'))).toContain('CG122');
  });
});

describe('a Lambda function outside the template (an ARN written out)', () => {
  it('is not claimed to send no header: its answer is taken to be right, and a note says so', async () => {
    const { runCheck } = await import('../../src/check/run.js');
    const { loadTemplate } = await import('../../src/template/load.js');
    const { buildDeployment } = await import('../../src/sam/deployment.js');
    const source = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Cors: "'https://app.example.com'"
      DefinitionBody:
        swagger: "2.0"
        paths:
          /:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Other/invocations
`;
    const model = loadTemplate(source, 't.yaml', { baseDir: '/nonexistent' });
    const r = await runCheck(model, buildDeployment(model, { evaluateConditions: true }));
    expect(codes(r.findings).filter((c) => c !== 'CG107')).toEqual([]);
    expect(r.notes.join('\n')).toMatch(/GET \/ invokes a Lambda function outside this template/);
  });
});

describe('every defect in one run', () => {
  // An API with no Cors and an API key: the preflight gets 403 (CG104); once Cors answers it, API
  // Gateway's own 403 for a wrong key still carries no Access-Control-Allow-Origin (CG107, AWS docs:
  // "Gateway response types"). The second used to appear only on the run after the first was fixed.
  const noCors = template({
    cors: '',
    gatewayResponses: false,
    auth: '      Auth:\n        ApiKeyRequired: true\n',
    inlineCode:
      "exports.handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' }, body: '{}' });",
    events:
      '        Post:\n          Type: Api\n          Properties: { RestApiId: !Ref Api, Path: /items, Method: post }\n',
  });

  it("after CG104 is fixed, API Gateway's own error answers still carry no Access-Control-Allow-Origin: CG107 reported now, marked", async () => {
    const findings = await check(noCors);
    expect(codes(findings)).toEqual(expect.arrayContaining(['CG104', 'CG107']));
    const latent = findings.filter((f) => f.code === 'CG107');
    expect(latent.map((f) => f.message)).toEqual([
      expect.stringMatching(/^after CG104 is fixed, Api: DEFAULT_4XX has no Access-Control-Allow-Origin/),
      expect.stringMatching(/^after CG104 is fixed, Api: DEFAULT_5XX has no Access-Control-Allow-Origin/),
    ]);
    // A wrong key is every day's traffic on a keyed API.
    expect(latent[0].severity).toBe('error');
  });

  it('one --fix with an --origin adds the Cors and the gateway responses, and the next run finds nothing', async () => {
    const once = await fixed(noCors, ['https://app.example.com']);
    expect(once).toContain('GatewayResponses:');
    expect(once).toContain('AddApiKeyRequiredToCorsPreflight: false');
    expect(codes(await check(once, ['https://app.example.com']))).toEqual([]);
  });

  it('after CG102 is fixed, the handler without Access-Control-Allow-Origin still blocks the answer: reported now (CG105), marked', async () => {
    const findings = await check(
      template({
        auth: '      Auth:\n        ApiKeyRequired: true\n',
        inlineCode: "export const handler = async () => ({ statusCode: 200, body: '' });",
        events:
          '        Post:\n          Type: Api\n          Properties: { RestApiId: !Ref Api, Path: /items, Method: post }\n',
      }),
    );
    expect(codes(findings)).toEqual(expect.arrayContaining(['CG102', 'CG105']));
    const latent = findings.find((f) => f.code === 'CG105')!;
    expect(latent.message).toMatch(
      /^after CG102 is fixed, POST \/items will still be blocked: Fn \(.*\) returns no Access-Control-Allow-Origin/,
    );
  });

  it('names only what blocks the preflight as "to be fixed first": CG102 and CG113, not CG107 (the gateway’s own error answers)', async () => {
    const findings = await check(
      template({
        auth: '      Auth:\n        ApiKeyRequired: true\n',
        cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'Content-Type'"\n`,
        gatewayResponses: false,
        inlineCode: "export const handler = async () => ({ statusCode: 200, body: '' });",
        events:
          '        Put:\n          Type: Api\n          Properties: { RestApiId: !Ref Api, Path: /items, Method: put }\n',
      }),
    );
    expect(codes(findings)).toEqual(expect.arrayContaining(['CG102', 'CG107', 'CG113', 'CG105']));
    expect(findings.find((f) => f.code === 'CG105')!.message).toMatch(
      /^after CG102 and CG113 are fixed, PUT \/items will still be blocked: /,
    );
  });

  it('a latent CG120 says once where the browser stops, in words ("will still be blocked at the answer"); other findings get the route first', async () => {
    const { latentMessage } = await import('../../src/check/run.js');
    expect(
      latentMessage(
        {
          code: 'CG120',
          route: 'GET /',
          message:
            'AppApi: from https://app.example.com, GET /, GET /{folder} are blocked at the answer: The response has no Access-Control-Allow-Origin header.',
        },
        ['CG104'],
      ),
    ).toBe(
      'after CG104 is fixed, AppApi: from https://app.example.com, GET /, GET /{folder} will still be blocked at the answer: The response has no Access-Control-Allow-Origin header.',
    );
    expect(
      latentMessage({ code: 'CG105', route: 'GET /', message: 'Fn returns no …' }, [
        'CG101',
        'CG102',
        'CG113',
      ]),
    ).toBe('after CG101, CG102 and CG113 are fixed, GET / will still be blocked: Fn returns no …');
    expect(latentMessage({ code: 'CG105', route: 'GET /', message: 'Fn …' }, [])).toBe(
      'after the preflight is fixed, GET / will still be blocked: Fn …',
    );
  });

  it("CG120 says where the browser stopped in words ('at the preflight', 'at the answer'), not the model's step names ('at the actual')", async () => {
    const { runCheck } = await import('../../src/check/run.js');
    const { loadTemplate } = await import('../../src/template/load.js');
    const { buildDeployment } = await import('../../src/sam/deployment.js');
    const model = loadTemplate(
      `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: "export const handler = async () => ({ statusCode: 200, body: '' });"
      Events:
        Post:
          Type: HttpApi
          Properties: { Path: /items, Method: post }
`,
      't.yaml',
      { baseDir: '/nonexistent' },
    );
    const r = await runCheck(model, buildDeployment(model, { evaluateConditions: true }), { strict: true });
    expect(r.findings.find((f) => f.code === 'CG120')?.message).toMatch(
      /^ServerlessHttpApi: from https:\/\/app\.example\.com, POST \/items is blocked at the preflight: /,
    );
    // A page on an origin the CorsConfiguration does not list: its simple GET is blocked at the answer.
    const other = loadTemplate(
      `Transform: AWS::Serverless-2016-10-31
Globals:
  HttpApi:
    CorsConfiguration:
      AllowOrigins: [https://other.example]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: "export const handler = async () => ({ statusCode: 200, body: '' });"
      Events:
        Get:
          Type: HttpApi
          Properties: { Path: /items, Method: get }
`,
      't.yaml',
      { baseDir: '/nonexistent' },
    );
    const answer = await runCheck(other, buildDeployment(other, { evaluateConditions: true }), {
      origins: ['https://app.example.com'],
    });
    expect(answer.findings.find((f) => f.code === 'CG120')?.message).toMatch(
      /^ServerlessHttpApi: from https:\/\/app\.example\.com, GET \/items is blocked at the answer: /,
    );
  });

  it('a handler that answers correctly behind a broken preflight adds nothing', async () => {
    const findings = await check(
      template({
        auth: '      Auth:\n        ApiKeyRequired: true\n',
        events:
          '        Post:\n          Type: Api\n          Properties: { RestApiId: !Ref Api, Path: /items, Method: post }\n',
      }),
    );
    expect(codes(findings).filter((c) => c !== 'CG107')).toEqual(['CG102']);
  });
});

describe('request shapes', () => {
  it('an authorizer that reads x-api-key beside the API key: the header is sent and named once', async () => {
    const { runCheck } = await import('../../src/check/run.js');
    const { loadTemplate } = await import('../../src/template/load.js');
    const { buildDeployment } = await import('../../src/sam/deployment.js');
    const source = template({
      auth: `      Auth:
        ApiKeyRequired: true
        AddApiKeyRequiredToCorsPreflight: false
        AddDefaultAuthorizerToCorsPreflight: false
        DefaultAuthorizer: Req
        Authorizers:
          Req:
            FunctionArn: !GetAtt Fn.Arn
            FunctionPayloadType: REQUEST
            Identity:
              Headers: [x-api-key]
`,
    });
    const model = loadTemplate(source, 't.yaml', { baseDir: '/nonexistent' });
    const r = await runCheck(model, buildDeployment(model, { evaluateConditions: true }));
    const shapes = new Set(r.simulations.map((s) => s.shape));
    expect([...shapes]).toEqual(['GET with x-api-key']);
  });
});
