/**
 * A REST API written as AWS::ApiGateway::Resource / ::Method / ::Authorizer / ::GatewayResponse
 * resources reads into the same deployment model as an OpenAPI body (CloudFormation resource
 * reference: AWS::ApiGateway::Method Integration and IntegrationResponse; an integration response
 * without SelectionPattern is the default one).
 */
import { describe, expect, it } from 'vitest';
import { buildDeployment } from '../../src/sam/deployment.js';
import { loadTemplate } from '../../src/template/load.js';

const TEMPLATE = `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: { Name: pets }
  Pets:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: pets
  Pet:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !Ref Pets
      PathPart: "{id}"
  GetPet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Pet
      HttpMethod: GET
      AuthorizationType: CUSTOM
      AuthorizerId: !Ref Tok
      ApiKeyRequired: true
      Integration:
        Type: HTTP
        IntegrationHttpMethod: GET
        ConnectionType: VPC_LINK
        Uri: http://backend.internal/pets/{id}
        IntegrationResponses:
          - StatusCode: "200"
            ResponseParameters:
              method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"
          - StatusCode: "404"
            SelectionPattern: "404"
  OptionsPet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Pet
      HttpMethod: OPTIONS
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        IntegrationResponses:
          - StatusCode: "204"
            ResponseParameters:
              method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"
              method.response.header.Access-Control-Allow-Methods: "'GET,OPTIONS'"
  Root:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: ANY
      AuthorizationType: AWS_IAM
      Integration: { Type: HTTP_PROXY, IntegrationHttpMethod: ANY, Uri: "https://example.org/" }
  Tok:
    Type: AWS::ApiGateway::Authorizer
    Properties:
      RestApiId: !Ref Api
      Type: REQUEST
      IdentitySource: method.request.header.X-Token, method.request.querystring.t
      AuthorizerUri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${AuthFn.Arn}/invocations
  Denied:
    Type: AWS::ApiGateway::GatewayResponse
    Properties:
      RestApiId: !Ref Api
      ResponseType: DEFAULT_4XX
      ResponseParameters:
        gatewayresponse.header.Access-Control-Allow-Origin: "'https://app.example.com'"
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: { RestApiId: !Ref Api, StageName: v1 }
`;

describe('a REST API made of AWS::ApiGateway::Method resources', () => {
  const d = buildDeployment(loadTemplate(TEMPLATE, 't.yaml'), { evaluateConditions: true });
  const api = d.apis[0];

  it('paths follow ParentId to the root; the stage comes from AWS::ApiGateway::Stage; the loader note is dropped', () => {
    expect(api.resources.map((r) => r.path).sort()).toEqual(['/', '/pets/{id}']);
    expect(api.stageName).toBe('v1');
    expect(d.notes).toEqual([]);
  });

  it('Integration: type, backend, VPC link, integration responses (no SelectionPattern = default)', () => {
    const get = api.resources.find((r) => r.path === '/pets/{id}')!.methods.find((m) => m.method === 'GET')!;
    expect(get).toMatchObject({ integration: 'http', apiKeyRequired: true, authorizer: 'Tok' });
    expect(get.target).toMatchObject({
      url: 'http://backend.internal/pets/{id}',
      connectionType: 'VPC_LINK',
      httpMethod: 'GET',
    });
    expect(get.integrationResponses.map((r) => [r.pattern, r.statusCode]).sort()).toEqual([
      ['404', 404],
      ['default', 200],
    ]);
    expect(get.integrationResponses.find((r) => r.pattern === 'default')!.headers[0]).toMatchObject({
      name: 'Access-Control-Allow-Origin',
      value: 'https://app.example.com',
      pos: { file: 't.yaml', line: 34 },
    });
  });

  it('a MOCK OPTIONS method answers with its integration response', () => {
    const options = api.resources
      .find((r) => r.path === '/pets/{id}')!
      .methods.find((m) => m.method === 'OPTIONS')!;
    expect(options).toMatchObject({ integration: 'mock', mockStatus: 204, corsPreflight: false });
    expect(options.mockHeaders.map((h) => h.name)).toEqual([
      'Access-Control-Allow-Origin',
      'Access-Control-Allow-Methods',
    ]);
  });

  it('ANY with AWS_IAM, authorizers from AWS::ApiGateway::Authorizer, gateway responses', () => {
    const root = api.resources.find((r) => r.path === '/')!.methods[0];
    expect(root).toMatchObject({ method: 'ANY', integration: 'http_proxy', authorizer: 'AWS_IAM' });
    expect(api.authorizers.Tok).toMatchObject({
      type: 'REQUEST',
      functionId: 'AuthFn',
      identityHeaders: ['X-Token'],
      identityQueryStrings: ['t'],
    });
    expect(api.gatewayResponses[0]).toMatchObject({ type: 'DEFAULT_4XX' });
    expect(api.gatewayResponses[0].headers[0].value).toBe('https://app.example.com');
  });
});

describe('integrations written with Fn::Join (serverless-patterns apigw-sqs-rest, apigw-rest-api-batch-sam)', () => {
  const method = (uri: string, responses: string) => `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: { Name: q }
  Post:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: POST
      AuthorizationType: NONE
      Integration:
        Type: AWS
        IntegrationHttpMethod: POST
        Uri: ${uri}
        IntegrationResponses:
${responses}`;
  const deployed = (src: string) =>
    buildDeployment(loadTemplate(src, 't.yaml'), { evaluateConditions: true }).apis[0].resources[0]
      .methods[0];

  it('an SQS service URI joined around !Ref AWS::Region names no function (it was read as a Lambda non-proxy integration of "AWS::Region"), and its service is sqs', () => {
    const m = deployed(
      method(
        '!Join ["", ["arn:aws:apigateway:", !Ref "AWS::Region", ":sqs:path/", !Ref "AWS::AccountId", "/", !GetAtt Queue.QueueName]]',
        '          - StatusCode: "200"\n',
      ),
    );
    expect(m.functionId).toBeUndefined();
    expect(m.target?.service).toBe('sqs');
  });

  it('a Lambda URI joined around the function still names it (the part after …/functions/)', () => {
    const m = deployed(
      method(
        '!Join ["", ["arn:aws:apigateway:", !Ref "AWS::Region", ":lambda:path/2015-03-31/functions/", !GetAtt Fn.Arn, "/invocations"]]',
        '          - StatusCode: "200"\n',
      ),
    );
    expect(m.functionId).toBe('Fn');
  });

  it('SelectionPattern written as a number is that pattern, as CloudFormation reads a String property: the response without one stays the default', () => {
    const m = deployed(
      method(
        'arn:aws:apigateway:us-east-1:batch:path/v1/submitjob',
        '          - StatusCode: 200\n          - SelectionPattern: 403\n            StatusCode: 403\n',
      ),
    );
    expect(m.integrationResponses.map((r) => [r.pattern, r.statusCode]).sort()).toEqual([
      ['403', 403],
      ['default', 200],
    ]);
  });
});
