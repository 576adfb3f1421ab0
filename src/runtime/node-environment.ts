/**
 * Node.js execution environments: one worker thread each (worker.ts), the fast path. Events for a busy
 * worker may wait in it (a hand-over to a sleeping thread costs a wake-up on each side); which side runs
 * a queued event is decided by a compare-and-swap on cells both share (CLAIM_CELLS).
 */
import { Worker } from 'node:worker_threads';
import {
  displayPath,
  locateSyntaxError,
  type Prepared as NodePrepared,
  type PrepareFailure as NodePrepareFailure,
  prepare,
  workerScript,
} from './build.js';
import { functionEnvironment } from './env.js';
import {
  type Crash,
  type Environment,
  type EnvironmentEvents,
  type EnvironmentKind,
  failure,
  type Invocation,
  type KindOptions,
  outOfMemory,
  type Prepared,
} from './environment.js';
import { type HandlerRef, parseHandler } from './handler.js';
import { LineSplitter } from './log-lines.js';
import { descendantsOf } from './process-memory.js';
import type { HostToWorker, InvokeEvent, WorkerInit, WorkerToHost } from './protocol.js';
import { signalText } from './signals.js';

/** The most events waiting in one worker behind the running one (see pool.ts, QUEUE_BUDGET_MS). */
const MAX_QUEUED = 32;
/**
 * Claim cells per worker: a queued event's ticket is in cell `ticket % CLAIM_CELLS` until the worker
 * claims it (to run it) or the host takes it back (to run it elsewhere). Twice MAX_QUEUED, so a cell is
 * reused only after the event it held was claimed or taken back.
 */
const CLAIM_CELLS = MAX_QUEUED * 2;

interface WorkerPrepared extends Prepared {
  entry: string;
  source: string;
  script: string;
}

export function nodeKind(options: KindOptions): EnvironmentKind<WorkerPrepared> {
  const { spec } = options;
  const ref = parseHandler(spec.handler) as HandlerRef;
  return {
    async prepare(generation) {
      let built: NodePrepared | NodePrepareFailure;
      let script: string;
      try {
        [built, script] = await Promise.all([
          prepare(spec, ref, options.outDir, generation, options.watch),
          workerScript(options.outDir),
        ]);
      } catch (error) {
        return { ...failure('load', 'Runtime.ImportModuleError', String(error)), watch: [] };
      }
      if (!built.ok) return { ...failure(built.kind, built.errorType, built.message), watch: built.watch };
      return {
        ok: true,
        files: built.inputs,
        trees: [],
        entry: built.entry,
        source: built.source,
        script,
      };
    },
    start(prepared, events, logStreamName) {
      return new WorkerEnvironment(options, ref, prepared, events, logStreamName);
    },
  };
}

class WorkerEnvironment implements Environment {
  readonly maxQueued = MAX_QUEUED;
  private readonly worker: Worker;
  /** Shared with the worker: who runs a queued event (see CLAIM_CELLS). */
  private readonly claims = new Int32Array(new SharedArrayBuffer(CLAIM_CELLS * Int32Array.BYTES_PER_ELEMENT));
  private nextTicket = 1;
  /** Events given to this worker in the current turn of the event loop, not yet posted. */
  private outbox: InvokeEvent[] = [];
  private stopped = false;
  /** The worker's thread has ended. */
  private exited = false;
  /** Processes the handler started that have not exited. */
  private readonly children = new Set<number>();
  private maxMemoryMB: number | undefined;

  constructor(
    private readonly options: KindOptions,
    ref: HandlerRef,
    private readonly prepared: WorkerPrepared,
    private readonly events: EnvironmentEvents,
    logStreamName: string,
  ) {
    const { spec, region } = options;
    const init: WorkerInit = {
      entry: prepared.entry,
      source: prepared.source,
      exportPath: ref.exportPath,
      handler: spec.handler,
      functionName: spec.id,
      memoryMB: spec.memoryMB,
      region,
      logStreamName,
      claims: this.claims,
    };
    const worker = new Worker(prepared.script, {
      workerData: init,
      env: functionEnvironment(spec, region, logStreamName),
      // The heap is bounded by V8; memory outside it (Buffers, ArrayBuffers) the worker measures itself
      // against MemorySize (worker.ts, overMemory()).
      resourceLimits: { maxOldGenerationSizeMb: Math.max(16, spec.memoryMB) },
      stdout: true,
      stderr: true,
      name: `crossgate:${spec.id}`,
    });
    this.worker = worker;
    worker.on('message', (message: WorkerToHost) => this.onMessage(message));
    worker.on('error', (error: Error & { code?: string }) => {
      if (!this.stopped) events.crashed(crashOf(error, spec.memoryMB));
    });
    worker.on('exit', (code) => {
      this.exited = true;
      this.endChildren();
      if (this.stopped) return;
      const reason =
        code === 0
          ? 'Runtime exited without providing a reason'
          : `Runtime exited with error: exit status ${code}`;
      events.crashed({ errorType: 'Runtime.ExitError', reason, exited: true });
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      const lines = new LineSplitter((line) => events.log(null, line));
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => lines.write(chunk));
      stream.on('end', () => lines.end());
    }
  }

  send(invocation: Invocation): void {
    const ticket = this.nextTicket;
    // Tickets stay below 2^30, so that -ticket and ticket are never the same Int32.
    this.nextTicket = ticket >= 2 ** 30 ? 1 : ticket + 1;
    invocation.ticket = ticket;
    Atomics.store(this.claims, ticket % CLAIM_CELLS, ticket);
    this.outbox.push({
      id: invocation.id,
      ticket,
      eventJson: invocation.eventJson,
      timeoutMs: invocation.timeoutMs,
    });
    // Events for a worker leave together at the end of this turn of the event loop: requests read from
    // several sockets at once cost the worker one wake-up, not one each.
    if (this.outbox.length === 1) setImmediate(flushOutbox, this);
  }

  flush(): void {
    const events = this.outbox;
    this.outbox = [];
    if (this.stopped || events.length === 0) return;
    const message: HostToWorker = { t: 'invoke', events };
    this.worker.postMessage(message);
  }

  /**
   * Takes a queued event back: true unless the worker has claimed it first. A cell still holding the
   * event's ticket means the worker has not reached it; the worker claims with the same compare-and-swap,
   * so exactly one side wins.
   */
  takeBack(invocation: Invocation): boolean {
    const cell = invocation.ticket % CLAIM_CELLS;
    return Atomics.compareExchange(this.claims, cell, invocation.ticket, 0) === invocation.ticket;
  }

  /**
   * The worker clears the event's cell when it settles it (worker.ts, settle()). A cell that still holds
   * the ticket is an event the worker has not reached (its thread is busy with something else): no
   * answer is on its way.
   */
  answerInTransit(invocation: Invocation): boolean {
    return Atomics.load(this.claims, invocation.ticket % CLAIM_CELLS) === 0;
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.outbox.length = 0;
    return this.worker.terminate().then(
      () => undefined,
      () => undefined,
    );
  }

  maxMemoryUsedMB(): number | undefined {
    return this.maxMemoryMB;
  }

  private onMessage(message: WorkerToHost): void {
    if (message.t === 'child') {
      this.children.add(message.pid);
      startedChildren.add(message.pid);
      if (this.exited) this.endChildren();
      return;
    }
    if (message.t === 'child-exit') {
      this.children.delete(message.pid);
      startedChildren.delete(message.pid);
      return;
    }
    if (this.stopped) return;
    switch (message.t) {
      case 'ready':
        this.events.ready();
        return;
      case 'init-error': {
        // The worker is stopped first, so its exit does not answer in its place while the position is
        // looked up.
        this.stopped = true;
        void this.worker.terminate().catch(() => undefined);
        void this.initFailure(message.kind, message.errorType, message.message).then((f) =>
          this.events.initFailed(f),
        );
        return;
      }
      case 'log':
        this.events.log(message.id, message.line);
        return;
      case 'result':
        this.noteMemory(message.mem);
        this.events.answered(message.id, { ok: true, value: JSON.parse(message.json) }, message.ms);
        return;
      case 'error':
        this.noteMemory(message.mem);
        this.events.answered(message.id, failure('error', message.errorType, message.message), message.ms);
        return;
      case 'signal':
        this.stopped = true;
        void this.worker.terminate().catch(() => undefined);
        this.events.crashed({
          errorType: 'Runtime.ExitError',
          reason: `Runtime exited with error: signal: ${signalText(message.signal)}`,
          exited: true,
        });
        return;
      case 'oom':
        this.noteMemory(message.mem);
        this.stopped = true;
        void this.worker.terminate().catch(() => undefined);
        this.events.crashed(outOfMemory(this.options.spec.memoryMB, message.mem));
        return;
    }
  }

  /** Kills what the handler started and is still running (worker.ts, ChildProcess#spawn). */
  private endChildren(): void {
    for (const pid of this.children) {
      startedChildren.delete(pid);
      killTree(pid);
    }
    this.children.clear();
  }

  private noteMemory(mb: number): void {
    if (this.maxMemoryMB === undefined || mb > this.maxMemoryMB) this.maxMemoryMB = mb;
  }

  /** A syntax error Node reported without a position is looked up by esbuild. */
  private async initFailure(kind: 'load' | 'missing', errorType: string, message: string) {
    const source = this.prepared.source;
    if (errorType === 'Runtime.UserCodeSyntaxError' && !/:\d+:\d+: /.test(message) && source) {
      const at = await locateSyntaxError(source, this.options.spec.codeDir);
      return failure(kind, errorType, `${at ?? displayPath(source)}: ${message}`);
    }
    return failure(kind, errorType, message);
  }
}

/**
 * Every process a handler started and that is still running, whatever its environment: if the host exits
 * without stopping its environments (an uncaught error, process.exit), they end with it.
 */
const startedChildren = new Set<number>();
process.once('exit', () => {
  for (const pid of startedChildren) killTree(pid);
});

/**
 * A process and the processes under it (a shell's command, a daemon's workers), found before any is
 * killed: once their parent is gone they belong to init and cannot be told apart.
 */
function killTree(pid: number): void {
  for (const target of [...descendantsOf(pid), pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // It had ended (its exit message was still on its way).
    }
  }
}

function flushOutbox(environment: WorkerEnvironment): void {
  environment.flush();
}

/**
 * An uncaught exception is reported with the error's own name and message, as the runtime interface
 * client posts it before exiting; the heap limit as Lambda reports a function over its MemorySize.
 */
function crashOf(error: Error & { code?: string }, memoryMB: number): Crash {
  if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return {
      errorType: 'Runtime.OutOfMemory',
      reason: `Runtime exited with error: signal: killed (JavaScript heap over MemorySize ${memoryMB} MB)`,
      exited: true,
    };
  }
  return { errorType: error.name, reason: error.message, exited: false };
}
