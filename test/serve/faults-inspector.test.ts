/**
 * The inspector under hostile conditions (issue 13, item 3): it binds loopback whatever `--host` says,
 * checks Host on every request even when bound to every interface (DNS rebinding: a page on
 * attacker.example whose name resolves to this machine sends `Host: attacker.example`), and what it
 * sends to the page holds secrets (API keys, Authorization, x-api-key, cookies) masked unless
 * `--inspector-secrets` asks for them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplateFile } from '../../src/cli/template-file.js';
import { type Inspector, startInspector } from '../../src/inspector/index.js';
import { type RunningServe, serve } from '../../src/serve/serve.js';
import type { Exchange } from '../../src/serve/server.js';

const HOSTILE = 'test/serve/fixtures/hostile/template.yaml';

/** Runs `crossgate serve …` from the sources in a child process, until its banner names the inspector. */
async function crossgateServe(args: string[]): Promise<{ child: ChildProcess; banner: string }> {
  const child = spawn(
    process.execPath,
    ['--import', './test/support/register-ts.mjs', 'src/cli/main.ts', 'serve', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
  );
  const banner = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      out += d;
    });
    child.stdout?.on('data', (d: string) => {
      out += d;
      if (/inspector: \S+/.test(out)) resolve(out);
    });
    child.on('exit', (code) => reject(new Error(`crossgate serve exited ${code}: ${out}`)));
  });
  return { child, banner };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The machine's own addresses other than loopback (the ones another machine would use). */
function externalAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal && a.family === 'IPv4')
    .map((a) => a!.address);
}

/** A header of a Lambda event's map, whatever the case the client sent it in. */
function pick(map: Record<string, unknown>, name: string): unknown {
  return Object.entries(map).find(([k]) => k.toLowerCase() === name)?.[1];
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** GET with a chosen Host header; the status. */
function statusWithHost(url: string, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, setHost: false, headers: host ? { host } : {} },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('where the inspector listens', () => {
  it('`serve --host 0.0.0.0` exposes the API, but the inspector still binds 127.0.0.1', async () => {
    const { child, banner } = await crossgateServe([HOSTILE, '--port', '0', '--host', '0.0.0.0']);
    try {
      expect(banner).toMatch(/listening on http:\/\/0\.0\.0\.0:\d+/);
      const inspector = /inspector: (http:\/\/\S+)/.exec(banner)![1];
      const { hostname, port } = new URL(inspector);
      expect(hostname).toBe('127.0.0.1');
      expect(await canConnect('127.0.0.1', Number(port))).toBe(true);
      for (const address of externalAddresses())
        expect(await canConnect(address, Number(port)), address).toBe(false);
    } finally {
      await stop(child);
    }
  }, 60_000);

  it('`--inspector-host 0.0.0.0` asks for every interface, and the Host check stays on', async () => {
    const { child, banner } = await crossgateServe([HOSTILE, '--port', '0', '--inspector-host', '0.0.0.0']);
    try {
      const inspector = /inspector: (http:\/\/\S+)/.exec(banner)![1];
      const { port } = new URL(inspector);
      expect(new URL(inspector).hostname).toBe('0.0.0.0');
      const local = `http://127.0.0.1:${port}/api/routes`;
      expect(await statusWithHost(local, `127.0.0.1:${port}`)).toBe(200);
      expect(await statusWithHost(local, `attacker.example:${port}`)).toBe(421);
    } finally {
      await stop(child);
    }
  }, 60_000);
});

describe('the Host check (DNS rebinding) holds on every interface', () => {
  let inspector: Inspector;
  beforeAll(async () => {
    inspector = await startInspector({ host: '0.0.0.0', port: 0, apiUrl: 'http://127.0.0.1:3000', apis: [] });
  });
  afterAll(() => inspector.close());

  it('a Host that names another site is 421 Misdirected Request, even bound to 0.0.0.0', async () => {
    const url = `http://127.0.0.1:${inspector.port}/api/info`;
    for (const host of [
      `attacker.example:${inspector.port}`,
      'attacker.example',
      `127.0.0.1.nip.io:${inspector.port}`,
    ])
      expect(await statusWithHost(url, host), host).toBe(421);
    // No Host at all: node:http refuses the request itself (RFC 9112 §3.2: a 400 to any HTTP/1.1 request without one).
    expect(await statusWithHost(url, undefined)).toBe(400);
  });
  it('two Hosts, the first this machine and the second another site, are a 400 (RFC 9112 §3.2); a trailing-dot name, another port or a numeric alias of loopback are 421', async () => {
    // node:http keeps the first Host: the check judged only it.
    const c = await new Promise<string>((resolve) => {
      const s = connect(inspector.port, '127.0.0.1', () =>
        s.write(
          `GET /api/info HTTP/1.1\r\nHost: 127.0.0.1:${inspector.port}\r\nHost: attacker.example:${inspector.port}\r\nConnection: close\r\n\r\n`,
        ),
      );
      let text = '';
      s.on('data', (d) => {
        text += d;
      });
      s.on('close', () => resolve(text));
    });
    expect(c).toMatch(/^HTTP\/1\.1 400 /);
    const url = `http://127.0.0.1:${inspector.port}/api/info`;
    for (const host of [
      `localhost.:${inspector.port}`,
      `127.0.0.1:${inspector.port + 1}`,
      `127.1:${inspector.port}`,
      `0.0.0.0:${inspector.port}`,
    ])
      expect(await statusWithHost(url, host), host).toBe(421);
  });

  it('loopback names and this machine’s own addresses are served', async () => {
    const url = `http://127.0.0.1:${inspector.port}/api/info`;
    for (const host of ['127.0.0.1', 'localhost', 'LOCALHOST', ...externalAddresses()])
      expect(await statusWithHost(url, `${host}:${inspector.port}`), host).toBe(200);
  });
});

describe('secrets are masked in everything the inspector sends, unless asked for', () => {
  const KEY = 'k3y-v4lue-0123456789-abcdefgh';
  const BEARER = 'b34rer-t0ken-9876543210';
  const COOKIE = 'c00kie-v4lue-5555';
  const SET_COOKIE = 's3ss10n-v4lue-from-handler';
  const SECRETS = [KEY, BEARER, COOKIE, SET_COOKIE];

  async function observe(
    showSecrets: boolean | undefined,
  ): Promise<{ info: string; frames: string; detail: string }> {
    const { model, deployment } = loadTemplateFile('test/serve/fixtures/secrets/template.yaml');
    let sink: ((x: Exchange) => void) | undefined;
    const api: RunningServe = await serve(model, deployment, {
      port: 0,
      watch: false,
      apiKeys: [KEY],
      onExchange: (x) => sink?.(x),
    });
    const inspector = await startInspector({
      port: 0,
      apiUrl: api.server.url,
      apis: deployment.apis,
      apiKeys: api.keys.map((k) => k.value),
      showSecrets,
    });
    sink = inspector.onExchange;
    try {
      const info = await (await fetch(`${inspector.url}/api/info`)).text();
      let frames = '';
      const stream = http.get(`${inspector.url}/events`);
      const first = new Promise<void>((resolve) => {
        stream.on('response', (res) => {
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            frames += d;
            if (frames.includes('event: exchange')) resolve();
          });
        });
      });
      // The inspector counts the page once its stream is open.
      await new Promise((r) => setTimeout(r, 100));
      const res = await fetch(`${api.server.url}/login`, {
        method: 'POST',
        headers: {
          Origin: 'http://localhost:5173',
          'x-api-key': KEY,
          Authorization: `Bearer ${BEARER}`,
          Cookie: `theme=dark; sid=${COOKIE}`,
        },
        body: '{}',
      });
      expect(res.status).toBe(200);
      await first;
      stream.destroy();
      const id = /^id: (\d+)$/m.exec(frames)![1];
      const detail = await (await fetch(`${inspector.url}/api/exchanges/${id}`)).text();
      return { info, frames, detail };
    } finally {
      await inspector.close();
      await api.close();
    }
  }

  it('by default: no API key, bearer token, cookie or Set-Cookie value leaves the server; names and schemes stay readable', async () => {
    const { info, frames, detail } = await observe(undefined);
    for (const secret of SECRETS) {
      expect(info, secret).not.toContain(secret);
      expect(frames, secret).not.toContain(secret);
      expect(detail, secret).not.toContain(secret);
    }
    // The last four characters of a long key tell keys apart without giving one away.
    expect(JSON.parse(info).apiKeys).toEqual([]);
    expect(JSON.parse(info).secrets).toBe('masked');
    expect(JSON.parse(info).keyHints).toEqual(['…efgh']);
    const shown = JSON.parse(detail).detail;
    const request = Object.fromEntries(
      shown.request.headers.map((h: { name: string; value: string }) => [h.name.toLowerCase(), h.value]),
    );
    expect(request.authorization).toBe('Bearer ••••');
    expect(request['x-api-key']).toBe('••••efgh');
    expect(request.cookie).toBe('theme=••••; sid=••••');
    const setCookie = shown.response.headers.find((h: { name: string }) => h.name === 'Set-Cookie');
    expect(setCookie.value).toBe('session=••••; Path=/; HttpOnly');
    // The Lambda event and result: the same headers, and the key API Gateway put in the identity.
    const { event, result } = shown.gateway;
    expect(pick(event.headers, 'authorization')).toBe('Bearer ••••');
    expect(pick(event.multiValueHeaders, 'x-api-key')).toEqual(['••••efgh']);
    expect(pick(event.headers, 'cookie')).toBe('theme=••••; sid=••••');
    expect(event.requestContext.identity.apiKey).toBe('••••efgh');
    expect(result.multiValueHeaders['Set-Cookie']).toEqual(['session=••••; Path=/; HttpOnly']);
  }, 60_000);

  it('with --inspector-secrets (showSecrets): the values as sent', async () => {
    const { info, detail } = await observe(true);
    expect(JSON.parse(info).apiKeys).toEqual([KEY]);
    expect(JSON.parse(info).secrets).toBe('shown');
    for (const secret of SECRETS) expect(detail, secret).toContain(secret);
  }, 60_000);
});
