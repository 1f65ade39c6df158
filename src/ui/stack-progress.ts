/**
 * Shows a stack operation's progress from its events. On a terminal (io.animate) it is one live
 * line under a spinner ("Creating stack x: 7/23 resources · Dashboard CREATE_IN_PROGRESS"); elsewhere
 * (CI, pipes, logs) every event is a plain history line, so nothing is redrawn.
 */
import type { StackEventSummary } from '../aws/cloudformation.js';
import type { StackActivityFeed, StackOperation } from '../core/io-host.js';
import type { Io } from './io.js';

/** What the live line names: the stack, the verb (Creating, Updating, Deleting) and the change set's size when known. */
export type StackProgressOptions = Pick<StackOperation<unknown>, 'stackName' | 'verb' | 'total'>;

/** New events, oldest first (the deploy engine's port type). */
export type StackProgressFeed = StackActivityFeed;

/** One history line: time, resource type, logical id, status, reason. */
export function formatEventLine(e: StackEventSummary, io?: Pick<Io, 'style'>): string {
  const time = e.timestamp.toISOString().slice(11, 19);
  const status = io ? colourStatus(e.status, io) : e.status;
  const parts = [time, e.resourceType.padEnd(34), e.logicalId.padEnd(28), status];
  if (e.reason) parts.push(e.reason);
  return `  ${parts.join('  ').trimEnd()}`;
}

function colourStatus(status: string, io: Pick<Io, 'style'>): string {
  if (status.endsWith('_FAILED')) return io.style.red(status);
  if (status.includes('ROLLBACK')) return io.style.yellow(status);
  if (status.endsWith('_COMPLETE')) return io.style.green(status);
  return status;
}

/** Tracks which resources are done, for the live line. */
export class ProgressState {
  private readonly done = new Set<string>();
  private last: StackEventSummary | undefined;
  failures = 0;

  constructor(private readonly options: StackProgressOptions) {}

  add(e: StackEventSummary): void {
    if (e.isStackEvent) return;
    this.last = e;
    if (e.status.endsWith('_COMPLETE')) this.done.add(e.logicalId);
    if (e.status.endsWith('_FAILED')) this.failures++;
  }

  get completed(): number {
    return this.done.size;
  }

  line(): string {
    const { verb, stackName, total } = this.options;
    const count = total ? `${Math.min(this.completed, total)}/${total} resources` : `${this.completed} resources done`;
    const current = this.last ? ` · ${this.last.logicalId} ${this.last.status}` : '';
    return `${verb} stack ${stackName}: ${count}${current}`;
  }
}

/** Thrown inside the step only to have it end with ✖; caught below. */
class OperationFailed extends Error {}

/**
 * Runs `fn` (which polls the stack and feeds new events in) under a step. The step's final line
 * closes the view: ✔ when `succeeded(value)` holds, ✖ otherwise (the value is still returned, for
 * the caller to explain); an exception shows ✖ and propagates.
 */
export async function withStackProgress<T>(
  io: Io,
  options: StackOperation<T>,
  fn: (feed: StackProgressFeed) => Promise<T>,
): Promise<T> {
  const state = new ProgressState(options);
  const title = `${options.verb} stack ${options.stackName}`;
  let failed: { value: T } | undefined;
  try {
    return await io.step(
      title,
      async (handle) => {
        const value = await fn({
          push(events) {
            for (const e of events) {
              state.add(e);
              if (!io.animate) io.info(formatEventLine(e, io));
            }
            if (io.animate) handle.update(state.line());
          },
        });
        if (options.succeeded && !options.succeeded(value)) {
          failed = { value };
          throw new OperationFailed();
        }
        return value;
      },
      options.done,
    );
  } catch (e) {
    if (e instanceof OperationFailed && failed) return failed.value;
    throw e;
  }
}
