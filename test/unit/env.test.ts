import { describe, expect, it } from 'vitest';
import { canAnimate, colorLevel, isCI, isInteractive } from '../../src/ui/env.js';

describe('isCI', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['0', false],
    ['true', true],
    ['1', true],
    ['woodpecker', true],
  ])('CI=%s → %s', (value, expected) => {
    expect(isCI(value === undefined ? {} : { CI: value })).toBe(expected);
  });
});

describe('colorLevel', () => {
  const tty = { noColorFlag: false, isTTY: true };
  it('is on for a terminal and off for a pipe', () => {
    expect(colorLevel({ env: {}, ...tty })).toBe(1);
    expect(colorLevel({ env: {}, noColorFlag: false, isTTY: false })).toBe(0);
  });
  it('--no-color wins over everything', () => {
    expect(colorLevel({ env: { FORCE_COLOR: '3' }, noColorFlag: true, isTTY: true })).toBe(0);
  });
  it('honours NO_COLOR (which chalk alone ignores) when non-empty', () => {
    expect(colorLevel({ env: { NO_COLOR: '1' }, ...tty })).toBe(0);
    expect(colorLevel({ env: { NO_COLOR: '' }, ...tty })).toBe(1);
  });
  it('FORCE_COLOR turns colour on for pipes, or off', () => {
    expect(colorLevel({ env: { FORCE_COLOR: '1' }, noColorFlag: false, isTTY: false })).toBe(1);
    expect(colorLevel({ env: { FORCE_COLOR: '3', NO_COLOR: '1' }, noColorFlag: false, isTTY: false })).toBe(3);
    expect(colorLevel({ env: { FORCE_COLOR: '0' }, ...tty })).toBe(0);
    expect(colorLevel({ env: { FORCE_COLOR: 'false' }, ...tty })).toBe(0);
  });
  it('TERM=dumb is plain; truecolor and 256-colour terminals are detected', () => {
    expect(colorLevel({ env: { TERM: 'dumb' }, ...tty })).toBe(0);
    expect(colorLevel({ env: { COLORTERM: 'truecolor' }, ...tty })).toBe(3);
    expect(colorLevel({ env: { TERM: 'xterm-256color' }, ...tty })).toBe(2);
  });
  it('CI alone does not strip colour (CI logs render it), but no TTY does', () => {
    expect(colorLevel({ env: { CI: 'true' }, ...tty })).toBe(1);
  });
});

describe('isInteractive and canAnimate', () => {
  const base = { env: {}, interactiveFlag: true, stdinIsTTY: true, stderrIsTTY: true };
  it('needs both terminals, no CI, and no --no-interactive', () => {
    expect(isInteractive(base)).toBe(true);
    expect(isInteractive({ ...base, interactiveFlag: false })).toBe(false);
    expect(isInteractive({ ...base, stdinIsTTY: false })).toBe(false);
    expect(isInteractive({ ...base, stderrIsTTY: false })).toBe(false);
    expect(isInteractive({ ...base, env: { CI: 'true' } })).toBe(false);
  });
  it('animates only on a terminal outside CI', () => {
    expect(canAnimate({}, true)).toBe(true);
    expect(canAnimate({}, false)).toBe(false);
    expect(canAnimate({ CI: '1' }, true)).toBe(false);
    expect(canAnimate({ TERM: 'dumb' }, true)).toBe(false);
  });
});
