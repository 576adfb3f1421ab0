/**
 * The HTTP edge of `crossgate serve`: turns node:http requests into GatewayRequests and the gateway's
 * answers back into bytes. Malformed HTTP gets a 400 and never takes the server down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway } from '../gateway/gateway.js';
import { MAX_PAYLOAD_BYTES } from '../gateway/gateway.js';
import type { GatewayRequest, GatewayResponse, HeaderList } from '../gateway/types.js';

export interface Exchange {
  request: GatewayRequest;
  response: GatewayResponse;
  started: number;
  durationMs: number;
}

export interface GatewayServerOptions {
  host?: string;
  port?: number;
  /** Called after each answered request (the log line, the inspector). Keep it cheap. */
  onExchange?: (exchange: Exchange) => void;
}

export interface GatewayServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

const BAD_REQUEST =
  'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 27\r\nConnection: close\r\n\r\n{"message":"Bad Request"}\r\n';

export async function startGatewayServer(
  gateway: Gateway,
  options: GatewayServerOptions = {},
): Promise<GatewayServer> {
  const host = options.host ?? '127.0.0.1';
  const onExchange = options.onExchange;
  const server = createServer({ keepAliveTimeout: 5000, requestTimeout: 60_000 }, (req, res) => {
    void serveOne(gateway, req, res, onExchange);
  });
  // A client that sends its request and half-closes (curl --no-keepalive, `nc -N`) still gets its
  // answer: node:http's own switch for it (lib/_http_server.js socketOnEnd).
  (server as Server & { httpAllowHalfOpen?: boolean }).httpAllowHalfOpen = true;
  // A malformed request line, oversized headers or a bad header: answer 400 and drop the socket.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end(BAD_REQUEST);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    port,
    url: `http://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serveOne(
  gateway: Gateway,
  req: IncomingMessage,
  res: ServerResponse,
  onExchange: GatewayServerOptions['onExchange'],
): Promise<void> {
  const started = performance.now();
  // One pass over the raw headers (req.headers would build a second, lower-cased copy of them).
  const headers: HeaderList = [];
  const raw = req.rawHeaders;
  let host: string | undefined;
  let hasBody = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    headers.push([name, value]);
    if (name.length === 4 && host === undefined && name.toLowerCase() === 'host') host = value;
    else if (name.length === 14 && name.toLowerCase() === 'content-length') hasBody ||= value !== '0';
    else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') hasBody = true;
  }
  let body: Uint8Array | undefined;
  if (hasBody) {
    try {
      body = await readBody(req);
    } catch {
      // The client went away or sent a body shorter than its Content-Length.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(400, { 'content-type': 'application/json', connection: 'close' });
        res.end('{"message":"Bad Request"}');
      }
      return;
    }
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const request: GatewayRequest = {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers,
    body,
    sourceIp: normalizeIp(req.socket.remoteAddress),
    domainName: host ?? 'localhost',
    protocol: `HTTP/${req.httpVersion}`,
  };
  let response: GatewayResponse;
  try {
    response = await gateway.handle(request);
  } catch (error) {
    // A bug in crossgate, not in the user's handler: say so, and keep serving.
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'crossgate internal error', detail: String(error) }));
    return;
  }
  const flat: string[] = [];
  for (const [n, v] of response.headers) flat.push(n, v);
  if (!response.headers.some(([n]) => n.toLowerCase() === 'content-length')) {
    flat.push(
      'content-length',
      String(typeof response.body === 'string' ? Buffer.byteLength(response.body) : response.body.length),
    );
  }
  try {
    res.writeHead(response.status, flat);
    res.end(req.method === 'HEAD' ? undefined : response.body);
  } catch {
    // A header value the function returned that Node refuses to send: API Gateway would have 502'd.
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"message": "Internal server error"}');
    }
  }
  onExchange?.({ request, response, started, durationMs: performance.now() - started });
}

function readBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep one byte past the limit so the gateway can answer 413; drop the rest.
      if (size <= MAX_PAYLOAD_BYTES + 1) chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 0 ? undefined : new Uint8Array(Buffer.concat(chunks))));
    req.on('aborted', () => reject(new Error('aborted')));
    req.on('error', reject);
  });
}

function normalizeIp(ip: string | undefined): string {
  if (!ip) return '127.0.0.1';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
