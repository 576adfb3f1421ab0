/**
 * The Lambda Runtime API, served for one execution environment on 127.0.0.1 and an ephemeral port: the
 * HTTP interface a runtime (Python's bootstrap, a provided.* `bootstrap`) pulls its events from and posts
 * its answers to.
 *
 * Contract: AWS Lambda docs, "Using the Lambda runtime API for custom runtimes"
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) — paths, headers, the 6 MB response
 * limit; the status codes and error bodies as the Runtime Interface Emulator answers them
 * (aws/aws-lambda-runtime-interface-emulator, internal/lambda/rapi: handler/*.go, rendering/*.go,
 * interop/model.go; core/states.go for which call is allowed when).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** 6 MiB + 100 bytes: the Runtime Interface Emulator's MaxPayloadSize (interop/model.go). */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024 + 100;
/** How much of an over-long body is read to tell its size (the rest of the connection is then dropped). */
const MAX_COUNTED_BYTES = 64 * 1024 * 1024;

const PREFIX = '/2018-06-01/runtime/';

/** One event as the runtime receives it from /runtime/invocation/next. */
export interface RuntimeEvent {
  id: string;
  body: string;
  /** Unix time in ms when the function times out (Lambda-Runtime-Deadline-Ms). */
  deadlineMs: number;
  traceId: string | undefined;
}

export interface RuntimeApiEvents {
  /** The runtime asked for its first event: its init phase is over. */
  initDone(): void;
  /** POST /runtime/init/error. */
  initError(errorType: string, errorMessage: string, stackTrace: string[] | undefined): void;
  /** POST /runtime/invocation/{id}/response, within the size limit. */
  response(requestId: string, payload: Buffer): void;
  /** POST /runtime/invocation/{id}/error, or a response over the size limit (Function.ResponseSizeTooLarge). */
  error(requestId: string, errorType: string, errorMessage: string, stackTrace: string[] | undefined): void;
}

/** The emulator's state names, used in its InvalidStateTransition messages (core/runtime_state_names.go). */
type State = 'Started' | 'Ready' | 'Running' | 'RuntimeResponseSentState' | 'InitError';

export class RuntimeApi {
  private state: State = 'Started';
  private pendingNext: ServerResponse | undefined;
  /** The event handed to the runtime (state Running), or waiting for its /next. */
  private current: RuntimeEvent | undefined;
  private delivered = false;
  /** Requests that arrived while a body was being read: they are handled after it, in order. */
  private readonly held: Array<[IncomingMessage, ServerResponse]> = [];
  private reading = false;
  private readonly sockets = new Set<import('node:net').Socket>();
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    readonly address: string,
    private readonly functionArn: string,
    private readonly events: RuntimeApiEvents,
  ) {}

  static listen(functionArn: string, events: RuntimeApiEvents): Promise<RuntimeApi> {
    return new Promise((resolve, reject) => {
      let api: RuntimeApi;
      const server = createServer({ keepAliveTimeout: 0, requestTimeout: 0 }, (req, res) =>
        api.handle(req, res),
      );
      // The runtime keeps one connection open and may wait on /next for as long as the function is idle.
      server.keepAliveTimeout = 0;
      server.headersTimeout = 0;
      server.on('connection', (socket) => {
        socket.setNoDelay(true);
        api.sockets.add(socket);
        socket.once('close', () => api.sockets.delete(socket));
      });
      server.on('clientError', (_error, socket) => socket.destroy());
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        api = new RuntimeApi(server, `127.0.0.1:${port}`, functionArn, events);
        resolve(api);
      });
    });
  }

  /** Hands an event to the runtime: at once if it waits on /next, else when it next asks. */
  deliver(event: RuntimeEvent): void {
    this.current = event;
    this.delivered = false;
    const res = this.pendingNext;
    if (res) {
      this.pendingNext = undefined;
      this.sendEvent(res);
    }
  }

  /** Takes back an event the runtime has not received yet. */
  takeBack(requestId: string): boolean {
    if (this.current?.id !== requestId || this.delivered) return false;
    this.current = undefined;
    return true;
  }

  close(): Promise<void> {
    this.closed ??= new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    return this.closed;
  }

  /**
   * Requests are handled in the order they arrive, a POST's only once its body is read: a runtime may
   * pipeline its answer and its next /next in one write, and the /next must see the answer.
   */
  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.reading) this.held.push([req, res]);
    else this.route(req, res);
  }

  private afterBody(): void {
    this.reading = false;
    while (!this.reading && this.held.length > 0) {
      const [req, res] = this.held.shift()!;
      this.route(req, res);
    }
  }

  private withBody(req: IncomingMessage, then: (body: Body) => void): void {
    this.reading = true;
    void readBody(req).then((body) => {
      then(body);
      this.afterBody();
    });
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    const path = url.startsWith(PREFIX) ? url.slice(PREFIX.length) : undefined;
    if (path === 'invocation/next') {
      if (req.method !== 'GET') {
        methodNotAllowed(req, res);
        return;
      }
      // A GET has no body; drain anything sent anyway so the connection stays usable.
      req.resume();
      this.next(res);
      return;
    }
    if (path === 'init/error') {
      if (req.method !== 'POST') {
        methodNotAllowed(req, res);
        return;
      }
      this.withBody(req, (body) => this.initError(req, body.data, res));
      return;
    }
    const match = path === undefined ? null : /^invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (match) {
      if (req.method !== 'POST') {
        methodNotAllowed(req, res);
        return;
      }
      const requestId = decodedSegment(match[1]);
      if (match[2] === 'response') this.withBody(req, (body) => this.response(requestId, body, res));
      else this.withBody(req, (body) => this.error(req, requestId, body.data, res));
      return;
    }
    req.resume();
    // chi's default answer for a path no route matches.
    reply(res, 404, '404 page not found\n', 'text/plain; charset=utf-8');
  }

  /** GET /runtime/invocation/next: the event, now or when there is one (long poll). */
  private next(res: ServerResponse): void {
    if (this.state === 'InitError') {
      forbidden(res, this.state, 'Ready');
      return;
    }
    if (this.state === 'Started') {
      this.state = 'Ready';
      this.events.initDone();
    } else if (this.state === 'RuntimeResponseSentState') this.state = 'Ready';
    // Running: the emulator allows /next again and renders the same event (RuntimeRunningState.Ready).
    if (this.pendingNext) {
      // One runtime, one poll at a time: the older poll is answered as the emulator answers a
      // concurrent transition.
      jsonReply(this.pendingNext, 403, {
        errorMessage:
          'State transition from Ready to Ready failed for runtime. Error: Concurrent state modification',
        errorType: 'InvalidStateTransition',
      });
    }
    if (this.current) this.sendEvent(res);
    else this.pendingNext = res;
  }

  private sendEvent(res: ServerResponse): void {
    const event = this.current!;
    this.state = 'Running';
    this.delivered = true;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': event.id,
      'Lambda-Runtime-Deadline-Ms': String(event.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': this.functionArn,
      'Content-Length': String(Buffer.byteLength(event.body)),
    };
    // Lambda-Runtime-Client-Context and -Cognito-Identity come only with invocations from the AWS Mobile
    // SDK; API Gateway never sends them, so they are never set here (the emulator omits empty ones).
    if (event.traceId) headers['Lambda-Runtime-Trace-Id'] = event.traceId;
    res.writeHead(200, headers);
    res.end(event.body);
  }

  /** POST /runtime/invocation/{id}/response: 202, or 413 over the size limit, 400 for another id. */
  private response(requestId: string, body: Body, res: ServerResponse): void {
    if (!this.answer(requestId, res, 'InvocationResponse')) return;
    if (body.size > MAX_PAYLOAD_BYTES) {
      // The invocation fails with Function.ResponseSizeTooLarge and the runtime is told 413
      // (handler/invocationresponse.go, ErrorResponseTooLarge).
      this.events.error(
        requestId,
        'Function.ResponseSizeTooLarge',
        `Response payload size (${body.size} bytes) exceeded maximum allowed payload size (${MAX_PAYLOAD_BYTES} bytes).`,
        undefined,
      );
      jsonReply(res, 413, {
        errorMessage: `Exceeded maximum allowed payload size (${MAX_PAYLOAD_BYTES} bytes).`,
        errorType: 'RequestEntityTooLarge',
      });
      if (body.truncated) res.once('finish', () => res.socket?.destroy());
      return;
    }
    this.acknowledge(res, () => this.events.response(requestId, body.data));
  }

  /**
   * 202, written with whatever the answer leads to at once (the next event, to the /next the runtime
   * pipelined behind it): one write and one wake-up of the runtime, not two. The environment hands the
   * answer on in a setImmediate (process-environment.ts); the socket is uncorked in the one after it.
   */
  private acknowledge(res: ServerResponse, answer: () => void): void {
    const socket = res.socket;
    socket?.cork();
    accepted(res);
    answer();
    setImmediate(() => socket?.uncork());
  }

  /** POST /runtime/invocation/{id}/error: the body is the error as the invoker sees it. */
  private error(req: IncomingMessage, requestId: string, data: Buffer, res: ServerResponse): void {
    if (!this.answer(requestId, res, 'InvocationErrorResponse')) return;
    const described = describeError(req, data);
    this.acknowledge(res, () =>
      this.events.error(requestId, described.errorType, described.errorMessage, described.stackTrace),
    );
  }

  /** POST /runtime/init/error: only during init (Started); the runtime is expected to exit next. */
  private initError(req: IncomingMessage, data: Buffer, res: ServerResponse): void {
    if (this.state !== 'Started') {
      forbidden(res, this.state, 'InitError');
      return;
    }
    this.state = 'InitError';
    const described = describeError(req, data);
    this.events.initError(described.errorType, described.errorMessage, described.stackTrace);
    accepted(res);
  }

  /**
   * An answer (response or error) for `requestId`: allowed only while its event runs (403
   * InvalidStateTransition otherwise), for that event only (400 InvalidRequestID). True when taken.
   */
  private answer(requestId: string, res: ServerResponse, to: string): boolean {
    if (this.state !== 'Running') {
      forbidden(res, this.state, to);
      return false;
    }
    if (this.current?.id !== requestId || !this.delivered) {
      invalidRequestId(res);
      return false;
    }
    this.state = 'RuntimeResponseSentState';
    this.current = undefined;
    return true;
  }
}

/** A path segment, percent-decoded; as sent when it is not valid percent-encoding (no id then matches it). */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

interface Body {
  data: Buffer;
  size: number;
  /** Only part of the body was read (it was over MAX_COUNTED_BYTES). */
  truncated: boolean;
}

/** Reads a body, keeping at most MAX_PAYLOAD_BYTES + 1 bytes of it and counting the rest. */
function readBody(req: IncomingMessage): Promise<Body> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (truncated: boolean) => {
      if (done) return;
      done = true;
      resolve({ data: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), size, truncated });
    };
    req.on('data', (chunk: Buffer) => {
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
      size += chunk.length;
      if (size > MAX_COUNTED_BYTES) {
        req.pause();
        finish(true);
      }
    });
    req.on('end', () => finish(false));
    req.on('error', () => finish(true));
  });
}

/**
 * `{errorType, errorMessage}` from an error body, as the invoker sees it; the
 * Lambda-Runtime-Function-Error-Type header names the type when the body does not (a type the header
 * gives outside `Runtime.X` / `Function.X` is Runtime.Unknown: fatalerror.GetValidRuntimeOrFunctionErrorType).
 */
function describeError(
  req: IncomingMessage,
  data: Buffer,
): { errorType: string; errorMessage: string; stackTrace: string[] | undefined } {
  const header = req.headers['lambda-runtime-function-error-type'];
  const headerType = typeof header === 'string' ? validErrorType(header) : 'Runtime.Unknown';
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    return { errorType: headerType, errorMessage: data.toString('utf8'), stackTrace: undefined };
  }
  const body = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  return {
    errorType: typeof body.errorType === 'string' && body.errorType !== '' ? body.errorType : headerType,
    errorMessage: typeof body.errorMessage === 'string' ? body.errorMessage : '',
    stackTrace: Array.isArray(body.stackTrace) ? body.stackTrace.map(String) : undefined,
  };
}

export function validErrorType(errorType: string): string {
  if (/(Runtime|Function)\.[A-Z][a-zA-Z]+/.test(errorType)) return errorType;
  return errorType.startsWith('Function.') ? 'Function.Unknown' : 'Runtime.Unknown';
}

function accepted(res: ServerResponse): void {
  jsonReply(res, 202, { status: 'OK' });
}

function invalidRequestId(res: ServerResponse): void {
  jsonReply(res, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
}

function forbidden(res: ServerResponse, from: State, to: string): void {
  jsonReply(res, 403, {
    errorMessage: `State transition from ${from} to ${to} failed for runtime. Error: State transition is not allowed`,
    errorType: 'InvalidStateTransition',
  });
}

function methodNotAllowed(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  reply(res, 405, '', 'text/plain; charset=utf-8');
}

/** As the emulator's RenderJSON writes it: JSON and a newline (Go's json.Encoder). */
function jsonReply(res: ServerResponse, status: number, body: unknown): void {
  reply(res, status, `${JSON.stringify(body)}\n`, 'application/json');
}

function reply(res: ServerResponse, status: number, body: string, contentType: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
