/**
 * Finding a runtime's executable: an explicit `--runtime name=/path`, then the copy npm
 * installed under node_modules (deno, bun), then PATH. Missing binaries are a
 * RUNTIME_NOT_FOUND error naming what was tried.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrapcheckError } from '../errors.ts';

export const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));

/** A regular file this process may execute. */
export function executable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable named `name` on PATH, or undefined. */
export function onPath(name: string, path = process.env['PATH'] ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (executable(p)) return p;
  }
  return undefined;
}

/**
 * Resolves a runtime binary. `explicit` (from `name=/path`) must exist; otherwise the
 * node_modules candidates (relative to node_modules/), then `commands` on PATH.
 */
export function findBinary(runtime: string, explicit: string | undefined, nodeModules: readonly string[], commands: readonly string[]): string {
  if (explicit !== undefined) {
    const p = explicit.includes('/') ? explicit : (onPath(explicit) ?? explicit);
    if (!existsSync(p) || !executable(p)) throw new TrapcheckError('RUNTIME_NOT_FOUND', `runtime ${runtime}: \`${explicit}\` is not an executable file`);
    return p;
  }
  for (const rel of nodeModules) {
    const p = join(NODE_MODULES, rel);
    if (executable(p)) return p;
  }
  for (const c of commands) {
    const p = onPath(c);
    if (p) return p;
  }
  const tried = [...nodeModules.map((r) => `node_modules/${r}`), ...commands.map((c) => `\`${c}\` on PATH`)];
  throw new TrapcheckError('RUNTIME_NOT_FOUND', `runtime ${runtime}: no binary found (tried ${tried.join(', ')}); give one with --runtime ${runtime}=/path/to/${commands[0] ?? runtime}`);
}
