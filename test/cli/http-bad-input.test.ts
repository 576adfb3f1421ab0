/**
 * Bad HTTP API and Function URL CORS configurations: `check` and `deployment` refuse them in SAM's
 * own words (the sam-http error fixtures) at file:line:col and exit 2; `serve` refuses to start the
 * same way. Never a stack trace.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const run = (argv: string[]) => runCli(argv, { plain: true });

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-http-bad-'));
  const path = join(dir, 'template.yaml');
  writeFileSync(path, text);
  return path;
}

const httpApi = (cors: string) => `Transform: AWS::Serverless-2016-10-31
Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
${cors}  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: "export const handler = async () => ({});"
      Events:
        Get: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /items, Method: get } }
`;

const functionUrl = (cors: string) => `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: "export const handler = async () => ({});"
      FunctionUrlConfig:
        AuthType: NONE
        Cors:
${cors}`;

const cases: Array<{ name: string; text: string; at: string; says: string }> = [
  {
    name: 'an unknown key (SAM fixture error_invalid_httpapi_cors_property: AllowOrigin for AllowOrigins)',
    text: httpApi('        AllowOrigin: [https://app.example.com]\n'),
    at: ':7:9',
    says: "Http: Invalid key 'AllowOrigin' for 'Cors' property.",
  },
  {
    name: "'*' with AllowCredentials (SAM's own refusal)",
    text: httpApi("        AllowOrigins: ['*']\n        AllowCredentials: true\n"),
    at: ':8:27',
    says: "Unable to add Cors configuration because 'AllowCredentials' can not be true when 'AllowOrigin' is \"'*'\" or not set.",
  },
  {
    name: 'a string where CloudFormation wants a list of strings',
    text: httpApi('        AllowOrigins: https://app.example.com\n'),
    at: ':7:23',
    says: 'CorsConfiguration.AllowOrigins must be a list of strings',
  },
  {
    name: 'a CorsConfiguration that is neither true/false nor a mapping',
    text: httpApi('        - https://app.example.com\n'),
    at: ':7:9',
    says: "Type of property 'CorsConfiguration' is invalid.",
  },
  {
    name: 'a Function URL MaxAge that is not an integer (SAM fixture …_invalid_cors_parameter_data_type)',
    text: functionUrl("          MaxAge: '300'\n"),
    at: ':12:19',
    says: 'Fn: MaxAge must be of type int.',
  },
  {
    name: 'a Function URL Cors key Lambda does not take (SAM fixture …_invalid_cors_parameter)',
    text: functionUrl('          AllowOrigin: [https://app.example.com]\n'),
    at: ':12:11',
    says: 'Fn: AllowOrigin is not a valid property for configuring Cors.',
  },
];

describe('invalid CORS configuration of HTTP APIs and Function URLs', () => {
  for (const c of cases) {
    it(`check and deployment: exit 2 at file:line:col for ${c.name}`, async () => {
      const path = file(c.text);
      for (const command of ['check', 'deployment']) {
        const r = await run([command, path]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`${c.at}: `);
        expect(r.stderr).toContain(c.says);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    });
  }

  it('serve refuses to start, the same way', async () => {
    const r = await run(['serve', file(cases[1].text), '--port', '0', '--inspector', 'off', '--no-watch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'AllowCredentials' can not be true");
    expect(r.stdout).not.toContain('listening');
  });
});
