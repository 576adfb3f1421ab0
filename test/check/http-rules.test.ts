/**
 * The HTTP API and Function URL rules (CG140–CG149): each a hit at its line, a near miss that must
 * not hit, and — where a rewrite is safe — the template after --fix no longer hits. Sources are named
 * in each rule's file and docs page.
 */
import { describe, expect, it } from 'vitest';
import { check, codes, fixed } from './helpers.js';

const PLAIN = 'export const handler = async () => ({ ok: true });';
const LITERAL =
  "export const handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' }, body: '{}' });";

interface HttpParts {
  cors?: string;
  auth?: string;
  events?: string;
  inlineCode?: string;
}

const CORS = `      CorsConfiguration:
        AllowOrigins: [https://app.example.com]
        AllowMethods: [GET, POST, PUT]
        AllowHeaders: [content-type]
`;
const get =
  '        Get:\n          Type: HttpApi\n          Properties: { ApiId: !Ref Http, Path: /items, Method: get }\n';
const put =
  '        Put:\n          Type: HttpApi\n          Properties: { ApiId: !Ref Http, Path: /items, Method: put }\n';
const catchAll = '        All:\n          Type: HttpApi\n          Properties: { ApiId: !Ref Http }\n';
const jwt = (dflt = true) => `      Auth:
${dflt ? '        DefaultAuthorizer: Users\n' : ''}        Authorizers:
          Users:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: { issuer: https://auth.example.com/, audience: [items] }
`;

/** A SAM template with one HttpApi and one function; each part replaceable. */
function http(parts: HttpParts = {}): string {
  return `Transform: AWS::Serverless-2016-10-31
Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      Description: items
${parts.cors ?? CORS}${parts.auth ?? ''}  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: ${JSON.stringify(parts.inlineCode ?? PLAIN)}
      Events:
${parts.events ?? get + put}`;
}

/** A SAM template with one function and a Function URL with the given Cors. */
function url(cors: string, inlineCode = PLAIN): string {
  return `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: ${JSON.stringify(inlineCode)}
      FunctionUrlConfig:
        AuthType: NONE
${cors}`;
}
const URL_CORS =
  '        Cors:\n          AllowOrigins: [https://app.example.com]\n          AllowMethods: [GET, POST]\n';

interface Case {
  code: string;
  name: string;
  hit: string;
  line?: number;
  miss: string;
  origins?: string[];
  fixable: boolean;
}

const cases: Case[] = [
  {
    code: 'CG140',
    name: "a Function URL with AllowOrigins '*' and AllowCredentials (Lambda echoes the caller's origin)",
    hit: url('        Cors:\n          AllowOrigins: ["*"]\n          AllowCredentials: true\n'),
    line: 12,
    miss: url(
      '        Cors:\n          AllowOrigins: [https://app.example.com]\n          AllowCredentials: true\n',
    ),
    fixable: false,
  },
  {
    code: 'CG140',
    name: "an HTTP API with '*' among its origins and AllowCredentials (SAM refuses only ['*'] alone)",
    hit: http({
      cors: `      CorsConfiguration:\n        AllowOrigins: ['*', https://app.example.com]\n        AllowCredentials: true\n`,
      events: get,
    }),
    line: 8,
    miss: http({
      cors: `      CorsConfiguration:\n        AllowOrigins: [https://app.example.com]\n        AllowCredentials: true\n`,
      events: get,
    }),
    fixable: false,
  },
  {
    code: 'CG141',
    name: 'AllowHeaders without Authorization for a JWT authorizer',
    hit: http({ auth: jwt() }),
    line: 10,
    miss: http({
      auth: jwt(),
      cors: CORS.replace('AllowHeaders: [content-type]', 'AllowHeaders: [content-type, authorization]'),
    }),
    fixable: true,
  },
  {
    code: 'CG141',
    name: 'no AllowHeaders at all while a route takes JSON bodies',
    hit: http({
      cors: '      CorsConfiguration:\n        AllowOrigins: [https://app.example.com]\n        AllowMethods: [GET, POST, PUT]\n',
    }),
    miss: http(),
    fixable: true,
  },
  {
    code: 'CG142',
    name: 'AllowMethods without PUT on a route that serves PUT',
    hit: http({ cors: CORS.replace('[GET, POST, PUT]', '[GET, POST]') }),
    line: 9,
    miss: http(),
    fixable: true,
  },
  {
    code: 'CG143',
    name: 'an AllowOrigins entry with a trailing slash',
    hit: http({ cors: CORS.replace('[https://app.example.com]', '[https://app.example.com/]') }),
    line: 8,
    miss: http(),
    fixable: true,
  },
  {
    code: 'CG144',
    name: 'a handler that sends CORS headers behind an HTTP API with CorsConfiguration (API Gateway drops them)',
    hit: http({ inlineCode: LITERAL }),
    line: 14,
    miss: http(),
    fixable: false,
  },
  {
    code: 'CG145',
    name: 'a handler that sends Access-Control-Allow-Origin behind a Function URL with Cors (two values)',
    hit: url(URL_CORS, LITERAL),
    line: 6,
    miss: url(URL_CORS),
    fixable: false,
  },
  {
    code: 'CG146',
    name: 'no CorsConfiguration while the handler does CORS itself: the PUT preflight gets 404',
    hit: http({ cors: '', inlineCode: LITERAL }),
    miss: http({ inlineCode: LITERAL }),
    fixable: true,
  },
  {
    code: 'CG147',
    name: "MaxAge above Chromium's 7200 s cap",
    hit: http({ cors: `${CORS}        MaxAge: 86400\n` }),
    line: 11,
    miss: http({ cors: `${CORS}        MaxAge: 600\n` }),
    fixable: true,
  },
  {
    code: 'CG148',
    name: "AllowOrigins '*'",
    hit: http({ cors: CORS.replace('[https://app.example.com]', "['*']") }),
    line: 8,
    miss: http(),
    origins: ['https://app.example.com'],
    fixable: true,
  },
  {
    code: 'CG149',
    name: 'the $default route (it catches OPTIONS) behind a JWT authorizer (AWS docs: "$default route and JWT authorizer")',
    hit: http({
      auth: jwt(),
      events: catchAll,
      cors: CORS.replace('AllowHeaders: [content-type]', 'AllowHeaders: [content-type, authorization]'),
    }),
    miss: http({
      auth: jwt(),
      events: get,
      cors: CORS.replace('AllowHeaders: [content-type]', 'AllowHeaders: [content-type, authorization]'),
    }),
    fixable: false,
  },
];

describe('check rules for HTTP APIs and Function URLs', () => {
  for (const c of cases) {
    describe(`${c.code}: ${c.name}`, () => {
      it('hits', async () => {
        const findings = await check(c.hit, c.origins);
        const hit = findings.find((f) => f.code === c.code);
        expect(hit, `findings: ${codes(findings).join(', ')}`).toBeDefined();
        if (c.line) expect(hit!.pos?.line).toBe(c.line);
        expect(hit!.message.length).toBeGreaterThan(10);
      });
      it('a near miss does not hit', async () => {
        expect(codes(await check(c.miss, c.origins))).not.toContain(c.code);
      });
      if (c.fixable)
        it('--fix makes it go away', async () => {
          const after = await fixed(c.hit, c.origins);
          expect(after).not.toBe(c.hit);
          expect(codes(await check(after, c.origins))).not.toContain(c.code);
        });
    });
  }

  it('--fix rewrites a flow list in place and adds a missing list beside its siblings', async () => {
    const after = await fixed(http({ auth: jwt() }));
    expect(after).toContain('AllowHeaders: [ content-type, authorization ]');
    const added = await fixed(
      http({
        cors: '      CorsConfiguration:\n        AllowOrigins: [https://app.example.com]\n        AllowMethods: [GET, POST, PUT]\n',
      }),
    );
    expect(added).toMatch(/AllowHeaders:\n\s+- content-type/);
  });

  it('an HTTP API with no CorsConfiguration and no CORS in its handlers is not checked: one info line says so (CG121, as for REST APIs)', async () => {
    const { loadTemplate } = await import('../../src/template/load.js');
    const { buildDeployment } = await import('../../src/sam/deployment.js');
    const { runCheck } = await import('../../src/check/run.js');
    const model = loadTemplate(http({ cors: '' }), 't.yaml', { baseDir: '/nonexistent' });
    const result = await runCheck(model, buildDeployment(model, { evaluateConditions: true }));
    expect(result.findings.map((f) => [f.code, f.severity, f.api])).toEqual([['CG121', 'info', 'Http']]);
    expect(result.findings[0].message).toMatch(
      /^Http \(HTTP API\): nothing shows that pages on other origins call it/,
    );
    expect(result.simulations).toEqual([]);
    // --strict judges it as a browser would.
    const strict = await runCheck(model, buildDeployment(model, { evaluateConditions: true }), {
      strict: true,
    });
    expect(strict.simulations.length).toBeGreaterThan(0);
  });

  for (const example of ['examples/http-api/template.yaml', 'examples/function-url/template.yaml'])
    it(`${example} is clean, and the browser gets exactly what it should`, async () => {
      const { readFileSync } = await import('node:fs');
      const { dirname } = await import('node:path');
      const { loadTemplate } = await import('../../src/template/load.js');
      const { buildDeployment } = await import('../../src/sam/deployment.js');
      const { runCheck } = await import('../../src/check/run.js');
      const model = loadTemplate(readFileSync(example, 'utf8'), example, { baseDir: dirname(example) });
      const result = await runCheck(model, buildDeployment(model, { evaluateConditions: true }));
      expect(result.findings).toEqual([]);
      expect(result.simulations.length).toBeGreaterThan(1);
      expect(result.simulations.filter((s) => s.expectedAllowed).every((s) => s.verdict.allowed)).toBe(true);
      expect(result.simulations.filter((s) => !s.expectedAllowed).every((s) => !s.verdict.allowed)).toBe(
        true,
      );
    });

  it('every rule has its page in docs/rules/ and its row in docs/rules/README.md', async () => {
    const { existsSync, readFileSync } = await import('node:fs');
    const { RULES } = await import('../../src/check/rules/index.js');
    const table = readFileSync('docs/rules/README.md', 'utf8');
    for (const rule of RULES) {
      expect(existsSync(`docs/rules/${rule.name}.md`), rule.name).toBe(true);
      expect(readFileSync(`docs/rules/${rule.name}.md`, 'utf8')).toContain(`(${rule.code})`);
      expect(table).toContain(`| ${rule.code} | \`${rule.name}\` |`);
    }
  });
});
