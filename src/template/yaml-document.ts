/**
 * Template text → one `yaml` Document, read as SAM CLI reads it (samcli/yamlhelper.py: PyYAML's
 * SafeLoader), within limits that hold in time as well as memory.
 *
 * - A flow collection (`Key: [` / `{`) whose lines are not indented deeper than their key: PyYAML
 *   ignores indentation inside flow collections (its scanner never unwinds indentation at a flow
 *   level above 0), the `yaml` package follows YAML 1.2, which asks for deeper lines. Such lines are
 *   indented here and the columns mapped back, so positions still name the text as written. Inside
 *   a flow collection the leading white space of a line is never content (YAML 1.2 §6.5 line
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
 * at most 1 MB of template; 1 MB of ordinary SAM YAML is about 330,000 tokens, and at this limit the
 * worst case (a flow list of one-character items) still loads within the time and memory budget
 * measured in bench/RESULTS.md (fuzz section).
 */
export const MAX_YAML_TOKENS = 750_000;
/**
 * Nesting levels. PyYAML's recursive composer, which SAM CLI uses, fails with a RecursionError past
 * 328 nested flow mappings, 329 block mappings, 489 block or 490 flow sequences (observed with PyYAML
 * 6.0.3); real templates nest a few dozen.
 */
export const MAX_DEPTH = 300;
/** Times a document is read again after re-indenting one flow collection. */
const MAX_FLOW_REPAIRS = 64;

export interface YamlText {
  doc: Document.Parsed;
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
  let text = source;
  /** Spaces added at the start of each line (1-based line → count), to map columns back. */
  const added = new Map<number, number>();
  for (let attempt = 0; ; attempt++) {
    const lines = new LineCounter();
    const at = (offset: number): Pos => {
      const { line, col } = lines.linePos(offset);
      const shift = added.get(line) ?? 0;
      return { file, line: Math.max(line, 1), col: Math.max(col - shift, 1) };
    };
    const { doc, cutFlow } = compose(text, lines, at);
    const first = doc.errors[0];
    if (!first) return { doc, text, at };
    if (cutFlow !== undefined && attempt < MAX_FLOW_REPAIRS) {
      const repaired = reindentFlow(text, cutFlow);
      if (repaired) {
        for (const [line, count] of repaired.added) added.set(line, (added.get(line) ?? 0) + count);
        text = repaired.text;
        continue;
      }
    }
    throw new TemplateError(`invalid YAML: ${errorText(first)}`, at(first.pos[0]));
  }
}

function errorText(error: YAMLParseError): string {
  return error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * parseDocument, with the tokens counted and the nesting watched as the parser reads. `cutFlow` is
 * the offset of the first flow collection the lexer cut short because a line was not indented
 * deeply enough (it then emits its flow-error-end marker).
 */
function compose(
  text: string,
  lines: LineCounter,
  at: (offset: number) => Pos,
): { doc: Document.Parsed; cutFlow: number | undefined } {
  const parser = new Parser(lines.addNewLine);
  let cutFlow: number | undefined;
  function* tokens() {
    lines.addNewLine(0);
    let count = 0;
    let flowDepth = 0;
    let flowStart = 0;
    for (const lexeme of new Lexer().lex(text)) {
      if (++count > MAX_YAML_TOKENS) {
        throw new TemplateError(
          `the template is too large to read: more than ${MAX_YAML_TOKENS.toLocaleString('en-US')} YAML tokens (values, indicators, comments) by this line; CloudFormation accepts at most 1 MB of template`,
          at(parser.offset),
        );
      }
      switch (lexeme) {
        case '[':
        case '{':
          if (flowDepth++ === 0) flowStart = parser.offset;
          break;
        case ']':
        case '}':
          if (flowDepth > 0) flowDepth--;
          break;
        case '\x18': // flow-error-end: a line inside a flow collection was not indented enough
          if (flowDepth > 0 && cutFlow === undefined) cutFlow = flowStart;
          flowDepth = 0;
          break;
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
    return { doc: doc!, cutFlow };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * Indents the lines of the flow collection opening at `open` one column deeper than the block it
 * sits in, as YAML 1.2 asks and PyYAML does not. Returns undefined when there is nothing to do or
 * the collection never closes (then the parser's own error stands, as PyYAML refuses it too).
 */
function reindentFlow(
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
    if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = undefined;
      continue;
    }
    if (quote === "'") {
      if (c === "'") {
        if (text[i + 1] === "'") i++;
        else quote = undefined;
      }
      continue;
    }
    if ((c === '"' || c === "'") && /[\s[{,:?]/.test(text[i - 1] ?? ' ')) quote = c;
    else if (c === '#' && /\s/.test(text[i - 1] ?? ' ')) {
      const end = text.indexOf('\n', i);
      i = (end === -1 ? text.length : end) - 1;
    } else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (--depth === 0) {
        if (inserts.length === 0) return undefined;
        let out = '';
        let from = 0;
        for (const [offset, spaces] of inserts) {
          out += text.slice(from, offset) + ' '.repeat(spaces);
          from = offset;
        }
        return { text: out + text.slice(from), added: inserts.map(([, spaces, l]) => [l, spaces]) };
      }
    }
  }
  return undefined;
}

function lineNumber(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
