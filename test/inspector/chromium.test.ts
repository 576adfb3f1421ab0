/**
 * The inspector in real Chromium. examples/proxy-api is served (its AppOrigin set to a third origin,
 * a tiny page server), a page on that origin and one on a fourth, unlisted origin call the API, and
 * the inspector page shows each request with the browser model's verdict. Then the "try it" form is
 * used on the api-key-on-preflight pitfall: crossgate's prediction and Chromium's real outcome agree.
 * A screenshot is kept in test-results/ (gitignored).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplateFile } from '../../src/cli/template-file.js';
import { type Inspector, startInspector } from '../../src/inspector/index.js';
import { buildDeployment } from '../../src/sam/deployment.js';
import type { Deployment } from '../../src/sam/model.js';
import { type RunningServe, serve } from '../../src/serve/serve.js';
import type { Exchange } from '../../src/serve/server.js';
import { loadTemplate } from '../../src/template/load.js';
import type { TemplateModel } from '../../src/template/model.js';
import { CHROMIUM_PATH, hasChromium, launchChromium } from '../browser/harness.js';

const CHROMIUM = CHROMIUM_PATH;
if (!hasChromium) {
  const line = '!'.repeat(100);
  process.stderr.write(
    `\n${line}\n!! Chromium not found at ${CHROMIUM}: the inspector's browser test is SKIPPED.\n!! Install it (apt-get install -y chromium) or set CHROMIUM_PATH. Under CI=true this fails.\n${line}\n\n`,
  );
}
const KEY = 'inspector-test-key-0123456789';
const SHOTS = join(process.cwd(), 'test-results');

interface PageServer {
  origin: string;
  close(): Promise<void>;
}

async function pageServer(): Promise<PageServer> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>app</title><p>a page on its own origin</p></html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Runs fetch() in the page; returns `ok <status>` or `rejected <exception>`. */
async function pageFetch(page: Page, url: string, init: Record<string, unknown>): Promise<string> {
  return page.evaluate(
    async ([u, i]) => {
      const f = (globalThis as unknown as { fetch: (u: string, i: unknown) => Promise<{ status: number }> })
        .fetch;
      try {
        const res = await f(u as string, i);
        return `ok ${res.status}`;
      } catch (e) {
        return `rejected ${String(e)}`;
      }
    },
    [url, init] as const,
  );
}

/** Script errors and console errors of the inspector page (it must have none of its own). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

/** A free port, for a server whose origin must be known before it starts. */
async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function serveWithInspector(
  file: string,
  options: { overrides?: Record<string, string>; replace?: [string, string]; inspectorPort?: number } = {},
) {
  let model: TemplateModel;
  let deployment: Deployment;
  if (options.replace) {
    // The template as written, with one literal changed (the pitfall hard-codes its page origin).
    const source = readFileSync(file, 'utf8').replaceAll(options.replace[0], options.replace[1]);
    model = loadTemplate(source, file, { baseDir: dirname(resolve(file)) });
    deployment = buildDeployment(model, { evaluateConditions: true });
  } else ({ model, deployment } = loadTemplateFile(file, options.overrides));
  let sink: ((x: Exchange) => void) | undefined;
  const running: RunningServe = await serve(model, deployment, {
    port: 0,
    watch: false,
    apiKeys: [KEY],
    onExchange: (x) => sink?.(x),
  });
  const inspector: Inspector = await startInspector({
    port: options.inspectorPort ?? 0,
    apiUrl: running.server.url,
    apis: deployment.apis,
    template: { file, model },
    apiKeys: [KEY],
  });
  sink = inspector.onExchange;
  return {
    running,
    inspector,
    close: async () => {
      await inspector.close();
      await running.close();
    },
  };
}

describe.skipIf(!hasChromium && process.env.CI !== 'true')('the inspector in Chromium', () => {
  let browser: Browser;
  let app: PageServer;
  let stranger: PageServer;
  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI=true and no Chromium at ${CHROMIUM}`);
    mkdirSync(SHOTS, { recursive: true });
    [app, stranger] = await Promise.all([pageServer(), pageServer()]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await stranger?.close();
  });

  it('shows requests from a third origin live, paired, with the right verdicts and the fix', async () => {
    const api = await serveWithInspector('examples/proxy-api/template.yaml', {
      overrides: { AppOrigin: app.origin },
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      context.setDefaultTimeout(5000);
      const inspectorPage = await context.newPage();
      const errors = watchErrors(inspectorPage);
      await inspectorPage.goto(api.inspector.url);
      await inspectorPage.locator('#conn.live').waitFor();

      const appPage = await context.newPage();
      await appPage.goto(`${app.origin}/`);
      const base = api.running.server.url;
      expect(await pageFetch(appPage, `${base}/health`, {})).toBe('ok 200');
      expect(await pageFetch(appPage, `${base}/items`, { headers: { 'x-api-key': KEY } })).toBe('ok 200');
      expect(
        await pageFetch(appPage, `${base}/items`, {
          method: 'POST',
          headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
          body: '{"name":"from the inspector test"}',
        }),
      ).toBe('ok 201');
      // A page on an origin the template does not list: the handler sends no CORS header, the preflight
      // names another origin.
      const strangerPage = await context.newPage();
      await strangerPage.goto(`${stranger.origin}/`);
      expect(await pageFetch(strangerPage, `${base}/health`, {})).toBe('rejected TypeError: Failed to fetch');
      expect(await pageFetch(strangerPage, `${base}/items/1`, { headers: { 'x-api-key': KEY } })).toBe(
        'rejected TypeError: Failed to fetch',
      );

      const rows = inspectorPage.locator('#rows .row');
      const row = (origin: string, method: string, path: string) =>
        rows.and(
          inspectorPage.locator(`[data-origin="${origin}"][data-method="${method}"][data-path="${path}"]`),
        );
      await expect.poll(() => rows.count(), { timeout: 5000 }).toBeGreaterThanOrEqual(5);
      expect(await row(app.origin, 'GET', '/health').getAttribute('data-verdict')).toBe('ok');
      const items = row(app.origin, 'GET', '/items');
      expect(await items.getAttribute('data-verdict')).toBe('ok');
      // The preflight and the GET it allowed share one row.
      expect((await items.getAttribute('data-ids'))?.split(',')).toHaveLength(2);
      await expect.poll(() => items.textContent()).toContain('200 → 200');
      expect(await row(app.origin, 'POST', '/items').getAttribute('data-verdict')).toBe('ok');
      expect(await row(stranger.origin, 'GET', '/health').getAttribute('data-verdict')).toBe('actual');
      const blocked = row(stranger.origin, 'GET', '/items/1');
      expect(await blocked.getAttribute('data-verdict')).toBe('preflight');
      expect(await blocked.textContent()).toContain('✗ preflight');

      // Keyboard: focus the list, End selects the last row (the blocked preflight), its detail opens.
      await inspectorPage.locator('#rows').focus();
      await inspectorPage.keyboard.press('End');
      expect(await blocked.getAttribute('aria-selected')).toBe('true');
      const detail = inspectorPage.locator('#detail');
      await detail.locator('.explain').waitFor();
      expect(await detail.locator('.explain').textContent()).toContain(
        `Access to fetch at '${base}/items/1' from origin '${stranger.origin}' has been blocked by CORS policy`,
      );
      expect(await detail.locator('.explain').textContent()).toContain('Cors.AllowOrigin');
      // The header that decided it is highlighted.
      const failing = detail.locator('tr.mark-fail td.mono').first();
      expect((await failing.textContent())?.toLowerCase()).toBe('access-control-allow-origin');

      // The handler's side of a proxied request: the Lambda event and the raw result.
      await row(app.origin, 'POST', '/items').click();
      await detail.getByText('What the handler returned (raw)').waitFor();
      expect(await detail.locator('details[open] pre').first().textContent()).toContain('"statusCode": 201');
      // The key the page sent is masked in the headers and in the Lambda event (serve --inspector-secrets shows it).
      expect(await detail.textContent()).not.toContain(KEY);
      expect(await detail.textContent()).toContain('••••6789');

      await inspectorPage.locator('#rows').focus();
      await row(stranger.origin, 'GET', '/items/1').click();
      await detail.locator('tr.mark-fail').first().waitFor();
      await inspectorPage.screenshot({ path: join(SHOTS, 'inspector.png') });
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await api.close();
    }
  });

  it('"try it" on the api-key-on-preflight pitfall: prediction and the real browser agree', async () => {
    // The inspector page is the page calling the API: make it the origin the pitfall allows, so what
    // stops the browser is the pitfall itself (the 403), not a foreign origin.
    const port = await freePort();
    const api = await serveWithInspector('examples/pitfalls/api-key-on-preflight.yaml', {
      replace: ['http://localhost:5173', `http://127.0.0.1:${port}`],
      inspectorPort: port,
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      context.setDefaultTimeout(5000);
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(api.inspector.url);
      await page.locator('#conn.live').waitFor();
      await page.getByRole('tab', { name: 'Routes' }).click();
      const route = page.locator('.route[data-path="/items"]');
      expect(await route.textContent()).toContain('API key required on the preflight');
      await route.getByRole('button', { name: 'Try GET /items' }).click();
      // Keys are not offered while secrets are masked; a hint tells them apart and says where they are.
      expect(await page.locator('#try-keys option').count()).toBe(0);
      expect(await page.locator('#try-key-hint').textContent()).toContain('…6789');
      await page.getByLabel('x-api-key header').fill(KEY);
      await page.getByRole('button', { name: 'Send fetch()' }).click();
      const result = page.locator('#try-result[data-agree]');
      await result.waitFor({ timeout: 10_000 });
      expect(await result.getAttribute('data-agree')).toBe('true');
      expect(await result.getAttribute('data-browser')).toBe('rejected');
      expect(await result.getAttribute('data-predicted')).toBe('blocked');
      expect(await result.textContent()).toContain('blocked at the preflight');
      expect(await result.textContent()).toContain('It does not have HTTP ok status.');
      expect(await result.textContent()).toContain('OPTIONS → 403');
      await page.screenshot({ path: join(SHOTS, 'inspector-try-it.png') });

      // The browser's own preflight is in the live list, blocked; the model's requests are not.
      await page.getByRole('tab', { name: /Requests/ }).click();
      const rows = page.locator('#rows .row');
      await expect.poll(() => rows.count()).toBe(1);
      expect(await rows.first().getAttribute('data-verdict')).toBe('preflight');
      expect(await rows.first().getAttribute('data-origin')).toBe(api.inspector.url);
      // The blocked fetch() logs Chromium's CORS message and the failed load; nothing else may go wrong.
      expect(errors.filter((e) => !/CORS policy|Failed to load resource/.test(e))).toEqual([]);
      await context.close();
    } finally {
      await api.close();
    }
  });
});
