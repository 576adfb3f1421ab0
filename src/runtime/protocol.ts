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
}

/** The event travels as JSON, as Lambda delivers it (and a string crosses threads far cheaper than a structured clone). */
export type HostToWorker = { t: 'invoke'; id: string; eventJson: string; deadline: number };

export type WorkerToHost =
  | { t: 'ready' }
  | { t: 'init-error'; kind: 'load' | 'missing'; errorType: string; message: string }
  | { t: 'log'; id: string | null; line: string }
  | { t: 'result'; id: string; json: string }
  | { t: 'error'; id: string; errorType: string; message: string };
