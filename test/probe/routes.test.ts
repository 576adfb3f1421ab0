/** `crossgate probe --routes template.yaml --base-url URL`: every route × every origin, against `crossgate serve`. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadTemplateFile } from '../../src/cli/template-file.js';
import {
  FOREIGN_ORIGIN,
  probeRoutes,
  routeProbes,
  samplePath,
  templateOrigins,
} from '../../src/probe/routes.js';
import { serve } from '../../src/serve/serve.js';
import { writeManyRoutesTemplate } from '../support/many-routes.mjs';
import { run } from './servers.js';

type Running = Awaited<ReturnType<typeof serve>>;

async function serveTemplate(file: string, apiKeys: string[] = []): Promise<Running> {
  const { model, deployment } = loadTemplateFile(file);
  return serve(model, deployment, { port: 0, stagePrefix: true, watch: false, apiKeys });
}

afterEach(() => vi.restoreAllMocks());

describe('crossgate probe --routes: the routes of a template', () => {
  it('replaces path parameters with sample values ({id} → 1, {proxy+} → probe)', () => {
    expect(samplePath('/items/{id}/parts/{partId}')).toBe('/items/1/parts/1');
    expect(samplePath('/files/{proxy+}')).toBe('/files/probe');
  });

  it("takes the origins from the OPTIONS mocks' Access-Control-Allow-Origin and the x-api-key header from ApiKeyRequired (SAM Cors → OPTIONS mock)", () => {
    const { deployment } = loadTemplateFile('examples/proxy-api/template.yaml');
    expect(templateOrigins(deployment.apis)).toEqual({ origins: ['http://localhost:5173'], wildcard: false });
    const routes = routeProbes(deployment.apis, 'https://abc.execute-api.eu-west-1.amazonaws.com/Prod/');
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /health',
      'GET /items',
      'POST /items',
      'GET /items/{id}',
      'PUT /items/{id}',
      'DELETE /items/{id}',
    ]);
    const put = routes.find((r) => r.method === 'PUT')!;
    expect(put.url).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/Prod/items/1');
    expect(put.headers).toEqual([['x-api-key', 'crossgate-probe']]);
    expect(put.bodyType).toBe('application/json');
    expect(routes[0].headers).toEqual([]);
  });
});

describe('crossgate probe --routes against crossgate serve', () => {
  let good: Running;
  let pitfall: Running;
  beforeAll(async () => {
    good = await serveTemplate('examples/proxy-api/template.yaml', ['k1']);
    pitfall = await serveTemplate('examples/pitfalls/api-key-on-preflight.yaml', ['k1']);
  }, 30_000);
  afterAll(async () => {
    await good?.close();
    await pitfall?.close();
  });

  it("examples/proxy-api: every route allowed from the template's origin, blocked from a foreign one; exit 0", async () => {
    const { code, stdout } = await run([
      'probe',
      '--routes',
      'examples/proxy-api/template.yaml',
      '--base-url',
      `${good.server.url}/Prod`,
      '--header',
      'x-api-key: k1',
      '--allow-writes',
    ]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(
      /^route\s+http:\/\/localhost:5173\s+https:\/\/not-allowed\.example \(not trusted\)$/,
    );
    expect(stdout).toMatch(/GET \/items\s+allowed 200\s+blocked preflight: allow-origin-mismatch/);
    expect(stdout).toMatch(/DELETE \/items\/\{id\}\s+allowed 204\s+blocked preflight/);
    // A simple GET to /health from a foreign origin reaches the handler, which leaves the header out.
    expect(stdout).toMatch(/GET \/health\s+allowed 200\s+blocked actual: handler-without-cors/);
  });

  it('without --allow-writes, routes that would send a real write after their preflight are left out, and said so', async () => {
    const { code, stdout } = await run([
      'probe',
      '--routes',
      'examples/proxy-api/template.yaml',
      '--base-url',
      `${good.server.url}/Prod`,
      '--header',
      'x-api-key: k1',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/GET \/items\s+allowed 200/);
    expect(stdout).not.toMatch(/^DELETE /m);
    expect(stdout).toMatch(
      /not probed \(each would send a real write.*--allow-writes\): POST \/items, PUT \/items\/\{id\}, DELETE \/items\/\{id\}/,
    );
  });

  it('examples/pitfalls/api-key-on-preflight: the preflight gets 403 ForbiddenException and the table says why; exit 1 (SAM Auth.ApiKeyRequired also guards OPTIONS)', async () => {
    const { code, stdout } = await run([
      'probe',
      '--routes',
      'examples/pitfalls/api-key-on-preflight.yaml',
      '--base-url',
      `${pitfall.server.url}/Prod`,
      '--header',
      'x-api-key: k1',
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/GET \/items\s+blocked preflight: api-key-on-preflight/);
    expect(stdout).toContain('AddApiKeyRequiredToCorsPreflight: false');
    expect(stdout).toContain("Chromium: Access to fetch at '");
  });

  it('--json gives one object with a verdict per route and origin', async () => {
    const { code, stdout } = await run([
      'probe',
      '--routes',
      'examples/proxy-api/template.yaml',
      '--base-url',
      `${good.server.url}/Prod`,
      '--origin',
      'http://localhost:5173',
      '--json',
    ]);
    // Without a key the routes answer 403, but the gateway responses carry CORS: the page reads them.
    expect(code).toBe(0);
    const j = JSON.parse(stdout);
    expect(j.origins).toEqual(['http://localhost:5173']);
    const items = j.routes.find(
      (r: { method: string; path: string }) => r.method === 'GET' && r.path === '/items',
    );
    expect(items.results[0]).toMatchObject({ origin: 'http://localhost:5173', verdict: 'allowed' });
  });

  it('200 routes × 3 origins all get their verdict with the default concurrency (the time is printed; timings are not asserted)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossgate-routes-'));
    const file = writeManyRoutesTemplate(dir, resolve('examples/proxy-api/src'));
    const running = await serveTemplate(file);
    try {
      const { deployment } = loadTemplateFile(file);
      await probeRoutes(deployment, {
        baseUrl: `${running.server.url}/Prod`,
        origins: ['http://localhost:5173'],
        allowWrites: true,
      }); // warm-up
      const started = performance.now();
      const r = await probeRoutes(deployment, {
        baseUrl: `${running.server.url}/Prod`,
        origins: ['http://localhost:5173', 'http://localhost:3000', FOREIGN_ORIGIN],
        allowWrites: true,
      });
      const ms = performance.now() - started;
      process.stderr.write(`probe --routes: 200 routes × 3 origins in ${Math.round(ms)} ms\n`);
      expect(r.routes).toHaveLength(200);
      expect(r.results.flat()).toHaveLength(600);
      expect(r.results.every((row) => row[0].outcome === 'allowed' && row[2].outcome === 'blocked')).toBe(
        true,
      );
    } finally {
      await running.close();
    }
  }, 60_000);
});
