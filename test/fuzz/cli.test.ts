/**
 * The real CLI: a campaign killed with SIGKILL mid-run (between two checkpoints) and resumed with
 * `--resume` ends with the same report as an uninterrupted run (no case repeated or lost: same counts, digest, rows,
 * findings); `trapcheck merge` of two shards equals the unsharded run; `replay --path i:shrink`
 * rebuilds a shrunk case; bad options are one-line usage errors (exit 2).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignReport } from '../../src/fuzz/report.ts';
import { comparableReport } from '../../src/fuzz/report.ts';
import { caseAtPath } from '../../src/fuzz/shrink-path.ts';
import { getFamily } from '../../generators/index.ts';
import { ROOT, trapcheck, trapcheckInProcess } from '../cli/helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/trapcheck.js', import.meta.url));
const KILL_AT_SECOND_CHECKPOINT = fileURLToPath(new URL('../fixtures/fuzz/sigkill-at-second-checkpoint.js', import.meta.url));
// Three committed batches (a batch is 256 cases, 128 positions of the two families): the killed run
// dies at the second checkpoint, so one batch is on disk, one is lost and one never started. The
// kill no longer races a poller, so the run need not be long enough to be caught by one (was 600).
const RUNS = 300;
const ARGS = ['fuzz', '--family', 'core-traps,wasi-exit', '--seed', '3', '--runs', String(RUNS)];

const readReport = (dir: string): CampaignReport => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as CampaignReport;
const checkpointOf = (dir: string): { complete: boolean; state: { nextPosition: number; cases: number; sessions: number } } | undefined => {
  try {
    return JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
  } catch {
    return undefined;
  }
};

describe('trapcheck fuzz (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trapcheck-fuzz-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SIGKILL mid-run, then --resume, gives the same final report as an uninterrupted run', async () => {
    const whole = join(dir, 'whole');
    const r = trapcheck([...ARGS, '--out', whole]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${RUNS * 2} cases, ${RUNS * 2} results`));

    const killed = join(dir, 'killed');
    const child = spawn(process.execPath, ['--import', KILL_AT_SECOND_CHECKPOINT, BIN, ...ARGS, '--out', killed, '--checkpoint-every', '0'], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
    expect(await exited).toBe('SIGKILL');
    // killed with the second committed batch done but not checkpointed: --resume must redo it
    const cp = checkpointOf(killed);
    expect(cp?.complete).toBe(false);
    expect(cp?.state.nextPosition).toBeGreaterThan(0);
    expect(cp?.state.nextPosition).toBeLessThan(RUNS);
    expect(existsSync(join(killed, 'report.json'))).toBe(false);

    const resumed = trapcheck(['fuzz', '--resume', killed, '--checkpoint-every', '0']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`resuming at position ${cp!.state.nextPosition}`);
    const a = readReport(whole);
    const b = readReport(killed);
    expect(b.campaign.sessions).toBe(2);
    expect(b.summary.total).toBe(RUNS * 2);
    expect(comparableReport(b)).toEqual(comparableReport(a));
  }, 150_000);

  it('`trapcheck merge` of two shards equals the unsharded run (the one above)', () => {
    for (const k of [1, 2]) expect(trapcheck(['fuzz', '--family', 'core-traps,wasi-exit', '--seed', '3', '--runs', String(RUNS / 2), '--shard', `${k}/2`, '--out', join(dir, `m-${k}`)]).code).toBe(0);
    const m = trapcheck(['merge', join(dir, 'm-1'), join(dir, 'm-2'), '--out', join(dir, 'm-merged')]);
    expect(m.stdout).toContain(`merged 2 shard(s) (all 2): ${RUNS * 2} cases, ${RUNS * 2} results`);
    expect(m.code).toBe(0);
    expect(comparableReport(readReport(join(dir, 'm-merged')))).toEqual(comparableReport(readReport(join(dir, 'whole'))));
  }, 60_000);

  it('replay --path i:shrinkpath rebuilds the shrunk case; a path outside the shrink tree is exit 2', async () => {
    // a shrink path of core-traps v2, seed 2: case 4 and five shrink steps that keep the planted bug's trap and placement
    const path = '4:3:1:1:1:1:1';
    const expected = caseAtPath(getFamily('core-traps'), 2, path);
    const r = trapcheck(['replay', '--family', 'core-traps', '--seed', '2', '--path', path, '--out', join(dir, 'replay')]);
    expect(r.stdout).toContain(`case core-traps/2/${path} (core-traps)`);
    expect(r.code).toBe(0);
    expect(expected.tags).toMatchObject({ trap: 'integer overflow', placement: 'br_table-arm' });
    // in-process (runCli, the bin's entry): `replay` ran through the real bin just above
    const bad = await trapcheckInProcess(['replay', '--family', 'core-traps', '--seed', '2', '--path', '4:999999']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^trapcheck: path 4:999999 does not exist in core-traps's shrink tree for seed 2\n$/);
  });

  it('bad options are one-line usage errors', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['fuzz', '--family', 'core-traps'], /needs a budget: --runs N .*, --time DURATION .* or --budget-per-runtime DURATION/],
      [['fuzz', '--runs', '5', '--time', 'soon'], /--time must be a duration like `90s`/],
      [['fuzz', '--runs', '5', '--shard', '3/2'], /--shard must look like `k\/n`/],
      [['fuzz', '--runs', '5', '--budget-per-runtime', '0s'], /--budget-per-runtime must be a duration like `90s`/],
      [['findings', join(dir, 'nothing-here')], /no such folder/],
      [['fuzz', '--runs', '5', '--differential'], /--differential compares runtimes: give at least two/],
      [['fuzz', '--runs', '5', '--family', 'nope'], /unknown family `nope`/],
      [['fuzz', '--resume', join(dir, 'nothing-here')], /cannot read the campaign checkpoint/],
      [['fuzz', '--resume', join(dir, 'whole'), '--seed', '4'], /--resume continues a campaign with its own configuration; drop --seed/],
      [['merge'], /`trapcheck merge` needs the --out directories/],
    ];
    // The first through the real bin (the process's exit status and stderr); the rest through the
    // same entry in-process (runCli, where the message and the code 2 come from), which spares a
    // node + loader start-up per case.
    for (const [n, [args, message]] of cases.entries()) {
      const r = n === 0 ? trapcheck(args) : await trapcheckInProcess(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
