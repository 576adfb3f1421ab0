import type { Finding, Rule, SimulatedRequest } from '../types.js';
import { routeName } from './util.js';

/**
 * Every request the simulation blocked that no specific rule explained: the browser model's own
 * verdict, at the route's line. Runs last; `run.ts` drops the ones another finding covers.
 */
/** Where the browser stopped, as the message says it. */
const STEP = {
  request: 'before sending it',
  preflight: 'at the preflight',
  actual: 'at the answer',
} as const;

export const browserBlocked: Rule = {
  code: 'CG120',
  name: 'browser-blocked',
  severity: 'error',
  summary: 'A request a web app on an allowed origin sends is blocked by the browser.',
  fixable: false,
  check(ctx) {
    // One finding per cause (API, origin, failing step, error), listing the routes it blocks.
    const groups = new Map<string, SimulatedRequest[]>();
    for (const s of ctx.simulations) {
      if (!s.expectedAllowed || s.verdict.allowed) continue;
      const key = `${s.api.logicalId}\u0000${s.origin}\u0000${s.verdict.failedStep}\u0000${s.verdict.errorCode}`;
      const list = groups.get(key);
      if (list) list.push(s);
      else groups.set(key, [s]);
    }
    const out: Finding[] = [];
    for (const sims of groups.values()) {
      const s = sims[0];
      const routes = [...new Set(sims.map((x) => routeName(x)))];
      out.push({
        code: this.code,
        rule: this.name,
        severity: this.severity,
        api: s.api.logicalId,
        message: `${s.api.logicalId}: from ${s.origin}, ${routes.slice(0, 3).join(', ')}${routes.length > 3 ? ` and ${routes.length - 3} more` : ''} ${routes.length > 1 ? 'are' : 'is'} blocked ${STEP[s.verdict.failedStep ?? 'actual']}: ${s.verdict.cause ?? s.verdict.errorCode}`,
        pos: s.method.pos,
        consoleMessage: s.verdict.consoleMessage,
        route: routes[0],
        origin: s.origin,
      });
    }
    return out;
  },
};
