/**
 * Templates SAM would refuse, or crossgate cannot read, fail with file:line:col and a sentence a
 * person understands. Each case names the value at fault by position.
 */
import { describe, expect, it } from 'vitest';
import { buildDeployment } from '../../src/sam/deployment.js';
import { TemplateError } from '../../src/template/errors.js';
import { loadTemplate } from '../../src/template/load.js';

const SAM = 'Transform: AWS::Serverless-2016-10-31\n';
const fn = (events: string, extra = '') => `  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
${extra}      Events:
${events}`;

function failure(source: string): string {
  try {
    buildDeployment(loadTemplate(source, 'e.yaml'));
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return (e as Error).message;
  }
  throw new Error('expected a TemplateError');
}

describe('errors with positions', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'no Resources section',
      'AWSTemplateFormatVersion: "2010-09-09"\n',
      /^e\.yaml:1:1: the template has no 'Resources' section/,
    ],
    [
      'a resource without Type',
      `${SAM}Resources:\n  A:\n    Properties: {}\n`,
      /^e\.yaml:3:3: resource A has no Type/,
    ],
    [
      'RestApiId to nothing',
      `${SAM}Resources:\n${fn('        Get:\n          Type: Api\n          Properties:\n            RestApiId: !Ref Missing\n            Path: /x\n            Method: get\n')}`,
      /^e\.yaml:12:\d+: event Get: RestApiId refers to Missing, which is not a resource of this template/,
    ],
    [
      'a duplicate path+method (two events, GET /x)',
      `${SAM}Resources:\n${fn('        A:\n          Type: Api\n          Properties: { Path: /x, Method: get }\n        B:\n          Type: Api\n          Properties:\n            Path: /x\n            Method: get\n')}`,
      /^e\.yaml:16:21: event B: API method "get" defined multiple times for path "\/x"/,
    ],
    [
      'an event without Path',
      `${SAM}Resources:\n${fn('        A:\n          Type: Api\n          Properties: { Method: get }\n')}`,
      /^e\.yaml:\d+:\d+: event A of Fn: Path is required/,
    ],
    [
      'an unknown Cors key (AllowOrigins)',
      `${SAM}Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      Cors:\n        AllowOrigins: "'*'"\n`,
      /^e\.yaml:8:9: Api: Invalid key 'AllowOrigins' for 'Cors' property; SAM accepts .*: did you mean 'AllowOrigin'\?/,
    ],
    [
      'an unknown Auth key',
      `${SAM}Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      Auth:\n        ApiKey: true\n`,
      /^e\.yaml:8:9: Api: invalid value for 'Auth' property: unknown key 'ApiKey'/,
    ],
    [
      'a property AWS::Serverless::Api does not have',
      `${SAM}Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      CorsConfig: {}\n`,
      /^e\.yaml:7:7: Api: property CorsConfig is not defined for resources of type AWS::Serverless::Api/,
    ],
    [
      'credentials with a * origin (SAM refuses)',
      `${SAM}Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      Cors:\n        AllowOrigin: "'*'"\n        AllowCredentials: true\n${fn('        A:\n          Type: Api\n          Properties: { RestApiId: !Ref Api, Path: /x, Method: get }\n')}`,
      /^e\.yaml:\d+:\d+: .*AllowCredentials.*/,
    ],
  ];
  for (const [name, source, expected] of cases) {
    it(name, () => expect(failure(source)).toMatch(expected));
  }
});

describe('an Api event on an API SAM does not manage', () => {
  it('RestApiId naming an AWS::ApiGateway::RestApi loads, with a note, as the translator accepts it (push.py Api.resources_to_link; serverless-patterns apigw-lambda-tenant-isolation)', () => {
    const source = `${SAM}Resources:
  Rest:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: rest
${fn('        Get:\n          Type: Api\n          Properties: { RestApiId: !Ref Rest, Path: /x, Method: get }\n')}`;
    const model = loadTemplate(source, 'r.yaml');
    const note = model.notes.find((n) => n.message.includes('RestApiId names Rest'));
    expect(note?.message).toMatch(
      /a AWS::ApiGateway::RestApi; SAM adds only the permission for API Gateway to invoke Fn, not the route GET \/x/,
    );
    expect(note?.pos).toMatchObject({ line: 15 });
    expect(() => buildDeployment(model)).not.toThrow();
  });
  it("RestApiId naming an AWS::Serverless::HttpApi is refused in SAM's words (fixture error_api_event_ref_http_api)", () => {
    const source = `${SAM}Resources:
  Http:
    Type: AWS::Serverless::HttpApi
${fn('        Get:\n          Type: Api\n          Properties: { RestApiId: !Ref Http, Path: /x, Method: get }\n')}`;
    expect(failure(source)).toMatch(
      /^e\.yaml:\d+:\d+: event Get: RestApiId must be a valid reference to an 'AWS::Serverless::Api' resource in same template/,
    );
  });
});

describe('HTTP APIs (API Gateway v2)', () => {
  it('routes are read, and the deployment models them as an HTTP API, not a REST API', () => {
    const source = `${SAM}Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowOrigins: [https://app.example.com]
${fn('        Get:\n          Type: HttpApi\n          Properties: { ApiId: !Ref Http, Path: /x, Method: get }\n        Implicit:\n          Type: HttpApi\n')}`;
    const model = loadTemplate(source, 'h.yaml');
    const routes = model.httpApis.flatMap((h) => h.routes.map((r) => `${r.method} ${r.path}`));
    expect(routes).toContain('get /x');
    const deployment = buildDeployment(model);
    expect(deployment.apis).toEqual([]);
    expect(deployment.httpApis.map((h) => h.logicalId).sort()).toEqual(['Http', 'ServerlessHttpApi']);
    expect(deployment.notes.some((n) => /HTTP API/.test(n.message))).toBe(false);
  });
});

describe('what CloudFormation runs before SAM is not refused as SAM would refuse it', () => {
  it("an Fn::Transform among an AWS::Serverless::Api's properties is a macro CloudFormation runs before SAM, nested macros first (CloudFormation docs: template macros, macro evaluation order), so the template loads, with a note at it", () => {
    const src = `${SAM}Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      Fn::Transform:\n        Name: MyMacro\n`;
    const model = loadTemplate(src, 'e.yaml');
    buildDeployment(model);
    expect(model.notes).toEqual([
      {
        pos: expect.objectContaining({ line: 7, col: 7 }),
        message:
          'Api: its properties go through the macro MyMacro (Fn::Transform) before SAM reads them; check reads them as written, without what the macro adds',
      },
    ]);
  });
});
