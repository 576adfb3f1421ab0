/**
 * `check --fix`: applies the safe fixes to the template through the yaml Document API, so comments,
 * key order and the formatting of untouched lines survive; and a unified diff of what changed.
 */
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  parseDocument,
  Scalar,
  visit,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { Pos } from '../template/position.js';
import type { Finding, FixEdit } from './types.js';

function offsetOf(source: string, pos: Pos): number {
  let offset = 0;
  for (let line = 1; line < pos.line; line++) {
    const next = source.indexOf('\n', offset);
    if (next === -1) return source.length;
    offset = next + 1;
  }
  return offset + pos.col - 1;
}

function quoted(value: string): Scalar {
  const s = new Scalar(value);
  s.type = value.includes("'") ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
  return s;
}

export interface FixOutcome {
  output: string;
  applied: Finding[];
  skipped: Finding[];
}

/**
 * `file`: the template's name as positions carry it. Edits at positions in other files (an OpenAPI
 * file the template reads) are not applied to the template.
 */
export function applyFixes(source: string, findings: Finding[], file?: string): FixOutcome {
  const doc = parseDocument(source, { keepSourceTokens: false, uniqueKeys: false });
  const isJson = /^\s*\{/.test(source);
  const applied: Finding[] = [];
  const skipped: Finding[] = [];
  // The yaml writer cannot rewrite a document it cannot read as YAML 1.2 (a flow collection at its
  // key's indentation, which PyYAML accepts): such a template keeps its text; fixes are by hand.
  if (doc.errors.length > 0) {
    return { output: source, applied, skipped: findings.filter((f) => f.fix) };
  }
  const done = new Set<string>();
  for (const f of findings) {
    if (!f.fix) continue;
    let ok = true;
    for (const edit of f.fix.edits) {
      if (file !== undefined && edit.kind !== 'set-path' && edit.pos.file !== file) {
        ok = false;
        continue;
      }
      const key = JSON.stringify(edit);
      if (done.has(key)) continue;
      let edited: boolean;
      try {
        edited = applyEdit(doc, source, edit);
      } catch {
        // yaml refuses some edits (a key set in a !!set, …): that fix is left to the user.
        edited = false;
      }
      if (!edited) ok = false;
      else done.add(key);
    }
    (ok ? applied : skipped).push(f);
  }
  let output: string;
  try {
    output = isJson ? `${JSON.stringify(doc.toJSON(), null, 2)}\n` : doc.toString({ lineWidth: 0 });
  } catch {
    // The yaml writer refuses what it cannot write back faithfully (an alias whose anchor an edit
    // removed, …): keep the template as it is, and say the fixes were not applied.
    return { output: source, applied: [], skipped: [...applied, ...skipped] };
  }
  return { output, applied, skipped };
}

function applyEdit(doc: ReturnType<typeof parseDocument>, source: string, edit: FixEdit): boolean {
  if (edit.kind === 'set-path') {
    const value = edit.plain
      ? doc.createNode(edit.value)
      : typeof edit.value === 'string'
        ? quoted(edit.value)
        : doc.createNode(toNodes(edit.value));
    return setPath(doc, edit.path, value);
  }
  const offset = offsetOf(source, edit.pos);
  let found: { node: Node; parent: YAMLMap | undefined } | undefined;
  visit(doc, {
    Pair(_key, pair, path) {
      const v = pair.value as Node | null;
      if (v?.range && v.range[0] === offset) {
        const parent = path[path.length - 1];
        found = { node: v, parent: isMap(parent) ? (parent as YAMLMap) : undefined };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (!found) return false;
  if (edit.kind === 'replace' || edit.kind === 'set-list') {
    if (!found.parent) return false;
    const pair = found.parent.items.find((p) => isPair(p) && p.value === found!.node);
    if (!pair) return false;
    if (edit.kind === 'replace') {
      const replacement = quoted(edit.value);
      // An anchor on the value stays on it: aliases elsewhere still name it.
      if (isScalar(found.node) || isMap(found.node)) replacement.anchor = (found.node as Scalar).anchor;
      pair.value = replacement;
    } else {
      const list = doc.createNode(edit.values) as YAMLSeq;
      // Keep `[a, b]` as a flow list and a block list as a block list.
      list.flow = isSeq(found.node) ? Boolean(found.node.flow) : true;
      list.anchor = (found.node as Scalar).anchor;
      pair.value = list;
    }
    return true;
  }
  if (!found.parent) return false;
  found.parent.set(
    edit.key,
    typeof edit.value === 'string' ? quoted(edit.value) : doc.createNode(edit.value),
  );
  return true;
}

/**
 * `doc.setIn`, except that a key written with no value on the way (`Headers:` with nothing under
 * it) becomes a mapping instead of an error; a path through a scalar or a list is not changed.
 */
function setPath(doc: ReturnType<typeof parseDocument>, path: string[], value: unknown): boolean {
  let node: unknown = doc.contents;
  if (node === null || (isScalar(node) && node.value === null)) {
    node = doc.createNode({});
    doc.contents = node as YAMLMap;
  }
  for (const key of path.slice(0, -1)) {
    if (!isMap(node)) return false;
    let next: unknown = node.get(key, true);
    if (next === undefined || next === null || (isScalar(next) && next.value === null)) {
      next = doc.createNode({});
      node.set(key, next);
    }
    node = next;
  }
  if (!isMap(node)) return false;
  node.set(path[path.length - 1], value);
  return true;
}

/** Quote the mapping-expression strings inside an object before yaml builds nodes for it. */
function toNodes(value: unknown): unknown {
  if (typeof value === 'string') return quoted(value);
  if (Array.isArray(value)) return value.map(toNodes);
  if (value && typeof value === 'object' && !isScalar(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toNodes(v);
    return out;
  }
  return value;
}

/** A unified diff (3 lines of context) of two texts. */
export function unifiedDiff(before: string, after: string, file: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  if (start === endA && start === endB) return '';
  const ops = lcsOps(a.slice(start, endA), b.slice(start, endB));
  const lines: Array<{ op: ' ' | '-' | '+'; text: string; ai: number; bi: number }> = [];
  for (let i = Math.max(0, start - 3); i < start; i++) lines.push({ op: ' ', text: a[i], ai: i, bi: i });
  let ai = start;
  let bi = start;
  for (const op of ops) {
    if (op === ' ') lines.push({ op, text: a[ai++], ai: ai - 1, bi: bi++ });
    else if (op === '-') lines.push({ op, text: a[ai++], ai: ai - 1, bi });
    else lines.push({ op, text: b[bi++], ai, bi: bi - 1 });
  }
  for (let i = 0; i < 3 && endA + i < a.length; i++)
    lines.push({ op: ' ', text: a[endA + i], ai: endA + i, bi: endB + i });
  // One hunk per run of changes with its context.
  const out = [`--- ${file}`, `+++ ${file} (fixed)`];
  let i = 0;
  while (i < lines.length) {
    while (i < lines.length && lines[i].op === ' ') i++;
    if (i >= lines.length) break;
    let from = Math.max(0, i - 3);
    while (from > 0 && lines[from - 1].op !== ' ') from--;
    let to = i;
    let quiet = 0;
    while (to < lines.length && quiet <= 6) {
      quiet = lines[to].op === ' ' ? quiet + 1 : 0;
      to++;
    }
    to = Math.min(lines.length, to - Math.max(0, quiet - 3));
    const hunk = lines.slice(from, to);
    const aCount = hunk.filter((l) => l.op !== '+').length;
    const bCount = hunk.filter((l) => l.op !== '-').length;
    out.push(`@@ -${hunk[0].ai + 1},${aCount} +${hunk[0].bi + 1},${bCount} @@`);
    for (const l of hunk) out.push(`${l.op}${l.text}`);
    i = to;
  }
  return `${out.join('\n')}\n`;
}

function lcsOps(a: string[], b: string[]): Array<' ' | '-' | '+'> {
  if (a.length * b.length > 4_000_000) return [...a.map(() => '-' as const), ...b.map(() => '+' as const)];
  const dp: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  const ops: Array<' ' | '-' | '+'> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push(' ');
      i++;
      j++;
    } else if (dp[i + 1][j] >= dp[i][j + 1]) {
      ops.push('-');
      i++;
    } else {
      ops.push('+');
      j++;
    }
  }
  while (i++ < a.length) ops.push('-');
  while (j++ < b.length) ops.push('+');
  return ops;
}
