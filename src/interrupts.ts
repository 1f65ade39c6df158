/**
 * Ctrl+C. A command that only reads ends on the first one (its AWS calls may be waiting on a silent
 * endpoint, so waiting for a "safe point" could mean waiting for ever). A command that changes the
 * account marks those steps with `changing(leftBehind, fn)`: during them the first Ctrl+C asks the
 * command to stop at the next safe point and says exactly what a second Ctrl+C would leave behind;
 * the second one exits 130 at once.
 */
export interface Interrupts {
  /** Runs `fn` as a step that changes the account; `leftBehind` says what stopping in the middle of it leaves. */
  changing<T>(leftBehind: string, fn: () => Promise<T>): Promise<T>;
}

export interface InterruptDeps {
  /** Aborts the run's signal (commands stop at their next safe point). */
  abort(): void;
  /** To stderr. */
  write(text: string): void;
  exit(code: number): void;
  /** How long a read-only command gets to clean up (stop an Athena query) after the first Ctrl+C. */
  graceMs?: number;
  setTimer?: (fn: () => void, ms: number) => void;
}

export const EXIT_INTERRUPTED = 130;

export function createInterrupts(deps: InterruptDeps): { interrupts: Interrupts; onSigint: () => void } {
  const held: string[] = [];
  let count = 0;
  const interrupts: Interrupts = {
    async changing(leftBehind, fn) {
      held.push(leftBehind);
      try {
        return await fn();
      } finally {
        held.splice(held.lastIndexOf(leftBehind), 1);
      }
    },
  };
  const onSigint = () => {
    count++;
    const leftBehind = held[held.length - 1];
    if (count > 1) {
      deps.write('\nStopped.\n');
      deps.exit(EXIT_INTERRUPTED);
      return;
    }
    deps.abort();
    if (leftBehind === undefined) {
      deps.write('\nCancelled.\n');
      (deps.setTimer ?? ((f, ms) => setTimeout(f, ms).unref()))(() => deps.exit(EXIT_INTERRUPTED), deps.graceMs ?? 1000);
      return;
    }
    deps.write(`\nCancelling at the next safe point. Ctrl+C again stops at once and leaves ${leftBehind}\n`);
  };
  return { interrupts, onSigint };
}

/** For tests and for code that runs outside a command: nothing is guarded. */
export const noInterrupts: Interrupts = { changing: (_leftBehind, fn) => fn() };
