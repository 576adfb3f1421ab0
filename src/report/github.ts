/** GitHub Actions workflow commands (docs: "Workflow commands for GitHub Actions": ::error file=,line=,col=::). */
import type { CheckResult } from '../check/run.js';
import { findingDetail } from './engine-lines.js';

const escapeData = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const escapeProperty = (s: string) => escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

export function checkGithub(result: CheckResult): string {
  return result.findings
    .map((f) => {
      const command = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
      const props = [
        f.pos ? `file=${escapeProperty(f.pos.file)},line=${f.pos.line},col=${f.pos.col}` : '',
        `title=${escapeProperty(`${f.code} ${f.rule}`)}`,
      ]
        .filter(Boolean)
        .join(',');
      const lines = findingDetail(f, result.engines);
      return `::${command} ${props}::${escapeData(f.message + (lines ? `\n${lines}` : ''))}\n`;
    })
    .join('');
}
