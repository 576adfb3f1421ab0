/**
 * HTTP/1.1 at the byte level, for tests that must see exactly what reaches the socket: pipelined
 * requests, bodies that never end, what comes back on a connection after a bad response.
 */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

export interface RawConversation {
  /** Every byte the server sent, as latin1 text. */
  text: string;
  /** The server closed the connection (rather than the wait running out). */
  closed: boolean;
  /** The client's socket failed (ECONNRESET, EPIPE) before the server closed it. */
  error: string | undefined;
}

/**
 * Sends `write(socket)`'s bytes and collects the answer until the server closes the connection, or
 * `until(text)` holds, or `waitMs` passes (a safety net for a server that never answers; never what a
 * passing test waits for).
 */
export function converse(
  port: number,
  write: (socket: Socket) => void,
  options: { until?: (text: string) => boolean; waitMs?: number } = {},
): Promise<RawConversation> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let error: string | undefined;
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed, error });
    };
    const timer = setTimeout(() => finish(false), options.waitMs ?? 15_000);
    socket.setNoDelay(true);
    socket.on('connect', () => write(socket));
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (options.until?.(text)) finish(false);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message;
    });
    socket.on('close', () => finish(error === undefined));
  });
}

/** Splits a stream of HTTP/1.1 responses, each framed by its Content-Length, as a client would. */
export function parseResponses(text: string): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) throw new Error(`an incomplete head: ${JSON.stringify(rest.slice(0, 200))}`);
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const m = /^HTTP\/1\.1 (\d{3}) /.exec(statusLine);
    if (!m) throw new Error(`not a status line: ${JSON.stringify(statusLine.slice(0, 200))}`);
    const headers = lines.map((l): [string, string] => {
      const colon = l.indexOf(':');
      return [l.slice(0, colon), l.slice(colon + 1).trim()];
    });
    const length = headers.find(([n]) => n.toLowerCase() === 'content-length');
    const status = Number(m[1]);
    const size = length ? Number(length[1]) : 0;
    if (end + 4 + size > rest.length) throw new Error(`an incomplete body (${size} bytes announced)`);
    out.push({ status, headers, body: rest.slice(end + 4, end + 4 + size) });
    rest = rest.slice(end + 4 + size);
  }
  return out;
}

export function headerOf(r: RawResponse, name: string): string | undefined {
  const all = r.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  return all.length === 0 ? undefined : all.join(', ');
}

/** How many complete responses `text` holds so far (for `until`). */
export function countResponses(text: string): number {
  try {
    return parseResponses(text).length;
  } catch {
    return 0;
  }
}

export const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${extra}\r\n`;
