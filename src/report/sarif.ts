/** SARIF 2.1.0 for code scanning (OASIS SARIF v2.1.0; GitHub "SARIF support for code scanning"). */
import type { CheckResult } from '../check/run.js';
import { version } from '../index.js';
import { findingDetail } from './engine-lines.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * A file name as a SARIF artifactLocation.uri, which must be a valid URI reference (SARIF 2.1.0
 * §3.4.3, RFC 3986): each path segment percent-encoded (a space, `#` or `%` in a folder name would
 * otherwise end the path or read as an escape), an absolute path as a file: URI.
 */
export function sarifUri(file: string): string {
  const path = file.replaceAll('\\', '/');
  const drive = /^[A-Za-z]:\//.exec(path)?.[0];
  const rest = drive ? path.slice(drive.length) : path;
  // encodeURIComponent leaves no `:` either: in a relative reference's first segment it reads as a scheme.
  const encoded = rest
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  if (drive) return `file:///${drive}${encoded}`;
  return path.startsWith('/') ? `file://${encoded}` : encoded;
}

export function checkSarif(result: CheckResult, uriFor: (file: string) => string = sarifUri): unknown {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'crossgate',
            version,
            rules: result.rules.map((r) => ({
              id: r.code,
              name: r.name,
              shortDescription: { text: r.summary },
              // The docs ship in the package (docs/rules/); no public URL is promised.
              help: { text: `${r.summary} See docs/rules/${r.name}.md in the crossgate package.` },
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        results: result.findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: result.rules.findIndex((r) => r.code === f.code),
          level: LEVEL[f.severity],
          message: { text: [f.message, findingDetail(f, result.engines)].filter(Boolean).join('\n') },
          locations: f.pos
            ? [
                {
                  physicalLocation: {
                    artifactLocation: { uri: uriFor(f.pos.file) },
                    region: { startLine: f.pos.line, startColumn: f.pos.col },
                  },
                },
              ]
            : [],
        })),
      },
    ],
  };
}
