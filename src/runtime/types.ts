/** One Lambda function as the template declares it, with paths already resolved. */
export interface FunctionSpec {
  /** Logical id in the template; also the function name the handler sees. */
  id: string;
  /** Absolute folder the CodeUri points at. */
  codeDir: string;
  /** SAM `Handler`: module path without extension, a dot, the export (`src/handlers/items.handler`). */
  handler: string;
  /**
   * `nodejs20.x`… (worker threads), `python3.9`… `python3.13` and `provided`, `provided.al2`,
   * `provided.al2023` (processes speaking the Runtime API); any other is answered with outcome kind
   * `unsupported`.
   */
  runtime: string | undefined;
  /** `Image` for a container image function (PackageType), which crossgate does not run. */
  packageType?: string;
  /** Absolute folders of the function's Layers (a LayerVersion's local ContentUri), in the template's order. */
  layers?: string[];
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMB: number;
  /** `InlineCode` source (CommonJS or ESM) used instead of files under codeDir. */
  inlineCode?: string;
}

/** `waited`: no environment was free within `waitLimitMs`; the event never ran (see Runtime.invoke). */
export type FailureKind = 'error' | 'timeout' | 'crash' | 'load' | 'unsupported' | 'missing' | 'waited';

export type InvokeOutcome =
  | { ok: true; value: unknown; durationMs: number; logs: string[] }
  | {
      ok: false;
      kind: FailureKind;
      /** As Lambda reports it in `errorType` (`Error`, `Runtime.HandlerNotFound`, `Sandbox.Timedout`…). */
      errorType: string;
      /** As Lambda reports it in `errorMessage`. */
      message: string;
      durationMs: number;
      logs: string[];
    };

/** One invocation's lifecycle, for the START / END / REPORT lines Lambda writes around it (lifecycleLines()). */
export type InvocationRecord =
  | { phase: 'start'; requestId: string }
  | {
      phase: 'end';
      requestId: string;
      durationMs: number;
      memorySizeMB: number;
      /** The environment's peak memory so far, when it can be measured. */
      maxMemoryUsedMB: number | undefined;
      /** The environment's init phase, on its first invocation. */
      initDurationMs: number | undefined;
      /** `timeout`, `crash`…: how the invocation ended when the environment did not answer. */
      status: FailureKind | undefined;
      errorType: string | undefined;
    };

export interface Runtime {
  /**
   * Runs one event through the function. Never rejects: every failure is an outcome.
   * `timeoutMs` bounds the handler's run (Lambda's `Timeout`); start-up of a fresh worker is not counted,
   * as Lambda's init phase is not. `waitLimitMs` bounds the wait for a free environment, which Lambda
   * never makes (it scales out) and crossgate makes past `--workers`: an event still waiting then is
   * answered with outcome kind `waited`, never runs, and the gateway answers it as its integration
   * timeout. Unbounded when omitted.
   */
  invoke(
    functionId: string,
    event: unknown,
    requestId: string,
    timeoutMs: number,
    waitLimitMs?: number,
  ): Promise<InvokeOutcome>;
  /** How many execution environments of the function are alive (starting, busy or idle). */
  environments(functionId: string): number;
  /** Builds and starts one worker per function (or for the one given) ahead of the first request. */
  warm(functionId?: string): Promise<void>;
  /**
   * What is worth saying before the first request: a Python that runs instead of the version a Runtime
   * names, no Python at all (and how to install one), runtimes crossgate does not run.
   */
  notes(): Promise<string[]>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Watch each handler's source files; on change rebuild and replace its workers. */
  watch?: boolean;
  onReload?: (functionId: string, file: string) => void;
  /** Every log line of every invocation, as it is written. */
  onLog?: (functionId: string, requestId: string, line: string) => void;
  /** Each invocation's start and end (Lambda's START, END and REPORT lines: lifecycleLines()). */
  onInvocation?: (functionId: string, record: InvocationRecord) => void;
  /** The Python interpreter for every Python function (`--python PATH`), instead of looking for one. */
  python?: string;
  /** The template's folder: a `.venv` beside it is where Python functions' dependencies are looked for. */
  templateDir?: string;
  /** Where TypeScript bundles go; a fresh folder under it is used and removed on close. Default os.tmpdir(). */
  cacheDir?: string;
  /** AWS_REGION the handlers see; default us-east-1. */
  region?: string;
  /** Workers per function at most (Lambda runs one event per environment at a time). Default 4. */
  maxWorkersPerFunction?: number;
  /** An environment idle this long stops, unless it is its function's last one. Default 2,000 ms. */
  idleRetireMs?: number;
}

/** What every function's pool of environments is given (pool.ts; kinds.ts reads the part an environment needs). */
export interface PoolOptions {
  outDir: string;
  region: string;
  maxWorkers: number;
  /** An environment idle this long stops, unless it is the function's last one. */
  idleRetireMs: number;
  watch: boolean;
  /** An interpreter to use for every Python function (`--python`). */
  python?: string;
  /** The template's folder (a `.venv` beside it is looked for). */
  templateDir?: string;
  onReload?: (functionId: string, file: string) => void;
  onLog?: (functionId: string, requestId: string, line: string) => void;
  onInvocation?: (functionId: string, record: InvocationRecord) => void;
}
