/**
 * Template text → one `yaml` Document, read as SAM CLI reads it (samcli/yamlhelper.py: PyYAML's
 * SafeLoader), within limits that hold in time as well as memory.
 *
 * - A flow collection (`Key: [` / `{`) or a quoted scalar (`Key: '...`) whose lines are not indented
 *   deeper than their key: PyYAML ignores indentation inside both (its scanner never unwinds
 *   indentation at a flow level above 0, and scan_flow_scalar reads lines at any indentation), the
 *   `yaml` package follows YAML 1.2, which asks for deeper lines. Such lines are indented here and
 *   the columns mapped back, so positions still name the text as written. Inside a flow collection
 *   or a quoted scalar the leading white space of a line is never content (YAML 1.2 §6.5 line
 *   folding, §7.3 flow scalars), so the values are unchanged.
 * - The `yaml` parser keeps every token of the document and then composes it, recursively: tokens
 *   and nesting are counted while it reads, and a document past either limit is refused before it
 *   can take gigabytes or the stack.
 */
import { Composer, type Document, Lexer, LineCounter, Parser, YAMLParseError } from 'yaml';
import { TemplateError } from './errors.js';
import type { Pos } from './position.js';

/**
 * YAML tokens (scalars, indicators, comments, line breaks) read before refusing. CloudFormation takes
 * at most 1 MB of template; 1 MB of ordinary SAM YAML is about 320,000 tokens (the 570 KB bench
 * template has 181,000), and at this limit the costliest shape per token (a flow list of empty
 * mappings) still loads within issue 13's budget of 2 s and 500 MB: see bench/RESULTS.md (fuzz).
 */
export const MAX_YAML_TOKENS = 500_000;
/**
 * Nesting levels. PyYAML's recursive composer, which SAM CLI uses, fails with a RecursionError past
 * 328 nested flow mappings, 329 block mappings, 489 block or 490 flow sequences (observed with PyYAML
 * 6.0.3); real templates nest a few dozen.
 */
export const MAX_DEPTH = 300;
/** Times a document is read again after re-indenting one flow collection or quoted scalar. */
const MAX_REPAIRS = 64;

export interface YamlText {
  doc: Document.Parsed;
  /** The text is JSON: SAM CLI reads it with json.loads, not PyYAML (yaml_parse tries JSON first). */
  json: boolean;
  /** The text has an anchor or an alias (when not, nothing can expand or refer to itself). */
  anchorsOrAliases: boolean;
  /** The text that was parsed (the source, or the source with flow collection lines re-indented). */
  text: string;
  /** Offset → position in the source as written. */
  at(offset: number): Pos;
}

const YAML_OPTIONS = {
  prettyErrors: false,
  uniqueKeys: false,
  strict: true,
  merge: false,
  version: '1.2',
} as const;

/** Parses `source`; throws TemplateError (file:line:col) for what neither PyYAML nor crossgate can read. */
export function readYaml(source: string, file: string): YamlText {
  const json = isJsonText(source);
  if (!json) refuseUnprintable(source, file);
  let text = source;
  /** Spaces added at the start of each line (1-based line → count), to map columns back. */
  const added = new Map<number, number>();
  for (let attempt = 0; ; attempt++) {
    const lines = new LineCounter();
    const at = (offset: number): Pos => {
      const { line, col } = lines.linePos(offset);
      const shift = added.size === 0 ? 0 : (added.get(line) ?? 0);
      return { file, line: Math.max(line, 1), col: Math.max(col - shift, 1) };
    };
    const { doc, flowCut, anchorsOrAliases } = compose(text, lines, at, json, false);
    const first = doc.errors[0];
    if (!first) return { doc, json, text, at, anchorsOrAliases };
    // A flow collection or a quoted scalar was cut short: read again, watching where they start.
    const quoteCut = doc.errors.some((e) => e.code === 'MISSING_CHAR' && e.message.includes('quote'));
    const cut =
      (flowCut || quoteCut) && attempt < MAX_REPAIRS
        ? compose(text, new LineCounter(), at, json, true).cut
        : undefined;
    if (cut !== undefined) {
      const repaired = reindentCut(text, cut);
      if (repaired) {
        for (const [line, count] of repaired.added) added.set(line, (added.get(line) ?? 0) + count);
        text = repaired.text;
        continue;
      }
    }
    throw new TemplateError(`invalid YAML: ${errorText(first)}`, at(first.pos[0]));
  }
}

/** Whether SAM CLI's json.loads reads the text (then JSON's rules apply, not PyYAML's). */
export function isJsonText(text: string): boolean {
  const start = text.search(/\S/);
  const c = text.charCodeAt(start);
  if (c !== 0x7b && c !== 0x5b) return false; // { or [
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * PyYAML's reader refuses characters outside YAML's printable set before it scans anything
 * ("unacceptable character #x0000: special characters are not allowed"; reader.py NON_PRINTABLE).
 */
const UNPRINTABLE = /[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/**
 * NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR break lines in YAML 1.1 (PyYAML) and not in YAML 1.2
 * (the yaml package): the two would read different documents, so neither reading is offered.
 */
const LINE_BREAKS_1_1 = /[\x85\u2028\u2029]/;
function refuseUnprintable(text: string, file: string): void {
  const m = UNPRINTABLE.exec(text) ?? LINE_BREAKS_1_1.exec(text);
  if (!m) return;
  const before = text.slice(0, m.index);
  const line = before.split('\n').length;
  const col = m.index - before.lastIndexOf('\n');
  const code = m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  throw new TemplateError(
    LINE_BREAKS_1_1.test(m[0])
      ? `the character U+${code} breaks the line for PyYAML, which sam deploy reads templates with (YAML 1.1), and not in YAML 1.2; write it as an escape in a double-quoted string, or remove it`
      : `the character U+${code} is not allowed in YAML; PyYAML, which sam deploy reads templates with, refuses it ("special characters are not allowed")`,
    { file, line, col },
  );
}

function errorText(error: YAMLParseError): string {
  return error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * parseDocument, with the tokens counted and the nesting watched as the parser reads. With `track`,
 * `cut` is the offset of the first flow collection or quoted scalar the lexer cut short because a
 * line was not indented deeply enough (for a flow collection it then emits its flow-error-end
 * marker; a quoted scalar ends before its closing quote); without it, `flowCut` only says that a
 * flow collection was (the common case pays for no tracking).
 */
function compose(
  text: string,
  lines: LineCounter,
  at: (offset: number) => Pos,
  json: boolean,
  track: boolean,
): { doc: Document.Parsed; flowCut: boolean; cut: number | undefined; anchorsOrAliases: boolean } {
  const parser = new Parser(lines.addNewLine);
  let cut: number | undefined;
  let flowCut = false;
  let anchorsOrAliases = false;
  // Most templates hold no tab: then no token needs looking at for one.
  const tabs = !json && text.includes('\t');
  function* tokens() {
    lines.addNewLine(0);
    let count = 0;
    let flowDepth = 0;
    let flowStart = 0;
    let previous = '';
    let blockScalar = false;
    for (const lexeme of new Lexer().lex(text)) {
      if (++count > MAX_YAML_TOKENS) {
        throw new TemplateError(
          `the template is too large to read: more than ${MAX_YAML_TOKENS.toLocaleString('en-US')} YAML tokens (values, indicators, comments) by this line; CloudFormation accepts at most 1 MB of template`,
          at(parser.offset),
        );
      }
      const first = lexeme.charCodeAt(0);
      if (first === 0x26 || first === 0x2a)
        anchorsOrAliases = true; // &anchor or *alias
      else if (first === 0x18) flowCut = true; // flow-error-end
      if (tabs) {
        // PyYAML takes a tab only inside a quoted or block scalar or a comment: as white space
        // between tokens, at the end of a line, on a blank line or inside a plain scalar, its
        // scanner stops ("found character '\t' that cannot start any token"; PyYAML 6.0.3).
        if (lexeme.includes('\t')) {
          const allowed =
            (previous === '\x1f' && blockScalar) || first === 0x22 || first === 0x27 || first === 0x23;
          if (!allowed) {
            throw new TemplateError(
              'a tab where PyYAML, which sam deploy reads templates with, takes only spaces (it refuses a tab outside quotes, block scalars and comments)',
              at(parser.offset + lexeme.indexOf('\t')),
            );
          }
        }
        if (first === 0x7c || first === 0x3e)
          blockScalar = true; // | or >: a block scalar's header
        else if (previous === '\x1f') blockScalar = false;
        previous = lexeme;
      }
      if (track && cut === undefined) {
        if (
          (first === 0x22 || first === 0x27) &&
          !closesQuote(lexeme) &&
          parser.offset + lexeme.length < text.length
        )
          cut = parser.offset;
        switch (lexeme) {
          case '[':
          case '{':
            if (flowDepth++ === 0) flowStart = parser.offset;
            break;
          case ']':
          case '}':
            if (flowDepth > 0) flowDepth--;
            break;
          case '\x18':
            if (flowDepth > 0) cut = flowStart;
            flowDepth = 0;
            break;
        }
      }
      yield* parser.next(lexeme);
      if (parser.stack.length > MAX_DEPTH + 4) {
        throw new TemplateError(
          `values nested more than ${MAX_DEPTH} levels deep; PyYAML, which sam deploy reads templates with, fails past 328 nested mappings`,
          at(parser.offset),
        );
      }
    }
    yield* parser.end();
  }
  // yaml warns once per CloudFormation tag it does not know (every !Ref); the warnings are discarded,
  // so do not pay for their stack traces.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const composer = new Composer(YAML_OPTIONS);
    let doc: Document.Parsed | undefined;
    for (const next of composer.compose(tokens(), true, text.length)) {
      if (!doc) doc = next;
      else {
        // PyYAML's safe_load: "expected a single document in the stream".
        doc.errors.push(
          new YAMLParseError(
            [next.range[0], next.range[1]],
            'MULTIPLE_DOCS',
            'a template is one YAML document; this is the start of a second one',
          ),
        );
        break;
      }
    }
    return { doc: doc!, flowCut, cut, anchorsOrAliases };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** Whether a quoted-scalar lexeme ends with its closing quote (the lexer cuts one short at an unindented line). */
function closesQuote(lexeme: string): boolean {
  const quote = lexeme[0];
  for (let i = 1; i < lexeme.length; i++) {
    const c = lexeme[i];
    if (quote === '"' && c === '\\') i++;
    else if (c === quote) {
      if (quote === "'" && lexeme[i + 1] === "'") i++;
      else return i === lexeme.length - 1;
    }
  }
  return false;
}

/**
 * Indents the lines of the flow collection or quoted scalar starting at `open` one column deeper
 * than the block it sits in, as YAML 1.2 asks and PyYAML does not. Returns undefined when there is
 * nothing to do or it never ends (then the parser's own error stands, as PyYAML refuses it too).
 */
function reindentCut(
  text: string,
  open: number,
): { text: string; added: Array<[number, number]> } | undefined {
  const lineStart = text.lastIndexOf('\n', open - 1) + 1;
  // The block this value belongs to starts after the indentation and any `- `, `? `, `: `.
  let content = lineStart;
  while (text[content] === ' ') content++;
  while ('-?:'.includes(text[content]) && text[content + 1] === ' ') {
    content++;
    while (text[content] === ' ') content++;
  }
  const needed = content - lineStart + 1;
  let line = lineNumber(text, lineStart);
  const inserts: Array<[offset: number, spaces: number, line: number]> = [];
  let depth = 0;
  let quote: '"' | "'" | undefined;
  const finish = () => {
    if (inserts.length === 0) return undefined;
    let out = '';
    let from = 0;
    for (const [offset, spaces] of inserts) {
      out += text.slice(from, offset) + ' '.repeat(spaces);
      from = offset;
    }
    return {
      text: out + text.slice(from),
      added: inserts.map(([, spaces, l]): [number, number] => [l, spaces]),
    };
  };
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      let j = i + 1;
      while (text[j] === ' ') j++;
      const indent = j - i - 1;
      const next = text[j];
      if (next === '\n' || next === '\r' || next === undefined) continue;
      // A document marker at column 0 ends the document even inside a flow collection (PyYAML
      // too): leave it for the parser to refuse.
      if (indent === 0 && /^(?:---|\.\.\.)(?:[ \t\r\n]|$)/.test(text.slice(j, j + 4))) return undefined;
      if (indent < needed) inserts.push([i + 1, needed - indent, line]);
      continue;
    }
    if (quote) {
      // An escaped line break (`\` at the end of a line) is still a line to indent.
      if (quote === '"' && c === '\\' && text[i + 1] !== '\n') i++;
      else if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else {
          quote = undefined;
          if (depth === 0) return finish();
        }
      }
      continue;
    }
    if ((c === '"' || c === "'") && (i === open || /[\s[{,:?]/.test(text[i - 1] ?? ' '))) quote = c;
    else if (c === '#' && /\s/.test(text[i - 1] ?? ' ')) {
      const end = text.indexOf('\n', i);
      i = (end === -1 ? text.length : end) - 1;
    } else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (--depth === 0) return finish();
    }
  }
  return undefined;
}

function lineNumber(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
