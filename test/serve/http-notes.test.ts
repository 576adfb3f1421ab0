/**
 * What `serve` says at start-up about HTTP APIs and Function URLs: JWT signatures not verified without
 * --jwks (loudly), AWS_IAM not enforced locally; and a JWKS file that is not one is refused (exit 2).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDeployment } from '../../src/sam/deployment.js';
import { serveNotes } from '../../src/serve/serve.js';
import { loadTemplate } from '../../src/template/load.js';
import { runCli } from '../support/run-cli.js';

describe('serve start-up notes for HTTP APIs and Function URLs', () => {
  const d = buildDeployment(
    loadTemplate(
      `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      FunctionUrlConfig: { AuthType: AWS_IAM }
`,
      'u.yaml',
    ),
  );
  const example = buildDeployment(
    loadTemplate(readFileSync('examples/http-api/template.yaml', 'utf8'), 'examples/http-api/template.yaml'),
  );

  it('without --jwks: JWT SIGNATURES ARE NOT VERIFIED, naming the authorizer; with it, nothing', () => {
    expect(serveNotes(example, false).join('\n')).toMatch(
      /JWT SIGNATURES ARE NOT VERIFIED \(ItemsApi\.Users\)/,
    );
    expect(serveNotes(example, true).join('\n')).not.toMatch(/JWT SIGNATURES/);
  });

  it('a Function URL with AuthType AWS_IAM: not enforced locally', () => {
    expect(serveNotes(d, false)).toContain(
      'FnUrl: AuthType AWS_IAM is not enforced locally: unsigned requests reach Fn',
    );
  });

  it('--jwks with a file that is not a JSON Web Key Set: exit 2, no server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-jwks-'));
    writeFileSync(join(dir, 'bad.json'), '{"nokeys": true}');
    const r = await runCli(
      [
        'serve',
        'examples/http-api/template.yaml',
        '--port',
        '0',
        '--inspector',
        'off',
        '--jwks',
        join(dir, 'bad.json'),
      ],
      { plain: true },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--jwks: .* is not a JSON Web Key Set/);
  });
});
