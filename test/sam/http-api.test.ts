/**
 * What the deployment model holds for HTTP APIs and Function URLs beyond what the translator's
 * fixtures compare: where each CORS value was written (so findings point at it), Globals.HttpApi,
 * conditions, and what is said plainly rather than modelled.
 */
import { describe, expect, it } from 'vitest';
import { buildDeployment } from '../../src/sam/deployment.js';
import { loadTemplate } from '../../src/template/load.js';

const SAM = 'Transform: AWS::Serverless-2016-10-31\n';
const deploy = (source: string) =>
  buildDeployment(loadTemplate(source, 't.yaml'), { evaluateConditions: true });

const fn = (events: string, extra = '') => `  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
${extra}      Events:
${events}`;

describe('HTTP APIs in the deployment model', () => {
  it('Globals.HttpApi reaches the implicit ServerlessHttpApi; CorsConfiguration values keep their lines', () => {
    const d = deploy(`${SAM}Globals:
  HttpApi:
    CorsConfiguration:
      AllowOrigins:
        - https://app.example.com
      AllowMethods: [GET, PUT]
      MaxAge: 600
Resources:
${fn('        Get: { Type: HttpApi, Properties: { Path: /items, Method: get } }\n')}`);
    const api = d.httpApis[0];
    expect(api.logicalId).toBe('ServerlessHttpApi');
    expect(api.stageName).toBe('$default');
    expect(api.cors).toMatchObject({
      allowOrigins: ['https://app.example.com'],
      allowMethods: ['GET', 'PUT'],
      maxAge: 600,
      allowCredentials: false,
    });
    expect(api.cors?.items.allowOrigins?.[0]).toMatchObject({ line: 6, col: 11 });
    expect(api.cors?.at.maxAge).toMatchObject({ line: 8, col: 15 });
    expect(api.resources[0].methods[0]).toMatchObject({
      method: 'GET',
      functionId: 'Fn',
      payloadFormatVersion: '2.0',
    });
  });

  it('CorsConfiguration: true is AllowOrigins [*] (SAM http_api_generator)', () => {
    const d = deploy(`${SAM}Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration: true
${fn('        E: { Type: HttpApi, Properties: { ApiId: !Ref Http } }\n')}`);
    expect(d.httpApis[0].cors?.allowOrigins).toEqual(['*']);
    expect(d.httpApis[0].resources).toEqual([
      { path: '$default', methods: [expect.objectContaining({ method: 'ANY', functionId: 'Fn' })] },
    ]);
  });

  it("CorsConfiguration is merged over the body's own x-amazon-apigateway-cors, and wins (SAM docs, CorsConfiguration)", () => {
    const d = deploy(`${SAM}Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowOrigins: [https://new.example.com]
      DefinitionBody:
        openapi: 3.0.1
        paths: {}
        x-amazon-apigateway-cors:
          allowOrigins: [https://old.example.com]
          allowHeaders: [x-kept]
${fn('        E: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /a, Method: get } }\n')}`);
    const cors = d.httpApis[0].cors!;
    expect(cors.allowOrigins).toEqual(['https://new.example.com']);
    expect(cors.allowHeaders).toEqual(['x-kept']);
    expect(cors.at.allowOrigins?.line).toBe(7);
    expect(cors.at.allowHeaders?.line).toBe(13);
  });

  it("a false condition drops its function's route; a named stage is kept; DefinitionUri is said plainly not to be modelled", () => {
    const d = deploy(`${SAM}Conditions:
  Never: !Equals [a, b]
Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: Prod
  Other:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionUri: s3://bucket/api.yaml
${fn('        E: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /a, Method: get } }\n')}
  Off:
    Type: AWS::Serverless::Function
    Condition: Never
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      Events:
        E: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /b, Method: get } }
`);
    const http = d.httpApis.find((a) => a.logicalId === 'Http')!;
    expect(http.stageName).toBe('Prod');
    expect(http.resources.filter((r) => r.methods.length > 0).map((r) => r.path)).toEqual(['/a']);
    const other = d.httpApis.find((a) => a.logicalId === 'Other')!;
    expect(other.resources).toEqual([]);
    expect(other.notes.join()).toMatch(/DefinitionUri; only inline definitions are modelled/);
  });

  it('FailOnWarnings moves $default to /$default as SAM does, and it stays the catch-all route', () => {
    const d = deploy(`${SAM}Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      FailOnWarnings: true
${fn('        E: { Type: HttpApi, Properties: { ApiId: !Ref Http } }\n')}`);
    expect(Object.keys(d.httpApis[0].body!.paths as object)).toEqual(['/$default']);
    expect(d.httpApis[0].resources[0].path).toBe('$default');
  });

  it('authorizers: JWT issuer and audience, Lambda payload version and simple responses, the default on every route', () => {
    const d = deploy(`${SAM}Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: { issuer: https://issuer.example, audience: [a, b] }
          L:
            FunctionArn: !GetAtt Fn.Arn
            AuthorizerPayloadFormatVersion: '2.0'
            EnableSimpleResponses: true
            Identity: { Headers: [x-api-key], ReauthorizeEvery: 60 }
${fn(`        A: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /a, Method: get } }
        B: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /b, Method: get, Auth: { Authorizer: L } } }
        C: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /c, Method: get, Auth: { Authorizer: NONE } } }
`)}`);
    const api = d.httpApis[0];
    expect(api.authorizers.Jwt).toMatchObject({
      type: 'JWT',
      issuer: 'https://issuer.example',
      audience: ['a', 'b'],
      identitySource: ['$request.header.Authorization'],
    });
    expect(api.authorizers.L).toMatchObject({
      type: 'REQUEST',
      functionId: 'Fn',
      payloadFormatVersion: '2.0',
      simpleResponses: true,
      ttlSeconds: 60,
      identitySource: ['$request.header.x-api-key'],
    });
    const auth = Object.fromEntries(api.resources.map((r) => [r.path, r.methods[0].authorizer]));
    expect(auth).toEqual({ '/a': 'Jwt', '/b': 'L', '/c': undefined });
  });
});

describe('AWS service integrations of HTTP APIs (AWS docs: "Working with AWS service integrations for HTTP APIs": type AWS_PROXY with an integrationSubtype)', () => {
  it('a route with integrationSubtype SQS-SendMessage is an AWS service integration, not a Lambda proxy to a function outside the template (serverless-patterns apigw-sqs-lambda-ddb)', async () => {
    const d = deploy(`${SAM}Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionBody:
        openapi: '3.0.1'
        info: { title: t, version: '1' }
        paths:
          /submit:
            post:
              x-amazon-apigateway-integration:
                type: aws_proxy
                integrationSubtype: SQS-SendMessage
                credentials: arn:aws:iam::123456789012:role/r
                connectionType: INTERNET
                payloadFormatVersion: '1.0'
                requestParameters: { MessageBody: $request.body, QueueUrl: https://sqs.example/q }
`);
    const m = d.httpApis[0].resources[0].methods[0];
    expect(m.integration).toBe('aws');
    expect(m.functionId).toBeUndefined();
    expect(m.target?.service).toBe('SQS-SendMessage');
    const { deploymentText } = await import('../../src/report/deployment-text.js');
    expect(deploymentText(d)).toContain('POST    AWS service integration SQS-SendMessage');
  });
});

describe('routes SAM does not write', () => {
  it('an AWS::ApiGatewayV2::Route attached to an HttpApi is said plainly not to be modelled, not left out in silence (serverless-patterns custom-http-headers-to-sqs-message-attributes-using-http-api-gateway)', () => {
    const d = deploy(`${SAM}Resources:
  Http:
    Type: AWS::Serverless::HttpApi
  SqsRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Http
      RouteKey: 'ANY /sqs'
      Target: integrations/abc
`);
    expect(d.httpApis[0].notes).toContain(
      'Http: SqsRoute (ANY /sqs) is a route written as AWS::ApiGatewayV2::Route, which crossgate does not model: serve answers it 404 and check does not judge it',
    );
  });
});

describe('JWT authorizers whose issuer or audience is known only at deploy', () => {
  it('are said plainly to go unchecked by serve (a Cognito user pool issuer as !Sub, a client id as !Ref: serverless-patterns sam-webapp-cognito), not passed over in silence', () => {
    const d = deploy(`${SAM}Resources:
  Pool:
    Type: AWS::Cognito::UserPool
  Client:
    Type: AWS::Cognito::UserPoolClient
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Users
        Authorizers:
          Users:
            IdentitySource: $request.header.Authorization
            JwtConfiguration:
              issuer: !Sub https://cognito-idp.\${AWS::Region}.amazonaws.com/\${Pool}
              audience: [!Ref Client]
${fn('        A: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /a, Method: get } }\n')}`);
    expect(d.httpApis[0].notes).toContain(
      'Http.Users: the JWT issuer and audience are known only at deploy: serve accepts a token from any issuer, for any audience (expiry and scopes are still checked)',
    );
  });
});

describe('CorsConfiguration.AllowOrigins written as an intrinsic (SAM open_api.py add_cors: "if allow_origins and is_intrinsic(allow_origins)" the intrinsic alone becomes x-amazon-apigateway-cors)', () => {
  it('is said plainly: SAM drops the other keys, and the configuration API Gateway gets is a list, not CORS settings', () => {
    const d = deploy(`${SAM}Parameters:
  Origins: { Type: CommaDelimitedList, Default: 'https://app.example.com' }
Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowOrigins: !Ref Origins
        AllowMethods: [GET, PUT]
        AllowHeaders: [content-type]
${fn('        A: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /a, Method: put } }\n')}`);
    const api = d.httpApis[0];
    expect(api.notes).toContain(
      'Http: CorsConfiguration.AllowOrigins is an intrinsic function: SAM then writes that function alone as the CORS configuration (x-amazon-apigateway-cors) and drops AllowMethods, AllowHeaders; write AllowOrigins as a list whose items are intrinsics (AllowOrigins: [!Ref Origin]) to keep them',
    );
    expect(api.cors?.unresolved).toBe(
      'is a list (["https://app.example.com"]), not a mapping of CORS settings: API Gateway gets no CORS configuration it can use',
    );
  });
});

describe('payload format versions written as YAML numbers', () => {
  it('1.0 unquoted is 1.0 (a YAML float, which SAM copies into the body as the number 1.0), not "1", which serve took for 2.0: an authorizer\'s and an OpenAPI integration\'s', () => {
    const d = deploy(`${SAM}Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: L
        Authorizers:
          L:
            FunctionArn: !GetAtt Fn.Arn
            AuthorizerPayloadFormatVersion: 1.0
            Identity: { Headers: [x-token] }
      DefinitionBody:
        openapi: '3.0.1'
        info: { title: t, version: '1' }
        paths:
          /b:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Fn.Arn}/invocations
                payloadFormatVersion: 1.0
${fn('        A: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /a, Method: get } }\n')}`);
    const api = d.httpApis[0];
    expect(api.authorizers.L.payloadFormatVersion).toBe('1.0');
    const b = api.resources.find((r) => r.path === '/b');
    expect(b?.methods[0].payloadFormatVersion).toBe('1.0');
  });
});

describe('Function URLs in the deployment model', () => {
  it('FunctionUrlConfig: <Function>Url, AuthType, Cors with positions, from Globals.Function too', () => {
    const d = deploy(`${SAM}Globals:
  Function:
    FunctionUrlConfig:
      AuthType: AWS_IAM
      Cors:
        AllowOrigins: [https://app.example.com]
        AllowCredentials: true
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
`);
    expect(d.functionUrls).toEqual([
      expect.objectContaining({
        kind: 'function-url',
        logicalId: 'FnUrl',
        functionId: 'Fn',
        authType: 'AWS_IAM',
        cors: expect.objectContaining({ allowOrigins: ['https://app.example.com'], allowCredentials: true }),
      }),
    ]);
    expect(d.functionUrls[0].cors?.at.allowCredentials).toMatchObject({ line: 8 });
    expect(d.functionUrls[0].notes).toEqual([]);
  });

  it('InvokeMode RESPONSE_STREAM is said plainly not to be modelled (serve answers buffered)', () => {
    const d = deploy(`${SAM}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      FunctionUrlConfig:
        AuthType: NONE
        InvokeMode: RESPONSE_STREAM
`);
    expect(d.functionUrls[0].invokeMode).toBe('RESPONSE_STREAM');
    expect(d.functionUrls[0].notes.join()).toMatch(/RESPONSE_STREAM is not modelled/);
  });
});
