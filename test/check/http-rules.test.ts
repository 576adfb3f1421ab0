/**
 * The HTTP API and Function URL rules (CG140–CG149): each a hit at its line, a near miss that must
 * not hit, and — where a rewrite is safe — the template after --fix no longer hits. Sources are named
 * in each rule's file and docs page.
 */
import { describe, expect, it } from 'vitest';
import { check, codes, fixed, template } from './helpers.js';

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
    name: "an HTTP API with '*' among its origins and AllowCredentials (SAM refuses only ['*'] alone; API Gateway refuses the rest at deploy, aws/aws-cdk#9076)",
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

  it('--fix rewrites a flow list in place and adds a missing list beside its siblings, in their style', async () => {
    const before = http({ auth: jwt() });
    const after = await fixed(before);
    expect(after).toContain('AllowHeaders: [content-type, authorization]');
    expect(after.split('\n').filter((l, i) => l !== before.split('\n')[i])).toEqual([
      '        AllowHeaders: [content-type, authorization]',
    ]);
    const added = await fixed(
      http({
        cors: '      CorsConfiguration:\n        AllowOrigins: [https://app.example.com]\n        AllowMethods: [GET, POST, PUT]\n',
      }),
    );
    expect(added).toContain(
      '        AllowOrigins: [https://app.example.com]\n        AllowHeaders: [content-type]\n        AllowMethods: [GET, POST, PUT]\n',
    );
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

  it('IAM: an HTTP API route and a Function URL with AuthType AWS_IAM need the SigV4 headers allowed (authorization, x-amz-date, x-amz-security-token), worded as CG113 words it', async () => {
    const httpIam = http({
      auth: '      Auth:\n        DefaultAuthorizer: AWS_IAM\n        EnableIamAuthorizer: true\n',
      cors: '      CorsConfiguration:\n        AllowOrigins: [https://app.example.com]\n        AllowMethods: [GET, PUT]\n        AllowHeaders: [content-type, authorization]\n',
    });
    const f = (await check(httpIam)).find((x) => x.code === 'CG141');
    expect(f?.message).toBe(
      'HTTP API Http: AllowHeaders [content-type, authorization] leaves out x-amz-date (IAM authorization (SigV4)), x-amz-security-token (IAM authorization (SigV4)), which the routes send.',
    );
    expect(codes(await check(await fixed(httpIam)))).not.toContain('CG141');
    const urlIam = url('        Cors:\n          AllowOrigins: [https://app.example.com]\n').replace(
      'AuthType: NONE',
      'AuthType: AWS_IAM',
    );
    expect((await check(urlIam)).find((x) => x.code === 'CG141')?.message).toBe(
      'Function URL FnUrl: Cors has no AllowHeaders, so the preflight allows no request header, and the routes send content-type (JSON bodies), authorization (IAM authorization (SigV4)), x-amz-date (IAM authorization (SigV4)), x-amz-security-token (IAM authorization (SigV4)).',
    );
  });

  it('CG105 is not a handler’s fault behind a CorsConfiguration, which adds the header for the origins it lists; without one it names the HTTP API (or Function URL) that adds none, not "a Lambda proxy answer"', async () => {
    const { runCheck } = await import('../../src/check/run.js');
    const { loadTemplate } = await import('../../src/template/load.js');
    const { buildDeployment } = await import('../../src/sam/deployment.js');
    const run = async (source: string) => {
      const model = loadTemplate(source, 't.yaml', { baseDir: '/nonexistent' });
      return (
        await runCheck(model, buildDeployment(model, { evaluateConditions: true }), {
          origins: ['https://app.example.com'],
        })
      ).findings;
    };
    // The page's origin is not among AllowOrigins: not CG105 (the handler sends none, rightly).
    const unlisted = await run(
      http({
        cors: '      CorsConfiguration:\n        AllowOrigins: [https://other.example]\n',
        events: get,
      }),
    );
    expect(codes(unlisted)).not.toContain('CG105');
    const bare = await run(http({ cors: '', events: get }));
    expect(bare.find((f) => f.code === 'CG105')?.message).toBe(
      'Fn (index.handler) returns no Access-Control-Allow-Origin, and HTTP API Http has no CorsConfiguration to add it: the browser blocks GET /items.',
    );
    // A Function URL without Cors: the function answers the preflight too, without the header. One
    // finding for the one defect, not a CG120 for the preflight and a CG105 behind it.
    const bareUrl = await run(url(''));
    expect(codes(bareUrl)).toEqual(['CG105']);
    expect(bareUrl[0].message).toBe(
      'Fn (index.handler) returns no Access-Control-Allow-Origin, and Function URL FnUrl has no Cors to add it: the browser blocks ANY /.',
    );
    // Signed (AWS_IAM), every request is preflighted, and the function answers the preflight without
    // the header: still the one CG105 (serverless-patterns lambda-bedrock-response-streaming, --strict).
    const signed = await run(url('').replace('AuthType: NONE', 'AuthType: AWS_IAM'));
    expect(codes(signed)).toEqual(['CG105']);
    expect(signed[0].message).toMatch(
      /: the browser blocks the preflight of ANY \/, and the request is never sent\.$/,
    );
    expect(bareUrl[0].hint).toMatch(
      /^Give Function URL FnUrl a Cors: Lambda then answers the preflight .* withCorsV2/,
    );
  });

  it('a REST API and an HTTP API word one defect the same way (CG112/CG142, CG111/CG143, CG115/CG147, CG108/CG148)', async () => {
    const message = async (source: string, code: string, origins?: string[]) =>
      (await check(source, origins)).find((f) => f.code === code)?.message;
    const rest = (cors: string, events?: string) => template({ cors: `      Cors:\n${cors}`, events });
    const restPut =
      '        Put:\n          Type: Api\n          Properties: { RestApiId: !Ref Api, Path: /items, Method: put }\n';
    const httpCors = (cors: string) => http({ cors: `      CorsConfiguration:\n${cors}`, events: put });
    expect(
      await message(
        rest(
          `        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'Content-Type'"\n        AllowMethods: "'GET,OPTIONS'"\n`,
          restPut,
        ),
        'CG112',
      ),
    ).toBe("Api: AllowMethods 'GET,OPTIONS' leaves out PUT, which PUT /items uses.");
    expect(
      await message(
        httpCors(
          '        AllowOrigins: [https://app.example.com]\n        AllowMethods: [GET]\n        AllowHeaders: [content-type]\n',
        ),
        'CG142',
      ),
    ).toBe('HTTP API Http: AllowMethods [GET] leaves out PUT, which PUT /items uses.');
    expect(
      await message(
        httpCors('        AllowOrigins: [https://app.example.com]\n        AllowHeaders: [content-type]\n'),
        'CG142',
      ),
    ).toBe(
      'HTTP API Http: CorsConfiguration has no AllowMethods, so the preflight allows only GET, HEAD and POST, and PUT /items uses PUT.',
    );
    expect(
      await message(
        rest(`        AllowOrigin: "'app.example.com'"\n        AllowHeaders: "'Content-Type'"\n`),
        'CG111',
      ),
    ).toBe(
      "Api: AllowOrigin 'app.example.com' has no scheme (the browser sends scheme://host[:port], e.g. https://app.example.com): it never matches.",
    );
    expect(
      await message(
        httpCors(
          '        AllowOrigins: [app.example.com]\n        AllowMethods: [GET, PUT]\n        AllowHeaders: [content-type]\n',
        ),
        'CG143',
      ),
    ).toBe(
      "HTTP API Http: AllowOrigins 'app.example.com' has no scheme (the browser sends scheme://host[:port], e.g. https://app.example.com): it never matches.",
    );
    const caps =
      "; browsers cap a preflight's cache at 7200 s (Chromium, measured), 86400 s (Firefox, its source), 600 s (WebKit, measured).";
    expect(
      await message(
        rest(
          `        AllowOrigin: "'https://app.example.com'"\n        AllowHeaders: "'Content-Type'"\n        MaxAge: "'86400'"\n`,
        ),
        'CG115',
      ),
    ).toBe(`Api: MaxAge 86400 s${caps}`);
    expect(
      await message(
        httpCors(
          '        AllowOrigins: [https://app.example.com]\n        AllowMethods: [GET, PUT]\n        AllowHeaders: [content-type]\n        MaxAge: 86400\n',
        ),
        'CG147',
      ),
    ).toBe(`HTTP API Http: MaxAge 86400 s${caps}`);
    expect(
      await message(rest(`        AllowOrigin: "'*'"\n        AllowHeaders: "'Content-Type'"\n`), 'CG108'),
    ).toBe("Api: AllowOrigin is '*'; name the origin of your web app instead.");
    expect(
      await message(
        httpCors(
          '        AllowOrigins: ["*"]\n        AllowMethods: [GET, PUT]\n        AllowHeaders: [content-type]\n',
        ),
        'CG148',
      ),
    ).toBe("HTTP API Http: AllowOrigins is '*'; name the origins of your web app instead.");
  });

  it('CG146 fixes the CorsConfiguration with every origin the handler names, a list in one environment variable included', async () => {
    const src = http({
      cors: '',
      inlineCode:
        "const allowed = (process.env.ALLOWED_ORIGINS ?? '').split(','); export const handler = async (e) => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': allowed.includes(e.headers.origin) ? e.headers.origin : '', Vary: 'Origin' }, body: '' });",
    }).replace(
      '      Runtime: nodejs20.x\n',
      '      Runtime: nodejs20.x\n      Environment:\n        Variables:\n          ALLOWED_ORIGINS: https://a.example,https://b.example\n',
    );
    const f = (await check(src)).find((x) => x.code === 'CG146');
    expect(f?.fix?.description).toBe(
      'add CorsConfiguration to Http for https://a.example, https://b.example',
    );
  });

  it('CG147 is an error when Lambda refuses a Function URL’s MaxAge above 86,400 s (Lambda API reference, Cors: MaxAge 0–86400): the deploy fails', async () => {
    const over = (
      await check(
        url('        Cors:\n          AllowOrigins: [https://app.example.com]\n          MaxAge: 100000\n'),
      )
    ).find((f) => f.code === 'CG147');
    expect(over?.severity).toBe('error');
    expect(over?.message).toMatch(/, and Lambda refuses more than 86400 s\.$/);
    const capped = (
      await check(
        url('        Cors:\n          AllowOrigins: [https://app.example.com]\n          MaxAge: 86400\n'),
      )
    ).find((f) => f.code === 'CG147');
    expect(capped?.severity).toBe('warning');
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

describe('CG140 on an HTTP API says what happens: the deploy is refused', () => {
  it("names API Gateway's refusal (\"allow-credentials is not supported if 'allow-origin' is *\", aws/aws-cdk#9076), not a browser failure", async () => {
    const findings = await check(
      http({
        cors: `      CorsConfiguration:\n        AllowOrigins: ['*', https://app.example.com]\n        AllowCredentials: true\n`,
        events: get,
      }),
    );
    const f = findings.find((x) => x.code === 'CG140');
    expect(f?.message).toContain('API Gateway refuses this CORS configuration at deploy');
    expect(f?.message).toContain("allow-credentials is not supported if 'allow-origin' is *");
  });
});

describe('one CORS configuration answers both the preflight and the actual request (AWS docs: "Configuring CORS for an HTTP API": API Gateway answers the preflight and adds the configured headers to the integration\'s response)', () => {
  it('an AllowOrigins entry with a trailing slash is one finding, CG143: no CG120 claims the actual answer stays blocked once it is fixed (the fix gives both answers the header)', async () => {
    const findings = await check(
      http({ cors: CORS.replace('[https://app.example.com]', "['https://app.example.com/']") }),
    );
    expect(codes(findings)).toEqual(['CG143']);
    // And after --fix the same request passes: the latent claim was false.
    expect(
      codes(
        await check(
          await fixed(
            http({ cors: CORS.replace('[https://app.example.com]', "['https://app.example.com/']") }),
          ),
        ),
      ),
    ).toEqual([]);
  });

  it('a Function URL whose Cors lists the origin wrongly: one CG143, nothing said of the actual answer "after" it', async () => {
    const findings = await check(
      url(
        '        Cors:\n          AllowOrigins: [HTTPS://APP.EXAMPLE.COM]\n          AllowMethods: [PUT]\n          AllowHeaders: [content-type]\n',
      ),
    );
    expect(codes(findings)).toEqual(['CG143']);
  });
});

describe('AllowOrigins patterns (AWS docs: "Configuring CORS for an HTTP API" lists *, https://* and http://* as its only patterns; Lambda docs, Function URL Cors: AllowOrigins takes origins or *)', () => {
  const put =
    '        Put:\n          Type: HttpApi\n          Properties: { ApiId: !Ref Http, Path: /items, Method: put }\n';
  const withOrigins = (origins: string) =>
    http({
      cors: `      CorsConfiguration:\n        AllowOrigins: ${origins}\n        AllowMethods: [GET, PUT]\n        AllowHeaders: [content-type]\n`,
      events: put,
    });
  const pageOrigins = async (source: string) => {
    const { loadTemplate } = await import('../../src/template/load.js');
    const { buildDeployment } = await import('../../src/sam/deployment.js');
    const { runCheck } = await import('../../src/check/run.js');
    const model = loadTemplate(source, 't.yaml', { baseDir: '/nonexistent' });
    const result = await runCheck(model, buildDeployment(model, { evaluateConditions: true }));
    return {
      findings: result.findings,
      origins: [...new Set(result.simulations.filter((s) => s.expectedAllowed).map((s) => s.origin))],
      allowed: result.simulations.filter((s) => s.expectedAllowed).every((s) => s.verdict.allowed),
    };
  };

  it("a subdomain wildcard is no pattern API Gateway documents: CG143 says it never matches, and the page simulated is one it names (https://app.example.com), never 'https://*.example.com', which no browser sends", async () => {
    const r = await pageOrigins(withOrigins("['https://*.example.com']"));
    expect(r.origins).toEqual(['https://app.example.com']);
    expect(r.allowed).toBe(false);
    const f = r.findings.find((x) => x.code === 'CG143');
    expect(f?.message).toBe(
      "HTTP API Http: AllowOrigins 'https://*.example.com' is a pattern API Gateway does not document (it documents *, https://* and http://*): it is compared as written, and no browser sends that Origin: it never matches.",
    );
    expect(f?.pos?.line).toBe(8);
    expect(f?.fix).toBeUndefined();
  });

  it("https://* is simulated from a page on https (the 'https://*' of the table is no Origin a browser sends), and CG148 warns that every https website may call it", async () => {
    const r = await pageOrigins(withOrigins("['https://*']"));
    expect(r.origins).toEqual(['https://app.example.com']);
    expect(r.allowed).toBe(true);
    expect(codes(r.findings)).toEqual(['CG148']);
    expect(r.findings[0].message).toBe(
      "HTTP API Http: AllowOrigins is 'https://*'; any website on https may call it and read its answers; name the origins of your web app instead.",
    );
  });

  it("a Function URL's Cors has no https://* pattern (Lambda documents only *): the entry matches nothing, CG143", async () => {
    const r = await pageOrigins(
      url(
        '        Cors:\n          AllowOrigins: ["https://*"]\n          AllowMethods: [PUT]\n          AllowHeaders: [content-type]\n',
      ),
    );
    expect(r.origins).toEqual(['https://app.example.com']);
    expect(r.allowed).toBe(false);
    expect(r.findings.find((x) => x.code === 'CG143')?.message).toBe(
      "Function URL FnUrl: AllowOrigins 'https://*' is a pattern Lambda does not document (it documents *): it is compared as written, and no browser sends that Origin: it never matches.",
    );
  });
});

describe('CorsConfiguration written as !If (SAM copies an intrinsic configuration into x-amazon-apigateway-cors with its keys camelCased: open_api.py add_cors)', () => {
  const conditional = `Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: { Type: String, Default: dev }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration: !If
        - IsProd
        - AllowOrigins: [https://app.example.com]
          AllowMethods: [GET, PUT]
          AllowHeaders: [content-type]
        - AllowOrigins: ['http://localhost:3000/']
          AllowMethods: [GET, PUT]
          AllowHeaders: [content-type]
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: ${JSON.stringify(PLAIN)}
      Events:
        Put:
          Type: HttpApi
          Properties: { ApiId: !Ref Http, Path: /items, Method: put }
`;

  it('a finding points at the entry in the branch the condition picks (line 15), not at the condition name, and --fix rewrites that entry only', async () => {
    const findings = await check(conditional);
    const f = findings.find((x) => x.code === 'CG143');
    expect(f?.pos?.line).toBe(15);
    expect(f?.pos?.col).toBe(26);
    const after = await fixed(conditional);
    expect(after.split('\n')[14]).toBe('        - AllowOrigins: [http://localhost:3000]');
    expect(after.split('\n')[11]).toBe('        - AllowOrigins: [https://app.example.com]');
    expect(codes(await check(after))).toEqual([]);
  });
});

describe('CG149 and the route AWS\'s guide adds (AWS docs: "Configuring CORS for an HTTP API with a $default route and an authorizer": "add an OPTIONS /{proxy+} route to your API that doesn\'t require authorization")', () => {
  const auth = `      Auth:
        DefaultAuthorizer: Users
        Authorizers:
          Users:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: { issuer: https://auth.example.com/, audience: [items] }
`;
  const cors = CORS.replace('AllowHeaders: [content-type]', 'AllowHeaders: [content-type, authorization]');
  const event = (name: string, path: string | undefined, method: string | undefined, none = false) =>
    `        ${name}:\n          Type: HttpApi\n          Properties: { ApiId: !Ref Http${path ? `, Path: '${path}'` : ''}${method ? `, Method: ${method}` : ''}${none ? ', Auth: { Authorizer: NONE }' : ''} }\n`;

  it('ANY /{proxy+} behind the authorizer with an unguarded OPTIONS /{proxy+} beside it: every preflight reaches the OPTIONS route, no CG149', async () => {
    const source = http({
      auth,
      cors,
      events: event('All', '/{proxy+}', 'ANY') + event('Preflight', '/{proxy+}', 'OPTIONS', true),
    });
    expect(codes(await check(source))).not.toContain('CG149');
  });

  it('the $default route behind the authorizer with an unguarded OPTIONS /{proxy+}: no CG149', async () => {
    const source = http({
      auth,
      cors,
      events: event('All', undefined, undefined) + event('Preflight', '/{proxy+}', 'OPTIONS', true),
    });
    expect(codes(await check(source))).not.toContain('CG149');
  });

  it('an unguarded OPTIONS /items does not cover ANY /{proxy+} elsewhere: OPTIONS /other still reaches the guarded route, CG149', async () => {
    const source = http({
      auth,
      cors,
      events: event('All', '/{proxy+}', 'ANY') + event('Preflight', '/items', 'OPTIONS', true),
    });
    const f = (await check(source)).find((x) => x.code === 'CG149');
    expect(f?.message).toBe(
      "HTTP API Http: ANY /{proxy+} also catches OPTIONS and is guarded by authorizer Users: the browser's preflight carries no Authorization header and is refused.",
    );
  });
});

describe('a CorsConfiguration crossgate cannot know before deploy', () => {
  it('is not judged as if the API had none (no CG120 for a preflight "404"); the note says why it was not judged', async () => {
    const source = `Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration: !If
        - IsProd
        - { AllowOrigins: [https://app.example.com], AllowMethods: [PUT], AllowHeaders: [content-type] }
        - { AllowOrigins: ['http://localhost:3000'], AllowMethods: [PUT], AllowHeaders: [content-type] }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: ${JSON.stringify(PLAIN)}
      Events:
        Put:
          Type: HttpApi
          Properties: { ApiId: !Ref Http, Path: /items, Method: put }
`;
    const { loadTemplate } = await import('../../src/template/load.js');
    const { buildDeployment } = await import('../../src/sam/deployment.js');
    const { runCheck } = await import('../../src/check/run.js');
    const model = loadTemplate(source, 't.yaml', { baseDir: '/nonexistent' });
    const result = await runCheck(model, buildDeployment(model, { evaluateConditions: true }));
    expect(codes(result.findings)).toEqual([]);
    expect(
      result.notes.some((n) =>
        /Http: CorsConfiguration is computed by an intrinsic crossgate cannot resolve/.test(n),
      ),
    ).toBe(true);
  });
});

describe('CG142 and how browsers read AllowMethods (Fetch §4.8 CORS-preflight fetch: the method must be "in methods", byte for byte; with credentials "*" is no wildcard)', () => {
  const withMethods = (methods: string, credentials = false) =>
    http({
      cors: `      CorsConfiguration:\n        AllowOrigins: [https://app.example.com]\n        AllowMethods: ${methods}\n        AllowHeaders: [content-type]\n${credentials ? '        AllowCredentials: true\n' : ''}`,
    });

  it('a method listed in lower case ([get, put]) is CG142, as the simulation blocks it, and --fix writes it in upper case', async () => {
    const source = withMethods('[get, put]');
    const f = (await check(source)).find((x) => x.code === 'CG142');
    expect(f?.message).toBe(
      'HTTP API Http: AllowMethods [get, put] writes put in lower case: the browser compares methods case-sensitively and its PUT is not among them.',
    );
    const after = await fixed(source);
    expect(after).toContain('AllowMethods: [GET, PUT]');
    expect(codes(await check(after))).toEqual([]);
  });

  it('a Function URL (every method reaches it, none declared): put in lower case is CG142 too, not only a CG120, since fetch() sends PUT', async () => {
    const source = url(
      '        Cors:\n          AllowOrigins: [https://app.example.com]\n          AllowMethods: [get, put]\n          AllowHeaders: [content-type]\n',
    );
    const found = await check(source);
    expect(codes(found)).toEqual(['CG142']);
    expect(found[0].message).toBe(
      'Function URL FnUrl: AllowMethods [get, put] writes put in lower case: the browser compares methods case-sensitively and its PUT is not among them.',
    );
    expect(codes(await check(await fixed(source)))).toEqual([]);
  });

  it("'*' with AllowCredentials: the message says why '*' does not cover PUT", async () => {
    const f = (await check(withMethods("['*']", true))).find((x) => x.code === 'CG142');
    expect(f?.message).toBe(
      "HTTP API Http: AllowMethods [*] leaves out PUT, which PUT /items uses; with AllowCredentials the browser reads '*' as a method named '*', not as every method.",
    );
  });
});
