/**
 * The README's first command is the main job on what works with no account: the report of the
 * shipped sample as an HTML page. Run it as written (from a clone, after the build), with only the
 * output path moved to a temporary folder.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv, runNode } from '../helpers/run-bin.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function firstCommand(): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))?.[1] ?? '';
  const line = block.split('\n').find((l) => !l.startsWith('#') && l.trim()) ?? '';
  const steps = line.split('&&').map((s) => s.trim());
  expect(steps.slice(0, 2)).toEqual(['npm ci', 'npm run build']);
  return (steps[2] ?? '').split(/\s+/);
}

describe('the README', () => {
  it('its first command writes the report of the shipped sample as an HTML page, with no AWS account', async () => {
    const [node, bin, ...args] = firstCommand();
    expect([node, bin, ...args.slice(0, 3)]).toEqual(['node', 'bin/apigw-log-analytics.js', 'report', '--local', 'assets/sample']);
    const html = join(mkdtempSync(join(tmpdir(), 'readme-')), 'report.html');
    const i = args.indexOf('--html');
    expect(args[i + 1]).toBe('report.html');
    args[i + 1] = html;
    const r = await runNode([bin as string, ...args], { env: cleanEnv(), cwd: ROOT });
    expect(r.stderr).not.toContain('✖');
    expect(r.code).toBe(0);
    expect(existsSync(html)).toBe(true);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(r.stdout).toContain('API Gateway access-log report');
  });

  it('its second command runs the tests', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))?.[1] ?? '';
    const commands = block.split('\n').filter((l) => !l.startsWith('#') && l.trim());
    expect(commands[1]).toBe('npm ci && npm test');
  });
});
