// Debian's firefox-esr, headless, driven over WebDriver BiDi (Firefox's own Remote Agent; no geckodriver).
// Console lines arrive as BiDi `log.entryAdded` events.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectBidi } from './bidi.js';
import type { EnginePage } from './engine.js';
import { stopProcess } from './process.js';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const hasFirefox = existsSync(FIREFOX_PATH);

// Quiet, offline, deterministic: no updates, telemetry, remote settings or captive-portal checks that
// would send requests of their own while the suite runs.
const PREFS: Record<string, string | number | boolean> = {
  'app.update.enabled': false,
  'app.update.disabledForTesting': true,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.startup.page': 0,
  'browser.aboutwelcome.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.region.network.url': '',
  'browser.newtabpage.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': '',
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.http.speculative-parallel-limit': 0,
  'services.settings.server': 'http://127.0.0.1:9/',
  'remote.active-protocols': 1,
  'dom.disable_open_during_load': false,
  // Many fetches to one loopback origin at once: do not let the per-server limit serialise them.
  'network.http.max-persistent-connections-per-server': 64,
};

/** `env` adds to the browser's environment (e.g. a time offset for the preflight cache tests). */
/** The profile preferences every Firefox of the suites runs with. */
export function firefoxPrefs(): Record<string, string | number | boolean> {
  return { ...PREFS };
}

export async function openFirefoxPage(env?: Record<string, string>): Promise<EnginePage> {
  const profile = mkdtempSync(path.join(tmpdir(), 'crossgate-firefox-'));
  writeFileSync(
    path.join(profile, 'user.js'),
    Object.entries(PREFS)
      .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
      .join('\n'),
  );
  const proc = spawn(
    FIREFOX_PATH,
    ['--headless', '--no-remote', '--remote-debugging-port=0', '--profile', profile, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1', ...env } },
  );
  const cleanup = () => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    rmSync(profile, { recursive: true, force: true });
  };
  let stderr = '';
  let wsUrl: string;
  try {
    wsUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`firefox did not start:\n${stderr}`)), 30_000);
      proc.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      proc.on('exit', (code) => reject(new Error(`firefox exited (${code}):\n${stderr}`)));
    });
  } catch (e) {
    cleanup();
    throw e;
  }
  const bidi = await connectBidi(`${wsUrl}/session`);
  const session = await bidi.send<{ capabilities: { browserVersion: string } }>('session.new', {
    capabilities: {},
  });
  const tree = await bidi.send<{ contexts: Array<{ context: string }> }>('browsingContext.getTree', {});
  const context = tree.contexts[0].context;
  const messages: string[] = [];
  bidi.on('log.entryAdded', (p) => {
    if (typeof p.text === 'string') messages.push(p.text);
  });
  await bidi.send('session.subscribe', { events: ['log.entryAdded'] });

  return {
    engine: 'firefox',
    version: session.capabilities.browserVersion,
    async goto(url) {
      await bidi.send('browsingContext.navigate', { context, url, wait: 'complete' });
    },
    async evaluate<T>(fnSource: string, arg: unknown): Promise<T> {
      const r = await bidi.send<{
        type: string;
        result?: { type: string; value?: string };
        exceptionDetails?: { text: string };
      }>('script.callFunction', {
        functionDeclaration: `async (json) => JSON.stringify(await (${fnSource})(JSON.parse(json)))`,
        arguments: [{ type: 'string', value: JSON.stringify(arg ?? null) }],
        target: { context },
        awaitPromise: true,
        resultOwnership: 'none',
      });
      if (r.type === 'exception') throw new Error(`firefox: ${r.exceptionDetails?.text}`);
      return JSON.parse(r.result?.value ?? 'null') as T;
    },
    consoleMessages: () => messages,
    async close() {
      try {
        await Promise.race([bidi.send('browser.close', {}), new Promise((r) => setTimeout(r, 2000))]);
      } catch {
        // The connection drops as the browser exits.
      }
      bidi.close();
      await stopProcess(proc, false);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
