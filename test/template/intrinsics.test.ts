/**
 * Intrinsic functions resolve where the value can be known before deploy (AWS docs: "Intrinsic
 * function reference", "Pseudo parameters reference"); what cannot be known stays symbolic and says why.
 */
import { describe, expect, it } from 'vitest';
import { Resolver, Symbolic } from '../../src/template/intrinsics.js';
import { parseTemplate } from '../../src/template/parse.js';

const resolver = (yaml: string, overrides: Record<string, string> = {}) =>
  new Resolver(parseTemplate(yaml, 'i.yaml').root, { parameterOverrides: overrides });

const base = `Parameters:
  Origin: { Type: String, Default: https://app.example.com }
  Origins: { Type: CommaDelimitedList, Default: "https://a.example, https://b.example" }
  NoDefault: { Type: String }
Mappings:
  Stages:
    prod: { Origin: https://prod.example }
Conditions:
  IsProd: !Equals [!Ref AWS::StackName, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
  Fn: { Type: AWS::Serverless::Function }
`;

describe('resolving intrinsics', () => {
  const r = resolver(base);
  it('!Ref to a parameter is its Default', () =>
    expect(r.resolve({ Ref: 'Origin' })).toBe('https://app.example.com'));
  it('--parameter-overrides replaces the Default, as sam deploy does', () =>
    expect(resolver(base, { Origin: 'http://localhost:5173' }).resolve({ Ref: 'Origin' })).toBe(
      'http://localhost:5173',
    ));
  it('a CommaDelimitedList parameter is a list, items trimmed', () =>
    expect(r.resolve({ Ref: 'Origins' })).toEqual(['https://a.example', 'https://b.example']));
  it('pseudo parameters have the documented local defaults (AWS::Region us-east-1)', () => {
    expect(r.resolve({ Ref: 'AWS::Region' })).toBe('us-east-1');
    expect(typeof r.resolve({ Ref: 'AWS::AccountId' })).toBe('string');
    expect(typeof r.resolve({ Ref: 'AWS::StackName' })).toBe('string');
  });
  it('!Sub with known names: "\'${Origin}\'" becomes a quoted literal', () =>
    expect(r.resolve({ 'Fn::Sub': "'${Origin}'" })).toBe("'https://app.example.com'"));
  it('!Sub list form with its own variables', () =>
    expect(r.resolve({ 'Fn::Sub': ['${A}/${AWS::Region}', { A: { Ref: 'Origin' } }] })).toBe(
      'https://app.example.com/us-east-1',
    ));
  it('!Sub keeps ${!Literal} as ${Literal}', () =>
    expect(r.resolve({ 'Fn::Sub': '${!Origin}' })).toBe('${Origin}'));
  it('!Join, !Select, !Split', () => {
    expect(r.resolve({ 'Fn::Join': [',', [{ Ref: 'Origin' }, 'x']] })).toBe('https://app.example.com,x');
    expect(r.resolve({ 'Fn::Select': [1, { Ref: 'Origins' }] })).toBe('https://b.example');
    expect(r.resolve({ 'Fn::Split': [',', 'a,b'] })).toEqual(['a', 'b']);
  });
  it('!FindInMap', () =>
    expect(r.resolve({ 'Fn::FindInMap': ['Stages', 'prod', 'Origin'] })).toBe('https://prod.example'));
  it('!If picks the branch its condition selects', () => {
    expect(r.condition('IsProd')).toBe(false);
    expect(r.resolve({ 'Fn::If': ['NotProd', 'dev', 'prod'] })).toBe('dev');
  });
  it('!Base64 encodes', () => expect(r.resolve({ 'Fn::Base64': 'hi' })).toBe('aGk='));
  it('!GetAtt stays symbolic and says what it is', () => {
    const v = r.resolve({ 'Fn::GetAtt': ['Fn', 'Arn'] });
    expect(v).toBeInstanceOf(Symbolic);
    expect(String(v)).toContain('Fn');
  });
  it('!ImportValue stays symbolic', () =>
    expect(r.resolve({ 'Fn::ImportValue': 'x' })).toBeInstanceOf(Symbolic));
  it('a parameter with no Default and no override stays symbolic, with the reason', () => {
    const v = r.resolve({ Ref: 'NoDefault' }) as Symbolic;
    expect(v).toBeInstanceOf(Symbolic);
    expect(v.why).toMatch(/no Default/);
  });
  it('!Sub over a symbolic part stays symbolic', () =>
    expect(r.resolve({ 'Fn::Sub': '${Fn.Arn}/x' })).toBeInstanceOf(Symbolic));
});
