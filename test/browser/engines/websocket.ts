// A WebSocket client just large enough for WebDriver BiDi on loopback (RFC 6455): the opening handshake,
// masked text frames out, text / continuation / ping / close frames in. Node 20 has no WebSocket
// without a flag, and the tests need nothing else of one; writing these ~100 lines keeps the BiDi
// driver free of a dependency (puppeteer-core would bring Chromium's BiDi mapper, ws and more).

import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';

export interface MiniWebSocket {
  send(text: string): void;
  close(): void;
}

/** Opens `ws://host:port/path`; `onMessage` gets every text message, `onClose` fires once. */
export function openWebSocket(
  url: string,
  onMessage: (text: string) => void,
  onClose: (why: string) => void,
): Promise<MiniWebSocket> {
  const u = new URL(url);
  if (u.protocol !== 'ws:') return Promise.reject(new Error(`only ws: URLs: ${url}`));
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname);
    let buffer = Buffer.alloc(0);
    let open = false;
    let closed = false;
    let fragments: Buffer[] = [];
    const finish = (why: string) => {
      if (closed) return;
      closed = true;
      socket.destroy();
      if (open) onClose(why);
      else reject(new Error(`WebSocket ${url}: ${why}`));
    };
    const frame = (opcode: number, payload: Buffer) => {
      const mask = randomBytes(4);
      const len = payload.length;
      const head =
        len < 126
          ? Buffer.from([0x80 | opcode, 0x80 | len])
          : len < 65536
            ? Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 255])
            : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), u64(len)]);
      const body = Buffer.alloc(len);
      for (let i = 0; i < len; i++) body[i] = payload[i] ^ mask[i & 3];
      socket.write(Buffer.concat([head, mask, body]));
    };
    const ws: MiniWebSocket = {
      send: (text) => frame(0x1, Buffer.from(text, 'utf8')),
      close: () => {
        if (!closed) frame(0x8, Buffer.alloc(0));
        finish('closed by us');
      },
    };
    const readFrames = () => {
      for (;;) {
        if (buffer.length < 2) return;
        const fin = (buffer[0] & 0x80) !== 0;
        const opcode = buffer[0] & 0x0f;
        let len = buffer[1] & 0x7f;
        let offset = 2;
        if (len === 126) {
          if (buffer.length < 4) return;
          len = buffer.readUInt16BE(2);
          offset = 4;
        } else if (len === 127) {
          if (buffer.length < 10) return;
          len = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        // Servers never mask (RFC 6455 §5.1).
        if (buffer.length < offset + len) return;
        const payload = buffer.subarray(offset, offset + len);
        buffer = buffer.subarray(offset + len);
        if (opcode === 0x8) return finish('closed by peer');
        if (opcode === 0x9) frame(0xa, Buffer.from(payload));
        else if (opcode === 0x1 || opcode === 0x0) {
          fragments.push(Buffer.from(payload));
          if (fin) {
            const text = Buffer.concat(fragments).toString('utf8');
            fragments = [];
            onMessage(text);
          }
        }
      }
    };
    socket.on('connect', () => {
      socket.write(
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!open) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 4);
        if (!/^HTTP\/1\.1 101 /.test(head) || !head.toLowerCase().includes(accept.toLowerCase()))
          return finish(`handshake refused: ${head.split('\r\n')[0]}`);
        open = true;
        resolve(ws);
      }
      readFrames();
    });
    socket.on('error', (e) => finish(e.message));
    socket.on('close', () => finish('socket closed'));
  });
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}
