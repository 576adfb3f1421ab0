/** The check report for people: each finding with a code frame, then the routes × origins table. */
import pc from 'picocolors';
import { ENGINE_NAMES, ENGINES, type Engine } from '../browser/index.js';
import { findingBrowsers } from '../check/engines.js';
import type { CheckResult } from '../check/run.js';
import type { Finding } from '../check/types.js';
import { formatPos } from '../template/position.js';

export function checkText(result: CheckResult, source: string): string {
  const out: string[] = [];
  const linesOf = sourceLines(result, source);
  const engines = result.engines ?? ENGINES;
  for (const f of result.findings) out.push(findingText(f, linesOf(f.pos?.file), engines), '');
  // Nothing simulated because no API is called from pages: the info lines say so already.
  const unjudged = result.intent?.some((i) => i.signals.length === 0) ?? false;
  if (result.simulations.length > 0 || !unjudged) out.push(matrixText(result));
  for (const note of result.notes) out.push(pc.yellow(`note: ${note}`));
  if (result.notes.length > 0) out.push('');
  out.push(summaryLine(result));
  return `${out.join('\n')}\n`;
}

/** The lines of the file a finding points into: the template, or an OpenAPI file it reads. */
function sourceLines(
  result: CheckResult,
  source: string | undefined,
): (file: string | undefined) => string[] {
  const cache = new Map<string | undefined, string[]>();
  return (file) => {
    let lines = cache.get(file);
    if (!lines) {
      const text =
        (file !== undefined ? result.sources?.[file] : undefined) ?? (result.sources ? '' : source) ?? '';
      lines = text.split('\n');
      cache.set(file, lines);
    }
    return lines;
  };
}

/** Several templates: each one's findings and notes (no routes table), then the totals. */
export function manyText(
  checked: Array<{
    file: string;
    result?: CheckResult;
    refused?: { message: string; position: string | undefined };
  }>,
): string {
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  const hints = new Map<string, string | undefined>();
  for (const c of checked) {
    if (c.refused) {
      out.push(`${pc.bold(c.refused.position ?? c.file)} ${pc.red('error')} ${c.refused.message}`, '');
      continue;
    }
    const result = c.result!;
    if (result.findings.length === 0 && result.notes.length === 0) continue;
    out.push(pc.bold(`── ${c.file}`));
    const linesOf = sourceLines(result, undefined);
    for (const f of result.findings) {
      out.push(findingText(f, linesOf(f.pos?.file), result.engines ?? ENGINES, true));
      if (f.severity !== 'info') out.push('');
      else hints.set(f.code, f.hint);
    }
    if (result.findings.at(-1)?.severity === 'info') out.push('');
    for (const note of result.notes) out.push(pc.yellow(`note: ${note}`));
    if (result.notes.length > 0) out.push('');
    for (const f of result.findings) {
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      else infos++;
    }
  }
  // The info lines share one piece of advice: said once, at the end.
  for (const [code, hint] of hints)
    if (hint) out.push(`${pc.cyan('how')} ${pc.dim(`(${code}):`)} ${hint}`, '');
  const refused = checked.filter((c) => c.refused).length;
  out.push(
    `${checked.length} template${checked.length === 1 ? '' : 's'}: ${checked.length - refused} checked, ${refused > 0 ? pc.red(`${refused} refused`) : '0 refused'}; ${errors > 0 ? pc.red(`${errors} error${errors === 1 ? '' : 's'}`) : '0 errors'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${infos} info${infos === 1 ? '' : 's'}`,
  );
  return `${out.join('\n')}\n`;
}

function summaryLine(result: CheckResult): string {
  const out: string[] = [];
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.filter((f) => f.severity === 'warning').length;
  const infos = result.findings.filter((f) => f.severity === 'info').length;
  const fixable = result.findings.filter((f) => f.fix).length;
  const judged = result.intent ? result.intent.filter((i) => i.signals.length > 0).length : undefined;
  const defects = errors + warnings;
  out.push(
    defects === 0
      ? judged === 0 && infos > 0
        ? pc.green(
            '✓ no API is called from pages on other origins, as far as the template shows (see the info lines)',
          )
        : result.notes.length > 0
          ? pc.green('✓ no CORS defects found in what crossgate models (see the notes above)')
          : pc.green('✓ no CORS defects found')
      : `${errors > 0 ? pc.red(`${errors} error${errors === 1 ? '' : 's'}`) : '0 errors'}, ${warnings} warning${warnings === 1 ? '' : 's'}${fixable ? `, ${fixable} fixable with --fix` : ''}`,
  );
  return out.join('\n');
}

/**
 * An info finding has no code frame: its line, the engines' lines when it quotes them (CG114 quotes
 * Firefox's warning), and its hint unless `quiet`.
 */
function findingText(f: Finding, lines: string[], engines: readonly Engine[], quiet = false): string {
  const sev =
    f.severity === 'error'
      ? pc.red('error')
      : f.severity === 'warning'
        ? pc.yellow('warning')
        : pc.blue('info');
  const out = [`${pc.bold(formatPos(f.pos))} ${sev} ${pc.dim(f.code)} ${f.message} ${pc.dim(`(${f.rule})`)}`];
  if (f.pos && f.severity !== 'info') {
    const from = Math.max(1, f.pos.line - 1);
    for (let n = from; n <= Math.min(lines.length, f.pos.line + 1); n++) {
      const mark = n === f.pos.line ? pc.red('>') : ' ';
      out.push(`  ${mark} ${pc.dim(String(n).padStart(4))} │ ${lines[n - 1]}`);
      if (n === f.pos.line) out.push(`         │ ${' '.repeat(Math.max(0, f.pos.col - 1))}${pc.red('^')}`);
    }
  }
  if (f.verdict) {
    const b = findingBrowsers(f.verdict, engines);
    out.push(`  ${pc.dim('browser:')} ${b.summary}`);
    for (const e of engines) {
      for (const line of b.consoleMessages[e] ?? []) out.push(`    ${pc.dim(`${ENGINE_NAMES[e]}:`)} ${line}`);
      for (const line of f.verdict.engines[e].consoleWarnings)
        out.push(`    ${pc.dim(`${ENGINE_NAMES[e]} (warning):`)} ${line}`);
    }
  } else if (f.consoleMessage) out.push(`  ${pc.dim('browser:')} ${f.consoleMessage}`);
  if (f.fix) out.push(`  ${pc.green('fix:')} ${f.fix.description}`);
  else if (f.hint && !(quiet && f.severity === 'info')) out.push(`  ${pc.cyan('how:')} ${f.hint}`);
  return out.join('\n');
}

/** Routes × origins: ✓ when every request shape from that origin got through. */
export function matrixText(result: CheckResult): string {
  const engines = result.engines ?? ENGINES;
  const routes = new Map<string, Map<string, boolean>>();
  const origins: string[] = [];
  for (const s of result.simulations) {
    const route = `${s.api.logicalId} ${s.method.method} ${s.resource.path}`;
    const row = routes.get(route) ?? new Map<string, boolean>();
    row.set(s.origin, (row.get(s.origin) ?? true) && engines.every((e) => s.verdict.engines[e].allowed));
    routes.set(route, row);
    if (!origins.includes(s.origin)) origins.push(s.origin);
  }
  if (routes.size === 0) return pc.dim('no routes to simulate');
  const width = Math.max(5, ...[...routes.keys()].map((r) => r.length));
  const header = `${'route'.padEnd(width)}  ${origins.join('  ')}`;
  const rows = [...routes].map(([route, row]) => {
    const cells = origins.map((o) => {
      const v = row.get(o);
      const mark = v === undefined ? ' ' : v ? pc.green('✓') : pc.red('✗');
      return mark + ' '.repeat(Math.max(0, o.length - 1));
    });
    return `${route.padEnd(width)}  ${cells.join('  ')}`;
  });
  return `${pc.bold(header)}\n${rows.join('\n')}\n${pc.dim(`(✓ allowed in ${engines.length === 3 ? 'all three engines' : engines.map((e) => ENGINE_NAMES[e]).join(' and ')}; ✗ for the last origin is expected: a site the API does not allow)`)}\n`;
}
