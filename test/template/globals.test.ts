/**
 * Globals merge as SAM's globals plugin merges them (samtranslator/plugins/globals/globals.py; SAM docs
 * "Globals section of the AWS SAM template"), with positions pointing at whichever line set the value.
 */
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/template/errors.js';
import { loadTemplate } from '../../src/template/load.js';

const template = (globals: string, fnProps: string, apiProps = '') => `Transform: AWS::Serverless-2016-10-31
Globals:
${globals}
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
${apiProps}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
${fnProps}
      Events:
        Get:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /x, Method: get }
`;

describe('Globals merge rules (SAM docs: Globals section)', () => {
  it('scalars: the resource wins (Timeout 10 over the global 3)', () => {
    const m = loadTemplate(template('  Function:\n    Timeout: 3', '      Timeout: 10'), 'g.yaml');
    expect(m.functions.Fn.timeout).toBe(10);
  });
  it('scalars: the global applies where the resource says nothing', () => {
    const m = loadTemplate(template('  Function:\n    Timeout: 7\n    MemorySize: 512', ''), 'g.yaml');
    expect(m.functions.Fn.timeout).toBe(7);
    expect(m.functions.Fn.memorySize).toBe(512);
  });
  it('maps: merged key by key (Environment.Variables from both, the resource wins a clash)', () => {
    const m = loadTemplate(
      template(
        '  Function:\n    Environment:\n      Variables:\n        A: global\n        B: global',
        '      Environment:\n        Variables:\n          B: local\n          C: local',
      ),
      'g.yaml',
    );
    expect(m.functions.Fn.environment).toEqual({ A: 'global', B: 'local', C: 'local' });
  });
  it('lists: the global list, then the resource list (Layers)', () => {
    const m = loadTemplate(template('  Function:\n    Layers: [g1, g2]', '      Layers: [l1]'), 'g.yaml');
    expect(JSON.parse(JSON.stringify(m.functions.Fn.properties.Layers))).toEqual(['g1', 'g2', 'l1']);
  });
  it('Cors: two mappings merge, each key keeping the line that set it', () => {
    const m = loadTemplate(
      template(
        '  Api:\n    Cors:\n      AllowOrigin: "\'https://a.example\'"\n      AllowHeaders: "\'Content-Type\'"',
        '',
        '      Cors:\n        AllowHeaders: "\'Content-Type,X-Api-Key\'"',
      ),
      'g.yaml',
    );
    const cors = m.apis[0].cors!;
    expect(cors.allowOrigin?.raw).toBe("'https://a.example'");
    expect(cors.allowOrigin?.pos).toMatchObject({ line: 5 });
    expect(cors.allowHeaders?.raw).toBe("'Content-Type,X-Api-Key'");
    expect(cors.allowHeaders?.pos).toMatchObject({ line: 13 });
  });
  it('Cors: a string on the resource replaces a global mapping (different kinds: the resource wins)', () => {
    const m = loadTemplate(
      template(
        '  Api:\n    Cors:\n      AllowOrigin: "\'https://a.example\'"\n      MaxAge: "\'60\'"',
        '',
        '      Cors: "\'https://b.example\'"',
      ),
      'g.yaml',
    );
    expect(m.apis[0].cors?.shorthand).toBe(true);
    expect(m.apis[0].cors?.allowOrigin?.raw).toBe("'https://b.example'");
    expect(m.apis[0].cors?.maxAge).toBeUndefined();
  });
  it('Auth: mappings merge (global ApiKeyRequired with the resource AddApiKeyRequiredToCorsPreflight)', () => {
    const m = loadTemplate(
      template(
        '  Api:\n    Auth:\n      ApiKeyRequired: true',
        '',
        '      Auth:\n        AddApiKeyRequiredToCorsPreflight: false',
      ),
      'g.yaml',
    );
    expect(m.apis[0].auth?.apiKeyRequired?.raw).toBe(true);
    expect(m.apis[0].auth?.addApiKeyRequiredToCorsPreflight?.raw).toBe(false);
  });
  it('an intrinsic counts as a scalar: the resource !Ref replaces a global mapping', () => {
    const m = loadTemplate(
      `Parameters:\n  O:\n    Type: String\n    Default: "'https://p.example'"\n${template('  Api:\n    Cors:\n      AllowOrigin: "\'https://a.example\'"', '', '      Cors: !Ref O')}`,
      'g.yaml',
    );
    expect(m.apis[0].cors?.shorthand).toBe(true);
  });
  it('IgnoreGlobals: "*" (a resource attribute) keeps the global Timeout off the resource', () => {
    const source = template('  Function:\n    Timeout: 9', '').replace(
      '    Type: AWS::Serverless::Function\n',
      "    Type: AWS::Serverless::Function\n    IgnoreGlobals: '*'\n",
    );
    const m = loadTemplate(source, 'g.yaml');
    expect(m.functions.Fn.timeout).toBe(3);
  });
  it('a property SAM does not take from Globals is an error at its key (Globals.Api.StageName)', () => {
    try {
      loadTemplate(template('  Api:\n    StageName: dev', ''), 'g.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect((e as Error).message).toMatch(
        /^g\.yaml:4:5: 'StageName' is not a property SAM reads from Globals\.Api/,
      );
    }
  });
  it('an unknown Globals section is an error at its key', () => {
    expect(() => loadTemplate(template('  Lambda:\n    Timeout: 3', ''), 'g.yaml')).toThrow(
      /^g\.yaml:3:3: 'Globals' has no section 'Lambda'/,
    );
  });
});
