// Firefox through Marionette, Firefox's own automation protocol (length-prefixed JSON over TCP), used
// for one thing BiDi cannot do: read the browser's console service, warnings included. WebDriver BiDi's
// `log.entryAdded` forwards console errors only (Firefox's remote/webdriver-bidi log module listens to
// "error"), so a CORS warning such as CORSAllowHeaderFromPreflightDeprecation never arrives there.
// With `-remote-allow-system-access` a script in the chrome context registers an nsIConsoleListener.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EnginePage } from './engine.js';
import { FIREFOX_PATH, firefoxPrefs } from './firefox.js';
import { stopProcess } from './process.js';

type Reply = [
  number,
  number,
  { error: string; message: string } | null,
  { value?: unknown } & Record<string, unknown>,
];

/**
 * A Firefox page driven over Marionette whose `consoleMessages()` are every script error and warning
 * of Firefox's console service: errors as printed, warnings prefixed `warning: `.
 */
export async function openFirefoxConsolePage(): Promise<EnginePage> {
  const profile = mkdtempSync(path.join(tmpdir(), 'crossgate-firefox-m-'));
  writeFileSync(
    path.join(profile, 'user.js'),
    Object.entries({ ...firefoxPrefs(), 'marionette.port': 0 })
      .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
      .join('\n'),
  );
  const proc = spawn(
    FIREFOX_PATH,
    [
      '--headless',
      '--marionette',
      '-remote-allow-system-access',
      '--no-remote',
      '--profile',
      profile,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' } },
  );
  const portFile = path.join(profile, 'MarionetteActivePort');
  const kill = () => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    rmSync(profile, { recursive: true, force: true });
  };
  let port = 0;
  for (let i = 0; i < 300 && port === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (existsSync(portFile)) port = Number(readFileSync(portFile, 'utf8')) || 0;
  }
  if (port === 0) {
    kill();
    throw new Error('firefox (Marionette) did not start');
  }
  const socket = net.connect(port, '127.0.0.1');
  let buffer = Buffer.alloc(0);
  const queue: Array<(m: unknown) => void> = [];
  const early: unknown[] = [];
  socket.on('data', (d: Buffer) => {
    buffer = Buffer.concat([buffer, d]);
    for (;;) {
      const colon = buffer.indexOf(0x3a);
      if (colon < 0) return;
      const len = Number(buffer.subarray(0, colon).toString());
      if (buffer.length < colon + 1 + len) return;
      const msg = JSON.parse(buffer.subarray(colon + 1, colon + 1 + len).toString('utf8'));
      buffer = buffer.subarray(colon + 1 + len);
      const waiter = queue.shift();
      if (waiter) waiter(msg);
      else early.push(msg);
    }
  });
  const next = () => new Promise<unknown>((r) => (early.length > 0 ? r(early.shift()) : queue.push(r)));
  await next(); // the greeting
  let id = 0;
  const command = async (name: string, params: Record<string, unknown>) => {
    const body = JSON.stringify([0, ++id, name, params]);
    socket.write(`${Buffer.byteLength(body)}:${body}`);
    const reply = (await next()) as Reply;
    if (reply[2]) throw new Error(`Marionette ${name}: ${reply[2].error}: ${reply[2].message}`);
    return reply[3];
  };
  const session = (await command('WebDriver:NewSession', { capabilities: {} })) as {
    capabilities: { browserVersion: string };
  };
  const chrome = async <T>(script: string): Promise<T> => {
    await command('Marionette:SetContext', { value: 'chrome' });
    try {
      return (await command('WebDriver:ExecuteScript', { script, args: [] })).value as T;
    } finally {
      await command('Marionette:SetContext', { value: 'content' });
    }
  };
  // The listener keeps every script error and warning of the console service on the browser window.
  await chrome(`const w = Services.wm.getMostRecentWindow(null); w.__crossgate = [];
    Services.console.registerListener({ observe(m) {
      if (!(m instanceof Ci.nsIScriptError)) return;
      w.__crossgate.push((m.flags & Ci.nsIScriptError.warningFlag ? 'warning: ' : '') + m.errorMessage);
    } }); return true;`);
  let seen: string[] = [];
  return {
    engine: 'firefox',
    version: session.capabilities.browserVersion,
    async goto(url) {
      await command('WebDriver:Navigate', { url });
    },
    async evaluate<T>(fnSource: string, arg: unknown): Promise<T> {
      await command('WebDriver:SetTimeouts', { script: 120_000 });
      const r = (
        await command('WebDriver:ExecuteAsyncScript', {
          script: `const done = arguments[arguments.length - 1];
            (${fnSource})(JSON.parse(arguments[0])).then((v) => done({ ok: JSON.stringify(v) }), (e) => done({ error: String(e) }));`,
          args: [JSON.stringify(arg ?? null)],
        })
      ).value as { ok?: string; error?: string };
      if (r.error !== undefined) throw new Error(`firefox: ${r.error}`);
      seen = await chrome<string[]>('return Services.wm.getMostRecentWindow(null).__crossgate;');
      return JSON.parse(r.ok ?? 'null') as T;
    },
    consoleMessages: () => seen,
    async close() {
      try {
        await Promise.race([
          command('Marionette:Quit', { flags: ['eForceQuit'] }),
          new Promise((r) => setTimeout(r, 2000)),
        ]);
      } catch {
        // The connection drops as the browser quits.
      }
      socket.destroy();
      await stopProcess(proc, false);
      kill();
    },
  };
}
