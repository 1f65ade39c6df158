/**
 * Cold start of the built CLI: wall time of `--help` and `status --help` as a ratio to a bare
 * `node -e 0` measured in the same run (median of several runs each, interleaved so drift hits all
 * three alike). Target: `--help` within 2x of bare Node.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/apigw-log-analytics.js', import.meta.url));
const RUNS = 21;

function timeOnce(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

export default async function coldStart(): Promise<void> {
  if (!existsSync(new URL('../dist/main.js', import.meta.url))) {
    execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], { stdio: 'inherit' });
  }
  const cases: Record<string, string[]> = {
    'node -e 0': ['-e', '0'],
    '--help': [BIN, '--help'],
    'status --help': [BIN, 'status', '--help'],
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const args of Object.values(cases)) timeOnce(args); // warm the file cache
  for (let i = 0; i < RUNS; i++) for (const [k, args] of Object.entries(cases)) samples[k]!.push(timeOnce(args));
  const floor = median(samples['node -e 0']!);
  console.log(`node ${process.version}, ${RUNS} runs each, median wall time`);
  for (const [k, xs] of Object.entries(samples)) {
    const m = median(xs);
    console.log(`  ${k.padEnd(14)} ${m.toFixed(1).padStart(7)} ms   ${(m / floor).toFixed(2)}x bare node`);
  }
  await Promise.resolve();
}
