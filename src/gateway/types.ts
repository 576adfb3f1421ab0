import type { DeployedApi, DeployedMethod, DeployedResource, IntegrationTarget } from '../sam/model.js';
import type { ApiKey } from './api-keys.js';

export type HeaderList = Array<[name: string, value: string]>;

/** One HTTP request as it reaches API Gateway. */
export interface GatewayRequest {
  method: string;
  /** The path as sent (percent-encoded), without the query string. With a stage prefix when the server uses one. */
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  /** Header names as received. */
  headers: HeaderList;
  body: Uint8Array | undefined;
  /**
   * Set when the body is larger than any API accepts and the server stopped reading it (`body` is then
   * undefined): its size, at least — the Content-Length it declared, or the bytes read before stopping.
   */
  bodyTooLarge?: number;
  sourceIp: string;
  /** Host the client used (`127.0.0.1:3000`). */
  domainName: string;
  protocol?: string;
}

/** One HTTP response as API Gateway sends it, with the story of how it was made. */
export interface GatewayResponse {
  status: number;
  headers: HeaderList;
  body: Uint8Array | string;
  trace: GatewayTrace;
}

export interface GatewayTrace {
  requestId: string;
  /** How the answer was made (`integration`: HTTP, HTTP_PROXY, AWS service or Lambda non-proxy). */
  kind: 'mock' | 'proxy' | 'integration' | 'gateway-response';
  /** For gateway responses: the type (MISSING_AUTHENTICATION_TOKEN, INVALID_API_KEY, …). */
  responseType?: string;
  /** The route matched, if any. */
  resource?: DeployedResource;
  method?: DeployedMethod;
  functionId?: string;
  /** The Lambda proxy event sent to the function, and what it returned. */
  event?: unknown;
  result?: unknown;
  /** Why the gateway answered as it did, in one sentence (for logs and the inspector). */
  reason?: string;
  /** Which API answered: a REST API, an HTTP API or a Function URL, by logical id. */
  api?: { kind: 'rest' | 'http' | 'function-url'; logicalId: string };
  apiKeyId?: string;
  /** What the runtime reported, failures included. */
  outcome?: InvokeOutcome;
}

/** What running a function returns (the runtime's InvokeResult, narrowed to what the gateway needs). */
export type InvokeOutcome =
  | { ok: true; value: unknown }
  | {
      ok: false;
      /** `waited`: no environment of the function was free within the wait limit; it never ran. */
      kind: 'error' | 'timeout' | 'crash' | 'load' | 'unsupported' | 'missing' | 'waited';
      errorType: string;
      message: string;
    };

export type Invoke = (
  functionId: string,
  event: unknown,
  requestId: string,
  timeoutMs: number,
  /** How long the event may wait for a free environment before API Gateway gives up on it (runtime/types.ts). */
  waitLimitMs?: number,
) => Promise<InvokeOutcome>;

export interface GatewayOptions {
  invoke: Invoke;
  apiKeys?: ApiKey[];
  /** Paths carry the stage first (`/Prod/items`), as on the execute-api domain. */
  stagePrefix?: boolean;
  /** Function Timeout in seconds, by logical id (SAM default 3). */
  functionTimeouts?: Record<string, number>;
  now?: () => number;
  newRequestId?: () => string;
  /**
   * Refuse a deployment API Gateway would refuse (default). `check` turns it off: it reports those
   * values itself (CG101) and simulates the rest, with the refused headers absent.
   */
  refuseUndeployable?: boolean;
  /**
   * A JSON Web Key Set (`{"keys": [...]}`) JWT authorizers verify token signatures against (keys
   * found by `kid`). Without one, signatures are not verified (serve says so at start-up).
   */
  jwks?: unknown;
  /** Calls the backend of HTTP, HTTP_PROXY and AWS integrations; default: none is called (offlineBackend). */
  callBackend?: CallBackend;
}

/** What every kind of API's request handling shares: the options, the clock, request ids. */
export interface GatewayContext {
  options: GatewayOptions;
  now: () => number;
  newRequestId: () => string;
}

/** A request one kind of API would answer: `exact` when a route (with its method) matches. */
export interface ApiMatch {
  exact: boolean;
  handle(): Promise<GatewayResponse>;
}

/**
 * One kind of API's request handling (REST APIs, HTTP APIs, a Function URL): which requests it
 * takes, and its answer to a request nothing takes.
 */
export interface ApiKindHandler {
  match(req: GatewayRequest): ApiMatch | undefined;
  fallback(req: GatewayRequest): Promise<GatewayResponse>;
}

/** One call of an HTTP, HTTP_PROXY or AWS integration's backend (integration.ts). */
export interface BackendCall {
  kind: 'http' | 'http_proxy' | 'aws';
  api: DeployedApi;
  method: DeployedMethod;
  target: IntegrationTarget;
  /** The method API Gateway sends to the backend. */
  httpMethod: string;
  /** The backend URL with path parameters and (for HTTP_PROXY) the query string filled in; undefined when it is known only after deploy. */
  url: string | undefined;
  headers: HeaderList;
  body: Uint8Array | undefined;
  timeoutMs: number;
}

export type BackendOutcome =
  | {
      ok: true;
      status: number;
      headers: HeaderList;
      body: Uint8Array | string;
      /** Set when no backend was called and this answer stands in for its success. */
      simulated?: string;
    }
  | { ok: false; kind: 'unreachable' | 'timeout' | 'no-url'; message: string };

export type CallBackend = (call: BackendCall) => Promise<BackendOutcome>;
