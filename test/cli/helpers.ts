/** Runs the real `trapcheck` bin in a child process, as a user would. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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

/** Splits a printed replay line `  replay: npx trapcheck replay …` into trapcheck arguments. */
export function replayArgs(stdout: string): string[] {
  const line = stdout.split('\n').find((l) => l.trim().startsWith('replay: npx trapcheck '));
  if (!line) throw new Error(`no replay line in:\n${stdout}`);
  return line.trim().slice('replay: npx trapcheck '.length).split(' ').map((a) => a.replace(/^'(.*)'$/, '$1'));
}
