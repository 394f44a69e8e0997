/**
 * Runs a single-runtime command (standalone-command.ts) in the report's folder and captures
 * what the runtime printed, so the report quotes real output, not a paraphrase. A watchdog ends
 * a hung runtime (the report then says so); the exit status is kept as the shell shows it.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NativeTarget, Standalone } from './standalone-command.ts';

export interface CapturedRun {
  /** The shell line as shown in the report (program's usual name). */
  shell: string;
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const WATCHDOG_MS = 20_000;

/** Single-quotes a word for sh unless it is plain. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `printf 'a\nb\n' | prog args…` (stdin as printf's format: `%` and `\` escaped). */
export function shellLine(argv: readonly string[], stdin?: string): string {
  const command = argv.map(quote).join(' ');
  if (stdin === undefined || stdin === '') return command;
  const format = stdin.replace(/\\/g, '\\\\').replace(/%/g, '%%').replace(/\n/g, '\\n');
  return `printf ${quote(format)} | ${command}`;
}

/** Writes the command's files into `dir` and runs it there with the target's binary. */
export function runStandalone(target: NativeTarget, standalone: Standalone, dir: string): CapturedRun[] {
  for (const f of standalone.files) writeFileSync(join(dir, f.name), f.bytes);
  return standalone.runs.map((run) => {
    const r = spawnSync(target.binary, run.argv.slice(1), { cwd: dir, input: run.stdin ?? '', timeout: WATCHDOG_MS, maxBuffer: 4 << 20 });
    const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
    return {
      shell: shellLine(run.argv, run.stdin),
      status: r.status,
      signal: r.signal,
      stdout: r.stdout?.toString('utf8') ?? '',
      stderr: r.stderr?.toString('utf8') ?? '',
      timedOut,
    };
  });
}
