/**
 * A process's children as Linux /proc shows them, for tests that check that trapcheck takes its
 * evaluators' children with it. A pid alone can name another process later (pids are reused), so
 * a child is the pid plus its start time.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface Proc {
  pid: number;
  cmdline: string;
  /** Clock ticks after boot when it started: with the pid, names one process. */
  started: string;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function stat(pid: number): { ppid: number; state: string; started: string } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields 3… of proc(5) after the `(comm)`: state, ppid, …, starttime (field 22)
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0]!, ppid: Number(rest[1]), started: rest[19]! };
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** The process `pid` now, if it exists. */
export function procOf(pid: number): Proc | undefined {
  const s = stat(pid);
  return s ? { pid, cmdline: cmdline(pid), started: s.started } : undefined;
}

/** Still running: present, not a zombie, and the same process (not a reused pid). */
export function running(p: Proc): boolean {
  const s = stat(p.pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X' && s.started === p.started;
}

/** The running children of `ppid` whose command line contains `marker`. */
export function childrenWith(ppid: number, marker: string): Proc[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .flatMap((pid) => {
      const s = stat(pid);
      if (s?.ppid !== ppid) return [];
      const p = { pid, cmdline: cmdline(pid), started: s.started };
      return p.cmdline.includes(marker) && running(p) ? [p] : [];
    });
}

/** The children still running a little after their parent ended (a SIGKILLed process needs a moment to go). */
export async function survivors(children: readonly Proc[]): Promise<Proc[]> {
  for (let i = 0; i < 20 && children.some(running); i++) await sleep(100);
  return children.filter(running);
}

/** Test clean-up: SIGKILLs whichever of `children` still runs (a failed assertion must not leave them behind). */
export function killSurvivors(children: readonly Proc[]): void {
  for (const c of children.filter(running)) {
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}
