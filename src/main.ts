/**
 * The entry point and the only place that reads argv, decides colour and sets the exit code.
 * Commands return or throw; this function turns what they throw into one readable message.
 */
import { CommanderError } from 'commander';
import { createProgram } from './cli.js';
import type { AppContext } from './context.js';
import { CancelledError, EXIT_CODES, fromAwsError, isAppError, type AppError } from './errors.js';
import { colorLevel, canAnimate, type Env } from './ui/env.js';
import { createIo, type Io, type OutStream } from './ui/io.js';
import { createInquirerPrompter } from './ui/prompts.js';
import { createAwsServices } from './aws/clients.js';
import type { Sleep } from './aws/throttle.js';
import { createInterrupts, noInterrupts, type Interrupts } from './interrupts.js';

declare const __CLI_VERSION__: string;
export const VERSION: string = __CLI_VERSION__;

export interface ProcessLike {
  argv: string[];
  env: Env;
  stdout: OutStream;
  stderr: OutStream;
  stdinIsTTY: boolean;
  signal?: AbortSignal;
  interrupts?: Interrupts;
}

/** Reads the flags that shape output before commander runs (errors from parsing need them too). */
export function earlyFlags(argv: readonly string[]): { noColor: boolean; verbosity: number } {
  let verbosity = 0;
  let noColor = false;
  for (const a of argv) {
    if (a === '--') break;
    if (a === '--no-color') noColor = true;
    else if (a === '--verbose') verbosity++;
    else if (a === '--debug') verbosity += 2;
    else if (/^-v+$/.test(a)) verbosity += a.length - 1;
  }
  return { noColor, verbosity };
}

export function abortableSleep(signal: AbortSignal): Sleep {
  return (ms) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new CancelledError());
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new CancelledError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
}

export function printError(io: Io, e: AppError, verbosity: number): void {
  const soft = e.kind === 'abort' || e.kind === 'cancel';
  if (soft) io.warn(e.message);
  else io.error(e.message);
  for (const d of e.details) io.info(`  ${d}`);
  if (e.resolution) io.info(`  ${io.style.bold('To fix:')} ${e.resolution}`);
  if (verbosity > 0 && e.cause instanceof Error && e.cause.stack) io.info(io.style.gray(e.cause.stack));
  if (verbosity > 0 && e.kind === 'internal' && e.stack) io.info(io.style.gray(e.stack));
}

/** Runs the CLI and returns the exit code; never calls process.exit. */
export async function run(proc: ProcessLike, overrides: Partial<AppContext> = {}): Promise<number> {
  const { noColor, verbosity } = earlyFlags(proc.argv.slice(2));
  const stderrIsTTY = proc.stderr.isTTY === true;
  const io = createIo({
    stdout: proc.stdout,
    stderr: proc.stderr,
    colorLevel: colorLevel({ env: proc.env, noColorFlag: noColor, isTTY: stderrIsTTY }),
    verbosity,
    animate: canAnimate(proc.env, stderrIsTTY),
  });
  const signal = proc.signal ?? new AbortController().signal;
  const sleep = abortableSleep(signal);
  const ctx: AppContext = {
    env: proc.env,
    io,
    version: VERSION,
    stdinIsTTY: proc.stdinIsTTY,
    stderrIsTTY,
    createPrompter: () => createInquirerPrompter({ output: proc.stderr as NodeJS.WritableStream, signal }),
    createAws: (target, options = {}) =>
      createAwsServices({
        target,
        ...(options.timeouts ? { timeouts: options.timeouts } : {}),
        sleep,
        now: Date.now,
        debug: (m) => io.debug(m),
        ...(verbosity >= 2
          ? {
              sdkLogger: {
                debug: () => undefined,
                info: (...c: unknown[]) => io.trace(c.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')),
                warn: (...c: unknown[]) => io.trace(c.map(String).join(' ')),
                error: (...c: unknown[]) => io.trace(c.map(String).join(' ')),
              },
            }
          : {}),
      }),
    sleep,
    now: Date.now,
    signal,
    interrupts: proc.interrupts ?? noInterrupts,
    ...overrides,
  };
  const program = createProgram(ctx);
  try {
    await program.parseAsync(proc.argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      // `help` asked for (stdout) is 0; no command given (help on stderr, exitCode 1) is, as for the
      // AWS CLI, a bad command line.
      if (e.code === 'commander.help' && e.exitCode === 0) return 0;
      return EXIT_CODES.usage;
    }
    const err = isAppError(e) ? e : fromAwsError(e);
    printError(io, err, verbosity);
    return err.exitCode;
  }
}

/**
 * A reader that closes early (`--help | head -1`) is a normal end, not a crash: EPIPE on stdout
 * ends the run with exit 0 (nobody reads the rest); on stderr, later messages are dropped.
 */
function endQuietlyOnClosedPipes(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

/** The real process. */
export async function main(): Promise<void> {
  // The SDK warns on Node.js 20 (its support ends January 2027); we decide the supported range
  // ourselves and pin the SDK in our bundle, so its notice is not the user's concern.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const controller = new AbortController();
  const { interrupts, onSigint } = createInterrupts({
    abort: () => controller.abort(),
    write: (text) => void process.stderr.write(text),
    exit: (code) => process.exit(code),
  });
  process.on('SIGINT', onSigint);
  endQuietlyOnClosedPipes();
  const code = await run({
    argv: process.argv,
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: process.stdin.isTTY === true,
    signal: controller.signal,
    interrupts,
  });
  process.off('SIGINT', onSigint);
  process.exitCode = controller.signal.aborted && code !== 0 ? 130 : code;
}
