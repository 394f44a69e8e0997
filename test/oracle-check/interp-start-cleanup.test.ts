/**
 * A trapcheck signalled while a pooled wasm-interp child is still starting (before its hello)
 * takes that child with it, and so for a child respawned after a watchdog kill: the oracle check
 * tracks each child from its spawn on (ChildSpec.onSpawn in src/runtimes/child.ts), not from its
 * hello. Before that, a child killed or respawned in start-up was never tracked and outlived
 * trapcheck. A real host process (fixtures/interp-start-host.ts) and a real SIGTERM; the child
 * is held in its start-up by a FIFO it reads as its program, so no timing decides the test.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Proc } from './proc-children.ts';
import { childrenWith, killSurvivors, sleep, survivors } from './proc-children.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));
const HOST = fileURLToPath(new URL('./fixtures/interp-start-host.ts', import.meta.url));
/** The pool's children run this script (src/oracle-check/wasi/interp-pool.ts). */
const MARKER = 'interp-child.js';

type End = { code: number | null; signal: NodeJS.Signals | null };

interface Host {
  proc: ChildProcess;
  ended: Promise<End>;
  /** Resolves once the host printed `line`; rejects if it ended first. */
  printed(line: string): Promise<void>;
  /** Resolves with its running pool children other than `except`, once there is one. */
  starting(except?: Proc): Promise<Proc[]>;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function host(mode: 'starting' | 'respawn'): Host {
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-interp-start-'));
  const proc = spawn(process.execPath, [RUN_TS, HOST, mode, dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let end: End | undefined;
  const ended = new Promise<End>((resolve) => proc.on('exit', (code, signal) => resolve((end = { code, signal }))));
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const seen: Proc[] = [];
  cleanups.push(() => {
    if (end === undefined) proc.kill('SIGKILL');
    killSurvivors(seen);
    rmSync(dir, { recursive: true, force: true });
  });
  const until = async <T>(what: string, ready: () => T | undefined): Promise<T> => {
    for (;;) {
      const r = ready();
      if (r !== undefined) return r;
      if (end !== undefined) throw new Error(`the host ended (${JSON.stringify(end)}) before ${what}; it printed: ${out}`);
      await sleep(50);
    }
  };
  return {
    proc,
    ended,
    printed: async (line) => {
      await until(`printing "${line}"`, () => (out.split('\n').includes(line) ? true : undefined));
    },
    starting: (except) =>
      until('a pool child appeared', () => {
        const found = childrenWith(proc.pid!, MARKER).filter((c) => !(except && c.pid === except.pid && c.started === except.started));
        seen.push(...found);
        return found.length ? found : undefined;
      }),
  };
}

describe.runIf(existsSync('/proc/self/stat'))('a pooled wasm-interp child still starting when trapcheck is signalled', () => {
  it('SIGTERM before the first child says hello: the child dies with the host, which ends by SIGTERM', async () => {
    const h = host('starting');
    const children = await h.starting();
    expect(children).toHaveLength(1);
    h.proc.kill('SIGTERM');
    expect(await h.ended).toEqual({ code: null, signal: 'SIGTERM' });
    expect(await survivors(children)).toEqual([]);
  }, 60_000);

  it('SIGTERM before a respawned child says hello (after a watchdog kill): that child dies too', async () => {
    const h = host('respawn');
    await h.printed('started');
    const [first] = await h.starting();
    await h.printed('respawning');
    const respawned = await h.starting(first);
    expect(respawned).toHaveLength(1);
    h.proc.kill('SIGTERM');
    expect(await h.ended).toEqual({ code: null, signal: 'SIGTERM' });
    expect(await survivors(respawned)).toEqual([]);
  }, 60_000);
});
