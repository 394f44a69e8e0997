/**
 * Fresh preopened directories for every case. Tests that get host directories (wasi-testsuite
 * `dirs` / `root`) create, rename, symlink and delete inside them; run in place, they would write
 * into the user's suite folder, see what an earlier (or concurrent) test left there, and give
 * different verdicts from one run to the next. So each case, each time it is executed, gets its
 * own copy of every directory it preopens, in a temporary folder that is removed afterwards, and
 * the runtime is handed the copy's path: no runtime adapter has to know about it, and the source
 * folder is only ever read.
 *
 * The copy keeps what a test can observe of its inputs: symlinks as links (their text unchanged;
 * a relative link stays inside the copy), file modes and timestamps. The preopened directory
 * itself is copied from its real path, so a preopen that is a symlink to a folder still gives a
 * copy, never the folder.
 */
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Case, WasiConfig } from '../case.ts';
import type { Observation } from '../observation.ts';
import type { Runtime } from '../runtimes/adapter.ts';

type Preopen = NonNullable<WasiConfig['dirs']>[number];

/** Copies of the preopens of a batch of cases, and how to remove them. */
export interface PreopenSandbox {
  /** The cases as given, except that every `wasi.dirs[].host` names a fresh copy. */
  cases: Case[];
  /** The temporary folder holding every copy (absent when no case preopens anything). */
  root?: string;
  /** Removes every copy, whatever the tests did to them. */
  dispose(): void;
}

/**
 * Deletes a tree a test may have left unwritable: removal needs write and search permission on
 * every directory, so a failed first attempt grants them (to the owner) and tries again.
 */
export function removeTree(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
    return;
  } catch {
    grantOwnerAccess(dir);
  }
  rmSync(dir, { recursive: true, force: true });
}

function grantOwnerAccess(dir: string): void {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return;
  }
  if (!st.isDirectory()) return;
  chmodSync(dir, (st.mode & 0o7777) | 0o700);
  for (const name of readdirSync(dir)) grantOwnerAccess(join(dir, name));
}

function copyPreopen(dir: Preopen, into: string): Preopen {
  // A missing source stays missing: the runtime reports it as it would, and the path it gets
  // lies inside the sandbox, so nothing can be created next to the user's files.
  if (!existsSync(dir.host) || !statSync(dir.host).isDirectory()) return { ...dir, host: join(into, `missing-${basename(dir.host)}`) };
  const source = realpathSync(dir.host);
  mkdirSync(into);
  const copy = join(into, basename(source));
  cpSync(source, copy, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, errorOnExist: true, force: false });
  // cpSync creates directories with the process umask; keep the source's modes.
  copyDirModes(source, copy);
  return { ...dir, host: copy };
}

/** One case's preopens: a host folder preopened twice (two guest names) is one copy, as it was one folder. */
function copyCasePreopens(dirs: readonly Preopen[], nextFolder: () => string): Preopen[] {
  const copies = new Map<string, string>();
  return dirs.map((d) => {
    const key = existsSync(d.host) ? realpathSync(d.host) : d.host;
    const known = copies.get(key);
    if (known !== undefined) return { ...d, host: known };
    const copied = copyPreopen(d, nextFolder());
    copies.set(key, copied.host);
    return copied;
  });
}

function copyDirModes(src: string, dst: string): void {
  chmodSync(dst, statSync(src).mode & 0o7777);
  for (const entry of readdirSync(src, { withFileTypes: true })) if (entry.isDirectory()) copyDirModes(join(src, entry.name), join(dst, entry.name));
}

/** Gives every case of the batch its own copy of each directory it preopens. */
export function sandboxPreopens(cases: readonly Case[]): PreopenSandbox {
  if (!cases.some((c) => c.wasi?.dirs?.length)) return { cases: [...cases], dispose: () => undefined };
  const root = mkdtempSync(join(tmpdir(), 'trapcheck-preopens-'));
  try {
    let n = 0;
    const sandboxed = cases.map((c): Case => {
      const dirs = c.wasi?.dirs;
      if (!dirs?.length) return c;
      return { ...c, wasi: { ...c.wasi, dirs: copyCasePreopens(dirs, () => join(root, String(n++))) } };
    });
    return { cases: sandboxed, root, dispose: () => removeTree(root) };
  } catch (e) {
    removeTree(root);
    throw e;
  }
}

/**
 * The runtime as the suite runner drives it: each `executeAll` runs on fresh copies of the
 * preopened directories, removed when the batch ends (also when the runtime throws). A retried
 * batch gets new copies, so a case never sees what an earlier attempt did.
 */
export function withFreshPreopens(runtime: Runtime): Runtime {
  return {
    name: runtime.name,
    profile: runtime.profile,
    capabilities: runtime.capabilities,
    version: () => runtime.version(),
    close: () => runtime.close(),
    executeAll: async (cases: readonly Case[]): Promise<Observation[]> => {
      const sandbox = sandboxPreopens(cases);
      try {
        return await runtime.executeAll(sandbox.cases);
      } finally {
        sandbox.dispose();
      }
    },
  };
}
