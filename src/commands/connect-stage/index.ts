import { Option, type Command } from 'commander';
import { TOOL } from '../../core/names.js';
import { collect, parseProject, type RunContextFor } from '../options.js';

export interface ConnectStageOptions {
  project?: string;
  stage?: string[];
  allStages: boolean;
  replaceExistingLogs: boolean;
  yes: boolean;
  dryRun: boolean;
  json: boolean;
}


export function registerConnectStage(program: Command, runContext: RunContextFor): void {
  program
    .command('connect-stage')
    .summary('point more REST API stages at an existing installation')
    .description(
      'Connect REST API stages to an installation: each stage\'s current access-log settings are saved in the log bucket, then ' +
        'its destination and format are set in one UpdateStage and read back. A stage that is already connected is left as it is. ' +
        'Works from any machine with credentials: nothing depends on local files.',
    )
    .addOption(new Option('--project <name>', 'the installation (default: the only one in the region)').argParser(parseProject))
    .addOption(new Option('--stage <API_ID/STAGE>', 'a REST, HTTP or WebSocket API stage to connect (repeatable)').argParser(collect))
    .addOption(new Option('--all-stages', 'connect every REST API stage in the region').default(false))
    .addOption(new Option('--replace-existing-logs', 'switch stages that already send access logs elsewhere (their settings are saved)').default(false))
    .addOption(new Option('-y, --yes', 'do not ask for confirmation').default(false))
    .addOption(new Option('--dry-run', 'show what would change and stop').default(false))
    .addOption(new Option('--json', 'print the result as JSON on stdout').default(false))
    .addHelpText(
      'after',
      `
Permissions: cloudformation:DescribeStacks; apigateway:GET on /restapis, /restapis/*/stages;
apigateway:PATCH on /restapis/*/stages/*; s3:PutObject/GetObject on the log bucket's _state/;
iam:CreateServiceLinkedRole for ops.apigateway.amazonaws.com (first Firehose log destination only).

Example:
  $ npx ${TOOL} connect-stage --project shop --stage a1b2c3d4e5/prod --stage f6g7h8i9j0/v1 --yes`,
    )
    .action(async (opts: ConnectStageOptions, command: Command) => {
      const { runConnectStage } = await import('./run.js');
      await runConnectStage(opts, runContext(command));
    });
}
