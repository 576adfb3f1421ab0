/** Helpers the rules share: where the CORS settings of an API were written, and what the browser saw. */
import type { DeployedApi, DeployedMethod, DeployedResource } from '../../sam/model.js';
import type { ApiModel, Located } from '../../template/model.js';
import type { CheckContext, Finding, Rule, SimulatedRequest } from '../types.js';

export function preflightMethods(
  api: DeployedApi,
): Array<{ resource: DeployedResource; method: DeployedMethod }> {
  const out: Array<{ resource: DeployedResource; method: DeployedMethod }> = [];
  for (const resource of api.resources)
    for (const method of resource.methods) if (method.corsPreflight) out.push({ resource, method });
  return out;
}

/** Whether the API's CORS preflights answer Access-Control-Allow-Credentials: true (Cors AllowCredentials). */
export function credentialed(api: DeployedApi): boolean {
  return preflightMethods(api).some(({ method }) =>
    method.mockHeaders.some(
      (h) => h.name.toLowerCase() === 'access-control-allow-credentials' && h.value === 'true',
    ),
  );
}

/** The first simulated request (from an allowed origin) the browser blocked, matching `where`. */
export function blockedRequest(
  ctx: CheckContext,
  where: (s: SimulatedRequest) => boolean,
): SimulatedRequest | undefined {
  return ctx.simulations.find((s) => s.expectedAllowed && !s.verdict.allowed && where(s));
}

export function routeName(s: { resource: DeployedResource; method: DeployedMethod }): string {
  return `${s.method.method} ${s.resource.path}`;
}

/** Path to an Api's property in the template, for fixes that add one (Globals for the implicit API). */
export function apiPropertyPath(api: ApiModel, ...rest: string[]): string[] {
  return api.kind === 'implicit'
    ? ['Globals', 'Api', ...rest]
    : ['Resources', api.logicalId, 'Properties', ...rest];
}

/** A property written in a Cors mapping (not the `Cors: "'origin'"` shorthand), for an edit that adds one beside it. */
export function corsSibling(api: ApiModel | undefined): Located | undefined {
  const c = api?.cors;
  if (!c || c.shorthand) return undefined;
  return [c.allowOrigin, c.allowHeaders, c.allowMethods, c.maxAge, c.allowCredentials].find(
    (p) => p?.pos !== undefined,
  );
}

/** Header names from a literal list (`Content-Type, X-Api-Key`), lower-cased. */
export function listOf(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

export const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);

export function allowOriginOf(ctx: CheckContext, api: DeployedApi): string | undefined {
  for (const { method } of preflightMethods(api)) {
    const h = method.mockHeaders.find((x) => x.name.toLowerCase() === 'access-control-allow-origin');
    if (h?.value !== undefined) return h.value;
  }
  const m = ctx.apiModel(api);
  return m ? ctx.corsLiteral(m, 'AllowOrigin') : undefined;
}

/** Each distinct Cors header value (as deployed on the OPTIONS methods) with where it was written. */
export function corsHeaderValues(
  ctx: CheckContext,
  name: string,
): Array<{
  api: DeployedApi;
  value: string;
  pos: import('../../template/position.js').Pos | undefined;
  resources: DeployedResource[];
}> {
  const out: Array<{
    api: DeployedApi;
    value: string;
    pos: import('../../template/position.js').Pos | undefined;
    resources: DeployedResource[];
  }> = [];
  for (const api of ctx.deployment.apis)
    for (const { resource, method } of preflightMethods(api)) {
      const h = method.mockHeaders.find((x) => x.name.toLowerCase() === name);
      if (h?.value === undefined) continue;
      const existing = out.find(
        (o) =>
          o.api === api && o.value === h.value && o.pos?.line === h.pos?.line && o.pos?.col === h.pos?.col,
      );
      if (existing) existing.resources.push(resource);
      else out.push({ api, value: h.value, pos: h.pos, resources: [resource] });
    }
  return out;
}

/** Up to three items, then `, …` when there are more. */
export function fewOf(items: string[]): string {
  return `${items.slice(0, 3).join(', ')}${items.length > 3 ? ', …' : ''}`;
}

/**
 * The finding for an API whose OPTIONS preflights SAM put behind a guard (an API key, an authorizer):
 * at the Auth setting that did it, with the browser's message for a preflight it blocked, and the
 * fix that sets `flag: false` beside that setting.
 */
export function guardedPreflightFinding(
  ctx: CheckContext,
  rule: Pick<Rule, 'code' | 'name' | 'severity'>,
  api: DeployedApi,
  guarded: Array<{ resource: DeployedResource; method: DeployedMethod }>,
  setting: { located: Located | undefined; name: string; flag: string },
  message: string,
  hint: string,
): Finding {
  const at = setting.located?.pos;
  const sim = blockedRequest(
    ctx,
    (s) =>
      s.api === api && s.verdict.failedStep === 'preflight' && guarded.some((g) => g.resource === s.resource),
  );
  return {
    code: rule.code,
    rule: rule.name,
    severity: rule.severity,
    api: api.logicalId,
    message,
    pos: at ?? guarded[0].method.pos,
    consoleMessage: sim?.verdict.consoleMessage,
    route: sim ? routeName(sim) : undefined,
    origin: sim?.origin,
    fix: at
      ? {
          description: `add ${setting.flag}: false beside ${setting.name}`,
          edits: [{ kind: 'set-sibling', pos: at, key: setting.flag, value: false }],
        }
      : undefined,
    hint,
  };
}
