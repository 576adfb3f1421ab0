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

  it('IAM on the preflight is CG103 alone: the OPTIONS method exists, though API Gateway answers it 403 Missing Authentication Token as it answers any unsigned IAM request (not CG104 "no OPTIONS method")', async () => {
    const findings = await check(
      template({
        auth: '      Auth:\n        DefaultAuthorizer: AWS_IAM\n',
        cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'Content-Type,Authorization,X-Amz-Date,X-Amz-Security-Token'"\n`,
        events: post,
      }),
    );
    expect(codes(findings)).toContain('CG103');
    expect(codes(findings)).not.toContain('CG104');
  });

  describe('IAM: a page sends a SigV4-signed request, with Authorization, X-Amz-Date and X-Amz-Security-Token (AWS docs: "Elements of an AWS API request signature"; Fetch §2.2.2: Date is a forbidden header name; the console\'s "Enable CORS" allows these three)', () => {
    const iam = (
      headers: string,
      code = "export const handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' }, body: '' });",
    ) =>
      template({
        auth: '      Auth:\n        DefaultAuthorizer: AWS_IAM\n        AddDefaultAuthorizerToCorsPreflight: false\n',
        cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'${headers}'"\n`,
        events: post,
        inlineCode: code,
      });
    it('hits: AllowHeaders with Authorization alone leaves out X-Amz-Date and X-Amz-Security-Token (CG113), and --fix adds them', async () => {
      const findings = await check(iam('Content-Type,Authorization'));
      expect(codes(findings)).toEqual(['CG113']);
      expect(findings[0].message).toBe(
        "Api: AllowHeaders 'Content-Type,Authorization' leaves out X-Amz-Date (IAM authorization (SigV4)), X-Amz-Security-Token (IAM authorization (SigV4)), which the routes send.",
      );
      expect(await fixed(iam('Content-Type,Authorization'))).toContain(
        `AllowHeaders: "'Content-Type,Authorization,X-Amz-Date,X-Amz-Security-Token'"`,
      );
    });
    it('near miss: the three allowed, the signed request goes through', async () => {
      expect(codes(await check(iam('Content-Type,Authorization,X-Amz-Date,X-Amz-Security-Token')))).toEqual(
        [],
      );
    });
    it('the signed request reaches the handler: one that sends no Access-Control-Allow-Origin is CG105, not a 403 read as a CORS failure (CG120)', async () => {
      const findings = await check(
        iam(
          'Content-Type,Authorization,X-Amz-Date,X-Amz-Security-Token',
          "export const handler = async () => ({ statusCode: 200, body: '' });",
        ),
      );
      expect(codes(findings)).toEqual(['CG105']);
    });
  });

  it("'*' in AllowMethods and AllowHeaders with AllowCredentials names a method and a header '*', nothing more (Fetch §3.2.5): CG112 and CG113 say so at the setting, as CG141/CG142 do for an HTTP API, and --fix lists what the routes use", async () => {
    const src = template({
      cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowMethods: "'*'"\n        AllowHeaders: "'*'"\n        AllowCredentials: true\n`,
      events: put,
      inlineCode:
        "import { withCors } from 'crossgate/lambda'; export const handler = withCors({ origins: ['https://app.example.com'], credentials: true }, async () => ({ statusCode: 200, body: '' }));",
    });
    const findings = await check(src);
    expect(codes(findings).sort()).toEqual(['CG112', 'CG113']);
    expect(findings.find((f) => f.code === 'CG112')?.pos?.line).toBe(9);
    expect(findings.find((f) => f.code === 'CG113')?.pos?.line).toBe(10);
    const after = await fixed(src);
    expect(after).toContain(`AllowMethods: "'PUT'"`);
    expect(after).toContain(`AllowHeaders: "'Content-Type'"`);
    expect(codes(await check(after))).toEqual([]);
    // Without credentials '*' allows them all.
    expect(codes(await check(src.replace('        AllowCredentials: true\n', '')))).toEqual([]);
  });

  it('CG101 fixes an unquoted number as it fixes a string: MaxAge: 5 becomes "\'5\'" (serverless-patterns apigw-lambda-dynamodb-go-sam)', async () => {
    const src = template({
      cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'Content-Type'"\n        MaxAge: 5\n`,
    });
    expect(codes(await check(src))).toEqual(['CG101']);
    const after = await fixed(src);
    expect(after).toContain(`        MaxAge: "'5'"\n`);
    expect(codes(await check(after))).toEqual([]);
  });

  it("Cors without AllowOrigin: CG108 says SAM answers '*' (it was not written), and --fix --origin adds AllowOrigin beside what Cors holds, as CG113 adds AllowHeaders (serverless-patterns apigw-lambda-dynamodb-go-sam: Cors: { MaxAge: 5 })", async () => {
    const src = template({ cors: `      Cors:\n        MaxAge: "'600'"\n`, events: post });
    const findings = await check(src, ['https://app.example.com']);
    expect(codes(findings).sort()).toEqual(['CG108', 'CG113']);
    expect(findings.find((f) => f.code === 'CG108')?.message).toBe(
      "Api: Cors sets no AllowOrigin, so SAM answers Access-Control-Allow-Origin: '*'; name the origin of your web app instead.",
    );
    const after = await fixed(src, ['https://app.example.com']);
    expect(after).toContain(
      `      Cors:\n        MaxAge: "'600'"\n        AllowHeaders: "'Content-Type'"\n        AllowOrigin: "'https://app.example.com'"\n`,
    );
    expect(codes(await check(after, ['https://app.example.com']))).toEqual([]);
  });

  it('an ANY route names no method: its AllowMethods says which the page uses, for a REST API as for an HTTP API (CG142) — no CG112 for PUT, DELETE and PATCH a page was never said to send', async () => {
    const { runCheck } = await import('../../src/check/run.js');
    const { loadTemplate } = await import('../../src/template/load.js');
    const { buildDeployment } = await import('../../src/sam/deployment.js');
    const any = (methods: string) =>
      template({
        cors: `      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'Content-Type'"\n${methods}`,
        events:
          '        Any:\n          Type: Api\n          Properties: { RestApiId: !Ref Api, Path: "/{proxy+}", Method: any }\n',
      });
    const sent = async (source: string) => {
      const model = loadTemplate(source, 't.yaml', { baseDir: '/nonexistent' });
      const r = await runCheck(model, buildDeployment(model, { evaluateConditions: true }));
      return {
        codes: codes(r.findings),
        verbs: [...new Set(r.simulations.map((s) => s.shape.split(' ')[0]))],
      };
    };
    expect(await sent(any(`        AllowMethods: "'GET,POST,OPTIONS'"\n`))).toEqual({
      codes: [],
      verbs: ['GET', 'POST'],
    });
    expect(await sent(any(`        AllowMethods: "'GET,PATCH,OPTIONS'"\n`))).toEqual({
      codes: [],
      verbs: ['GET', 'POST', 'PATCH'],
    });
    // Without AllowMethods SAM allows every method of the path: each is tried.
    expect((await sent(any(''))).verbs).toEqual(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
  });

  it('CG104 adds a Cors that allows the headers the routes send, so the template checks clean in one --fix (IAM: the SigV4 headers; serverless-patterns apigw-iam)', async () => {
    const src = template({
      cors: '',
      auth: '      Auth:\n        DefaultAuthorizer: AWS_IAM\n        AddDefaultAuthorizerToCorsPreflight: false\n',
      events: post,
      inlineCode:
        "export const handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' }, body: '' });",
    });
    const findings = await check(src, ['https://app.example.com']);
    expect(codes(findings)).toEqual(['CG104']);
    expect(findings[0].hint).toBe(
      `Add Cors to the API (AllowOrigin: "'https://app.example.com'", AllowHeaders: "'Content-Type,Authorization,X-Amz-Date,X-Amz-Security-Token'"), or route OPTIONS to a function that answers preflights.`,
    );
    expect(
      codes(await check(await fixed(src, ['https://app.example.com']), ['https://app.example.com'])),
    ).toEqual([]);
  });
});
