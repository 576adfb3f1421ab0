import type { Finding, Rule } from '../types.js';

/** SAM copies Cors values into API Gateway mapping expressions, where a literal must be in single quotes. */
export const corsUnquotedValue: Rule = {
  code: 'CG101',
  name: 'cors-unquoted-value',
  severity: 'error',
  summary:
    'A Cors or gateway response header value is not a quoted literal: sam deploy fails with "Invalid mapping expression specified".',
  fixable: true,
  // A deploy that fails fails whoever calls the API.
  everyApi: true,
  check(ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const api of ctx.deployment.apis) {
      const headers = [
        ...api.resources.flatMap((r) =>
          r.methods.flatMap((m) => [...m.mockHeaders, ...m.integrationResponses.flatMap((ir) => ir.headers)]),
        ),
        ...api.gatewayResponses.flatMap((g) => g.headers),
      ];
      for (const h of headers) {
        if (!h.invalid || !h.pos) continue;
        const key = `${h.pos.line}:${h.pos.col}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const literal = String(h.expression).replace(/^'|'$/g, '');
        out.push({
          code: this.code,
          rule: this.name,
          severity: this.severity,
          api: api.logicalId,
          message: `${api.logicalId}: ${h.name} is ${JSON.stringify(h.expression)}: API Gateway reads it as a mapping expression and the deploy fails ("Invalid mapping expression specified"). Write "'${literal}'".`,
          pos: h.pos,
          // A string or a number (`MaxAge: 600`): quoted in place. Not an intrinsic.
          fix:
            typeof h.expression === 'string' || typeof h.expression === 'number'
              ? {
                  description: `quote the value: "'${literal}'"`,
                  edits: [{ kind: 'replace', pos: h.pos, value: `'${literal}'` }],
                }
              : undefined,
        });
      }
    }
    return out;
  },
};
