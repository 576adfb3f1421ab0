/**
 * check, serve, probe and Chromium agree on HTTP APIs and Function URLs: every request `check`
 * simulates for the examples and the HTTP pitfalls is sent by real Chromium (a page on a second
 * loopback origin) to `crossgate serve` — the HTTP API on the API port, each Function URL on its own —
 * and by `crossgate probe`; what Chromium did must be what check's browser model predicted, with the
 * predicted console message. The preflights here are answered by the gateway (or Lambda) from the CORS
 * configuration, and handlers' own CORS headers are dropped (HTTP API) or doubled (Function URL),
 * as src/gateway/cors-config.ts documents.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFixes } from '../../src/check/fix.js';
import { runCheck } from '../../src/check/run.js';
import { functionUrlOrigin } from '../../src/check/simulate.js';
import { probeFetch } from '../../src/probe/probe.js';
import { buildDeployment } from '../../src/sam/deployment.js';
import { serve } from '../../src/serve/serve.js';
import { loadTemplate } from '../../src/template/load.js';
import {
  type ChromiumPage,
  hasChromium,
  mustRunChromium,
  openPage,
  warnIfNoChromium,
} from './chromium-page.js';

warnIfNoChromium('the HTTP API / Function URL Chromium agreement suite');

function load(file: string, pageOrigin: string, source = readFileSync(file, 'utf8')) {
  const text = source.replaceAll('http://localhost:5173', pageOrigin);
  const model = loadTemplate(text, file, {
    baseDir: dirname(file),
    parameterOverrides: { AppOrigin: pageOrigin },
  });
  return { model, deployment: buildDeployment(model, { evaluateConditions: true }), text };
}

interface Row {
  route: string;
  predicted: boolean;
  actual: boolean;
  probed: boolean;
  predictedMessage?: string;
  actualMessage?: string;
  probedMessage?: string;
}

async function agreement(page: ChromiumPage, file: string, source?: string) {
  const { model, deployment, text } = load(file, page.origin, source);
  const result = await runCheck(model, deployment, { origins: [page.origin] });
  const running = await serve(model, deployment, { port: 0, watch: false, stagePrefix: true });
  // check's hosts → serve's addresses.
  const hosts = new Map<string, string>([['https://api.crossgate.local', running.server.url]]);
  for (const u of running.functionUrls) hosts.set(functionUrlOrigin(u.url), u.server.url);
  const local = (s: string | undefined) => {
    let out = s;
    for (const [from, to] of hosts) out = out?.replaceAll(from, to);
    return out;
  };
  const rows: Row[] = [];
  try {
    for (const s of result.simulations) {
      if (s.origin !== page.origin) continue;
      const plan = s.verdict.plan;
      const headers: Record<string, string> = {};
      for (const h of plan.headers) if (h.fate !== 'forbidden') headers[h.name] = h.value;
      const call = {
        url: local(plan.url)!,
        method: plan.method,
        headers,
        credentials: plan.credentialsMode,
        body: plan.actual?.method === 'GET' ? ({ type: 'none' } as const) : ({ type: 'json' } as const),
      };
      const outcome = await page.fetch(call);
      const probed = await probeFetch(page.origin, call, { body: '{"name":"from probe"}' });
      rows.push({
        route: `${s.shape} ${s.api.logicalId} ${s.resource.path}`,
        predicted: s.verdict.allowed,
        actual: outcome.ok,
        probed: probed.outcome === 'allowed',
        predictedMessage: local(s.verdict.consoleMessage),
        actualMessage: outcome.consoleMessages[0],
        probedMessage: probed.verdict?.consoleMessage,
      });
    }
  } finally {
    await running.close();
  }
  return { rows, findings: result.findings, text };
}

function expectAgreement(rows: Row[]) {
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    expect({ route: r.route, chromium: r.actual, probe: r.probed }).toEqual({
      route: r.route,
      chromium: r.predicted,
      probe: r.predicted,
    });
    if (!r.predicted) {
      expect(r.actualMessage).toBe(r.predictedMessage);
      expect(r.probedMessage).toBe(r.actualMessage);
    }
  }
}

describe.runIf(hasChromium)('HTTP APIs and Function URLs: check, serve, probe and Chromium agree', () => {
  let page: ChromiumPage;
  beforeAll(async () => {
    page = await openPage();
  }, 30_000);
  afterAll(() => page?.close());

  it('examples/http-api: every request check allows (JWT routes, DELETE preflights answered by API Gateway) completes in Chromium', async () => {
    const { rows, findings } = await agreement(page, 'examples/http-api/template.yaml');
    expect(findings).toEqual([]);
    expect(rows.map((r) => r.route)).toEqual([
      'GET ItemsApi /items',
      expect.stringMatching(/^POST JSON with Authorization ItemsApi \/items$/),
      expect.stringMatching(/^DELETE with Authorization ItemsApi \/items\/\{id\}$/),
    ]);
    expectAgreement(rows);
    expect(rows.every((r) => r.actual)).toBe(true);
  }, 60_000);

  it('examples/function-url: every request completes in Chromium, the preflight answered by Lambda from Cors', async () => {
    const { rows, findings } = await agreement(page, 'examples/function-url/template.yaml');
    expect(findings).toEqual([]);
    expectAgreement(rows);
    expect(rows.every((r) => r.actual)).toBe(true);
  }, 60_000);

  it("pitfalls/http-api-handler-cors: the handler's own Access-Control-Allow-Origin (another origin) is dropped, so Chromium is allowed", async () => {
    const { rows, findings } = await agreement(page, 'examples/pitfalls/http-api-handler-cors.yaml');
    expect(findings.map((f) => f.code)).toEqual(['CG144']);
    expectAgreement(rows);
    expect(rows.every((r) => r.actual)).toBe(true);
  }, 60_000);

  for (const [pitfall, code] of [
    ['http-api-no-cors-config', 'CG146'],
    ['http-api-default-route-authorizer', 'CG149'],
    ['function-url-double-cors', 'CG145'],
  ] as const)
    it(`pitfalls/${pitfall}: Chromium blocks exactly what check predicts (${code}), with the predicted message`, async () => {
      const { rows, findings } = await agreement(page, `examples/pitfalls/${pitfall}.yaml`);
      expect(findings.map((f) => f.code)).toContain(code);
      expectAgreement(rows);
      expect(rows.some((r) => !r.actual)).toBe(true);
    }, 60_000);

  it('pitfalls/http-api-no-cors-config after check --fix: the CorsConfiguration added makes Chromium get through', async () => {
    const file = 'examples/pitfalls/http-api-no-cors-config.yaml';
    const { model, deployment, text } = load(file, page.origin);
    const before = await runCheck(model, deployment, { origins: [page.origin] });
    const fixed = applyFixes(text, before.findings).output;
    const { rows, findings } = await agreement(page, file, fixed);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expectAgreement(rows);
    expect(rows.every((r) => r.actual)).toBe(true);
  }, 60_000);
});

describe.runIf(!hasChromium && mustRunChromium)('HTTP API Chromium agreement (CI)', () => {
  it('needs Chromium under CI=true', () => {
    expect(hasChromium, 'Chromium must be installed under CI=true (.ci/run installs it)').toBe(true);
  });
});
