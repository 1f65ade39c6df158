/**
 * What a command runs with. `main.ts` builds the AppContext from the real process; tests build one
 * with recording streams, a scripted prompter, instant sleep and mocked AWS clients. Nothing in here
 * reads the process at import time.
 */
import type { AwsServices } from './aws/clients.js';
import type { AwsTarget } from './aws/config.js';
import type { HttpTimeouts } from './aws/settings.js';
import type { Now, Sleep } from './aws/throttle.js';
import type { IoHost } from './core/io-host.js';
import type { Interrupts } from './interrupts.js';
import type { Env } from './ui/env.js';
import type { Io } from './ui/io.js';
import type { Prompter } from './ui/prompts.js';

/** The options every command accepts (declared once on the root program). */
export interface GlobalOptions {
  region?: string;
  profile?: string;
  /** `--endpoint-url`: the endpoint every AWS client calls. */
  endpointUrl?: string;
  /** false with --no-interactive. */
  interactive: boolean;
  /** How many times -v was given. */
  verbose: number;
  /** `--debug`, the AWS CLI's habit: the same as -vv. */
  debug?: boolean;
  /** false with --no-color. */
  color: boolean;
  /** --cli-read-timeout / --cli-connect-timeout, in seconds (0: none). */
  cliReadTimeout?: number;
  cliConnectTimeout?: number;
}

export interface AppContext {
  env: Env;
  io: Io;
  version: string;
  stdinIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Builds the prompter; called only when a run is interactive. */
  createPrompter: () => Prompter;
  /** Resolves region and profile, then builds the run's AWS adapters. */
  createAws: (target: AwsTarget, options?: { timeouts?: HttpTimeouts }) => AwsServices;
  sleep: Sleep;
  now: Now;
  /** Aborted on Ctrl+C. */
  signal: AbortSignal;
  /** Marks the steps that change the account, so Ctrl+C says what stopping there leaves behind. */
  interrupts: Interrupts;
}

export interface RunContext extends AppContext {
  globals: GlobalOptions;
  interactive: boolean;
  prompter: Prompter;
  /** The deploy engine's port to the terminal (src/core/io-host.ts), over `io`. */
  ioHost: IoHost;
  /** Resolves the target on first use (so a command with bad flags fails before touching AWS). */
  aws: () => Promise<AwsServices>;
}
