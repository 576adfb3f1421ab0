/**
 * `crossgate probe` against an HTTP API and a Function URL served by `crossgate serve`: probe needs no
 * change for them — the preflight is simply answered by the gateway (204, AWS docs: "Configuring
 * CORS for an HTTP API") or by Lambda — and it judges the answers as Chromium does.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleJwt } from '../../src/check/simulate.js';
import { probe } from '../../src/probe/probe.js';
import { buildDeployment } from '../../src/sam/deployment.js';
import { type RunningServe, serve } from '../../src/serve/serve.js';
import { loadTemplate } from '../../src/template/load.js';

const APP = 'http://localhost:5173';

async function serveExample(file: string): Promise<RunningServe> {
  const model = loadTemplate(readFileSync(file, 'utf8'), file, { baseDir: dirname(file) });
  return serve(model, buildDeployment(model, { evaluateConditions: true }), { port: 0, watch: false });
}

describe('probe against crossgate serve: an HTTP API', () => {
  let running: RunningServe;
  beforeAll(async () => {
    running = await serveExample('examples/http-api/template.yaml');
  }, 30_000);
  afterAll(() => running?.close());

  it('a DELETE with a JWT from the allowed origin: the preflight is answered 204 by API Gateway, the answer allowed', async () => {
    const token = sampleJwt('https://auth.example.com/', 'items-api', []);
    const result = await probe({
      url: `${running.server.url}/items/1`,
      origin: APP,
      method: 'DELETE',
      headers: [['Authorization', `Bearer ${token}`]],
    });
    expect(result.outcome).toBe('allowed');
    const [preflight, actual] = result.exchanges;
    expect(preflight.step).toBe('preflight');
    expect(preflight.response?.status).toBe(204);
    expect(actual.step).toBe('actual');
    expect(actual.response?.status).toBe(204); // the function deleted item 1
  });

  it('the same call from another origin: blocked at the preflight, which has no CORS header', async () => {
    const result = await probe({
      url: `${running.server.url}/items/1`,
      origin: 'https://evil.example',
      method: 'DELETE',
      headers: [['Authorization', 'Bearer x']],
    });
    expect(result.outcome).toBe('blocked');
    expect(result.verdict?.failedStep).toBe('preflight');
    expect(result.exchanges[0].response?.status).toBe(204);
    expect(result.verdict?.consoleMessage).toMatch(/No 'Access-Control-Allow-Origin' header is present/);
  });

  it('a JSON POST without a token: API Gateway answers 401 with the CORS headers, so the page can read it', async () => {
    const result = await probe({
      url: `${running.server.url}/items`,
      origin: APP,
      bodyType: 'application/json',
    });
    expect(result.outcome).toBe('allowed');
    expect(result.exchanges.at(-1)?.response?.status).toBe(401);
  });
});

describe('probe against crossgate serve: a Function URL on its own port', () => {
  let running: RunningServe;
  beforeAll(async () => {
    running = await serveExample('examples/function-url/template.yaml');
  }, 30_000);
  afterAll(() => running?.close());

  it('a JSON POST from the allowed origin is allowed; Lambda answered the preflight from Cors', async () => {
    const url = running.functionUrls[0].server.url;
    const result = await probe({
      url: `${url}/`,
      origin: APP,
      bodyType: 'application/json',
      body: '{"text":"x"}',
    });
    expect(result.outcome).toBe('allowed');
    expect(result.exchanges[0].step).toBe('preflight');
    expect(result.exchanges[0].response?.status).toBe(200);
    expect(result.exchanges[1].response?.status).toBe(201);
  });
});
