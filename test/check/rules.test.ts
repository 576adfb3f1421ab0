/**
 * Every check rule: a hit (code, position), a near miss that must not hit, and the template after
 * --fix no longer hits. Sources are named in each rule's file and docs page.
 */
import { describe, expect, it } from 'vitest';
import { check, codes, fixed, type TemplateParts, template } from './helpers.js';

const post =
  '        Post:\n          Type: Api\n          Properties: { RestApiId: !Ref Api, Path: /items, Method: post }\n';
const put =
  '        Put:\n          Type: Api\n          Properties: { RestApiId: !Ref Api, Path: /items, Method: put }\n';
const authFn = `  AuthFn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: "export const handler = async () => ({});"
`;
const tokenAuth = (preflight: boolean) => `      Auth:
        DefaultAuthorizer: Tok
        AddDefaultAuthorizerToCorsPreflight: ${preflight}
        Authorizers:
          Tok:
            FunctionArn: !GetAtt AuthFn.Arn
`;

interface Case {
  code: string;
  name: string;
  hit: TemplateParts;
  line?: number;
  miss: TemplateParts;
  origins?: string[];
  fixable: boolean;
}

const cases: Case[] = [
  {
    code: 'CG101',
    name: 'an unquoted AllowHeaders "*" (deploy fails: Invalid mapping expression)',
    hit: {
      cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "*"\n`,
    },
    line: 9,
    miss: {
      cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'*'"\n`,
    },
    fixable: true,
  },
  {
    code: 'CG102',
    name: 'ApiKeyRequired on the API guards the preflight (SAM api_with_cors_and_apikey_defined_at_api_level)',
    hit: { auth: '      Auth:\n        ApiKeyRequired: true\n' },
    line: 11,
    miss: {
      auth: '      Auth:\n        ApiKeyRequired: true\n        AddApiKeyRequiredToCorsPreflight: false\n',
    },
    fixable: true,
  },
  {
    code: 'CG103',
    name: 'a DefaultAuthorizer guards the preflight (SAM api_with_cors_and_auth_preflight_auth)',
    hit: {
      auth: tokenAuth(true).replace('        AddDefaultAuthorizerToCorsPreflight: true\n', ''),
      extraResources: authFn,
      cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'Content-Type,Authorization'"\n`,
    },
    line: 11,
    miss: {
      auth: tokenAuth(false),
      extraResources: authFn,
      cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'Content-Type,Authorization'"\n`,
    },
    fixable: true,
  },
  {
    code: 'CG104',
    name: 'a JSON POST on an API without Cors: the preflight gets 403 Missing Authentication Token',
    hit: { cors: '', events: post, gatewayResponses: false },
    miss: { events: post },
    origins: ['https://app.example.com'],
    fixable: true,
  },
  {
    code: 'CG105',
    name: 'a proxy handler without Access-Control-Allow-Origin',
    hit: { inlineCode: "export const handler = async () => ({ statusCode: 200, body: '' });" },
    line: 22,
    miss: {
      inlineCode:
        "export const handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' }, body: '' });",
    },
    fixable: false,
  },
  {
    code: 'CG106',
    name: "a handler's origin that disagrees with Cors",
    hit: {
      inlineCode:
        "export const handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://other.example' }, body: '' });",
    },
    miss: {
      inlineCode:
        "export const handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' }, body: '' });",
    },
    fixable: false,
  },
  {
    code: 'CG107',
    name: "API Gateway's 4XX/5XX without CORS headers",
    hit: { gatewayResponses: false },
    miss: {},
    fixable: true,
  },
  {
    code: 'CG108',
    name: "AllowOrigin '*' (the guide's best-practice warning)",
    hit: { cors: `      Cors:\n        AllowOrigin: "'*'"\n        AllowHeaders: "'Content-Type'"\n` },
    line: 8,
    miss: {},
    origins: ['https://app.example.com'],
    fixable: true,
  },
  {
    code: 'CG109',
    name: "a handler sending '*' with credentials",
    hit: {
      inlineCode:
        "export const handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true' }, body: '' });",
    },
    miss: {
      inlineCode:
        "export const handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': '*' }, body: '' });",
    },
    fixable: false,
  },
  {
    code: 'CG110',
    name: 'two origins in one AllowOrigin',
    hit: {
      cors: `      Cors:\n        AllowOrigin: "'https://app.example.com,https://admin.example.com'"\n        AllowHeaders: "'Content-Type'"\n`,
    },
    line: 8,
    miss: {},
    fixable: false,
  },
  {
    code: 'CG111',
    name: 'an origin with a trailing slash',
    hit: {
      cors: `      Cors:\n        AllowOrigin: "'https://app.example.com/'"\n        AllowHeaders: "'Content-Type'"\n`,
    },
    line: 8,
    miss: {},
    fixable: true,
  },
  {
    code: 'CG112',
    name: 'AllowMethods without PUT on a path that serves PUT',
    hit: {
      cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'Content-Type'"\n        AllowMethods: "'GET,OPTIONS'"\n`,
      events: put,
    },
    line: 10,
    miss: {
      cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'Content-Type'"\n        AllowMethods: "'GET,PUT,OPTIONS'"\n`,
      events: put,
    },
    fixable: true,
  },
  {
    code: 'CG113',
    name: 'AllowHeaders without Content-Type on a JSON POST',
    hit: {
      cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'X-Api-Key'"\n`,
      events: post,
    },
    line: 9,
    miss: { events: post },
    fixable: true,
  },
  {
    code: 'CG114',
    name: "AllowHeaders '*' relied on for Authorization (Chromium, Firefox and WebKit accept it, engines.test.ts; the Fetch standard does not)",
    hit: {
      auth: tokenAuth(false),
      extraResources: authFn,
      cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'*'"\n`,
    },
    line: 9,
    miss: {
      auth: tokenAuth(false),
      extraResources: authFn,
      cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'*,Authorization'"\n`,
    },
    fixable: true,
  },
  {
    code: 'CG115',
    name: 'MaxAge above Chromium’s 7200 s cap (its source constant)',
    hit: {
      cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'Content-Type'"\n        MaxAge: "'86400'"\n`,
    },
    line: 10,
    miss: {
      cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'Content-Type'"\n        MaxAge: "'600'"\n`,
    },
    fixable: true,
  },
  {
    code: 'CG116',
    name: 'an origin computed per request without Vary: Origin',
    hit: {
      inlineCode:
        "const ok = new Set(['https://app.example.com']); export const handler = async (e) => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': ok.has(e.headers.origin) ? e.headers.origin : '' }, body: '' });",
    },
    miss: {
      inlineCode:
        "const ok = new Set(['https://app.example.com']); export const handler = async (e) => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': ok.has(e.headers.origin) ? e.headers.origin : '', Vary: 'Origin' }, body: '' });",
    },
    fixable: false,
  },
  {
    code: 'CG117',
    name: 'AllowOrigin that makes API Gateway echo any Origin',
    hit: {
      cors: `      Cors:\n        AllowOrigin: "method.request.header.Origin"\n        AllowHeaders: "'Content-Type'"\n`,
    },
    line: 8,
    miss: {},
    fixable: false,
  },
  {
    code: 'CG130',
    name: 'a key written twice in one mapping (PyYAML, which sam deploy reads with, keeps the last)',
    hit: {
      events:
        '        Get:\n          Type: Api\n          Properties:\n            RestApiId: !Ref Api\n            Path: /items\n            Method: post\n            Method: get\n',
    },
    line: 31,
    miss: {
      events:
        '        Get:\n          Type: Api\n          Properties:\n            RestApiId: !Ref Api\n            Path: /items\n            Method: get\n',
    },
    fixable: false,
  },
];

describe('check rules', () => {
  for (const c of cases) {
    describe(`${c.code}: ${c.name}`, () => {
      it('hits', async () => {
        const findings = await check(template(c.hit), c.origins);
        const hit = findings.find((f) => f.code === c.code);
        expect(hit, `findings: ${codes(findings).join(', ')}`).toBeDefined();
        if (c.line) expect(hit!.pos?.line).toBe(c.line);
        expect(hit!.message.length).toBeGreaterThan(10);
      });
      it('a near miss does not hit', async () => {
        expect(codes(await check(template(c.miss), c.origins))).not.toContain(c.code);
      });
      if (c.fixable)
        it('--fix makes it go away', async () => {
          const after = await fixed(template(c.hit), c.origins);
          expect(after).not.toBe(template(c.hit));
          expect(codes(await check(after, c.origins))).not.toContain(c.code);
        });
    });
  }

  it('the bundled example is clean', async () => {
    const { readFileSync } = await import('node:fs');
    const { loadTemplate } = await import('../../src/template/load.js');
    const { buildDeployment } = await import('../../src/sam/deployment.js');
    const { runCheck } = await import('../../src/check/run.js');
    const source = readFileSync('examples/proxy-api/template.yaml', 'utf8');
    const model = loadTemplate(source, 'examples/proxy-api/template.yaml', { baseDir: 'examples/proxy-api' });
    const result = await runCheck(model, buildDeployment(model, { evaluateConditions: true }));
    expect(result.findings).toEqual([]);
    expect(result.simulations.filter((s) => s.expectedAllowed).every((s) => s.verdict.allowed)).toBe(true);
    expect(result.simulations.filter((s) => !s.expectedAllowed).every((s) => !s.verdict.allowed)).toBe(true);
  });
});
