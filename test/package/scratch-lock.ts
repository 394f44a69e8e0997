/**
 * A package-lock for a scratch project, cut from the repo's own lock: every package reachable
 * from `roots`, at the versions and integrities the repo installed. With it, `npm i` in the
 * scratch project resolves nothing from the registry: the tarballs come from the npm cache that
 * installing the repo (`npm ci`) filled, by integrity, so the test runs with `--offline`.
 */
interface LockEntry {
  version?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  dev?: boolean;
  devOptional?: boolean;
  [key: string]: unknown;
}

export interface Lockfile {
  name?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

/** Where Node (and npm's lock) resolve `name` from the package at `path`: its node_modules, then each ancestor's. */
function resolveFrom(packages: Record<string, LockEntry>, path: string, name: string): string | undefined {
  let dir = path;
  for (;;) {
    const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[key]) return key;
    if (!dir) return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

/**
 * The lock of a project named `name` that depends on `roots` (name → spec, as its package.json
 * says) and holds `extra` packages too (installed later by `npm i <tarball>`, which then finds
 * them already locked). Missing packages are an error naming them: the repo lock must hold them.
 */
export function scratchLock(repoLock: Lockfile, name: string, roots: Record<string, string>, extra: readonly string[]): Lockfile {
  const all = repoLock.packages;
  const kept: Record<string, LockEntry> = {};
  const queue: string[] = [];
  for (const dep of [...Object.keys(roots), ...extra]) {
    const key = resolveFrom(all, '', dep);
    if (!key) throw new Error(`scratch lock: ${dep} is not in the repo's package-lock.json`);
    queue.push(key);
  }
  while (queue.length) {
    const key = queue.pop()!;
    if (kept[key]) continue;
    const { dev: _dev, devOptional: _devOptional, ...entry } = all[key]!;
    kept[key] = entry;
    const required = [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {})];
    for (const dep of required) {
      const at = resolveFrom(all, key, dep);
      if (at) queue.push(at);
      else if (!(dep in (entry.optionalDependencies ?? {}))) throw new Error(`scratch lock: ${key} needs ${dep}, which the repo's lock does not hold`);
    }
    // peers the repo installed come along (vite's optional peers it did not install stay out)
    for (const dep of Object.keys(entry.peerDependencies ?? {})) {
      const at = resolveFrom(all, key, dep);
      if (at) queue.push(at);
    }
  }
  const sorted = Object.fromEntries(Object.keys(kept).sort().map((k) => [k, kept[k]!]));
  return { name, lockfileVersion: 3, requires: true, packages: { '': { name, dependencies: roots }, ...sorted } };
}
