export interface HostileInput {
  name: string;
  /** The template text; or `path`, a file to give as it is. */
  text?: string;
  path?: string;
  /** Loaded: exit 0 or 1. Refused: exit 2 at file:line:col, with a message matching `cause`. */
  outcome: 'loaded' | 'refused';
  cause?: RegExp;
}
export function hostileInputs(): HostileInput[];
