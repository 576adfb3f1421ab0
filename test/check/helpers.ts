import { applyFixes } from '../../src/check/fix.js';
import { runCheck } from '../../src/check/run.js';
import type { Finding } from '../../src/check/types.js';
import { buildDeployment } from '../../src/sam/deployment.js';
import { loadTemplate } from '../../src/template/load.js';

export async function check(source: string, origins?: string[]): Promise<Finding[]> {
  const model = loadTemplate(source, 't.yaml', { baseDir: '/nonexistent' });
  const deployment = buildDeployment(model, { evaluateConditions: true });
  return (await runCheck(model, deployment, { origins })).findings;
}

export async function fixed(source: string, origins?: string[]): Promise<string> {
  return applyFixes(source, await check(source, origins)).output;
}

export const LIBRARY_HANDLER =
  "import { withCors } from 'crossgate/lambda'; export const handler = withCors({ origins: ['https://app.example.com'] }, async () => ({ statusCode: 200, body: '' }));";

export interface TemplateParts {
  cors?: string;
  auth?: string;
  gatewayResponses?: string | false;
  events?: string;
  inlineCode?: string;
  extraResources?: string;
}

const DEFAULT_RESPONSES = `      GatewayResponses:
        DEFAULT_4XX:
          ResponseParameters:
            Headers:
              Access-Control-Allow-Origin: "'https://app.example.com'"
        DEFAULT_5XX:
          ResponseParameters:
            Headers:
              Access-Control-Allow-Origin: "'https://app.example.com'"
`;

/** A SAM template with one Api and one function; each part replaceable. */
export function template(parts: TemplateParts = {}): string {
  const cors =
    parts.cors ??
    `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'Content-Type,X-Api-Key'"\n`;
  const responses = parts.gatewayResponses === false ? '' : (parts.gatewayResponses ?? DEFAULT_RESPONSES);
  return `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
${cors}${parts.auth ?? ''}${responses}  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: ${JSON.stringify(parts.inlineCode ?? LIBRARY_HANDLER)}
      Events:
${parts.events ?? '        Get:\n          Type: Api\n          Properties: { RestApiId: !Ref Api, Path: /items, Method: get }\n'}${parts.extraResources ?? ''}`;
}

export const codes = (findings: Finding[]) => findings.map((f) => f.code);
