/** `crossgate deployment template.yaml [--json]`: what API Gateway will hold after `sam deploy`. */
import { parseArgs } from 'node:util';
import { deploymentJson, deploymentText } from '../report/deployment-text.js';
import { loadTemplateFile, parseParameterOverrides, UsageError } from './template-file.js';

const HELP = `usage: crossgate deployment <template.yaml> [--json] [--parameter-overrides K=V ...]

Prints every REST API, HTTP API and Function URL the template deploys: each path and method, its
integration, whether an API key or an authorizer guards it, the OPTIONS methods SAM generates from
Cors with their exact header values, the gateway responses; for HTTP APIs and Function URLs the
payload format and the CORS configuration the platform answers with.
`;

export const deploymentCommand = {
  summary: 'print the deployment model',
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'parameter-overrides': { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`deployment takes one template file\n\n${HELP}`);
    const { deployment } = loadTemplateFile(
      positionals[0],
      parseParameterOverrides(values['parameter-overrides']),
    );
    process.stdout.write(
      values.json ? `${JSON.stringify(deploymentJson(deployment), null, 2)}\n` : deploymentText(deployment),
    );
    return 0;
  },
};
