/**
 * What the commands own about the command line: the run context every command's action builds
 * from the parsed global options, and the option parsers shared by the commands' registrations.
 * `cli.ts` registers the commands; nothing here imports it.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { AppContext, GlobalOptions, RunContext } from '../context.js';
import { resolveTarget } from '../aws/config.js';
import { isInteractive } from '../ui/env.js';
import { noPrompter } from '../ui/prompts.js';
import { cliIoHost } from '../ui/io-host.js';
import type { AwsServices } from '../aws/clients.js';
import { DEFAULT_TIMEOUT_SECONDS, type HttpTimeouts } from '../aws/settings.js';
import { projectNameProblem } from '../core/names.js';
import { UsageError } from '../errors.js';

/** Builds a command's RunContext from the command as commander parsed it. */
export type RunContextFor = (command: Command) => RunContext;

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
      (aws ??= resolveTarget({ regionFlag: globals.region, profileFlag: globals.profile, endpointFlag: globals.endpointUrl, env: ctx.env }).then((target) =>
        ctx.createAws(target, { timeouts: httpTimeouts(globals) }),
      )),
  };
}

/** The globals' timeouts in milliseconds; the AWS CLI's 60 s where not given. */
export function httpTimeouts(globals: Pick<GlobalOptions, 'cliReadTimeout' | 'cliConnectTimeout'>): HttpTimeouts {
  return {
    connectMs: Math.round((globals.cliConnectTimeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000),
    readMs: Math.round((globals.cliReadTimeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000),
  };
}

/** For a repeatable option (`--stage a --stage b`): collects every value, in order. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** `--project`: checked as commander parses it, so a bad name is exit 2 before any AWS call. */
export function parseProject(value: string): string {
  const problem = projectNameProblem(value);
  if (problem) throw new InvalidArgumentError(`${problem}. Choose a name like "shop" or "orders-api" (3-32 lowercase letters, digits, hyphens).`);
  return value;
}

/** A whole number from `min` to `max`, for options like `--top`. */
export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`it must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

/** Problems with `--stage` values and `--stage` beside `--all-stages`, found without any AWS call. */
export function stageFlagProblems(stage: readonly string[] | undefined, allStages: boolean): string[] {
  const problems: string[] = [];
  if (stage?.length && allStages) problems.push('--stage and --all-stages cannot be used together: pass one of them');
  // The shape only (ID/NAME): what the ID names (an HTTP API, a missing stage) needs AWS to tell.
  for (const v of stage ?? []) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(v.trim())) problems.push(`--stage "${v}" is not API_ID/STAGE (for example a1b2c3d4e5/prod)`);
  }
  return problems;
}

/** One UsageError (exit 2) for every problem on the command line, or nothing. */
export function throwUsageProblems(problems: readonly string[], resolution: string): void {
  if (problems.length === 0) return;
  throw new UsageError('BadCommandLine', problems.length === 1 ? `${problems[0]}.` : `${problems.length} problems with the command line:`, {
    ...(problems.length === 1 ? {} : { details: problems.map((p) => `- ${p}`) }),
    resolution,
  });
}
