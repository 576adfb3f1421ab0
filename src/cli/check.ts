/** `crossgate check`: until the rules land, prints the deployment model the rules will run on. */
import { deploymentCommand } from './deployment.js';

export const checkCommand = {
  summary: 'find CORS defects',
  run: deploymentCommand.run,
};
