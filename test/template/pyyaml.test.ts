/**
 * Issue 14, item 1: templates are read as `sam deploy` reads them. SAM CLI loads a template with
 * samcli/yamlhelper.py `yaml_parse`: json.loads first, then PyYAML's yaml.safe_load with a mapping
 * constructor built on construct_pairs (an OrderedDict: the last of a repeated key wins; merge keys
 * flattened) and a multi-constructor for the CloudFormation tags. What PyYAML accepts loads with the
 * same values; what it refuses is refused at file:line:col.
 *
 * Each "PyYAML:" below was observed with PyYAML 6.0.3 (pure-Python SafeLoader, as safe_load uses),
 * through the loader in test/template/fixtures/serverless-patterns/pyyaml-expected.py.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/run.js';
import { buildDeployment } from '../../src/sam/deployment.js';
import { TemplateError } from '../../src/template/errors.js';
import { loadTemplate } from '../../src/template/load.js';
import { parseTemplate, posOf } from '../../src/template/parse.js';
import { runCli } from '../support/run-cli.js';

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
const read = (source: string) => parseTemplate(source, 't.yaml');
function refusal(source: string): string {
  try {
    read(source);
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return (e as TemplateError).message;
  }
  throw new Error('expected a TemplateError');
}

describe('what PyYAML accepts loads with the values PyYAML gives', () => {
  const cases: Array<[string, string, unknown]> = [
    ['a key written twice keeps its last value', 'a: 1\nb: 2\na: 3\n', { a: 3, b: 2 }],
    ['in JSON too (json.loads into an OrderedDict)', '{"a": 1, "a": 2}', { a: 2 }],
    ['a flow sequence at its key’s indentation', 'R:\n  K: [\n  1,\n  2\n  ]\n', { R: { K: [1, 2] } }],
    [
      'a flow mapping at its key’s indentation',
      'R:\n  K: {\n  a: 1,\n  b: 2\n  }\n',
      { R: { K: { a: 1, b: 2 } } },
    ],
    ['flow content at column 0', 'R:\n  K: [\n1,\n2]\n', { R: { K: [1, 2] } }],
    ['a closing bracket left of its key', 'R:\n  K: [\n 1]\n', { R: { K: [1] } }],
    ['a single-quoted scalar continued at its key’s indentation', "R:\n  K: 'a\n  b'\n", { R: { K: 'a b' } }],
    ['a double-quoted scalar continued at column 0', 'R:\n  K: "a\nb"\n', { R: { K: 'a b' } }],
    [
      "a quoted scalar with '' continued at column 0, and the mapping goes on",
      "R:\n  K: 'it''s\nx'\n  L: 1\n",
      { R: { K: "it's x", L: 1 } },
    ],
    ['an escaped line break in a double-quoted scalar', 'R:\n  K: "a\\\nb"\n', { R: { K: 'ab' } }],
    ['a quoted scalar in a flow sequence at column 0', "K: ['a\nb']\n", { K: ['a b'] }],
    ['a multi-line plain scalar in a flow sequence at column 0', 'K: [a\nb]\n', { K: ['a b'] }],
    [
      'a merge key: merged pairs first, own pairs win',
      'base: &b {A: 1, B: 2}\nx:\n  B: 3\n  <<: *b\n  C: 4\n',
      { base: { A: 1, B: 2 }, x: { A: 1, B: 3, C: 4 } },
    ],
    [
      'a merge key with a list: the first mapping listed wins',
      'a: &a {K: a1, A: 1}\nb: &b {K: b1, B: 1}\nx:\n  <<: [*a, *b]\n',
      { a: { K: 'a1', A: 1 }, b: { K: 'b1', B: 1 }, x: { K: 'a1', B: 1, A: 1 } },
    ],
    [
      "a quoted '<<' is an ordinary key",
      "b: &b {A: 1}\nx:\n  '<<': *b\n",
      { b: { A: 1 }, x: { '<<': { A: 1 } } },
    ],
    ['an alias as a key', 'k: &k Name\nx:\n  *k : v\n', { k: 'Name', x: { Name: 'v' } }],
    ['!GetAtt splits at the first dot', 'a: !GetAtt A.B.C\n', { a: { 'Fn::GetAtt': ['A', 'B.C'] } }],
    ['a block scalar ending the file with no line break has none', 'a: |\n  x', { a: 'x' }],
    ['… and keeps it when the file ends with one', 'a: |\n  x\n', { a: 'x\n' }],
    [
      '__proto__ and constructor are ordinary keys',
      '__proto__: 1\nconstructor: 2\n',
      JSON.parse('{"__proto__":1,"constructor":2}'),
    ],
    // Plain scalars by YAML 1.1's rules (PyYAML's resolver), not YAML 1.2's core schema.
    ['yes, on and Off are booleans', 'a: yes\nb: on\nc: Off\nd: Y\n', { a: true, b: true, c: false, d: 'Y' }],
    ['0777 is octal, 0o17 a string', 'a: 0777\nb: 0o17\n', { a: 511, b: '0o17' }],
    ['1_000 and base 60', 'a: 1_000\nb: 1:30\nc: 190:20:30\n', { a: 1000, b: 90, c: 685230 }],
    [
      'a float needs a dot and a signed exponent',
      'a: 1e3\nb: 1.0e3\nc: 1.0e+3\nd: .5\n',
      { a: '1e3', b: '1.0e3', c: 1000, d: 0.5 },
    ],
    ['08 is a string (neither octal nor decimal)', 'a: 08\n', { a: '08' }],
    [
      'a timestamp stays its text (PyYAML: a date, which sam package writes back as the same text)',
      'a: 2010-09-09\n',
      { a: '2010-09-09' },
    ],
    [
      '!!int and !!float take YAML 1.1 numbers',
      'a: !!int 0x1F\nb: !!float 1\nc: !!str 1\n',
      { a: 31, b: 1, c: '1' },
    ],
    [
      'a key reads by the same rules (PyYAML: True, which json.dumps writes as "true")',
      'yes: 1\n',
      { true: 1 },
    ],
    [
      'JSON keeps JSON’s numbers (json.loads reads it, not PyYAML)',
      '{"a": 1e3, "b": -0.5e1}',
      { a: 1000, b: -5 },
    ],
    [
      'a tab inside a quoted or block scalar or a comment',
      'a: "x\ty"\nb: |\n  x\ty\n# c\t\n',
      { a: 'x\ty', b: 'x\ty\n' },
    ],
    ['a tab in JSON (json.loads)', '{"a":\t1}', { a: 1 }],
  ];
  for (const [name, source, expected] of cases) {
    it(`${name} (PyYAML: ${JSON.stringify(expected)})`, () =>
      expect(plain(read(source).root)).toEqual(expected));
  }

  it('a repeated key is recorded at every line it is written, once even when an alias repeats the mapping', () => {
    const { duplicateKeys } = read('m: &m\n  A: 1\n  B: 2\n  A: 3\n  A: 4\nn: *m\n');
    expect(duplicateKeys).toEqual([
      {
        key: 'A',
        positions: [
          { file: 't.yaml', line: 2, col: 3 },
          { file: 't.yaml', line: 4, col: 3 },
          { file: 't.yaml', line: 5, col: 3 },
        ],
      },
    ]);
  });
  it('a key a merge key brought in and the mapping sets again is not a duplicate; set twice by the mapping, it is', () => {
    expect(read('b: &b {A: 1}\nx:\n  <<: *b\n  A: 2\n').duplicateKeys).toEqual([]);
    expect(read('b: &b {A: 1}\nx:\n  <<: *b\n  A: 2\n  A: 3\n').duplicateKeys.map((d) => d.key)).toEqual([
      'A',
    ]);
  });
  it('the value that is kept carries the position of the line that set it', () => {
    const { root } = read('R:\n  A: 1\n  A: 2\n');
    expect(posOf(root.R, 'A')).toMatchObject({ line: 3, col: 6 });
  });
  it('positions in a re-indented flow collection name the text as written', () => {
    const { root } = read('R:\n  K: [\n  one,\ntwo\n  ]\nS: 1\n');
    const k = (root.R as Record<string, unknown>).K;
    expect(posOf(k, 0)).toMatchObject({ line: 3, col: 3 });
    expect(posOf(k, 1)).toMatchObject({ line: 4, col: 1 });
    expect(posOf(root, 'S')).toMatchObject({ line: 6, col: 4 });
  });
  it('positions after a re-indented quoted scalar name the text as written', () => {
    const { root } = read("R:\n  K: 'one\ntwo'\n  L: x\n");
    expect(posOf(root.R, 'K')).toMatchObject({ line: 2, col: 6 });
    expect(posOf(root.R, 'L')).toMatchObject({ line: 4, col: 6 });
  });
});

describe('what PyYAML refuses is refused at file:line:col', () => {
  const cases: Array<[string, string, RegExp, string]> = [
    [
      'an undefined alias',
      'a: *x\n',
      /^t\.yaml:1:4: unknown YAML alias \*x/,
      'ComposerError: found undefined alias',
    ],
    [
      'an anchor defined twice',
      'a: &x 1\nb: &x 2\nc: *x\n',
      /^t\.yaml:2:7: YAML anchor &x is defined twice \(first at line 1\)/,
      "ComposerError: found duplicate anchor 'x'",
    ],
    [
      'an alias inside the mapping it names',
      'a: &a {b: *a}\n',
      /^t\.yaml:1:11: YAML alias \*a is inside the value it names/,
      'ConstructorError: found unconstructable recursive node',
    ],
    [
      'two documents',
      'a: 1\n---\nb: 2\n',
      /^t\.yaml:2:1: invalid YAML: a template is one YAML document/,
      'ComposerError: expected a single document in the stream',
    ],
    [
      'a document marker inside a flow collection',
      'R:\n  K: [\n---\n]\n',
      /^t\.yaml:\d+:\d+: invalid YAML/,
      'ParserError: expected the node content, but found <document start>',
    ],
    [
      'a merge key on a scalar',
      'b: &b 1\nx:\n  <<: *b\n',
      /^t\.yaml:3:7: a merge key \(<<\) takes a mapping or a list of mappings/,
      'ConstructorError: expected a mapping or list of mappings for merging, but found scalar',
    ],
    [
      'a flow collection that never closes',
      'R:\n  K: [\n  1,\nS: 2\n',
      /^t\.yaml:\d+:\d+: invalid YAML/,
      "ParserError: expected ',' or ']'",
    ],
    [
      'mappings nested 329 levels deep',
      `x: ${'{a: '.repeat(329)}1${'}'.repeat(329)}\n`,
      /^t\.yaml:1:\d+: values nested more than 300 levels deep/,
      'RecursionError past 328 nested flow mappings (329 block mappings, 490 flow sequences); crossgate stops at 300',
    ],
    [
      'a tab between tokens',
      'a:\tb\n',
      /^t\.yaml:1:3: a tab where PyYAML, which sam deploy reads templates with, takes only spaces/,
      "ScannerError: found character '\\t' that cannot start any token",
    ],
    [
      'a tab inside a plain scalar',
      'a: b\tc\n',
      /^t\.yaml:1:5: a tab where PyYAML/,
      "ScannerError: found character '\\t' that cannot start any token",
    ],
    [
      'a tab at the end of a line',
      'a: b\t\n',
      /^t\.yaml:1:5: a tab where PyYAML/,
      "ScannerError: found character '\\t' that cannot start any token",
    ],
    [
      'a tab on a blank line',
      'a: 1\n\t\nb: 2\n',
      /^t\.yaml:2:1: a tab where PyYAML/,
      "ScannerError: found character '\\t' that cannot start any token",
    ],
    [
      'a control character',
      'a: x\u0000\n',
      /^t\.yaml:1:5: the character U\+0000 is not allowed in YAML/,
      'ReaderError: unacceptable character #x0000: special characters are not allowed',
    ],
    [
      'a LINE SEPARATOR, a line break to YAML 1.1 only',
      'a: ht\u2028tps://example.com/\n',
      /^t\.yaml:1:6: the character U\+2028 breaks the line for PyYAML/,
      "ScannerError: could not find expected ':' (the line broke at U+2028)",
    ],
    [
      'a plain =',
      'a: =\n',
      /^t\.yaml:1:4: a plain '=' is YAML 1.1's value indicator/,
      "ConstructorError: could not determine a constructor for the tag 'tag:yaml.org,2002:value'",
    ],
    [
      '!!int on a word',
      'a: !!int x\n',
      /^t\.yaml:1:\d+: !!int x: not an integer/,
      "ValueError: invalid literal for int() with base 10: 'x'",
    ],
    [
      'a CloudFormation tag on a key',
      'R:\n  !Select Auth:\n    A: 1\n',
      /^t\.yaml:2:\d+: a mapping key must be a plain value/,
      "TypeError: unhashable type: 'dict'",
    ],
    [
      'a quoted scalar that never closes',
      "A:\n  B: 'x\n  C: 1\n",
      /^t\.yaml:4:1: invalid YAML: Missing closing 'quote/,
      'ScannerError: while scanning a quoted scalar … found unexpected end of stream, line 4, column 1',
    ],
  ];
  for (const [name, source, message, pyyaml] of cases) {
    it(`${name} (PyYAML: ${pyyaml})`, () => expect(refusal(source)).toMatch(message));
  }
  it('an alias inside the sequence it names is refused: PyYAML builds a list that contains itself, which json.dumps (and so sam deploy) cannot write', () => {
    expect(refusal('a: &a [*a]\n')).toMatch(/^t\.yaml:1:8: YAML alias \*a is inside the value it names/);
  });
});

/**
 * The 13 published templates of aws-samples/serverless-patterns (commit fb7b5d06c27d) that
 * crossgate refused with exit 2 and `sam deploy` accepts: 10 with a key written twice, 3 with a flow
 * collection at its key's indentation. Excerpts, MIT-0 (see the folder's LICENSE and README).
 */
describe('published serverless-patterns templates load as SAM CLI loads them', () => {
  const dir = join(import.meta.dirname, 'fixtures/serverless-patterns');
  const expected = JSON.parse(readFileSync(join(dir, 'pyyaml.json'), 'utf8')) as Record<string, unknown>;
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  // A YAML 1.1 timestamp (AWSTemplateFormatVersion: 2010-09-09) is a date to PyYAML; sam package
  // writes it back as the same text, which is what crossgate keeps.
  const undate = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(undate)
      : v !== null && typeof v === 'object'
        ? '__date__' in v
          ? (v as { __date__: string }).__date__
          : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, undate(x)]))
        : v;

  it('13 excerpts, each with PyYAML’s reading beside it', () => {
    expect(files).toHaveLength(13);
    expect(expected.pyyaml).toBe('6.0.3');
  });
  for (const file of files) {
    it(`${file}: the same values as PyYAML`, () => {
      const { root } = parseTemplate(readFileSync(join(dir, file), 'utf8'), file);
      expect(plain(root)).toEqual(undate(expected[file]));
    });
  }

  const duplicates: Record<string, string[]> = {
    'apigw-ec2.yaml': ['eu-west-3 at 35, 51'],
    'appsync-dynamodb-singletable.yaml': ['AuthenticationType at 12, 14'],
    'cloudfront-apigw-http-api-lambda-rust.yaml': ['Name at 11, 15'],
    'cloudfront-lambda-url-rust.yaml': ['Name at 11, 15'],
    'cognito-sns-sms-origination-id-sam.yaml': ['MfaConfiguration at 12, 13'],
    'lambda-streaming-sdk-sam.yaml': ['MidstreamErrorFunction at 42, 45'],
    'multi-account-private-apigw.yaml': ['Handler at 9, 15'],
    'public-nlb-or-alb-private-api-cfn.yaml': ['HealthCheckEnabled at 18, 27'],
    'sam-webapp-cognito.yaml': ['Name at 12, 16'],
    'vpc-lattice-lambda.yaml': [
      'VLFunctionPrimary at 9, 12',
      'VLFunctionSecondary at 15, 18',
      'Description at 25, 27',
      'Value at 26, 28',
    ],
  };
  for (const [file, keys] of Object.entries(duplicates)) {
    it(`${file}: the repeated keys are recorded at both lines`, () => {
      const { duplicateKeys } = parseTemplate(readFileSync(join(dir, file), 'utf8'), file);
      expect(duplicateKeys.map((d) => `${d.key} at ${d.positions.map((p) => p.line).join(', ')}`)).toEqual(
        keys,
      );
    });
  }

  it('multi-account-private-apigw: the function runs the Handler written last, as sam deploy deploys it', () => {
    const model = loadTemplate(
      readFileSync(join(dir, 'multi-account-private-apigw.yaml'), 'utf8'),
      'multi-account-private-apigw.yaml',
    );
    expect(model.functions.FetchVPCEndpointIPsFunction.handler).toBe('lambda_function.lambda_handler');
  });
  it('cognito-sns-sms-origination-id-sam: check warns CG130 at both MfaConfiguration lines and exits 0', async () => {
    const path = relative(process.cwd(), join(dir, 'cognito-sns-sms-origination-id-sam.yaml'));
    const { code, stdout } = await runCli(['check', path], { plain: true });
    expect(code).toBe(0);
    expect(stdout).toContain(`${path}:12:7 warning CG130 'MfaConfiguration' is written again`);
    expect(stdout).toContain(`${path}:13:7 warning CG130 'MfaConfiguration' is written 2 times`);
  });
  it('apigw-lambda-rust: the API with the re-indented ResourcePolicy is modelled and checked', async () => {
    const source = readFileSync(join(dir, 'apigw-lambda-rust.yaml'), 'utf8');
    const model = loadTemplate(source, 'apigw-lambda-rust.yaml');
    const policy = model.apis[0].auth?.raw.ResourcePolicy as Record<string, unknown>;
    const statements = policy.CustomStatements;
    expect(plain(statements)).toEqual([
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 'execute-api:Invoke',
        Resource: 'execute-api:/*/*/*',
      },
    ]);
    expect(posOf(statements, 0)).toMatchObject({ line: 17, col: 30 });
    const result = await runCheck(model, buildDeployment(model, { evaluateConditions: true }));
    expect(result.findings.filter((f) => f.code === 'CG130')).toEqual([]);
  });
});

describe('an OpenAPI file the template names is read the same way', () => {
  it('a key written twice in a local DefinitionUri file is CG130 at its lines in that file (sam package reads it with yaml_parse too)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-openapi-dup-'));
    writeFileSync(
      join(dir, 'template.yaml'),
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      DefinitionUri: ./api.yaml\n',
    );
    writeFileSync(
      join(dir, 'api.yaml'),
      "openapi: '3.0.1'\ninfo: { title: t, version: '1' }\npaths:\n  /x:\n    get:\n      summary: one\n      summary: two\n      x-amazon-apigateway-integration:\n        type: mock\n",
    );
    const template = relative(process.cwd(), join(dir, 'template.yaml'));
    const api = relative(process.cwd(), join(dir, 'api.yaml'));
    const { code, stdout, stderr } = await runCli(['check', template, '--format', 'json'], { plain: true });
    expect([0, 1], stderr).toContain(code);
    const findings = JSON.parse(stdout).findings.filter((f: { code: string }) => f.code === 'CG130');
    expect(findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual([
      `${api}:6`,
      `${api}:7`,
    ]);
  });
});
