/**
 * Issue 13, item 2: nothing stalls or grows serve without bound — including an output that stops
 * reading. node's stdout to a pipe buffers every write (observed with Node 20: 20 MB written to a pipe
 * whose reader sleeps are all held, writableLength 19,941,994), so the request log bounds what it holds.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LogOutput } from '../../src/serve/log-output.js';

/** An output that takes nothing until `resume()`: a paused pager. */
function pausedOutput() {
  const held: Array<() => void> = [];
  let written = '';
  let paused = true;
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      written += chunk.toString();
      if (paused) held.push(callback);
      else callback();
    },
  });
  return {
    out,
    written: () => written,
    resume: () => {
      paused = false;
      for (const callback of held.splice(0)) callback();
    },
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('the request log never holds more than its backlog for an output that is not reading', () => {
  it('lines past the backlog are dropped and counted, and the count is said when the output reads again', async () => {
    const { out, written, resume } = pausedOutput();
    const log = new LogOutput(out, 1000);
    const line = `${'x'.repeat(99)}\n`;
    // Each turn's lines leave in one write; the first takes the output to its backlog.
    for (let i = 0; i < 9; i++) log.write(line);
    await turn();
    expect(out.writableLength).toBe(900);
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 3; i++) log.write(line);
      await turn();
    }
    // Held: the first write only (a Writable passes its first chunk on at once and buffers the rest).
    expect(out.writableLength).toBeLessThanOrEqual(1000);
    resume();
    await turn();
    log.write('after\n');
    await turn();
    expect(written()).toBe(
      `${line.repeat(9)}crossgate: 150 log lines dropped: the output was not being read\nafter\n`,
    );
  });

  it('an output that keeps up loses nothing, and a burst leaves in one write', async () => {
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    });
    const log = new LogOutput(out, 1000);
    for (let i = 0; i < 5; i++) log.write(`line ${i}\n`);
    await turn();
    log.write('next\n');
    await turn();
    expect(chunks).toEqual(['line 0\nline 1\nline 2\nline 3\nline 4\n', 'next\n']);
  });
});
