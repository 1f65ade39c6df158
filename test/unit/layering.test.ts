/**
 * The house rule from docs/architecture.md: src/core/ is pure. It imports neither the terminal
 * (src/ui/) nor the command layer (src/context.ts, src/cli.ts, src/commands/); where it reports
 * progress it calls a port defined in core (src/core/io-host.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const CORE = join(ROOT, 'src/core');
const FORBIDDEN = ['src/ui/', 'src/commands/', 'src/context.ts', 'src/cli.ts', 'src/main.ts'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Relative specifiers of static, type-only and dynamic imports and re-exports. */
function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const found = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"](\.[^'"]+)['"]/gm)].map((m) => m[1]!);
  return found.map((spec) => relative(ROOT, resolve(dirname(file), spec)).replace(/\.js$/, '.ts'));
}

describe('layering', () => {
  it('nothing under src/core/ imports the terminal or the command layer', () => {
    const offences = sources(CORE)
      .flatMap((f) => importsOf(f).filter((target) => FORBIDDEN.some((p) => target.startsWith(p))).map((target) => `${relative(ROOT, f)} → ${target}`));
    expect(offences).toEqual([]);
  });

  it('finds imports in every form the rule has to catch', () => {
    const text = [
      "import { a } from '../ui/a.js';",
      "import type { B } from '../context.js';",
      "export { c } from './c.js';",
      "import '../ui/side-effect.js';",
      'const d = await import("../commands/init/run.js");',
      'import {',
      '  e,',
      "} from '../ui/table.js';",
    ].join('\n');
    expect(importsOf(join(CORE, 'x.ts'), text)).toEqual([
      'src/ui/a.ts',
      'src/context.ts',
      'src/core/c.ts',
      'src/ui/side-effect.ts',
      'src/commands/init/run.ts',
      'src/ui/table.ts',
    ]);
  });
});
