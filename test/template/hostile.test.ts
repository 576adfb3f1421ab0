/**
 * Issue 13, "check / deployment crash or run away": every input a hostile or careless user gave ends
 * in exit 0, 1 or 2, and every exit 2 names file:line:col. Each case here crashed (exit 3 with a
 * stack trace), ran away, or said something untrue before it was fixed.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDeployment } from '../../src/sam/deployment.js';
import { TemplateError } from '../../src/template/errors.js';
import { loadTemplate } from '../../src/template/load.js';
import type { FunctionModel } from '../../src/template/model.js';
import { keyPosOf, parseTemplate, posOf } from '../../src/template/parse.js';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cg-hostile-'));
let n = 0;
function file(source: string): string {
  const path = join(dir, `t${++n}.yaml`);
  writeFileSync(path, source);
  return path;
}
const run = (argv: string[]) => runCli(argv, { plain: true });
/** `error <file>:<line>:<col>: …` — the one shape an exit 2 on a template may take. */
const located = (stderr: string, path: string, line: number) =>
  expect(stderr).toMatch(new RegExp(`^error ${escapeRegExp(shown(path))}:${line}:\\d+: `, 'm'));
/** The CLI names a file relative to where it runs, as the user typed it. */
const shown = (path: string) => relative(process.cwd(), path);
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const SAM = 'Transform: AWS::Serverless-2016-10-31\n';
const FUNCTION = `  F:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      InlineCode: "export const handler = async () => ({ statusCode: 200 })"
      Events:
        G: { Type: Api, Properties: { Path: /x, Method: get } }
`;

describe('YAML aliases', () => {
  it('a self-referencing alias (&a [*a]) is refused at the alias, not a stack overflow', async () => {
    const path = file(`${SAM}Resources:\n  A: &a [*a]\n`);
    for (const command of ['check', 'deployment']) {
      const { code, stderr } = await run([command, path]);
      expect(code).toBe(2);
      located(stderr, path, 3);
      expect(stderr).toMatch(/alias \*a .*contains it/);
    }
  });
  it('an alias to a mapping that holds it (PyYAML: "found unconstructable recursive node") is refused', () => {
    expect(() => parseTemplate('a: &a { b: *a }\n', 't.yaml')).toThrow(/^t\.yaml:1:12: .*alias \*a/);
  });
  it('a 90 KB template of aliased maps loads without quadratic work (was 69 s)', () => {
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}: v`).join(', ');
    const aliases = Array.from({ length: 20_000 }, () => '*m').join(', ');
    const source = `M: &m { ${keys} }\nL: [${aliases}]\nResources: {}\n`;
    expect(source.length).toBeGreaterThan(80_000);
    const started = performance.now();
    const { root } = parseTemplate(source, 't.yaml');
    expect((root.L as unknown[]).length).toBe(20_000);
    // Not a benchmark: a guard against the quadratic alias lookup coming back (69 s before).
    expect(performance.now() - started).toBeLessThan(15_000);
  });
  it('aliases that expand past the limit are refused naming the alias and how much it expands', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    expect(() => parseTemplate(`${levels.join('\n')}\n`, 't.yaml')).toThrow(
      /^t\.yaml:\d+:\d+: YAML aliases expand this template to more than [\d,]+ values.*\*[a-i]/,
    );
  });
});

describe('names of Object.prototype members are ordinary keys', () => {
  it('a Globals section named constructor or toString is refused as unknown, at its key', async () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const path = file(`${SAM}Globals:\n  ${name}:\n    Timeout: 3\nResources:\n${FUNCTION}`);
      const { code, stderr } = await run(['check', path]);
      expect(code, stderr).toBe(2);
      located(stderr, path, 3);
      expect(stderr).toContain(`'Globals' has no section '${name}'`);
    }
  });
  it('__proto__, constructor and toString keys are read as keys, with their values and positions', () => {
    const { root } = parseTemplate('M:\n  __proto__: 1\n  constructor: 2\n  toString: 3\n', 't.yaml');
    const m = root.M as Record<string, unknown>;
    expect(Object.keys(m)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(m))).toEqual(JSON.parse('{"__proto__":1,"constructor":2,"toString":3}'));
    expect(keyPosOf(m, '__proto__')).toMatchObject({ line: 2, col: 3 });
    expect(posOf(m, 'toString')).toMatchObject({ line: 4, col: 13 });
  });
  it('parameters, conditions, mappings and resources named after Object.prototype members resolve as themselves', () => {
    const model = loadTemplate(
      `${SAM}Parameters:
  toString: { Type: String, Default: https://app.example.com }
Mappings:
  constructor: { valueOf: { hasOwnProperty: "'Content-Type'" } }
Conditions:
  valueOf: !Equals [a, a]
Resources:
  constructor:
    Type: AWS::Serverless::Function
    Condition: valueOf
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      Environment:
        Variables:
          ORIGIN: !Ref toString
          HEADERS: !FindInMap [constructor, valueOf, hasOwnProperty]
          SUB: !Sub '\${toString}/x'
      Events:
        G: { Type: Api, Properties: { Path: /x, Method: get } }
`,
      't.yaml',
    );
    const functions: Record<string, FunctionModel | undefined> = model.functions;
    expect(functions[String('constructor')]?.environment).toEqual({
      ORIGIN: 'https://app.example.com',
      HEADERS: "'Content-Type'",
      SUB: 'https://app.example.com/x',
    });
    expect(model.resolver.condition('valueOf')).toBe(true);
    const deployment = buildDeployment(model, { evaluateConditions: true });
    const get = deployment.apis[0].resources.find((r) => r.path === '/x')?.methods[0];
    expect(get?.functionId).toBe('constructor');
  });
  it('!Ref and ${} to an Object.prototype member that is not a parameter are not found (no function leaks in)', () => {
    const model = loadTemplate(
      `${SAM}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n      Runtime: nodejs20.x\n      Environment:\n        Variables:\n          A: !Ref toString\n`,
      't.yaml',
    );
    expect(model.functions.F.environment.A).toBe('${toString}');
    expect(() =>
      loadTemplate(
        `${SAM}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: !Sub '\${constructor}'\n`,
        't.yaml',
      ),
    ).toThrow(/^t\.yaml:6:\d+: Fn::Sub: \$\{constructor\} names no parameter/);
  });
});

describe('Conditions', () => {
  it('a chain of 2,000 Condition references evaluates (no stack overflow)', async () => {
    const lines = [`${SAM}Conditions:`, '  C0: !Equals [a, a]'];
    for (let i = 1; i < 2000; i++) lines.push(`  C${i}: !Condition C${i - 1}`);
    const source = `${lines.join('\n')}\nResources:\n${FUNCTION.replace('    Properties:', '    Condition: C1999\n    Properties:')}`;
    expect(loadTemplate(source, 't.yaml').resolver.condition('C1999')).toBe(true);
    const path = file(source);
    for (const command of ['check', 'deployment']) {
      const { code, stderr } = await run([command, path]);
      expect([0, 1], stderr).toContain(code);
    }
  });
  it('circular Conditions are refused, as CloudFormation refuses them ("Circular dependency between conditions")', async () => {
    const path = file(
      `${SAM}Conditions:\n  A: !Condition B\n  B: !Not [!Condition A]\nResources:\n${FUNCTION}`,
    );
    const { code, stderr } = await run(['check', path]);
    expect(code).toBe(2);
    located(stderr, path, 3);
    expect(stderr).toContain('Circular dependency between conditions: [A, B]');
  });
  it('a condition that refers to itself is circular too', () => {
    expect(() =>
      loadTemplate(`${SAM}Conditions:\n  A: !Not [!Condition A]\nResources: {}\n`, 't.yaml'),
    ).toThrow(/^t\.yaml:3:\d+: Circular dependency between conditions: \[A\]/);
  });
  it("an undefined condition on a resource exits 2 at the resource's Condition, not at <unknown>", async () => {
    const path = file(
      `${SAM}Resources:\n${FUNCTION.replace('    Properties:', '    Condition: Nope\n    Properties:')}`,
    );
    for (const command of ['check', 'deployment']) {
      const { code, stderr } = await run([command, path]);
      expect(code).toBe(2);
      located(stderr, path, 5);
      expect(stderr).toContain('condition Nope is not defined in Conditions');
      expect(stderr).not.toContain('<unknown>');
    }
  });
  it('an undefined condition in !If or !Condition is refused at the reference', () => {
    const cases: Array<[string, RegExp]> = [
      ['Conditions:\n  A: !Condition Nope\n', /^t\.yaml:3:\d+: condition Nope is not defined in Conditions/],
      [
        'Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: !If [Nope, a, b]\n',
        /^t\.yaml:6:\d+: .*condition Nope is not defined in Conditions/,
      ],
    ];
    for (const [body, message] of cases) {
      const source = `${SAM}${body}${body.includes('Resources') ? '' : 'Resources: {}\n'}`;
      expect(() => buildDeployment(loadTemplate(source, 't.yaml'), { evaluateConditions: true })).toThrow(
        message,
      );
    }
  });
});

describe('files that are not templates', () => {
  it('a directory as the template argument of deployment exits 2 naming it (was EISDIR, exit 3)', async () => {
    const path = join(dir, 'a-directory.yaml');
    mkdirSync(path);
    const { code, stderr } = await run(['deployment', path]);
    expect(code).toBe(2);
    located(stderr, path, 1);
    expect(stderr).toContain('a directory, not a template file');
  });
  it('check takes a directory as the templates in it; one with none exits 2 saying so (was EISDIR, exit 3)', async () => {
    const path = join(dir, 'no-templates');
    mkdirSync(path);
    const { code, stderr } = await run(['check', path]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no template\.yaml, template\.yml or template\.json in /);
  });
  it('check /dev/zero is refused as not a regular file, without reading it (was 16.8 GB)', async () => {
    const { code, stderr } = await run(['check', '/dev/zero']);
    expect(code).toBe(2);
    located(stderr, '/dev/zero', 1);
    expect(stderr).toContain('not a regular file');
  });
});

describe('check --fix', () => {
  const template = `${SAM}Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Cors:
        AllowOrigin: "'https://app.example.com'"
      Auth:
        ApiKeyRequired: true
        AddApiKeyRequiredToCorsPreflight: false
      GatewayResponses:
        DEFAULT_4XX:
          ResponseParameters:
            Headers:
${FUNCTION.replace('{ Path: /x', '{ RestApiId: !Ref Api, Path: /x')}`;
  it('--dry-run with an empty ResponseParameters.Headers prints the fix instead of crashing', async () => {
    const path = file(template);
    const { code, stdout, stderr } = await run(['check', path, '--fix', '--dry-run']);
    expect([0, 1], stderr).toContain(code);
    expect(stdout).toContain(`+              Access-Control-Allow-Origin: "'https://app.example.com'"`);
    expect(readFileSync(path, 'utf8')).toBe(template);
  });
  it('--fix fills the empty Headers mapping, and the result reads back', async () => {
    const path = file(template);
    const { code, stderr } = await run(['check', path, '--fix']);
    expect([0, 1], stderr).toContain(code);
    const after = readFileSync(path, 'utf8');
    expect(after).toContain(
      `            Headers:\n              Access-Control-Allow-Origin: "'https://app.example.com'"\n`,
    );
    expect(() => loadTemplate(after, 't.yaml')).not.toThrow();
  });
});

describe('Cors', () => {
  it('a misspelt Cors key (AllowHeadrs) is reported as what it is, as SAM refuses it (fixture error_invalid_cors_dict), not as CG109', async () => {
    const path = file(
      `${SAM}Globals:\n  Api:\n    Cors:\n      AllowOrigin: "'*'"\n      AllowHeadrs: "'Content-Type'"\nResources:\n${FUNCTION}`,
    );
    const { code, stdout, stderr } = await run(['check', path]);
    expect(code).toBe(2);
    expect(stdout).not.toContain('CG109');
    located(stderr, path, 6);
    expect(stderr).toContain("ServerlessRestApi: Invalid key 'AllowHeadrs' for 'Cors' property");
    expect(stderr).toContain("did you mean 'AllowHeaders'?");
  });
  it('AllowCredentials with a * origin is still CG109 (fixture error_cors_credentials_true_with_wildcard_origin)', async () => {
    const path = file(
      `${SAM}Globals:\n  Api:\n    Cors:\n      AllowOrigin: "'*'"\n      AllowCredentials: true\nResources:\n${FUNCTION}`,
    );
    const { code, stdout } = await run(['check', path]);
    expect(code).toBe(1);
    expect(stdout).toContain('CG109');
  });
});

describe('template errors carry a position', () => {
  it('a TemplateError thrown for the template itself is never <unknown>', () => {
    try {
      buildDeployment(
        loadTemplate(
          `${SAM}Resources:\n${FUNCTION.replace('    Properties:', '    Condition: X\n    Properties:')}`,
          't.yaml',
        ),
        { evaluateConditions: true },
      );
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect((e as TemplateError).pos).toBeDefined();
      return;
    }
    throw new Error('expected a TemplateError');
  });
});

/** Found by the fuzz test (test/fuzz): each crashed with exit 3 before it was fixed. */
describe('found by fuzzing', () => {
  it('a mapping with keys named toString and valueOf where a header value goes is judged, not a TypeError', async () => {
    const path = file(
      `${SAM}Globals:\n  Api:\n    Cors:\n      AllowOrigin: {toString: 1, valueOf: 2}\nResources:\n${FUNCTION}`,
    );
    const { code, stdout, stderr } = await run(['check', path]);
    expect([1, 2], stderr).toContain(code);
    expect(`${stdout}${stderr}`).not.toContain('Cannot convert object to primitive value');
  });
  it('String() of any template mapping is its JSON, whatever its keys', () => {
    const { root } = parseTemplate('m: {toString: 1, valueOf: 2, a: [1]}\n', 't.yaml');
    expect(String(root.m)).toBe('{"toString":1,"valueOf":2,"a":[1]}');
    expect(`${root.m}`).toBe('{"toString":1,"valueOf":2,"a":[1]}');
  });
  it('Ref: AWS::NoValue where a number goes reads as absent (was: Cannot convert a Symbol value to a number)', () => {
    const model = loadTemplate(
      `${SAM}Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Auth:
        Authorizers:
          Tok:
            FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:f
            Identity:
              ReauthorizeEvery: !Ref AWS::NoValue
              Header: Authorization
`,
      't.yaml',
    );
    expect(model.apis[0].auth?.authorizers.Tok.identity.reauthorizeEvery).toBeUndefined();
  });
  it('!!binary and !!set, which JSON cannot hold, are refused at their position', () => {
    expect(() => parseTemplate('a: !!binary aGVsbG8=\n', 't.yaml')).toThrow(
      /^t\.yaml:1:\d+: YAML tag !!binary/,
    );
    expect(() => parseTemplate('a: !!set {x, y}\n', 't.yaml')).toThrow(/^t\.yaml:1:\d+: YAML tag !!set/);
  });
  it('--fix keeps an anchor on the value it replaces, so the aliases to it still resolve', async () => {
    const path = file(
      `${SAM}Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      Cors:\n        AllowOrigin: "'https://app.example.com'"\n        MaxAge: &age "'86400'"\n      Description: *age\n${FUNCTION.replace('{ Path: /x', '{ RestApiId: !Ref Api, Path: /x')}`,
    );
    const { code, stderr } = await run(['check', path, '--fix']);
    expect([0, 1], stderr).toContain(code);
    const after = readFileSync(path, 'utf8');
    expect(after).toContain(`MaxAge: &age "'7200'"`);
    expect(after).toContain('Description: *age');
  });
  it('an event Authorizer named toString is not found in Auth.Authorizers (SAM refuses it)', async () => {
    const path = file(`${SAM}Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Auth:
        Authorizers:
          Tok:
            FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:f
${FUNCTION.replace('{ Path: /x, Method: get }', '{ RestApiId: !Ref Api, Path: /x, Method: get, Auth: { Authorizer: toString } }')}`);
    const { code, stderr } = await run(['check', path]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      "Unable to set Authorizer [toString] on API method [get] for path [/x] because it wasn't defined in the API's Authorizers.",
    );
  });
  it('an HTTP API property named toString is an unknown property, not Object.prototype.toString (was: kind.split is not a function)', async () => {
    const path = file(
      `${SAM}Resources:\n  Http:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      toString: x\n`,
    );
    const { code, stderr } = await run(['check', path]);
    expect(code).toBe(2);
    located(stderr, path, 6);
    expect(stderr).toContain(
      'property toString is not defined for resources of type AWS::Serverless::HttpApi',
    );
  });
  it("an HTTP API authorizer's Identity that is not a mapping is refused at its line (was <unknown>; fixture error_api_authorizer_property_indentity_with_invalid_type)", async () => {
    const path = file(`${SAM}Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        Authorizers:
          L:
            FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:f
            Identity: LambdaAuthorizationIdentity
            AuthorizerPayloadFormatVersion: '1.0'
${FUNCTION.replace('G: { Type: Api, Properties: { Path: /x, Method: get } }', 'G: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /x, Method: get, Auth: { Authorizer: L } } }')}`);
    const { code, stderr } = await run(['check', path]);
    expect(code).toBe(2);
    located(stderr, path, 10);
    expect(stderr).toContain("Property 'Auth.Authorizers.L.Identity' should be a map.");
  });
  it("an HTTP API DefaultAuthorizer named toLocaleString is not found in its Authorizers (was: reading 'AuthorizationScopes' of undefined)", async () => {
    const path = file(`${SAM}Resources:
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: toLocaleString
        Authorizers:
          L:
            FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:f
            AuthorizerPayloadFormatVersion: '2.0'
${FUNCTION.replace('G: { Type: Api, Properties: { Path: /x, Method: get } }', 'G: { Type: HttpApi, Properties: { ApiId: !Ref Http, Path: /x, Method: get } }')}`);
    const { code, stderr } = await run(['deployment', path]);
    expect(code).toBe(2);
    located(stderr, path, 7);
    expect(stderr).toContain(
      "Unable to set DefaultAuthorizer because 'toLocaleString' was not defined in 'Authorizers'.",
    );
  });
  it('an event Method named __proto__ leaves Object.prototype alone (the HTTP API integration was written onto it, and every later template in the process misread)', () => {
    for (const [type, api] of [
      ['HttpApi', 'AWS::Serverless::HttpApi'],
      ['Api', 'AWS::Serverless::Api'],
    ]) {
      const idKey = type === 'HttpApi' ? 'ApiId' : 'RestApiId';
      const source = `${SAM}Resources:
  A:
    Type: ${api}
    Properties:
      StageName: Prod
${FUNCTION.replace('G: { Type: Api, Properties: { Path: /x, Method: get } }', `G: { Type: ${type}, Properties: { ${idKey}: !Ref A, Path: /x, Method: __proto__ } }`)}`;
      try {
        buildDeployment(loadTemplate(source, 't.yaml'), { evaluateConditions: true });
      } catch (e) {
        expect(e).toBeInstanceOf(TemplateError);
      }
      expect(Object.keys(Object.prototype)).toEqual([]);
      expect(({} as Record<string, unknown>)['x-amazon-apigateway-integration']).toBeUndefined();
    }
  });
});
