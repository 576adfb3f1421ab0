/**
 * What runs in the child process (bundled by child.mjs): the fuzz driver, or one `crossgate` command
 * followed by a report of its exit code, time and peak memory.
 */
import { writeFileSync } from 'node:fs';
import { main } from '../../src/cli/run.js';
import { parseTemplate } from '../../src/template/parse.js';
import { fromEnvironment, loadCorpus } from './driver.js';
import { mutate } from './mutate.js';

const mode = process.env.CROSSGATE_CHILD_MODE;
if (mode === 'fuzz') {
  await fromEnvironment();
} else if (mode === 'parse') {
  // For pyyaml-diff.mjs: the mutated texts of a seed, each with crossgate's reading of it.
  const env = process.env;
  const seed = Number(env.CROSSGATE_FUZZ_SEED ?? 1);
  const texts = loadCorpus(env.CROSSGATE_FUZZ_ROOT ?? process.cwd()).map((c) => c.text);
  const out = [];
  for (let n = 0; n < Number(env.CROSSGATE_FUZZ_CASES ?? 1000); n++) {
    const { text } = mutate(seed, n, texts);
    try {
      out.push({ text, ok: true, value: parseTemplate(text, 't.yaml').root });
    } catch (error) {
      out.push({ text, ok: false, error: (error as Error).message });
    }
  }
  writeFileSync(env.CROSSGATE_CHILD_REPORT ?? 'parse.json', JSON.stringify(out));
} else {
  const started = performance.now();
  let code: number;
  try {
    code = await main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(
      `crossgate: internal error: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    code = 3;
  }
  const report = process.env.CROSSGATE_CHILD_REPORT;
  if (report)
    writeFileSync(
      report,
      JSON.stringify({
        code,
        ms: performance.now() - started,
        // CPU time (user + system) of the whole process, start-up included: on a machine shared
        // with other work it moves far less than the wall clock.
        cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
        maxRssMb: process.resourceUsage().maxRSS / 1024,
      }),
    );
  process.exitCode = code;
}
