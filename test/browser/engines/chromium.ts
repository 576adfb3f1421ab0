// Debian's Chromium, headless, through playwright-core (CDP), as every browser test here runs it.

import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { EnginePage } from './engine.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);

export async function launchChromium(env?: Record<string, string>): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...(env ? { env: { ...process.env, ...env } as Record<string, string> } : {}),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function openChromiumPage(env?: Record<string, string>): Promise<EnginePage> {
  const browser = await launchChromium(env);
  const messages: string[] = [];
  let tab: Page;
  try {
    tab = await browser.newPage();
  } catch (e) {
    await browser.close();
    throw e;
  }
  tab.on('console', (m) => messages.push(m.text()));
  return {
    engine: 'chromium',
    version: browser.version(),
    async goto(url) {
      await tab.goto(url);
    },
    evaluate: <T>(fnSource: string, arg: unknown) =>
      tab.evaluate(`(${fnSource})(${JSON.stringify(arg ?? null)})`) as Promise<T>,
    consoleMessages: async () => messages,
    close: () => browser.close(),
  };
}
