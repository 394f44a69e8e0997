/**
 * Runs `wazero run …` with a watchdog, and cuts the stack trace short. After a trap wazero prints
 * its report (`… wasm error: <text>`) and then one `wasm stack trace:` line per frame: for a
 * stack overflow that is about 2.1 million lines, 30 MB, 2.6 s of wall time on an idle machine
 * (measured: `wazero-1.6.0 run m.wasm 2>err` with a start function that recurses without end →
 * `wc -l err` 2,129,920). Under load that alone can exceed a case's budget. The report's first
 * line already holds everything the adapter reads, and the guest has stopped before wazero
 * prints it, so once the trace has begun the process is killed: its exit status would be 1 (a
 * trap's, measured for every trap kind), and that is what the result says, with `traceCut` set.
 *
 * The watchdog counts the process's CPU time (user + system, all its threads, from
 * /proc/<pid>/stat), not wall time: on a loaded machine the same stack overflow took 3.4 s of wall
 * time for 0.96 s of CPU (measured with /usr/bin/time while other jobs ran), and a case must not
 * turn into a timeout because the machine is busy. A guest that blocks without spending CPU is
 * still stopped by a wall-clock backstop (`backstopMs`). Without /proc, the budget is wall time.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ProcessResult } from '../wabt.ts';

const TRACE = '\nwasm stack trace:';
/** Bytes of stderr kept after the trace begins (for reports). */
const TRACE_KEEP = 400;

export interface WazeroProcessResult extends ProcessResult {
  /** The process was killed once its stack trace began (exit status 1 assumed, see above). */
  traceCut: boolean;
  /** When the watchdog fired: the CPU and wall milliseconds it saw (for reports). */
  watchdog?: { cpuMs: number | undefined; wallMs: number };
}

/** CPU milliseconds process `pid` has used, or undefined when /proc cannot tell. */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the parenthesised command name: state is field 3, utime 14, stime 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** USER_HZ: `getconf CLK_TCK` is 100 on Linux x86_64 and arm64 (fixed in the kernel ABI). */
const CLOCK_TICKS = 100;
const POLL_MS = 50;

export function runWazeroProcess(binary: string, argv: readonly string[], backstopMs: number, budgetMs: number, input: string): Promise<WazeroProcessResult> {
  return new Promise((resolve) => {
    const p = spawn(binary, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let traceCut = false;
    let timedOut = false;
    let watchdog: WazeroProcessResult['watchdog'];
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (traceCut) return;
      err += d;
      const at = err.indexOf(TRACE);
      if (at >= 0 && err.length > at + TRACE_KEEP) {
        err = err.slice(0, at + TRACE_KEEP);
        traceCut = true;
        p.kill('SIGKILL');
      }
    });
    p.stdin.on('error', () => undefined);
    p.stdin.end(input);
    // a monotonic clock: the watchdog must not jump with the wall clock
    const started = performance.now();
    const timer = setInterval(() => {
      const cpu = p.pid === undefined ? undefined : cpuMs(p.pid);
      const wall = performance.now() - started;
      if ((cpu ?? wall) > budgetMs || wall > backstopMs) {
        timedOut = true;
        watchdog = { cpuMs: cpu, wallMs: wall };
        p.kill('SIGKILL');
      }
    }, POLL_MS);
    const finish = (code: number | null, signal: NodeJS.Signals | null, extra = ''): void => {
      clearInterval(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      if (traceCut && !timedOut) resolve({ stdout, stderr: err, code: 1, signal: null, timedOut, budgetMs, traceCut });
      else resolve({ stdout, stderr: err + extra, code, signal, timedOut, budgetMs, traceCut, ...(watchdog ? { watchdog } : {}) });
    };
    p.on('error', (e) => finish(null, null, e.message));
    p.on('close', (code, signal) => finish(code, signal));
  });
}
