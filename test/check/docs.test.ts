/** Every rule has its docs page and its row in docs/rules/README.md (STYLE.md: "a docs page in docs/rules/"). */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/check/rules/index.js';

describe('rule docs', () => {
  const index = readFileSync('docs/rules/README.md', 'utf8');
  for (const rule of RULES)
    it(`${rule.code} ${rule.name}: a page titled with its code, a row in the index with its severity`, () => {
      const page = `docs/rules/${rule.name}.md`;
      expect(existsSync(page), page).toBe(true);
      expect(readFileSync(page, 'utf8').split('\n')[0]).toBe(`# ${rule.name} (${rule.code})`);
      expect(index).toMatch(new RegExp(`\\| ${rule.code} \\| \`${rule.name}\` \\| [^|]*${rule.severity}`));
    });
});
