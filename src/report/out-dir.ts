/**
 * The output folder, checked before any work starts: a report that cannot be written must be a
 * one-line error at once, not a crash (or a hang) after a long run. Node's recursive mkdir loops
 * forever under /proc (it retries the parent that "does not exist"), so folders are created one
 * level at a time, and a probe file proves the folder takes writes.
 */
import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { TrapcheckError } from '../errors.ts';

const MEANING: Record<string, string> = {
  ENOENT: 'the file system there takes no new folders',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left',
  ENOTDIR: 'a part of the path is a file',
};

function codeOf(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? (e instanceof Error ? e.message : String(e));
}

function explain(e: unknown): string {
  const code = codeOf(e);
  return MEANING[code] ? `${code}: ${MEANING[code]}` : code;
}

function outError(option: string, given: string, problem: string): TrapcheckError {
  return new TrapcheckError('IO', `${option} ${given}: ${problem}`);
}

/** Creates `dir` if needed and checks it takes files; returns its absolute path. Throws a one-line IO error otherwise. */
export function prepareOutDir(dir: string, option = '--out'): string {
  const abs = resolve(dir);
  const missing: string[] = [];
  for (let cur = abs; ; ) {
    let isDir: boolean;
    try {
      isDir = statSync(cur).isDirectory();
    } catch (e) {
      const code = codeOf(e);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw outError(option, dir, `cannot look at ${cur} (${explain(e)})`);
      const parent = dirname(cur);
      if (parent === cur) throw outError(option, dir, 'no existing folder above it');
      missing.push(cur);
      cur = parent;
      continue;
    }
    if (!isDir) throw outError(option, dir, `${cur} is a file, not a folder`);
    break;
  }
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level);
    } catch (e) {
      if (codeOf(e) !== 'EEXIST') throw outError(option, dir, `cannot create ${level} (${explain(e)})`);
    }
  }
  const probe = join(abs, `.trapcheck-write-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (e) {
    throw outError(option, dir, `cannot write there (${explain(e)})`);
  }
  return abs;
}
