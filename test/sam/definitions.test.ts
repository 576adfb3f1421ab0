/**
 * OpenAPI documents in files beside the template, read as `sam package` reads them (SAM docs: "How
 * AWS SAM uploads local files": DefinitionUri, BodyS3Location and AWS::Include Location are local
 * paths it uploads). AWS::Include is inserted before the SAM transform runs (CloudFormation docs:
 * "AWS::Include transform"), so SAM's Cors applies to it; a DefinitionUri is imported as written, and
 * SAM refuses Cors with it ("Cors works only with inline Swagger specified in 'DefinitionBody'").
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLocalFile } from '../../src/cli/template-file.js';
import { buildDeployment } from '../../src/sam/deployment.js';
import { TemplateError } from '../../src/template/errors.js';
import { loadTemplate } from '../../src/template/load.js';

const OPENAPI = `openapi: "3.0.1"
info: { title: items, version: "1" }
paths:
  /items:
    get:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri:
          Fn::Sub: arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Fn.Arn}/invocations
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:sqs:path/123456789012/queue
        responses:
          default:
            statusCode: "202"
            responseParameters:
              method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"
          "4\\\\d{2}":
            statusCode: "400"
`;

const FN = `  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      InlineCode: "exports.handler = async () => ({ statusCode: 200 })"
`;

function project(template: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-defs-'));
  writeFileSync(join(dir, 'template.yaml'), template);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function deploy(dir: string) {
  const file = join(dir, 'template.yaml');
  const model = loadTemplate(readLocalFile(file)!, file, { baseDir: dir });
  return buildDeployment(model, { evaluateConditions: true, readFile: readLocalFile });
}

const include = (location: string, extra = '') => `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
${extra}      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: ${location}
${FN}`;

describe('OpenAPI read from local files', () => {
  it('AWS::Include with a local Location: the methods come from the file, positions point into it', () => {
    const dir = project(include('./api.yaml'), { 'api.yaml': OPENAPI });
    const d = deploy(dir);
    const api = d.apis[0];
    expect(api.definitionFile).toBe(join(dir, 'api.yaml'));
    const items = api.resources.find((r) => r.path === '/items')!;
    expect(items.methods.map((m) => m.method).sort()).toEqual(['GET', 'POST']);
    const get = items.methods.find((m) => m.method === 'GET')!;
    expect(get).toMatchObject({ integration: 'aws_proxy', functionId: 'Fn' });
    // At the method's key (`get:`), line 5.
    expect(get.pos).toMatchObject({ file: join(dir, 'api.yaml'), line: 5, col: 5 });
    expect(d.sources?.[join(dir, 'api.yaml')]).toBe(OPENAPI);
  });

  it('AWS::Include: SAM applies Cors to the included document (OPTIONS mocks on every path)', () => {
    const cors = `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n`;
    const d = deploy(project(include('api.yaml', cors), { 'api.yaml': OPENAPI }));
    const options = d.apis[0].resources[0].methods.find((m) => m.method === 'OPTIONS');
    expect(options).toMatchObject({ integration: 'mock', corsPreflight: true });
  });

  it('a JSON OpenAPI file reads the same as YAML', () => {
    const json = JSON.stringify({
      swagger: '2.0',
      paths: {
        '/ping': {
          get: {
            'x-amazon-apigateway-integration': {
              type: 'mock',
              responses: { default: { statusCode: '200' } },
            },
          },
        },
      },
    });
    const d = deploy(project(include('api.json'), { 'api.json': json }));
    expect(d.apis[0].resources.map((r) => r.path)).toEqual(['/ping']);
  });

  it('non-proxy integrations keep their integration responses: selection pattern, status, mapped headers with their file position', () => {
    const d = deploy(project(include('api.yaml'), { 'api.yaml': OPENAPI }));
    const post = d.apis[0].resources[0].methods.find((m) => m.method === 'POST')!;
    expect(post.integration).toBe('aws');
    expect(post.target).toMatchObject({ service: 'sqs', connectionType: 'INTERNET' });
    expect(post.integrationResponses.map((r) => [r.pattern, r.statusCode])).toEqual([
      ['default', 202],
      ['4\\d{2}', 400],
    ]);
    const acao = post.integrationResponses[0].headers[0];
    expect(acao).toMatchObject({ name: 'Access-Control-Allow-Origin', value: 'https://app.example.com' });
    expect(acao.pos?.file).toMatch(/api\.yaml$/);
  });

  it('DefinitionUri: the file is imported as written; SAM adds no event route to it', () => {
    const template = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionUri: api.yaml
${FN}      Events:
        Other:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /other, Method: get }
`;
    const d = deploy(project(template, { 'api.yaml': OPENAPI }));
    expect(d.apis[0].resources.map((r) => r.path)).toEqual(['/items']);
  });

  it('DefinitionUri with Cors is refused, as SAM refuses it', () => {
    const template = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionUri: api.yaml
      Cors: "'*'"
`;
    expect(() => deploy(project(template, { 'api.yaml': OPENAPI }))).toThrow(
      /Cors works only with inline Swagger/,
    );
  });

  it('a local Location that names no file is refused at the Location, saying where crossgate looked (sam package fails too)', () => {
    const dir = project(include('missing.yaml'));
    try {
      deploy(dir);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      const err = e as TemplateError;
      expect(err.pos).toMatchObject({ line: 11 });
      expect(err.detail).toContain(`looked for ${join(dir, 'missing.yaml')}`);
    }
  });

  it('a malformed OpenAPI file is refused at its own file:line:col', () => {
    const dir = project(include('api.yaml'), { 'api.yaml': 'paths:\n  /a: [\n' });
    expect(() => deploy(dir)).toThrow(
      new RegExp(`${join(dir, 'api.yaml').replaceAll('/', '\\/')}:\\d+:\\d+`),
    );
  });

  it('an S3 location is not read, and a note says so', () => {
    const d = deploy(project(include('s3://bucket/api.yaml')));
    expect(d.apis[0].resources).toEqual([]);
    expect(d.apis[0].notes.join('\n')).toMatch(
      /reads its OpenAPI from s3:\/\/bucket\/api\.yaml .*not modelled/,
    );
  });

  it('without a file reader (the model from text alone) the file is named in a note, not read', () => {
    const dir = project(include('api.yaml'), { 'api.yaml': OPENAPI });
    const model = loadTemplate(readLocalFile(join(dir, 'template.yaml'))!, 't.yaml', { baseDir: dir });
    const d = buildDeployment(model);
    expect(d.apis[0].resources).toEqual([]);
    expect(d.apis[0].notes.join('\n')).toMatch(/api\.yaml .*was not read/);
  });

  it('a plain RestApi with a local BodyS3Location reads it', () => {
    const template = `Resources:
  Rest:
    Type: AWS::ApiGateway::RestApi
    Properties:
      BodyS3Location: api.yaml
`;
    const d = deploy(project(template, { 'api.yaml': OPENAPI }));
    expect(d.apis[0].resources.map((r) => r.path)).toEqual(['/items']);
    expect(d.notes).toEqual([]);
  });
});

describe('RestApiId of an Api event', () => {
  const template = (type: string) => `Transform: AWS::Serverless-2016-10-31
Resources:
  Rest:
    Type: ${type}
${FN}      Events:
        Get:
          Type: Api
          Properties: { RestApiId: !Ref Rest, Path: /items, Method: get }
`;

  it('a plain AWS::ApiGateway::RestApi is accepted (SAM adds only the permission: eventsources/push.py), and a note says the route is not added', () => {
    const model = loadTemplate(template('AWS::ApiGateway::RestApi'), 't.yaml');
    const d = buildDeployment(model);
    expect(d.notes.map((n) => n.message).join('\n')).toMatch(
      /RestApiId names Rest, a AWS::ApiGateway::RestApi; SAM adds only the permission .* not the route GET \/items/,
    );
  });

  it('an AWS::Serverless::HttpApi is refused, as the translator refuses it (SAM fixture error_api_event_ref_http_api)', () => {
    expect(() => loadTemplate(template('AWS::Serverless::HttpApi'), 't.yaml')).toThrow(
      /RestApiId must be a valid reference to an 'AWS::Serverless::Api' resource in same template/,
    );
  });
});

describe('an HTTP API reads its local AWS::Include too', () => {
  it('the included document is the body SAM edits; its CORS extension is read with positions in the file', () => {
    const template = `Transform: AWS::Serverless-2016-10-31
Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters: { Location: api.yaml }
`;
    const api = `openapi: "3.0.1"
paths:
  /submit:
    post:
      x-amazon-apigateway-integration: { type: aws_proxy, payloadFormatVersion: "2.0", uri: "arn:aws:lambda:us-east-1:1:function:f" }
x-amazon-apigateway-cors:
  allowOrigins: ["https://app.example.com"]
`;
    const dir = project(template, { 'api.yaml': api });
    const d = deploy(dir);
    expect(d.httpApis[0].resources.map((r) => r.path)).toEqual(['/submit']);
    expect(d.httpApis[0].cors?.allowOrigins).toEqual(['https://app.example.com']);
    expect(d.httpApis[0].cors?.pos?.file).toBe(join(dir, 'api.yaml'));
    expect(d.sources?.[join(dir, 'api.yaml')]).toBe(api);
  });
});

describe('HTTP API refusals follow the translator', () => {
  it("DisableExecuteApiEndpoint without DefinitionBody and DefinitionUri is accepted: SAM's DefaultDefinitionBody plugin set a body (default_definition_body_plugin.py; serverless-patterns custom-http-headers-to-sqs-message-attributes-using-http-api-gateway)", () => {
    const template = `Transform: AWS::Serverless-2016-10-31
Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: $default
      DisableExecuteApiEndpoint: false
`;
    expect(buildDeployment(loadTemplate(template, 't.yaml')).httpApis.map((a) => a.logicalId)).toEqual([
      'Http',
    ]);
  });
});

describe('nested stacks with a local template (SAM docs: "Using nested applications"; serverless-patterns lambda-layer-ssm-parameters)', () => {
  const parent = (location: string) => `Transform: AWS::Serverless-2016-10-31
Resources:
  Child:
    Type: AWS::Serverless::Application
    Properties:
      Location: ${location}
`;
  it('a child that declares an API is named in a note, with the command that checks it: check does not follow it', () => {
    const dir = project(parent('./child.yaml'), {
      'child.yaml': `Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        Get:\n          Type: Api\n          Properties: { Path: /x, Method: get }\n`,
    });
    const notes = deploy(dir).notes.map((n) => n.message);
    expect(notes).toEqual([
      `Child is a nested stack (./child.yaml) that declares APIs of its own: check reads one template and does not follow it; run crossgate check ${join(dir, 'child.yaml')} too`,
    ]);
  });

  it('a child without APIs, a missing file and an S3 location say nothing', () => {
    const quiet = project(parent('./vpc.yaml'), {
      'vpc.yaml': 'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n',
    });
    expect(deploy(quiet).notes).toEqual([]);
    expect(deploy(project(parent('./missing.yaml'))).notes).toEqual([]);
    expect(deploy(project(parent('s3://bucket/child.yaml'))).notes).toEqual([]);
  });
});
