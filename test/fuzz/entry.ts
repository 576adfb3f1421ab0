/**
 * What runs in the child process (bundled by child.mjs): the fuzz driver, or one `crossgate` command
 * followed by a report of its exit code, time and peak memory.
 */
import { writeFileSync } from 'node:fs';
import { main } from '../../src/cli/run.js';
import { fromEnvironment } from './driver.js';

if (process.env.CROSSGATE_CHILD_MODE === 'fuzz') {
  await fromEnvironment();
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
        maxRssMb: process.resourceUsage().maxRSS / 1024,
      }),
    );
  process.exitCode = code;
}
