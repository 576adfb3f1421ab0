/**
 * The execution environment of one function: one worker thread, one event at a time, module state kept
 * between events like a warm Lambda. Bundled on its own by the host (see worker-entry.ts), so it
 * imports only Node built-ins and types.
 *
 * Behaviour follows the Node.js runtime interface client (aws-lambda-nodejs-runtime-interface-client)
 * and the AWS Lambda docs pages "Define Lambda function handler in Node.js" and "Using the Lambda context
 * object to retrieve Node.js function information".
 */
import { ChildProcess } from 'node:child_process';
import fs, { readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { constants } from 'node:os';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import type { HostToWorker, InvokeEvent, WorkerInit, WorkerToHost } from './protocol.js';
import { traceIdOf } from './trace-id.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const send = (message: WorkerToHost): void => port.postMessage(message);

// ── signals: confined to this environment ─────────────────────────────────────────────────────────────
// In Lambda a handler that signals its own process (process.kill(process.pid, 'SIGTERM'), its group, or
// every process it may signal) ends its own execution environment; here the process is the host itself,
// shared by every function. Every signal a worker sends goes through process._kill (process.kill
// validates its arguments, then calls it), so that is where a signal aimed at the host is turned into
// the end of this environment alone. A `kill` command run in a child process is beyond reach: crossgate
// confines handlers' mistakes, it is not a sandbox.
const hostTargets = new Set([0, -1, process.pid, -process.pid, process.ppid, -process.ppid]);
try {
  // The process group, from /proc/self/stat (Linux): `pid (comm) state ppid pgrp …`.
  const stat = readFileSync('/proc/self/stat', 'latin1');
  const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  if (pgrp > 0) hostTargets.add(-pgrp);
} catch {
  // Not Linux: the pids above still hold.
}
const signalNames = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));
/** Signals whose default action is nothing (SIGPIPE and SIGUSR1: Node ignores one and opens the inspector on the other). */
const HARMLESS = new Set(['SIGCHLD', 'SIGCONT', 'SIGURG', 'SIGWINCH', 'SIGPIPE', 'SIGUSR1']);
/** Signals that stop a process: in Lambda the invocation then runs into its timeout. */
const STOPPING = new Set(['SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU']);
const processInternals = process as unknown as { _kill: (pid: number, signal: number) => number };
const hostKill = processInternals._kill.bind(process);
processInternals._kill = (pid: number, signal: number): number => {
  if (!hostTargets.has(pid)) return hostKill(pid, signal);
  const name = signalNames.get(signal);
  if (signal === 0 || name === undefined || HARMLESS.has(name)) return 0;
  // This environment ends here: nothing after this line of the handler runs, as after a real signal.
  if (!STOPPING.has(name)) send({ t: 'signal', signal: name });
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  return 0;
};

// process.abort() throws in a worker ("not supported in workers"); in Lambda it ends the environment
// with SIGABRT (abort(3)), reported as `Runtime exited with error: signal: aborted`.
process.abort = (): never => {
  send({ t: 'signal', signal: 'SIGABRT' });
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  throw new Error('unreachable: the host ends this environment');
};

// process.chdir() and process.umask(mask) change the whole process, so Node refuses them in a worker
// ("not supported in workers"). In Lambda each environment is its own process and both work: say why
// they cannot here, and what to do instead.
const hostUmask = process.umask.bind(process);
process.chdir = (directory: string): void => {
  throw new Error(
    `process.chdir(${JSON.stringify(String(directory))}): crossgate serve runs Node.js functions as threads of one process, which share its working directory, so a function cannot change it (in Lambda each function has its own process). Use absolute paths (path.join(${JSON.stringify(String(directory))}, name)).`,
  );
};
process.umask = ((mask?: string | number): number => {
  if (mask === undefined) return hostUmask();
  throw new Error(
    'process.umask(mask): crossgate serve runs Node.js functions as threads of one process, which share its file mode mask, so a function cannot change it (in Lambda each function has its own process). Pass a mode to fs.writeFile / fs.mkdir instead.',
  );
}) as typeof process.umask;

// ── memory: MemorySize bounds the heap and what lives outside it ──────────────────────────────────────
// V8 bounds this worker's heap (resourceLimits); Buffers and ArrayBuffers live outside it, counted by
// V8 per isolate as external memory. Lambda stops an environment whose memory goes over MemorySize, so
// heap + external is measured when an event is answered and every MEMORY_POLL_MS while one runs
// (getHeapStatistics() and the sum cost ~0.4 µs: bench/RESULTS.md, runtime section).
const memoryLimit = init.memoryMB * 1024 * 1024;
const MEMORY_POLL_MS = 20;
let memoryTimer: ReturnType<typeof setInterval> | undefined;
let outOfMemory = false;
let collect: (() => void) | undefined;

function memoryInUse(): number {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}

/**
 * Bytes in use, or undefined (and the host told) when the environment is over MemorySize once garbage
 * is collected.
 */
function checkMemory(): number | undefined {
  if (outOfMemory) return undefined;
  const inUse = memoryInUse();
  return inUse <= memoryLimit ? inUse : overMemory();
}

function overMemory(): number | undefined {
  // Garbage counts until it is collected: collect it before calling the environment out of memory.
  if (!collect) {
    // gc() for this one context only: the flag is turned off again, so no handler's context gets it.
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
    setFlagsFromString('--no-expose-gc');
  }
  collect();
  const used = memoryInUse();
  if (used <= memoryLimit) return used;
  outOfMemory = true;
  clearInterval(memoryTimer);
  send({ t: 'oom', mem: Math.ceil(used / 2 ** 20) });
  return undefined;
}

/**
 * Lambda caps a synchronous response at 6 MB (Lambda quotas page: "Invocation payload … 6 MB"): 6 MiB + 100
 * bytes, runtime-api.ts's MAX_PAYLOAD_BYTES (this module imports nothing of the host's).
 */
const MAX_RESPONSE_BYTES = 6_291_556;

// Source maps of the esbuild bundle (inline) map stack traces back to the .ts lines.
process.setSourceMapsEnabled(true);

// An unhandled rejection ends the environment, reported as Runtime.UnhandledPromiseRejection (runtime
// interface client, Errors.UnhandledPromiseRejection). Thrown from here it becomes the worker's uncaught
// exception, which the host reports as a crash with this errorType.
process.on('unhandledRejection', (reason) => {
  const error = new Error(String(reason));
  error.name = 'Runtime.UnhandledPromiseRejection';
  throw error;
});

// console.* inside the handler: each call is one log line tagged with the request it belongs to (the
// Lambda runtime patches console the same way to prefix the request id).
let currentRequestId: string | null = null;
for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
  console[method] = (...args: unknown[]): void =>
    send({ t: 'log', id: currentRequestId, line: format(...args) });
}

// fd 1 and 2 are the host's: a handler's fs.writeSync(1, …) (or a logger given fd 1, as pino's
// destination(1) is) reached serve's terminal raw — no function, no request, terminal controls and all.
// Lambda captures the runtime's stdout and stderr into the function's log; here writes to them go to
// the worker's stdout and stderr, which the host reads as the function's log lines.
// syncBuiltinESMExports makes `import { writeSync } from 'node:fs'` see the same functions.
function consoleStreamOf(fd: unknown): NodeJS.WriteStream | undefined {
  return fd === 1 ? process.stdout : fd === 2 ? process.stderr : undefined;
}
/** The bytes fs.write/writeSync would write: (buffer, offset?, length?) or (buffer, {offset, length}), or (string, position?, encoding?). */
function bytesToWrite(data: unknown, args: unknown[]): Uint8Array | string {
  if (typeof data === 'string')
    return Buffer.from(data, typeof args[1] === 'string' ? (args[1] as BufferEncoding) : 'utf8');
  const view = data as ArrayBufferView;
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const options = isObject(args[0]) ? args[0] : { offset: args[0], length: args[1] };
  const offset = typeof options.offset === 'number' ? options.offset : 0;
  const length = typeof options.length === 'number' ? options.length : bytes.length - offset;
  return bytes.subarray(offset, offset + length);
}
/** What a write to a closed descriptor fails with (the handler ended process.stdout itself). */
function closedDescriptor(): Error {
  return Object.assign(new Error('EBADF: bad file descriptor, write'), {
    code: 'EBADF',
    errno: -9,
    syscall: 'write',
  });
}
const hostWriteSync = fs.writeSync;
const hostWrite = fs.write;
fs.writeSync = function writeSync(fd: number, data: unknown, ...args: unknown[]): number {
  const stream = consoleStreamOf(fd);
  if (!stream) return (hostWriteSync as (...a: unknown[]) => number)(fd, data, ...args);
  if (!stream.writable) throw closedDescriptor();
  const bytes = bytesToWrite(data, args);
  stream.write(bytes);
  return bytes.length;
} as typeof fs.writeSync;
fs.write = function write(fd: number, data: unknown, ...args: unknown[]): void {
  const stream = consoleStreamOf(fd);
  if (!stream) {
    (hostWrite as (...a: unknown[]) => void)(fd, data, ...args);
    return;
  }
  const callback = args.pop() as (error: Error | null, written: number, data: unknown) => void;
  if (!stream.writable) {
    process.nextTick(callback, closedDescriptor(), 0, data);
    return;
  }
  const bytes = bytesToWrite(data, args);
  stream.write(bytes, () => callback(null, bytes.length, data));
} as typeof fs.write;
syncBuiltinESMExports();

// A process the handler starts (spawn, exec, execFile, fork: each goes through ChildProcess#spawn) is a
// child of the host's process, not of this thread: stopping the environment would leave it running,
// after serve itself had gone. Lambda ends every process of an environment when it shuts down (AWS
// Lambda docs: "Understanding the Lambda execution environment lifecycle", Shutdown phase): the host is
// told of each one, and kills those still running when it stops the environment.
// (ChildProcess#spawn is not in @types/node: it is the internal method child_process's functions call.)
const childPrototype = ChildProcess.prototype as ChildProcess & { spawn(...args: unknown[]): unknown };
const hostSpawn = childPrototype.spawn;
childPrototype.spawn = function spawn(this: ChildProcess, ...args: unknown[]) {
  const result = hostSpawn.apply(this, args);
  const pid = this.pid;
  if (pid !== undefined) {
    send({ t: 'child', pid });
    this.once('exit', () => send({ t: 'child-exit', pid }));
  }
  return result;
};

/** `{errorType, errorMessage}` as the runtime interface client builds it (Errors.toRapidResponse). */
function describeError(error: unknown): { errorType: string; message: string } {
  if (error instanceof Error || (isObject(error) && typeof error.name === 'string' && 'message' in error)) {
    const e = error as Error;
    return { errorType: e.name, message: String(e.message) };
  }
  return { errorType: typeof error, message: String(error) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** `file:line:column` of a SyntaxError raised by Node while loading, read from the first lines of its stack. */
function syntaxPosition(error: Error): string | undefined {
  const match = /^(file:\/\/\S+?|\/\S+?):(\d+)\n(.*)\n(\s*)\^/.exec(error.stack ?? '');
  if (!match) return undefined;
  const file = match[1].startsWith('file://') ? decodeURIComponent(new URL(match[1]).pathname) : match[1];
  return `${file}:${match[2]}:${match[4].length + 1}`;
}

type Handler = (
  event: unknown,
  context: unknown,
  callback: (error?: unknown, value?: unknown) => void,
) => unknown;

async function load(): Promise<Handler | undefined> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(init.entry).href)) as Record<string, unknown>;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e instanceof SyntaxError) {
      // Without a position (ES modules) the host finds it: `<file>:<line>:<column>: SyntaxError: …`.
      const at = syntaxPosition(e);
      send({
        t: 'init-error',
        kind: 'load',
        errorType: 'Runtime.UserCodeSyntaxError',
        message: at ? `${at}: ${String(e)}` : String(e),
      });
    } else if (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') {
      send({ t: 'init-error', kind: 'load', errorType: 'Runtime.ImportModuleError', message: String(e) });
    } else {
      send({ t: 'init-error', kind: 'load', ...describeError(error) });
    }
    return undefined;
  }
  // ESM namespace first; a CommonJS module whose exports Node could not detect is under `default`.
  let target: unknown = resolvePath(mod, init.exportPath);
  if (target === undefined && isObject(mod.default)) target = resolvePath(mod.default, init.exportPath);
  if (typeof target !== 'function') {
    const message =
      target === undefined
        ? `${init.handler} is undefined or not exported`
        : `${init.handler} is not a function`;
    send({ t: 'init-error', kind: 'missing', errorType: 'Runtime.HandlerNotFound', message });
    return undefined;
  }
  return target as Handler;
}

function resolvePath(root: unknown, path: string[]): unknown {
  let value = root;
  for (const key of path) {
    if (!isObject(value) && typeof value !== 'function') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const arnPrefix = `arn:aws:lambda:${init.region}:123456789012:function:`;

/** Runs one event; `done` is called (once, after a microtask) when it has been answered. */
function run(handler: Handler, message: InvokeEvent, done: () => void): void {
  const { id } = message;
  const deadline = Date.now() + message.timeoutMs;
  const started = performance.now();
  const event: unknown = JSON.parse(message.eventJson);
  currentRequestId = id;
  // As the Node.js runtime does for each invocation; this worker's process.env is its own copy.
  const trace = traceIdOf(event);
  if (trace !== undefined) process.env._X_AMZN_TRACE_ID = trace;
  else delete process.env._X_AMZN_TRACE_ID;
  let settled = false;
  const settle = (error: unknown, value: unknown, failed: boolean): void => {
    if (settled) return;
    settled = true;
    // Answered: the host's timer for this event no longer stands (pool.ts, begin()).
    Atomics.compareExchange(init.claims, message.ticket % init.claims.length, -message.ticket, 0);
    // How long the handler ran (Lambda's Duration); the host also sizes its queue by it.
    const ms = performance.now() - started;
    // The next event starts after the code that settled this one has returned (a callback may be called
    // synchronously from inside the handler).
    queueMicrotask(done);
    const inUse = checkMemory();
    if (inUse === undefined) return;
    const mem = Math.ceil(inUse / 2 ** 20);
    if (failed) {
      send({ t: 'error', id, ms, mem, ...describeError(error) });
      return;
    }
    // Lambda answers with JSON.stringify(result ?? null): functions and undefined vanish, class
    // instances lose their methods, a cycle or a BigInt fails with an Error "Unable to stringify
    // response body" (runtime interface client: RAPIDClient.js _trySerializeResponse throws it, and
    // CallbackContext.js fail() posts it as the invocation's error).
    let json: string | undefined;
    try {
      json = JSON.stringify(value === undefined ? null : value);
    } catch {
      send({
        t: 'error',
        id,
        ms,
        mem,
        errorType: 'Error',
        message: 'Unable to stringify response body',
      });
      return;
    }
    json ??= 'null';
    const bytes = json.length > MAX_RESPONSE_BYTES / 3 ? Buffer.byteLength(json) : 0;
    if (bytes > MAX_RESPONSE_BYTES) {
      // As the Runtime API fails a response over the limit (runtime-api.ts).
      send({
        t: 'error',
        id,
        ms,
        mem,
        errorType: 'Function.ResponseSizeTooLarge',
        message: `Response payload size (${bytes} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
      });
      return;
    }
    send({ t: 'result', id, json, ms, mem });
  };
  const callback = (error?: unknown, value?: unknown): void => {
    if (error !== undefined && error !== null) settle(error, undefined, true);
    else settle(undefined, value, false);
  };
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: init.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: arnPrefix + init.functionName,
    memoryLimitInMB: String(init.memoryMB),
    awsRequestId: id,
    logGroupName: `/aws/lambda/${init.functionName}`,
    logStreamName: init.logStreamName,
    getRemainingTimeInMillis: (): number => Math.max(0, deadline - Date.now()),
    // The legacy context methods, still honoured by the Node.js runtimes.
    done: callback,
    succeed: (value?: unknown): void => settle(undefined, value, false),
    fail: (error?: unknown): void => settle(error, undefined, true),
  };
  let returned: unknown;
  try {
    returned = handler(event, context, callback);
  } catch (error) {
    settle(error, undefined, true);
    return;
  }
  if (isObject(returned) && typeof returned.then === 'function') {
    (returned as unknown as PromiseLike<unknown>).then(
      (value) => settle(undefined, value, false),
      (error) => settle(error, undefined, true),
    );
  } else if (!settled && handler.length < 3) {
    // A synchronous handler that takes no callback: Lambda ignores what it returns and answers null once
    // the event loop is empty. crossgate answers null at once, and says why when a value was dropped.
    if (returned !== undefined) {
      send({
        t: 'log',
        id,
        line: `crossgate: ${init.handler} returned a value without a promise or callback; Lambda ignores it and answers null`,
      });
    }
    settle(undefined, null, false);
  }
}

const handler = await load();
if (handler) {
  // The host may send an event while the previous one runs (fast handlers, see pool.ts); they wait here
  // and run one at a time, as in one Lambda execution environment.
  const waiting: InvokeEvent[] = [];
  let running = false;
  const { claims } = init;
  const next = (): void => {
    for (let event = outOfMemory ? undefined : waiting.shift(); event; event = waiting.shift()) {
      const { ticket } = event;
      if (Atomics.compareExchange(claims, ticket % claims.length, ticket, -ticket) !== ticket) continue;
      running = true;
      memoryTimer ??= setInterval(checkMemory, MEMORY_POLL_MS);
      run(handler, event, next);
      return;
    }
    running = false;
    clearInterval(memoryTimer);
    memoryTimer = undefined;
  };
  port.on('message', (message: HostToWorker) => {
    waiting.push(...message.events);
    if (!running) next();
  });
  send({ t: 'ready' });
}
