import type { Writable } from 'node:stream';

/**
 * Most bytes of log the output may hold unwritten. A terminal or a pipe that stops reading (a paused
 * pager, `| head` that has had its lines, a stopped `tee`) must not make serve hold every line in memory:
 * node's stdout to a pipe buffers without limit.
 */
export const MAX_LOG_BACKLOG = 8 * 1024 * 1024;

/**
 * The request log's way out: lines written once per event-loop turn (one write for a burst of requests,
 * not one each), and dropped, counted, while the output holds MAX_LOG_BACKLOG unwritten. The count is
 * said once the output reads again, so nobody takes a gap in the log for a quiet spell.
 */
export class LogOutput {
  private pending = '';
  private dropped = 0;
  private readonly flush = (): void => {
    let text = this.pending;
    this.pending = '';
    if (this.out.writableLength + text.length > this.maxBacklog) {
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) this.dropped++;
      return;
    }
    if (this.dropped > 0) {
      text = `crossgate: ${this.dropped} log line${this.dropped === 1 ? '' : 's'} dropped: the output was not being read\n${text}`;
      this.dropped = 0;
    }
    this.out.write(text);
  };

  constructor(
    private readonly out: Pick<Writable, 'write' | 'writableLength'>,
    private readonly maxBacklog = MAX_LOG_BACKLOG,
  ) {}

  /** One or more whole lines, each ending in a line break. */
  write(lines: string): void {
    if (this.pending === '') setImmediate(this.flush);
    this.pending += lines;
  }
}
