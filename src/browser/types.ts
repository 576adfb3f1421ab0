// Public types of the browser model. Everything here is plain data: a plan, a judgement and a verdict
// can be serialised to JSON and printed by any front end.

/** Header name/value pairs in order. Names keep the case they were given unless a field says otherwise. */
export type HeaderList = Array<[string, string]>;

/**
 * What the page passes as `body`. Only its kind matters to CORS, because the kind decides the
 * `Content-Type` the browser adds when the page sets none (Fetch §5.2 "extract a body"):
 * - `text` / `json`: a string (`JSON.stringify(...)` is a string too) → `text/plain;charset=UTF-8`;
 * - `urlencoded`: a `URLSearchParams` → `application/x-www-form-urlencoded;charset=UTF-8`;
 * - `form-data`: a `FormData` → `multipart/form-data; boundary=----WebKitFormBoundary…`;
 * - `blob`: a `Blob` → its `type` (lower-cased) when not empty, else no `Content-Type`.
 * `contentType` overrides the default (for `blob` it is the Blob's `type`). An explicit
 * `Content-Type` in `headers` always wins over both.
 */
export type FetchBody =
  | { type: 'none' }
  | { type: 'text' | 'json' | 'urlencoded' | 'form-data' | 'blob'; contentType?: string };

export type CredentialsMode = 'omit' | 'same-origin' | 'include';
export type RequestMode = 'cors' | 'no-cors' | 'same-origin';

/** The arguments of one `fetch(url, init)` call. */
export interface FetchCall {
  url: string;
  /** Default `GET`. Case matters: only DELETE GET HEAD OPTIONS POST PUT are upper-cased by the browser. */
  method?: string;
  headers?: HeaderList | Record<string, string>;
  body?: FetchBody;
  /** Default `same-origin`, like `fetch()`. */
  credentials?: CredentialsMode;
  /** Default `cors`, like `fetch()`. */
  mode?: RequestMode;
}

/** A request as it leaves the browser. Header names are lower-case. */
export interface WireRequest {
  method: string;
  url: string;
  headers: HeaderList;
  /** Whether cookies and HTTP authentication would be attached. */
  credentials: boolean;
}

/**
 * A response as the browser receives it. `redirected: true` says the responder already followed a
 * redirect for this request (as `fetch(..., { redirect: 'follow' })` does); a 3xx status with a
 * `Location` header is recognised as a redirect too.
 */
export interface WireResponse {
  status: number;
  headers: HeaderList;
  redirected?: boolean;
}

export type Responder = (req: WireRequest) => WireResponse;
export type AsyncResponder = (req: WireRequest) => Promise<WireResponse>;

/**
 * Stable error ids. The CORS ones mirror Chromium's `network::mojom::CorsError` names without the
 * `k`; the others name the `TypeError` that `fetch()` throws before anything is sent.
 */
export type CorsErrorCode =
  | 'DisallowedByMode'
  | 'WildcardOriginNotAllowed'
  | 'MissingAllowOriginHeader'
  | 'MultipleAllowOriginValues'
  | 'InvalidAllowOriginValue'
  | 'AllowOriginMismatch'
  | 'InvalidAllowCredentials'
  | 'PreflightInvalidStatus'
  | 'PreflightDisallowedRedirect'
  | 'PreflightWildcardOriginNotAllowed'
  | 'PreflightMissingAllowOriginHeader'
  | 'PreflightMultipleAllowOriginValues'
  | 'PreflightInvalidAllowOriginValue'
  | 'PreflightAllowOriginMismatch'
  | 'PreflightInvalidAllowCredentials'
  | 'InvalidAllowMethodsPreflightResponse'
  | 'InvalidAllowHeadersPreflightResponse'
  | 'MethodDisallowedByPreflightResponse'
  | 'HeaderDisallowedByPreflightResponse'
  | 'RedirectContainsCredentials'
  | 'TooManyRedirects';

export type RequestErrorCode =
  | 'InvalidMethod'
  | 'ForbiddenMethod'
  | 'MethodUnsupportedInNoCors'
  | 'BodyWithGetOrHead'
  | 'InvalidUrl';

export type ErrorCode = CorsErrorCode | RequestErrorCode;

/** Why a request is not "simple" (Fetch §4.1 main fetch step 12, §3.2.3). */
export type PreflightReason =
  | { kind: 'method'; method: string; detail: string }
  | { kind: 'header'; name: string; detail: string }
  | { kind: 'content-type'; name: 'content-type'; value: string; detail: string }
  | { kind: 'header-value-too-long'; name: string; detail: string }
  | { kind: 'header-value-unsafe-byte'; name: string; detail: string }
  | { kind: 'safelisted-total-over-1024'; names: string[]; detail: string };

/** What the browser does with one header the page set. */
export interface HeaderFate {
  /** Lower-case. */
  name: string;
  value: string;
  /**
   * `safelisted`: sent, no preflight needed for it; `unsafe`: sent, must be allowed by the preflight;
   * `forbidden`: silently dropped (Fetch §2.2.2 forbidden request-header);
   * `dropped-no-cors`: silently dropped because the request is `no-cors` and the header is not
   * no-CORS-safelisted.
   */
  fate: 'safelisted' | 'unsafe' | 'forbidden' | 'dropped-no-cors';
}

export type RequestKind = 'same-origin' | 'simple' | 'preflight' | 'no-cors' | 'rejected';

export interface FetchPlan {
  /** Serialised page origin, e.g. `http://localhost:5173`. */
  pageOrigin: string;
  /** The request URL, serialised as the browser prints it. */
  url: string;
  /** The request URL's origin. */
  urlOrigin: string;
  /** After the browser's normalisation (only the six standard methods are upper-cased). */
  method: string;
  mode: RequestMode;
  credentialsMode: CredentialsMode;
  kind: RequestKind;
  needsPreflight: boolean;
  /** Why a preflight is needed; empty for simple requests. */
  reasons: PreflightReason[];
  /** Every header the page set, with its fate, plus a `content-type` the body implies. */
  headers: HeaderFate[];
  /** Sorted, lower-case, de-duplicated: the value of `Access-Control-Request-Headers`. */
  unsafeHeaderNames: string[];
  preflight?: WireRequest;
  actual?: WireRequest;
  /** When `kind` is `rejected`: why `fetch()` throws before sending anything. */
  requestError?: { code: RequestErrorCode | 'DisallowedByMode'; exception: string; consoleMessage?: string };
}

export type CheckName =
  | 'no-redirect'
  | 'allow-origin'
  | 'allow-credentials'
  | 'ok-status'
  | 'allow-methods-parse'
  | 'allow-headers-parse'
  | 'method-allowed'
  | 'headers-allowed'
  | 'redirect-location';

export interface Check {
  name: CheckName;
  ok: boolean;
  /** Lower-case names of the response headers that decided this check. */
  headers: string[];
  /** One plain sentence. */
  detail: string;
  /** Where the rule comes from, e.g. `Fetch §4.9 CORS check`. */
  source: string;
}

export interface StepJudgement {
  ok: boolean;
  /** Every check run on this response, in the order Chromium runs them. */
  checks: Check[];
  errorCode?: CorsErrorCode;
  /** One plain sentence. */
  cause?: string;
  /** The text after "has been blocked by CORS policy: ". */
  reason?: string;
  /** The full console message, for a response to the plan's own URL (no redirect). */
  consoleMessage?: string;
  /** The failed header check names one header; these are all the headers the preflight did not allow. */
  disallowedHeaders?: string[];
  /** Preflight only: how long Chromium caches the result. */
  preflightCacheSeconds?: number;
  /** Actual response only: lower-case names script can read. */
  readableHeaders?: string[];
  /** Actual response only: the absolute URL the browser follows next, when this is a redirect. */
  redirectTo?: string;
}

/** What one engine does with the fetch(): its verdict, its console lines and its exception. */
export interface EngineOutcome {
  readonly allowed: boolean;
  /** Whether this engine sends a preflight (Chromium alone safelists client hints). */
  readonly needsPreflight: boolean;
  /** The requests this engine sends, in order: the preflight, redirect hops, the actual request. */
  readonly requests: WireRequest[];
  /** The lines this engine's console prints for the failure, in its own words and order; empty when allowed. */
  readonly consoleMessages: string[];
  /** Warnings this engine's console prints, blocked or not (Firefox's Authorization-under-`*` deprecation). */
  readonly consoleWarnings: string[];
  /** What the page's `fetch()` promise rejects with in this engine. */
  readonly exception: string | undefined;
  /** Seconds this engine caches the successful preflight. */
  readonly preflightCacheSeconds: number | undefined;
  /** Set when the engine suites do not exercise this failure, so its text is not given. */
  readonly unverified: string | undefined;
}

export type EngineOutcomes = Record<import('./engines.js').Engine, EngineOutcome>;

export interface FetchVerdict {
  /** Chromium's verdict (the fields below are Chromium's); `engines` has each engine's. */
  allowed: boolean;
  /** The verdict of each engine: Chromium, Firefox and WebKit. */
  engines: EngineOutcomes;
  plan: FetchPlan;
  preflight?: { request: WireRequest; response: WireResponse; judgement: StepJudgement };
  actual?: { request: WireRequest; response: WireResponse; judgement: StepJudgement };
  /** Redirect hops followed before the last `actual`, oldest first. */
  redirects?: Array<{ request: WireRequest; response: WireResponse; judgement: StepJudgement }>;
  failedStep?: 'request' | 'preflight' | 'actual';
  cause?: string;
  /** Exact Chromium console text. */
  consoleMessage?: string;
  errorCode?: ErrorCode;
  /** What the page's `fetch()` promise rejects with, e.g. `TypeError: Failed to fetch`. */
  exception?: string;
  /** When a header check failed: every disallowed header (Chromium names one of them, see docs/browser.md). */
  disallowedHeaders?: string[];
  readableHeaders?: string[];
  /** `opaque` for no-cors: script sees status 0 and no headers. */
  responseType?: 'basic' | 'cors' | 'opaque';
  preflightCacheSeconds?: number;
}
