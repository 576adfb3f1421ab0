import { formatPos, type Pos } from './position.js';

/**
 * A template crossgate cannot read, or one SAM would refuse. Always carries the position of the value
 * at fault; the CLI prints `file:line:col: message` and exits 2.
 */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly detail: string,
    readonly pos: Pos | undefined,
  ) {
    super(`${formatPos(pos)}: ${detail}`);
  }
}
