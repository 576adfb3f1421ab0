// Firefox through Marionette, Firefox's own automation protocol (length-prefixed JSON over TCP), used
// for one thing BiDi cannot do: read the browser's console service, warnings included. WebDriver BiDi's
// `log.entryAdded` forwards console errors only (Firefox's remote/webdriver-bidi log module listens to
// "error"), so a CORS warning such as CORSAllowHeaderFromPreflightDeprecation never arrives there.
// With `-remote-allow-system-access` a script in the chrome context registers an nsIConsoleListener.

import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { asyncScript, asyncScriptValue, type EnginePage } from './engine.js';
import { endFirefox, FIREFOX_PATH, firefoxEnv, makeFirefoxProfile } from './firefox.js';
import { launch, removeTempDir, START_TIMEOUT_MS, stopProcess } from './process.js';

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
  const profile = makeFirefoxProfile({ 'marionette.port': 0 });
  const proc = launch(
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
    { stdio: ['ignore', 'ignore', 'ignore'], env: firefoxEnv() },
  );
  const stop = async () => {
    await stopProcess(proc);
    removeTempDir(profile);
  };
  try {
    // Firefox writes the port it listens on into the profile once Marionette accepts connections.
    const portFile = path.join(profile, 'MarionetteActivePort');
    const deadline = Date.now() + START_TIMEOUT_MS;
    let port = 0;
    while (port === 0) {
      if (proc.exitCode !== null || proc.signalCode !== null)
        throw new Error(`firefox (Marionette) exited (${proc.exitCode ?? proc.signalCode})`);
      if (Date.now() > deadline)
        throw new Error(`firefox (Marionette) did not start in ${START_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
      if (existsSync(portFile)) port = Number(readFileSync(portFile, 'utf8')) || 0;
    }
    return await connect(port, proc, profile);
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Marionette's wire: `<length>:<json>` both ways; one reply per command, in order, after a greeting. */
function marionetteClient(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let buffer = Buffer.alloc(0);
  const waiting: Array<{ resolve: (m: unknown) => void; reject: (e: Error) => void }> = [];
  const early: unknown[] = [];
  let closed: Error | undefined;
  const end = (why: string) => {
    closed ??= new Error(`Marionette connection ${why}`);
    for (const w of waiting.splice(0)) w.reject(closed);
  };
  socket.on('error', (e) => end(e.message));
  socket.on('close', () => end('closed'));
  socket.on('data', (d: Buffer) => {
    buffer = Buffer.concat([buffer, d]);
    for (;;) {
      const colon = buffer.indexOf(0x3a);
      if (colon < 0) return;
      const len = Number(buffer.subarray(0, colon).toString());
      if (buffer.length < colon + 1 + len) return;
      const msg = JSON.parse(buffer.subarray(colon + 1, colon + 1 + len).toString('utf8'));
      buffer = buffer.subarray(colon + 1 + len);
      const waiter = waiting.shift();
      if (waiter) waiter.resolve(msg);
      else early.push(msg);
    }
  });
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      if (early.length > 0) resolve(early.shift());
      else if (closed) reject(closed);
      else waiting.push({ resolve, reject });
    });
  let id = 0;
  return {
    greeting: next,
    async command(name: string, params: Record<string, unknown>) {
      const body = JSON.stringify([0, ++id, name, params]);
      socket.write(`${Buffer.byteLength(body)}:${body}`);
      const reply = (await next()) as Reply;
      if (reply[2]) throw new Error(`Marionette ${name}: ${reply[2].error}: ${reply[2].message}`);
      return reply[3];
    },
    close: () => socket.destroy(),
  };
}

async function connect(port: number, proc: ChildProcess, profile: string): Promise<EnginePage> {
  const client = marionetteClient(port);
  const { command } = client;
  const chrome = async <T>(script: string): Promise<T> => {
    await command('Marionette:SetContext', { value: 'chrome' });
    try {
      return (await command('WebDriver:ExecuteScript', { script, args: [] })).value as T;
    } finally {
      await command('Marionette:SetContext', { value: 'content' });
    }
  };
  let version: string;
  try {
    await client.greeting();
    const session = (await command('WebDriver:NewSession', { capabilities: {} })) as {
      capabilities: { browserVersion: string };
    };
    version = session.capabilities.browserVersion;
    // The listener keeps every script error and warning of the console service on the browser window.
    await chrome(`const w = Services.wm.getMostRecentWindow(null); w.__crossgate = [];
      Services.console.registerListener({ observe(m) {
        if (!(m instanceof Ci.nsIScriptError)) return;
        w.__crossgate.push((m.flags & Ci.nsIScriptError.warningFlag ? 'warning: ' : '') + m.errorMessage);
      } }); return true;`);
    await command('WebDriver:SetTimeouts', { script: 120_000 });
  } catch (e) {
    client.close();
    throw e;
  }
  return {
    engine: 'firefox',
    version,
    async goto(url) {
      await command('WebDriver:Navigate', { url });
    },
    async evaluate<T>(fnSource: string, arg: unknown): Promise<T> {
      const r = await command('WebDriver:ExecuteAsyncScript', {
        script: asyncScript(fnSource),
        args: [JSON.stringify(arg ?? null)],
      });
      return asyncScriptValue<T>('firefox', r.value as { ok?: string; error?: string });
    },
    // Read afresh each time: the console service gets a content process's lines some time after the
    // fetch that caused them has settled.
    consoleMessages: () => chrome<string[]>('return Services.wm.getMostRecentWindow(null).__crossgate;'),
    close: () =>
      endFirefox(() => command('Marionette:Quit', { flags: ['eForceQuit'] }), client.close, proc, profile),
  };
}
