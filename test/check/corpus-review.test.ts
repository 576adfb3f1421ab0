/**
 * Defects a second review of issue 14 found by running `check` over the 498 SAM templates of
 * aws-samples/serverless-patterns (commit fb7b5d06c): each test names the template it came from and
 * the SAM, API Gateway or SARIF source of the behaviour.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/check/fix.js';
import { runCheck } from '../../src/check/run.js';
import { readLocalFile } from '../../src/cli/template-file.js';
import { sarifUri } from '../../src/report/sarif.js';
import { buildDeployment } from '../../src/sam/deployment.js';
import { loadTemplate } from '../../src/template/load.js';
import { runCli } from '../support/run-cli.js';
import { check, codes, fixed, template } from './helpers.js';

const ORIGIN = 'https://app.example.com';
const GOOD_HANDLER = `export const handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': '${ORIGIN}' }, body: '' });`;
const post =
  '        Post:\n          Type: Api\n          Properties: { RestApiId: !Ref Api, Path: /items, Method: post }\n';

/** A template and the files beside it, checked as the CLI checks them (local OpenAPI files read). */
async function checkProject(files: Record<string, string>, origins = [ORIGIN]) {
  const dir = mkdtempSync(join(tmpdir(), 'cg-review-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const file = join(dir, 'template.yaml');
  const model = loadTemplate(files['template.yaml'], file, { baseDir: dir });
  const deployment = buildDeployment(model, { evaluateConditions: true, readFile: readLocalFile });
  return runCheck(model, deployment, { origins });
}

describe('CG104 --fix adds a Cors that does not trade the finding for another', () => {
  it('with a DefaultAuthorizer, the fix also sets Auth.AddDefaultAuthorizerToCorsPreflight: false, as SAM otherwise guards the OPTIONS methods its Cors adds (SAM api_with_cors_and_auth_preflight_auth; serverless-patterns apigw-iam, apigw-direct-s3-lambda-dotnet)', async () => {
    const src = template({
      cors: '',
      gatewayResponses: false,
      auth: '      Auth:\n        DefaultAuthorizer: AWS_IAM\n',
      events: post,
      inlineCode: GOOD_HANDLER,
    });
    const findings = await check(src, [ORIGIN]);
    const f = findings.find((x) => x.code === 'CG104')!;
    expect(f.hint).toContain('with Auth.AddDefaultAuthorizerToCorsPreflight: false');
    const after = await fixed(src, [ORIGIN]);
    expect(after).toContain('        AddDefaultAuthorizerToCorsPreflight: false\n');
    const again = codes(await check(after, [ORIGIN]));
    expect(again).not.toContain('CG103');
    expect(again).not.toContain('CG104');
  });

  it('with ApiKeyRequired on the API, the fix also sets Auth.AddApiKeyRequiredToCorsPreflight: false (SAM api_with_cors_and_apikey_defined_at_api_level; serverless-patterns apigw-usage-plans, serverless-multi-tenant-api)', async () => {
    const src = template({
      cors: '',
      gatewayResponses: false,
      auth: '      Auth:\n        ApiKeyRequired: true\n',
      events: post,
      inlineCode: GOOD_HANDLER,
    });
    const after = await fixed(src, [ORIGIN]);
    expect(after).toContain('        AddApiKeyRequiredToCorsPreflight: false\n');
    const again = codes(await check(after, [ORIGIN]));
    expect(again).not.toContain('CG102');
    expect(again).not.toContain('CG104');
  });

  it('an explicit AddDefaultAuthorizerToCorsPreflight is left alone: the fix adds only Cors', async () => {
    const src = template({
      cors: '',
      gatewayResponses: false,
      auth: '      Auth:\n        DefaultAuthorizer: AWS_IAM\n        AddDefaultAuthorizerToCorsPreflight: false\n',
      events: post,
      inlineCode: GOOD_HANDLER,
    });
    const f = (await check(src, [ORIGIN])).find((x) => x.code === 'CG104')!;
    expect(f.fix?.edits.map((e) => (e.kind === 'set-path' ? e.path.join('.') : e.kind))).toEqual([
      'Resources.Api.Properties.Cors',
    ]);
  });

  it('no Cors is offered to an API whose OpenAPI comes from DefinitionUri, which SAM refuses ("Cors works only with inline Swagger", SAM error_cors_on_external_swagger): the hint says to write the OPTIONS mocks in that file', async () => {
    const result = await checkProject({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionUri: api.yaml
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: ${JSON.stringify(GOOD_HANDLER)}
`,
      'api.yaml': `openapi: "3.0.1"
info: { title: items, version: "1" }
paths:
  /items:
    put:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri:
          Fn::Sub: arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Fn.Arn}/invocations
`,
    });
    const f = result.findings.find((x) => x.code === 'CG104')!;
    expect(f.pos?.file).toMatch(/api\.yaml$/);
    expect(f.fix).toBeUndefined();
    expect(f.hint).toMatch(/^Api reads its OpenAPI from DefinitionUri, where SAM adds no Cors/);
    expect(f.hint).toMatch(/write an options method with a mock integration for each path in \S*api\.yaml/);
  });
});

describe('CG107 --fix', () => {
  it('copies an AllowOrigin written with an intrinsic (!Sub) into the gateway responses, so they follow the parameter as the Cors does', async () => {
    const src = template({
      cors: `      Cors:\n        AllowOrigin: !Sub "'\${Origin}'"\n        AllowHeaders: "'Content-Type'"\n`,
      gatewayResponses: false,
    }).replace(
      'Resources:\n',
      `Parameters:\n  Origin:\n    Type: String\n    Default: ${ORIGIN}\nResources:\n`,
    );
    const after = await fixed(src, [ORIGIN]);
    expect(after).toMatch(/ {14}Access-Control-Allow-Origin:\n {16}Fn::Sub: "'\$\{Origin\}'"\n/);
    expect(after).not.toContain(`"'${ORIGIN}'"`);
    expect(codes(await check(after, [ORIGIN]))).toEqual([]);
  });
});

describe('--format sarif over templates whose findings lie in OpenAPI files', () => {
  it('each artifactLocation.uri is a valid URI reference (SARIF 2.1.0 §3.4.3; RFC 3986): a space or # in a folder name is percent-encoded, and the region is in the OpenAPI file; a refused template is named relative to where the user stands, as checked ones are', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cg-sarif-'));
    const dir = join(root, 'my api #2');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'template.yaml'),
      `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: api.yaml
`,
    );
    writeFileSync(
      join(dir, 'api.yaml'),
      `swagger: "2.0"
info: { title: x, version: "1" }
paths:
  /items:
    get:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:dynamodb:action/Scan
        responses:
          default:
            statusCode: "200"
x-amazon-apigateway-cors:
  allowOrigins: ["https://app.example.com"]
`,
    );
    mkdirSync(join(root, 'broken'));
    writeFileSync(join(root, 'broken', 'template.yaml'), 'Resources: [\n');
    const { stdout } = await runCli(['check', root, '--format', 'sarif'], { plain: true });
    const run = JSON.parse(stdout).runs[0];
    const uris = run.results.map(
      (r: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) =>
        r.locations[0].physicalLocation.artifactLocation.uri,
    );
    expect(uris.length).toBeGreaterThan(0);
    for (const uri of uris) {
      expect(uri).toMatch(/my%20api%20%232\/api\.yaml$/);
      expect(uri).not.toMatch(/[ #]/);
    }
    const refused = run.invocations[0].toolExecutionNotifications[0].locations[0].physicalLocation;
    expect(refused.artifactLocation.uri).toMatch(/broken\/template\.yaml$/);
    expect(refused.artifactLocation.uri.startsWith('/')).toBe(false);
  });

  it('an absolute path is a file: URI, a relative one stays relative', () => {
    expect(sarifUri('/tmp/a b/t.yaml')).toBe('file:///tmp/a%20b/t.yaml');
    expect(sarifUri('../x/t#1.yaml')).toBe('../x/t%231.yaml');
    expect(sarifUri('C:\\work\\t.yaml')).toBe('file:///C:/work/t.yaml');
  });
});

describe('CORS intent read from an OpenAPI file', () => {
  it("x-amazon-apigateway-cors in an included file is intent located in that file, where CG124 points too (it pointed at the template's API; serverless-patterns apigw-kinesis-lambda-ddb)", async () => {
    const result = await checkProject(
      {
        'template.yaml': `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: api.yaml
`,
        'api.yaml': `openapi: "3.0.1"
info: { title: x, version: "1" }
paths:
  /submit:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:kinesis:action/PutRecord
        responses:
          default:
            statusCode: "200"
x-amazon-apigateway-cors:
  allowOrigins: ["*"]
`,
      },
      [],
    );
    const signal = result.intent?.[0].signals.find((s) => s.source === 'openapi');
    expect(signal?.pos).toMatchObject({ line: 14 });
    expect(signal?.pos?.file).toMatch(/api\.yaml$/);
    const cg124 = result.findings.find((f) => f.code === 'CG124');
    expect(cg124?.pos).toMatchObject({ file: signal?.pos?.file, line: 14 });
  });
});

describe('authorizers an OpenAPI definition declares itself (API Gateway docs: x-amazon-apigateway-authtype, x-amazon-apigateway-authorizer object; serverless-patterns appsync-apigateway-dynamodb-sam)', () => {
  const include = (schemes: string, security: string) => ({
    'template.yaml': `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: api.yaml
  AuthFn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: "exports.handler = async () => ({})"
`,
    'api.yaml': `openapi: "3.0.1"
info: { title: x, version: "1" }
paths:
  /items:
    put:
      security:
      - ${security}: []
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:dynamodb:action/PutItem
        responses:
          default:
            statusCode: "200"
            responseParameters:
              method.response.header.Access-Control-Allow-Origin: "'${ORIGIN}'"
components:
  securitySchemes:
${schemes}`,
  });

  it('an awsSigv4 scheme under any name is IAM: the routes send the SigV4 headers, and a signed request passes (it was an undefined authorizer: CG120 "no Access-Control-Allow-Origin" from a 500)', async () => {
    const result = await checkProject(
      include(
        `    sigv4:\n      type: apiKey\n      name: Authorization\n      in: header\n      x-amazon-apigateway-authtype: awsSigv4\n`,
        'sigv4',
      ),
    );
    const f = result.findings.find((x) => x.code === 'CG104')!;
    expect(f.hint).toContain(
      'AllowHeaders: "\'Content-Type,Authorization,X-Amz-Date,X-Amz-Security-Token\'"',
    );
    expect(codes(result.findings)).not.toContain('CG120');
    const sent = result.simulations.find((s) => s.expectedAllowed);
    expect(sent?.shape).toBe('PUT JSON with Authorization, X-Amz-Date, X-Amz-Security-Token');
  });

  it('an apiKey scheme on x-api-key is the API key whatever its name (SAM names it api_key)', async () => {
    const result = await checkProject(
      include(`    MyKey:\n      type: apiKey\n      name: x-api-key\n      in: header\n`, 'MyKey'),
    );
    const f = result.findings.find((x) => x.code === 'CG104')!;
    expect(f.hint).toContain('AllowHeaders: "\'Content-Type,X-Api-Key\'"');
  });

  it('a token authorizer (x-amazon-apigateway-authorizer type token) reads the header its scheme names', async () => {
    const result = await checkProject(
      include(
        `    Tok:
      type: apiKey
      name: X-Token
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri:
          Fn::Sub: arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${AuthFn.Arn}/invocations
        authorizerResultTtlInSeconds: 0
`,
        'Tok',
      ),
    );
    const f = result.findings.find((x) => x.code === 'CG104')!;
    expect(f.hint).toContain('AllowHeaders: "\'Content-Type,X-Token\'"');
  });
});

describe('--fix --dry-run prints the diff diff(1) would (GNU diffutils "Incomplete Lines"; serverless-patterns apigw-sfn, api-sqs-lambda-python)', () => {
  it('a final newline ends the last line: no empty context line after it, and the hunk counts only real lines', () => {
    const d = unifiedDiff('a: 1\nb: 2\n', 'a: 1\nb: 3\n', 'x.yaml');
    expect(d).toBe('--- x.yaml\n+++ x.yaml (fixed)\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n');
  });

  it("a last line without a newline is marked '\\ No newline at end of file', so patch(1) leaves the file as --fix writes it", () => {
    const d = unifiedDiff('a: 1\nb: 2', 'a: 1\nb: 2\nc: 3', 'x.yaml');
    expect(d).toBe(
      '--- x.yaml\n+++ x.yaml (fixed)\n@@ -1,2 +1,3 @@\n a: 1\n-b: 2\n\\ No newline at end of file\n+b: 2\n+c: 3\n\\ No newline at end of file\n',
    );
  });
});
