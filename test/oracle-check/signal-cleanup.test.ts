/**
 * `trapcheck oracle-check` ended by a signal takes its evaluators' children with it
 * (src/oracle-check/child-reaper.ts): binaryen's wasm-shell went on running its script as an
 * orphan for tens of seconds (measured before the reaper), and a pooled wasm-interp child in a
 * long run could too. A real CLI and a real SIGTERM; the children are found by their parent pid
 * and a marker in their command line (Linux /proc). SIGINT and process.exit on a small host.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { trackedChildren } from '../../src/oracle-check/child-reaper.ts';
import { InterpPool } from '../../src/oracle-check/wasi/interp-pool.ts';
import { NODE_MODULES } from '../../src/runtimes/binaries.ts';
import type { Proc } from './proc-children.ts';
import { childrenWith, procOf, sleep, survivors } from './proc-children.ts';

const BIN = fileURLToPath(new URL('../../bin/trapcheck.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));
const HOST = fileURLToPath(new URL('./fixtures/reaper-host.ts', import.meta.url));

/** Polls until the CLI has children whose command line contains `marker`; fails if the CLI ends first. */
async function cliChildrenWith(cli: ChildProcess, marker: string, exited: () => boolean): Promise<Proc[]> {
  for (;;) {
    if (exited()) throw new Error(`the CLI ended before a child with "${marker}" appeared`);
    const found = childrenWith(cli.pid!, marker);
    if (found.length) return found;
    await sleep(100);
  }
}

/**
 * Starts oracle-check on `evaluator` and, once its header line is out (the evaluators are up) and
 * a `marker` child runs, sends `signal`. Returns how the CLI ended and the marker children it had.
 */
async function signalled(evaluator: string, marker: string, signal: NodeJS.Signals): Promise<{ end: { code: number | null; signal: NodeJS.Signals | null }; children: Proc[] }> {
  const cli = spawn(process.execPath, [BIN, 'oracle-check', '--family', 'core-traps', '--seed', '1', '--runs', '20', '--evaluator', evaluator], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  let end: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const ended = new Promise<void>((resolve) => cli.on('exit', (code, sig) => ((end = { code, signal: sig }), resolve())));
  let stdout = '';
  cli.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  try {
    while (!stdout.includes('trapcheck oracle-check: seed')) {
      if (end !== undefined) throw new Error(`the CLI ended before its header line: ${stdout}`);
      await sleep(100);
    }
    const children = await cliChildrenWith(cli, marker, () => end !== undefined);
    cli.kill(signal);
    await ended;
    return { end: end!, children };
  } finally {
    if (end === undefined) cli.kill('SIGKILL');
  }
}

/** Runs fixtures/reaper-host.ts; returns it and the pid of the child it tracks. */
async function reaperHost(mode: 'wait' | 'exit'): Promise<{ host: ChildProcess; child: Proc; ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }> {
  const host = spawn(process.execPath, [RUN_TS, HOST, mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => host.on('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  host.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  while (!out.includes('\n')) await sleep(50);
  const pid = Number(out.trim());
  return { host, child: procOf(pid)!, ended };
}

describe.runIf(existsSync('/proc/self/stat'))('oracle-check ended by a signal', () => {
  it('SIGTERM: no binaryen wasm-shell outlives the CLI, which ends by that signal', async () => {
    const { end, children } = await signalled('binaryen', 'wasm-shell', 'SIGTERM');
    expect(end).toEqual({ code: null, signal: 'SIGTERM' });
    expect(await survivors(children)).toEqual([]);
  }, 180_000);

  it('SIGINT: the tracked child is killed and the process still ends by SIGINT', async () => {
    const { host, child, ended } = await reaperHost('wait');
    host.kill('SIGINT');
    expect(await ended).toEqual({ code: null, signal: 'SIGINT' });
    expect(await survivors([child])).toEqual([]);
  }, 60_000);

  it('process.exit: the tracked child is killed and the exit code stands', async () => {
    const { child, ended } = await reaperHost('exit');
    expect(await ended).toEqual({ code: 3, signal: null });
    expect(await survivors([child])).toEqual([]);
  }, 60_000);
});

describe('the pooled wasm-interp children', () => {
  it('are tracked while they live and forgotten once closed', async () => {
    // the reaper's registry is per process and a vitest fork runs several files (isolate: false): count from here
    const before = trackedChildren();
    const pool = await InterpPool.start(join(NODE_MODULES, 'wabt/bin/wasm-interp'), 2);
    try {
      expect(trackedChildren()).toBe(before + 2);
    } finally {
      await pool.close();
    }
    expect(trackedChildren()).toBe(before);
  }, 120_000);
});
