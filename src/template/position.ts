/** Where a value came from: 1-based line and column in a template file. */
export interface Pos {
  file: string;
  line: number;
  col: number;
}

export function formatPos(pos: Pos | undefined): string {
  return pos ? `${pos.file}:${pos.line}:${pos.col}` : '<unknown>';
}
