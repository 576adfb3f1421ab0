/**
 * Whether a function's source mentions Access-Control-Allow-Origin, in any language: a sign that the
 * function is meant to answer pages on other origins (CORS intent), not a reading of what it answers.
 * handler-scan.ts reads the handlers crossgate understands; this covers the rest (Python, Java, Go,
 * Rust, C#, …) so that their APIs are judged when their code shows intent.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Pos } from '../template/position.js';

const SOURCE = /\.(py|java|kt|go|rs|cs|fs|rb|php|ts|mts|cts|js|mjs|cjs|ps1|sh)$/;
const SKIPPED = new Set([
  'node_modules',
  '.aws-sam',
  '.git',
  'target',
  'bin',
  'obj',
  'build',
  '__pycache__',
  'vendor',
  '.venv',
  'venv',
  'test',
  'tests',
]);
const MAX_FILES = 200;
const MAX_BYTES = 1 << 20;
const MAX_DEPTH = 6;
const ACAO = /access-control-allow-origin/i;

const cache = new Map<string, Pos | null>();

/** The first place under `dir` whose source mentions Access-Control-Allow-Origin; undefined if none. */
export function mentionsAllowOrigin(dir: string): Pos | undefined {
  const hit = cache.get(dir);
  if (hit !== undefined) return hit ?? undefined;
  let files = 0;
  let found: Pos | undefined;
  const visit = (d: string, depth: number) => {
    if (found || files >= MAX_FILES || depth > MAX_DEPTH) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (found || files >= MAX_FILES) return;
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED.has(e.name)) visit(p, depth + 1);
      } else if (e.isFile() && SOURCE.test(e.name)) {
        files++;
        try {
          if (statSync(p).size > MAX_BYTES) continue;
          const text = readFileSync(p, 'utf8');
          const m = ACAO.exec(text);
          if (m) found = { file: p, line: text.slice(0, m.index).split('\n').length, col: 1 };
        } catch {
          // unreadable: no sign either way
        }
      }
    }
  };
  try {
    if (statSync(dir).isDirectory()) visit(dir, 0);
  } catch {
    // no such folder
  }
  cache.set(dir, found ?? null);
  return found;
}
