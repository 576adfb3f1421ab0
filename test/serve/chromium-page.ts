/** A page on its own loopback origin, in real Chromium, that sends fetch() calls and reports what happened. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { FetchCall } from '../../src/browser/index.js';

import { CHROMIUM_PATH, hasChromium, launchChromium } from '../browser/harness.js';

export { CHROMIUM_PATH, hasChromium };
export const mustRunChromium = process.env.CI === 'true';

export function warnIfNoChromium(suite: string): void {
  if (!hasChromium)
    process.stderr.write(
      `\n!! Chromium not found at ${CHROMIUM_PATH}: ${suite} is SKIPPED (apt-get install -y chromium). Under CI=true this fails.\n\n`,
    );
}

export interface PageOutcome {
  ok: boolean;
  status?: number;
  exception?: string;
  consoleMessages: string[];
}

export interface ChromiumPage {
  origin: string;
  fetch(call: FetchCall): Promise<PageOutcome>;
  close(): Promise<void>;
}

export async function openPage(): Promise<ChromiumPage> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>page</title><p>crossgate test page</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await launchChromium();
  const context = await browser.newContext();
  const page: Page = await context.newPage();
  const messages: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') messages.push(m.text());
  });
  await page.goto(`${origin}/`);
  return {
    origin,
    async fetch(call) {
      messages.length = 0;
      const input = {
        url: call.url,
        method: call.method ?? 'GET',
        headers: (call.headers ?? {}) as Record<string, string>,
        credentials: call.credentials ?? 'same-origin',
        hasBody: call.body !== undefined && call.body.type !== 'none',
      };
      // Runs in the page: typed loosely, as this project compiles without the DOM library.
      const result = await page.evaluate(async (c) => {
        const init: Record<string, unknown> = {
          method: c.method,
          headers: c.headers,
          credentials: c.credentials,
        };
        if (c.hasBody) init.body = '{"name":"from the browser"}';
        const browserFetch = (
          globalThis as unknown as {
            fetch: (u: string, i: unknown) => Promise<{ status: number; text(): Promise<string> }>;
          }
        ).fetch;
        try {
          const res = await browserFetch(c.url, init);
          await res.text();
          return { ok: true, status: res.status, exception: undefined as string | undefined };
        } catch (e) {
          return { ok: false, status: undefined as number | undefined, exception: String(e) };
        }
      }, input);
      // Console messages for a blocked request arrive just after the rejection.
      if (!result.ok)
        for (let i = 0; i < 20 && !messages.some((m) => m.includes('CORS policy')); i++)
          await new Promise((r) => setTimeout(r, 10));
      return {
        ...(result as { ok: boolean; status?: number; exception?: string }),
        consoleMessages: messages.filter((m) => m.includes('CORS policy')),
      };
    },
    async close() {
      await browser.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
