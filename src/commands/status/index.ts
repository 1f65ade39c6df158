import { Option, type Command } from 'commander';
import { parseProject, type RunContextFor } from '../options.js';
import { permissionsHelp, STATUS_PERMISSIONS } from '../permissions.js';
import { TOOL as BIN } from '../../core/names.js';

export interface StatusOptions {
  project?: string;
  json: boolean;
}

export function registerStatus(program: Command, runContext: RunContextFor): void {
  program
    .command('status')
    .summary('show the account, REST API stages and where their access logs go, and installations')
    .description(
      'Show who and where you are (account, caller, region), every REST API stage in the region with ' +
        'where its access logs go today, and the apigw-log-analytics installations found by stack tag. ' +
        'Read-only: it changes nothing.',
    )
    .addOption(new Option('--project <name>', 'show only the installation of this project').argParser(parseProject))
    .addOption(new Option('--json', 'print the result as JSON on stdout (shape: docs/status-json.md)').default(false))
    .addHelpText(
      'after',
      `
${permissionsHelp(STATUS_PERMISSIONS, 'Without the health-check rights status still runs and says what it could not read.')}

Example:
  $ npx ${BIN} status --region us-east-1 --json | jq '.restApis[].stages[]'`,
    )
    .action(async (opts: StatusOptions, command: Command) => {
      const { runStatus } = await import('./run.js');
      await runStatus({ json: opts.json, ...(opts.project ? { project: opts.project } : {}) }, runContext(command));
    });
}
