/**
 * The command line: global options, commands and help. `createProgram(ctx)` has no side effects;
 * command implementations are imported only when their command runs, so `--help` stays fast.
 */
import { Command, Option, InvalidArgumentError } from 'commander';
import type { AppContext, GlobalOptions, RunContext } from './context.js';
import { resolveTarget, isValidRegionName } from './aws/config.js';
import { isInteractive } from './ui/env.js';
import { noPrompter } from './ui/prompts.js';
import { cliIoHost } from './ui/io-host.js';
import type { AwsServices } from './aws/clients.js';
import { DEFAULT_TIMEOUT_SECONDS, type HttpTimeouts } from './aws/settings.js';
import { registerInit } from './commands/init/index.js';
import { registerStatus } from './commands/status/index.js';
import { registerConnectStage } from './commands/connect-stage/index.js';
import { registerDisconnectStage } from './commands/disconnect-stage/index.js';
import { registerReport } from './commands/report/index.js';
import { registerUninstall } from './commands/uninstall/index.js';

export { TOOL as BIN } from './core/names.js';
import { TOOL as BIN } from './core/names.js';

function parseRegion(value: string): string {
  if (!isValidRegionName(value)) {
    throw new InvalidArgumentError(`"${value}" is not an AWS region name (for example us-east-1, eu-west-2).`);
  }
  return value;
}

/** Seconds, as the AWS CLI's --cli-read-timeout and --cli-connect-timeout take them; 0 means no limit. */
function parseTimeoutSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`"${value}" is not a number of seconds (0 or more; 0 waits for ever).`);
  }
  return n;
}

/** The globals' timeouts in milliseconds; the AWS CLI's 60 s where not given. */
export function httpTimeouts(globals: Pick<GlobalOptions, 'cliReadTimeout' | 'cliConnectTimeout'>): HttpTimeouts {
  return {
    connectMs: Math.round((globals.cliConnectTimeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000),
    readMs: Math.round((globals.cliReadTimeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000),
  };
}

function increaseVerbosity(_value: string, previous: number): number {
  return previous + 1;
}

/** Builds what a command runs with from the parsed global options. */
export function runContext(ctx: AppContext, globals: GlobalOptions): RunContext {
  const interactive = isInteractive({
    env: ctx.env,
    interactiveFlag: globals.interactive,
    stdinIsTTY: ctx.stdinIsTTY,
    stderrIsTTY: ctx.stderrIsTTY,
  });
  let aws: Promise<AwsServices> | undefined;
  return {
    ...ctx,
    globals,
    interactive,
    prompter: interactive ? ctx.createPrompter() : noPrompter,
    ioHost: cliIoHost(ctx.io),
    aws: () =>
      (aws ??= resolveTarget({ regionFlag: globals.region, profileFlag: globals.profile, env: ctx.env }).then((target) =>
        ctx.createAws(target, { timeouts: httpTimeouts(globals) }),
      )),
  };
}

export function createProgram(ctx: AppContext): Command {
  const program = new Command(BIN);
  program
    .description(
      'Analytics for Amazon API Gateway REST API access logs. Deploys one CloudFormation stack ' +
        '(Firehose, an enrichment Lambda, S3, Glue, Athena, QuickSight) and points your stages at it.',
    )
    .version(ctx.version, '--version', 'print the version and exit')
    .helpOption('-h, --help', 'show help for a command')
    .addOption(new Option('--region <region>', 'AWS region to work in (default: AWS_REGION, then your profile)').argParser(parseRegion))
    .addOption(new Option('--profile <name>', 'AWS profile for credentials and region (default: AWS_PROFILE)'))
    .addOption(new Option('--cli-read-timeout <seconds>', 'seconds an AWS endpoint may stay silent before the attempt fails; 0 waits for ever (default: 60)').argParser(parseTimeoutSeconds))
    .addOption(new Option('--cli-connect-timeout <seconds>', 'seconds to open a connection to an AWS endpoint; 0 waits for ever (default: 60)').argParser(parseTimeoutSeconds))
    .addOption(new Option('--no-interactive', 'never prompt; a missing input is an error naming its flag'))
    .addOption(new Option('-v, --verbose', 'more detail on stderr; -vv adds AWS SDK request logs').argParser(increaseVerbosity).default(0))
    .addOption(new Option('--no-color', 'plain text output (also NO_COLOR=1)'))
    .showHelpAfterError(`(run ${BIN} --help for usage)`)
    .configureOutput({
      writeOut: (s) => ctx.io.result(s.trimEnd()),
      writeErr: (s) => ctx.io.info(s.trimEnd()),
      outputError: (s, write) => write(s),
    })
    .addHelpText(
      'after',
      `
Exit codes: 0 success; 1 failed or declined; 2 bad command line; 130 interrupted (Ctrl+C).
Results go to stdout, progress and errors to stderr.

Example:
  $ npx ${BIN} status --region eu-west-1`,
    );
  program.exitOverride();

  const withRun = (command: Command): RunContext => runContext(ctx, command.optsWithGlobals<GlobalOptions>());
  registerInit(program, withRun);
  registerStatus(program, withRun);
  registerConnectStage(program, withRun);
  registerDisconnectStage(program, withRun);
  registerReport(program, withRun);
  registerUninstall(program, withRun);
  for (const c of program.commands) {
    c.exitOverride();
    c.configureOutput({
      writeOut: (s) => ctx.io.result(s.trimEnd()),
      writeErr: (s) => ctx.io.info(s.trimEnd()),
    });
    c.showHelpAfterError(`(run ${BIN} ${c.name()} --help for usage)`);
  }
  return program;
}

export type RunContextFor = (command: Command) => RunContext;
