import type { Finding, Rule } from '../types.js';

/**
 * Every request the simulation blocked that no specific rule explained: the browser model's own
 * verdict, at the route's line. Runs last; `run.ts` drops the ones another finding covers.
 */
export const browserBlocked: Rule = {
  code: 'CG120',
  name: 'browser-blocked',
  severity: 'error',
  summary: 'A request a web app on an allowed origin sends is blocked by the browser.',
  fixable: false,
  check(ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const s of ctx.simulations) {
      if (!s.expectedAllowed || s.verdict.allowed) continue;
      const key = `${s.api.logicalId} ${s.method.method} ${s.resource.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        message: `${s.shape} ${s.resource.path} from ${s.origin} is blocked at the ${s.verdict.failedStep}: ${s.verdict.cause ?? s.verdict.errorCode}`,
        pos: s.method.pos,
        consoleMessage: s.verdict.consoleMessage,
        route: `${s.method.method} ${s.resource.path}`,
        origin: s.origin,
      });
    }
    return out;
  },
};
