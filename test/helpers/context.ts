/**
 * Test doubles for the command context: recording streams (every line tagged with the stream it
 * went to), a scripted prompter that fails on any question it was not given an answer for, instant
 * sleep on a virtual clock, and the real AWS adapters (mock their SDK clients with
 * aws-sdk-client-mock).
 */
import stripAnsi from 'strip-ansi';
import { createAwsServices } from '../../src/aws/clients.js';
import type { AppContext, GlobalOptions, RunContext } from '../../src/context.js';
import { runContext } from '../../src/commands/options.js';
import { noInterrupts, type Interrupts } from '../../src/interrupts.js';
import { createIo, type OutStream } from '../../src/ui/io.js';
import type { Choice, Prompter } from '../../src/ui/prompts.js';

export interface Recorded {
  stream: 'stdout' | 'stderr';
  text: string;
}

export class RecordingStream implements OutStream {
  isTTY: boolean;
  constructor(
    readonly name: 'stdout' | 'stderr',
    readonly sink: Recorded[],
    isTTY = false,
  ) {
    this.isTTY = isTTY;
  }
  write(chunk: string): boolean {
    this.sink.push({ stream: this.name, text: chunk });
    return true;
  }
  // What ora needs of a terminal stream.
  columns = 100;
  cursorTo(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
}

export interface ScriptedAnswer {
  /** Matched against the question text. */
  match: RegExp;
  answer: unknown;
}

/** A prompter that answers from a script, in order, and records each question. */
export class ScriptedPrompter implements Prompter {
  readonly asked: Array<{ kind: string; message: string; choices?: Array<Choice<unknown>>; default?: unknown }> = [];
  constructor(private readonly script: ScriptedAnswer[] = []) {}
  private next(kind: string, message: string, choices?: Array<Choice<unknown>>, dflt?: unknown): unknown {
    this.asked.push({ kind, message, ...(choices ? { choices } : {}), ...(dflt !== undefined ? { default: dflt } : {}) });
    const i = this.script.findIndex((s) => s.match.test(message));
    if (i < 0) throw new Error(`unexpected ${kind} prompt: ${message}`);
    const [s] = this.script.splice(i, 1);
    if (s!.answer instanceof Error) throw s!.answer;
    return s!.answer;
  }
  confirm(q: { message: string; default?: boolean }): Promise<boolean> {
    return Promise.resolve().then(() => this.next('confirm', q.message, undefined, q.default) as boolean);
  }
  input(q: { message: string; validate?: (v: string) => true | string }): Promise<string> {
    return Promise.resolve().then(() => {
      const v = this.next('input', q.message) as string;
      const ok = q.validate ? q.validate(v) : true;
      if (ok !== true) throw new Error(`scripted answer "${v}" failed validation: ${ok}`);
      return v;
    });
  }
  select<T>(q: { message: string; choices: Choice<T>[] }): Promise<T> {
    return Promise.resolve().then(() => this.next('select', q.message, q.choices as Array<Choice<unknown>>) as T);
  }
  checkbox<T>(q: { message: string; choices: Choice<T>[] }): Promise<T[]> {
    return Promise.resolve().then(() => this.next('checkbox', q.message, q.choices as Array<Choice<unknown>>) as T[]);
  }
}

export interface TestContextOptions {
  env?: Record<string, string | undefined>;
  interactive?: boolean;
  prompter?: Prompter;
  globals?: Partial<GlobalOptions>;
  region?: string;
  /** Start of the virtual clock, in ms. */
  startMs?: number;
  apiGatewayRate?: { ratePerSecond: number; burst: number };
  interrupts?: Interrupts;
  /** The run's Ctrl+C signal (default: the harness's own `abort`). */
  signal?: AbortSignal;
}

export interface TestHarness {
  app: AppContext;
  ctx: RunContext;
  records: Recorded[];
  /** ANSI-free text written to a stream. */
  out(stream?: 'stdout' | 'stderr'): string;
  clock: { now: number; sleeps: number[] };
  abort: AbortController;
}

export function createTestContext(options: TestContextOptions = {}): TestHarness {
  const records: Recorded[] = [];
  const clock = { now: options.startMs ?? Date.UTC(2026, 10, 25, 12, 0, 0), sleeps: [] as number[] };
  const sleep = (ms: number) => {
    clock.sleeps.push(ms);
    clock.now += ms;
    return Promise.resolve();
  };
  const now = () => clock.now;
  const io = createIo({
    stdout: new RecordingStream('stdout', records),
    stderr: new RecordingStream('stderr', records),
    colorLevel: 0,
    verbosity: 1,
    animate: false,
  });
  const interactive = options.interactive ?? false;
  const abort = new AbortController();
  const env = { AWS_REGION: options.region ?? 'us-east-1', ...(options.env ?? {}) };
  const app: AppContext = {
    env,
    io,
    version: '0.1.0',
    stdinIsTTY: interactive,
    stderrIsTTY: interactive,
    createPrompter: () => options.prompter ?? new ScriptedPrompter(),
    createAws: (target) =>
      createAwsServices({ target, sleep, now, ...(options.apiGatewayRate ? { apiGatewayRate: options.apiGatewayRate } : {}) }),
    sleep,
    now,
    signal: options.signal ?? abort.signal,
    interrupts: options.interrupts ?? noInterrupts,
  };
  const globals: GlobalOptions = { interactive: true, verbose: 0, color: false, ...options.globals };
  const ctx = runContext(app, globals);
  return {
    app,
    ctx,
    records,
    out: (stream) =>
      stripAnsi(
        records
          .filter((r) => !stream || r.stream === stream)
          .map((r) => r.text)
          .join(''),
      ),
    clock,
    abort,
  };
}
