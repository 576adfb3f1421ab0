/**
 * `check`, as a function: build the context (origins, handler readings), decide which APIs pages on
 * other origins call (CORS intent), simulate the browser's requests to those through the gateway
 * model, run every rule, report what hides behind a broken preflight, and order the findings.
 */
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { Engine } from '../browser/index.js';
import type { Invoke } from '../gateway/types.js';
import type { DeployedApi, DeployedEndpoint, Deployment } from '../sam/model.js';
import type { ApiModel, TemplateModel } from '../template/model.js';
import { formatPos } from '../template/position.js';
import type { CrossgateConfig } from './config.js';
import {
  configuredOrigins,
  corsIgnoredFunctions,
  endpointCredentials,
  functionsOf,
  isPlatformEndpoint,
  type PlatformEndpoint,
} from './endpoints.js';
import { attachEngineOutcomes } from './engines.js';
import { codeDirOf, type HandlerCors, originsNamedBy, scanHandlers } from './handler-scan.js';
import {
  type DeclaredIntent,
  declaredSignals,
  handlerSignals,
  hasIntent,
  type IntentSignal,
  READ_RUNTIMES,
  restApiSignals,
} from './intent.js';
import { RULES } from './rules/index.js';
import { normalizeOrigin } from './rules/malformed-origin.js';
import { allowOriginOf, fewOf } from './rules/util.js';
import { simulateRequests } from './simulate.js';
import { mentionsAllowOrigin } from './source-scan.js';
import type { CheckContext, Finding, Rule, SimulatedRequest } from './types.js';

export interface CheckOptions {
  /** Origins the web app is served from (`--origin`); default: the configuration's, then the template's. */
  origins?: string[];
  /** crossgate.config.json (or package.json "crossgate") beside the template. */
  config?: CrossgateConfig;
  /** Judge every API for browsers, intent or not (`--strict`). */
  strict?: boolean;
  /** Run handlers for real (`--invoke`) instead of reading their source. */
  invoke?: Invoke;
  /** The interpreter that reads Python handlers (`--python`); default: the one their Runtime finds. */
  python?: string;
  rules?: Rule[];
}

export interface ApiJudgement {
  api: string;
  /** `REST API`; other kinds name themselves. */
  kind: string;
  /** What shows the API is called from pages on other origins; empty: it was not judged for browsers. */
  signals: IntentSignal[];
  /** Methods crossgate modelled (0: its definition was not read, see the notes). */
  methods: number;
  /** The OpenAPI file its methods were read from, when not the template. */
  definitionFile?: string;
}

export interface CheckResult {
  findings: Finding[];
  /** What the template holds that crossgate does not model (HTTP APIs, external definitions…), said plainly. */
  notes: string[];
  simulations: SimulatedRequest[];
  rules: Rule[];
  /** The engines the report speaks of (`--browser`); all three when absent. */
  engines?: Engine[];
  /** Per API: judged for browsers or not, and why. */
  intent?: ApiJudgement[];
  /** The text of every file a finding can point into (the template, OpenAPI files), by the name positions carry. */
  sources?: Record<string, string>;
}

/** When nothing says which origin the pages live on. */
export const SAMPLE_ORIGIN = 'https://app.example.com';

/** Findings about the actual answer: what a broken preflight can hide. */
const LATENT_CODES = new Set(['CG105', 'CG106', 'CG109', 'CG116', 'CG120', 'CG123']);

/**
 * Errors that stop a preflight (or the deploy): what a latent finding names as "to be fixed first".
 * Not the gateway's own error answers (CG107), a security finding (CG117), nor the actual answer.
 */
const PREFLIGHT_CODES = new Set([
  'CG101',
  'CG102',
  'CG103',
  'CG104',
  'CG110',
  'CG111',
  'CG112',
  'CG113',
  'CG125',
  'CG140',
  'CG141',
  'CG142',
  'CG143',
  'CG146',
  'CG149',
]);

export async function runCheck(
  model: TemplateModel,
  deployment: Deployment,
  options: CheckOptions = {},
): Promise<CheckResult> {
  const rules = options.rules ?? RULES;
  const { handlers, notes: handlerNotes } = await scanHandlers(model, { python: options.python });
  const apiModels = new Map<string, ApiModel>(model.apis.map((a) => [a.logicalId, a]));
  const flagOrigins = (options.origins ?? []).map((o) => normalizeOrigin(o) ?? o);
  const userOrigins = flagOrigins.length > 0 ? flagOrigins : (options.config?.origins ?? []);
  const handlerOf = (id: string) => handlers.get(id);
  // A handler crossgate does not read still shows intent when its source names the header.
  const mentions = (id: string) => {
    const fn = model.functions[id];
    return fn?.codeUri !== undefined && fn.inlineCode === undefined
      ? mentionsAllowOrigin(codeDirOf(model, fn))
      : fn?.inlineCode !== undefined && /access-control-allow-origin/i.test(fn.inlineCode)
        ? fn.pos
        : undefined;
  };

  const handlerNamedOrigins = (id: string): string[] =>
    originsNamedBy(handlers.get(id), model.functions[id]?.environment ?? {});

  // Which APIs pages on other origins call: those are judged as a browser would; the others get one line.
  const declared: DeclaredIntent = {
    flagOrigins,
    config: options.config,
    strict: options.strict === true,
  };
  const shared = declaredSignals(declared);
  const methodCount = (api: DeployedEndpoint) => api.resources.reduce((n, r) => n + r.methods.length, 0);
  const intent: ApiJudgement[] = [
    ...deployment.apis.map((api) => ({
      api: api.logicalId,
      kind: 'REST API',
      signals: [...shared, ...restApiSignals(api, apiModels.get(api.logicalId), handlerOf, mentions)],
      methods: methodCount(api),
      definitionFile: api.definitionFile,
    })),
    // An HTTP API or Function URL: its CORS configuration, or handlers that do CORS themselves.
    ...[...deployment.httpApis, ...deployment.functionUrls].map((api) => ({
      api: api.logicalId,
      kind: endpointKind(api),
      signals: [
        ...shared,
        ...(api.cors
          ? [
              {
                source: 'cors-setting' as const,
                detail: `the CORS configuration of ${api.logicalId}`,
                pos: api.cors.pos,
              },
            ]
          : []),
        ...handlerSignals(functionsOf(api), handlerOf),
      ],
      methods: methodCount(api),
    })),
  ];
  // A handler's file is named as the template is (relative to where the user stands), not absolute.
  for (const judgement of intent)
    for (const signal of judgement.signals)
      if (signal.pos && isAbsolute(signal.pos.file))
        signal.pos = { ...signal.pos, file: shownPath(model, signal.pos.file) };
  // An API whose methods crossgate could not read is neither judged nor said to be uncallable.
  const judgedIds = new Set(intent.filter((i) => i.methods > 0 && hasIntent(i.signals)).map((i) => i.api));
  const isJudged = (api: DeployedEndpoint) => judgedIds.has(api.logicalId);
  const judged: Deployment = {
    ...deployment,
    apis: deployment.apis.filter(isJudged),
    httpApis: deployment.httpApis.filter(isJudged),
    functionUrls: deployment.functionUrls.filter(isJudged),
  };

  const corsLiteral: CheckContext['corsLiteral'] = (api, key) => {
    const located = api.cors
      ? key === 'AllowOrigin'
        ? api.cors.allowOrigin
        : key === 'AllowHeaders'
          ? api.cors.allowHeaders
          : key === 'AllowMethods'
            ? api.cors.allowMethods
            : api.cors.maxAge
      : undefined;
    if (!located) return undefined;
    const v = model.resolver.resolve(located.raw);
    const m = typeof v === 'string' ? /^'(.*)'$/s.exec(v) : null;
    return m ? m[1] : undefined;
  };

  const ctx: CheckContext = {
    model,
    deployment: judged,
    userOrigins,
    apiModel: (api) => apiModels.get(api.logicalId),
    handler: (id) => (id ? handlers.get(id) : undefined),
    simulations: [],
    isJudged,
    corsLiteral,
    origins: () => [],
  };
  const originCache = new Map<string, string[]>();
  const allowOrigin = (api: DeployedEndpoint): string | undefined =>
    isPlatformEndpoint(api) ? configuredOrigins(api).join(',') : allowOriginOf(ctx, api);
  const templateOrigins = (api: DeployedEndpoint): string[] => originsIn(allowOrigin(api), false);
  const ignored = corsIgnoredFunctions(deployment);
  ctx.handlerCorsIgnored = (id) => ignored.has(id);
  ctx.origins = (api: DeployedEndpoint) => {
    let list = originCache.get(api.logicalId);
    if (!list) {
      // --origin or the configuration, else the API's allowed origins, else the origins its answers name.
      const allowed = originsIn(allowOrigin(api), true);
      const fromTemplate =
        userOrigins.length > 0
          ? userOrigins
          : allowed.length > 0
            ? allowed
            : isPlatformEndpoint(api)
              ? functionsOf(api).flatMap(handlerNamedOrigins)
              : namedOrigins(api, handlerOf);
      list = fromTemplate.length > 0 ? fromTemplate : [SAMPLE_ORIGIN];
      originCache.set(api.logicalId, list);
    }
    return list;
  };

  const authorizerFunctions = new Set<string>();
  for (const api of [...deployment.apis, ...deployment.httpApis])
    for (const a of Object.values(api.authorizers)) if (a.functionId) authorizerFunctions.add(a.functionId);
  const functionTimeouts: Record<string, number> = {};
  for (const f of Object.values(model.functions)) functionTimeouts[f.logicalId] = f.timeout;

  const sims = await simulateRequests({
    deployment: judged,
    keys: [{ id: 'crossgate-check', value: 'crossgate-check-api-key-0000000000000000', source: 'check' }],
    origins: ctx.origins,
    endpoints: [...judged.httpApis, ...judged.functionUrls] as PlatformEndpoint[],
    credentials: (api) =>
      isPlatformEndpoint(api)
        ? endpointCredentials(api)
        : api.resources.some((r) =>
            r.methods.some(
              (m) =>
                m.corsPreflight &&
                m.mockHeaders.some(
                  (h) => h.name.toLowerCase() === 'access-control-allow-credentials' && h.value === 'true',
                ),
            ),
          ),
    handler: (id) => handlers.get(id),
    handlerOrigins: (id, api) => {
      // A library handler allows what its source names: literal origins, or environment variables
      // the template sets. Failing that, it is taken to mirror the API's Cors, never --origin.
      const named = handlerNamedOrigins(id);
      return named.length > 0 ? named : templateOrigins(api);
    },
    authorizerFunctions,
    functionTimeouts,
    invoke: options.invoke,
  });
  ctx.simulations = sims.requests;

  let findings: Finding[] = [];
  const everyApi: CheckContext = { ...ctx, deployment };
  for (const rule of rules) findings.push(...rule.check(rule.everyApi ? everyApi : ctx));
  // The catch-all only speaks for APIs no specific error explains.
  const explained = new Set(
    findings.filter((f) => f.code !== 'CG120' && f.severity === 'error').map((f) => f.api),
  );
  findings = findings.filter((f) => f.code !== 'CG120' || !explained.has(f.api));
  findings.push(...latentFindings(ctx, rules, sims.latent, findings));
  attachEngineOutcomes(findings, sims.requests.concat(sims.latent));

  findings.sort(
    (a, b) =>
      (a.pos?.file === b.pos?.file ? 0 : (a.pos?.file ?? '') < (b.pos?.file ?? '') ? -1 : 1) ||
      (a.pos?.line ?? 0) - (b.pos?.line ?? 0) ||
      (a.pos?.col ?? 0) - (b.pos?.col ?? 0) ||
      a.code.localeCompare(b.code),
  );
  const notes = [
    ...deployment.notes.map((n) => (n.pos ? `${formatPos(n.pos)}: ${n.message}` : n.message)),
    ...deployment.apis.flatMap((a) => a.notes),
    ...deployment.httpApis.flatMap((a) => a.notes),
    ...deployment.functionUrls.flatMap((u) => u.notes),
    ...handlerNotes,
    ...unmodelled(model),
    ...assumptions(model, judged, handlers),
  ];
  return {
    findings,
    notes: [...new Set(notes)],
    simulations: ctx.simulations,
    rules,
    intent,
    sources: { [model.file]: model.source, ...(deployment.sources ?? {}) },
  };
}

/** A file under the template's folder, named as the template is named (`src/app.js` beside `t.yaml`). */
function shownPath(model: TemplateModel, file: string): string {
  const rel = relative(model.baseDir, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : join(dirname(model.file), rel);
}

function endpointKind(api: DeployedEndpoint): string {
  return api.kind === 'http' ? 'HTTP API' : api.kind === 'function-url' ? 'Function URL' : 'REST API';
}

/**
 * What stays blocked once the preflight passes: the rules about the actual answer, run on the
 * requests sent again with a passing preflight, each finding marked with what must be fixed first.
 */
function latentFindings(
  ctx: CheckContext,
  rules: Rule[],
  latent: SimulatedRequest[],
  found: Finding[],
): Finding[] {
  if (latent.length === 0) return [];
  const after: CheckContext = { ...ctx, simulations: latent };
  const out: Finding[] = [];
  const seen = new Set(found.map((f) => `${f.code}\u0000${f.api}\u0000${f.route}`));
  let latentFound: Finding[] = [];
  for (const rule of rules) if (LATENT_CODES.has(rule.code)) latentFound.push(...rule.check(after));
  const specific = new Set(latentFound.filter((f) => f.code !== 'CG120').map((f) => f.api));
  latentFound = latentFound.filter((f) => f.code !== 'CG120' || !specific.has(f.api));
  for (const f of latentFound) {
    if (seen.has(`${f.code}\u0000${f.api}\u0000${f.route}`)) continue;
    // Already said without the preflight's help (a handler is reported once, whatever the route).
    if (found.some((g) => g.code === f.code && g.api === f.api && g.message === f.message)) continue;
    const blockers = [
      ...new Set(
        found
          .filter((g) => g.api === f.api && g.severity === 'error' && PREFLIGHT_CODES.has(g.code))
          .map((g) => g.code),
      ),
    ].sort();
    out.push({ ...f, message: latentMessage(f, blockers) });
  }
  out.push(...gatewayAnswersAfterCors(ctx, rules, found));
  return out;
}

/**
 * CG107 judges API Gateway's own error answers of an API that answers preflights. One with no OPTIONS
 * at all (CG104) gets its Cors from that fix, and then meets CG107 on the next run: it is said now,
 * as what stays after CG104 is fixed (issue 14: every defect in one run).
 */
function gatewayAnswersAfterCors(ctx: CheckContext, rules: Rule[], found: Finding[]): Finding[] {
  const rule = rules.find((r) => r.code === 'CG107');
  const waiting = new Set(
    found.filter((f) => f.code === 'CG104' && f.severity === 'error').map((f) => f.api),
  );
  if (!rule || waiting.size === 0) return [];
  const assumed = (api: DeployedApi) => waiting.has(api.logicalId);
  return rule
    .check({ ...ctx, corsAssumed: assumed })
    .filter(
      (f) =>
        waiting.has(f.api) &&
        !found.some((g) => g.code === f.code && g.api === f.api && g.message === f.message),
    )
    .map((f) => ({ ...f, message: latentMessage(f, ['CG104']) }));
}

/**
 * A latent finding's message: what must be fixed first (the preflight's blockers, sorted codes), then
 * the finding. CG120 names its routes itself ('Api: from O, GET / is blocked at the answer: …').
 */
export function latentMessage(f: Pick<Finding, 'code' | 'message' | 'route'>, blockers: string[]): string {
  const first =
    blockers.length > 1
      ? `${blockers.slice(0, -1).join(', ')} and ${blockers.at(-1)}`
      : (blockers[0] ?? 'the preflight');
  const after = `after ${first} ${blockers.length > 1 ? 'are' : 'is'} fixed,`;
  if (f.code === 'CG120')
    return `${after} ${f.message.replace(/ (is|are) blocked /, ' will still be blocked ')}`;
  // API Gateway's own error answers, not one request.
  if (f.code === 'CG107') return `${after} ${f.message}`;
  return `${after} ${f.route ?? 'the request'} will still be blocked: ${f.message}`;
}

/**
 * An HTTP API or Function URL written as plain CloudFormation: check models the SAM forms
 * (AWS::Serverless::HttpApi, FunctionUrlConfig), so without a note the template would pass as having
 * no CORS defects. A WebSocket API is no concern of CORS (a WebSocket handshake is not a CORS request).
 */
function unmodelled(model: TemplateModel): string[] {
  const out: string[] = [];
  const resources = (model.root.Resources ?? {}) as Record<string, { Type?: unknown; Properties?: unknown }>;
  for (const [id, r] of Object.entries(resources)) {
    const props = (r?.Properties ?? {}) as Record<string, unknown>;
    if (r?.Type === 'AWS::ApiGatewayV2::Api' && String(props.ProtocolType).toUpperCase() !== 'WEBSOCKET')
      out.push(
        `${id} is an HTTP API written as AWS::ApiGatewayV2::Api, which check does not model (it models AWS::Serverless::HttpApi): its CORS was not judged; probe judges the deployed API`,
      );
    else if (r?.Type === 'AWS::Lambda::Url')
      out.push(
        `${id} is a Function URL written as AWS::Lambda::Url, which check does not model (it models FunctionUrlConfig): its CORS was not judged; probe judges the deployed URL`,
      );
  }
  return out;
}

/** What the simulation assumed because crossgate could not see it, said once per function or API. */
function assumptions(model: TemplateModel, judged: Deployment, handlers: Map<string, HandlerCors>): string[] {
  const out: string[] = [];
  for (const api of judged.apis) {
    const proxied: string[] = [];
    let vpc = false;
    for (const r of api.resources)
      for (const m of r.methods) {
        if (m.integration === 'aws_proxy' && !m.functionId)
          out.push(
            `${api.logicalId} ${m.method} ${r.path} invokes a Lambda function outside this template: its answers were taken to carry the CORS headers the page needs; probe judges the deployed API`,
          );
        if (m.integration === 'aws_proxy' && m.functionId) {
          const fn = model.functions[m.functionId];
          const h = handlers.get(m.functionId);
          if (
            fn &&
            h?.kind === 'unknown' &&
            model.resolver.resolveString(fn.properties.PackageType) === 'Image'
          )
            out.push(
              `${m.functionId} is a container image function (PackageType: Image), whose code check does not read: its answers were taken to carry the CORS headers the page needs; probe judges the deployed API`,
            );
          else if (fn && h?.kind === 'unknown' && fn.runtime && !READ_RUNTIMES.test(fn.runtime))
            out.push(
              `${m.functionId} (${fn.runtime}) is not read by crossgate: its answers were taken to carry the CORS headers the page needs; check --invoke runs it, probe judges the deployed API`,
            );
        }
        if (m.integration === 'http_proxy') {
          proxied.push(`${m.method} ${r.path}`);
          vpc ||= m.target?.connectionType === 'VPC_LINK';
        }
      }
    if (proxied.length > 0)
      out.push(
        `${api.logicalId}: ${fewOf(proxied)} pass${proxied.length === 1 ? 'es' : ''} the backend's answer through (HTTP_PROXY${vpc ? ' over a VPC link' : ''}), whose CORS headers the template does not show: they were taken to match the page's origin; probe judges the deployed API`,
      );
  }
  return out;
}

/**
 * Origins the API's own answers name when nothing else does: literal Access-Control-Allow-Origin
 * values of its OpenAPI responses and handlers (a page on another origin would never be let in).
 */
function namedOrigins(api: DeployedApi, handler: (id: string) => HandlerCors | undefined): string[] {
  const values: string[] = [];
  for (const r of api.resources)
    for (const m of r.methods) {
      for (const h of [...m.mockHeaders, ...m.integrationResponses.flatMap((ir) => ir.headers)])
        if (h.name.toLowerCase() === 'access-control-allow-origin' && h.value) values.push(h.value);
      const hc = m.functionId && m.integration === 'aws_proxy' ? handler(m.functionId) : undefined;
      if (hc?.kind === 'literal' && hc.allowOrigin) values.push(hc.allowOrigin);
      if (hc?.kind === 'library') values.push(...(hc.literalOrigins ?? []));
    }
  return originsIn(values.join(','), false);
}

/**
 * The origins an AllowOrigin value names, as a browser writes them. `lenient` also reads a value
 * that is not an origin (`app.example.com/`) as the https origin it most likely means: the page
 * still has an origin when the template's value is wrong (CG111 reports it).
 */
function originsIn(value: string | undefined, lenient: boolean): string[] {
  const out = new Set<string>();
  for (const raw of (value ?? '').split(/[,\s]+/)) {
    const origin =
      normalizeOrigin(raw) ??
      (lenient && raw !== '' && raw !== '*' && raw !== 'null'
        ? `https://${raw.replace(/\/.*$/, '')}`
        : undefined);
    if (origin !== undefined) out.add(origin);
  }
  return [...out];
}
