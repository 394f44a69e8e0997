/** A checksum listing of a folder (type, mode, path, sha256 or link text), to prove a run wrote nothing there. */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export function treeListing(root: string, rel = '.'): string[] {
  const path = join(root, rel);
  const st = lstatSync(path);
  const mode = (st.mode & 0o7777).toString(8);
  if (st.isSymbolicLink()) return [`l ${mode} ${rel} -> ${readlinkSync(path)}`];
  if (st.isFile()) return [`f ${mode} ${rel} ${createHash('sha256').update(readFileSync(path)).digest('hex')} ${st.mtimeMs}`];
  const own = `d ${mode} ${rel} ${st.mtimeMs}`;
  return [own, ...readdirSync(path).sort().flatMap((name) => treeListing(root, rel === '.' ? name : join(rel, name)))];
}
