/**
 * The functions serve runs, as the template declares them: Layers from an AWS::Serverless::LayerVersion's
 * local ContentUri, Environment.Variables with the overrides of an --env-vars file in SAM CLI's format.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/index.js';
import { functionSpecsOf, readEnvVarsFile } from '../../src/serve/functions.js';
import { loadTemplate } from '../../src/template/load.js';
import { runCli } from '../support/run-cli.js';

const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Layers:
      - !Ref CommonLayer
Resources:
  CommonLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/common/
  PublishedLayer:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: { S3Bucket: b, S3Key: k }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Layers:
        - !Ref CommonLayer
        - arn:aws:lambda:us-east-1:123456789012:layer:shared:3
        - !Ref PublishedLayer
      Environment:
        Variables:
          STAGE: dev
          FLAG: "no"
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossgate-functions-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('functions as serve runs them', () => {
  it('a Layer that is a !Ref to an AWS::Serverless::LayerVersion with a local ContentUri is its folder; an ARN or S3 content is named in a note', () => {
    const model = loadTemplate(TEMPLATE, join(dir, 'template.yaml'), { baseDir: dir });
    const { specs, notes } = functionSpecsOf(model);
    expect(specs[0]).toMatchObject({
      id: 'Fn',
      codeDir: join(dir, 'src'),
      layers: [join(dir, 'layers/common')],
    });
    expect(notes).toEqual([
      expect.stringMatching(
        /^Fn: layer arn:aws:lambda:us-east-1:123456789012:layer:shared:3 has no local ContentUri folder/,
      ),
      expect.stringMatching(/^Fn: layer PublishedLayer has no local ContentUri folder/),
    ]);
  });

  it('a container image function (PackageType: Image, AWS SAM docs: AWS::Serverless::Function PackageType) is said at start not to be run, and answered unsupported, not as a malformed handler', async () => {
    const model = loadTemplate(
      `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 10
Resources:
  Img:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      ImageUri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest
    Metadata:
      DockerContext: ./app
      Dockerfile: Dockerfile
`,
      join(dir, 'template.yaml'),
      { baseDir: dir },
    );
    const { specs } = functionSpecsOf(model);
    expect(specs[0]).toMatchObject({ id: 'Img', packageType: 'Image' });
    const runtime = createRuntime(specs);
    try {
      expect(await runtime.notes()).toEqual([
        expect.stringMatching(
          /^Img: a container image function \(PackageType: Image\) is not run by crossgate/,
        ),
      ]);
      expect(await runtime.invoke('Img', {}, 'r-1', 1000)).toMatchObject({
        ok: false,
        kind: 'unsupported',
        errorType: 'Crossgate.ImageUnsupported',
        message: expect.stringMatching(/^Img is a container image function .*Docker/),
      });
    } finally {
      await runtime.close();
    }
  });

  it('--env-vars values become strings as sam local makes them (true → "true", an object → "")', () => {
    const model = loadTemplate(TEMPLATE, join(dir, 'template.yaml'), { baseDir: dir });
    const { specs } = functionSpecsOf(model, { envVars: { Fn: { STAGE: { Ref: 'x' }, FLAG: true } } });
    expect(specs[0].environment).toEqual({ STAGE: '', FLAG: 'true' });
  });

  it('an --env-vars file that is not JSON, or whose entries are not objects, is refused naming the file', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"Fn": "STAGE=prod"}');
    expect(() => readEnvVarsFile(bad)).toThrow(
      `--env-vars ${bad}: "Fn" must be an object of variables, as {"Fn": {"NAME": "value"}}`,
    );
    writeFileSync(bad, '{');
    expect(() => readEnvVarsFile(bad)).toThrow(new RegExp(`^--env-vars ${bad}: `));
  });

  it('serve --env-vars with a bad file exits 2 before listening', async () => {
    const bad = join(dir, 'bad-cli.json');
    writeFileSync(bad, '[]');
    const run = await runCli(['serve', 'examples/guide-python/template.yaml', '--env-vars', bad], {
      plain: true,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--env-vars ${bad}: must be a JSON object`);
  });
});
