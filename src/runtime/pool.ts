import { performance } from 'node:perf_hooks';
import { newLogStreamName } from './env.js';
import {
  type Crash,
  type Environment,
  type EnvironmentEvents,
  type EnvironmentKind,
  type Failure,
  failure,
  type Invocation,
  type Outcome,
  type Prepared,
  type PrepareFailure,
  type Ready,
} from './environment.js';
import { kindFor } from './kinds.js';
import { KeptLines } from './log-lines.js';
import type { FunctionSpec, InvokeOutcome, PoolOptions } from './types.js';
import { CodeWatcher } from './watch.js';

/** One execution environment: runs one event at a time. */
interface Slot {
  generation: number;
  state: 'starting' | 'idle' | 'busy' | 'dead';
  env: Environment | undefined;
  ready: Promise<Ready>;
  settleReady: (ready: Ready) => void;
  /** Events sent to the environment, in order: the first one runs, the others wait in it for their turn. */
  inFlight: Invocation[];
  /** Runs while events are queued here, to take them back from behind one that has run GROW_AFTER_MS. */
  watchdog: ReturnType<typeof setInterval> | undefined;
  /** How long the last RUN_SAMPLES events ran here, in ms (a ring). */
  recentRunMs: number[];
  runCount: number;
  /** The shortest of them: what the next event is expected to take (Infinity until one has run). */
  expectedRunMs: number;
  /** When it last became idle (performance.now()). */
  idleSince: number;
  /** Lines written while the code loaded (Lambda's init phase): given to the first invocation. */
  initLogs: KeptLines;
  /** When it was started, and how long its init took (REPORT's Init Duration, for its first event). */
  startedAt: number;
  initMs: number | undefined;
}

/** How long the code may take to load: Lambda's init phase limit (AWS Lambda docs: "Lambda execution environment lifecycle"). */
const INIT_TIMEOUT_MS = 10_000;
/** Changes within this window (an editor writing a file in steps) make one reload. */
const RELOAD_DEBOUNCE_MS = 15;

/** How long a request waits for a busy environment before another one is started. */
const GROW_AFTER_MS = 15;

/**
 * A busy environment that queues (a worker thread: maxQueued) takes another event only while the events already
 * there are expected to run within this many ms. Each hand-over to a sleeping worker thread costs a
 * thread wake-up on each side, about as much as a short handler itself; with a queue, a worker that
 * finishes one event finds the next one waiting. Slow handlers (over the budget) still wait for a free
 * environment, and more start as GROW_AFTER_MS says.
 */
const QUEUE_BUDGET_MS = 2;

/**
 * The environments of one function: up to `maxWorkers`, each handling one event at a time and reused while
 * warm, as Lambda scales a function out on concurrent requests. Which kind of environment (a worker thread,
 * a process speaking the Runtime API) is the kind's business (kinds.ts); the pool never asks.
 */
export class FunctionPool {
  private readonly kind: EnvironmentKind | undefined;
  /** Why this function cannot run at all (a runtime crossgate does not run, a malformed Handler). */
  private readonly refusal: Failure | undefined;
  private generation = 0;
  private prepared: { generation: number; result: Promise<Prepared | PrepareFailure> } | undefined;
  private readonly slots = new Set<Slot>();
  private idle: Slot[] = [];
  private growTimer: ReturnType<typeof setTimeout> | undefined;
  /** Due when the first of the waiting events with a wait limit reaches it. */
  private waitTimer: ReturnType<typeof setTimeout> | undefined;
  private waitDue = Number.POSITIVE_INFINITY;
  private retireTimer: ReturnType<typeof setInterval> | undefined;
  /** Events no environment can take yet, oldest first. */
  private readonly waiters: Invocation[] = [];
  private readonly watcher: CodeWatcher | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  private readonly stopping = new Set<Promise<void>>();
  private closed = false;

  constructor(
    readonly spec: FunctionSpec,
    private readonly options: PoolOptions,
  ) {
    const chosen = kindFor(spec, options);
    if ('refuse' in chosen) this.refusal = chosen.refuse;
    else this.kind = chosen.kind;
    if (options.watch && this.kind) this.watcher = new CodeWatcher((file) => this.scheduleReload(file));
  }

  async invoke(
    event: unknown,
    requestId: string,
    timeoutMs: number,
    waitLimitMs = Number.POSITIVE_INFINITY,
  ): Promise<InvokeOutcome> {
    const started = performance.now();
    const refuse = (failure: Failure): InvokeOutcome => ({
      ...failure,
      durationMs: performance.now() - started,
      logs: failure.logs ?? [],
    });
    if (this.closed) return refuse(closedFailure());
    if (this.refusal) return refuse(this.refusal);
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
        event,
        eventJson,
        timeoutMs,
        arrived: started,
        waitUntil: started + waitLimitMs,
        logs: new KeptLines(),
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
    if (this.closed || !this.kind || this.liveCount() > 0) return;
    const slot = this.newSlot();
    const ready = await slot.ready;
    if (ready.ok) this.release(slot);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reloadTimer);
    clearInterval(this.retireTimer);
    clearTimeout(this.growTimer);
    clearTimeout(this.waitTimer);
    this.watcher?.close();
    for (const slot of [...this.slots]) this.kill(slot);
    for (const waiter of this.waiters.splice(0)) fail(waiter, closedFailure());
    await Promise.all(this.stopping);
  }

  // ── environments ───────────────────────────────────────────────────────────────────────────────────

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
   * A busy environment of the current code that queues, whose queue is expected to be through within
   * QUEUE_BUDGET_MS, the fullest one (each worker kept busy is one that need not be woken).
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
        queued < (slot.env?.maxQueued ?? 0) &&
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
    // Still waiting, and its wait limit comes before the one the timer is set for (the common case, no
    // limit or a later one, costs one comparison).
    if (invocation.waitUntil < this.waitDue && this.waiters.includes(invocation))
      this.armWaitLimit(invocation.waitUntil);
  }

  /**
   * Another environment starts only when a request has waited GROW_AFTER_MS for a busy one. Lambda
   * would start one at once; on a laptop, short handlers are served faster by one warm environment than
   * by several fighting over two cores (bench/serve.bench.mjs), and slow handlers still get concurrency.
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

  /**
   * A new environment, for this event first. Should the code change while it starts, or the environment
   * end the moment it is ready, the event has not started: it goes to an environment of the current code.
   */
  private startFor(invocation: Invocation): void {
    const slot = this.newSlot();
    void slot.ready.then((ready) => {
      if (!ready.ok) {
        fail(invocation, ready);
      } else if (slot.state === 'dead' || slot.generation !== this.generation) {
        this.release(slot);
        this.requeue([invocation]);
      } else {
        slot.state = 'busy';
        this.send(slot, invocation);
      }
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

  /**
   * Lambda scales out instead of making an event wait; crossgate stops at maxWorkers, so an event may
   * wait here past API Gateway's integration timeout. It is then answered as API Gateway answers one
   * (the gateway's business), and never runs: API Gateway would not be waiting for its answer.
   */
  private armWaitLimit(due: number): void {
    if (this.closed) return;
    clearTimeout(this.waitTimer);
    this.waitDue = due;
    this.waitTimer = setTimeout(() => this.expireWaiters(), Math.max(0, due - performance.now()));
    this.waitTimer.unref?.();
  }

  /** Answers the events whose wait limit has passed, and sets the timer for the next one due. */
  private expireWaiters(): void {
    this.waitTimer = undefined;
    this.waitDue = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const expired: Invocation[] = [];
    let kept = 0;
    let next = Number.POSITIVE_INFINITY;
    for (const waiter of this.waiters) {
      if (waiter.waitUntil <= now) expired.push(waiter);
      else {
        this.waiters[kept++] = waiter;
        if (waiter.waitUntil < next) next = waiter.waitUntil;
      }
    }
    this.waiters.length = kept;
    for (const waiter of expired) {
      const seconds = ((now - waiter.arrived) / 1000).toFixed(1);
      fail(
        waiter,
        failure(
          'waited',
          'Crossgate.NoFreeEnvironment',
          `No environment of ${this.spec.id} was free for ${seconds} s: all ${this.options.maxWorkers} were busy (Lambda would have started another; serve --workers raises the limit)`,
        ),
      );
    }
    if (next !== Number.POSITIVE_INFINITY) this.armWaitLimit(next);
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
   * the last one stays warm. Fewer to wake: short handlers are served by one warm environment faster than
   * by several taking turns (bench/serve.bench.mjs).
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
    if (slot.env) {
      const stopped = slot.env.stop();
      this.stopping.add(stopped);
      void stopped.then(() => this.stopping.delete(stopped));
    }
    clearInterval(slot.watchdog);
    slot.watchdog = undefined;
    // Only events the environment never started may run elsewhere; taking one back also keeps the
    // environment (which stops a little later) from starting it now. One it started has run, or was
    // running, there: it is answered as stopped.
    const orphans: Invocation[] = [];
    for (const invocation of slot.inFlight.splice(0)) {
      if (slot.env?.takeBack(invocation)) orphans.push(invocation);
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
      env: undefined,
      ready,
      settleReady,
      inFlight: [],
      watchdog: undefined,
      recentRunMs: [],
      runCount: 0,
      expectedRunMs: Number.POSITIVE_INFINITY,
      idleSince: 0,
      initLogs: new KeptLines(),
      startedAt: performance.now(),
      initMs: undefined,
    };
    this.slots.add(slot);
    if (this.slots.size > 1) this.scheduleRetirement();
    void this.start(slot);
    return slot;
  }

  private async start(slot: Slot): Promise<void> {
    const prepared = await this.prepare(slot.generation);
    if (slot.state === 'dead') return;
    if (!prepared.ok) {
      slot.settleReady(failure(prepared.kind, prepared.errorType, prepared.message));
      this.kill(slot);
      return;
    }
    const initTimer = setTimeout(() => {
      slot.settleReady(
        failure(
          'timeout',
          'Sandbox.Timedout',
          `Init phase of ${this.spec.id} timed out after ${INIT_TIMEOUT_MS / 1000} seconds`,
        ),
      );
      this.kill(slot);
    }, INIT_TIMEOUT_MS);
    void slot.ready.then(() => clearTimeout(initTimer));
    slot.startedAt = performance.now();
    try {
      slot.env = this.kind!.start(prepared, this.eventsOf(slot), newLogStreamName());
    } catch (error) {
      slot.settleReady(failure('load', 'Runtime.InvalidEntrypoint', String(error)));
      this.kill(slot);
    }
  }

  private eventsOf(slot: Slot): EnvironmentEvents {
    return {
      ready: () => {
        slot.initMs ??= performance.now() - slot.startedAt;
        slot.settleReady({ ok: true });
      },
      initFailed: (initFailure) => {
        slot.settleReady({ ...initFailure, logs: [...slot.initLogs.list(), ...(initFailure.logs ?? [])] });
        this.kill(slot);
      },
      log: (requestId, line) => this.onLog(slot, requestId, line),
      answered: (requestId, outcome, ranMs) => {
        const invocation = slot.inFlight[0];
        if (invocation?.id === requestId) this.finish(slot, invocation, outcome, ranMs);
      },
      crashed: (crash) => this.onCrash(slot, crash),
    };
  }

  private onLog(slot: Slot, requestId: string | null, line: string): void {
    const running = slot.inFlight[0];
    if (requestId === null) {
      if (running) running.logs.add(line);
      else slot.initLogs.add(line);
    } else {
      slot.inFlight.find((invocation) => invocation.id === requestId)?.logs.add(line);
    }
    this.options.onLog?.(this.spec.id, requestId ?? running?.id ?? '', line);
  }

  /** The environment died: an uncaught exception, an exit, a signal, memory. A new one serves the next event. */
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

  private send(slot: Slot, invocation: Invocation): void {
    slot.env!.send(invocation);
    slot.inFlight.push(invocation);
    if (slot.inFlight.length === 1) this.begin(slot, invocation);
    else slot.watchdog ??= setInterval(() => this.watchQueue(slot), GROW_AFTER_MS).unref();
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

  /** The queued events the environment has not started; the running one stays (its answer is coming). */
  private takeBack(slot: Slot): Invocation[] {
    const taken: Invocation[] = [];
    slot.inFlight = slot.inFlight.filter((invocation, at) => {
      if (at === 0 || !slot.env!.takeBack(invocation)) return true;
      taken.push(invocation);
      return false;
    });
    return taken;
  }

  /** The event at the head of the environment's queue starts to run: its time (and Timeout) count from now. */
  private begin(slot: Slot, invocation: Invocation): void {
    invocation.started = performance.now();
    invocation.logs.takeInFront(slot.initLogs);
    this.options.onInvocation?.(this.spec.id, { phase: 'start', requestId: invocation.id });
    invocation.timer = setTimeout(() => {
      // The environment has already answered: the answer is on its way, held up behind this timer by a
      // busy host, and is no timeout.
      if (slot.env!.answerInTransit(invocation)) return;
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

  /** `ranMs`: the handler's own run time, as the environment measured it (absent for a timeout or a crash). */
  private finish(slot: Slot, invocation: Invocation, outcome: Outcome, ranMs?: number): void {
    if (slot.inFlight[0] !== invocation) return;
    clearTimeout(invocation.timer);
    slot.inFlight.shift();
    const durationMs = ranMs ?? performance.now() - invocation.started;
    noteRunTime(slot, durationMs);
    invocation.resolve({ ...outcome, durationMs, logs: invocation.logs.list() });
    if (this.options.onInvocation) {
      this.options.onInvocation(this.spec.id, {
        phase: 'end',
        requestId: invocation.id,
        durationMs,
        memorySizeMB: this.spec.memoryMB,
        maxMemoryUsedMB: slot.env?.maxMemoryUsedMB(),
        initDurationMs: slot.runCount === 1 ? slot.initMs : undefined,
        status: outcome.ok ? undefined : outcome.kind === 'error' ? undefined : outcome.kind,
        errorType: outcome.ok || outcome.kind === 'error' ? undefined : outcome.errorType,
      });
    }
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

  // ── code versions and reload ───────────────────────────────────────────────────────────────────────

  private prepare(generation: number): Promise<Prepared | PrepareFailure> {
    if (this.prepared?.generation === generation) return this.prepared.result;
    const result = this.kind!.prepare(generation).then(
      (outcome) => {
        if (this.watcher && !this.closed && generation === this.generation) {
          if (outcome.ok) this.watcher.set(outcome.files, outcome.trees);
          else this.watcher.set(outcome.watch, []);
        }
        // A failed preparation is tried again by the next request (the file may have been fixed meanwhile).
        if (!outcome.ok && this.prepared?.result === result) this.prepared = undefined;
        return outcome;
      },
      (error: unknown): PrepareFailure => {
        if (this.prepared?.result === result) this.prepared = undefined;
        return { ...failure('load', 'Runtime.Unknown', String(error)), watch: [] };
      },
    );
    this.prepared = { generation, result };
    return result;
  }

  private scheduleReload(file: string): void {
    if (this.reloadTimer || this.closed) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      this.reload(file);
    }, RELOAD_DEBOUNCE_MS);
  }

  /** New code for new requests; requests in flight finish on the old environments, which then stop. */
  private reload(file: string): void {
    const hadEnvironments = this.slots.size > 0;
    this.generation++;
    this.prepared = undefined;
    for (const slot of [...this.idle]) this.kill(slot);
    // Events queued in busy environments that have not started yet get the new code too.
    for (const slot of this.slots) if (slot.state === 'busy') this.requeue(this.takeBack(slot));
    this.options.onReload?.(this.spec.id, file);
    if (this.waiters.length > 0) this.pump();
    else if (hadEnvironments) void this.warm();
    else void this.prepare(this.generation);
  }
}

/**
 * A run time measured in the environment is wall-clock time: a thread that shares two cores with the
 * host and the client is often paused mid-event, and one such sample must not make a fast handler look
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

function closedFailure(): Failure {
  return failure('crash', 'Runtime.Closed', 'The runtime was closed');
}

function stoppedFailure(): Failure {
  return failure('crash', 'Runtime.ExitError', 'The execution environment was stopped');
}

/** Answers an event that never ran (or was cut off) with a failure. */
function fail(invocation: Invocation, failure: Failure): void {
  invocation.resolve({
    ...failure,
    durationMs: 0,
    logs: [...(failure.logs ?? []), ...invocation.logs.list()],
  });
}
