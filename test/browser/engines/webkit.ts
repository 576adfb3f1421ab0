// WebKitGTK (Safari's engine) through WebKitWebDriver, classic W3C WebDriver over HTTP, driving
// WebKitGTK's MiniBrowser in automation mode on a private Xvfb display.
//
// Classic WebDriver has no console events, and MiniBrowser under automation ignores
// `--enable-write-console-messages-to-stdout` (seen in 2.50.6: the same page prints its console without
// `--automation` and nothing with it). So WebKit's own console text is read from a second, plain
// MiniBrowser (openMiniBrowser) that loads a page which runs the same fetches by itself.

import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { asyncScript, asyncScriptValue, type EnginePage } from './engine.js';
import { launch, makeTempDir, removeTempDir, START_TIMEOUT_MS, stopProcess } from './process.js';
import { multiarchLib } from './system.js';

export const WEBKIT_DRIVER_PATH = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER_PATH = process.env.MINIBROWSER_PATH ?? multiarchLib('webkit2gtk-4.1/MiniBrowser');
export const XVFB_PATH = process.env.XVFB_PATH ?? '/usr/bin/Xvfb';
export const hasWebKit =
  existsSync(WEBKIT_DRIVER_PATH) && existsSync(MINIBROWSER_PATH) && existsSync(XVFB_PATH);

/**
 * An address and port for WebKitWebDriver, which cannot be told to pick a free port itself: a loopback
 * address of its own among the 16 million of 127/8 (Linux answers on all of them), so that the port,
 * free there when probed, is not taken before the driver binds it by anything else on the machine.
 */
function driverAddress(): Promise<{ host: string; port: number }> {
  const byte = () => 1 + Math.floor(Math.random() * 254);
  const host = `127.${byte()}.${byte()}.${byte()}`;
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve({ host, port }));
    });
  });
}

function exited(proc: ChildProcess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

/** Starts Xvfb on the first free display (`-displayfd`) and returns `:N`. */
async function startXvfb(): Promise<{ display: string; proc: ChildProcess }> {
  const proc = launch(XVFB_PATH, ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  try {
    const display = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`Xvfb did not start in ${START_TIMEOUT_MS / 1000} s:\n${err}`)),
        START_TIMEOUT_MS,
      );
      (proc.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(`:${out.trim()}`);
        }
      });
      proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Xvfb exited (${code}):\n${err}`));
      });
    });
    return { display, proc };
  } catch (e) {
    await stopProcess(proc);
    throw e;
  }
}

/** `env` adds to the driver's and so the browser's environment. */
export async function openWebKitPage(env?: Record<string, string>): Promise<EnginePage> {
  const xvfb = await startXvfb();
  let driver: ChildProcess | undefined;
  const shutdown = async () => {
    if (driver) await stopProcess(driver);
    await stopProcess(xvfb.proc);
  };
  let call: <T>(method: string, path: string, body?: unknown) => Promise<T>;
  let sessionId: string;
  let version: string;
  try {
    const { host, port } = await driverAddress();
    const proc = launch(WEBKIT_DRIVER_PATH, [`--host=${host}`, `--port=${port}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DISPLAY: xvfb.display, WEBKIT_DISABLE_COMPOSITING_MODE: '1', ...env },
    });
    driver = proc;
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`http://${host}:${port}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        // Longer than any script may run (the session's script timeout below).
        signal: AbortSignal.timeout(180_000),
      });
      const json = (await res.json()) as { value: T & { error?: string; message?: string } };
      if (!res.ok)
        throw new Error(`WebKitWebDriver ${method} ${path}: ${json.value.error}: ${json.value.message}`);
      return json.value;
    };
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      try {
        await call('GET', '/status');
        break;
      } catch (e) {
        if (exited(proc)) throw new Error(`WebKitWebDriver exited (${proc.exitCode}):\n${stderr}`);
        if (Date.now() > deadline)
          throw new Error(`WebKitWebDriver did not start in ${START_TIMEOUT_MS / 1000} s: ${e}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const s = await call<{ sessionId: string; capabilities: { browserVersion: string } }>(
      'POST',
      '/session',
      {
        capabilities: {
          alwaysMatch: {
            'webkitgtk:browserOptions': {
              binary: MINIBROWSER_PATH,
              args: ['--automation'],
            },
          },
        },
      },
    );
    sessionId = s.sessionId;
    version = s.capabilities.browserVersion;
    // Every scenario runs in one script: WebDriver's default of 30 s is too short on a busy machine.
    await call('POST', `/session/${sessionId}/timeouts`, { script: 120_000 });
  } catch (e) {
    await shutdown();
    throw e;
  }
  const session = `/session/${sessionId}`;
  return {
    engine: 'webkit',
    version,
    async goto(url) {
      await call('POST', `${session}/url`, { url });
    },
    async evaluate<T>(fnSource: string, arg: unknown): Promise<T> {
      const r = await call<{ ok?: string; error?: string }>('POST', `${session}/execute/async`, {
        script: asyncScript(fnSource),
        args: [JSON.stringify(arg ?? null)],
      });
      return asyncScriptValue<T>('webkit', r);
    },
    // Automation mode does not write the console to stdout (WebKitGTK 2.50): see openMiniBrowser().
    consoleMessages: async () => undefined,
    async close() {
      try {
        await call('DELETE', session);
      } catch {
        // The browser may already be gone; the driver and display are stopped below either way.
      }
      await shutdown();
    },
  };
}

/**
 * A plain MiniBrowser on its own Xvfb display and in a throw-away home directory, loading `url`, with the
 * console written out. Not `--private`: an ephemeral session writes no console either (2.50.6).
 * `consoleMessages()` returns each console line without its `<url>:<line>:<col>: ` source prefix, e.g. `CONSOLE SECURITY ERROR Origin … is not allowed by Access-Control-Allow-Origin. …`.
 */
export async function openMiniBrowser(url: string): Promise<{
  consoleMessages(): string[];
  /** Rejects if MiniBrowser exits before `close()`. */
  exited: Promise<never>;
  close(): Promise<void>;
}> {
  const xvfb = await startXvfb();
  const home = makeTempDir('crossgate-webkit-');
  for (const d of ['cache', 'data', 'config']) mkdirSync(path.join(home, d));
  const proc = launch(MINIBROWSER_PATH, ['--enable-write-console-messages-to-stdout=true', url], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DISPLAY: xvfb.display,
      WEBKIT_DISABLE_COMPOSITING_MODE: '1',
      HOME: home,
      XDG_CACHE_HOME: path.join(home, 'cache'),
      XDG_DATA_HOME: path.join(home, 'data'),
      XDG_CONFIG_HOME: path.join(home, 'config'),
    },
  });
  // WebKitGTK writes the console to stderr despite the setting's name (2.50.6).
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  proc.stdout!.resume();
  let closing = false;
  const exited = new Promise<never>((_, reject) =>
    proc.on('exit', (code) => {
      if (!closing) reject(new Error(`MiniBrowser exited (${code}):\n${stderr.slice(-2000)}`));
    }),
  );
  exited.catch(() => {});
  return {
    exited,
    consoleMessages: () =>
      stderr
        .split('\n')
        .map((l) => {
          const i = l.indexOf('CONSOLE ');
          return i === -1 ? '' : l.slice(i);
        })
        .filter((l) => l !== ''),
    async close() {
      closing = true;
      await stopProcess(proc);
      await stopProcess(xvfb.proc);
      removeTempDir(home);
    },
  };
}
