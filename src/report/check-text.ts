/** The check report for people: each finding with a code frame, then the routes × origins table. */
import pc from 'picocolors';
import { ENGINE_NAMES, ENGINES, type Engine } from '../browser/index.js';
import { findingBrowsers } from '../check/engines.js';
import type { CheckResult } from '../check/run.js';
import type { Finding } from '../check/types.js';
import { formatPos } from '../template/position.js';

export function checkText(result: CheckResult, source: string): string {
  const lines = source.split('\n');
  const out: string[] = [];
  const engines = result.engines ?? ENGINES;
  for (const f of result.findings) out.push(findingText(f, lines, engines), '');
  out.push(matrixText(result));
  for (const note of result.notes) out.push(pc.yellow(`note: ${note}`));
  if (result.notes.length > 0) out.push('');
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.filter((f) => f.severity === 'warning').length;
  const fixable = result.findings.filter((f) => f.fix).length;
  out.push(
    result.findings.length === 0
      ? result.notes.length > 0
        ? pc.green('✓ no CORS defects found in what crossgate models (see the notes above)')
        : pc.green('✓ no CORS defects found')
      : `${errors > 0 ? pc.red(`${errors} error${errors === 1 ? '' : 's'}`) : '0 errors'}, ${warnings} warning${warnings === 1 ? '' : 's'}${fixable ? `, ${fixable} fixable with --fix` : ''}`,
  );
  return `${out.join('\n')}\n`;
}

function findingText(f: Finding, lines: string[], engines: readonly Engine[]): string {
  const sev =
    f.severity === 'error'
      ? pc.red('error')
      : f.severity === 'warning'
        ? pc.yellow('warning')
        : pc.blue('info');
  const out = [`${pc.bold(formatPos(f.pos))} ${sev} ${pc.dim(f.code)} ${f.message} ${pc.dim(`(${f.rule})`)}`];
  if (f.pos) {
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
  else if (f.hint) out.push(`  ${pc.cyan('how:')} ${f.hint}`);
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
