/**
 * The HTTP edge of `crossgate serve`: turns node:http requests into GatewayRequests and the gateway's
 * answers back into bytes. Malformed HTTP gets a 400 and never takes the server down; every request
 * before it on the connection is answered first. A body over the payload limit is never read past
 * it. The framing of every response (its length, the connection) is the server's alone, whatever
 * the gateway's answer carries.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
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

/**
 * How long a connection closed on a request it did not read (413, 400) keeps reading and dropping
 * what the client still sends. Closing at once would make the kernel answer those bytes with a reset,
 * and a reset can discard the answer before the client reads it (RFC 9112 §9.6; nginx's
 * lingering_close exists for this).
 */
const LINGER_MS = 2000;

/**
 * Headers that frame the message or belong to one connection (RFC 9110 §7.6.1, RFC 9112 §6): the
 * server writes its own, so one in an answer (a handler's, a template's) never reaches the socket.
 * gateway/ already remaps the ones API Gateway remaps; this is the guarantee for every API kind.
 */
const CONNECTION_HEADERS = new Set([
  'connection',
  'content-length',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * A Host field value (RFC 9112 §3.2, RFC 3986 §3.2.2): an IP literal in brackets or a reg-name (empty
 * too), then an optional port.
 */
const VALID_HOST = /^(?:\[[0-9A-Za-z:.%]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;

/** `scheme://authority` then the rest of a request target in absolute form (RFC 9112 §3.2.2). */
const ABSOLUTE_FORM = /^https?:\/\/([^/?#]*)([^#]*)$/i;

function isConnectionHeader(name: string): boolean {
  const n = name.length;
  return (
    (n === 14 || n === 10 || n === 17 || n === 7 || n === 16 || n === 2) &&
    CONNECTION_HEADERS.has(name.toLowerCase())
  );
}

/**
 * Per connection: requests whose answers are not yet on the socket, whether a malformed one followed,
 * and — while a request's body is being read — how to fail that read.
 */
interface ConnectionState {
  pending: number;
  malformed: boolean;
  failBody: ((error: Error) => void) | undefined;
}
const connections = new WeakMap<Socket, ConnectionState>();

function stateOf(socket: Socket): ConnectionState {
  let state = connections.get(socket);
  if (!state) {
    state = { pending: 0, malformed: false, failBody: undefined };
    connections.set(socket, state);
  }
  return state;
}

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
  // node:http keeps the first 2,000 headers of a request and silently drops the rest (Node docs:
  // server.maxHeadersCount, default 2000; 0 is no limit): an Authorization or x-api-key after 2,000
  // short headers vanished, in a head API Gateway's 10,240-byte limit accepts. The head's size stays
  // bounded by node's 16 KiB maxHeaderSize.
  server.maxHeadersCount = 0;
  // `Expect: 100-continue` with a body over the limit is refused at once (RFC 9110 §10.1.1: a server
  // may answer with a final status instead of 100); otherwise the client is told to go on.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (declaredLength(req) <= MAX_PAYLOAD_BYTES) res.writeContinue();
    void serveOne(gateway, req, res, onExchange);
  });
  // A malformed request, oversized headers or a bad header: answer 400 and close, once every request
  // before it on the connection has its answer (node:http parses pipelined requests ahead and
  // reports the bad one while the earlier ones are still being served).
  server.on('clientError', (_error, socket: Socket) => {
    const state = stateOf(socket);
    // The parser reports its error again for every later chunk: answer once.
    if (state.malformed) return;
    state.malformed = true;
    // The body being read is the malformed part (a bad chunk size, a Transfer-Encoding that is not
    // chunked): node:http never ends that request, so its read is failed here and it answers the 400
    // itself (RFC 9112 §6.3: the server MUST respond 400 and close). Without this the client waited
    // for the request timeout with no answer.
    if (state.failBody) state.failBody(new Error('malformed body'));
    else if (state.pending === 0) refuse(socket);
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
  track(req.socket, res);
  // One pass over the raw headers (req.headers would build a second, lower-cased copy of them).
  const headers: HeaderList = [];
  const raw = req.rawHeaders;
  let host: string | undefined;
  let declared = -1;
  let chunked = false;
  let badHost = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    headers.push([name, value]);
    if (name.length === 4 && name.toLowerCase() === 'host') {
      if (host !== undefined || !VALID_HOST.test(value)) badHost = true;
      host = value;
    } else if (name.length === 14 && name.toLowerCase() === 'content-length') declared = Number(value);
    else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') chunked = true;
  }
  if (badHost) {
    // RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any request message
    // that contains more than one Host header field line or a Host header field with an invalid field
    // value." Before, the first Host was the event's domainName and the last its Host header.
    const socket = req.socket;
    socket.destroySoon = () => lingerThenClose(socket);
    res.writeHead(400, { 'content-type': 'application/json', 'content-length': 27, connection: 'close' });
    res.end('{"message":"Bad Request"}\r\n');
    return;
  }
  let body: Uint8Array | undefined;
  let bodyTooLarge: number | undefined;
  if (declared > MAX_PAYLOAD_BYTES) bodyTooLarge = declared;
  else if (declared > 0 || chunked) {
    const state = stateOf(req.socket);
    try {
      const read = await readBody(req, state);
      if (typeof read === 'number') bodyTooLarge = read;
      else body = read;
    } catch {
      // The client went away, sent a body shorter than its Content-Length, or a malformed one.
      state.malformed = false; // this answer is the 400: `refuse` must not send a second one
      if (!res.headersSent && !res.destroyed) {
        const socket = req.socket;
        socket.destroySoon = () => lingerThenClose(socket);
        res.writeHead(400, { 'content-type': 'application/json', 'content-length': 27, connection: 'close' });
        res.end('{"message":"Bad Request"}\r\n');
      }
      return;
    }
  }
  let url = req.url ?? '/';
  if (url.charCodeAt(0) !== 47 /* / */) {
    // The absolute form (`GET http://host/path HTTP/1.1`, as a client sends it to a proxy): a server
    // MUST accept it, and the target's authority replaces Host (RFC 9112 §3.2.2). It was routed as
    // the path `/http:/host/path`.
    const absolute = ABSOLUTE_FORM.exec(url);
    if (absolute) {
      host = absolute[1];
      url =
        absolute[2] === '' ? '/' : absolute[2].charCodeAt(0) === 63 /* ? */ ? `/${absolute[2]}` : absolute[2];
    }
  }
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
  if (bodyTooLarge !== undefined) request.bodyTooLarge = bodyTooLarge;
  let response: GatewayResponse;
  try {
    response = await gateway.handle(request);
    // 1xx is not a final answer, and past 599 is not HTTP: the gateway never returns either.
    if (!(response.status >= 200 && response.status <= 599))
      throw new Error(`the gateway answered status ${response.status}`);
  } catch (error) {
    // A bug in crossgate, not in the user's handler: say so, and keep serving.
    response = lastResort(
      500,
      JSON.stringify({ message: 'crossgate internal error', detail: String(error) }),
      {
        requestId: '',
        kind: 'gateway-response',
        reason: `crossgate internal error: ${String(error)}`,
      },
    );
  }
  const flat: string[] = [];
  for (const [n, v] of response.headers) if (!isConnectionHeader(n)) flat.push(n, v);
  // RFC 9110 §8.6: no Content-Length on a 204; a 304's is optional, and it has no body.
  if (response.status !== 204 && response.status !== 304)
    flat.push(
      'content-length',
      String(typeof response.body === 'string' ? Buffer.byteLength(response.body) : response.body.length),
    );
  if (bodyTooLarge !== undefined) {
    // The rest of the body is still on its way: this connection cannot carry another request.
    flat.push('connection', 'close');
    const socket = req.socket;
    socket.destroySoon = () => lingerThenClose(socket);
  }
  try {
    res.writeHead(response.status, flat);
    res.end(req.method === 'HEAD' ? undefined : response.body);
  } catch (error) {
    // A header node:http refuses to send (gateway/ refuses the ones a function returns, so this is a
    // template's value or a bug): API Gateway would not send it either. What the client gets — a 502 —
    // is what the log and the inspector are told, not the answer that never left.
    if (res.headersSent) {
      res.destroy();
      return;
    }
    response = lastResort(502, '{"message": "Internal server error"}', {
      ...response.trace,
      kind: 'gateway-response',
      reason: `the answer could not be sent: ${(error as Error).message}`,
    });
    res.writeHead(response.status, STATUS_TEXT[response.status], [
      'content-type',
      'application/json',
      'content-length',
      String(Buffer.byteLength(response.body as string)),
    ]);
    res.end(req.method === 'HEAD' ? undefined : response.body);
  }
  onExchange?.({ request, response, started, durationMs: performance.now() - started });
}

const STATUS_TEXT: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway' };

/** An answer the server makes itself when the gateway's cannot be made or sent. */
function lastResort(status: 500 | 502, body: string, trace: GatewayResponse['trace']): GatewayResponse {
  return { status, headers: [['content-type', 'application/json']], body, trace };
}

/**
 * The body, or — once it passes the payload limit — how many bytes had come: the server stops keeping
 * them, and what still arrives is read and dropped.
 */
function readBody(req: IncomingMessage, state: ConnectionState): Promise<Uint8Array | undefined | number> {
  return new Promise<Uint8Array | undefined | number>((resolve, reject) => {
    state.failBody = reject;
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
      else {
        chunks.length = 0;
        req.off('data', onData);
        resolve(size);
      }
    };
    req.on('data', onData);
    req.on('end', () => resolve(chunks.length === 0 ? undefined : new Uint8Array(Buffer.concat(chunks))));
    req.on('aborted', () => reject(new Error('aborted')));
    req.on('error', reject);
  }).finally(() => {
    state.failBody = undefined;
  });
}

/** The Content-Length a request declares, or -1. */
function declaredLength(req: IncomingMessage): number {
  const value = req.headers['content-length'];
  return value === undefined ? -1 : Number(value);
}

/** Counts the answers still to be written on the request's connection; see `clientError`. */
function track(socket: Socket, res: ServerResponse): void {
  const state = stateOf(socket);
  state.pending++;
  res.once('finish', () => {
    state.pending--;
    if (state.pending === 0 && state.malformed) refuse(socket);
  });
}

/** The 400 for a malformed request, after the answers before it, and the connection closed. */
function refuse(socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.write(BAD_REQUEST);
  lingerThenClose(socket);
}

/** Ends the connection, reading and dropping what the client still sends for LINGER_MS. */
function lingerThenClose(socket: Socket): void {
  socket.end();
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.resume();
}

function normalizeIp(ip: string | undefined): string {
  if (!ip) return '127.0.0.1';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
