/**
 * `check`, as a function: build the context (origins, handler readings), simulate the browser's
 * requests through the gateway model, run every rule, and order the findings.
 */
import type { Engine } from '../browser/index.js';
import type { Invoke } from '../gateway/types.js';
import type { DeployedEndpoint, Deployment } from '../sam/model.js';
import type { ApiModel, TemplateModel } from '../template/model.js';
import { formatPos } from '../template/position.js';
import {
  browserEndpoints,
  configuredOrigins,
  corsIgnoredFunctions,
  endpointCredentials,
  isPlatformEndpoint,
} from './endpoints.js';
import { attachEngineOutcomes } from './engines.js';
import { scanHandlers } from './handler-scan.js';
import { RULES } from './rules/index.js';
import { normalizeOrigin } from './rules/malformed-origin.js';
import { allowOriginOf } from './rules/util.js';
import { simulateRequests } from './simulate.js';
import type { CheckContext, Finding, Rule, SimulatedRequest } from './types.js';

export interface CheckOptions {
  /** Origins the web app is served from (`--origin`); default: the template's. */
  origins?: string[];
  /** Run handlers for real (`--invoke`) instead of reading their source. */
  invoke?: Invoke;
  /** The interpreter that reads Python handlers (`--python`); default: the one their Runtime finds. */
  python?: string;
  rules?: Rule[];
}

export interface CheckResult {
  findings: Finding[];
  /** What the template holds that crossgate does not model (HTTP APIs, external definitions…), said plainly. */
  notes: string[];
  simulations: SimulatedRequest[];
  rules: Rule[];
  /** The engines the report speaks of (`--browser`); all three when absent. */
  engines?: Engine[];
}

/** When nothing says which origin the pages live on. */
export const SAMPLE_ORIGIN = 'https://app.example.com';

export async function runCheck(
  model: TemplateModel,
  deployment: Deployment,
  options: CheckOptions = {},
): Promise<CheckResult> {
  const rules = options.rules ?? RULES;
  const { handlers, notes: handlerNotes } = await scanHandlers(model, { python: options.python });
  const handlerNamedOrigins = (id: string): string[] => {
    const h = handlers.get(id);
    const env = model.functions[id]?.environment ?? {};
    return originsIn(
      [
        ...(h?.literalOrigins ?? []),
        ...(h?.kind === 'literal' && h.allowOrigin ? [h.allowOrigin] : []),
        ...(h?.envNames ?? []).map((n) => env[n] ?? ''),
      ].join(','),
      false,
    );
  };
  const apiModels = new Map<string, ApiModel>(model.apis.map((a) => [a.logicalId, a]));
  const userOrigins = (options.origins ?? []).map((o) => normalizeOrigin(o) ?? o);

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
    deployment,
    userOrigins,
    apiModel: (api) => apiModels.get(api.logicalId),
    handler: (id) => (id ? handlers.get(id) : undefined),
    simulations: [],
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
      let fromTemplate = userOrigins.length > 0 ? userOrigins : originsIn(allowOrigin(api), true);
      // An HTTP API or Function URL whose handlers do CORS themselves: the origins they name.
      if (fromTemplate.length === 0 && isPlatformEndpoint(api))
        fromTemplate = api.resources
          .flatMap((r) => r.methods.map((m) => m.functionId))
          .flatMap((id) => (id ? handlerNamedOrigins(id) : []));
      list = fromTemplate.length > 0 ? fromTemplate : [SAMPLE_ORIGIN];
      originCache.set(api.logicalId, list);
    }
    return list;
  };

  const authorizerFunctions = new Set<string>();
  for (const api of [...deployment.apis, ...deployment.httpApis])
    for (const a of Object.values(api.authorizers)) if (a.functionId) authorizerFunctions.add(a.functionId);
  const browser = browserEndpoints(deployment, (id) => handlers.get(id));
  const functionTimeouts: Record<string, number> = {};
  for (const f of Object.values(model.functions)) functionTimeouts[f.logicalId] = f.timeout;

  const sims = await simulateRequests({
    deployment,
    keys: [{ id: 'crossgate-check', value: 'crossgate-check-api-key-0000000000000000', source: 'check' }],
    origins: ctx.origins,
    endpoints: browser.endpoints,
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
  ctx.simulations = sims;

  let findings: Finding[] = [];
  for (const rule of rules) findings.push(...rule.check(ctx));
  // The catch-all only speaks for APIs no specific error explains.
  const explained = new Set(
    findings.filter((f) => f.code !== 'CG120' && f.severity === 'error').map((f) => f.api),
  );
  findings = findings.filter((f) => f.code !== 'CG120' || !explained.has(f.api));
  attachEngineOutcomes(findings, sims);
  findings.sort(
    (a, b) =>
      (a.pos?.line ?? 0) - (b.pos?.line ?? 0) ||
      (a.pos?.col ?? 0) - (b.pos?.col ?? 0) ||
      a.code.localeCompare(b.code),
  );
  const notes = [
    ...deployment.notes.map((n) => (n.pos ? `${formatPos(n.pos)}: ${n.message}` : n.message)),
    ...deployment.apis.flatMap((a) => a.notes),
    ...deployment.httpApis.flatMap((a) => a.notes),
    ...deployment.functionUrls.flatMap((u) => u.notes),
    ...browser.notes,
    ...handlerNotes,
  ];
  return { findings, notes: [...new Set(notes)], simulations: ctx.simulations, rules };
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
