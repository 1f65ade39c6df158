/**
 * The command line: global options, commands and help. `createProgram(ctx)` has no side effects;
 * command implementations are imported only when their command runs, so `--help` stays fast.
 * Only main.ts imports this module; what the commands share lives in src/commands/options.ts.
 */
import { Command, Option, InvalidArgumentError } from 'commander';
import type { AppContext, GlobalOptions } from './context.js';
import { isValidRegionName } from './aws/config.js';
import { runContext, type RunContextFor } from './commands/options.js';
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
    throw new InvalidArgumentError(`"${value}" is not an AWS region name (for example us-east-1, eu-west-2, cn-north-1, eusc-de-east-1).`);
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

function parseEndpointUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InvalidArgumentError('it must be an http:// or https:// URL (for example http://localhost:4566).');
  }
  return value;
}

/** `--output json` is the AWS CLI's habit; here JSON is one flag on the commands that print data. */
function refuseOutput(value: string): never {
  throw new InvalidArgumentError(
    value === 'json'
      ? 'this tool has no --output: pass --json for JSON on stdout.'
      : 'this tool has no --output: text is the default, --json prints JSON on stdout.',
  );
}

function increaseVerbosity(_value: string, previous: number): number {
  return previous + 1;
}

function addGlobalOptions(program: Command): void {
  program
    .addOption(new Option('--region <region>', 'AWS region to work in (default: AWS_REGION, then your profile)').argParser(parseRegion))
    .addOption(new Option('--profile <name>', 'AWS profile for credentials and region (default: AWS_PROFILE)'))
    .addOption(new Option('--cli-read-timeout <seconds>', 'seconds an AWS endpoint may stay silent before the attempt fails; 0 waits for ever (default: 60)').argParser(parseTimeoutSeconds))
    .addOption(new Option('--cli-connect-timeout <seconds>', 'seconds to open a connection to an AWS endpoint; 0 waits for ever (default: 60)').argParser(parseTimeoutSeconds))
    .addOption(new Option('--endpoint-url <url>', 'send every AWS call to this endpoint (as AWS_ENDPOINT_URL does)').argParser(parseEndpointUrl))
    .addOption(new Option('--no-interactive', 'never prompt; a missing input is an error naming its flag'))
    .addOption(new Option('-v, --verbose', 'more detail on stderr; -vv adds AWS SDK request logs').argParser(increaseVerbosity).default(0))
    .addOption(new Option('--debug', 'the same as -vv').hideHelp())
    .addOption(new Option('--output <format>').hideHelp().argParser(refuseOutput))
    .addOption(new Option('--no-color', 'plain text output (also NO_COLOR=1)'));
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
    // Each command's help lists --region, --profile and the rest under "Global Options".
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError(`(run ${BIN} --help for usage)`)
    .configureOutput({
      writeOut: (s) => ctx.io.result(s.trimEnd()),
      writeErr: (s) => ctx.io.info(s.trimEnd()),
      outputError: (s, write) => write(s),
    })
    .addHelpText(
      'after',
      `
Exit codes: 0 success; 1 failed or declined; 2 bad command line (also: no command given);
130 interrupted (Ctrl+C). Results go to stdout, progress and errors to stderr.

Examples:
  $ npx ${BIN} report --local assets/sample --html report.html   # no AWS account needed
  $ npx ${BIN} status --region eu-west-1`,
    );
  addGlobalOptions(program);
  program.exitOverride();

  const withRun: RunContextFor = (command) => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    return runContext(ctx, globals.debug ? { ...globals, verbose: Math.max(globals.verbose, 2) } : globals);
  };
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
