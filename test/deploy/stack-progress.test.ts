import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import type { StackEventSummary } from '../../src/aws/cloudformation.js';
import type { Io, StepHandle } from '../../src/ui/io.js';
import { ProgressState, formatEventLine, withStackProgress } from '../../src/ui/stack-progress.js';

function ev(logicalId: string, status: string, seconds: number, reason?: string, isStackEvent = false): StackEventSummary {
  return {
    eventId: `${logicalId}-${seconds}`,
    stackId: 'id',
    stackName: 'apigw-log-analytics-shop',
    logicalId,
    resourceType: isStackEvent ? 'AWS::CloudFormation::Stack' : 'AWS::S3::Bucket',
    status,
    timestamp: new Date(Date.UTC(2026, 10, 25, 12, 0, seconds)),
    isStackEvent,
    ...(reason ? { reason } : {}),
  };
}

/** An Io that records lines and the live updates of its one step. */
function fakeIo(animate: boolean) {
  const lines: string[] = [];
  const updates: string[] = [];
  const io = {
    verbosity: 0,
    style: new Chalk({ level: 0 }),
    animate,
    info: (m: string) => lines.push(m),
    async step<T>(title: string, fn: (h: StepHandle) => Promise<T>, done?: (v: T) => string): Promise<T> {
      lines.push(`… ${title}`);
      try {
        const v = await fn({ update: (t) => updates.push(t) });
        lines.push(`✔ ${done ? done(v) : title}`);
        return v;
      } catch (e) {
        lines.push(`✖ ${title}`);
        throw e;
      }
    },
  } as unknown as Io;
  return { io, lines, updates };
}

describe('formatEventLine', () => {
  it('prints time, type, logical id, status and reason', () => {
    expect(formatEventLine(ev('LogBucket', 'CREATE_FAILED', 7, 'Access Denied'))).toBe(
      `  12:00:07  ${'AWS::S3::Bucket'.padEnd(34)}  ${'LogBucket'.padEnd(28)}  CREATE_FAILED  Access Denied`,
    );
  });
});

describe('withStackProgress', () => {
  it('without animation prints each event as a history line and never redraws', async () => {
    const { io, lines, updates } = fakeIo(false);
    await withStackProgress(io, { stackName: 's', verb: 'Creating', total: 2 }, async (feed) => {
      feed.push([ev('A', 'CREATE_IN_PROGRESS', 1)]);
      feed.push([ev('A', 'CREATE_COMPLETE', 2), ev('s', 'CREATE_COMPLETE', 3, undefined, true)]);
      return 'ok';
    });
    expect(updates).toEqual([]);
    expect(lines[0]).toBe('… Creating stack s');
    expect(lines.slice(1, 4).map((l) => l.trim().split(/\s+/).slice(2, 4).join(' '))).toEqual(['A CREATE_IN_PROGRESS', 'A CREATE_COMPLETE', 's CREATE_COMPLETE']);
    expect(lines[4]).toBe('✔ Creating stack s');
  });

  it('with animation updates one live line with the count and the latest resource, and prints no history', async () => {
    const { io, lines, updates } = fakeIo(true);
    await withStackProgress(io, { stackName: 's', verb: 'Creating', total: 2 }, async (feed) => {
      feed.push([ev('A', 'CREATE_IN_PROGRESS', 1)]);
      feed.push([ev('A', 'CREATE_COMPLETE', 2), ev('B', 'CREATE_IN_PROGRESS', 3)]);
      return 'ok';
    });
    expect(updates).toEqual(['Creating stack s: 0/2 resources · A CREATE_IN_PROGRESS', 'Creating stack s: 1/2 resources · B CREATE_IN_PROGRESS']);
    expect(lines).toEqual(['… Creating stack s', '✔ Creating stack s']);
  });

  it('ends the step with ✖ but returns the value when the outcome is not a success', async () => {
    const { io, lines } = fakeIo(false);
    const value = await withStackProgress(io, { stackName: 's', verb: 'Updating', succeeded: (v: string) => v === 'good' }, () => Promise.resolve('rolled back'));
    expect(value).toBe('rolled back');
    expect(lines.at(-1)).toBe('✖ Updating stack s');
  });
});

describe('ProgressState', () => {
  it('counts each resource once and ignores the stack itself', () => {
    const s = new ProgressState({ stackName: 's', verb: 'Deleting' });
    s.add(ev('A', 'DELETE_COMPLETE', 1));
    s.add(ev('A', 'DELETE_COMPLETE', 2));
    s.add(ev('s', 'DELETE_IN_PROGRESS', 3, undefined, true));
    expect(s.line()).toBe('Deleting stack s: 1 resources done · A DELETE_COMPLETE');
  });
});
