/**
 * `--schedules N` and `--schedule S` end to end: a threads case whose exit code depends on the
 * interleaving (two threads race to proc_exit) fails under some seeded schedules; the failure is
 * printed with `--schedule S`, that line replays the same failure, and report.json lists the set
 * of outcomes the schedules observed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayArgs, trapcheck } from '../../cli/helpers.ts';

const RACE_WAT = `(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
  (func (export "_start") (drop (call $spawn (i32.const 0))) (drop (call $yield)) (call $exit (i32.const 4)))
  (func (export "wasi_thread_start") (param i32 i32) (call $exit (i32.const 3))))`;

function raceCorpus(): { dir: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-sched-'));
  writeFileSync(join(dir, 'exit-race.wat'), RACE_WAT);
  const c = {
    schema: 'trapcheck.case/1',
    id: 'threads/exit-race',
    family: 'threads',
    module: 'exit-race.wat',
    features: ['threads', 'wasi', 'wasi-threads'],
    // deliberately one member of the race only: schedules where main exits first must fail
    steps: [{ op: 'instantiate', expect: { outcome: { kind: 'return' } } }, { op: 'start', expect: { outcome: { kind: 'exit', code: 3 } } }],
    provenance: { kind: 'hand-written', note: 'test/runtime/threads/cli-schedules.test.ts' },
  };
  writeFileSync(join(dir, 'exit-race.json'), JSON.stringify(c));
  return { dir, out: join(dir, 'out') };
}

describe('trapcheck run --schedules N / replay --schedule S', () => {
  it('finds the failing interleaving, prints its schedule, and the printed line replays it', () => {
    const { dir, out } = raceCorpus();
    const r = trapcheck(['run', '--corpus', dir, '--runs', '0', '--schedules', '12', '--out', out, '--reporter', 'json']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('expected exit 3, observed exit 4');
    const args = replayArgs(r.stdout);
    expect(args).toContain('--schedule');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { results: Array<{ verdict: string; tags: Record<string, string>; repro: string }> };
    expect(report.results).toHaveLength(1);
    expect(report.results[0]!.verdict).toBe('fail');
    expect(report.results[0]!.tags['schedules']).toBe('12');
    expect(report.results[0]!.tags['outcomes']).toBe('exit 3 | exit 4');
    expect(report.results[0]!.repro).toContain(`--schedule ${report.results[0]!.tags['schedule']}`);
    const replay = trapcheck([...args, '--out', join(dir, 'replay')]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain(`(schedule ${args[args.indexOf('--schedule') + 1]})`);
    expect(replay.stdout).toContain('1. observed exit 4');
  });
});
