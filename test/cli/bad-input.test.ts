/**
 * DESIGN §7/§8: bad input gets one line naming the problem and exit 2, never a stack trace.
 * `run` and `replay` are checked once each through the real bin (a process's exit status and
 * stderr); the other cases go through the same entry in-process (runCli, where the message and
 * the code come from), sparing a node + loader start-up each.
 */
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliRun } from './helpers.ts';
import { ROOT, trapcheck, trapcheckInProcess } from './helpers.ts';

function expectOneLineError(r: CliRun, pattern: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^trapcheck: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** A corpus dir holding one case whose module file is `moduleName` with `moduleBytes`. */
function caseDir(moduleName: string, moduleBytes: Uint8Array | string, caseJson?: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-bad-'));
  writeFileSync(join(dir, moduleName), moduleBytes);
  const json = caseJson ?? {
    schema: 'trapcheck.case/1',
    id: 'bad/one',
    family: 'core-traps',
    module: moduleName,
    features: [],
    steps: [{ op: 'instantiate', expect: { outcome: { kind: 'return' } } }],
    provenance: { kind: 'hand-written', note: 'test' },
  };
  writeFileSync(join(dir, 'one.json'), JSON.stringify(json));
  return dir;
}

describe('bad input exits 2 with a one-line error', () => {
  it('a truncated .wasm names the file', () => {
    const dir = caseDir('one.wasm', new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05]));
    const r = trapcheck(['run', '--runs', '0', '--corpus', dir, '--out', join(dir, 'out')]);
    expectOneLineError(r, /one\.wasm/);
  });

  it('invalid WAT names the file, line and column', () => {
    const dir = caseDir('one.wat', '(module\n  (func (result i32) (i32.addd (i32.const 1))))\n');
    const r = trapcheck(['replay', join(dir, 'one.json')]);
    expectOneLineError(r, /one\.wat:2:\d+/);
  });

  it('a case JSON with a missing field names the field', async () => {
    const dir = caseDir('one.wat', '(module)', { schema: 'trapcheck.case/1', id: 'bad/one', family: 'core-traps', module: 'one.wat', features: [], provenance: { kind: 'hand-written', note: 't' } });
    const r = await trapcheckInProcess(['replay', join(dir, 'one.json')]);
    expectOneLineError(r, /one\.json: \$\.steps is missing/);
  });

  it('malformed JSON names the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trapcheck-bad-'));
    writeFileSync(join(dir, 'x.json'), '{"schema": "trapcheck.case/1", ');
    expectOneLineError(await trapcheckInProcess(['replay', join(dir, 'x.json')]), /x\.json/);
  });

  it('--family nope lists the valid families', async () => {
    const r = await trapcheckInProcess(['run', '--family', 'nope', '--runs', '1']);
    expectOneLineError(r, /unknown family `nope`; valid choices: .*`core-traps`/);
  });

  it('an unknown runtime lists the valid runtimes', async () => {
    expectOneLineError(await trapcheckInProcess(['run', '--runtime', 'nope', '--runs', '1']), /unknown runtime `nope`; valid runtimes: `reference`/);
  });

  it('an unknown option names the option', async () => {
    expectOneLineError(await trapcheckInProcess(['run', '--frobnicate']), /unknown option `--frobnicate`/);
  });

  it('an unknown command lists the commands', async () => {
    expectOneLineError(await trapcheckInProcess(['frobnicate']), /unknown command `frobnicate`; valid commands: `run`/);
  });

  it('a non-integer --seed is refused', async () => {
    expectOneLineError(await trapcheckInProcess(['run', '--seed', 'abc']), /--seed must be an integer/);
  });

  it('the shipped bad-input fixtures are all refused', async () => {
    const fixtures = join(ROOT, 'test/fixtures/bad-input');
    const jsons = readdirSync(fixtures, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
    expect(jsons.length).toBeGreaterThan(0);
    for (const f of jsons) {
      const r = await trapcheckInProcess(['replay', join(fixtures, f)]);
      expect(r.code, `${f}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

