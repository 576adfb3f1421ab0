import type { Finding, Rule } from '../types.js';

/**
 * A key written twice in one mapping. SAM CLI reads templates with PyYAML (samcli/yamlhelper.py,
 * yaml_parse; JSON with json.loads and an OrderedDict), which keeps the last value and drops the
 * others without a word: the template deploys, but not as the earlier lines say. Reported at every
 * place the key is written, so an editor marks both lines.
 */
export const duplicateKey: Rule = {
  code: 'CG130',
  name: 'duplicate-key',
  severity: 'warning',
  summary:
    'A key is written twice in one mapping: sam deploy keeps the last value and silently drops the others.',
  fixable: false,
  check(ctx) {
    const out: Finding[] = [];
    for (const { key, positions } of ctx.model.duplicateKeys) {
      const last = positions[positions.length - 1];
      const where = (line: number, file: string) => (file === last.file ? `line ${line}` : `${file}:${line}`);
      positions.forEach((pos, i) => {
        const others = positions.filter((_, j) => j !== i).map((p) => where(p.line, p.file));
        out.push({
          code: this.code,
          rule: this.name,
          severity: this.severity,
          message:
            pos === last
              ? `'${key}' is written ${positions.length} times in this mapping (also at ${others.join(', ')}): sam deploy uses this value and drops the others.`
              : `'${key}' is written again in this mapping (at ${where(last.line, last.file)}): sam deploy drops this value and uses the last one.`,
          pos,
          hint: `Keep one '${key}' in this mapping: merge what the lines say, or delete the one that is not meant.`,
        });
      });
    }
    return out;
  },
};
