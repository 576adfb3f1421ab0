/**
 * `crossgate serve` over real HTTP: the example API answers like API Gateway (the guide's two curl
 * transcripts), handlers that fail get API Gateway's answers and the next request is served, and bad
 * HTTP gets a 400.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplateFile } from '../../src/cli/template-file.js';
import { type RunningServe, serve } from '../../src/serve/serve.js';

async function start(file: string): Promise<RunningServe> {
  const { model, deployment } = loadTemplateFile(file);
  return serve(model, deployment, { port: 0, watch: false });
}

const origin = 'http://localhost:5173';

describe('the example API (examples/proxy-api)', () => {
  let api: RunningServe;
  let key: string;
  beforeAll(async () => {
    api = await start('examples/proxy-api/template.yaml');
    key = api.keys[0].value;
  });
  afterAll(() => api.close());

  it("the preflight answers 200 with the three access-control-* headers (the guide's first curl transcript)", async () => {
    const res = await fetch(`${api.server.url}/items`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-api-key',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type,X-Api-Key');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST,PUT,DELETE,OPTIONS');
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-amz-apigw-id')).toBeTruthy();
    expect(await res.text()).toBe('{}\n');
  });
  it('a keyed method without x-api-key is 403 ForbiddenException, with the CORS headers DEFAULT_4XX adds', async () => {
    const res = await fetch(`${api.server.url}/items`, { headers: { Origin: origin } });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(await res.text()).toBe('{"message":"Forbidden"}');
  });
  it('with the key, the TypeScript handler answers, with its CORS headers (crossgate/lambda)', async () => {
    const res = await fetch(`${api.server.url}/items`, { headers: { Origin: origin, 'x-api-key': key } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('vary')).toMatch(/Origin/i);
    expect(await res.json()).toEqual(expect.arrayContaining([expect.objectContaining({ id: '1' })]));
  });
  it('a JSON POST creates an item; the request id is unique per request', async () => {
    const a = await fetch(`${api.server.url}/items`, {
      method: 'POST',
      headers: { Origin: origin, 'x-api-key': key, 'content-type': 'application/json' },
      body: '{"name":"n"}',
    });
    const b = await fetch(`${api.server.url}/items/1`, { headers: { 'x-api-key': key } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(a.headers.get('x-amzn-requestid')).not.toBe(b.headers.get('x-amzn-requestid'));
  });
  it('an unknown path is 403 Missing Authentication Token', async () => {
    const res = await fetch(`${api.server.url}/nope`);
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });
  it('the server listens on 127.0.0.1 by default', () => {
    expect(api.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe("the guide's pitfall: ApiKeyRequired on the whole API (examples/pitfalls/api-key-on-preflight.yaml)", () => {
  it("the preflight is 403 ForbiddenException (the guide's second curl transcript)", async () => {
    const api = await start('examples/pitfalls/api-key-on-preflight.yaml');
    try {
      const res = await fetch(`${api.server.url}/items`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'x-api-key',
        },
      });
      expect(res.status).toBe(403);
      expect(res.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
      expect(await res.text()).toBe('{"message":"Forbidden"}');
    } finally {
      await api.close();
    }
  });
  it('an unquoted AllowHeaders refuses to start, naming the line (as sam deploy fails)', async () => {
    await expect(start('examples/pitfalls/unquoted-allow-headers.yaml')).rejects.toThrow(
      /unquoted-allow-headers\.yaml:16:21: .*Invalid mapping expression/,
    );
  });
});

describe('faults: each gets API Gateway’s answer and the next request is served', () => {
  let api: RunningServe;
  beforeAll(async () => {
    api = await start(join('test/serve/fixtures/faults/template.yaml'));
  });
  afterAll(() => api.close());
  const get = (kind: string) => fetch(`${api.server.url}/${kind === 'hang' ? 'slow' : 'fault'}/${kind}`);

  for (const [kind, status, body] of [
    ['throw', 502, '{"message":"Internal server error"}'],
    ['garbage', 502, '{"message":"Internal server error"}'],
    // Past its own Timeout (1 s), the function fails in Lambda and API Gateway answers 502; 504 is only
    // for API Gateway's 29 s integration timeout (AWS Lambda docs: Handling Lambda errors with an API Gateway API).
    ['hang', 502, '{"message":"Internal server error"}'],
    ['exit', 502, '{"message":"Internal server error"}'],
    ['oom', 502, '{"message":"Internal server error"}'],
    // Issue 13: a signal to serve's own process ended serve; Buffers past MemorySize were answered 200.
    ['kill', 502, '{"message":"Internal server error"}'],
    ['buffers', 502, '{"message":"Internal server error"}'],
  ] as const) {
    const what = {
      garbage: 'returns garbage',
      oom: 'allocates without end',
      exit: 'exits the process',
      kill: "signals serve's own process (process.kill(process.pid, 'SIGTERM'))",
      buffers: 'holds Buffers past its MemorySize',
      throw: 'throws',
      hang: 'hangs',
    }[kind];
    it(`a handler that ${what}: ${status}, then the next request is served`, async () => {
      const res = await get(kind);
      expect(res.status).toBe(status);
      expect(await res.text()).toBe(body);
      const next = await get('ok');
      expect(next.status).toBe(200);
    }, 30_000);
  }

  it('a malformed request line gets a 400 and the server keeps serving', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(api.server.port, '127.0.0.1', () => socket.write('NOT HTTP\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => {
        data += d;
      });
      socket.on('close', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await get('ok')).status).toBe(200);
  });
  it('a client that half-closes after its request still gets the answer', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(api.server.port, '127.0.0.1', () =>
        socket.end('GET /fault/ok HTTP/1.1\r\nHost: x\r\n\r\n'),
      );
      let data = '';
      socket.on('data', (d) => {
        data += d;
      });
      socket.on('close', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK/);
  });
  it('oversized headers get a 400', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(api.server.port, '127.0.0.1', () =>
        socket.write(`GET /fault/ok HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
      );
      let data = '';
      socket.on('data', (d) => {
        data += d;
      });
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 4\d\d/);
  });
});
