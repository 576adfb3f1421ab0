import { type FSWatcher, watch as watchDir } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  displayPath,
  locateSyntaxError,
  type Prepared,
  type PrepareFailure,
  prepare,
  workerScript,
} from './build.js';
import { functionEnvironment, isNodeRuntime, newLogStreamName } from './env.js';
import { type HandlerRef, parseHandler } from './handler.js';
import type { HostToWorker, InvokeEvent, WorkerInit, WorkerToHost } from './protocol.js';
import type { FailureKind, FunctionSpec, InvokeOutcome } from './types.js';

export interface PoolOptions {
  outDir: string;
  region: string;
  maxWorkers: number;
  /** An environment idle this long stops, unless it is the function's last one. */
  idleRetireMs: number;
  watch: boolean;
  onReload?: (functionId: string, file: string) => void;
  onLog?: (functionId: string, requestId: string, line: string) => void;
}

type Failure = { ok: false; kind: FailureKind; errorType: string; message: string; logs?: string[] };
type Ready = { ok: true } | Failure;
type Outcome = { ok: true; value: unknown } | Failure;

interface Invocation {
  id: string;
  ticket: number;
  eventJson: string;
  timeoutMs: number;
  logs: string[];
  /** When the event started to run (it may first wait behind others in its worker); 0 until then. */
  started: number;
  timer: NodeJS.Timeout | undefined;
  resolve: (outcome: InvokeOutcome) => void;
}

/** One execution environment: a worker that runs one event at a time. */
interface Slot {
  generation: number;
  state: 'starting' | 'idle' | 'busy' | 'dead';
  worker: Worker | undefined;
  ready: Promise<Ready>;
  settleReady: (ready: Ready) => void;
  /** Events sent to the worker, in order: the first one runs, the others wait in the worker for their turn. */
  inFlight: Invocation[];
  /** Events given to this worker in the current turn of the event loop, not yet posted. */
  outbox: InvokeEvent[];
  /** Shared with the worker: who runs a queued event, decided by compare-and-swap (see CLAIM_CELLS). */
  claims: Int32Array;
  nextTicket: number;
  /** Runs while events are queued here, to take them back from behind one that has run GROW_AFTER_MS. */
  watchdog: ReturnType<typeof setInterval> | undefined;
  /** How long the last RUN_SAMPLES events ran here, in ms (a ring). */
  recentRunMs: number[];
  runCount: number;
  /** The shortest of them: what the next event is expected to take (Infinity until one has run). */
  expectedRunMs: number;
  /** When it last became idle (performance.now()). */
  idleSince: number;
  /** Lines written while the module loaded (Lambda's init phase): given to the first invocation. */
  initLogs: string[];
  /** The handler's source file. */
  source: string;
}

/** How long the module may take to load: Lambda's init phase limit (AWS Lambda docs: "Lambda execution environment lifecycle"). */
const INIT_TIMEOUT_MS = 10_000;
/** Changes within this window (an editor writing a file in steps) make one reload. */
const RELOAD_DEBOUNCE_MS = 15;

/** How long a request waits for a busy environment before another one is started. */
const GROW_AFTER_MS = 15;

/**
 * A busy environment takes another event into its queue only while the events already there are
 * expected to run within this many ms. Each hand-over to a sleeping worker thread costs a thread wake-up
 * on each side, about as much as a short handler itself; with a queue, a worker that finishes one event
 * finds the next one waiting. Slow handlers (over the budget) still wait for a free environment, and
 * more start as GROW_AFTER_MS says.
 */
const QUEUE_BUDGET_MS = 2;
const MAX_QUEUED = 32;
/**
 * Claim cells per worker: a queued event's ticket is in cell `ticket % CLAIM_CELLS` until the worker
 * claims it (to run it) or the host takes it back (to run it elsewhere). Twice MAX_QUEUED, so a cell is
 * reused only after the event it held was claimed or taken back (see takeBack()).
 */
const CLAIM_CELLS = MAX_QUEUED * 2;

/**
 * The workers of one function: up to `maxWorkers` environments, each handling one event at a time and
 * reused while warm, as Lambda scales a function out on concurrent requests.
 */
export class FunctionPool {
  private readonly ref: HandlerRef | undefined;
  private generation = 0;
  private prepared: { generation: number; result: Promise<Prepared | PrepareFailure> } | undefined;
  private readonly slots = new Set<Slot>();
  private idle: Slot[] = [];
  private growTimer: ReturnType<typeof setTimeout> | undefined;
  private retireTimer: ReturnType<typeof setInterval> | undefined;
  /** Events no environment can take yet, oldest first. */
  private readonly waiters: Invocation[] = [];
  private readonly dirWatchers = new Map<string, FSWatcher>();
  private watchedFiles = new Set<string>();
  private reloadTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly spec: FunctionSpec,
    private readonly options: PoolOptions,
  ) {
    this.ref = parseHandler(spec.handler);
  }

  async invoke(event: unknown, requestId: string, timeoutMs: number): Promise<InvokeOutcome> {
    const started = performance.now();
    const refuse = (failure: Failure): InvokeOutcome => ({
      ...failure,
      durationMs: performance.now() - started,
      logs: failure.logs ?? [],
    });
    if (this.closed) return refuse(closedFailure());
    if (!isNodeRuntime(this.spec.runtime)) {
      return refuse(
        failure(
          'unsupported',
          'Runtime.Unsupported',
          `${this.spec.id} uses ${this.spec.runtime}; crossgate runs Node.js handlers only (nodejs*.x)`,
        ),
      );
    }
    if (!this.ref) {
      // Runtime interface client, Errors.MalformedHandlerName.
      return refuse(failure('missing', 'Runtime.MalformedHandlerName', `Bad handler ${this.spec.handler}`));
    }
    let eventJson: string;
    try {
      eventJson = JSON.stringify(event ?? null);
    } catch (error) {
      return refuse(failure('error', 'Runtime.InvalidEvent', `The event cannot be sent: ${String(error)}`));
    }
    return new Promise((resolve) =>
      this.assign({
        id: requestId,
        ticket: 0,
        eventJson,
        timeoutMs,
        logs: [],
        started: 0,
        timer: undefined,
        resolve,
      }),
    );
  }

  environments(): number {
    return this.liveCount();
  }

  async warm(): Promise<void> {
    if (this.closed || !isNodeRuntime(this.spec.runtime) || !this.ref || this.liveCount() > 0) return;
    const slot = this.newSlot();
    const ready = await slot.ready;
    if (ready.ok) this.release(slot);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reloadTimer);
    clearInterval(this.retireTimer);
    for (const watcher of this.dirWatchers.values()) watcher.close();
    this.dirWatchers.clear();
    const exits: Promise<unknown>[] = [];
    for (const slot of [...this.slots]) {
      if (slot.worker) exits.push(slot.worker.terminate().catch(() => undefined));
      this.kill(slot);
    }
    for (const waiter of this.waiters.splice(0)) fail(waiter, closedFailure());
    await Promise.all(exits);
  }

  // ── workers ────────────────────────────────────────────────────────────────────────────────────────

  private liveCount(): number {
    let count = 0;
    for (const slot of this.slots) if (slot.generation === this.generation && slot.state !== 'dead') count++;
    return count;
  }

  private takeIdle(): Slot | undefined {
    for (let slot = this.idle.pop(); slot; slot = this.idle.pop()) {
      if (slot.state === 'idle' && slot.generation === this.generation) {
        slot.state = 'busy';
        return slot;
      }
      if (slot.state !== 'dead') this.kill(slot);
    }
    return undefined;
  }

  /**
   * A busy environment of the current code whose queue is expected to be through within QUEUE_BUDGET_MS,
   * the fullest one (each worker kept busy is one that need not be woken).
   */
  private queueBehind(): Slot | undefined {
    let best: Slot | undefined;
    const now = performance.now();
    for (const slot of this.slots) {
      const queued = slot.inFlight.length;
      if (
        slot.state === 'busy' &&
        slot.generation === this.generation &&
        queued > 0 &&
        queued < MAX_QUEUED &&
        queued * slot.expectedRunMs < QUEUE_BUDGET_MS &&
        (!best || queued > best.inFlight.length) &&
        now - slot.inFlight[0].started < GROW_AFTER_MS
      ) {
        best = slot;
      }
    }
    return best;
  }

  private freeSlot(): Slot | undefined {
    return this.queueBehind() ?? this.takeIdle();
  }

  /**
   * Queues the event behind those already waiting and hands out what can be handed out now.
   * Synchronous, so that the next event of the same burst already sees this one's environment busy.
   */
  private assign(invocation: Invocation): void {
    this.waiters.push(invocation);
    this.pump();
  }

  /**
   * Another environment starts only when a request has waited GROW_AFTER_MS for a busy one. Lambda
   * would start one at once; on a laptop, short handlers are served faster by one warm worker than by
   * threads fighting over two cores (bench/serve.bench.mjs), and slow handlers still get concurrency.
   */
  private scheduleGrowth(): void {
    if (this.growTimer || this.closed) return;
    this.growTimer = setTimeout(() => {
      this.growTimer = undefined;
      if (this.closed || this.waiters.length === 0 || this.liveCount() >= this.options.maxWorkers) return;
      this.startFor(this.waiters.shift()!);
      if (this.waiters.length > 0) this.scheduleGrowth();
    }, GROW_AFTER_MS);
    this.growTimer.unref?.();
  }

  /** A new environment, for this event first. */
  private startFor(invocation: Invocation): void {
    const slot = this.newSlot();
    void slot.ready.then((ready) => {
      if (!ready.ok) {
        fail(invocation, ready);
        return;
      }
      slot.state = 'busy';
      this.send(slot, invocation);
    });
  }

  /**
   * Gives waiting events, oldest first, to an environment that can take them now, or starts the first
   * one; the rest wait, and another environment starts if they wait GROW_AFTER_MS.
   */
  private pump(): void {
    while (this.waiters.length > 0 && !this.closed) {
      const slot = this.freeSlot();
      if (slot) {
        this.send(slot, this.waiters.shift()!);
      } else if (this.liveCount() === 0) {
        this.startFor(this.waiters.shift()!);
      } else {
        if (this.liveCount() < this.options.maxWorkers) this.scheduleGrowth();
        return;
      }
    }
  }

  private release(slot: Slot): void {
    if (slot.state === 'dead') return;
    if (slot.generation !== this.generation || this.closed) {
      this.kill(slot);
      return;
    }
    slot.state = 'idle';
    slot.idleSince = performance.now();
    this.idle.push(slot);
    this.pump();
  }

  /**
   * Environments started for a burst stop once idle for idleRetireMs (Lambda, too, stops idle ones);
   * the last one stays warm. Fewer threads to wake: short handlers are served by one warm worker with
   * a queue far faster than by several taking turns (bench/serve.bench.mjs).
   */
  private scheduleRetirement(): void {
    if (this.retireTimer || this.closed || !Number.isFinite(this.options.idleRetireMs)) return;
    this.retireTimer = setInterval(
      () => {
        const now = performance.now();
        for (const slot of [...this.idle]) {
          if (this.liveCount() <= 1) break;
          if (slot.state === 'idle' && now - slot.idleSince >= this.options.idleRetireMs) this.kill(slot);
        }
        if (this.slots.size <= 1) {
          clearInterval(this.retireTimer);
          this.retireTimer = undefined;
        }
      },
      Math.max(10, this.options.idleRetireMs / 2),
    ).unref();
  }

  private kill(slot: Slot): void {
    if (slot.state === 'dead') return;
    slot.state = 'dead';
    this.slots.delete(slot);
    const at = this.idle.indexOf(slot);
    if (at >= 0) this.idle.splice(at, 1);
    slot.settleReady(stoppedFailure());
    void slot.worker?.terminate().catch(() => undefined);
    slot.outbox.length = 0;
    clearInterval(slot.watchdog);
    slot.watchdog = undefined;
    // Only events the worker never claimed may run elsewhere; the compare-and-swap also keeps the
    // worker (terminate() takes effect later) from starting them now. One it claimed has run, or was
    // running, there: it is answered as stopped.
    const orphans: Invocation[] = [];
    for (const invocation of slot.inFlight.splice(0)) {
      if (takeClaim(slot, invocation)) orphans.push(invocation);
      else {
        clearTimeout(invocation.timer);
        fail(invocation, this.closed ? closedFailure() : stoppedFailure());
      }
    }
    this.requeue(orphans);
    this.pump();
  }

  private newSlot(): Slot {
    let settleReady!: (ready: Ready) => void;
    const ready = new Promise<Ready>((resolve) => {
      let settled = false;
      settleReady = (value) => {
        if (settled) return;
        settled = true;
        resolve(value);
      };
    });
    const slot: Slot = {
      generation: this.generation,
      state: 'starting',
      worker: undefined,
      ready,
      settleReady,
      inFlight: [],
      outbox: [],
      claims: new Int32Array(new SharedArrayBuffer(CLAIM_CELLS * Int32Array.BYTES_PER_ELEMENT)),
      nextTicket: 1,
      watchdog: undefined,
      recentRunMs: [],
      runCount: 0,
      expectedRunMs: Number.POSITIVE_INFINITY,
      idleSince: 0,
      initLogs: [],
      source: '',
    };
    this.slots.add(slot);
    if (this.slots.size > 1) this.scheduleRetirement();
    void this.start(slot);
    return slot;
  }

  private async start(slot: Slot): Promise<void> {
    let prepared: Prepared | PrepareFailure;
    let script: string;
    try {
      [prepared, script] = await Promise.all([
        this.prepare(slot.generation),
        workerScript(this.options.outDir),
      ]);
    } catch (error) {
      prepared = {
        ok: false,
        kind: 'load',
        errorType: 'Runtime.ImportModuleError',
        message: String(error),
        watch: [],
      };
      script = '';
    }
    if (slot.state === 'dead') return;
    if (!prepared.ok) {
      slot.settleReady(failure(prepared.kind, prepared.errorType, prepared.message));
      this.kill(slot);
      return;
    }
    const spec = this.spec;
    slot.source = prepared.source;
    const logStreamName = newLogStreamName();
    const init: WorkerInit = {
      entry: prepared.entry,
      source: prepared.source,
      exportPath: this.ref!.exportPath,
      handler: spec.handler,
      functionName: spec.id,
      memoryMB: spec.memoryMB,
      region: this.options.region,
      logStreamName,
      claims: slot.claims,
    };
    const worker = new Worker(script, {
      workerData: init,
      env: functionEnvironment(spec, this.options.region, logStreamName),
      // The heap is what can be bounded per worker; Lambda's MemorySize bounds the whole process.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(16, spec.memoryMB) },
      stdout: true,
      stderr: true,
      name: `crossgate:${spec.id}`,
    });
    slot.worker = worker;
    const initTimer = setTimeout(() => {
      slot.settleReady(
        failure(
          'timeout',
          'Sandbox.Timedout',
          `Init phase of ${spec.id} timed out after ${INIT_TIMEOUT_MS / 1000} seconds`,
        ),
      );
      this.kill(slot);
    }, INIT_TIMEOUT_MS);
    void slot.ready.then(() => clearTimeout(initTimer));
    worker.on('message', (message: WorkerToHost) => this.onMessage(slot, message));
    worker.on('error', (error: Error & { code?: string }) =>
      this.onCrash(slot, crashOf(error, spec.memoryMB)),
    );
    worker.on('exit', (code) => {
      const reason =
        code === 0
          ? 'Runtime exited without providing a reason'
          : `Runtime exited with error: exit status ${code}`;
      this.onCrash(slot, { errorType: 'Runtime.ExitError', reason, exited: true });
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop()!;
        for (const line of lines) this.onLog(slot, slot.inFlight[0]?.id ?? null, line);
      });
    }
  }

  private onMessage(slot: Slot, message: WorkerToHost): void {
    switch (message.t) {
      case 'ready':
        slot.settleReady({ ok: true });
        return;
      case 'init-error': {
        // Detached first, so the worker's exit does not answer in its place while the position is looked up.
        const settle = slot.settleReady;
        slot.settleReady = () => undefined;
        this.kill(slot);
        void this.initFailure(slot, message.kind, message.errorType, message.message).then(settle);
        return;
      }
      case 'log':
        this.onLog(slot, message.id, message.line);
        return;
      case 'result': {
        const invocation = slot.inFlight[0];
        if (invocation?.id !== message.id) return;
        this.finish(slot, invocation, { ok: true, value: JSON.parse(message.json) }, message.ms);
        return;
      }
      case 'error': {
        const invocation = slot.inFlight[0];
        if (invocation?.id !== message.id) return;
        this.finish(slot, invocation, failure('error', message.errorType, message.message), message.ms);
        return;
      }
    }
  }

  /** The answer for a module that failed to load, with what it logged while loading. */
  private async initFailure(
    slot: Slot,
    kind: FailureKind,
    errorType: string,
    message: string,
  ): Promise<Failure> {
    const logs = slot.initLogs;
    if (errorType === 'Runtime.UserCodeSyntaxError' && !/:\d+:\d+: /.test(message) && slot.source) {
      const at = await locateSyntaxError(slot.source, this.spec.codeDir);
      return { ...failure(kind, errorType, `${at ?? displayPath(slot.source)}: ${message}`), logs };
    }
    return { ...failure(kind, errorType, message), logs };
  }

  private onLog(slot: Slot, requestId: string | null, line: string): void {
    const running = slot.inFlight[0];
    if (requestId === null) {
      if (running) running.logs.push(line);
      else slot.initLogs.push(line);
    } else {
      slot.inFlight.find((invocation) => invocation.id === requestId)?.logs.push(line);
    }
    this.options.onLog?.(this.spec.id, requestId ?? running?.id ?? '', line);
  }

  /** The worker died: an uncaught exception, process.exit(), the heap limit. A new one serves the next event. */
  private onCrash(slot: Slot, crash: Crash): void {
    if (slot.state === 'dead' && slot.inFlight.length === 0) return;
    const invocation = slot.inFlight[0];
    if (invocation) {
      const message = crash.exited ? `RequestId: ${invocation.id} Error: ${crash.reason}` : crash.reason;
      this.finish(slot, invocation, failure('crash', crash.errorType, message));
    } else {
      slot.settleReady(
        failure('load', crash.errorType, `${this.spec.id} failed during init: ${crash.reason}`),
      );
      if (slot.state === 'idle')
        this.options.onLog?.(this.spec.id, '', `${crash.errorType}: ${crash.reason}`);
    }
    this.kill(slot);
  }

  /**
   * Events for a worker leave together at the end of this turn of the event loop: requests read from
   * several sockets at once cost the worker one wake-up, not one each.
   */
  private send(slot: Slot, invocation: Invocation): void {
    const ticket = slot.nextTicket;
    // Tickets stay below 2^30, so that -ticket and ticket are never the same Int32.
    slot.nextTicket = ticket >= 2 ** 30 ? 1 : ticket + 1;
    invocation.ticket = ticket;
    Atomics.store(slot.claims, ticket % CLAIM_CELLS, ticket);
    slot.inFlight.push(invocation);
    if (slot.inFlight.length === 1) this.begin(slot, invocation);
    else slot.watchdog ??= setInterval(() => this.watchQueue(slot), GROW_AFTER_MS).unref();
    slot.outbox.push({
      id: invocation.id,
      ticket,
      eventJson: invocation.eventJson,
      timeoutMs: invocation.timeoutMs,
    });
    if (slot.outbox.length === 1) setImmediate(flushOutbox, slot);
  }

  /**
   * Events queued behind one that has run GROW_AFTER_MS (a slow call, a hang) are taken back and go
   * to another environment, so one slow request holds up no other, as on Lambda.
   */
  private watchQueue(slot: Slot): void {
    const running = slot.inFlight[0];
    if (slot.state === 'dead' || slot.inFlight.length < 2) {
      clearInterval(slot.watchdog);
      slot.watchdog = undefined;
      return;
    }
    if (performance.now() - running.started < GROW_AFTER_MS) return;
    this.requeue(this.takeBack(slot));
  }

  /**
   * The queued events the worker has not claimed yet. A cell still holding an event's ticket means the
   * worker has not reached it; the worker claims with the same compare-and-swap, so exactly one side
   * wins, and an event the worker already started stays (its result is on the way). A cell is reused
   * for ticket + CLAIM_CELLS only once the event it held is claimed or gone: every event after an
   * unclaimed one is still queued here (the worker claims in order, the host takes back only unclaimed
   * ones), and at most MAX_QUEUED are.
   */
  private takeBack(slot: Slot): Invocation[] {
    const taken: Invocation[] = [];
    slot.inFlight = slot.inFlight.filter((invocation, at) => {
      if (at === 0 || !takeClaim(slot, invocation)) return true;
      taken.push(invocation);
      return false;
    });
    return taken;
  }

  /** The event at the head of the worker's queue starts to run: its time (and Timeout) count from now. */
  private begin(slot: Slot, invocation: Invocation): void {
    invocation.started = performance.now();
    invocation.logs.unshift(...slot.initLogs.splice(0));
    invocation.timer = setTimeout(() => {
      // The worker has already answered (its cell is cleared when it settles): the answer is on its
      // way, held up behind this timer by a busy host, and is no timeout.
      if (Atomics.load(slot.claims, invocation.ticket % CLAIM_CELLS) !== -invocation.ticket) return;
      // Lambda's answer for a function past its Timeout; the environment is stopped.
      const seconds = (invocation.timeoutMs / 1000).toFixed(2);
      this.finish(
        slot,
        invocation,
        failure(
          'timeout',
          'Sandbox.Timedout',
          `RequestId: ${invocation.id} Error: Task timed out after ${seconds} seconds`,
        ),
      );
      this.kill(slot);
    }, invocation.timeoutMs);
  }

  /** `ranMs`: the handler's own run time, as the worker measured it (absent for a timeout or a crash). */
  private finish(slot: Slot, invocation: Invocation, outcome: Outcome, ranMs?: number): void {
    if (slot.inFlight[0] !== invocation) return;
    clearTimeout(invocation.timer);
    slot.inFlight.shift();
    const durationMs = ranMs ?? performance.now() - invocation.started;
    noteRunTime(slot, durationMs);
    invocation.resolve({ ...outcome, durationMs, logs: invocation.logs });
    // A timeout or a crash stops the environment (the caller kills it, and kill() moves the queue on).
    if (!outcome.ok && outcome.kind !== 'error') return;
    const next = slot.inFlight[0];
    if (next) {
      this.begin(slot, next);
      // Events that waited for a free environment may fit in this queue now.
      if (this.waiters.length > 0) this.pump();
    } else this.release(slot);
  }

  /** Events that never ran where they were queued go to another environment, as Lambda would send them. */
  private requeue(orphans: Invocation[]): void {
    for (const invocation of orphans) {
      clearTimeout(invocation.timer);
      if (this.closed) fail(invocation, closedFailure());
      else this.assign(invocation);
    }
  }

  // ── build and reload ───────────────────────────────────────────────────────────────────────────────

  private prepare(generation: number): Promise<Prepared | PrepareFailure> {
    if (this.prepared?.generation === generation) return this.prepared.result;
    const result = prepare(this.spec, this.ref!, this.options.outDir, generation, this.options.watch).then(
      (outcome) => {
        if (this.options.watch && !this.closed && generation === this.generation) {
          this.watchFiles(outcome.ok ? outcome.inputs : outcome.watch);
        }
        // A failed build is tried again by the next request (the file may have been fixed meanwhile).
        if (!outcome.ok && this.prepared?.result === result) this.prepared = undefined;
        return outcome;
      },
    );
    this.prepared = { generation, result };
    return result;
  }

  private watchFiles(files: string[]): void {
    this.watchedFiles = new Set(files);
    const dirs = new Set(files.map((file) => dirname(file)));
    for (const [dir, watcher] of this.dirWatchers) {
      if (!dirs.has(dir)) {
        watcher.close();
        this.dirWatchers.delete(dir);
      }
    }
    // Folders, not files: editors save by writing a new file and renaming it over the old one.
    for (const dir of dirs) {
      if (this.dirWatchers.has(dir)) continue;
      try {
        const watcher = watchDir(dir, (_event, name) => {
          const file = name ? join(dir, name.toString()) : undefined;
          if (file && this.watchedFiles.has(file)) this.scheduleReload(file);
        });
        watcher.on('error', () => undefined);
        this.dirWatchers.set(dir, watcher);
      } catch {
        // A folder that does not exist (yet): nothing to watch there.
      }
    }
  }

  private scheduleReload(file: string): void {
    if (this.reloadTimer || this.closed) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      this.reload(file);
    }, RELOAD_DEBOUNCE_MS);
  }

  /** New code for new requests; requests in flight finish on the old workers, which then stop. */
  private reload(file: string): void {
    const hadWorkers = this.slots.size > 0;
    this.generation++;
    this.prepared = undefined;
    for (const slot of [...this.idle]) this.kill(slot);
    // Events queued in busy workers that have not started yet get the new code too.
    for (const slot of this.slots) if (slot.state === 'busy') this.requeue(this.takeBack(slot));
    this.options.onReload?.(this.spec.id, file);
    if (this.waiters.length > 0) this.pump();
    else if (hadWorkers) void this.warm();
    else void this.prepare(this.generation);
  }
}

/**
 * A run time measured in the worker is wall-clock time: a thread that shares two cores with the host
 * and the client is often paused mid-event, and one such sample must not make a fast handler look
 * slow. The shortest of the last few is robust to that and still follows a handler that got slower.
 */
const RUN_SAMPLES = 8;
function noteRunTime(slot: Slot, ms: number): void {
  const ring = slot.recentRunMs;
  if (ring.length < RUN_SAMPLES) ring.push(ms);
  else ring[slot.runCount % RUN_SAMPLES] = ms;
  slot.runCount++;
  slot.expectedRunMs = Math.min(...ring);
}

/** Takes a queued event back from the worker: true unless the worker has claimed it first. */
function takeClaim(slot: Slot, invocation: Invocation): boolean {
  const cell = invocation.ticket % CLAIM_CELLS;
  return Atomics.compareExchange(slot.claims, cell, invocation.ticket, 0) === invocation.ticket;
}

function flushOutbox(slot: Slot): void {
  const events = slot.outbox.splice(0);
  if (slot.state === 'dead' || events.length === 0) return;
  const message: HostToWorker = { t: 'invoke', events };
  slot.worker!.postMessage(message);
}

function failure(kind: FailureKind, errorType: string, message: string): Failure {
  return { ok: false, kind, errorType, message };
}

function closedFailure(): Failure {
  return failure('crash', 'Runtime.Closed', 'The runtime was closed');
}

function stoppedFailure(): Failure {
  return failure('crash', 'Runtime.ExitError', 'The execution environment was stopped');
}

/** Answers an event that never ran (or was cut off) with a failure. */
function fail(invocation: Invocation, failure: Failure): void {
  invocation.resolve({ ...failure, durationMs: 0, logs: [...(failure.logs ?? []), ...invocation.logs] });
}

/** `exited`: Lambda words it as the environment's exit (`RequestId: … Error: Runtime exited …`). */
interface Crash {
  errorType: string;
  reason: string;
  exited: boolean;
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
