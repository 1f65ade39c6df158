/**
 * The colour and CI policy, in one place. Pure functions of the environment and the flags, so the
 * policy is tested without touching the real process.
 */

export type Env = Readonly<Record<string, string | undefined>>;

/** `CI` counts as set unless it is empty, `false` or `0` (as the CDK CLI reads it). */
export function isCI(env: Env): boolean {
  const v = env.CI;
  if (v === undefined) return false;
  const s = v.trim().toLowerCase();
  return s !== '' && s !== 'false' && s !== '0';
}

export interface ColorInputs {
  env: Env;
  /** `--no-color` was given. */
  noColorFlag: boolean;
  /** The stream colour is written to (stderr for messages) is a terminal. */
  isTTY: boolean;
}

/**
 * Returns a chalk level: 0 none, 1 basic, 2 256 colours, 3 truecolor.
 * Order: `--no-color` wins, then `FORCE_COLOR` (0/false turns colour off, 1-3 or empty turn it on),
 * then a non-empty `NO_COLOR` (no-color.org; chalk itself ignores it), then `TERM=dumb`, then TTY.
 */
export function colorLevel({ env, noColorFlag, isTTY }: ColorInputs): 0 | 1 | 2 | 3 {
  if (noColorFlag) return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    const f = force.trim().toLowerCase();
    if (f === '0' || f === 'false') return 0;
    if (f === '2') return 2;
    if (f === '3') return 3;
    return 1;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (env.TERM === 'dumb') return 0;
  if (!isTTY) return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (env.TERM && /256/.test(env.TERM)) return 2;
  return 1;
}

export interface InteractiveInputs {
  env: Env;
  /** `--no-interactive` was given (commander sets `interactive: false`). */
  interactiveFlag: boolean;
  stdinIsTTY: boolean;
  /** Prompts draw on stderr, so that is the stream that must be a terminal. */
  stderrIsTTY: boolean;
}

/** Prompts only when a person can answer them: both ends are terminals, not CI, not opted out. */
export function isInteractive({ env, interactiveFlag, stdinIsTTY, stderrIsTTY }: InteractiveInputs): boolean {
  return interactiveFlag && stdinIsTTY && stderrIsTTY && !isCI(env);
}

/** Spinners and live redraws only on a real terminal outside CI. */
export function canAnimate(env: Env, stderrIsTTY: boolean): boolean {
  return stderrIsTTY && !isCI(env) && env.TERM !== 'dumb';
}
