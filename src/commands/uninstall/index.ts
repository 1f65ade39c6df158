import { Option, type Command } from 'commander';
import type { RunContextFor } from '../options.js';
import { TOOL } from '../../core/names.js';

export interface UninstallOptions {
  project?: string;
  purgeBucket: boolean;
  retainStuckResources: boolean;
  yes: boolean;
  dryRun: boolean;
  json: boolean;
}

export function registerUninstall(program: Command, runContext: RunContextFor): void {
  program
    .command('uninstall')
    .summary('restore every connected stage and delete the stack (the log bucket is kept unless --purge-bucket)')
    .description(
      'Show everything that will happen, ask, then restore every connected stage to its previous access-log settings, delete the ' +
        'stack and wait for it. The log bucket and its data are kept unless you pass --purge-bucket, which deletes every object ' +
        'version and the bucket. The artifacts bucket goes with the last installation in the region. Running it again after a ' +
        'failure finishes the job.',
    )
    .addOption(new Option('--project <name>', 'the installation (default: the only one in the region)'))
    .addOption(new Option('--purge-bucket', 'also empty (every version) and delete the log bucket: its access logs are lost').default(false))
    .addOption(
      new Option('--retain-stuck-resources', 'if the stack is stuck in DELETE_FAILED, delete it leaving the resources that failed').default(false),
    )
    .addOption(new Option('-y, --yes', 'do not ask for confirmation').default(false))
    .addOption(new Option('--dry-run', 'show the plan and stop; changes nothing').default(false))
    .addOption(new Option('--json', 'print the plan (with --dry-run) or the result as JSON on stdout').default(false))
    .addHelpText(
      'after',
      `
Permissions: cloudformation:DescribeStacks, DescribeStackEvents, DeleteStack (and what the stack's
resources need to be deleted); apigateway:GET/PATCH on stages; s3:ListBucket, GetObject,
DeleteObject on the log bucket; with --purge-bucket s3:ListBucketVersions, DeleteObjectVersion,
DeleteBucket, s3:ListAllMyBuckets and s3:GetBucketTagging.

Example:
  $ npx ${TOOL} uninstall --project shop --dry-run
  $ npx ${TOOL} uninstall --project shop --purge-bucket --yes`,
    )
    .action(async (opts: UninstallOptions, command: Command) => {
      const { runUninstall } = await import('./run.js');
      await runUninstall(opts, runContext(command));
    });
}
