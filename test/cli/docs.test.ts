/**
 * The docs point at things that exist: every relative link and image in README.md and docs/*.md
 * resolves (file, and heading for a #fragment), every repository path named in backticks exists,
 * help texts cite only real files and README sections, and help and docs state the same permissions.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/main.js';
import { RecordingStream, type Recorded } from '../helpers/context.js';
import { STATUS_PERMISSIONS, actionsOf } from '../../src/commands/permissions.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** Markdown outside fenced code blocks (links in code are not links). */
const prose = (text: string): string => text.replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

const anchorsOf = (file: string): Set<string> =>
  new Set([...prose(read(file)).matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1] as string)));

function links(file: string): string[] {
  return [...prose(read(file)).replace(/`[^`\n]*`/g, '').matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] as string).filter((t) => !/^[a-z]+:/i.test(t));
}

describe('docs links', () => {
  it.each(DOCS)('every relative link in %s resolves', (file) => {
    const broken: string[] = [];
    for (const target of links(file)) {
      const [path, fragment] = target.split('#') as [string, string | undefined];
      const resolved = path ? join(dirname(join(ROOT, file)), decodeURIComponent(path)) : join(ROOT, file);
      const rel = relative(ROOT, resolved);
      if (rel.startsWith('..') || !existsSync(resolved)) broken.push(`${target} (no file ${rel})`);
      else if (fragment && rel.endsWith('.md') && !anchorsOf(rel).has(fragment)) broken.push(`${target} (no heading #${fragment} in ${rel})`);
    }
    expect(broken).toEqual([]);
  });

  it.each(DOCS)('every repository path named in backticks in %s exists', (file) => {
    const named = [...prose(read(file)).matchAll(/`((?:\.\.\/|src\/|test\/|docs\/|scripts\/|assets\/|bench\/|templates\/|bin\/|\.ci\/)[^`\s]*)`/g)].map((m) => m[1] as string);
    const missing = named.filter((p) => !/[<*{]/.test(p)).filter((p) => p.startsWith('../') || !existsSync(join(ROOT, p)));
    expect(missing).toEqual([]);
  });

  it('the link checker catches a broken link and a missing heading', () => {
    expect(slug('Consumers & quota')).toBe('consumers--quota');
    expect(slug('`report`: see what you get before deploying anything')).toBe('report-see-what-you-get-before-deploying-anything');
    expect(anchorsOf('README.md').has('iam-permissions')).toBe(true);
  });
});

async function help(command: string): Promise<string> {
  const records: Recorded[] = [];
  await run(
    { argv: ['node', 'apigw-log-analytics', command, '--help'], env: {}, stdout: new RecordingStream('stdout', records), stderr: new RecordingStream('stderr', records), stdinIsTTY: false },
    {},
  );
  return records.map((r) => r.text).join('');
}

describe('help and docs agree', () => {
  it.each(['init', 'status', 'connect-stage', 'disconnect-stage', 'report', 'uninstall'])('%s --help cites only files and README sections that exist', async (command) => {
    const text = await help(command);
    for (const m of text.matchAll(/\b(docs\/[\w-]+\.md)\b/g)) expect(existsSync(join(ROOT, m[1] as string)), m[1]).toBe(true);
    const readmeAnchors = new Set([...read('README.md').matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => (m[1] as string).replace(/`/g, '')));
    for (const m of text.matchAll(/the README's "([^"]+)"/g)) expect(readmeAnchors.has(m[1] as string), m[1]).toBe(true);
    expect(text).not.toMatch(/"[^"]*" in the README/);
  });

  it.each(['init', 'status', 'connect-stage', 'disconnect-stage', 'report', 'uninstall'])('every IAM action %s --help names is in docs/iam.md', async (command) => {
    const text = await help(command);
    const paragraph = /^Permissions[\s\S]*?(?:\n\n|$)/m.exec(text)?.[0] ?? '';
    const iam = read('docs/iam.md');
    const missing = [...new Set([...paragraph.matchAll(/\b([a-z0-9]+):([A-Z][A-Za-z]+)\b/g)].map((m) => m[0]))].filter(
      (action) => !iam.includes(action) && !iam.includes(`\`${action.split(':')[1]}\``),
    );
    expect(missing).toEqual([]);
  });

  it('README and docs/iam.md name every permission status --help lists', () => {
    const readme = read('README.md');
    const iam = read('docs/iam.md');
    for (const action of actionsOf(STATUS_PERMISSIONS)) {
      const [service, name] = action.split(':') as [string, string];
      expect(readme.includes(action) || readme.includes(`\`${name}\``), `README: ${action}`).toBe(true);
      expect(iam.includes(action) || iam.includes(`"${service}:${name}"`), `docs/iam.md: ${action}`).toBe(true);
    }
  });
});

describe("README's tables", () => {
  /** The rows of the first table after `heading`, by their first cell (without backticks). */
  const table = (heading: string): Array<{ name: string; row: string }> => {
    const lines = read('README.md').split('\n');
    const at = lines.indexOf(heading);
    expect(at, heading).toBeGreaterThan(-1);
    const start = lines.findIndex((l, i) => i > at && l.startsWith('|'));
    const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
    return lines
      .slice(start, end)
      .filter((l) => l.startsWith('| `'))
      .map((row) => ({ name: /^\| `([^`]+)`/.exec(row)![1] as string, row }));
  };

  it('lists every command once, each described (not measured), and every benchmark once', async () => {
    const records: Recorded[] = [];
    await run({ argv: ['node', 'apigw-log-analytics', '--help'], env: {}, stdout: new RecordingStream('stdout', records), stderr: new RecordingStream('stderr', records), stdinIsTTY: false }, {});
    const commands = [...records.map((r) => r.text).join('').matchAll(/^ {2}([a-z][a-z-]+)\b/gm)].map((m) => m[1] as string).filter((c) => c !== 'help');
    const rows = table('## Commands');
    expect(commands.length).toBeGreaterThanOrEqual(6);
    expect(rows.map((c) => c.name).sort()).toEqual([...new Set(commands)].sort());
    // What the command does: a benchmark's figures belong in the Benchmarks table.
    for (const { name, row } of rows) expect(row, name).not.toMatch(/\bfloor\b|\bmedian\b|npm run bench/);
    const benches = readdirSync(join(ROOT, 'bench')).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', ''));
    expect(table('### Benchmarks').map((b) => b.name).sort()).toEqual(benches.sort());
  });
});
