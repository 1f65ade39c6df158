/**
 * `--html FILE` and `--csv DIR`, checked before any AWS call or query: an Athena query is paid,
 * and a report lost at the end because its folder does not exist is a poor way to learn it.
 *
 * Decisions: the HTML file's folder must exist and be writable; an existing file there is
 * overwritten only when it is an earlier report of ours (so a slip like `--html ~/.bashrc` changes
 * nothing). The CSV folder is created when missing (like `mkdir -p`), so its nearest existing
 * ancestor must be a writable folder; an existing path must be a folder. CSV files are written
 * under our own names (`<question>.csv`) only.
 */
import { accessSync, constants, openSync, readSync, closeSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { HTML_GENERATOR } from '../../core/questions/render-html.js';


function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function head(path: string, bytes = 4096): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** An earlier report of ours (with the generator tag, or the title every version wrote). */
function isOurReport(path: string): boolean {
  try {
    const text = head(path);
    return text.includes(`content="${HTML_GENERATOR}"`) || /^<!doctype html>[\s\S]*<title>API Gateway access-log report/i.test(text);
  } catch {
    return false;
  }
}

const bad = (flag: string, value: string, what: string, resolution: string) =>
  new UsageError('BadOutputPath', `${flag} ${value}: ${what}`, { resolution });

export function checkHtmlPath(value: string): string {
  const file = resolve(value);
  const dir = dirname(file);
  const dirInfo = statOrNull(dir);
  if (!dirInfo) throw bad('--html', value, `the folder ${dir} does not exist.`, 'Create the folder first, or pass a file in an existing folder, for example --html report.html.');
  if (!dirInfo.isDirectory()) throw bad('--html', value, `${dir} is not a folder.`, 'Pass a file path in an existing folder, for example --html report.html.');
  const info = statOrNull(file);
  if (info?.isDirectory()) throw bad('--html', value, 'is a folder, not a file.', `Name the page inside it, for example --html ${resolve(file, 'report.html')}.`);
  if (info && !isOurReport(file)) {
    throw bad('--html', value, 'exists and is not a report written by apigw-log-analytics, so it is left as it is.', 'Pass a new file name, or move that file away first.');
  }
  if (info ? !writable(file) : !writable(dir)) throw bad('--html', value, `cannot write ${info ? 'that file' : `into ${dir}`} (permission denied).`, 'Pass a path you can write, for example in your home folder.');
  return file;
}

export function checkCsvDir(value: string): string {
  const dir = resolve(value);
  const info = statOrNull(dir);
  if (info && !info.isDirectory()) throw bad('--csv', value, 'is a file, not a folder: --csv writes one file per question into a folder.', 'Pass a folder (it is created when missing), for example --csv report-csv.');
  let existing = dir;
  while (!statOrNull(existing)) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) throw bad('--csv', value, `${existing} is a file, so the folder cannot be created.`, 'Pass a folder path, for example --csv report-csv.');
  if (!writable(existing)) throw bad('--csv', value, `cannot write into ${existing} (permission denied).`, 'Pass a folder you can write, for example in your home folder.');
  return dir;
}
