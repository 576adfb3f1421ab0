/**
 * `crossgate serve` with Python handlers over real HTTP: the guide's Python example (examples/guide-python),
 * the proxy event as API Gateway builds it reaching a Python handler intact (multi-value headers and query
 * strings, a binary body with BinaryMediaTypes), API Gateway's answers when a Python function fails, the
 * variables of an `--env-vars` file, Lambda's START/END/REPORT lines, and serve with no Python at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplateFile } from '../../src/cli/template-file.js';
import { lifecycleLines } from '../../src/runtime/index.js';
import type { EnvVarsFile } from '../../src/serve/functions.js';
import { type RunningServe, type ServeOptions, serve } from '../../src/serve/serve.js';
import { testPython, warnIfNoPython } from '../support/python.js';

warnIfNoPython('the serve tests with Python handlers');
const origin = 'http://localhost:5173';

async function start(file: string, options: ServeOptions = {}): Promise<RunningServe> {
  const { model, deployment } = loadTemplateFile(file);
  return serve(model, deployment, { port: 0, watch: false, python: testPython?.executable, ...options });
}

/** A raw request: repeated header lines stay repeated (fetch() would join them). */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string | string[]>; body?: Uint8Array | string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe.skipIf(!testPython)("the guide's Python example (examples/guide-python) through serve", () => {
  let api: RunningServe;
  let key: string;
  beforeAll(async () => {
    api = await start('examples/guide-python/template.yaml');
    key = api.keys[0].value;
  });
  afterAll(() => api.close());

  it('the preflight is answered by the Cors mock with the named origin, no key needed', async () => {
    const res = await fetch(`${api.server.url}/items`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-api-key',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type,X-Api-Key');
  });

  it('with the key, the Python handler answers with Access-Control-Allow-Origin: the origin, and Vary: Origin', async () => {
    const res = await fetch(`${api.server.url}/items`, { headers: { Origin: origin, 'x-api-key': key } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('vary')).toBe('Origin');
    expect(await res.json()).toEqual([{ id: '1', name: 'first item' }]);
  });

  it('its error paths carry CORS too: a body that is not JSON is 400 with Access-Control-Allow-Origin', async () => {
    const res = await fetch(`${api.server.url}/items`, {
      method: 'POST',
      headers: { Origin: origin, 'x-api-key': key, 'content-type': 'application/json' },
      body: 'not json',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
  });

  it('an origin not on the allow-list gets no Access-Control-Allow-Origin', async () => {
    const res = await fetch(`${api.server.url}/items`, {
      headers: { Origin: 'https://evil.example', 'x-api-key': key },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('without the key: 403 from API Gateway, with the CORS headers DEFAULT_4XX adds', async () => {
    const res = await fetch(`${api.server.url}/items`, { headers: { Origin: origin } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
  });
});

describe.skipIf(!testPython)(
  'the proxy event reaches a Python handler as API Gateway builds it (API Gateway docs: Input format of a Lambda function for proxy integration)',
  () => {
    let api: RunningServe;
    const lifecycle: string[] = [];
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'crossgate-envvars-'));
      const envVars: EnvVarsFile = {
        Parameters: { STAGE: 'from-parameters', UNDECLARED: 'ignored' },
        // A function's own entry wins over Parameters; by logical id, or by FunctionName as here.
        'fault-function': { FAULT_MODE: 'from-env-vars' },
        EchoFunction: { TABLE_NAME: 'from-env-vars', UNDECLARED: 'ignored' },
      };
      api = await start('test/serve/fixtures/python/template.yaml', {
        envVars,
        onInvocation: (fn, record) =>
          lifecycle.push(...lifecycleLines(record).map((line) => `${fn} ${line}`)),
      });
    });
    afterAll(async () => {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('path, multi-value headers and query strings, path parameters, method, stage: in headers/multiValueHeaders and queryStringParameters/multiValueQueryStringParameters', async () => {
      const res = await send(`${api.server.url}/echo/abc?x=1&x=2&y=3`, {
        headers: { 'X-Dup': ['a', 'b'], Origin: origin },
      });
      expect(res.status).toBe(200);
      const { event } = JSON.parse(res.body.toString());
      expect(event).toMatchObject({
        resource: '/echo/{name}',
        path: '/echo/abc',
        httpMethod: 'GET',
        headers: { 'X-Dup': 'b', Origin: origin },
        multiValueHeaders: { 'X-Dup': ['a', 'b'], Origin: [origin] },
        queryStringParameters: { x: '2', y: '3' },
        multiValueQueryStringParameters: { x: ['1', '2'], y: ['3'] },
        pathParameters: { name: 'abc' },
        isBase64Encoded: false,
        body: null,
        requestContext: { stage: 'Prod', httpMethod: 'GET', resourcePath: '/echo/{name}' },
      });
      // The handler's multiValueHeaders reach the client as repeated headers.
      expect(res.headers['x-multi']).toBe('one, two');
    });

    it('a binary body (Content-Type in BinaryMediaTypes) arrives base64 with isBase64Encoded, and a base64 answer leaves as bytes', async () => {
      const res = await send(`${api.server.url}/image`, {
        method: 'POST',
        headers: { 'content-type': 'image/png', accept: 'image/png' },
        body: new Uint8Array([0, 1, 2, 255]),
      });
      expect(res.status).toBe(200);
      expect([...res.body]).toEqual([255, 2, 1, 0]);
    });

    it("--env-vars (SAM CLI format): Parameters for every function, a function's own entry (logical id or FunctionName) over them; only variables the template declares are overridden, as sam local does", async () => {
      const echo = JSON.parse((await send(`${api.server.url}/echo/x`)).body.toString());
      expect(echo.env).toEqual({
        STAGE: 'from-parameters',
        TABLE_NAME: 'from-env-vars',
        FAULT_MODE: null,
        UNDECLARED: null,
      });
      const fault = JSON.parse((await send(`${api.server.url}/fault/ok`)).body.toString());
      expect(fault.mode).toBe('from-env-vars');
      expect(api.notes.join('\n')).toMatch(
        /--env-vars: UNDECLARED is not in EchoFunction's Environment\.Variables/,
      );
    });

    for (const [kind, what] of [
      ['raise', 'raises an exception'],
      ['exit', 'calls sys.exit()'],
      ['hang', 'runs past its Timeout (1 s)'],
      ['garbage', 'returns something that is not a proxy result'],
      ['status', 'returns a statusCode that is not a number'],
    ] as const) {
      it(`a Python handler that ${what}: 502 {"message": "Internal server error"}, and the next request is served (AWS Lambda docs: Handling Lambda errors with an API Gateway API)`, async () => {
        const res = await send(`${api.server.url}/fault/${kind}`);
        expect(res.status).toBe(502);
        expect(JSON.parse(res.body.toString())).toEqual({ message: 'Internal server error' });
        expect((await send(`${api.server.url}/fault/ok`)).status).toBe(200);
      }, 20_000);
    }

    it("each invocation is logged between Lambda's START and END/REPORT lines, with its request id", async () => {
      const res = await send(`${api.server.url}/echo/log`);
      const id = JSON.parse(res.body.toString()).event.requestContext.requestId as string;
      const mine = lifecycle.filter((line) => line.includes(id));
      expect(mine[0]).toBe(`EchoFunction START RequestId: ${id} Version: $LATEST`);
      expect(mine[1]).toBe(`EchoFunction END RequestId: ${id}`);
      expect(mine[2]).toMatch(
        new RegExp(
          `^EchoFunction REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB`,
        ),
      );
      const timedOut = lifecycle.find((line) => line.includes('Status: timeout'));
      expect(timedOut).toMatch(/^FaultFunction REPORT RequestId: .*\tStatus: timeout$/);
    });
  },
);

describe('no Python at all', () => {
  it('serve still starts, the Python function answers 502, and the start-up notes say how to install one', async () => {
    const saved = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PYENV_ROOT: process.env.PYENV_ROOT,
      VIRTUAL_ENV: process.env.VIRTUAL_ENV,
    };
    const empty = mkdtempSync(join(tmpdir(), 'crossgate-nopython-'));
    Object.assign(process.env, { PATH: empty, HOME: empty, PYENV_ROOT: empty });
    delete process.env.VIRTUAL_ENV;
    let api: RunningServe | undefined;
    try {
      api = await start('test/serve/fixtures/python/template.yaml', { python: undefined });
    } finally {
      for (const [name, value] of Object.entries(saved))
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      rmSync(empty, { recursive: true, force: true });
    }
    try {
      expect(api.notes.join('\n')).toMatch(
        /EchoFunction, ImageFunction, FaultFunction: no Python found for python3\.12 .*install Python 3\.12 — `uv python install 3\.12`/,
      );
      const res = await fetch(`${api.server.url}/echo/x`);
      expect(res.status).toBe(502);
    } finally {
      await api.close();
    }
  });
});
