/**
 * wasi-testsuite folders on the real iwasm and wazero binaries (../shared/runtimes/bin, or
 * TRAPCHECK_RUNTIMES_DIR; skipped with the reason where absent): tests that mutate their preopened
 * folder each get a fresh copy, the same run twice gives the same verdicts, and the suite folder
 * is byte-identical afterwards. Plus the stdio the runtimes get: real pipes, as under the suite's
 * own runner (src/runtimes/piped-process.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadWasiTestsuite } from '../../src/conformance/wasi-testsuite.ts';
import { runSuite } from '../../src/conformance/suite.ts';
import { createIwasmRuntime } from '../../src/runtimes/native/iwasm.ts';
import { defaultRuntimesDir } from '../../src/runtimes/discovery.ts';
import { runProcessOnPipes } from '../../src/runtimes/piped-process.ts';
import { createRuntime } from '../../src/runtimes/registry.ts';
import { runProcess } from '../../src/runtimes/wabt.ts';
import { treeListing } from './wasi-testsuite-tree.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/wasi-testsuite/', import.meta.url));
const MUTATING = join(FIXTURES, 'mutating');
const BIN = defaultRuntimesDir();
const IWASM = join(BIN, 'iwasm-2.4.5');
const WAZERO = join(BIN, 'wazero-1.6.0');
const linux = process.platform === 'linux';

describe.skipIf(!linux)('runtime processes get real pipes on stdio', () => {
  it('fd 0, 1 and 2 are FIFOs (not the socket pairs of a plain Node spawn); input arrives, then EOF', async () => {
    const probe = 'for f in 0 1 2; do [ -p /dev/fd/$f ] || exit 1$f; done; cat; echo err >&2';
    const piped = await runProcessOnPipes('sh', ['-c', probe], 5_000, { input: 'in\n' });
    expect(piped).toMatchObject({ code: 0, stdout: 'in\n', stderr: 'err\n', timedOut: false });
    expect((await runProcess('sh', ['-c', probe], 5_000)).code).toBe(10);
  });

  it('the watchdog still kills a hung child, and a missing binary is an error result', async () => {
    expect(await runProcessOnPipes('sh', ['-c', 'exec sleep 30'], 200)).toMatchObject({ code: null, signal: 'SIGKILL', timedOut: true });
    const missing = await runProcessOnPipes('/nonexistent/runtime', [], 1_000);
    expect(missing.code).toBeNull();
    expect(missing.stderr).toMatch(/ENOENT/);
  });
});

describe.skipIf(!linux || !existsSync(IWASM))(`iwasm-2.4.5 at ${IWASM}`, () => {
  it('stdout is not a socket: sock_shutdown(1) fails with ENOTSOCK as under the runner (on socket stdio iwasm shuts the pipe down)', async () => {
    const suite = loadWasiTestsuite(join(FIXTURES, 'stdio'));
    const rt = await createIwasmRuntime({ name: 'iwasm@2.4.5', kind: 'iwasm', binary: IWASM, version: '2.4.5', versionLine: 'iwasm 2.4.5' });
    try {
      const [r] = await runSuite(suite, [rt]);
      expect(r!.verdict.verdict).toBe('pass');
    } finally {
      await rt.close();
    }
    // the same module under a plain Node spawn (socket pairs): iwasm's sock_shutdown succeeds
    const onSockets = await runProcess(IWASM, [join(FIXTURES, 'stdio', 'sock_shutdown-stdout.wasm')], 5_000);
    expect(onSockets.code).toBe(1);
  });
});

const RUNTIMES = [
  // wazero 1.6.0's path_symlink answers ENOENT (`-hostlogging=filesystem`), as in the suite's own symlink tests
  { spec: `iwasm=${IWASM}`, binary: IWASM, expected: { '1-unlink-keep': 'pass', '2-see-keep': 'pass', '3-create-exclusive': 'pass', '4-create-exclusive': 'pass', '5-symlink-leave': 'pass' } },
  { spec: `wazero=${WAZERO}`, binary: WAZERO, expected: { '1-unlink-keep': 'pass', '2-see-keep': 'pass', '3-create-exclusive': 'pass', '4-create-exclusive': 'pass', '5-symlink-leave': 'fail' } },
];

for (const { spec, binary, expected } of RUNTIMES) {
  describe.skipIf(!linux || !existsSync(binary))(`a mutating suite on ${spec}`, () => {
    it('each test gets a fresh copy of its folder; twice the same verdicts; the suite folder is byte-identical', async () => {
      const before = treeListing(MUTATING);
      const verdicts: Array<Record<string, string>> = [];
      for (let run = 0; run < 2; run++) {
        const rt = await createRuntime(spec);
        try {
          const results = await runSuite(loadWasiTestsuite(MUTATING), [rt]);
          verdicts.push(Object.fromEntries(results.map((r) => [r.case.id.split('/').pop()!, r.verdict.verdict])));
        } finally {
          await rt.close();
        }
      }
      expect(verdicts[0]).toEqual(expected);
      expect(verdicts[1]).toEqual(verdicts[0]);
      expect(treeListing(MUTATING)).toEqual(before);
    }, 60_000);
  });
}

if (!existsSync(BIN)) it.skip(`the real runtimes folder ${BIN} is absent (set TRAPCHECK_RUNTIMES_DIR): skipped`, () => undefined);
