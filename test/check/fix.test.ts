/**
 * `check --fix` edits the template as text at the places the parser locates: every line a fix does not
 * touch stays byte for byte as written (comments, quoting, flow lists and their padding, spacing), and
 * the result still parses. A whole-document reprint by the yaml library changed 445 of the 493
 * templates of aws-samples/serverless-patterns that parse (`key : v`, trailing spaces, comment
 * placement, `[a, b]` → `[ a, b ]`, re-indented lists).
 */

import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { applyFixes, applyFixesToFiles } from '../../src/check/fix.js';
import type { Finding, FixEdit } from '../../src/check/types.js';
import { check, codes } from './helpers.js';

const at = (line: number, col: number, file = 't.yaml') => ({ file, line, col });
const finding = (...edits: FixEdit[]): Finding => ({
  code: 'CG000',
  rule: 'test',
  severity: 'error',
  message: 'test',
  pos: undefined,
  fix: { description: 'test', edits },
});

/** The lines of `after` that are not in `before` (and the reverse), as a line diff sees them. */
function changed(before: string, after: string): { added: string[]; removed: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  const count = (lines: string[]) => {
    const m = new Map<string, number>();
    for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const ca = count(a);
  const cb = count(b);
  const added = b.filter((l) => (cb.get(l) ?? 0) > (ca.get(l) ?? 0));
  const removed = a.filter((l) => (ca.get(l) ?? 0) > (cb.get(l) ?? 0));
  return { added: [...new Set(added)], removed: [...new Set(removed)] };
}

// Written the way real templates are: a spaced colon, trailing blanks, comments beside values, a
// padded flow list, a block list indented under its key, quotes of both kinds.
const MESSY = `AWSTemplateFormatVersion : '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api   
    Properties:
      StageName: Prod # the stage
      Auth:
        ApiKeyRequired: true # every method
      Cors:
        AllowOrigin: "'https://app.example.com'"
        AllowHeaders: "'Content-Type,X-Api-Key'"
  Fn: # the handler
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: "import { withCors } from 'crossgate/lambda'; export const handler = withCors({ origins: ['https://app.example.com'] }, async () => ({ statusCode: 200, body: '' }));"
      Policies: 
      - DynamoDBReadPolicy:
          TableName: !Ref Table
      Tags: [ a, b ]
      Events:
        Get:
          Type: Api 
          Properties: { RestApiId: !Ref Api, Path: /items, Method: get }
  Table:
    Type: AWS::Serverless::SimpleTable
`;

describe('check --fix keeps every line it does not fix as written', () => {
  it('adds AddApiKeyRequiredToCorsPreflight beside ApiKeyRequired and changes nothing else (CG102; the GatewayResponses of CG107 go in as one new mapping)', async () => {
    const findings = await check(MESSY);
    expect(codes(findings)).toContain('CG102');
    const { output, applied, skipped } = applyFixes(MESSY, findings, 't.yaml');
    expect(skipped).toEqual([]);
    expect(applied.map((f) => f.code).sort()).toEqual(['CG102', 'CG107', 'CG107']);
    const { added, removed } = changed(MESSY, output);
    expect(removed).toEqual([]);
    expect(added).toEqual([
      '        AddApiKeyRequiredToCorsPreflight: false',
      '      GatewayResponses:',
      '        DEFAULT_4XX:',
      '          ResponseParameters:',
      '            Headers:',
      `              Access-Control-Allow-Origin: "'https://app.example.com'"`,
      '        DEFAULT_5XX:',
    ]);
    // Beside the setting it completes, at its indentation, before the next key.
    expect(output).toContain(
      '        ApiKeyRequired: true # every method\n        AddApiKeyRequiredToCorsPreflight: false\n      Cors:',
    );
    expect(parseDocument(output).errors).toEqual([]);
    expect(codes(await check(output))).toEqual([]);
  });

  it('two fixes that add under the same missing mapping write it once (no duplicate key)', () => {
    const src =
      'Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n';
    const path = ['Resources', 'Api', 'Properties', 'GatewayResponses'];
    const { output } = applyFixes(
      src,
      [
        finding({ kind: 'set-path', path: [...path, 'DEFAULT_4XX', 'StatusCode'], value: "'4'" }),
        finding({ kind: 'set-path', path: [...path, 'DEFAULT_5XX', 'StatusCode'], value: "'5'" }),
      ],
      't.yaml',
    );
    expect(output).toBe(
      `${src}      GatewayResponses:\n        DEFAULT_4XX:\n          StatusCode: "'4'"\n        DEFAULT_5XX:\n          StatusCode: "'5'"\n`,
    );
  });

  it('a list is rewritten in its own style: flow with its padding, block at its indentation', () => {
    const src = `Cors:\n  AllowOrigins: [ https://a.example ]   # flow, padded\n  AllowHeaders:\n    - content-type  # block\n  MaxAge: 10\n`;
    const { output } = applyFixes(
      src,
      [
        finding({ kind: 'set-list', pos: at(2, 17), values: ['https://a.example', 'https://b.example'] }),
        finding({ kind: 'set-list', pos: at(4, 5), values: ['content-type', 'authorization'] }),
      ],
      't.yaml',
    );
    expect(output).toBe(
      `Cors:\n  AllowOrigins: [ https://a.example, https://b.example ]   # flow, padded\n  AllowHeaders:\n    - content-type\n    - authorization  # block\n  MaxAge: 10\n`,
    );
  });

  it('a new key takes the file’s own indentation step (4 spaces here)', () => {
    const src =
      'Resources:\n    Api:\n        Properties:\n            Auth:\n                ApiKeyRequired: true\n';
    const { output } = applyFixes(
      src,
      [
        finding({
          kind: 'set-sibling',
          pos: at(5, 33),
          key: 'AddApiKeyRequiredToCorsPreflight',
          value: false,
        }),
      ],
      't.yaml',
    );
    expect(output).toBe(`${src}                AddApiKeyRequiredToCorsPreflight: false\n`);
    const nested = applyFixes(
      src,
      [
        finding({
          kind: 'set-path',
          path: ['Resources', 'Api', 'Properties', 'Cors', 'MaxAge'],
          value: "'600'",
        }),
      ],
      't.yaml',
    ).output;
    expect(nested).toBe(`${src}            Cors:\n                MaxAge: "'600'"\n`);
  });

  it('Globals goes before Resources when a fix adds it', () => {
    const src =
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n';
    const { output } = applyFixes(
      src,
      [
        finding({
          kind: 'set-path',
          path: ['Globals', 'Api', 'Cors'],
          value: { AllowOrigin: "'https://a.example'" },
        }),
      ],
      't.yaml',
    );
    expect(output).toBe(
      `Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Api:\n    Cors:\n      AllowOrigin: "'https://a.example'"\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n`,
    );
  });

  it('a JSON template stays JSON, its other lines as written', async () => {
    const json = `{
  "Transform": "AWS::Serverless-2016-10-31",
  "Resources": {
    "Api": {
      "Type": "AWS::Serverless::Api",
      "Properties": {
        "StageName": "Prod",
        "Auth": { "ApiKeyRequired": true },
        "Cors": { "AllowOrigin": "'https://app.example.com'", "AllowHeaders": "'Content-Type,X-Api-Key'" },
        "GatewayResponses": {
          "DEFAULT_4XX": { "ResponseParameters": { "Headers": { "Access-Control-Allow-Origin": "'https://app.example.com'" } } },
          "DEFAULT_5XX": { "ResponseParameters": { "Headers": { "Access-Control-Allow-Origin": "'https://app.example.com'" } } }
        }
      }
    },
    "Fn": {
      "Type": "AWS::Serverless::Function",
      "Properties": {
        "Handler": "index.handler", "Runtime": "nodejs20.x",
        "InlineCode": "import { withCors } from 'crossgate/lambda'; export const handler = withCors({ origins: ['https://app.example.com'] }, async () => ({ statusCode: 200, body: '' }));",
        "Events": { "Get": { "Type": "Api", "Properties": { "RestApiId": { "Ref": "Api" }, "Path": "/items", "Method": "get" } } }
      }
    }
  }
}
`;
    const findings = await check(json);
    expect(codes(findings)).toEqual(['CG102']);
    const { output } = applyFixes(json, findings, 't.yaml');
    expect(JSON.parse(output).Resources.Api.Properties.Auth).toEqual({
      ApiKeyRequired: true,
      AddApiKeyRequiredToCorsPreflight: false,
    });
    expect(changed(json, output)).toEqual({
      added: ['        "Auth": { "ApiKeyRequired": true, "AddApiKeyRequiredToCorsPreflight": false },'],
      removed: ['        "Auth": { "ApiKeyRequired": true },'],
    });
    expect(codes(await check(output))).toEqual([]);
  });

  it('an edit in an OpenAPI file the template reads is made in that file, in its list style', () => {
    const api = 'x-amazon-apigateway-cors:\n  allowOrigins:\n  - "*"\n';
    const out = applyFixesToFiles(
      { 't.yaml': 'Resources: {}\n', 'api.yaml': api },
      [
        finding({
          kind: 'set-sibling',
          pos: at(3, 3, 'api.yaml'),
          key: 'allowHeaders',
          value: ['content-type'],
        }),
      ],
      't.yaml',
    );
    expect(out.outputs).toEqual({ 'api.yaml': `${api}  allowHeaders:\n  - content-type\n` });
    expect(out.applied).toHaveLength(1);
  });

  it('an edit whose place is gone (or whose result would not parse) is skipped, and the file is left as it was', () => {
    const src = 'A:\n  B: 1\n';
    const out = applyFixes(src, [finding({ kind: 'replace', pos: at(9, 9), value: "'x'" })], 't.yaml');
    expect(out).toEqual({ output: src, applied: [], skipped: [expect.objectContaining({ code: 'CG000' })] });
  });
});

describe('check --fix writes a key as the configuration around it does', () => {
  it('allowHeaders (camelCase) in an OpenAPI body’s x-amazon-apigateway-cors with block lists (CG141)', async () => {
    const src = `Transform: AWS::Serverless-2016-10-31
Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionBody:
        openapi: '3.0.1'
        info: { title: t, version: '1' }
        paths:
          /items:
            post:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                payloadFormatVersion: '2.0'
                uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Fn.Arn}/invocations
        x-amazon-apigateway-cors:
          allowOrigins:
          - https://app.example.com
          allowMethods:
          - POST
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: "export const handler = async () => ({ ok: true });"
`;
    const findings = await check(src);
    expect(codes(findings)).toEqual(['CG141']);
    // The message and the fix name the setting as it is written.
    expect(findings[0].message).toBe(
      'HTTP API Http: x-amazon-apigateway-cors has no allowHeaders, so the preflight allows no request header, and the routes send content-type (JSON bodies).',
    );
    expect(findings[0].fix?.description).toBe('allowHeaders [content-type]');
    const after = applyFixes(src, findings, 't.yaml').output;
    expect(changed(src, after)).toEqual({
      added: ['          allowHeaders:', '          - content-type'],
      removed: [],
    });
    expect(codes(await check(after))).toEqual([]);
  });
});
