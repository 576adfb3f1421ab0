/**
 * check, serve, probe and Chromium agree: for the example and each pitfall, every request `check` simulates is
 * sent by real Chromium (a page on a second loopback origin) to `crossgate serve`; what Chromium did
 * (allowed or blocked, and its console message) must be what check's browser model predicted. Then
 * `check --fix` is applied to each fixable pitfall and the fixed template serves the browser's
 * requests correctly.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFixes } from '../../src/check/fix.js';
import { runCheck } from '../../src/check/run.js';
import { probeFetch } from '../../src/probe/probe.js';
import { buildDeployment } from '../../src/sam/deployment.js';
import { serve } from '../../src/serve/serve.js';
import { loadTemplate } from '../../src/template/load.js';
import { testPython } from '../support/python.js';
import {
  type ChromiumPage,
  hasChromium,
  mustRunChromium,
  openPage,
  warnIfNoChromium,
} from './chromium-page.js';

const CHECK_KEY = 'crossgate-check-api-key-0000000000000000';
warnIfNoChromium('the serve/check Chromium agreement suite');

/** Loads a template with the page's origin in place of the one it was written for. */
function load(file: string, pageOrigin: string, source = readFileSync(file, 'utf8')) {
  const text = source.replaceAll('http://localhost:5173', pageOrigin);
  const model = loadTemplate(text, file, {
    baseDir: dirname(file),
    parameterOverrides: { AppOrigin: pageOrigin },
  });
  return { model, deployment: buildDeployment(model, { evaluateConditions: true }), text };
}

async function agreement(page: ChromiumPage, file: string, source?: string) {
  const { model, deployment } = load(file, page.origin, source);
  const result = await runCheck(model, deployment, { origins: [page.origin] });
  const running = await serve(model, deployment, {
    port: 0,
    watch: false,
    stagePrefix: true,
    apiKeys: [CHECK_KEY],
  });
  const rows: Array<{
    route: string;
    origin: string;
    predicted: boolean;
    actual: boolean;
    probed: boolean;
    predictedMessage?: string;
    actualMessage?: string;
    probedMessage?: string;
  }> = [];
  try {
    for (const s of result.simulations) {
      if (s.origin !== page.origin) continue;
      const plan = s.verdict.plan;
      const url = plan.url.replace('https://api.crossgate.local', running.server.url);
      const headers: Record<string, string> = {};
      for (const h of plan.headers) if (h.fate !== 'forbidden') headers[h.name] = h.value;
      const outcome = await page.fetch({
        url,
        method: plan.method,
        headers,
        credentials: plan.credentialsMode,
        body: plan.actual?.method === 'GET' ? { type: 'none' } : { type: 'json' },
      });
      // crossgate probe, the third front end, sends the same fetch() over real sockets.
      const probed = await probeFetch(
        page.origin,
        {
          url,
          method: plan.method,
          headers,
          credentials: plan.credentialsMode,
          body: plan.actual?.method === 'GET' ? { type: 'none' } : { type: 'json' },
        },
        { body: '{"name":"from probe"}' },
      );
      rows.push({
        probed: probed.outcome === 'allowed',
        probedMessage: probed.verdict?.consoleMessage,
        route: `${s.shape} ${s.resource.path}`,
        origin: s.origin,
        predicted: s.verdict.allowed,
        actual: outcome.ok,
        predictedMessage: s.verdict.consoleMessage?.replace(
          'https://api.crossgate.local',
          running.server.url,
        ),
        actualMessage: outcome.consoleMessages[0],
      });
    }
  } finally {
    await running.close();
  }
  return { rows, findings: result.findings, text: load(file, page.origin, source).text };
}

describe.runIf(hasChromium)('check, serve and Chromium agree', () => {
  let page: ChromiumPage;
  beforeAll(async () => {
    page = await openPage();
  }, 30_000);
  afterAll(() => page?.close());

  it('the example API: every request check allows, Chromium completes through serve', async () => {
    const { rows, findings } = await agreement(page, 'examples/proxy-api/template.yaml');
    expect(findings).toEqual([]);
    expect(rows.length).toBeGreaterThan(4);
    for (const r of rows)
      expect({ route: r.route, actual: r.actual }).toEqual({ route: r.route, actual: r.predicted });
    expect(rows.every((r) => r.actual)).toBe(true);
  }, 60_000);

  it.skipIf(!testPython)(
    "the guide's Python example (examples/guide-python): check reads app.py, every request it allows Chromium completes through serve, the Python handler answering",
    async () => {
      const { rows, findings } = await agreement(page, 'examples/guide-python/template.yaml');
      expect(findings).toEqual([]);
      expect(rows.length).toBeGreaterThan(2);
      for (const r of rows)
        expect({ route: r.route, actual: r.actual }).toEqual({ route: r.route, actual: r.predicted });
      expect(rows.every((r) => r.actual)).toBe(true);
    },
    60_000,
  );

  it('non-proxy integrations (AWS service, Lambda non-proxy, an OpenAPI mock): Chromium allows and blocks exactly what check predicts from their integration responses', async () => {
    const { rows, findings } = await agreement(page, 'test/fixtures/non-proxy/template.yaml');
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(['CG123']);
    const mine = rows.filter((r) => r.origin === page.origin);
    expect(mine.map((r) => [r.route, r.actual])).toEqual([
      ['GET /pets', true],
      ['GET /status', true],
      ['POST JSON /orders', false],
    ]);
    for (const r of rows) {
      expect({ route: r.route, chromium: r.actual }).toEqual({ route: r.route, chromium: r.predicted });
      if (!r.predicted) expect(r.actualMessage).toBe(r.predictedMessage);
    }
  }, 60_000);

  for (const pitfall of [
    'api-key-on-preflight',
    'handler-forgets-cors',
    'no-cors-on-errors',
    'authorizer-on-preflight',
  ]) {
    it(`examples/pitfalls/${pitfall}.yaml: Chromium blocks exactly what check predicts, with the predicted message`, async () => {
      const { rows } = await agreement(page, `examples/pitfalls/${pitfall}.yaml`);
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
    }, 60_000);
  }

  for (const pitfall of [
    'api-key-on-preflight',
    'no-cors-on-errors',
    'authorizer-on-preflight',
    'unquoted-allow-headers',
  ]) {
    it(`examples/pitfalls/${pitfall}.yaml after check --fix: checks clean, and Chromium gets through serve`, async () => {
      const file = `examples/pitfalls/${pitfall}.yaml`;
      const { model, deployment, text } = load(file, page.origin);
      const before = await runCheck(model, deployment, { origins: [page.origin] });
      const fixedSource = applyFixes(text, before.findings).output;
      const { rows, findings } = await agreement(page, file, fixedSource);
      expect(findings.map((f) => f.code)).toEqual([]);
      for (const r of rows)
        expect({ route: r.route, allowed: r.actual }).toEqual({ route: r.route, allowed: true });
    }, 60_000);
  }
});

describe.runIf(!hasChromium && mustRunChromium)('check, serve and Chromium agree (CI)', () => {
  it('needs Chromium under CI=true', () => {
    expect(hasChromium, 'Chromium must be installed under CI=true (.ci/run installs it)').toBe(true);
  });
});
