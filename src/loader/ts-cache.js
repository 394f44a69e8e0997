// The disk cache of the TypeScript loader: transformed JavaScript keyed by a content hash, so an
// entry can never be stale (a changed source, esbuild, option or loader gives another key) and a
// hit costs two small reads and two hashes instead of an esbuild service per thread.
//
// Every operation fails soft: an unreadable, corrupt or unwritable cache only means transforming
// again. Many processes and threads load at once, so an entry is written to a temporary file and
// renamed into place (atomic on POSIX); a reader sees a whole entry or none. Each entry starts
// with the hash of its body, so a file damaged any other way is recognised and replaced.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HEADER = '//trapcheck-ts ';
/** `HEADER` + 64 hex digits + newline. */
const HEADER_LENGTH = HEADER.length + 65;

export function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

/** The entry's key: every input the transformed code depends on, hashed. */
export function cacheKey(source, salt) {
  return sha256(`${salt}\0${source}`);
}

function entryPath(dir, key) {
  return join(dir, `${key}.js`);
}

/** The cached code for `key`, or undefined (absent, unreadable or damaged). */
export function readEntry(dir, key) {
  let text;
  try {
    text = readFileSync(entryPath(dir, key), 'utf8');
  } catch {
    return undefined;
  }
  if (!text.startsWith(HEADER) || text[HEADER_LENGTH - 1] !== '\n') return undefined;
  const code = text.slice(HEADER_LENGTH);
  return sha256(code) === text.slice(HEADER.length, HEADER_LENGTH - 1) ? code : undefined;
}

const madeDirs = new Set();

/** Stores `code` under `key`; returns whether it was stored (never throws). */
export function writeEntry(dir, key, code) {
  const path = entryPath(dir, key);
  // unique per writer: processes and threads write the same key at the same moment
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    if (!madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      madeDirs.add(dir);
    }
    writeFileSync(temporary, `${HEADER}${sha256(code)}\n${code}`);
    renameSync(temporary, path);
    return true;
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // the directory itself is unusable: nothing was left behind
    }
    return false;
  }
}
