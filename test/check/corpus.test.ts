/**
 * The pinned corpus (issue 14 item 6): 39 public templates of aws-samples/serverless-patterns
 * (MIT-0), each with what `check` must say about it (test/fixtures/serverless-patterns/expected.json,
 * one reason per template). All are checked in one invocation, as `crossgate check <dir>` runs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const DIR = 'test/fixtures/serverless-patterns';

interface Expected {
  why: string;
  refused?: { at: string; message: string };
  findings?: string[];
  judged?: string[];
}

interface Report {
  templates: Array<{
    file: string;
    refused?: { message: string; position: string | undefined };
    findings?: Array<{ code: string; severity: string; position: string; api?: string }>;
    apis?: Array<{ api: string; judged: boolean; methods: number; definitionFile?: string }>;
  }>;
  summary: { templates: number; loaded: number; refused: number; byRule: Record<string, number> };
}

const expected: Record<string, Expected> = JSON.parse(readFileSync(`${DIR}/expected.json`, 'utf8')).templates;

describe('the pinned serverless-patterns corpus', async () => {
  const { stdout } = await runCli(['check', DIR, '--format', 'json'], { plain: true });
  const report: Report = JSON.parse(stdout);
  const byName = new Map(report.templates.map((t) => [t.file.slice(DIR.length + 1).split('/')[0], t]));
  const local = (position: string | undefined, name: string) =>
    position?.slice(DIR.length + 1 + name.length + 1) ?? '';

  it('every pinned template is checked, and the figures are printed', () => {
    expect([...byName.keys()].sort()).toEqual(Object.keys(expected).sort());
    console.log(
      `corpus: ${report.summary.templates} templates, ${report.summary.loaded} loaded, ${report.summary.refused} refused; findings per rule ${JSON.stringify(report.summary.byRule)}`,
    );
  });

  for (const [name, want] of Object.entries(expected)) {
    it(`${name}: ${want.why}`, () => {
      const got = byName.get(name)!;
      if (want.refused) {
        expect(got.refused, 'refused').toBeDefined();
        expect({ at: local(got.refused!.position, name), message: got.refused!.message }).toEqual(
          want.refused,
        );
        return;
      }
      expect(got.refused, `refused: ${got.refused?.message}`).toBeUndefined();
      expect(got.findings!.map((f) => `${local(f.position, name)} ${f.severity} ${f.code}`)).toEqual(
        want.findings,
      );
      expect(got.apis!.filter((a) => a.judged).map((a) => a.api)).toEqual(want.judged);
    });
  }

  it('no wrong refusal: each refused template is one PyYAML or the SAM translator refuses too', () => {
    for (const [name, want] of Object.entries(expected))
      if (want.refused) expect(want.why, name).toMatch(/PyYAML refuses it too|translator refuses it too/);
  });

  it('every REST API whose OpenAPI is a local file is analysed: its methods are read from that file', () => {
    const fromFiles = report.templates.flatMap((t) => (t.apis ?? []).filter((a) => a.definitionFile));
    expect(fromFiles.length).toBe(9);
    for (const a of fromFiles)
      expect({ api: a.api, methods: a.methods > 0 }).toEqual({ api: a.api, methods: true });
  });

  it('CG104 and CG120 errors only on APIs that show CORS intent', () => {
    for (const t of report.templates) {
      const judged = new Set((t.apis ?? []).filter((a) => a.judged).map((a) => a.api));
      for (const f of t.findings ?? [])
        if (f.code === 'CG104' || f.code === 'CG120')
          expect(judged.has(f.api!), `${t.file} ${f.code} ${f.api}`).toBe(true);
    }
  });
});
