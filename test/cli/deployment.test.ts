/** `crossgate deployment`: prints what SAM will create; bad input exits 2 with file:line:col. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../support/run-cli.js';

const run = (argv: string[]) => runCli(argv, { plain: true });

afterEach(() => vi.restoreAllMocks());

describe('crossgate deployment', () => {
  it('prints every path, method, the key requirement and the OPTIONS header values of the example', async () => {
    const { code, stdout } = await run(['deployment', 'examples/proxy-api/template.yaml']);
    expect(code).toBe(0);
    expect(stdout).toContain('ItemsApi');
    expect(stdout).toMatch(/\/items\/\{id\}/);
    expect(stdout).toMatch(/GET\s+Lambda proxy → ItemsFunction\s+API key/);
    expect(stdout).toContain('Access-Control-Allow-Origin: http://localhost:5173');
  });

  it('--json gives the model as data, positions as file:line:col', async () => {
    const { code, stdout } = await run(['deployment', 'examples/proxy-api/template.yaml', '--json']);
    expect(code).toBe(0);
    const model = JSON.parse(stdout);
    const items = model.apis[0].resources.find((r: { path: string }) => r.path === '/items');
    const options = items.methods.find((m: { method: string }) => m.method === 'OPTIONS');
    expect(options).toMatchObject({ integration: 'mock', apiKeyRequired: false, corsPreflight: true });
    const get = items.methods.find((m: { method: string }) => m.method === 'GET');
    expect(get).toMatchObject({
      integration: 'aws_proxy',
      functionId: 'ItemsFunction',
      apiKeyRequired: true,
    });
    expect(get.pos).toMatch(/^examples\/proxy-api\/template\.yaml:\d+:\d+$/);
  });

  it('prints an HTTP API: routes with payload format and authorizer, the CorsConfiguration the gateway answers with', async () => {
    const { code, stdout } = await run(['deployment', 'examples/http-api/template.yaml']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/ItemsApi \(HTTP API, stage \$default/);
    expect(stdout).toMatch(/POST\s+Lambda proxy → WriteItemsFunction, payload 2\.0\s+authorizer Users/);
    expect(stdout).toMatch(/GET\s+Lambda proxy → ListItemsFunction, payload 2\.0\n/);
    expect(stdout).toContain('AllowOrigins: http://localhost:5173');
    expect(stdout).toContain("the integration's own CORS headers are dropped");
    expect(stdout).toMatch(/Users \(JWT, issuer https:\/\/auth\.example\.com\/, audience items-api/);
  });

  it('prints a Function URL; --json holds httpApis and functionUrls with positions as file:line:col', async () => {
    const text = await run(['deployment', 'examples/function-url/template.yaml']);
    expect(text.stdout).toMatch(/NotesFunctionUrl \(Function URL/);
    expect(text.stdout).toContain('every path and method → NotesFunction, payload 2.0, AuthType NONE');
    const { stdout } = await run(['deployment', 'examples/function-url/template.yaml', '--json']);
    const model = JSON.parse(stdout);
    expect(model.httpApis).toEqual([]);
    expect(model.functionUrls[0]).toMatchObject({
      kind: 'function-url',
      logicalId: 'NotesFunctionUrl',
      functionId: 'NotesFunction',
      authType: 'NONE',
      cors: { allowOrigins: ['http://localhost:5173'], allowMethods: ['GET', 'POST'], maxAge: 300 },
    });
    expect(model.functionUrls[0].cors.at.maxAge).toMatch(/^examples\/function-url\/template\.yaml:\d+:\d+$/);
    const http = JSON.parse((await run(['deployment', 'examples/http-api/template.yaml', '--json'])).stdout);
    expect(http.httpApis[0].resources.map((r: { path: string }) => r.path)).toEqual([
      '/items',
      '/items/{id}',
    ]);
    expect(http.httpApis[0].body).toBeUndefined();
  });

  it('--parameter-overrides changes what the OPTIONS method answers', async () => {
    const { stdout } = await run([
      'deployment',
      'examples/proxy-api/template.yaml',
      '--parameter-overrides',
      'AppOrigin=https://app.example.com',
    ]);
    expect(stdout).toContain('Access-Control-Allow-Origin: https://app.example.com');
  });

  it('a malformed template exits 2 and names file:line:col', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'Resources:\n  A:\n    Type: !Nope x\n');
    const { code, stderr } = await run(['deployment', file]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/bad\.yaml:3:\d+: unknown tag !Nope/);
  });

  it('a missing file exits 2', async () => {
    const { code, stderr } = await run(['deployment', 'no/such/template.yaml']);
    expect(code).toBe(2);
    expect(stderr).toContain('no such file');
  });

  it('an unknown command exits 2 with the usage', async () => {
    const { code, stderr } = await run(['deploy']);
    expect(code).toBe(2);
    expect(stderr).toContain('usage: crossgate');
  });

  it('non-proxy integrations: the backend and each integration response with its mapped headers; OpenAPI from an included file', async () => {
    const { code, stdout } = await run([
      'deployment',
      'test/fixtures/serverless-patterns/apigw-cache-invalidation-eventbridge/template.yaml',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /GET\s+AWS dynamodb\n\s+response 200 → 200\n\s+Cache-Control: no-cache, no-store\n\s+Access-Control-Allow-Origin: \*/,
    );
    expect(stdout).toMatch(/cache-timestamp: \(from "integration\.response\.header\.Date"\)/);
  });
});
