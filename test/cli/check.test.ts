/** `crossgate check`: exit codes, output formats (text, json, SARIF 2.1.0, GitHub annotations), --fix. */
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const run = (argv: string[]) => runCli(argv, { plain: true });

const pitfall = 'examples/pitfalls/api-key-on-preflight.yaml';

// AllowHeaders '*' in front of a TOKEN authorizer: the routes send Authorization.
const STAR_AUTHORIZATION = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Cors:
        AllowOrigin: "'https://app.example.com'"
        AllowHeaders: "'*'"
      Auth:
        DefaultAuthorizer: Tok
        AddDefaultAuthorizerToCorsPreflight: false
        Authorizers:
          Tok:
            FunctionArn: !GetAtt AuthFn.Arn
  AuthFn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => ({})"
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' }, body: '{}' })"
      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /items
            Method: get
`;

describe('crossgate check', () => {
  it('exits 0 on the clean example and prints the routes × origins table', async () => {
    const { code, stdout } = await run(['check', 'examples/proxy-api/template.yaml']);
    expect(code).toBe(0);
    expect(stdout).toContain('no CORS defects found');
    expect(stdout).toMatch(/ItemsApi POST \/items\s+✓/);
  });
  it('an HTTP API and a Function URL: exit 0 on the examples, their routes in the routes × origins table', async () => {
    const http = await run(['check', 'examples/http-api/template.yaml']);
    expect(http.code).toBe(0);
    expect(http.stdout).toMatch(/ItemsApi DELETE \/items\/\{id\}\s+✓\s+✗/);
    const url = await run(['check', 'examples/function-url/template.yaml']);
    expect(url.code).toBe(0);
    expect(url.stdout).toMatch(/NotesFunctionUrl ANY \/\s+✓\s+✗/);
    const pitfall = await run(['check', 'examples/pitfalls/function-url-double-cors.yaml']);
    expect(pitfall.code).toBe(1);
    expect(pitfall.stdout).toContain('error CG145');
    expect(pitfall.stdout).toContain('header contains multiple values');
  });
  it('exits 1 on a pitfall, with code, position, code frame, the browser message and the fix', async () => {
    const { code, stdout } = await run(['check', pitfall]);
    expect(code).toBe(1);
    expect(stdout).toContain('examples/pitfalls/api-key-on-preflight.yaml:26:25 error CG102');
    expect(stdout).toContain('>   26 │         ApiKeyRequired: true');
    expect(stdout).toContain("Response to preflight request doesn't pass access control check");
    expect(stdout).toContain('fix: add AddApiKeyRequiredToCorsPreflight: false');
  });
  it('says the failure is the same in all three engines and quotes each in its own words (test/browser/engines.test.ts)', async () => {
    const { stdout } = await run(['check', pitfall]);
    expect(stdout).toContain('browser: blocked in all three');
    expect(stdout).toMatch(/Chromium: Access to fetch at .* It does not have HTTP ok status\./);
    expect(stdout).toMatch(
      /Firefox: Cross-Origin Request Blocked: .*\(Reason: CORS preflight response did not succeed\)\. Status code: 403\./,
    );
    expect(stdout).toContain('WebKit: Preflight response is not successful. Status code: 403');
  });
  it('--browser firefox quotes Firefox alone; --browser with an unknown engine is a usage error (exit 2)', async () => {
    const { stdout } = await run(['check', pitfall, '--browser', 'firefox']);
    expect(stdout).toContain('browser: blocked in Firefox');
    expect(stdout).toContain('Firefox: Cross-Origin Request Blocked');
    expect(stdout).not.toContain('Chromium: ');
    expect(stdout).not.toContain('WebKit: ');
    const bad = await run(['check', pitfall, '--browser', 'opera']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--browser: 'opera'");
  });
  it("CG114 says the request is allowed in all three and quotes Firefox's deprecation warning (engines.test.ts, Firefox's console service)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossgate-cg114-'));
    const file = join(dir, 'template.yaml');
    writeFileSync(file, STAR_AUTHORIZATION);
    const { stdout } = await run(['check', file]);
    expect(stdout).toContain('info CG114');
    expect(stdout).toContain('browser: allowed in all three');
    expect(stdout).toContain(
      'Firefox (warning): Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at https://api.crossgate.local/Prod/items soon.',
    );
  });
  it('--format json: findings with file, line, column and the console message', async () => {
    const { stdout } = await run(['check', pitfall, '--format', 'json']);
    const report = JSON.parse(stdout);
    expect(report.findings[0]).toMatchObject({
      code: 'CG102',
      rule: 'preflight-api-key',
      severity: 'error',
      file: pitfall,
      line: 26,
      column: 25,
    });
    expect(report.summary.errors).toBe(1);
    expect(report.engines).toEqual(['chromium', 'firefox', 'webkit']);
    expect(report.findings[0].browsers.summary).toBe('blocked in all three');
    expect(report.findings[0].browsers.consoleMessages.webkit).toEqual([
      'Preflight response is not successful. Status code: 403',
      'Fetch API cannot load https://api.crossgate.local/Prod/items due to access control checks.',
    ]);
  });
  it('--format sarif: SARIF 2.1.0 with rules and results (OASIS SARIF v2.1.0)', async () => {
    const sarif = JSON.parse((await run(['check', pitfall, '--format', 'sarif'])).stdout);
    expect(sarif.version).toBe('2.1.0');
    const runObj = sarif.runs[0];
    expect(runObj.tool.driver.name).toBe('crossgate');
    expect(runObj.tool.driver.rules.map((r: { id: string }) => r.id)).toContain('CG102');
    expect(runObj.results[0]).toMatchObject({
      ruleId: 'CG102',
      level: 'error',
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: pitfall },
            region: { startLine: 26, startColumn: 25 },
          },
        },
      ],
    });
  });
  it("text, JSON, SARIF and GitHub print the same findings: each one's position, code, message, engines' verdict and its fix or hint", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-printers-'));
    const file = join(dir, 'template.yaml');
    writeFileSync(
      file,
      `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Auth:
        ApiKeyRequired: true
      Cors:
        AllowOrigin: "'https://app.example.com'"
        AllowHeaders: "'Content-Type'"
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: "export const handler = async () => ({ statusCode: 200, body: '' });"
      Events:
        Put:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /items, Method: put }
`,
    );
    const json = JSON.parse((await run(['check', file, '--format', 'json'])).stdout);
    const text = (await run(['check', file])).stdout;
    const sarif = JSON.parse((await run(['check', file, '--format', 'sarif'])).stdout).runs[0].results;
    const github = (await run(['check', file, '--format', 'github'])).stdout.trim().split('\n');
    const unescapeData = (s: string) => s.replaceAll('%0A', '\n').replaceAll('%25', '%');
    expect(json.findings.map((f: { code: string }) => f.code).sort()).toEqual([
      'CG102',
      'CG105',
      'CG107',
      'CG107',
      'CG113',
    ]);
    expect(sarif).toHaveLength(json.findings.length);
    expect(github).toHaveLength(json.findings.length);
    json.findings.forEach(
      (
        f: {
          code: string;
          severity: string;
          message: string;
          position: string;
          line: number;
          column: number;
          fix?: { description: string };
          hint?: string;
          browsers?: { summary: string };
        },
        i: number,
      ) => {
        const advice = f.fix ? `Fix (--fix): ${f.fix.description}` : `How: ${f.hint}`;
        expect(text).toContain(`${f.position} ${f.severity} ${f.code} ${f.message}`);
        expect(text).toContain(f.fix ? `fix: ${f.fix.description}` : `how: ${f.hint}`);
        const r = sarif[i];
        expect(r.ruleId).toBe(f.code);
        expect(r.locations[0].physicalLocation.region).toEqual({ startLine: f.line, startColumn: f.column });
        expect(r.message.text.startsWith(f.message)).toBe(true);
        expect(r.message.text).toContain(advice);
        const g = unescapeData(github[i]);
        expect(g).toContain(`line=${f.line},col=${f.column},title=${f.code} `);
        expect(g).toContain(`::${f.message}`);
        expect(g).toContain(advice);
        if (f.browsers) {
          expect(r.message.text).toContain(`Browsers: ${f.browsers.summary}.`);
          expect(g).toContain(`Browsers: ${f.browsers.summary}.`);
          expect(text).toContain(`browser: ${f.browsers.summary}`);
        }
      },
    );
  });
  it('--format github: workflow annotations', async () => {
    const { stdout } = await run(['check', pitfall, '--format', 'github']);
    expect(stdout).toMatch(
      /^::error file=examples\/pitfalls\/api-key-on-preflight\.yaml,line=26,col=25,title=CG102 preflight-api-key::/,
    );
  });
  it('a malformed template exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-check-'));
    const file = join(dir, 'bad.yaml');
    copyFileSync('examples/pitfalls/api-key-on-preflight.yaml', file);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'Resources: [\n');
    expect((await run(['check', file])).code).toBe(2);
  });
  it('an unknown --format exits 2', async () => {
    expect((await run(['check', pitfall, '--format', 'xml'])).code).toBe(2);
  });
  it('--fix --dry-run prints the diff and writes nothing; --fix writes it, keeping comments, and the template checks clean', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-fix-'));
    cpSync('examples/pitfalls', dir, { recursive: true });
    const file = join(dir, 'api-key-on-preflight.yaml');
    const before = readFileSync(file, 'utf8');
    const dry = await run(['check', file, '--fix', '--dry-run']);
    expect(dry.stdout).toContain('+        AddApiKeyRequiredToCorsPreflight: false');
    expect(dry.stdout).toMatch(/^--- /);
    expect(readFileSync(file, 'utf8')).toBe(before);
    const fixed = await run(['check', file, '--fix']);
    expect(fixed.code).toBe(0);
    const after = readFileSync(file, 'utf8');
    expect(after).toContain('ApiKeyRequired: true # sets it for all methods, OPTIONS included');
    expect(after).toContain('AddApiKeyRequiredToCorsPreflight: false');
    expect(after.split('\n').filter((l) => l.startsWith('#'))).toEqual(
      before.split('\n').filter((l) => l.startsWith('#')),
    );
  });

  it('--fix changes only the lines it fixes: a pitfall with nothing to fix is left byte for byte, its flow lists unpadded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-fix-'));
    cpSync('examples/pitfalls', dir, { recursive: true });
    const file = join(dir, 'function-url-double-cors.yaml');
    const before = readFileSync(file, 'utf8');
    const dry = await run(['check', file, '--fix', '--dry-run']);
    expect(dry.stdout).toBe('');
    expect(dry.stderr).toContain('nothing to fix automatically');
    await run(['check', file, '--fix']);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('--fix fixes a finding in the OpenAPI file the template includes, in that file (serverless-patterns apigw-sqs-lambda: CG141 in api.yaml)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-fix-'));
    cpSync('test/fixtures/serverless-patterns/apigw-sqs-lambda', dir, { recursive: true });
    const template = readFileSync(join(dir, 'template.yaml'), 'utf8');
    const api = readFileSync(join(dir, 'api.yaml'), 'utf8');
    const dry = await run(['check', join(dir, 'template.yaml'), '--fix', '--dry-run']);
    expect(dry.stdout).toMatch(/^\+\+\+ \S*api\.yaml \(fixed\)$/m);
    expect(dry.stdout).toMatch(/\n\+ {2}allowHeaders:\n\+ {2}- content-type\n/);
    expect(dry.stdout.split('\n').filter((l) => /^[-+][^-+]/.test(l))).toEqual([
      '+  allowHeaders:',
      '+  - content-type',
    ]);
    const fixed = await run(['check', join(dir, 'template.yaml'), '--fix', '--format', 'json']);
    expect(JSON.parse(fixed.stdout).findings.map((f: { code: string }) => f.code)).not.toContain('CG141');
    expect(readFileSync(join(dir, 'template.yaml'), 'utf8')).toBe(template);
    expect(readFileSync(join(dir, 'api.yaml'), 'utf8')).not.toBe(api);
  });

  it('several templates and directories in one invocation: each template reported, totals, exit 2 when one is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-many-'));
    cpSync('examples/proxy-api', join(dir, 'good'), { recursive: true });
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(dir, 'bad'));
    writeFileSync(join(dir, 'bad', 'template.yaml'), 'Resources: [\n');
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'x', 'template.yaml'), 'Resources: [\n');
    const json = await run(['check', dir, pitfall, '--format', 'json']);
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout);
    expect(report.templates.map((t: { file: string }) => t.file)).toEqual([
      expect.stringMatching(/bad\/template\.yaml$/),
      expect.stringMatching(/good\/template\.yaml$/),
      pitfall,
    ]);
    expect(report.templates[0].refused.position).toMatch(/bad\/template\.yaml:\d+:\d+$/);
    expect(report.summary).toMatchObject({ templates: 3, loaded: 2, refused: 1, byRule: { CG102: 1 } });
    const sarif = JSON.parse((await run(['check', dir, pitfall, '--format', 'sarif'])).stdout);
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain('CG102');
    expect(sarif.runs[0].invocations[0]).toMatchObject({
      executionSuccessful: false,
      toolExecutionNotifications: [
        {
          level: 'error',
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: expect.stringMatching(/bad\/template\.yaml$/) } },
            },
          ],
        },
      ],
    });
    const text = await run(['check', join(dir, 'good'), pitfall]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`── ${pitfall}`);
    expect(text.stdout).toMatch(/2 templates: 2 checked, 0 refused; 1 error, \d+ warnings?, 0 infos/);
  });

  it('an API nothing shows is called from pages: one info line, exit 0; --strict judges it (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-intent-'));
    const { writeFileSync } = await import('node:fs');
    const file = join(dir, 'template.yaml');
    writeFileSync(
      file,
      `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: "export const handler = async () => ({ statusCode: 200, body: '{}' })"
      Events:
        Post:
          Type: Api
          Properties: { Path: /items, Method: post }
`,
    );
    const plain = await run(['check', file]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(
      /info CG121 ServerlessRestApi \(REST API\): nothing shows that pages on other origins call it/,
    );
    expect((await run(['check', file, '--strict'])).code).toBe(1);
    writeFileSync(join(dir, 'crossgate.config.json'), '{ "origins": ["https://app.example.com"] }');
    const configured = await run(['check', file]);
    expect(configured.code).toBe(1);
    expect(configured.stdout).toContain('error CG104');
  });

  it("a finding in an OpenAPI file the template includes is shown with that file's lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-include-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(dir, 'template.yaml'),
      `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters:
            Location: api.yaml
`,
    );
    writeFileSync(
      join(dir, 'api.yaml'),
      `swagger: "2.0"
paths:
  /pets:
    get:
      x-amazon-apigateway-integration:
        type: mock
        responses:
          default:
            statusCode: "200"
            responseParameters:
              method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"
    put:
      x-amazon-apigateway-integration:
        type: mock
        responses:
          default:
            statusCode: "200"
`,
    );
    const { stdout, code } = await run(['check', join(dir, 'template.yaml')]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/api\.yaml:16:11 error CG123/);
    expect(stdout).toContain('>   16 │           default:');
    expect(stdout).toMatch(/api\.yaml:12:5 error CG104/);
  });
});
