/**
 * The terminal's IoHost: the deploy engine's port (src/core/io-host.ts) implemented with the run's
 * Io, so the engine's steps, lines and stack progress look like every other command's output.
 */
import type { IoHost } from '../core/io-host.js';
import type { Io } from './io.js';

export function cliIoHost(io: Io): IoHost {
  return {
    step: (title, work, done) => io.step(title, () => work(), done),
    info: (message) => io.info(message),
    success: (message) => io.success(message),
    debug: (message) => io.debug(message),
    // Loaded on first use, like the commands, so that `--help` does not load the progress view.
    monitorStack: async (operation, watch) => (await import('./stack-progress.js')).withStackProgress(io, operation, watch),
  };
}
