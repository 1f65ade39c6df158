/**
 * The prompt adapter: the only importer of @inquirer/prompts (loaded on first use, so commands that
 * never ask do not pay for it). Prompts draw on stderr. Ctrl+C inside a prompt becomes a
 * CancelledError, never a stack trace.
 */
import { CancelledError } from '../errors.js';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
  /** A reason the choice cannot be picked, shown beside it. */
  disabled?: string | boolean;
  checked?: boolean;
}

export interface Prompter {
  confirm(q: { message: string; default?: boolean }): Promise<boolean>;
  input(q: { message: string; default?: string; validate?: (value: string) => true | string }): Promise<string>;
  select<T>(q: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  checkbox<T>(q: { message: string; choices: Choice<T>[]; required?: boolean }): Promise<T[]>;
}

interface PromptContext {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  signal?: AbortSignal;
}

function isPromptExit(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError';
}

async function guard<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isPromptExit(e)) throw new CancelledError();
    throw e;
  }
}

export function createInquirerPrompter(context: PromptContext): Prompter {
  const ctx = { output: context.output ?? process.stderr, input: context.input, signal: context.signal };
  const load = () => import('@inquirer/prompts');
  return {
    confirm: (q) => guard(async () => (await load()).confirm({ message: q.message, default: q.default ?? false }, ctx)),
    input: (q) =>
      guard(async () =>
        (await load()).input({ message: q.message, default: q.default, validate: q.validate ? (v) => q.validate!(v) : undefined }, ctx),
      ),
    select: <T>(q: { message: string; choices: Choice<T>[]; default?: T }) =>
      guard(async () => (await load()).select<T>({ message: q.message, choices: q.choices, default: q.default, pageSize: 15 }, ctx)),
    checkbox: <T>(q: { message: string; choices: Choice<T>[]; required?: boolean }) =>
      guard(async () =>
        (await load()).checkbox<T>({ message: q.message, choices: q.choices, required: q.required ?? false, pageSize: 15 }, ctx),
      ),
  };
}

/** The prompter used when nobody can answer: any question is a bug in the caller's flag handling. */
export const noPrompter: Prompter = {
  confirm: () => Promise.reject(new Error('internal: confirm() called without a terminal')),
  input: () => Promise.reject(new Error('internal: input() called without a terminal')),
  select: () => Promise.reject(new Error('internal: select() called without a terminal')),
  checkbox: () => Promise.reject(new Error('internal: checkbox() called without a terminal')),
};
