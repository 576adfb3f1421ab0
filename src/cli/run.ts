/** The `crossgate` command: dispatches to one file per command; turns known errors into exit 2. */
import pc from 'picocolors';
import { version as VERSION } from '../index.js';
import { TemplateError } from '../template/errors.js';
import { UsageError } from './template-file.js';

interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./check.js')).checkCommand,
  serve: async () => (await import('./serve.js')).serveCommand,
  probe: async () => (await import('./probe.js')).probeCommand,
  deployment: async () => (await import('./deployment.js')).deploymentCommand,
};

const USAGE = `crossgate ${VERSION} — CORS for API Gateway REST APIs, HTTP APIs and Function URLs defined in AWS SAM

usage: crossgate <command> [options]

  check <template.yaml|dir>…  find every CORS defect before deploy (--fix writes the safe fixes)
  serve [template.yaml]       a local API Gateway for the template, with no Docker
  probe <url>                 send what a browser would send to a live API and judge the answers
  deployment <template.yaml>  print what API Gateway will hold after sam deploy (--json)

crossgate <command> --help shows the options of a command.
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`crossgate: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (error) {
    return reportFailure(error);
  }
}

export function reportFailure(error: unknown): number {
  if (error instanceof TemplateError) {
    process.stderr.write(`${pc.red('error')} ${error.message}\n`);
    return 2;
  }
  if (
    error instanceof UsageError ||
    (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
  ) {
    process.stderr.write(`crossgate: ${(error as Error).message}\n`);
    return 2;
  }
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    const e = error as Error & { address?: string; port?: number };
    const where = e.address !== undefined ? `${e.address}:${e.port}` : 'the address';
    const why =
      code === 'EADDRINUSE'
        ? 'is already in use'
        : code === 'EACCES'
          ? 'may not be used by this user'
          : 'is not an address of this machine';
    process.stderr.write(`crossgate: ${where} ${why}; choose another with --port (or --host)\n`);
    return 2;
  }
  throw error;
}
