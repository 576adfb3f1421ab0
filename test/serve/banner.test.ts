/** What `crossgate serve` prints at start-up names each route's integration as `deployment` does. */
import { describe, expect, it } from 'vitest';
import { buildDeployment } from '../../src/sam/deployment.js';
import { routeTable } from '../../src/serve/banner.js';
import type { RunningServe } from '../../src/serve/serve.js';
import { loadTemplate } from '../../src/template/load.js';

const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

function bannerOf(template: string): string {
  const deployment = buildDeployment(loadTemplate(template, 't.yaml'), { evaluateConditions: true });
  const running = {
    server: { url: 'http://127.0.0.1:3000' },
    gateway: { apis: deployment.apis, httpApis: deployment.httpApis },
    functionUrls: [],
    notes: [],
    keys: [],
  } as unknown as RunningServe;
  return plain(routeTable(running, { stagePrefix: false, file: 't.yaml', startupMs: 1 }));
}

describe('the route table', () => {
  it('an HTTP API route to an AWS service (integrationSubtype SQS-SendMessage; AWS docs: "Working with AWS service integrations for HTTP APIs") is named as one, with no payload format', () => {
    const banner = bannerOf(`Transform: AWS::Serverless-2016-10-31
Resources:
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
                payloadFormatVersion: '1.0'
                requestParameters: { MessageBody: $request.body, QueueUrl: https://sqs.example/q }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: app.handler
      InlineCode: "exports.handler = async () => ({ statusCode: 200 })"
      Events:
        Get:
          Type: HttpApi
          Properties: { ApiId: !Ref Http, Path: /items, Method: GET }
`);
    expect(banner).toMatch(
      /POST +http:\/\/127\.0\.0\.1:3000\/submit +AWS service integration SQS-SendMessage\n/,
    );
    expect(banner).toMatch(/GET +http:\/\/127\.0\.0\.1:3000\/items +Fn \(payload 2\.0\)\n/);
  });
});
