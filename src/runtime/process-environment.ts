/**
 * An execution environment that is a process speaking the Lambda Runtime API (runtime-api.ts): Python's
 * bootstrap (python.ts) or a provided.* `bootstrap` (provided.ts). It gets its own Runtime API on
 * 127.0.0.1, Lambda's variables and the function's, and its own process group, so that whatever it does
 * to itself (exit, a signal to its group) ends only it. MemorySize bounds the resident memory of the
 * process and its children (process-memory.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { functionEnvironment } from './env.js';
import {
  type Environment,
  type EnvironmentEvents,
  failure,
  type Invocation,
  type KindOptions,
  outOfMemory,
  type Prepared,
} from './environment.js';
import { LineSplitter } from './log-lines.js';
import { descendantsOf, ResidentMemory } from './process-memory.js';
import { RuntimeApi } from './runtime-api.js';
import { signalText } from './signals.js';
import { traceIdOf } from './trace-id.js';

/** What to run, made once per version of the code. */
export interface ProcessPrepared extends Prepared {
  command: string;
  args: string[];
  /** Variables the kind adds to Lambda's (PATH with the Layers' bin/, LD_LIBRARY_PATH…). */
  env: Record<string, string>;
  /** Variables of Lambda's that this runtime does not set (provided.* has no AWS_EXECUTION_ENV). */
  unset?: string[];
  /** The code folder when it is not the function's CodeUri (InlineCode, written out). */
  codeDir?: string;
}

/**
 * Besides after each answer, memory is read every MEMORY_POLL_MS while an event runs (a handler that
 * runs long) and every IDLE_POLLS of those while idle (a leak in a background thread). One timer for every
 * process environment of the host.
 */
const MEMORY_POLL_MS = 20;
const IDLE_POLLS = 12;
const watched = new Set<ProcessEnvironment>();
let memoryTicker: NodeJS.Timeout | undefined;
let ticks = 0;
function watchMemoryOf(environment: ProcessEnvironment): void {
  watched.add(environment);
  memoryTicker ??= setInterval(() => {
    ticks++;
    for (const each of watched) each.pollMemory(ticks % IDLE_POLLS === 0);
    if (watched.size === 0) {
      clearInterval(memoryTicker);
      memoryTicker = undefined;
    }
  }, MEMORY_POLL_MS).unref();
}

/** Process groups still running, ended when the host exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of liveGroups) killTree(group, true);
  });
}

/**
 * The environment's whole process group (it leads its own: spawned detached), and the processes under it
 * that left the group (setsid, a daemon). Processes are found under it only while it runs:
 * once it is gone its pid may belong to another process, while a group id stays reserved as long as any
 * member lives.
 */
function killTree(pid: number, running: boolean): void {
  for (const target of [-pid, ...(running ? descendantsOf(pid) : [])]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
}

export class ProcessEnvironment implements Environment {
  readonly maxQueued = 0;
  private api: RuntimeApi | undefined;
  private child: ChildProcess | undefined;
  private stopped = false;
  /** Its process has started and not exited (its pid is still its own). */
  private alive = false;
  private exited: Promise<void> = Promise.resolve();
  private running: Invocation | undefined;
  /** The running event's answer has arrived; it is handed on after the output written before it. */
  private answered = false;
  private memory: ResidentMemory | undefined;
  private maxResidentBytes = 0;
  private readonly memoryLimitBytes: number;
  /** Its stdout and stderr, split into lines. */
  private readonly outputs: LineSplitter[] = [];

  constructor(
    private readonly options: KindOptions,
    private readonly prepared: ProcessPrepared,
    private readonly events: EnvironmentEvents,
    private readonly logStreamName: string,
  ) {
    this.memoryLimitBytes = options.spec.memoryMB * 1024 * 1024;
    void this.start();
  }

  private async start(): Promise<void> {
    const { spec, region } = this.options;
    const arn = `arn:aws:lambda:${region}:123456789012:function:${spec.id}`;
    let api: RuntimeApi;
    try {
      api = await RuntimeApi.listen(arn, {
        initDone: () => this.events.ready(),
        initError: (errorType, errorMessage) =>
          // After the output the runtime wrote before it (its traceback), so the logs are complete.
          setImmediate(() => this.events.initFailed(failure('load', errorType, errorMessage))),
        response: (requestId, payload) => this.onAnswer(requestId, payload),
        error: (requestId, errorType, errorMessage) =>
          this.onAnswer(requestId, undefined, failure('error', errorType, errorMessage)),
      });
    } catch (error) {
      this.events.initFailed(failure('load', 'Runtime.InvalidEntrypoint', String(error)));
      return;
    }
    this.api = api;
    if (this.stopped) {
      void api.close();
      return;
    }
    const codeDir = this.prepared.codeDir ?? spec.codeDir;
    const env = functionEnvironment({ ...spec, codeDir }, region, this.logStreamName);
    for (const name of this.prepared.unset ?? []) delete env[name];
    Object.assign(env, this.prepared.env, { AWS_LAMBDA_RUNTIME_API: api.address });
    let child: ChildProcess;
    try {
      child = spawn(this.prepared.command, this.prepared.args, {
        cwd: codeDir,
        env,
        // Its own process group: a signal it sends to its group (kill(0, …)) stays in it, and the
        // host ends the whole group (a shell bootstrap's children too).
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      this.events.initFailed(failure('load', 'Runtime.InvalidEntrypoint', String(error)));
      return;
    }
    this.child = child;
    // A spawn that failed ('error': no such file, not executable) may have no 'exit'.
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      // spawn failed: no such file, not executable (Lambda: "fork/exec /var/task/bootstrap: permission denied").
      if (this.stopped) return;
      this.halt();
      this.events.initFailed(
        failure(
          'load',
          'Runtime.InvalidEntrypoint',
          `fork/exec ${this.prepared.command}: ${errnoText(error)}`,
        ),
      );
    });
    if (child.pid !== undefined) {
      this.alive = true;
      trackGroup(child.pid);
      this.memory = new ResidentMemory(child.pid);
    }
    for (const stream of [child.stdout!, child.stderr!]) {
      const lines = new LineSplitter((line) => this.events.log(null, line));
      this.outputs.push(lines);
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => lines.write(chunk));
      stream.on('end', () => lines.end());
    }
    child.once('exit', (code, signal) => {
      this.alive = false;
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      this.memory?.close();
      // Whatever it wrote last is read before its end is reported.
      setImmediate(() => {
        if (this.stopped) return;
        // Whatever it started in its group ends with it.
        this.halt();
        const reason = signal
          ? `Runtime exited with error: signal: ${signalText(signal)}`
          : code === 0
            ? 'Runtime exited without providing a reason'
            : `Runtime exited with error: exit status ${code}`;
        this.events.crashed({ errorType: 'Runtime.ExitError', reason, exited: true });
      });
    });
    this.watchMemory();
  }

  send(invocation: Invocation): void {
    this.running = invocation;
    this.answered = false;
    this.api?.deliver({
      id: invocation.id,
      body: invocation.eventJson,
      deadlineMs: Date.now() + invocation.timeoutMs,
      traceId: traceIdOf(invocation.event),
    });
  }

  takeBack(invocation: Invocation): boolean {
    if (this.running !== invocation || !this.api?.takeBack(invocation.id)) return false;
    this.running = undefined;
    return true;
  }

  answerInTransit(invocation: Invocation): boolean {
    return this.running === invocation && this.answered;
  }

  stop(): Promise<void> {
    if (!this.stopped) this.halt();
    const closing = this.api?.close() ?? Promise.resolve();
    // Its output pipes are let go once it is gone and what it wrote last is read: a process it left
    // running outside its group may hold them open for as long as it lives.
    const gone = this.exited.then(
      () =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            this.child?.stdout?.destroy();
            this.child?.stderr?.destroy();
            resolve();
          }),
        ),
    );
    return Promise.all([closing, gone]).then(() => undefined);
  }

  /** Ends the process, whatever it started, and its Runtime API; nothing more is reported. */
  private halt(): void {
    this.stopped = true;
    this.stopMemoryWatch();
    const pid = this.child?.pid;
    if (pid !== undefined) {
      killTree(pid, this.alive);
      liveGroups.delete(pid);
    }
    void this.api?.close();
  }

  maxMemoryUsedMB(): number | undefined {
    return this.maxResidentBytes > 0 ? Math.ceil(this.maxResidentBytes / (1024 * 1024)) : undefined;
  }

  private onAnswer(requestId: string, payload: Buffer | undefined, error?: ReturnType<typeof failure>): void {
    if (this.running?.id !== requestId) return;
    this.answered = true;
    // The answer is handed on after this turn of the event loop: output the handler wrote before it
    // answered (read from another pipe) is then in its log, not the next event's.
    setImmediate(() => {
      if (this.stopped || this.running?.id !== requestId) return;
      // A last line without its newline (print(..., end="")) is this invocation's: it is not held back
      // to be glued to the next one's first line.
      for (const output of this.outputs) output.flush();
      this.running = undefined;
      if (this.overMemory()) return;
      if (error) {
        this.events.answered(requestId, error);
        return;
      }
      this.events.answered(requestId, { ok: true, value: parsePayload(payload!) });
    });
  }

  private watchMemory(): void {
    if (!this.stopped && this.memory !== undefined) watchMemoryOf(this);
  }

  /** Called by the shared timer: memory is read while an event runs, and now and then while idle. */
  pollMemory(idleToo: boolean): void {
    if (this.running || idleToo) this.overMemory(true);
  }

  private stopMemoryWatch(): void {
    watched.delete(this);
    this.memory?.close();
  }

  /** Lambda stops an environment whose memory goes over MemorySize; API Gateway then answers 502. */
  private overMemory(withChildren = false): boolean {
    const pid = this.child?.pid;
    if (this.stopped || pid === undefined) return false;
    const bytes = this.memory?.bytes(withChildren);
    if (bytes === undefined) return false;
    if (bytes > this.maxResidentBytes) this.maxResidentBytes = bytes;
    if (bytes <= this.memoryLimitBytes) return false;
    this.halt();
    this.events.crashed(outOfMemory(this.options.spec.memoryMB, Math.ceil(bytes / (1024 * 1024))));
    return true;
  }
}

/**
 * What the function returned: JSON as Lambda hands it on. A payload that is not JSON (a bootstrap that
 * posts plain text) is handed on as its text; API Gateway then finds no proxy result in it (502).
 */
function parsePayload(payload: Buffer): unknown {
  const text = payload.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errnoText(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EACCES':
      return 'permission denied';
    case 'ENOENT':
      return 'no such file or directory';
    case 'ENOEXEC':
      return 'exec format error';
    default:
      return error.message;
  }
}

/** Layers' `bin/` on PATH and `lib/` on LD_LIBRARY_PATH, as Lambda puts /opt/bin and /opt/lib there. */
export function layerPaths(layers: string[]): Record<string, string> {
  if (layers.length === 0) return {};
  const bins = layers.map((layer) => join(layer, 'bin')).filter(existsSync);
  const libs = layers.map((layer) => join(layer, 'lib')).filter(existsSync);
  const out: Record<string, string> = {};
  // Later layers win, as their files overwrite earlier ones in /opt.
  if (bins.length > 0) out.PATH = [...bins.reverse(), process.env.PATH ?? ''].filter(Boolean).join(':');
  if (libs.length > 0)
    out.LD_LIBRARY_PATH = [...libs.reverse(), process.env.LD_LIBRARY_PATH ?? ''].filter(Boolean).join(':');
  return out;
}
