import { InvalidArgumentError, Option, type Command } from 'commander';
import { TOOL } from '../../core/names.js';
import { collect, parseProject, type RunContextFor } from '../options.js';

export interface InitOptions {
  project?: string;
  stage?: string[];
  allStages: boolean;
  replaceExistingLogs: boolean;
  quicksightGroup?: string;
  quicksightUser?: string;
  createGroup: boolean;
  /** false with --no-dashboard. */
  dashboard: boolean;
  retentionDays?: number;
  yes: boolean;
  dryRun: boolean;
  json: boolean;
}

export const DEFAULT_RETENTION_DAYS = 90;


export function parseRetentionDays(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 3650) throw new InvalidArgumentError('it must be a whole number of days from 1 to 3650.');
  return n;
}

export function registerInit(program: Command, runContext: RunContextFor): void {
  program
    .command('init')
    .summary('install the analytics stack and connect REST API stages (re-run to upgrade)')
    .description(
      'Find your REST API stages, check QuickSight, show the plan and its cost, deploy the stack through a CloudFormation change set, ' +
        'then point the chosen stages at it (their previous access-log settings are saved first). Re-running it upgrades an existing ' +
        'installation; running it twice in a row changes nothing the second time. Every prompt has a flag, shown in brackets.',
    )
    .addOption(new Option('--project <name>', 'project name: names the stack, stream, bucket, Glue database and dashboard').argParser(parseProject))
    .addOption(new Option('--stage <API_ID/STAGE>', 'a REST, HTTP or WebSocket API stage to connect (repeatable)').argParser(collect))
    .addOption(new Option('--all-stages', 'connect every REST API stage in the region').default(false))
    .addOption(new Option('--replace-existing-logs', 'switch stages that already send access logs elsewhere (their settings are saved)').default(false))
    .addOption(new Option('--quicksight-group <name>', 'QuickSight group to share the dashboard with (default <project>-Admins)'))
    .addOption(new Option('--quicksight-user <name>', 'QuickSight user to share the dashboard with, instead of a group'))
    .addOption(new Option('--create-group', 'create the QuickSight group and add you to it if it does not exist').default(false))
    .addOption(new Option('--no-dashboard', 'deploy the pipeline without QuickSight (query with Athena or `report`)'))
    .addOption(new Option('--retention-days <days>', `days to keep delivered logs (default ${DEFAULT_RETENTION_DAYS})`).argParser(parseRetentionDays))
    .addOption(new Option('-y, --yes', 'do not ask for confirmation').default(false))
    .addOption(new Option('--dry-run', 'show the plan and stop; changes nothing').default(false))
    .addOption(new Option('--json', 'print the plan (with --dry-run) or the result as JSON on stdout').default(false))
    .addHelpText(
      'after',
      `
Permissions: see the "init" policy in docs/iam.md (summary in the README's "IAM permissions"):
CloudFormation change sets, the S3 artifacts bucket, iam:PassRole/CreateRole for the stack's roles,
apigateway:GET/PATCH on stages, the QuickSight checks, and what the stack's resources need.

Examples:
  $ npx ${TOOL} init
  $ npx ${TOOL} init --region eu-west-1 --project shop --stage a1b2c3d4e5/prod --quicksight-group shop-Admins --create-group --yes`,
    )
    .action(async (opts: InitOptions, command: Command) => {
      const { runInit } = await import('./run.js');
      await runInit(opts, runContext(command));
    });
}
