/**
 * `check`, as a function: build the context (origins, handler readings), simulate the browser's
 * requests through the gateway model, run every rule, and order the findings.
 */
import { resolve } from 'node:path';
import type { Invoke } from '../gateway/types.js';
import type { DeployedApi, Deployment } from '../sam/model.js';
import type { ApiModel, TemplateModel } from '../template/model.js';
import { formatPos } from '../template/position.js';
import { type HandlerCors, scanHandler } from './handler-scan.js';
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
  rules?: Rule[];
}

export interface CheckResult {
  findings: Finding[];
  /** What the template holds that crossgate does not model (HTTP APIs, external definitions…), said plainly. */
  notes: string[];
  simulations: SimulatedRequest[];
  rules: Rule[];
}

/** When nothing says which origin the pages live on. */
export const SAMPLE_ORIGIN = 'https://app.example.com';

/** A copy of the deployment without the header values API Gateway would refuse (CG101 reports them). */
function deployable(deployment: Deployment): Deployment {
  return {
    ...deployment,
    apis: deployment.apis.map((api) => ({
      ...api,
      resources: api.resources.map((r) => ({
        ...r,
        methods: r.methods.map((m) => ({ ...m, mockHeaders: m.mockHeaders.filter((h) => !h.invalid) })),
      })),
      gatewayResponses: api.gatewayResponses.map((g) => ({
        ...g,
        headers: g.headers.filter((h) => !h.invalid),
      })),
    })),
  };
}

export async function runCheck(
  model: TemplateModel,
  deployment: Deployment,
  options: CheckOptions = {},
): Promise<CheckResult> {
  const rules = options.rules ?? RULES;
  const handlers = new Map<string, HandlerCors>();
  for (const fn of Object.values(model.functions))
    handlers.set(
      fn.logicalId,
      scanHandler(resolve(model.baseDir, fn.codeUri ?? '.'), fn.handler, fn.inlineCode),
    );
  const apiModels = new Map<string, ApiModel>(model.apis.map((a) => [a.logicalId, a]));
  const userOrigins = (options.origins ?? []).map((o) => normalizeOrigin(o) ?? o);
  const simulated = deployable(deployment);

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
  const templateOrigins = (api: DeployedApi): string[] => {
    const fromTemplate = allowOriginOf(ctx, api);
    return (fromTemplate ?? '')
      .split(/[,\s]+/)
      .map((o) => normalizeOrigin(o.trim()))
      .filter((o): o is string => o !== undefined);
  };
  ctx.origins = (api: DeployedApi) => {
    const cached = originCache.get(api.logicalId);
    if (cached) return cached;
    let list = userOrigins;
    if (list.length === 0) {
      const fromTemplate = allowOriginOf(ctx, api);
      const candidates = (fromTemplate ?? '')
        .split(/[,\s]+/)
        .map(
          (o) =>
            normalizeOrigin(o.trim()) ??
            (o.trim() && o.trim() !== '*' && o.trim() !== 'null'
              ? `https://${o.trim().replace(/\/.*$/, '')}`
              : undefined),
        )
        .filter((o): o is string => o !== undefined);
      list = candidates.length > 0 ? [...new Set(candidates)] : [SAMPLE_ORIGIN];
    }
    originCache.set(api.logicalId, list);
    return list;
  };

  const authorizerFunctions = new Set<string>();
  for (const api of deployment.apis)
    for (const a of Object.values(api.authorizers)) if (a.functionId) authorizerFunctions.add(a.functionId);
  const functionTimeouts: Record<string, number> = {};
  for (const f of Object.values(model.functions)) functionTimeouts[f.logicalId] = f.timeout;

  const sims = await simulateRequests({
    deployment: simulated,
    keys: [{ id: 'crossgate-check', value: 'crossgate-check-api-key-0000000000000000', source: 'check' }],
    origins: (api) => ctx.origins(deployment.apis.find((a) => a.logicalId === api.logicalId) ?? api),
    credentials: (api) =>
      api.resources.some((r) =>
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
      const h = handlers.get(id);
      const env = model.functions[id]?.environment ?? {};
      const named = [
        ...(h?.literalOrigins ?? []),
        ...(h?.envNames ?? []).map((n) => env[n]).filter((v): v is string => typeof v === 'string'),
      ]
        .flatMap((v) => v.split(','))
        .map((v) => normalizeOrigin(v.trim()))
        .filter((v): v is string => v !== undefined);
      return named.length > 0 ? named : templateOrigins(api);
    },
    authorizerFunctions,
    functionTimeouts,
    invoke: options.invoke,
  });
  // Rules compare APIs by identity with the deployment they are given; map the copies back.
  const byId = new Map(deployment.apis.map((a) => [a.logicalId, a]));
  for (const s of sims) {
    const api = byId.get(s.api.logicalId)!;
    const resource = api.resources.find((r) => r.path === s.resource.path)!;
    const method = resource.methods.find((m) => m.method === s.method.method)!;
    ctx.simulations.push({ ...s, api, resource, method });
  }

  let findings: Finding[] = [];
  for (const rule of rules) findings.push(...rule.check(ctx));
  // The catch-all only speaks for APIs no specific error explains.
  const explained = new Set(
    findings
      .filter((f) => f.code !== 'CG120' && f.severity === 'error')
      .map(
        (f) =>
          deployment.apis.find(
            (a) =>
              f.message.startsWith(a.logicalId) ||
              (f.route &&
                ctx.simulations.some(
                  (s) => s.api === a && `${s.method.method} ${s.resource.path}` === f.route,
                )),
          )?.logicalId,
      ),
  );
  findings = findings.filter(
    (f) =>
      f.code !== 'CG120' ||
      !deployment.apis.some(
        (a) =>
          explained.has(a.logicalId) &&
          f.message &&
          ctx.simulations.some((s) => s.api === a && `${s.method.method} ${s.resource.path}` === f.route),
      ),
  );
  findings.sort(
    (a, b) =>
      (a.pos?.line ?? 0) - (b.pos?.line ?? 0) ||
      (a.pos?.col ?? 0) - (b.pos?.col ?? 0) ||
      a.code.localeCompare(b.code),
  );
  const notes = [
    ...deployment.notes.map((n) => (n.pos ? `${formatPos(n.pos)}: ${n.message}` : n.message)),
    ...deployment.apis.flatMap((a) => a.notes),
  ];
  return { findings, notes: [...new Set(notes)], simulations: ctx.simulations, rules };
}
