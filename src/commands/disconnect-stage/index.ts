import { Option, type Command } from 'commander';
import { TOOL } from '../../core/names.js';
import { collect, parseProject, type RunContextFor } from '../options.js';

export interface DisconnectStageOptions {
  project?: string;
  stage?: string[];
  /** `--all-stages` (or its alias `--all`). */
  allStages: boolean;
  overwriteChanged: boolean;
  yes: boolean;
  dryRun: boolean;
  json: boolean;
}


export function registerDisconnectStage(program: Command, runContext: RunContextFor): void {
  program
    .command('disconnect-stage')
    .summary("restore a connected stage's previous access-log settings")
    .description(
      'Restore connected stages to exactly the access-log settings they had before they were connected (destination and format, or ' +
        'none), then drop the saved record. A stage whose settings someone changed since is not overwritten unless you say so.',
    )
    .addOption(new Option('--project <name>', 'the installation (default: the only one in the region)').argParser(parseProject))
    .addOption(new Option('--stage <API_ID/STAGE>', 'a connected stage to restore (repeatable)').argParser(collect))
    .addOption(new Option('--all-stages', 'restore every stage connected to the installation (alias: --all)').default(false))
    // The name init and connect-stage use is --all-stages; --all stays as an alias for old scripts.
    .addOption(new Option('--all').hideHelp().implies({ allStages: true }))
    .addOption(new Option('--overwrite-changed', 'restore stages even if their settings changed since they were connected').default(false))
    .addOption(new Option('-y, --yes', 'do not ask for confirmation').default(false))
    .addOption(new Option('--dry-run', 'show what would be restored and stop').default(false))
    .addOption(new Option('--json', 'print the result as JSON on stdout').default(false))
    .addHelpText(
      'after',
      `
Permissions: cloudformation:DescribeStacks; apigateway:GET and apigateway:PATCH on
/restapis/*/stages/*; s3:GetObject, s3:DeleteObject and s3:ListBucket on the log bucket's _state/.

Example:
  $ npx ${TOOL} disconnect-stage --project shop --stage a1b2c3d4e5/prod --yes`,
    )
    .action(async (opts: DisconnectStageOptions & { all?: boolean }, command: Command) => {
      const { runDisconnectStage } = await import('./run.js');
      const { all: _alias, ...options } = opts;
      await runDisconnectStage(options, runContext(command));
    });
}
