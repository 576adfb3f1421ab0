/**
 * Reads a CloudFormation/SAM template (YAML or JSON) into plain JS values that remember where each
 * value came from. Short-form tags (`!Ref x`) become their long form (`{ Ref: 'x' }`), as
 * CloudFormation reads them (AWS docs: "Intrinsic function reference", short form syntax).
 *
 * Positions are kept beside the values, not in them: objects and arrays carry them under symbols,
 * which JSON.stringify and Object.keys never see, so the values stay ordinary CloudFormation JSON.
 */
import { Alias, isMap, isPair, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { TemplateError } from './errors.js';
import type { Pos } from './position.js';
import { plainScalar, taggedScalar, UnloadableScalar } from './scalars.js';
import { MAX_DEPTH, readYaml } from './yaml-document.js';

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
    if (!Array.isArray(to)) asTemplateMap(to);
  }
  return to;
}

/**
 * A template mapping may have keys named toString or valueOf: ordinary keys, which String(), a
 * template literal or `+` would otherwise call (and fail on: "Cannot convert object to primitive
 * value"). Symbol.toPrimitive comes first: the mapping reads as its JSON, cut short. Not
 * enumerable, so comparisons and JSON never see it.
 */
function mappingToPrimitive(this: object, hint: string): string | number {
  if (hint === 'number') return Number.NaN;
  const json = JSON.stringify(this) ?? '';
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}
const TO_PRIMITIVE = {
  value: mappingToPrimitive,
  enumerable: false,
  writable: true,
  configurable: true,
} as const;

/** Makes `obj` safe to turn into a string whatever its keys (see mappingToPrimitive). */
export function asTemplateMap<T extends object>(obj: T): T {
  if (!Object.hasOwn(obj, Symbol.toPrimitive)) Object.defineProperty(obj, Symbol.toPrimitive, TO_PRIMITIVE);
  return obj;
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
/**
 * Values a template may hold once its YAML aliases are expanded (each alias stands for a copy of
 * what it names, as it does for PyYAML's readers). Above the largest real template by far, and low
 * enough that an alias bomb is refused before it costs time or memory.
 */
export const MAX_VALUES = 1_000_000;
export { MAX_DEPTH, MAX_YAML_TOKENS } from './yaml-document.js';

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

const CORE_SCALAR_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null'].map((t) => `tag:yaml.org,2002:${t}`),
);

/** The YAML tags whose values JSON can hold (a !!timestamp stays the text it is written as). */
const JSON_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'seq', 'map', 'timestamp']);

/** A key given more than once in one mapping. PyYAML (SAM CLI) keeps the last value. */
export interface DuplicateKey {
  key: string;
  /** Where the key is written, in order; the last one wins. */
  positions: Pos[];
}

/** Adds to `into` the duplicate keys of `more` it does not hold yet (a file read twice reports once). */
export function addDuplicateKeys(into: DuplicateKey[], more: readonly DuplicateKey[]): void {
  const at = (d: DuplicateKey) =>
    `${d.positions[0].file}:${d.positions[0].line}:${d.positions[0].col}:${d.key}`;
  const known = new Set(into.map(at));
  for (const d of more) if (!known.has(at(d))) into.push(d);
}

export interface ParsedTemplate {
  file: string;
  source: string;
  root: Record<string, unknown>;
  /** Keys written twice or more in one mapping (read as SAM CLI reads them: the last value wins). */
  duplicateKeys: DuplicateKey[];
}

/** Sets `obj[key]` as an own property, whatever the key (`__proto__` included). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * Parses template text as SAM CLI does (samcli/yamlhelper.py yaml_parse: json.loads for JSON,
 * PyYAML's SafeLoader otherwise), with positions. Throws TemplateError (with file:line:col) on
 * anything malformed, recursive or too large; a key written twice keeps its last value and is
 * listed in `duplicateKeys`.
 */
export function parseTemplate(source: string, file: string): ParsedTemplate {
  if (source.length > MAX_TEMPLATE_BYTES) {
    throw new TemplateError(
      `template is ${(source.length / 1024 / 1024).toFixed(1)} MB; crossgate reads templates up to ${MAX_TEMPLATE_BYTES / 1024 / 1024} MB`,
      { file, line: 1, col: 1 },
    );
  }
  // SAM CLI reads a template with json.loads when it can (yaml_parse), and with PyYAML otherwise.
  const { doc, at, text, json, anchorsOrAliases } = readYaml(source, file);
  // A block scalar that runs to the end of a file with no final line break has none (YAML 1.2
  // §8.1.1.2, b-chomped-last: <end-of-input>; PyYAML agrees); the yaml package adds one.
  const endsUnbroken = !text.endsWith('\n') && !text.endsWith('\r');
  const contents = doc.contents as Node | null;
  const aliases = anchorsOrAliases ? resolveAliases(contents, at) : new Map<Alias, Node>();
  const duplicateKeys: DuplicateKey[] = [];
  // Only a plain `<<` can be a merge key; most templates have none.
  const mayMerge = !json && text.includes('<<');
  /** Above 0 while converting the copy an alias (or a merge key) stands for. */
  let expanding = 0;
  const convertExpanded = (node: Node | null | undefined, fallbackOffset: number): unknown => {
    expanding++;
    try {
      return convert(node, fallbackOffset);
    } finally {
      expanding--;
    }
  };

  const convert = (node: Node | null | undefined, fallbackOffset: number): unknown => {
    if (node == null) return null;
    if (node instanceof Alias) return convertExpanded(aliases.get(node), node.range?.[0] ?? fallbackOffset);
    const start = node.range?.[0] ?? fallbackOffset;
    const pos = at(start);
    const tag = node.tag;
    let value: unknown;
    if (isMap(node)) {
      const obj: Record<string, unknown> = asTemplateMap({});
      setNodePos(obj, pos);
      const children = new Map<string | number, { key?: Pos; value: Pos; text?: string }>();
      if (node.items.length > 0) (obj as Positioned)[CHILD_POS] = children;
      const put = (key: string, v: unknown, keyPos: Pos, valuePos: Pos, text: string | undefined) => {
        setOwn(obj, key, v);
        children.set(
          key,
          text === undefined ? { key: keyPos, value: valuePos } : { key: keyPos, value: valuePos, text },
        );
      };
      // `<<: *base` (YAML 1.1 merge key; SAM CLI's loader flattens it, samcli/yamlhelper.py
      // _dict_constructor): the merged pairs come first, the mapping's own pairs win over them.
      let mergedKeys: Set<string> | undefined;
      for (const pair of mayMerge ? node.items : []) {
        if (!isMergeKey(pair.key)) continue;
        mergedKeys ??= new Set();
        for (const source of mergeSources(pair.value as Node | null, aliases, at)) {
          const merged = convertExpanded(source, start) as Record<string, unknown>;
          const mergedPos = (merged as Positioned)[CHILD_POS];
          for (const k of Object.keys(merged)) {
            const p = mergedPos?.get(k);
            put(k, merged[k], p?.key ?? pos, p?.value ?? pos, p?.text);
            mergedKeys.add(k);
          }
        }
      }
      let repeated: Map<string, Pos[]> | undefined;
      for (const pair of node.items) {
        if (!isPair(pair) || (mayMerge && isMergeKey(pair.key))) continue;
        const written = pair.key as Node | null;
        const keyOffset = written?.range?.[0] ?? start;
        const keyPos = at(keyOffset);
        const keyNode = written instanceof Alias ? (aliases.get(written) ?? null) : written;
        const keyValue: unknown = isScalar(keyNode) ? scalarValue(keyNode, keyPos, !json) : keyNode;
        // A CloudFormation tag on a key (`!Select Auth:`) makes it a function call, which PyYAML
        // builds as a mapping and cannot use as a key ("unhashable type: 'dict'").
        const keyTag = keyNode?.tag;
        if (
          keyValue === null ||
          typeof keyValue === 'object' ||
          (keyTag !== undefined && !keyTag.startsWith('tag:yaml.org,2002:'))
        ) {
          throw new TemplateError('a mapping key must be a plain value', at(keyOffset));
        }
        const key = String(keyValue);
        if (children.has(key) && !mergedKeys?.delete(key)) {
          // The same key again in this mapping: PyYAML keeps the last value (construct_pairs into
          // an OrderedDict). Reported once per mapping as written, not again for each alias of it.
          repeated ??= new Map();
          const positions = repeated.get(key);
          if (positions) positions.push(keyPos);
          else {
            const entry = { key, positions: [children.get(key)?.key ?? keyPos, keyPos] };
            repeated.set(key, entry.positions);
            if (expanding === 0) duplicateKeys.push(entry);
          }
        }
        const valueNode = pair.value as Node | null;
        const valueOffset = valueNode?.range?.[0] ?? written?.range?.[1] ?? start;
        const text =
          isScalar(valueNode) && typeof valueNode.source === 'string' ? valueNode.source : undefined;
        put(key, convert(valueNode, valueOffset), keyPos, at(valueOffset), text);
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
      value = scalarValue(node, pos, !json);
      if (
        endsUnbroken &&
        typeof value === 'string' &&
        value.endsWith('\n') &&
        (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') &&
        (node.range?.[1] ?? 0) >= text.length
      )
        value = value.slice(0, -1);
    } else {
      throw new TemplateError(
        `YAML ${tag ? `tag ${tag.replace('tag:yaml.org,2002:', '!!')}` : 'node'} is not a value a CloudFormation template can hold`,
        pos,
      );
    }
    if (!tag) return value;
    if (tag.startsWith('tag:yaml.org,2002:')) {
      // !!set, !!omap, !!pairs, !!binary: PyYAML builds Python sets, pairs and bytes, which sam
      // deploy cannot write into the JSON or YAML it sends to CloudFormation.
      if (!JSON_TAGS.has(tag.slice(18))) {
        throw new TemplateError(
          `YAML tag !!${tag.slice(18)} is not a value a CloudFormation template can hold`,
          pos,
        );
      }
      return value;
    }
    return applyShortForm(tag, node, value, pos);
  };

  const root = convert(contents, 0);
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new TemplateError('a template must be a mapping with a Resources section', {
      file,
      line: 1,
      col: 1,
    });
  }
  return { file, source, root: root as Record<string, unknown>, duplicateKeys };
}

/** A plain `<<` key (PyYAML resolves it to tag:yaml.org,2002:merge; a quoted '<<' is a string). */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.value === '<<' && key.type === 'PLAIN' && !key.tag;
}

/** The mappings a merge key names, in the order PyYAML applies them (the first listed wins). */
function mergeSources(value: Node | null, aliases: Map<Alias, Node>, at: (offset: number) => Pos): Node[] {
  const deref = (n: Node | null): Node | null => (n instanceof Alias ? (aliases.get(n) ?? null) : n);
  const target = deref(value);
  const offset = value?.range?.[0] ?? 0;
  if (isMap(target)) return [target];
  if (isSeq(target)) {
    const maps = (target.items as Array<Node | null>).map((item) => {
      const m = deref(item);
      if (!isMap(m)) {
        throw new TemplateError(
          'a merge key (<<) takes a mapping or a list of mappings',
          at(item?.range?.[0] ?? offset),
        );
      }
      return m as Node;
    });
    return maps.reverse();
  }
  throw new TemplateError('a merge key (<<) takes a mapping or a list of mappings', at(offset));
}

/**
 * Resolves every alias to the node it names, in document order (an alias names the anchor written
 * before it), refusing what PyYAML refuses and what would expand without bound:
 * an undefined alias, an anchor defined twice (PyYAML: "found duplicate anchor"), an alias inside
 * the node it names (a recursive value), and a document whose aliases expand past MAX_VALUES values
 * or MAX_DEPTH levels. Sizes are counted over the tree as written (each node once), so refusing a
 * billion laughs costs what reading it costs.
 */
function resolveAliases(root: Node | null, at: (offset: number) => Pos): Map<Alias, Node> {
  const targets = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  const size = new Map<Node, number>();
  const height = new Map<Node, number>();
  const open = new Set<Node>();
  let largest: { alias: Alias; values: number } | undefined;

  /** Returns [values, height] of the node once expanded. */
  const walk = (node: Node | null, depth: number): [number, number] => {
    if (node == null) return [1, 1];
    const offset = node.range?.[0] ?? 0;
    if (node instanceof Alias) {
      const target = anchors.get(node.source);
      if (!target) throw new TemplateError(`unknown YAML alias *${node.source}`, at(offset));
      if (open.has(target)) {
        throw new TemplateError(
          `YAML alias *${node.source} is inside the value it names, which then contains itself; a template cannot hold a recursive value`,
          at(offset),
        );
      }
      targets.set(node, target);
      const values = size.get(target) ?? 1;
      const h = height.get(target) ?? 1;
      if (depth + h > MAX_DEPTH) {
        throw new TemplateError(
          `YAML alias *${node.source} nests values more than ${MAX_DEPTH} levels deep`,
          at(offset),
        );
      }
      if (!largest || values > largest.values) largest = { alias: node, values };
      return [values, h];
    }
    if (depth > MAX_DEPTH) {
      throw new TemplateError(
        `values nested more than ${MAX_DEPTH} levels deep; PyYAML, which sam deploy reads templates with, fails past 328 nested mappings`,
        at(offset),
      );
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) {
      const earlier = anchors.get(anchor);
      if (earlier) {
        throw new TemplateError(
          `YAML anchor &${anchor} is defined twice (first at line ${at(earlier.range?.[0] ?? 0).line}); PyYAML, which sam deploy reads templates with, refuses a duplicate anchor`,
          at(offset),
        );
      }
      anchors.set(anchor, node);
    }
    let values = 1;
    let h = 1;
    const add = ([v, hh]: [number, number]) => {
      values += v;
      if (hh + 1 > h) h = hh + 1;
    };
    open.add(node);
    if (isMap(node)) {
      for (const pair of node.items) {
        add(walk(pair.key as Node | null, depth + 1));
        add(walk(pair.value as Node | null, depth + 1));
      }
    } else if (isSeq(node)) {
      for (const item of node.items) add(walk(item as Node | null, depth + 1));
    }
    open.delete(node);
    if (anchor) {
      size.set(node, values);
      height.set(node, h);
    }
    return [values, h];
  };
  const [total] = walk(root, 1);
  if (total > MAX_VALUES) {
    const cause = largest
      ? `; the alias *${largest.alias.source} at line ${at(largest.alias.range?.[0] ?? 0).line} alone stands for ${fmt(largest.values)}`
      : '';
    throw new TemplateError(
      `YAML aliases expand this template to more than ${fmt(MAX_VALUES)} values (${fmt(total)})${cause}; crossgate reads at most ${fmt(MAX_VALUES)}`,
      largest ? at(largest.alias.range?.[0] ?? 0) : at(0),
    );
  }
  return targets;
}

const fmt = (n: number): string =>
  Number.isFinite(n) && n < 1e15 ? Math.round(n).toLocaleString('en-US') : n.toExponential(1);

/**
 * A scalar's value. In YAML (not JSON) a plain or core-tagged scalar means what PyYAML's YAML 1.1
 * rules make of its text (scalars.ts); quoted and block scalars are strings either way.
 */
function scalarValue(node: Scalar, pos: Pos, yaml11: boolean): unknown {
  const tag = node.tag;
  if (
    yaml11 &&
    typeof node.source === 'string' &&
    (tag ? CORE_SCALAR_TAGS.has(tag) : node.type === 'PLAIN')
  ) {
    const value = tag ? taggedScalar(tag.slice(18) as 'str', node.source) : plainScalar(node.source);
    if (value instanceof UnloadableScalar) throw new TemplateError(value.reason, pos);
    return value;
  }
  const v = node.value;
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object') {
    // !!binary (bytes), and whatever else a YAML library builds that JSON has no form for:
    // sam deploy cannot write it into the template it sends to CloudFormation either.
    throw new TemplateError(
      `${node.tag ? `YAML tag ${node.tag.replace('tag:yaml.org,2002:', '!!')}` : 'this value'} is not a value a CloudFormation template can hold`,
      pos,
    );
  }
  return v;
}

function applyShortForm(tag: string, node: Node, value: unknown, pos: Pos): unknown {
  const form = Object.hasOwn(SHORT_FORMS, tag) ? SHORT_FORMS[tag] : undefined;
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
