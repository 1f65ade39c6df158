/**
 * The terminal's IoHost: the deploy engine's port (src/core/io-host.ts) implemented with the run's
 * Io, so the engine's steps, lines and stack progress look like every other command's output.
 */
import type { IoHost } from '../core/io-host.js';
import type { Io } from './io.js';
import { withStackProgress } from './stack-progress.js';

export function cliIoHost(io: Io): IoHost {
  return {
    step: (title, work, done) => io.step(title, () => work(), done),
    info: (message) => io.info(message),
    success: (message) => io.success(message),
    debug: (message) => io.debug(message),
    monitorStack: (operation, watch) => withStackProgress(io, operation, watch),
  };
}
