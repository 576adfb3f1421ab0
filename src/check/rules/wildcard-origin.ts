import type { Finding, FixEdit, Rule } from '../types.js';
import { corsHeaderValues, corsSibling } from './util.js';

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
      .map((v): Finding => {
        // Cors without AllowOrigin: SAM writes '*' (SAM fixture api_with_cors_and_only_credentials_false).
        const model = ctx.apiModel(v.api);
        const unwritten = model?.cors !== undefined && !model.cors.shorthand && !model.cors.allowOrigin;
        const sibling = unwritten ? corsSibling(model) : undefined;
        const origin = ctx.userOrigins.length === 1 ? `'${ctx.userOrigins[0]}'` : undefined;
        const edit: FixEdit | undefined = !origin
          ? undefined
          : unwritten
            ? sibling?.pos && { kind: 'set-sibling', pos: sibling.pos, key: 'AllowOrigin', value: origin }
            : { kind: 'replace', pos: v.pos!, value: origin };
        return {
          code: this.code,
          rule: this.name,
          severity: this.severity,
          api: v.api.logicalId,
          message: unwritten
            ? `${v.api.logicalId}: Cors sets no AllowOrigin, so SAM answers Access-Control-Allow-Origin: '*'; name the origin of your web app instead.`
            : `${v.api.logicalId}: AllowOrigin is '*'; name the origin of your web app instead.`,
          pos: v.pos,
          fix: edit ? { description: `allow only ${ctx.userOrigins[0]}`, edits: [edit] } : undefined,
          hint: 'Write the one origin your pages are served from, e.g. AllowOrigin: "\'https://app.example.com\'" (check --fix --origin <origin> does it).',
        };
      });
  },
};
