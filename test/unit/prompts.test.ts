import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createInquirerPrompter, noPrompter } from '../../src/ui/prompts.js';
import { CancelledError, isAppError } from '../../src/errors.js';

function streams() {
  const input = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: () => void };
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d: Buffer) => (shown += d.toString()));
  return { input, output, shown: () => shown };
}

describe('the prompt adapter', () => {
  it('draws on the given stream (stderr in the CLI) and returns the answer', async () => {
    const s = streams();
    const answer = createInquirerPrompter({ input: s.input, output: s.output }).confirm({ message: 'Deploy this plan?', default: false });
    setTimeout(() => s.input.write('y\n'), 10);
    await expect(answer).resolves.toBe(true);
    expect(s.shown()).toContain('Deploy this plan?');
  });

  it('turns a cancelled prompt (Ctrl+C, or the run being aborted) into a CancelledError, exit 130', async () => {
    const s = streams();
    const controller = new AbortController();
    const answer = createInquirerPrompter({ input: s.input, output: s.output, signal: controller.signal }).input({ message: 'Project name' });
    setTimeout(() => controller.abort(), 10);
    const err = await answer.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(isAppError(err) && err.exitCode).toBe(130);
  });

  it('the no-terminal prompter refuses every question (a flag was not handled)', async () => {
    await expect(noPrompter.confirm({ message: 'x' })).rejects.toThrow('without a terminal');
    await expect(noPrompter.select({ message: 'x', choices: [] })).rejects.toThrow('without a terminal');
  });
});
