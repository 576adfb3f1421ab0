/** Placeholder until its issue lands: says so plainly. */
export const probeCommand = {
  summary: 'probe',
  async run(_argv: string[]): Promise<number> {
    process.stderr.write('crossgate probe: not built yet\n');
    return 2;
  },
};
