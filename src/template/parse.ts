/**
 * Reads a CloudFormation/SAM template (YAML or JSON) into plain JS values that remember where each
 * value came from. Short-form tags (`!Ref x`) become their long form (`{ Ref: 'x' }`), as
 * CloudFormation reads them (AWS docs: "Intrinsic function reference", short form syntax).
 *
 * Positions are kept beside the values, not in them: objects and arrays carry them under symbols,
 * which JSON.stringify and Object.keys never see, so the values stay ordinary CloudFormation JSON.
 */
import {
  Alias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type Scalar,
} from 'yaml';
import { TemplateError } from './errors.js';
import type { Pos } from './position.js';

const NODE_POS: unique symbol = Symbol('crossgate.pos');
const CHILD_POS: unique symbol = Symbol('crossgate.childPos');

interface Positioned {
  [NODE_POS]?: Pos;
  [CHILD_POS]?: Map<string | number, { key?: Pos; value: Pos; text?: string }>;
}

/** Position of the object or array itself. */
export function nodePos(value: unknown): Pos | undefined {
  return value !== null && typeof value === 'object' ? (value as Positioned)[NODE_POS] : undefined;
}

/** Position of `parent[key]` (the value), falling back to the parent's own position. */
export function posOf(parent: unknown, key: string | number): Pos | undefined {
  if (parent === null || typeof parent !== 'object') return undefined;
  const child = (parent as Positioned)[CHILD_POS]?.get(key);
  return child?.value ?? nodePos(parent);
}

/** Position of the key `key` in the map `parent`. */
export function keyPosOf(parent: unknown, key: string): Pos | undefined {
  if (parent === null || typeof parent !== 'object') return undefined;
  const child = (parent as Positioned)[CHILD_POS]?.get(key);
  return child?.key ?? child?.value ?? nodePos(parent);
}

/** The source text of the scalar at `parent[key]` as written (`3.0` stays `3.0`, though it reads as 3). */
export function writtenText(parent: unknown, key: string | number): string | undefined {
  if (parent === null || typeof parent !== 'object') return undefined;
  return (parent as Positioned)[CHILD_POS]?.get(key)?.text;
}

/** Copies the position bookkeeping of `from` onto `to` (used when a value is rebuilt, e.g. by Globals). */
export function copyPositions<T extends object>(from: unknown, to: T): T {
  if (from !== null && typeof from === 'object') {
    const p = from as Positioned;
    const t = to as Positioned;
    if (p[NODE_POS]) t[NODE_POS] = p[NODE_POS];
    if (p[CHILD_POS]) t[CHILD_POS] = new Map(p[CHILD_POS]);
  }
  return to;
}

/** Records a position for `parent[key]` (used when the model builds values of its own). */
export function setPos(parent: object, key: string | number, value: Pos, keyPos?: Pos): void {
  const p = parent as Positioned;
  if (!p[CHILD_POS]) p[CHILD_POS] = new Map();
  p[CHILD_POS].set(key, { key: keyPos, value });
}

export function setNodePos(value: object, pos: Pos | undefined): void {
  if (pos) (value as Positioned)[NODE_POS] = pos;
}

/** Templates larger than this are refused before parsing (CloudFormation's own limit is 1 MB via S3). */
export const MAX_TEMPLATE_BYTES = 10 * 1024 * 1024;
/** A document that expands past this many nodes (an alias bomb) is refused. */
const MAX_NODES = 2_000_000;
const MAX_ALIAS_EXPANSIONS = 10_000;

type TagShape = 'scalar' | 'seq' | 'map' | 'any' | 'scalar-or-seq';
/** Each short form, the long form it reads as, and the node kinds CloudFormation accepts for it. */
const SHORT_FORMS: Record<string, { long: string; shape: TagShape }> = {
  '!Ref': { long: 'Ref', shape: 'scalar' },
  '!Condition': { long: 'Condition', shape: 'scalar' },
  '!Sub': { long: 'Fn::Sub', shape: 'scalar-or-seq' },
  '!GetAtt': { long: 'Fn::GetAtt', shape: 'scalar-or-seq' },
  '!Join': { long: 'Fn::Join', shape: 'seq' },
  '!If': { long: 'Fn::If', shape: 'seq' },
  '!Equals': { long: 'Fn::Equals', shape: 'seq' },
  '!And': { long: 'Fn::And', shape: 'seq' },
  '!Or': { long: 'Fn::Or', shape: 'seq' },
  '!Not': { long: 'Fn::Not', shape: 'seq' },
  '!Select': { long: 'Fn::Select', shape: 'seq' },
  '!Split': { long: 'Fn::Split', shape: 'seq' },
  '!FindInMap': { long: 'Fn::FindInMap', shape: 'seq' },
  '!ImportValue': { long: 'Fn::ImportValue', shape: 'any' },
  '!Base64': { long: 'Fn::Base64', shape: 'any' },
  '!Cidr': { long: 'Fn::Cidr', shape: 'seq' },
  '!GetAZs': { long: 'Fn::GetAZs', shape: 'any' },
  '!Transform': { long: 'Fn::Transform', shape: 'map' },
  '!ToJsonString': { long: 'Fn::ToJsonString', shape: 'any' },
  '!Length': { long: 'Fn::Length', shape: 'any' },
  '!ForEach': { long: 'Fn::ForEach', shape: 'seq' },
};

export interface ParsedTemplate {
  file: string;
  source: string;
  root: Record<string, unknown>;
}

/** Parses template text. Throws TemplateError (with file:line:col) on anything malformed. */
export function parseTemplate(source: string, file: string): ParsedTemplate {
  if (source.length > MAX_TEMPLATE_BYTES) {
    throw new TemplateError(
      `template is ${(source.length / 1024 / 1024).toFixed(1)} MB; crossgate reads templates up to ${MAX_TEMPLATE_BYTES / 1024 / 1024} MB`,
      { file, line: 1, col: 1 },
    );
  }
  const lineCounter = new LineCounter();
  // yaml warns once per CloudFormation tag it does not know (every !Ref); the warnings are discarded,
  // so do not pay for their stack traces. Duplicate keys are found below with a Set, not yaml's
  // quadratic scan (2,000 resources would cost a second).
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(source, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: false,
      strict: true,
      merge: false,
      version: '1.2',
    });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const at = (offset: number): Pos => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const firstError = doc.errors[0];
  if (firstError) {
    const message = firstError.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new TemplateError(`invalid YAML: ${message}`, at(firstError.pos[0]));
  }
  let nodes = 0;
  let aliases = 0;

  const convert = (node: Node | null | undefined, fallbackOffset: number): unknown => {
    if (++nodes > MAX_NODES) {
      throw new TemplateError('template expands to too many values (an alias bomb?)', at(fallbackOffset));
    }
    if (node == null) return null;
    if (node instanceof Alias) {
      if (++aliases > MAX_ALIAS_EXPANSIONS) {
        throw new TemplateError('too many YAML alias expansions (an alias bomb?)', at(node.range?.[0] ?? 0));
      }
      const target = node.resolve(doc);
      if (!target) throw new TemplateError(`unknown YAML alias *${node.source}`, at(node.range?.[0] ?? 0));
      return convert(target as Node, node.range?.[0] ?? fallbackOffset);
    }
    const start = node.range?.[0] ?? fallbackOffset;
    const pos = at(start);
    const tag = node.tag;
    let value: unknown;
    if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      setNodePos(obj, pos);
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const keyOffset = keyNode?.range?.[0] ?? start;
        let key: unknown = isScalar(keyNode) ? keyNode.value : keyNode;
        if (key === null || typeof key === 'object') {
          throw new TemplateError('a mapping key must be a plain value', at(keyOffset));
        }
        key = String(key);
        if (Object.hasOwn(obj, key as string)) {
          throw new TemplateError(
            `duplicate key '${key}': YAML and CloudFormation need each key once per mapping`,
            at(keyOffset),
          );
        }
        const valueNode = pair.value as Node | null;
        const valueOffset = valueNode?.range?.[0] ?? keyNode?.range?.[1] ?? start;
        obj[key as string] = convert(valueNode, valueOffset);
        setPos(obj, key as string, at(valueOffset), at(keyOffset));
        if (isScalar(valueNode) && typeof valueNode.source === 'string') {
          (obj as Positioned)[CHILD_POS]!.get(key as string)!.text = valueNode.source;
        }
      }
      value = obj;
    } else if (isSeq(node)) {
      const arr: unknown[] = [];
      setNodePos(arr, pos);
      node.items.forEach((item, i) => {
        const itemOffset = (item as Node | null)?.range?.[0] ?? start;
        arr.push(convert(item as Node | null, itemOffset));
        setPos(arr, i, at(itemOffset));
      });
      value = arr;
    } else if (isScalar(node)) {
      value = scalarValue(node);
    } else {
      throw new TemplateError('unsupported YAML node', pos);
    }
    if (!tag || tag.startsWith('tag:yaml.org,2002:')) return value;
    return applyShortForm(tag, node, value, pos);
  };

  const root = convert(doc.contents as Node, 0);
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new TemplateError('a template must be a mapping with a Resources section', {
      file,
      line: 1,
      col: 1,
    });
  }
  return { file, source, root: root as Record<string, unknown> };
}

function scalarValue(node: Scalar): unknown {
  const v = node.value;
  if (typeof v === 'bigint') return Number(v);
  return v;
}

function applyShortForm(tag: string, node: Node, value: unknown, pos: Pos): unknown {
  const form = SHORT_FORMS[tag];
  if (!form) {
    throw new TemplateError(`unknown tag ${tag}: CloudFormation has no such intrinsic function`, pos);
  }
  const kind = isMap(node) ? 'map' : isSeq(node) ? 'seq' : 'scalar';
  const ok =
    form.shape === 'any' ||
    form.shape === kind ||
    (form.shape === 'scalar-or-seq' && (kind === 'scalar' || kind === 'seq'));
  if (!ok) {
    const wanted =
      form.shape === 'scalar-or-seq'
        ? 'a string or a list'
        : form.shape === 'seq'
          ? 'a list'
          : form.shape === 'map'
            ? 'a mapping'
            : 'a string';
    throw new TemplateError(
      `${tag} takes ${wanted}, not ${kind === 'seq' ? 'a list' : kind === 'map' ? 'a mapping' : 'a plain value'}`,
      pos,
    );
  }
  let arg = value;
  // `!GetAtt Res.Attr` is the short form of `Fn::GetAtt: [Res, Attr]` (split at the first dot).
  if (tag === '!GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    if (dot <= 0 || dot === value.length - 1) {
      throw new TemplateError(`!GetAtt ${value}: expected LogicalName.AttributeName`, pos);
    }
    arg = [value.slice(0, dot), value.slice(dot + 1)];
    setNodePos(arg as object, pos);
  }
  if (
    kind === 'scalar' &&
    (form.shape === 'scalar' || form.shape === 'scalar-or-seq') &&
    typeof arg !== 'string' &&
    !Array.isArray(arg)
  ) {
    arg = arg === null ? '' : String(arg);
  }
  const out: Record<string, unknown> = { [form.long]: arg };
  setNodePos(out, pos);
  setPos(out, form.long, pos, pos);
  return out;
}
