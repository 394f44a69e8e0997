/**
 * driver-check fails a deliberately broken driver (fixtures/broken-driver.mjs: i64 results as JSON
 * numbers, every exit code lost, a hang on one trap), naming each fault on its own line, exit 1.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';

const BROKEN = fileURLToPath(new URL('./fixtures/broken-driver.mjs', import.meta.url));

async function cli(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false });
  return { code, out, err };
}

describe('trapcheck driver-check on a broken driver', () => {
  it('names each planted fault in one line and exits 1', async () => {
    // Act
    const { code, out } = await cli(['driver-check', 'node', BROKEN, '--i64-as-number', '--lose-exit', '--hang-on-div0']);
    // Assert
    expect(code).toBe(1);
    const faults = out.filter((l) => l.startsWith('FAULT '));
    expect(faults).toContainEqual(expect.stringMatching(/^FAULT i64 values \(step 1\): .*protocol error: .*i64 value must be a string/));
    expect(faults).toContainEqual('FAULT wasi: proc_exit(0) (step 1): expected exit 0, observed exit 1');
    expect(faults).toContainEqual('FAULT wasi: proc_exit(3) (step 1): expected exit 3, observed exit 1');
    expect(faults).toContainEqual(expect.stringMatching(/^FAULT trap: integer divide by zero \(step 0\): expected return, observed timeout after \d+ ms \(the driver did not answer within the case budget\)$/));
    // nothing else is blamed: unaffected checks pass
    expect(faults.some((l) => l.startsWith('FAULT trap: unreachable'))).toBe(false);
    expect(out.at(-1)).toMatch(/: \d+ checks passed, \d+ faults$/);
  });

  it('is a usage error (exit 2) without a command', async () => {
    const { code, err } = await cli(['driver-check']);
    expect(code).toBe(2);
    expect(err[0]).toMatch(/driver-check needs the driver's command/);
  });
});
