/**
 * The port through which the deploy engine reports what it does. `src/core/` never writes to a
 * terminal: it calls an IoHost, and the command's context supplies the terminal one
 * (`cliIoHost(io)` in src/ui/io-host.ts, wired by `runContext` in src/cli.ts).
 *
 * Named after the AWS CDK Toolkit Library's IIoHost, the channel between the toolkit and whatever
 * shows its progress (https://docs.aws.amazon.com/cdk/v2/guide/toolkit-library-configure-messages.html).
 * CDK's host takes one `notify(IoMessage)` with a level and a message code; ours has one method per
 * kind of message the engine emits, because there are only these. Questions to the user are not
 * here: the engine asks them through the confirm hooks in its DeployDeps (CDK's `requestResponse`).
 */
import type { StackEventSummary } from '../aws/cloudformation.js';

/** One CloudFormation operation followed from its events (CDK: stack monitoring start, activity, end). */
export interface StackOperation<T> {
  stackName: string;
  /** Creating, Updating, Deleting. */
  verb: string;
  /** Resources the operation touches (the change set's size), when known. */
  total?: number;
  /** Whether the value the watch returned is a success; a failure is still returned, for the engine to explain. */
  succeeded?: (value: T) => boolean;
  /** The closing line. */
  done?: (value: T) => string;
}

/** Where the engine pushes an operation's new stack events, oldest first. */
export interface StackActivityFeed {
  push(events: readonly StackEventSummary[]): void;
}

export interface IoHost {
  /** A unit of work with a start and an end line; `done` words the end line from the result. */
  step<T>(title: string, work: () => Promise<T>, done?: (value: T) => string): Promise<T>;
  info(message: string): void;
  success(message: string): void;
  debug(message: string): void;
  /** Runs `watch`, which polls the stack and pushes its new events, and shows the operation's progress. */
  monitorStack<T>(operation: StackOperation<T>, watch: (feed: StackActivityFeed) => Promise<T>): Promise<T>;
}
