/** SARIF 2.1.0 for code scanning (OASIS SARIF v2.1.0; GitHub "SARIF support for code scanning"). */
import type { CheckResult } from '../check/run.js';
import { version } from '../index.js';
import { findingDetail } from './engine-lines.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export function checkSarif(result: CheckResult, uriFor: (file: string) => string = (f) => f): unknown {
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
