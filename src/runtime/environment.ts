/**
 * What the pool (pool.ts) needs from an execution environment, whatever runs in it: a Node worker thread
 * (node-environment.ts, the fast path for JavaScript and TypeScript) or a process that speaks the Lambda
 * Runtime API (process-environment.ts: Python's bootstrap, a provided.* `bootstrap`). The pool decides
 * which event goes where and when an environment starts or stops; an environment runs events one at a
 * time and says what happened.
 */
import type { KeptLines } from './log-lines.js';
import type { FailureKind, FunctionSpec, InvokeOutcome } from './types.js';

export type Failure = { ok: false; kind: FailureKind; errorType: string; message: string; logs?: string[] };
export type Ready = { ok: true } | Failure;
export type Outcome = { ok: true; value: unknown } | Failure;

/** One event on its way through the pool. */
export interface Invocation {
  id: string;
  /** The environment's own handle for the event (a worker's claim ticket); 0 until sent. */
  ticket: number;
  /** The event as given, and as sent: JSON, as Lambda delivers it. */
  event: unknown;
  eventJson: string;
  timeoutMs: number;
  /** When (performance.now()) it was given to the pool. */
  arrived: number;
  /** When (performance.now()) it stops waiting for a free environment if it has not been sent to one. */
  waitUntil: number;
  /** Its output, as far as it is kept with the outcome. */
  logs: KeptLines;
  /** When the event started to run (it may first wait behind others in its environment); 0 until then. */
  started: number;
  timer: NodeJS.Timeout | undefined;
  resolve: (outcome: InvokeOutcome) => void;
}

/** An environment that ended: `exited` words it as Lambda words the exit (`RequestId: … Error: Runtime exited …`). */
export interface Crash {
  errorType: string;
  reason: string;
  exited: boolean;
}

/** What an environment reports to the pool. */
export interface EnvironmentEvents {
  /** Init is over: events may be sent. */
  ready(): void;
  /** Init failed (the module did not load, the runtime posted /runtime/init/error). */
  initFailed(failure: Failure): void;
  /** A line the environment wrote; `requestId` when the environment itself knows which event wrote it. */
  log(requestId: string | null, line: string): void;
  /** The running event is answered. `ranMs`: the handler's own run time, when the environment measured it. */
  answered(requestId: string, outcome: Outcome, ranMs?: number): void;
  /** The environment ended on its own (an exit, a signal, memory over MemorySize). */
  crashed(crash: Crash): void;
}

export interface Environment {
  /**
   * How many events may wait in it behind the running one: a worker thread takes some (a hand-over to a
   * sleeping thread costs a wake-up); a process takes one event at a time from the Runtime API (0).
   */
  readonly maxQueued: number;
  /** Hands over an event. It runs after those sent before it, one at a time. */
  send(invocation: Invocation): void;
  /** Takes back an event that has not started; false when it has (its answer is coming). */
  takeBack(invocation: Invocation): boolean;
  /** The running event has been answered and the answer is on its way to the host (no timeout, then). */
  answerInTransit(invocation: Invocation): boolean;
  /** Stops it at once (its process or thread ends). */
  stop(): Promise<void>;
  /** The most memory the environment used so far, in MB, when it can be measured (REPORT's Max Memory Used). */
  maxMemoryUsedMB(): number | undefined;
}

/** What starting environments needs, made once per version of the code. */
export interface Prepared {
  ok: true;
  /** Files whose change reloads the function. */
  files: string[];
  /** Folders under which any change reloads the function. */
  trees: string[];
}

export interface PrepareFailure extends Failure {
  /** Files whose appearance or change may fix it. */
  watch: string[];
}

/** One kind of execution environment: how to get it ready and start one. */
export interface EnvironmentKind<P extends Prepared = Prepared> {
  prepare(generation: number): Promise<P | PrepareFailure>;
  start(prepared: P, events: EnvironmentEvents, logStreamName: string): Environment;
}

export interface KindOptions {
  spec: FunctionSpec;
  outDir: string;
  region: string;
  watch: boolean;
}

export function failure(kind: FailureKind, errorType: string, message: string): Failure {
  return { ok: false, kind, errorType, message };
}

/** As Lambda reports a function over its MemorySize: the environment is killed. */
export function outOfMemory(memoryMB: number, usedMB?: number): Crash {
  return {
    errorType: 'Runtime.OutOfMemory',
    reason: `Runtime exited with error: signal: killed (memory over MemorySize ${memoryMB} MB${usedMB ? `: ${usedMB} MB in use` : ''})`,
    exited: true,
  };
}
