/**
 * Evaluates CloudFormation intrinsic functions as far as a template alone allows: parameters (their
 * Default, or an override as `sam --parameter-overrides` gives), pseudo parameters, conditions,
 * mappings, Fn::Sub/Join/Select/Split/If/FindInMap/Base64. What only a deployed stack knows
 * (`!GetAtt`, `!ImportValue`, a `!Ref` to a resource) stays symbolic: a value that says why.
 * Source: AWS CloudFormation User Guide, "Intrinsic function reference" and "Pseudo parameters reference".
 */
import { TemplateError } from './errors.js';
import { asTemplateMap, keyPosOf, nodePos, posOf, setOwn } from './parse.js';
import type { Pos } from './position.js';

/** A value only a deployed stack would know. `text` is a readable stand-in, e.g. `${MyFunction.Arn}`. */
export class Symbolic {
  constructor(
    readonly text: string,
    readonly why: string,
  ) {}
  toString(): string {
    return this.text;
  }
}

/** `Ref: AWS::NoValue` — the property is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export const DEFAULT_PSEUDO: Record<string, string> = {
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::StackName': 'crossgate-local',
  'AWS::StackId':
    'arn:aws:cloudformation:us-east-1:123456789012:stack/crossgate-local/00000000-0000-0000-0000-000000000000',
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::NotificationARNs': '',
};

const INTRINSIC_KEYS = new Set([
  'Ref',
  'Condition',
  'Fn::Sub',
  'Fn::GetAtt',
  'Fn::Join',
  'Fn::If',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Fn::Select',
  'Fn::Split',
  'Fn::FindInMap',
  'Fn::ImportValue',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::GetAZs',
  'Fn::Transform',
  'Fn::ToJsonString',
  'Fn::Length',
]);

/** `{ Ref: x }`, `{ 'Fn::Sub': … }`: a one-key mapping whose key is an intrinsic function. */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && INTRINSIC_KEYS.has(keys[0]);
}

export interface ResolverOptions {
  parameterOverrides?: Record<string, string>;
  pseudo?: Record<string, string>;
}

export class Resolver {
  readonly parameters: Record<string, unknown> = {};
  private readonly pseudo: Record<string, string>;
  private readonly resources: Record<string, unknown>;
  private readonly mappings: Record<string, unknown>;
  private readonly conditionDefs: Record<string, unknown>;
  private readonly conditionCache = new Map<string, boolean | Symbolic>();
  /** The conditions each condition refers to; acyclic (CloudFormation refuses a cycle; see conditionGraph). */
  private readonly conditionDeps: Map<string, string[]>;

  constructor(root: Record<string, unknown>, options: ResolverOptions = {}) {
    this.pseudo = { ...DEFAULT_PSEUDO, ...options.pseudo };
    this.resources = asRecord(root.Resources);
    this.mappings = asRecord(root.Mappings);
    this.conditionDefs = asRecord(root.Conditions);
    const params = asRecord(root.Parameters);
    const overrides = options.parameterOverrides ?? {};
    for (const [name, def] of Object.entries(params)) {
      const d = asRecord(def);
      const raw = Object.hasOwn(overrides, name) ? overrides[name] : d.Default;
      if (raw === undefined) {
        this.parameters[name] = new Symbolic(
          `\${${name}}`,
          `parameter ${name} has no Default and no override`,
        );
        continue;
      }
      const type = typeof d.Type === 'string' ? d.Type : 'String';
      this.parameters[name] =
        type === 'CommaDelimitedList' || type.startsWith('List<')
          ? Array.isArray(raw)
            ? raw.map(String)
            : String(raw)
                .split(',')
                .map((s) => s.trim())
          : typeof raw === 'object'
            ? raw
            : String(raw);
    }
    for (const name of Object.keys(overrides)) {
      if (!Object.hasOwn(params, name)) this.parameters[name] = overrides[name];
    }
    this.conditionDeps = conditionGraph(this.conditionDefs);
  }

  /**
   * Resolves every intrinsic inside `value`; unknowable parts become Symbolic. A value that is
   * `Ref: AWS::NoValue` as a whole reads as undefined (the property is not there).
   */
  resolve(value: unknown): unknown {
    const r = this.value(value);
    return r === NO_VALUE ? undefined : r;
  }

  /** resolve(), keeping NO_VALUE so that lists and mappings can drop what it stands for. */
  private value(value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Symbolic) return value;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const item of value) {
        const r = this.value(item);
        if (r !== NO_VALUE) out.push(r);
      }
      return out;
    }
    if (isIntrinsic(value)) return this.resolveIntrinsic(value);
    const out: Record<string, unknown> = asTemplateMap({});
    for (const [k, v] of Object.entries(value)) {
      const r = this.value(v);
      if (r !== NO_VALUE) setOwn(out, k, r);
    }
    return out;
  }

  /** The value as a string when it can be known; otherwise a Symbolic. */
  resolveString(value: unknown): string | Symbolic | undefined {
    const r = this.value(value);
    if (r === undefined || r === null || r === NO_VALUE) return undefined;
    if (r instanceof Symbolic) return r;
    if (typeof r === 'string') return r;
    if (typeof r === 'number' || typeof r === 'boolean') return String(r);
    return new Symbolic(JSON.stringify(value), 'not a string');
  }

  /** Whether the Conditions section defines `name`. */
  hasCondition(name: string): boolean {
    return this.conditionDeps.has(name);
  }

  /**
   * Evaluates a named condition from the Conditions section. `at` is where the name is written, for
   * the error when no such condition exists.
   */
  condition(name: string, at?: Pos): boolean | Symbolic {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    if (!this.conditionDeps.has(name))
      throw new TemplateError(`condition ${name} is not defined in Conditions`, at);
    // Dependencies first, so that evaluating one never recurses into another: a chain of
    // thousands of conditions costs no stack.
    const stack = [name];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (this.conditionCache.has(top)) {
        stack.pop();
        continue;
      }
      const pending = this.conditionDeps.get(top)!.filter((d) => !this.conditionCache.has(d));
      if (pending.length > 0) {
        stack.push(...pending);
        continue;
      }
      const r = this.value(this.conditionDefs[top]);
      this.conditionCache.set(top, typeof r === 'boolean' ? r : r instanceof Symbolic ? r : r === 'true');
      stack.pop();
    }
    return this.conditionCache.get(name)!;
  }

  private resolveIntrinsic(node: Record<string, unknown>): unknown {
    const [fn] = Object.keys(node);
    const arg = node[fn];
    const at = posOf(node, fn) ?? nodePos(node);
    const fail = (msg: string): never => {
      throw new TemplateError(`${fn}: ${msg}`, at);
    };
    switch (fn) {
      case 'Ref': {
        if (typeof arg !== 'string') return fail('takes the logical name of a parameter or resource');
        if (arg === 'AWS::NoValue') return NO_VALUE;
        if (Object.hasOwn(this.pseudo, arg)) return this.pseudo[arg];
        if (Object.hasOwn(this.parameters, arg)) return this.parameters[arg];
        if (Object.hasOwn(this.resources, arg))
          return new Symbolic(`\${${arg}}`, `the physical id of ${arg} is known only after deploy`);
        // Not in the template: a resource SAM generates (MyApi.Stage, MyFunction.Version, …) or a typo.
        return new Symbolic(
          `\${${arg}}`,
          `${arg} is not a parameter or resource of this template (one SAM generates?)`,
        );
      }
      case 'Condition':
        if (typeof arg !== 'string') return fail('takes a condition name');
        return this.condition(arg, at);
      case 'Fn::GetAtt': {
        const parts = Array.isArray(arg) ? arg.map((p) => this.value(p)) : [];
        return new Symbolic(`\${${parts.map(String).join('.')}}`, 'Fn::GetAtt is known only after deploy');
      }
      case 'Fn::ImportValue':
        return new Symbolic(`\${ImportValue:${String(this.value(arg))}}`, 'an export of another stack');
      case 'Fn::Cidr':
      case 'Fn::Transform':
      case 'Fn::ToJsonString':
      case 'Fn::Length':
        return new Symbolic(`\${${fn}}`, `${fn} is evaluated by CloudFormation`);
      case 'Fn::GetAZs': {
        const region = this.value(arg);
        const r = typeof region === 'string' && region !== '' ? region : this.pseudo['AWS::Region'];
        return [`${r}a`, `${r}b`, `${r}c`];
      }
      case 'Fn::Base64': {
        const s = this.value(arg);
        if (typeof s !== 'string') return new Symbolic('${Base64}', 'argument is not known');
        return btoaUtf8(s);
      }
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2) return fail('takes [delimiter, [values]]');
        const delim = this.value(arg[0]);
        const list = this.value(arg[1]);
        if (typeof delim !== 'string') return fail('the delimiter must be a string');
        if (list instanceof Symbolic) return list;
        if (!Array.isArray(list)) return fail('the second argument must be a list');
        if (list.some((x) => x instanceof Symbolic)) {
          return new Symbolic(
            list.map(String).join(delim),
            'part of the joined value is known only after deploy',
          );
        }
        return list.map((x) => String(x)).join(delim);
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2) return fail('takes [index, list]');
        const at0 = this.value(arg[0]);
        const index = typeof at0 === 'symbol' ? Number.NaN : Number(at0);
        const list = this.value(arg[1]);
        if (list instanceof Symbolic) return list;
        if (!Array.isArray(list)) return fail('the second argument must be a list');
        if (!Number.isInteger(index) || index < 0 || index >= list.length)
          return fail(`index ${index} is out of range`);
        return list[index];
      }
      case 'Fn::Split': {
        if (!Array.isArray(arg) || arg.length !== 2) return fail('takes [delimiter, string]');
        const delim = this.value(arg[0]);
        const s = this.value(arg[1]);
        if (s instanceof Symbolic) return s;
        if (typeof delim !== 'string' || typeof s !== 'string') return fail('takes two strings');
        return s.split(delim);
      }
      case 'Fn::FindInMap': {
        if (!Array.isArray(arg) || arg.length < 3)
          return fail('takes [MapName, TopLevelKey, SecondLevelKey]');
        const [m, k1, k2] = arg.slice(0, 3).map((x) => this.value(x));
        if ([m, k1, k2].some((x) => x instanceof Symbolic))
          return new Symbolic('${FindInMap}', 'a key is not known');
        const map = asRecord(own(this.mappings, String(m)));
        const top = asRecord(own(map, String(k1)));
        if (!Object.hasOwn(top, String(k2))) {
          if (arg.length > 3) return this.value(asRecord(arg[3]).DefaultValue);
          return fail(`Mappings.${String(m)}.${String(k1)}.${String(k2)} does not exist`);
        }
        return this.value(top[String(k2)]);
      }
      case 'Fn::If': {
        if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') {
          return fail('takes [ConditionName, valueIfTrue, valueIfFalse]');
        }
        const c = this.condition(arg[0], posOf(arg, 0) ?? at);
        if (c instanceof Symbolic)
          return new Symbolic(`\${If:${arg[0]}}`, `condition ${arg[0]} is not known`);
        return this.value(c ? arg[1] : arg[2]);
      }
      case 'Fn::Equals': {
        if (!Array.isArray(arg) || arg.length !== 2) return fail('takes two values');
        const a = this.value(arg[0]);
        const b = this.value(arg[1]);
        if (a instanceof Symbolic || b instanceof Symbolic)
          return new Symbolic('${Equals}', 'a value is not known');
        return JSON.stringify(a) === JSON.stringify(b) || String(a) === String(b);
      }
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(arg)) return fail('takes a list of conditions');
        const vals = arg.map((x) => this.value(x));
        if (vals.some((v) => v instanceof Symbolic))
          return new Symbolic(`\${${fn}}`, 'a condition is not known');
        const bools = vals.map((v) => v === true || v === 'true');
        if (fn === 'Fn::Not') return !bools[0];
        return fn === 'Fn::And' ? bools.every(Boolean) : bools.some(Boolean);
      }
      case 'Fn::Sub':
        return this.resolveSub(arg, fail);
      default:
        return fail('is not supported');
    }
  }

  private resolveSub(arg: unknown, fail: (m: string) => never): unknown {
    let template: unknown = arg;
    let vars: Record<string, unknown> = {};
    if (Array.isArray(arg)) {
      if (arg.length !== 2) return fail('takes a string, or [string, {Var: value}]');
      template = arg[0];
      vars = asRecord(arg[1]);
    }
    if (typeof template !== 'string') return fail('the template must be a string');
    let symbolic = false;
    const out = template.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      const key = name.trim();
      let v: unknown;
      if (Object.hasOwn(vars, key)) v = this.value(vars[key]);
      else if (Object.hasOwn(this.pseudo, key)) v = this.pseudo[key];
      else if (Object.hasOwn(this.parameters, key)) v = this.parameters[key];
      else if (key.includes('.')) v = new Symbolic(whole, `${key} is known only after deploy`);
      else if (Object.hasOwn(this.resources, key))
        v = new Symbolic(whole, `the physical id of ${key} is known only after deploy`);
      else return fail(`\${${key}} names no parameter, resource or variable`);
      if (v instanceof Symbolic) {
        symbolic = true;
        return v.text;
      }
      return Array.isArray(v) ? v.join(',') : String(v);
    });
    return symbolic ? new Symbolic(out, 'part of the string is known only after deploy') : out;
  }
}

function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * The conditions each condition refers to. A condition that names an undefined one is refused where
 * the name is written; a cycle is refused as CloudFormation refuses it ("Circular dependency between
 * conditions", the wording of its "Circular dependency between resources"), at the first condition
 * of the cycle. Iterative: a chain of any length costs no stack.
 */
function conditionGraph(defs: Record<string, unknown>): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const [name, def] of Object.entries(defs)) deps.set(name, conditionReferences(def, defs));
  const state = new Map<string, 'open' | 'done'>();
  for (const start of deps.keys()) {
    if (state.has(start)) continue;
    const path = [start];
    const stack: Array<{ name: string; next: number }> = [{ name: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const children = deps.get(top.name)!;
      if (top.next === children.length) {
        stack.pop();
        path.pop();
        state.set(top.name, 'done');
        continue;
      }
      const child = children[top.next++];
      const seen = state.get(child);
      if (seen === 'done') continue;
      if (seen === 'open') {
        const cycle = path.slice(path.indexOf(child));
        const first = [...deps.keys()].find((n) => cycle.includes(n))!;
        throw new TemplateError(
          `Circular dependency between conditions: [${cycle.join(', ')}]`,
          keyPosOf(defs, first),
        );
      }
      state.set(child, 'open');
      path.push(child);
      stack.push({ name: child, next: 0 });
    }
  }
  return deps;
}

/** Names of the conditions a condition's definition refers to (`Condition: X`, `Fn::If: [X, …]`). */
function conditionReferences(def: unknown, defs: Record<string, unknown>): string[] {
  const out: string[] = [];
  const todo: unknown[] = [def];
  while (todo.length > 0) {
    const v = todo.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      todo.push(...v);
      continue;
    }
    const record = v as Record<string, unknown>;
    const keys = Object.keys(record);
    const name =
      keys.length === 1 && keys[0] === 'Condition'
        ? record.Condition
        : keys.length === 1 && keys[0] === 'Fn::If' && Array.isArray(record['Fn::If'])
          ? record['Fn::If'][0]
          : undefined;
    if (typeof name === 'string') {
      if (!Object.hasOwn(defs, name)) {
        const at = keys[0] === 'Condition' ? posOf(record, 'Condition') : posOf(record['Fn::If'], 0);
        throw new TemplateError(`condition ${name} is not defined in Conditions`, at ?? nodePos(record));
      }
      if (!out.includes(name)) out.push(name);
    }
    for (const k of keys) todo.push(record[k]);
  }
  return out;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function btoaUtf8(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}
