/**
 * CLI adapters on PATH (wasmtime, wasmer, wasmedge): none of these binaries exists here,
 * so their command lines and the reading of their exit status and output are unit-tested from
 * their documented behaviour, and one end-to-end run uses a stand-in script given as
 * `--runtime wasmtime=/path` (what a user with the real binary does).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_SPECS, cliArgv, cliOutcome } from '../../src/runtimes/cli.ts';
import { loadProfile } from '../../src/runtimes/profiles.ts';
import { createRuntime } from '../../src/runtimes/registry.ts';
import { judge } from '../../src/judge.ts';
import type { ProcessResult } from '../../src/runtimes/wabt.ts';
import { inst, mkCase, start, wasiWriteExit } from '../runtime/helpers.ts';
import { trapcheck } from '../cli/helpers.ts';

const c = { id: 'wasi-exit/1/2', features: ['wasi' as const], wasi: { args: ['prog.wasm', 'a b', '-x'], env: ['K=V', 'E=1'] } };
const threaded = { ...c, features: ['wasi' as const, 'wasi-threads' as const] };
const dirs = [{ host: '/tmp/suite/fs-tests.dir', guest: 'fs-tests.dir' }];
const proc = (code: number | null, stdout = '', stderr = '', extra: Partial<ProcessResult> = {}): ProcessResult => ({ code, stdout, stderr, signal: null, timedOut: false, budgetMs: 5000, ...extra });

describe('CLI command lines (wasi-testsuite adapters)', () => {
  it('wasmtime: run, threads flags only for wasi-threads cases, --argv0, --env, --dir host::guest', () => {
    expect(cliArgv(CLI_SPECS.wasmtime, 'm.wasm', c, dirs)).toEqual(['run', '--argv0', 'prog.wasm', '--env', 'K=V', '--env', 'E=1', '--dir', '/tmp/suite/fs-tests.dir::fs-tests.dir', 'm.wasm', 'a b', '-x']);
    expect(cliArgv(CLI_SPECS.wasmtime, 'm.wasm', threaded).slice(0, 5)).toEqual(['run', '-W', 'threads=y', '-S', 'threads=y']);
  });
  it('wasmer: run --env, --mapdir guest:host, args after --', () => {
    expect(cliArgv(CLI_SPECS.wasmer, 'm.wasm', c, dirs)).toEqual(['run', '--env', 'K=V', '--env', 'E=1', '--mapdir', 'fs-tests.dir:/tmp/suite/fs-tests.dir', 'm.wasm', '--', 'a b', '-x']);
  });
  it('wasmedge: --env, --dir guest:host', () => {
    expect(cliArgv(CLI_SPECS.wasmedge, 'm.wasm', c, dirs)).toEqual(['--env', 'K=V', '--env', 'E=1', '--dir', 'fs-tests.dir:/tmp/suite/fs-tests.dir', 'm.wasm', 'a b', '-x']);
  });
  it('takes preopens from the case (wasi-testsuite dirs)', () => {
    expect(cliArgv(CLI_SPECS.wasmedge, 'm.wasm', { ...c, wasi: { ...c.wasi, dirs } })).toContain('fs-tests.dir:/tmp/suite/fs-tests.dir');
  });
});

describe('CLI exit status and output → outcome (profiles)', () => {
  it('wasmtime: 134 + `wasm trap:` is a trap; proc_exit(126) is exit 1 with an error, which its rule expects', () => {
    const wt = loadProfile('wasmtime');
    const stderr = 'Error: failed to run main module `m.wasm`\n\nCaused by:\n    0: failed to invoke command default\n    1: error while executing at wasm backtrace:\n           0:   0x2a - <unknown>!<wasm function 1>\n    2: wasm trap: integer divide by zero\n';
    expect(cliOutcome(CLI_SPECS.wasmtime, wt, proc(134, '', stderr), c)).toEqual({ kind: 'trap', trap: ['integer divide by zero'], message: 'integer divide by zero' });
    expect(cliOutcome(CLI_SPECS.wasmtime, wt, proc(134, '', 'Error: …\n    1: wasm trap: wasm `unreachable` instruction executed\n'), c)).toMatchObject({ trap: ['unreachable'] });
    expect(cliOutcome(CLI_SPECS.wasmtime, wt, proc(134, '', 'Error: …\n    1: wasm trap: undefined element: out of bounds table access\n'), c)).toMatchObject({ trap: ['undefined element', 'out of bounds table access'] });
    const invalid = cliOutcome(CLI_SPECS.wasmtime, wt, proc(1, '', 'Error: failed to run main module\n\nCaused by:\n    exit with invalid exit status outside of [0..126)\n'), c);
    expect(invalid).toEqual({ kind: 'exit', code: 1 });
    const caseOf = (code: number) => mkCase([wasiWriteExit('', code)], [inst(), start({ outcome: { kind: 'exit', code } })], { features: ['wasi'] });
    const obsOf = (o: ReturnType<typeof cliOutcome>) => ({ steps: [{ outcome: { kind: 'return' as const, values: [] } }, { outcome: o }], stdout: '', stderr: '' });
    expect(judge(caseOf(126), obsOf(invalid), wt).verdict).toBe('pass');
    expect(judge(caseOf(7), obsOf({ kind: 'exit', code: 7 }), wt).verdict).toBe('pass');
    // a 134 with no trap message is still a trap, of an unknown kind
    expect(cliOutcome(CLI_SPECS.wasmtime, wt, proc(134), c)).toMatchObject({ kind: 'trap' });
  });
  it('wasmer: exit 1 + RuntimeError is a trap, 129 in a threaded case is a thread trap, plain 1 is proc_exit(1)', () => {
    const p = loadProfile('wasmer');
    expect(cliOutcome(CLI_SPECS.wasmer, p, proc(1, '', 'error: failed to run `m.wasm`\n╰─▶ 1: RuntimeError: unreachable\n'), c)).toMatchObject({ kind: 'trap', trap: ['unreachable'] });
    expect(cliOutcome(CLI_SPECS.wasmer, p, proc(129, '', 'Thread 2 of process 1 failed with runtime error\n'), threaded)).toMatchObject({ kind: 'trap' });
    expect(cliOutcome(CLI_SPECS.wasmer, p, proc(1), c)).toEqual({ kind: 'exit', code: 1 });
    expect(cliOutcome(CLI_SPECS.wasmer, p, proc(44), c)).toEqual({ kind: 'exit', code: 44 });
  });
  it('wasmedge prints the trap on stderr', () => {
    expect(cliOutcome(CLI_SPECS.wasmedge, loadProfile('wasmedge'), proc(134, '', '[2026-01-01 00:00:00.000] [error] execution failed: out of bounds memory access, Code: 0x88\n'), c)).toMatchObject({ kind: 'trap', trap: ['out of bounds memory access'] });
  });
  it('a watchdog kill is timeout; a signal is a crash', () => {
    expect(cliOutcome(CLI_SPECS.wasmer, loadProfile('wasmer'), proc(null, '', '', { timedOut: true }), c)).toEqual({ kind: 'timeout', budgetMs: 5000 });
    expect(cliOutcome(CLI_SPECS.wasmer, loadProfile('wasmer'), proc(null, '', '', { signal: 'SIGSEGV' }), c)).toMatchObject({ kind: 'crash' });
  });
});

describe('CLI runtimes are enabled by a binary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-fake-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing binary says so and names the way to give one', async () => {
    await expect(createRuntime('wasmtime=/nonexistent/wasmtime')).rejects.toThrow(/wasmtime: `\/nonexistent\/wasmtime` is not an executable file/);
    const r = trapcheck(['runtimes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wasmer\s+missing\s+looked for wasmer\* in .*, `wasmer` on PATH$/m);
    expect(r.stdout).toMatch(/^reference\s+available/m);
  });

  it('`--runtime wasmtime=/path` runs commands through that binary and reads its status with the wasmtime profile', () => {
    // A stand-in for wasmtime: prints its version, or behaves as wasmtime would on the fixture
    // suite's modules (picked by file name), with one deliberate bug: args-env exits 0.
    const fake = join(dir, 'wasmtime');
    writeFileSync(
      fake,
      `#!/bin/sh
if [ "$1" = "--version" ]; then echo "wasmtime 46.0.1 (stand-in)"; exit 0; fi
for a in "$@"; do case "$a" in *.wasm) f="$a";; esac; done
echo "$*" >> "${dir}/argv.log"
case "$f" in
  *stdout-hello*) printf 'hello\n'; exit 0;;
  *proc_exit-failure*) exit 33;;
  *fd_prestat-dir*) case "$*" in *"--dir "*"fs-tests.dir::fs-tests.dir"*) exit 0;; *) exit 1;; esac;;
  *) exit 0;;
esac
`,
    );
    chmodSync(fake, 0o755);
    const r = trapcheck(['run', '--suite', 'wasi-testsuite:test/fixtures/wasi-testsuite', '--runtime', `wasmtime=${fake}`, '--out', join(dir, 'out'), '--seed', '1']);
    // named with the version the binary printed (src/runtimes/discovery.ts)
    expect(r.stdout).toMatch(/runtimes wasmtime@46\.0\.1 wasmtime 46\.0\.1 \(stand-in\) at /);
    expect(r.stdout).toMatch(/FAIL wasi-testsuite\/wasi-testsuite\/args-env on wasmtime@46\.0\.1 \(step 1\): expected exit 31, observed exit 0/);
    // the preopen test runs (wasmtime has --dir), unlike on the reference runtime
    expect(r.stdout).toMatch(/5 results: 4 pass, 1 fail, 0 imprecise, 0 known divergences, 0 skipped/);
    expect(r.code).toBe(1);
  });
});
