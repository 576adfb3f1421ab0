/** Messages between the host and a function's worker. Types only: the worker bundle imports nothing else. */

export interface WorkerInit {
  /** Absolute path of the file to import (the handler file itself, or its esbuild bundle). */
  entry: string;
  /** The source file, for messages. */
  source: string;
  /** Export path inside the module: `handler`, or `nested.handler`. */
  exportPath: string[];
  /** The SAM Handler string, for Lambda's messages (`app.handler is undefined or not exported`). */
  handler: string;
  functionName: string;
  memoryMB: number;
  region: string;
  logStreamName: string;
  /** Claim cells shared with the host (pool.ts, CLAIM_CELLS). */
  claims: Int32Array;
}

/**
 * The event travels as JSON, as Lambda delivers it (and a string crosses threads far cheaper than a
 * structured clone). The worker runs events in the order they arrive, one at a time; `timeoutMs` counts
 * from the moment an event starts.
 */
export type HostToWorker = { t: 'invoke'; events: InvokeEvent[] };

export interface InvokeEvent {
  id: string;
  /** The worker runs the event only if it claims this ticket first (the host may have taken it back). */
  ticket: number;
  eventJson: string;
  timeoutMs: number;
}

export type WorkerToHost =
  | { t: 'ready' }
  | { t: 'init-error'; kind: 'load' | 'missing'; errorType: string; message: string }
  | { t: 'log'; id: string | null; line: string }
  | { t: 'result'; id: string; json: string; ms: number; mem: number }
  | { t: 'error'; id: string; errorType: string; message: string; ms: number; mem: number }
  /** The environment's heap and off-heap memory went over MemorySize (MB in use): the host stops it. */
  | { t: 'oom'; mem: number }
  /** The handler signalled the host's process (or group): in Lambda that ends its own environment. */
  | { t: 'signal'; signal: string }
  /** The handler started a process (it outlives the thread unless the host ends it), or one ended. */
  | { t: 'child'; pid: number }
  | { t: 'child-exit'; pid: number };
