/** Runs the real `trapcheck` bin in a child process, as a user would (or, for cheap checks, in-process). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/trapcheck.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function trapcheck(args: string[], cwd = ROOT): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The same CLI entry as the bin (src/cli/bin.ts only adds the exit), run in this process: for
 * files that check many usage errors, which would otherwise pay a node + loader start-up each.
 * Keep at least one real `trapcheck` spawn per command behaviour beside it.
 */
export async function trapcheckInProcess(args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(`${l}\n`), err: (l) => err.push(`${l}\n`), isTTY: false });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Splits a printed replay line `  replay: npx trapcheck replay …` into trapcheck arguments. */
export function replayArgs(stdout: string): string[] {
  const line = stdout.split('\n').find((l) => l.trim().startsWith('replay: npx trapcheck '));
  if (!line) throw new Error(`no replay line in:\n${stdout}`);
  return line.trim().slice('replay: npx trapcheck '.length).split(' ').map((a) => a.replace(/^'(.*)'$/, '$1'));
}
