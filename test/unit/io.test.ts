import { describe, expect, it } from 'vitest';
import { createIo } from '../../src/ui/io.js';
import { RecordingStream, type Recorded } from '../helpers/context.js';
import { renderTable } from '../../src/ui/table.js';

// Matches the escape sequence that starts an ANSI colour code.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

function make(verbosity = 0, colorLevel: 0 | 1 = 0) {
  const records: Recorded[] = [];
  const io = createIo({ stdout: new RecordingStream('stdout', records), stderr: new RecordingStream('stderr', records), colorLevel, verbosity });
  return { io, records };
}

describe('io stream discipline', () => {
  it('sends results to stdout and everything else to stderr', async () => {
    const { io, records } = make(2);
    io.result('RESULT');
    io.json({ a: 1 });
    io.info('info');
    io.warn('warn');
    io.error('error');
    io.success('ok');
    io.debug('debug');
    io.trace('trace');
    await io.step('working', () => Promise.resolve(42), (v) => `done ${v}`);
    const stdout = records.filter((r) => r.stream === 'stdout').map((r) => r.text);
    const stderr = records.filter((r) => r.stream === 'stderr').map((r) => r.text);
    expect(stdout).toEqual(['RESULT\n', '{\n  "a": 1\n}\n']);
    expect(stderr).toEqual(['info\n', '! warn\n', '✖ error\n', '✔ ok\n', 'debug\n', 'trace\n', '… working\n', '✔ done 42\n']);
  });

  it('hides debug and trace below their verbosity', () => {
    const { io, records } = make(0);
    io.debug('d');
    io.trace('t');
    expect(records).toEqual([]);
    const one = make(1);
    one.io.debug('d');
    one.io.trace('t');
    expect(one.records.map((r) => r.text)).toEqual(['d\n']);
  });

  it('marks a failed step and rethrows', async () => {
    const { io, records } = make();
    await expect(io.step('deploying', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(records.map((r) => r.text)).toEqual(['… deploying\n', '✖ deploying\n']);
  });

  it('writes no escape codes at colour level 0 and some at level 1', () => {
    const plain = make(0, 0);
    plain.io.warn('careful');
    expect(plain.records[0]!.text).not.toMatch(ANSI);
    const coloured = make(0, 1);
    coloured.io.warn('careful');
    expect(coloured.records[0]!.text).toMatch(ANSI);
  });
});

describe('renderTable', () => {
  it('aligns columns by visible width and trims trailing space', () => {
    expect(renderTable(['A', 'LONG HEADER'], [['xyz', '1'], ['q', '22']])).toBe('A    LONG HEADER\nxyz  1\nq    22');
  });
});
