/**
 * A check rule reads like an eslint rule: a stable code, a kebab name, a severity, a one-line summary,
 * a docs page, and a function from the checked deployment to findings. A finding reads like a biome
 * diagnostic: message, the position of the value to change, the browser's console message for the
 * failure it causes, and the fix as edits.
 */
import type { FetchVerdict } from '../browser/index.js';
import type {
  DeployedApi,
  DeployedEndpoint,
  DeployedMethod,
  DeployedResource,
  Deployment,
} from '../sam/model.js';
import type { ApiModel, TemplateModel } from '../template/model.js';
import type { Pos } from '../template/position.js';

export type Severity = 'error' | 'warning' | 'info';

/** One edit to the template, applied through the yaml Document API so comments and order survive. */
export type FixEdit =
  /** Replace the scalar written at `pos` with `value` (a string, written double-quoted). */
  | { kind: 'replace'; pos: Pos; value: string }
  /** In the mapping that holds the value written at `pos`, set `key` to `value`. */
  | { kind: 'set-sibling'; pos: Pos; key: string; value: unknown }
  /** Set a value at a path from the document root (creating mappings on the way). */
  | { kind: 'set-path'; path: string[]; value: unknown; plain?: boolean }
  /** Replace the value written at `pos` with a list of plain strings (flow style kept). */
  | { kind: 'set-list'; pos: Pos; values: string[] };

export interface Fix {
  description: string;
  edits: FixEdit[];
}

export interface Finding {
  code: string;
  rule: string;
  severity: Severity;
  message: string;
  pos: Pos | undefined;
  /** What Chromium prints for the failure this causes, when a simulated request showed it. */
  consoleMessage?: string;
  /** The simulated request's verdict in every engine (check/engines.ts), when a request showed it. */
  verdict?: FetchVerdict;
  /** The API it concerns (logical id), when it concerns one. */
  api?: string;
  /** The route and origin that showed it. */
  route?: string;
  origin?: string;
  fix?: Fix;
  /** How to fix it by hand when there is no safe automatic fix. */
  hint?: string;
}

/** A route × origin × request shape, and what the browser did. */
export interface SimulatedRequest {
  /** The REST API, HTTP API or Function URL the request went to. */
  api: DeployedEndpoint;
  resource: DeployedResource;
  method: DeployedMethod;
  origin: string;
  /** The origin is one the template (or --origin) allows. */
  expectedAllowed: boolean;
  shape: string;
  verdict: FetchVerdict;
  /** Set on a latent request: this verdict assumes that step (the preflight) passed. */
  assumes?: 'preflight';
}

export interface CheckContext {
  model: TemplateModel;
  deployment: Deployment;
  /** The ApiModel of a deployed API. */
  apiModel(api: DeployedApi): ApiModel | undefined;
  /** Origins the pages calling this API live on (from --origin or the template). */
  origins(api: DeployedEndpoint): string[];
  /** What the handler behind a proxy method does about CORS. */
  handler(functionId: string | undefined): HandlerCors | undefined;
  simulations: SimulatedRequest[];
  /** Origins given with --origin (normalised); empty when the template decides. */
  userOrigins: string[];
  /**
   * Whether the API is judged for browsers (it shows CORS intent, or --strict). Rules see only judged
   * APIs in `deployment`, except rules marked `everyApi`, which see all and may ask.
   */
  isJudged?(api: DeployedEndpoint): boolean;
  /**
   * True when every route to the function is an HTTP API whose CorsConfiguration makes API Gateway
   * drop the function's own CORS headers: what the handler says about CORS never reaches a browser.
   */
  handlerCorsIgnored?(functionId: string): boolean;
  /**
   * Set for latent findings: APIs judged as if the Cors CG104 asks for were there (what CG107 then
   * finds on the gateway's own answers is a defect the next run would meet).
   */
  corsAssumed?(api: DeployedApi): boolean;
  /** The literal value of a Cors property, when it is a quoted literal. */
  corsLiteral(
    api: ApiModel,
    key: 'AllowOrigin' | 'AllowHeaders' | 'AllowMethods' | 'MaxAge',
  ): string | undefined;
}

export interface Rule {
  code: string;
  name: string;
  severity: Severity;
  summary: string;
  fixable: boolean;
  /** Runs on every API, judged for browsers or not (deploy failures, what crossgate could not read). */
  everyApi?: boolean;
  check(ctx: CheckContext): Finding[];
}

export const docsUrl = (name: string) => `docs/rules/${name}.md`;

/** What a handler's source shows of the CORS headers it sends (read by handler-scan.ts, python-handlers.ts). */
export interface HandlerCors {
  file: string | undefined;
  /** `library`: a CORS library decides per request; `literal`: a fixed ACAO value; `dynamic`: computed; `none`. */
  kind: 'library' | 'literal' | 'dynamic' | 'none' | 'unknown';
  library?: 'crossgate/lambda' | '@middy/http-cors' | 'powertools';
  /** The literal Access-Control-Allow-Origin value, when `literal`. */
  allowOrigin?: string;
  allowCredentials?: boolean;
  /** The handler echoes the request's Origin header. */
  reflectsOrigin?: boolean;
  /**
   * `dynamic` only: false when the value is the same for every request (read from an environment
   * variable), so no Vary: Origin is needed; unset when the reader cannot tell. Python handlers only.
   */
  perRequest?: boolean;
  setsVary?: boolean;
  /** 1-based line of the Access-Control-Allow-Origin text, for messages. */
  line?: number;
  /** For a library: origins written in the source (`'https://app.example.com'`). */
  literalOrigins?: string[];
  /** For a library: environment variables the source reads (`process.env.APP_ORIGIN`). */
  envNames?: string[];
  /**
   * Responses the handler builds without Access-Control-Allow-Origin while it writes it elsewhere (an
   * error path that forgets CORS): 1-based line, and the literal statusCode when there is one.
   * Python handlers only (read with Python's parser).
   */
  uncoveredReturns?: Array<{ line: number; status?: number }>;
}
