// A WebDriver BiDi client (https://w3c.github.io/webdriver-bidi/): commands as JSON over a WebSocket,
// answered by id; events dispatched by method name. Only what the engine suites use.

import { type MiniWebSocket, openWebSocket } from './websocket.js';

export interface BidiClient {
  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown>): Promise<T>;
  on(event: string, listener: (params: Record<string, unknown>) => void): void;
  close(): void;
}

export async function connectBidi(url: string): Promise<BidiClient> {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Array<(p: Record<string, unknown>) => void>>();
  let closedWhy: string | undefined;
  const ws: MiniWebSocket = await openWebSocket(
    url,
    (text) => {
      const msg = JSON.parse(text) as {
        id?: number;
        type?: string;
        method?: string;
        params?: Record<string, unknown>;
        result?: unknown;
        error?: string;
        message?: string;
      };
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (!p) return;
        if (msg.type === 'error') p.reject(new Error(`BiDi ${msg.error}: ${msg.message}`));
        else p.resolve(msg.result);
      } else if (msg.method) for (const l of listeners.get(msg.method) ?? []) l(msg.params ?? {});
    },
    (why) => {
      closedWhy = why;
      for (const p of pending.values()) p.reject(new Error(`BiDi connection ${why}`));
      pending.clear();
    },
  );
  return {
    send<T>(method: string, params: Record<string, unknown>): Promise<T> {
      if (closedWhy) return Promise.reject(new Error(`BiDi connection ${closedWhy}`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    on(event, listener) {
      const l = listeners.get(event) ?? [];
      l.push(listener);
      listeners.set(event, l);
    },
    close: () => ws.close(),
  };
}
