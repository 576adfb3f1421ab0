/**
 * Plain scalars read as SAM CLI reads them. SAM CLI loads YAML templates with PyYAML's SafeLoader,
 * which resolves plain scalars by the YAML 1.1 rules (PyYAML resolver.py, Resolver's implicit
 * resolvers; constructor.py, SafeConstructor.construct_yaml_*), not YAML 1.2's core schema:
 * `yes`/`on`/`off` are booleans, `0777` is octal, `1_000` and `1:30` (base 60) are integers, a
 * float needs a dot (`1e3` is a string, `1.0e+3` a float), and a plain `=` cannot be loaded at all.
 * A timestamp (`2010-09-09`) stays the text it is written as: PyYAML builds a date, and sam package
 * writes it back as the same text, which is what CloudFormation reads.
 *
 * JSON templates are read by json.loads instead (yaml_parse tries it first), so these rules apply
 * only to YAML.
 */

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;

/** What a YAML 1.1 scalar means that PyYAML cannot load (`=`, the value tag): the reason. */
export class UnloadableScalar {
  constructor(readonly reason: string) {}
}

/** The value of a plain (unquoted, untagged) scalar written as `text`. */
export function plainScalar(text: string): unknown {
  // Most scalars are words: one look at the first character settles them.
  const c = text.charCodeAt(0);
  const maybeSpecial =
    text.length === 0 ||
    (c >= 48 && c <= 57) || // 0-9
    c === 43 || // +
    c === 45 || // -
    c === 46 || // .
    c === 126 || // ~
    c === 61 || // =
    /^(?:[yYnNtTfFoO])/.test(text);
  if (!maybeSpecial) return text;
  if (BOOL.test(text)) return boolValue(text);
  if (INT.test(text)) return intValue(text);
  if (FLOAT.test(text)) return floatValue(text);
  if (NULL.test(text)) return null;
  if (text === '=')
    return new UnloadableScalar(
      "a plain '=' is YAML 1.1's value indicator, which PyYAML (and so sam deploy) cannot load; quote it",
    );
  return text;
}

/** The value of a scalar with an explicit core tag (`!!int 3`), or an UnloadableScalar. */
export function taggedScalar(tag: 'str' | 'int' | 'float' | 'bool' | 'null', text: string): unknown {
  switch (tag) {
    case 'str':
      return text;
    case 'null':
      return null;
    case 'bool':
      return BOOL.test(text)
        ? boolValue(text)
        : new UnloadableScalar(`!!bool ${text}: not a YAML 1.1 boolean`);
    case 'int':
      return INT.test(text) ? intValue(text) : new UnloadableScalar(`!!int ${text}: not an integer`);
    case 'float':
      if (FLOAT.test(text)) return floatValue(text);
      return INT.test(text) ? intValue(text) : new UnloadableScalar(`!!float ${text}: not a number`);
  }
}

function boolValue(text: string): boolean {
  const t = text.toLowerCase();
  return t === 'yes' || t === 'true' || t === 'on';
}

function intValue(text: string): number {
  let t = text.replace(/_/g, '');
  let sign = 1;
  if (t[0] === '-' || t[0] === '+') {
    if (t[0] === '-') sign = -1;
    t = t.slice(1);
  }
  if (t === '0') return 0;
  if (t.startsWith('0b')) return sign * Number.parseInt(t.slice(2), 2);
  if (t.startsWith('0x')) return sign * Number.parseInt(t.slice(2), 16);
  if (t[0] === '0') return sign * Number.parseInt(t, 8);
  if (t.includes(':')) return sign * sexagesimal(t);
  return sign * Number(t);
}

function floatValue(text: string): number {
  let t = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (t[0] === '-' || t[0] === '+') {
    if (t[0] === '-') sign = -1;
    t = t.slice(1);
  }
  if (t === '.inf') return sign * Number.POSITIVE_INFINITY;
  if (t === '.nan') return Number.NaN;
  if (t.includes(':')) return sign * sexagesimal(t);
  return sign * Number(t);
}

/** `190:20:30` → 685230 (base 60, as YAML 1.1 writes times). */
function sexagesimal(t: string): number {
  let value = 0;
  for (const part of t.split(':')) value = value * 60 + Number(part);
  return value;
}
