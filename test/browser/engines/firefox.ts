// Debian's firefox-esr, headless, driven over WebDriver BiDi (Firefox's own Remote Agent; no geckodriver).
// Console lines arrive as BiDi `log.entryAdded` events.

import type { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectBidi } from './bidi.js';
import type { EnginePage } from './engine.js';
import { launch, makeTempDir, removeTempDir, START_TIMEOUT_MS, stopProcess } from './process.js';

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

/**
 * A fresh profile directory holding the suites' preferences (and `extra`): the caller removes it. Nothing
 * of the machine's own Firefox profiles is read.
 */
export function makeFirefoxProfile(extra: Record<string, string | number | boolean> = {}): string {
  const profile = makeTempDir('crossgate-firefox-');
  writeFileSync(
    path.join(profile, 'user.js'),
    Object.entries({ ...PREFS, ...extra })
      .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
      .join('\n'),
  );
  return profile;
}

/** The environment every Firefox of the suites runs in, plus `env`. */
export function firefoxEnv(env?: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1', ...env };
}

/**
 * Ends a Firefox of the suites: asks it to quit over its protocol (`quit`, 2 s at most; the connection
 * drops as it does), closes the connection, ends its process group and removes its profile.
 */
export async function endFirefox(
  quit: () => Promise<unknown>,
  disconnect: () => void,
  proc: ChildProcess,
  profile: string,
): Promise<void> {
  await Promise.race([quit().catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
  disconnect();
  await stopProcess(proc, false);
  removeTempDir(profile);
}

/** `env` adds to the browser's environment. */
export async function openFirefoxPage(env?: Record<string, string>): Promise<EnginePage> {
  const profile = makeFirefoxProfile();
  const proc = launch(
    FIREFOX_PATH,
    ['--headless', '--no-remote', '--remote-debugging-port=0', '--profile', profile, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'], env: firefoxEnv(env) },
  );
  const stop = async () => {
    await stopProcess(proc);
    removeTempDir(profile);
  };
  let stderr = '';
  try {
    const wsUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`firefox did not start in ${START_TIMEOUT_MS / 1000} s:\n${stderr}`)),
        START_TIMEOUT_MS,
      );
      proc.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`firefox exited (${code}):\n${stderr}`));
      });
    });
    return await connect(wsUrl, proc, profile);
  } catch (e) {
    await stop();
    throw e;
  }
}

async function connect(wsUrl: string, proc: ChildProcess, profile: string): Promise<EnginePage> {
  const bidi = await connectBidi(`${wsUrl}/session`);
  const messages: string[] = [];
  let version: string;
  let context: string;
  try {
    const session = await bidi.send<{ capabilities: { browserVersion: string } }>('session.new', {
      capabilities: {},
    });
    version = session.capabilities.browserVersion;
    const tree = await bidi.send<{ contexts: Array<{ context: string }> }>('browsingContext.getTree', {});
    context = tree.contexts[0].context;
    bidi.on('log.entryAdded', (p) => {
      if (typeof p.text === 'string') messages.push(p.text);
    });
    await bidi.send('session.subscribe', { events: ['log.entryAdded'] });
  } catch (e) {
    bidi.close();
    throw e;
  }

  return {
    engine: 'firefox',
    version,
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
    consoleMessages: async () => messages,
    close: () => endFirefox(() => bidi.send('browser.close', {}), bidi.close, proc, profile),
  };
}
