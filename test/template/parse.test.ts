/**
 * Reading templates: every CloudFormation short-form tag reads as its long form (AWS docs:
 * "Intrinsic function reference"), positions survive, malformed input fails with file:line:col.
 */
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/template/errors.js';
import { nodePos, parseTemplate, posOf } from '../../src/template/parse.js';

// Positions ride on symbol keys; compare the plain data.
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
const read = (yaml: string) => plain(parseTemplate(`V: ${yaml}\n`, 't.yaml').root.V);

describe('short-form tags read as their long form (AWS docs: Intrinsic function reference)', () => {
  const cases: Array<[string, unknown]> = [
    ['!Ref Stage', { Ref: 'Stage' }],
    ["!Sub 'https://${Host}/x'", { 'Fn::Sub': 'https://${Host}/x' }],
    ["!Sub ['${A}-x', {A: !Ref B}]", { 'Fn::Sub': ['${A}-x', { A: { Ref: 'B' } }] }],
    ['!GetAtt Fn.Arn', { 'Fn::GetAtt': ['Fn', 'Arn'] }],
    ['!GetAtt Fn.Outputs.Url', { 'Fn::GetAtt': ['Fn', 'Outputs.Url'] }],
    ['!GetAtt [Fn, Arn]', { 'Fn::GetAtt': ['Fn', 'Arn'] }],
    ["!Join [',', [a, b]]", { 'Fn::Join': [',', ['a', 'b']] }],
    ['!If [IsProd, a, b]', { 'Fn::If': ['IsProd', 'a', 'b'] }],
    ['!Equals [a, b]', { 'Fn::Equals': ['a', 'b'] }],
    ['!And [!Condition A, !Condition B]', { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!Or [!Condition A, !Equals [x, y]]', { 'Fn::Or': [{ Condition: 'A' }, { 'Fn::Equals': ['x', 'y'] }] }],
    ['!Not [!Condition A]', { 'Fn::Not': [{ Condition: 'A' }] }],
    ['!Select [1, [a, b]]', { 'Fn::Select': [1, ['a', 'b']] }],
    ["!Split [',', 'a,b']", { 'Fn::Split': [',', 'a,b'] }],
    ['!FindInMap [Map, k1, k2]', { 'Fn::FindInMap': ['Map', 'k1', 'k2'] }],
    ['!ImportValue shared-origin', { 'Fn::ImportValue': 'shared-origin' }],
    ['!Base64 hello', { 'Fn::Base64': 'hello' }],
    ["!Cidr ['10.0.0.0/16', 6, 5]", { 'Fn::Cidr': ['10.0.0.0/16', 6, 5] }],
    ["!GetAZs ''", { 'Fn::GetAZs': '' }],
    ['!Condition IsProd', { Condition: 'IsProd' }],
    [
      '!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}',
      { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k' } } },
    ],
  ];
  for (const [yaml, long] of cases) {
    it(`${yaml.split(' ')[0]}: ${yaml}`, () => expect(read(yaml)).toEqual(long));
  }

  it('a tag nested in a tag keeps both (!Sub inside !Join inside !If)', () => {
    expect(read("!If [C, !Join ['', [!Sub '${A}', b]], !Ref AWS::NoValue]")).toEqual({
      'Fn::If': ['C', { 'Fn::Join': ['', [{ 'Fn::Sub': '${A}' }, 'b']] }, { Ref: 'AWS::NoValue' }],
    });
  });

  it('JSON templates read the long forms as written', () => {
    const { root } = parseTemplate('{"V": {"Fn::Join": ["", [{"Ref": "A"}]]}}', 't.json');
    expect(plain(root.V)).toEqual({ 'Fn::Join': ['', [{ Ref: 'A' }]] });
  });
});

describe('malformed input is an error at file:line:col', () => {
  const failure = (source: string): TemplateError => {
    try {
      parseTemplate(source, 'bad.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      return error as TemplateError;
    }
    throw new Error('expected a TemplateError');
  };

  it('an unknown tag names itself and its line', () => {
    const e = failure('Resources:\n  A:\n    Type: !Foo x\n');
    expect(e.message).toMatch(/^bad\.yaml:3:\d+: unknown tag !Foo/);
  });
  it('a tag on the wrong node (!GetAtt on a mapping)', () => {
    const e = failure('a: 1\nb: !GetAtt {x: 1}\n');
    expect(e.message).toMatch(/^bad\.yaml:2:\d+: !GetAtt takes a string or a list, not a mapping/);
  });
  it('a tag on the wrong node (!Join on a scalar)', () => {
    expect(failure('b: !Join abc\n').message).toMatch(/^bad\.yaml:1:\d+: .*Join/);
  });
  it('bad YAML names the line where the parser stopped', () => {
    expect(failure('a: [1, 2\nb: 3\n').message).toMatch(/^bad\.yaml:2:\d+: invalid YAML/);
  });
  it('a YAML alias bomb is refused quickly, not expanded', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const started = performance.now();
    const e = failure(`${levels.join('\n')}\n`);
    expect(e.message).toMatch(/alias/);
    // Not a timing assertion of the product: a guard that the bomb was not expanded (10^9 nodes).
    expect(performance.now() - started).toBeLessThan(5000);
  });
  it('a file over 10 MB is refused before parsing', () => {
    const big = `a: "${'x'.repeat(11 * 1024 * 1024)}"\n`;
    expect(failure(big).message).toMatch(/^bad\.yaml:1:1: .*MB/);
  });
});

describe('positions travel with every value', () => {
  it('scalars, mappings and list items know their line and column', () => {
    const { root } = parseTemplate(
      'Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Props: [a, !Ref B]\n',
      'p.yaml',
    );
    const api = (root.Resources as Record<string, unknown>).Api as Record<string, unknown>;
    expect(posOf(api, 'Type')).toEqual({ file: 'p.yaml', line: 3, col: 11 });
    expect(nodePos(api)).toMatchObject({ line: 3, col: 5 });
    // A tagged value is located at its content (`B` in `!Ref B`), where the edit goes.
    expect(posOf(api.Props, 1)).toMatchObject({ line: 4, col: 21 });
  });
});
