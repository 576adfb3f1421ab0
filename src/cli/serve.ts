/** Placeholder until its issue lands: says so plainly. */
export const serveCommand = {
  summary: 'serve',
  async run(_argv: string[]): Promise<number> {
    process.stderr.write('crossgate serve: not built yet\n');
    return 2;
  },
};
