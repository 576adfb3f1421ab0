// WebKitGTK (Safari's engine) through WebKitWebDriver, classic W3C WebDriver over HTTP, driving
// WebKitGTK's MiniBrowser in automation mode on a private Xvfb display.
//
// Classic WebDriver has no console events, and MiniBrowser under automation ignores
// `--enable-write-console-messages-to-stdout` (seen in 2.50.6: the same page prints its console without
// `--automation` and nothing with it). So WebKit's own console text is read from a second, plain
// MiniBrowser (openMiniBrowser) that loads a page which runs the same fetches by itself.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EnginePage } from './engine.js';
import { stopProcess } from './process.js';

export const WEBKIT_DRIVER_PATH = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER_PATH =
  process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
export const XVFB_PATH = process.env.XVFB_PATH ?? '/usr/bin/Xvfb';
export const hasWebKit =
  existsSync(WEBKIT_DRIVER_PATH) && existsSync(MINIBROWSER_PATH) && existsSync(XVFB_PATH);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts Xvfb on the first free display (`-displayfd`) and returns `:N`. */
function startXvfb(): Promise<{ display: string; proc: ChildProcess }> {
  const proc = spawn(XVFB_PATH, ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start:\n${err}`)), 15_000);
    (proc.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve({ display: `:${out.trim()}`, proc });
      }
    });
    proc.on('exit', (code) => reject(new Error(`Xvfb exited (${code}):\n${err}`)));
  });
}

/** `env` adds to the driver's and so the browser's environment. */
export async function openWebKitPage(env?: Record<string, string>): Promise<EnginePage> {
  const xvfb = await startXvfb();
  const port = await freePort();
  const driver = spawn(WEBKIT_DRIVER_PATH, [`--port=${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DISPLAY: xvfb.display, WEBKIT_DISABLE_COMPOSITING_MODE: '1', ...env },
  });
  driver.stdout!.resume();
  let stderr = '';
  driver.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const base = `http://127.0.0.1:${port}`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as { value: T & { error?: string; message?: string } };
    if (!res.ok)
      throw new Error(`WebKitWebDriver ${method} ${path}: ${json.value.error}: ${json.value.message}`);
    return json.value;
  };
  const shutdown = async () => {
    await stopProcess(driver);
    await stopProcess(xvfb.proc);
  };
  let sessionId: string;
  let version: string;
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        await call('GET', '/status');
        break;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not start: ${e}\n${stderr}`);
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
      const script = `const done = arguments[arguments.length - 1];
        (${fnSource})(JSON.parse(arguments[0])).then((v) => done({ ok: JSON.stringify(v) }), (e) => done({ error: String(e) }));`;
      const r = await call<{ ok?: string; error?: string }>('POST', `${session}/execute/async`, {
        script,
        args: [JSON.stringify(arg ?? null)],
      });
      if (r.error !== undefined) throw new Error(`webkit: ${r.error}`);
      return JSON.parse(r.ok ?? 'null') as T;
    },
    // Automation mode does not write the console to stdout (WebKitGTK 2.50): see openMiniBrowser().
    consoleMessages: () => undefined,
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
 * console written out. Not `--private`: an ephemeral session writes no console either (2.50.6). `consoleMessages()` returns each console line without its `<url>:<line>:<col>: `
 * source prefix, e.g. `CONSOLE SECURITY ERROR Origin … is not allowed by Access-Control-Allow-Origin. …`.
 */
export async function openMiniBrowser(
  url: string,
): Promise<{ consoleMessages(): string[]; close(): Promise<void> }> {
  const xvfb = await startXvfb();
  const home = mkdtempSync(path.join(tmpdir(), 'crossgate-webkit-'));
  for (const d of ['cache', 'data', 'config']) mkdirSync(path.join(home, d));
  const proc = spawn(MINIBROWSER_PATH, ['--enable-write-console-messages-to-stdout=true', url], {
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
  return {
    consoleMessages: () =>
      stderr
        .split('\n')
        .map((l) => {
          const i = l.indexOf('CONSOLE ');
          return i === -1 ? '' : l.slice(i);
        })
        .filter((l) => l !== ''),
    async close() {
      await stopProcess(proc);
      await stopProcess(xvfb.proc);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
