import type { Finding, Rule } from '../types.js';
import { corsHeaderValues } from './util.js';

/** The guide's best-practice warning: `*` lets every site's pages read the API's answers. */
export const wildcardOrigin: Rule = {
  code: 'CG108',
  name: 'wildcard-origin',
  severity: 'warning',
  summary: "AllowOrigin is '*': any website's scripts may call the API and read its answers.",
  fixable: true,
  check(ctx) {
    return corsHeaderValues(ctx, 'access-control-allow-origin')
      .filter((v) => v.value === '*' && v.pos)
      .map(
        (v): Finding => ({
          code: this.code,
          rule: this.name,
          severity: this.severity,
          api: v.api.logicalId,
          message: `${v.api.logicalId}: Access-Control-Allow-Origin is '*'; name the origin of your web app instead.`,
          pos: v.pos,
          fix:
            ctx.userOrigins.length === 1
              ? {
                  description: `allow only ${ctx.userOrigins[0]}`,
                  edits: [{ kind: 'replace', pos: v.pos!, value: `'${ctx.userOrigins[0]}'` }],
                }
              : undefined,
          hint: 'Write the one origin your pages are served from, e.g. AllowOrigin: "\'https://app.example.com\'" (check --fix --origin <origin> does it).',
        }),
      );
  },
};
