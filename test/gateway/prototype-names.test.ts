/**
 * Issue 13, item 4: names of Object.prototype members are ordinary keys everywhere. Header, query
 * string and path parameter names are the client's (or the template's) choice, and API Gateway passes
 * `constructor` or `__proto__` on like any other name (AWS docs: "Input format of a Lambda function for
 * proxy integration"; for 2.0, "Working with AWS Lambda proxy integrations for HTTP APIs").
 * Found by `npm run fuzz` (seed 1527632913, case 6551): a REQUEST authorizer reading a header named
 * `constructor` crashed check with "values.push is not a function".
 */
import { describe, expect, it } from 'vitest';
import { event, gatewayFor, ok, samTemplate } from './helpers.js';

const plain = (v: unknown) => JSON.parse(JSON.stringify(v));
const NAMES: Array<[string, string]> = [
  ['constructor', 'c1'],
  ['constructor', 'c2'],
  ['__proto__', 'p'],
  ['toString', 't'],
];

describe('prototype member names are ordinary names', () => {
  it('payload 1.0: headers, multiValueHeaders, the query maps and path parameters keep them', async () => {
    const { send, events } = gatewayFor(samTemplate('', event('Get', '/items/{constructor}', 'get')));
    const res = await send('GET', '/items/7?constructor=1&constructor=2&__proto__=x&hasOwnProperty=y', NAMES);
    expect(res.status).toBe(200);
    const e = plain(events.at(-1));
    expect(e.headers).toMatchObject({ constructor: 'c2', __proto__: 'p', toString: 't' });
    expect(Object.keys(e.headers)).toContain('__proto__');
    expect(e.multiValueHeaders.constructor).toEqual(['c1', 'c2']);
    expect(e.queryStringParameters).toMatchObject({ constructor: '2', hasOwnProperty: 'y' });
    expect(Object.keys(e.queryStringParameters)).toContain('__proto__');
    expect(e.multiValueQueryStringParameters.constructor).toEqual(['1', '2']);
    expect(e.pathParameters).toEqual({ constructor: '7' });
  });

  it('payload 2.0: repeated names are joined with commas, never with an inherited value', async () => {
    const template = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      Events:
        Get:
          Type: HttpApi
          Properties: { Path: /items, Method: GET }
`;
    const { send, events } = gatewayFor(template, () => ok({ statusCode: 200, body: 'ok' }));
    const res = await send('GET', '/items?constructor=1&constructor=2&toString=z', NAMES);
    expect(res.status).toBe(200);
    const e = plain(events.at(-1));
    expect(e.headers).toMatchObject({ constructor: 'c1,c2', tostring: 't' });
    expect(e.queryStringParameters).toEqual({ constructor: '1,2', toString: 'z' });
  });

  it('a REQUEST authorizer whose identity source is a header named constructor reads that header', async () => {
    const template = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Auth:
        DefaultAuthorizer: Req
        Authorizers:
          Req:
            FunctionPayloadType: REQUEST
            FunctionArn: !GetAtt AuthFn.Arn
            Identity: { Headers: [constructor] }
  AuthFn:
    Type: AWS::Serverless::Function
    Properties: { Handler: auth.handler, Runtime: nodejs20.x }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      Events:
        Get:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /items, Method: get }
`;
    const seen: unknown[] = [];
    const { send } = gatewayFor(template, (e, functionId) => {
      if (functionId !== 'AuthFn') return ok({ statusCode: 200, body: 'ok' });
      seen.push(plain(e));
      return ok({
        principalId: 'u',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }],
        },
      });
    });
    const res = await send('GET', '/items', [['constructor', 'token']]);
    expect(res.status).toBe(200);
    expect(seen[0]).toMatchObject({ headers: { constructor: 'token' } });
  });

  it('a query string identity source named constructor that the request lacks is missing (401), not Object.prototype.constructor', async () => {
    const template = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Auth:
        DefaultAuthorizer: Req
        Authorizers:
          Req:
            FunctionPayloadType: REQUEST
            FunctionArn: !GetAtt AuthFn.Arn
            Identity: { QueryStrings: [constructor] }
  AuthFn:
    Type: AWS::Serverless::Function
    Properties: { Handler: auth.handler, Runtime: nodejs20.x }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      Events:
        Get:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /items, Method: get }
`;
    const { send, events } = gatewayFor(template);
    const res = await send('GET', '/items?other=1');
    // AWS docs, Lambda authorizers: "If a specified identity source is missing, null, or empty, API Gateway returns a 401 Unauthorized response without calling the authorizer Lambda function."
    expect(res.status).toBe(401);
    expect(events).toHaveLength(0);
  });
});
