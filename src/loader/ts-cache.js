// The disk cache of the TypeScript loader: transformed JavaScript keyed by a content hash, so an
// entry can never be stale (a changed source, esbuild, option or loader gives another key) and a
// hit costs two small reads and two hashes instead of an esbuild service per thread.
//
// Every operation fails soft: an unreadable, corrupt or unwritable cache only means transforming
// again. Many processes and threads load at once, so an entry is written to a temporary file and
// renamed into place (atomic on POSIX); a reader sees a whole entry or none. Each entry starts
// with the hash of its body, so a file damaged any other way is recognised and replaced.
//
// Entries are never stale, but they do become dead: every edit of a source, and every change of
// esbuild or of the loader, leaves entries nobody will ask for again (~1,100 entries, 18 MB after
// one day of development here). So the first write of each process prunes, when the folder holds
// more than `PRUNE_ABOVE` entries, those not read for `UNREAD_DAYS` days (the file's access time:
// the default `relatime` mount updates it on the first read of a day), and temporary files a
// killed writer left behind. On a `noatime` mount a pruned live entry is only transformed again.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** Entries a folder may hold before a writer prunes it. */
export const PRUNE_ABOVE = 2000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** An entry not read for this long is dead (a source edited since, an older esbuild or loader). */
const UNREAD_DAYS = 14;
/** A temporary file older than this belongs to a writer that died between its write and its rename. */
const ABANDONED_TEMPORARY_MS = 60 * 60 * 1000;

/**
 * Removes dead entries and abandoned temporary files when `dir` holds more than `above` entries;
 * returns how many files it removed. Never throws: a file another process removed first, or an
 * unreadable folder, is skipped.
 */
export function pruneEntries(dir, now = Date.now(), above = PRUNE_ABOVE) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  if (names.length <= above) return 0;
  let removed = 0;
  for (const name of names) {
    const path = join(dir, name);
    try {
      const st = statSync(path);
      const dead = name.endsWith('.tmp') ? st.mtimeMs < now - ABANDONED_TEMPORARY_MS : name.endsWith('.js') && st.atimeMs < now - UNREAD_DAYS * DAY_MS;
      if (!dead) continue;
      rmSync(path, { force: true });
      removed++;
    } catch {
      // removed by another pruner meanwhile, or not ours to stat: leave it
    }
  }
  return removed;
}

let prunedThisProcess = false;

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
    if (!prunedThisProcess) {
      prunedThisProcess = true;
      pruneEntries(dir);
    }
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
