/**
 * The only module that writes to the terminal. Results (tables, JSON) go to stdout; everything else
 * (progress, warnings, errors, prompts) goes to stderr, so `status --json | jq` always works.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export type Level = 'error' | 'warn' | 'info' | 'success' | 'debug' | 'trace';

export interface StepHandle {
  /** Replace the step's text while it runs (for example "3 of 12 stages"). */
  update(text: string): void;
}

export interface Io {
  /** 0 normal, 1 with -v (debug), 2 with -vv (trace, and AWS SDK request logs). */
  readonly verbosity: number;
  readonly style: ChalkInstance;
  /** Whether spinners and live redraws are used (a terminal, outside CI). */
  readonly animate: boolean;
  /** Columns of stdout when it is a terminal that reports its width; null for a file, a pipe or a width of 0. */
  readonly width: number | null;
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  success(message: string): void;
  debug(message: string): void;
  trace(message: string): void;
  /** A result line for stdout. */
  result(text: string): void;
  /** A machine-readable result on stdout. */
  json(value: unknown): void;
  /** Runs `fn` under a spinner on a terminal, or between plain lines elsewhere. */
  step<T>(title: string, fn: (handle: StepHandle) => Promise<T>, done?: (value: T) => string): Promise<T>;
}

export interface IoOptions {
  stdout: OutStream;
  stderr: OutStream;
  colorLevel: 0 | 1 | 2 | 3;
  verbosity?: number;
  animate?: boolean;
}

/**
 * Below this width a spinner line cannot be redrawn in place. A terminal that reports 0 columns
 * (`script`, some CI ptys, serial consoles) made ora erase lines without end (ESC[1A ESC[0K, hundreds
 * of MB), so 0, a missing width and anything narrow mean plain lines instead.
 */
export const MIN_ANIMATE_COLUMNS = 20;

/** Whether a stream is wide enough for live redraws (a width of 0 means unknown). */
export function wideEnough(stream: OutStream): boolean {
  const columns = stream.columns;
  return typeof columns === 'number' && Number.isFinite(columns) && columns >= MIN_ANIMATE_COLUMNS;
}

export function createIo(options: IoOptions): Io {
  const { stdout, stderr } = options;
  const style = new Chalk({ level: options.colorLevel });
  const verbosity = options.verbosity ?? 0;
  const animate = (options.animate ?? false) && wideEnough(stderr);
  const line = (stream: OutStream, text: string) => {
    stream.write(text.endsWith('\n') ? text : `${text}\n`);
  };
  const symbols = {
    error: style.red('✖'),
    warn: style.yellow('!'),
    success: style.green('✔'),
  };
  const io: Io = {
    verbosity,
    style,
    animate,
    width: stdout.isTTY === true && wideEnough(stdout) ? (stdout.columns as number) : null,
    error: (m) => line(stderr, `${symbols.error} ${m}`),
    warn: (m) => line(stderr, `${symbols.warn} ${style.yellow(m)}`),
    info: (m) => line(stderr, m),
    success: (m) => line(stderr, `${symbols.success} ${m}`),
    debug: (m) => {
      if (verbosity >= 1) line(stderr, style.gray(m));
    },
    trace: (m) => {
      if (verbosity >= 2) line(stderr, style.gray(m));
    },
    result: (text) => line(stdout, text),
    json: (value) => line(stdout, JSON.stringify(value, null, 2)),
    async step(title, fn, done) {
      if (!animate) {
        line(stderr, `${style.gray('…')} ${title}`);
        try {
          const value = await fn({ update: () => undefined });
          line(stderr, `${symbols.success} ${done ? done(value) : title}`);
          return value;
        } catch (e) {
          line(stderr, `${symbols.error} ${title}`);
          throw e;
        }
      }
      const { default: ora } = await import('ora');
      const spinner = ora({ text: title, stream: stderr as NodeJS.WritableStream, color: 'cyan', discardStdin: false }).start();
      try {
        const value = await fn({ update: (t) => (spinner.text = t) });
        spinner.succeed(done ? done(value) : title);
        return value;
      } catch (e) {
        spinner.fail(title);
        throw e;
      }
    },
  };
  return io;
}

/** The program's own streams, used by `main.ts` only. */
export function processStreams(): { stdout: OutStream; stderr: OutStream } {
  return { stdout: process.stdout, stderr: process.stderr };
}

/** Writes straight to stderr, for the rare message printed before an Io exists. */
export function earlyError(text: string): void {
  console.error(text);
}
