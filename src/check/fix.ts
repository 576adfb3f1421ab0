/**
 * `check --fix`: applies the safe fixes to the template (and to the OpenAPI files it reads) as text
 * edits at the places the yaml parser locates, so every line a fix does not touch stays as written —
 * comments, quoting, flow lists, spacing — and a unified diff of what changed. Each edit is applied to
 * the text the previous ones left, parsed again, and kept only when the result still parses.
 */
import {
  Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parseDocument,
  Scalar,
  visit,
  type YAMLMap,
} from 'yaml';
import type { Pos } from '../template/position.js';
import type { Finding, FixEdit } from './types.js';

export interface FixOutcome {
  output: string;
  applied: Finding[];
  skipped: Finding[];
}

export interface FilesFixOutcome {
  /** The new text of each file a fix changed, by the name positions carry. */
  outputs: Record<string, string>;
  applied: Finding[];
  skipped: Finding[];
}

/**
 * Fixes in one file. `file`: the name positions carry; edits at positions in other files (an OpenAPI
 * file the template reads) are left out, and their findings counted as skipped.
 */
export function applyFixes(source: string, findings: Finding[], file?: string): FixOutcome {
  // Unnamed: the file the first positioned edit names.
  const name =
    file ?? findings.flatMap((f) => f.fix?.edits ?? []).find((e) => e.kind !== 'set-path')?.pos.file ?? '';
  const all = applyFixesToFiles({ [name]: source }, findings, name);
  return { output: all.outputs[name] ?? source, applied: all.applied, skipped: all.skipped };
}

/**
 * Fixes across the files a check read: `sources` by the name positions carry; `template` names the
 * template, where edits by path from the document root (`set-path`) go. A finding counts as applied
 * when every one of its edits was.
 */
export function applyFixesToFiles(
  sources: Record<string, string>,
  findings: Finding[],
  template: string,
): FilesFixOutcome {
  const texts = new Map<string, FileText>();
  const applied: Finding[] = [];
  const skipped: Finding[] = [];
  const done = new Set<string>();
  for (const f of findings) {
    if (!f.fix) continue;
    let ok = true;
    for (const edit of f.fix.edits) {
      const file = edit.kind === 'set-path' ? template : edit.pos.file;
      const key = `${file}\u0000${JSON.stringify(edit)}`;
      if (done.has(key)) continue;
      const source = sources[file];
      if (source === undefined) {
        ok = false;
        continue;
      }
      let text = texts.get(file);
      if (!text) {
        text = new FileText(source);
        texts.set(file, text);
      }
      if (text.apply(edit)) done.add(key);
      else ok = false;
    }
    (ok ? applied : skipped).push(f);
  }
  const outputs: Record<string, string> = {};
  for (const [file, text] of texts) if (text.text !== text.original) outputs[file] = text.text;
  return { outputs, applied, skipped };
}

/** One text change, in the coordinates of the text it was made to. */
interface Splice {
  start: number;
  end: number;
  text: string;
}

/** A file being fixed: its text, and the splices made so far (to find original positions in it). */
class FileText {
  readonly original: string;
  text: string;
  private readonly splices: Splice[] = [];
  private readonly json: boolean;
  private readonly unit: number;
  /** Whether the file indents a block list under its key (`key:\n  - a`) or not (`key:\n- a`). */
  private readonly indentSeq: boolean;

  constructor(source: string) {
    this.original = source;
    this.text = source;
    this.json = /^\s*[{[]/.test(source);
    this.unit = indentUnit(source);
    this.indentSeq = !/^( *)[^\s#-][^\n]*:[ \t]*\n\1- /m.test(source);
  }

  /** Applies one edit; false (and nothing changed) when it cannot be made, or would not parse. */
  apply(edit: FixEdit): boolean {
    const doc = parseDocument(this.text, { uniqueKeys: false });
    if (doc.errors.length > 0) return false;
    const splice = edit.kind === 'set-path' ? this.setPath(doc, edit) : this.atPosition(doc, edit);
    if (!splice) return false;
    const next = this.text.slice(0, splice.start) + splice.text + this.text.slice(splice.end);
    if (parseDocument(next, { uniqueKeys: false }).errors.length > 0) return false;
    this.text = next;
    this.splices.push(splice);
    return true;
  }

  /** Where an offset of the original text is now; undefined when a splice replaced it. */
  private current(offset: number): number | undefined {
    let at = offset;
    for (const s of this.splices) {
      if (at >= s.end) at += s.text.length - (s.end - s.start);
      else if (at > s.start) return undefined;
    }
    return at;
  }

  private atPosition(doc: Document.Parsed, edit: Exclude<FixEdit, { kind: 'set-path' }>): Splice | undefined {
    const offset = this.current(offsetOf(this.original, edit.pos));
    if (offset === undefined) return undefined;
    let found: { pair: Pair; map: YAMLMap } | undefined;
    visit(doc, {
      Pair(_key, pair, path) {
        const v = pair.value as Node | null;
        const parent = path[path.length - 1];
        if (v?.range && v.range[0] === offset && isMap(parent)) {
          found = { pair: pair as Pair, map: parent as YAMLMap };
          return visit.BREAK;
        }
        return undefined;
      },
    });
    if (!found) return undefined;
    const node = found.pair.value as Node;
    switch (edit.kind) {
      case 'replace':
        return { start: node.range![0], end: node.range![1], text: this.scalar(quoted(edit.value)) };
      case 'set-list':
        return this.replaceList(node, edit.values);
      case 'set-sibling': {
        const existing = found.map.items.find((p) => isScalar(p.key) && p.key.value === edit.key);
        // A string is a mapping expression ('…'), written quoted; lists and flags as they are.
        const value = typeof edit.value === 'string' ? quoted(edit.value) : edit.value;
        if (existing) return this.replaceValue(existing, value);
        return this.insertPair(found.map, found.pair, edit.key, value);
      }
    }
  }

  /** Sets a value by its path from the document root, adding the mappings on the way. */
  private setPath(doc: Document.Parsed, edit: Extract<FixEdit, { kind: 'set-path' }>): Splice | undefined {
    const value = edit.plain ? edit.value : valueNode(edit.value);
    let map: unknown = doc.contents;
    for (let i = 0; i < edit.path.length; i++) {
      if (!isMap(map)) return undefined;
      const key = edit.path[i];
      const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (!pair) {
        const nested = edit.path.slice(i + 1).reduceRight<unknown>((v, k) => ({ [k]: v }), value);
        return this.insertPair(map, undefined, key, nested);
      }
      const empty = pair.value === null || (isScalar(pair.value) && pair.value.value === null);
      if (empty) {
        // `Headers:` with nothing under it: what the path adds goes under the key.
        const nested = edit.path.slice(i + 1).reduceRight<unknown>((v, k) => ({ [k]: v }), value);
        return this.fillEmpty(pair, nested);
      }
      if (i === edit.path.length - 1) return this.replaceValue(pair, value);
      map = pair.value;
    }
    return undefined;
  }

  /** A new pair in `map`: after `after` (or the map's last pair; `Globals` before `Resources` at the root). */
  private insertPair(map: YAMLMap, after: Pair | undefined, key: string, value: unknown): Splice | undefined {
    const pairs = map.items.filter((p) => isScalar(p.key) && (p.key as Scalar).range);
    const anchor = after ?? pairs.at(-1);
    if (!anchor) return undefined;
    const keyStart = (anchor.key as Scalar).range![0];
    const indent = ' '.repeat(keyStart - lineStart(this.text, keyStart));
    const flowList = !this.json && hasFlowList(map);
    if (map.flow) {
      // `{ a: b }` or JSON: `, key: value` after the pair, on its own line when the mapping spans lines.
      const end = pairEnd(anchor);
      const multiline = this.text.slice(map.range![0], map.range![1]).includes('\n');
      const pair = this.json
        ? `"${key}": ${indentLines(JSON.stringify(value, jsonReplacer, this.unit), indent)}`
        : `${key}: ${this.inline(value)}`;
      return { start: end, end, text: multiline ? `,\n${indent}${pair}` : `, ${pair}` };
    }
    const lines = indentLines(this.block({ [key]: value }, flowList), indent);
    const resources = pairs.find((p) => (p.key as Scalar).value === 'Resources');
    if (!after && key === 'Globals' && resources) {
      // Globals goes before Resources, as SAM's own templates write it.
      const at = lineStart(this.text, (resources.key as Scalar).range![0]);
      return { start: at, end: at, text: `${indent}${lines}\n` };
    }
    const end = pairEnd(anchor);
    const at = lineEnd(this.text, end - 1);
    return { start: at, end: at, text: `\n${indent}${lines}` };
  }

  /** A value for a key written with none (`Headers:`, `Headers: ~`): a mapping under it, a scalar beside it. */
  private fillEmpty(pair: Pair, value: unknown): Splice | undefined {
    const key = pair.key as Scalar;
    const node = pair.value as Scalar | null;
    // After the key's colon (and any `~` or `null` written there), before a comment.
    const start = node?.range && node.range[1] > node.range[0] ? node.range[0] : key.range![1];
    const end = node?.range && node.range[1] > node.range[0] ? node.range[1] : key.range![1];
    const colon = this.text.indexOf(':', key.range![1]);
    if (colon === -1 || this.json) return undefined;
    const from = Math.max(start, colon + 1);
    const to = Math.max(end, colon + 1);
    if (value && typeof value === 'object' && !isScalar(value) && !Array.isArray(value)) {
      const indent = ' '.repeat(key.range![0] - lineStart(this.text, key.range![0]) + this.unit);
      const lines = indentLines(this.block(value as Record<string, unknown>, false), indent);
      return { start: from, end: to, text: `\n${indent}${lines}` };
    }
    return { start: from, end: to, text: ` ${this.inline(value)}` };
  }

  /** Replaces a pair's value in place (a scalar or flow value on its line; a block value as flow). */
  private replaceValue(pair: Pair, value: unknown): Splice | undefined {
    const node = pair.value as Node | null;
    if (!node?.range) return undefined;
    const end = isSeq(node) || isMap(node) ? contentEnd(node) : node.range[1];
    return { start: node.range[0], end, text: this.inline(value) };
  }

  /** A list in place of the value at `node`: a flow list stays flow (with its padding), a block list block. */
  private replaceList(node: Node, values: string[]): Splice | undefined {
    const range = node.range!;
    if (this.json)
      return { start: range[0], end: range[1], text: `[${values.map((v) => JSON.stringify(v)).join(', ')}]` };
    if (isSeq(node) && !node.flow) {
      const col = range[0] - lineStart(this.text, range[0]);
      const items = values.map((v) => `- ${this.scalar(v)}`).join(`\n${' '.repeat(col)}`);
      return { start: range[0], end: contentEnd(node), text: items };
    }
    const padded = /^\[ /.test(this.text.slice(range[0], range[1]));
    const inner = values.map((v) => this.scalar(v)).join(', ');
    return { start: range[0], end: range[1], text: padded ? `[ ${inner} ]` : `[${inner}]` };
  }

  /** A scalar as YAML (or JSON) writes it on one line. */
  private scalar(value: unknown): string {
    if (this.json) return JSON.stringify(isScalar(value) ? value.value : value);
    return new Document(value).toString({ lineWidth: 0 }).trimEnd();
  }

  /** Any value on one line: flow collections. */
  private inline(value: unknown): string {
    if (this.json) return JSON.stringify(value, jsonReplacer);
    const doc = new Document();
    doc.contents = doc.createNode(value) as Node;
    return doc.toString({ lineWidth: 0, collectionStyle: 'flow', flowCollectionPadding: false }).trimEnd();
  }

  /** A mapping as block YAML lines (lists in flow style when the mapping's neighbours use it). */
  private block(value: Record<string, unknown>, flowLists: boolean): string {
    const doc = new Document();
    doc.contents = doc.createNode(value) as Node;
    if (flowLists)
      visit(doc, {
        Seq(_key, seq) {
          seq.flow = true;
        },
      });
    return doc
      .toString({ indent: this.unit, indentSeq: this.indentSeq, lineWidth: 0, flowCollectionPadding: false })
      .trimEnd();
  }
}

/** The value to write: a string is an API Gateway mapping expression ('…'), quoted so it stays one. */
function valueNode(value: unknown): unknown {
  if (typeof value === 'string') return quoted(value);
  if (Array.isArray(value)) return value.map(valueNode);
  if (value && typeof value === 'object' && !isScalar(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = valueNode(v);
    return out;
  }
  return value;
}

function quoted(value: string): Scalar {
  const s = new Scalar(value);
  s.type = value.includes("'") ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
  return s;
}

/** JSON.stringify of values that may hold yaml Scalars (quoted mapping expressions). */
function jsonReplacer(_key: string, value: unknown): unknown {
  return isScalar(value) ? value.value : value;
}

function offsetOf(source: string, pos: Pos): number {
  let offset = 0;
  for (let line = 1; line < pos.line; line++) {
    const next = source.indexOf('\n', offset);
    if (next === -1) return source.length;
    offset = next + 1;
  }
  return offset + pos.col - 1;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The end of the line holding `offset` (before its newline; after a trailing comment). */
function lineEnd(text: string, offset: number): number {
  const at = text.indexOf('\n', Math.max(0, offset));
  return at === -1 ? text.length : at;
}

/** Where a pair's value (or key, when it has none) ends. */
function pairEnd(pair: Pair): number {
  const v = pair.value as Node | null;
  if (v?.range) return isSeq(v) || isMap(v) ? contentEnd(v) : v.range[1];
  return (pair.key as Scalar).range![1];
}

/** The end of a collection's last content (a block collection's range runs on over its trailing lines). */
function contentEnd(node: Node): number {
  if ((isSeq(node) || isMap(node)) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1];
    const inner = (isPair(last) ? (last.value ?? last.key) : last) as Node | null;
    if (inner?.range) return contentEnd(inner);
  }
  return node.range![1];
}

function hasFlowList(map: YAMLMap): boolean {
  return map.items.some((p) => isSeq(p.value) && p.value.flow);
}

/** Indents every line but the first (which goes where the caller puts it). */
function indentLines(text: string, indent: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 || line === '' ? line : indent + line))
    .join('\n');
}

/** The file's indentation step: its smallest indentation of a content line (2 when it has none). */
function indentUnit(source: string): number {
  let unit = 0;
  for (const m of source.matchAll(/^( +)[^ #\n]/gm)) {
    const n = m[1].length;
    if (n > 0 && (unit === 0 || n < unit)) unit = n;
  }
  return unit > 0 && unit <= 8 ? unit : 2;
}

/** A unified diff (3 lines of context) of two texts. */
export function unifiedDiff(before: string, after: string, file: string): string {
  const a = diffLines(before);
  const b = diffLines(after);
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

/**
 * A text's lines as diff(1) counts them: a final newline ends the last line rather than starting an
 * empty one, and a last line without it carries diff's `\ No newline at end of file` marker, so the
 * diff --dry-run prints is the one `diff -u` and `git apply` read.
 */
function diffLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  else lines[lines.length - 1] += '\n\\ No newline at end of file';
  return lines;
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
