/**
 * Native verdicts must not depend on load (DESIGN §6): the step watchdog of the REPL / one-shot
 * children counts the child's CPU time, leaves a starved child alone, and a timeout is kept only
 * when a re-run alone times out again. Pure parts use an injected clock and /proc; the session
 * tests starve a real child (SIGSTOP) or trapcheck's own event loop far past the budget, which
 * is what a loaded machine does to them, and require the answer, not `timeout`.
 */
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../src/observation.ts';
import type { ProcessSample, WatchdogFiring, WatchdogProbe } from '../../src/runtimes/native/cpu-watchdog.ts';
import { IDLE_MS, sampleProcess, StepWatchdog } from '../../src/runtimes/native/cpu-watchdog.ts';
import { CONFIRM_SCALE, runConfirmingTimeouts } from '../../src/runtimes/native/confirm-timeout.ts';
import { freeProcessSlots, PROCESS_SLOTS, withProcessSlot } from '../../src/runtimes/native/process-slots.ts';
import { ReplSession, runOnce } from '../../src/runtimes/native/repl-session.ts';

/** A clock and a /proc the test moves by hand. */
function fakeProbe(): WatchdogProbe & { t: number; s: ProcessSample; gone: boolean } {
  const p = { t: 0, gone: false, s: { cpuMs: 0, runnable: true }, now: () => p.t, hasProc: () => true, sample: () => (p.gone ? undefined : { ...p.s }) };
  return p;
}

describe('StepWatchdog (injected clock and /proc)', () => {
  const watch = (probe: WatchdogProbe): StepWatchdog => {
    const w = new StepWatchdog(() => 42, () => undefined, probe);
    w.arm({ budgetMs: 5_000 });
    w.disarm(); // verdicts are asked by hand below: no timer
    return w;
  };

  it('a starved child (runnable, a little CPU) is not hung at 6× its budget of wall time', () => {
    const p = fakeProbe();
    const w = watch(p);
    for (let t = 100; t <= 30_000; t += 100) {
      p.t = t;
      p.s.cpuMs = Math.floor(t / 20); // 5 % of a core
      expect(w.verdict()).toBeUndefined();
    }
    p.t = 50_001; // the wall-clock backstop (10× the budget) still ends a child starved for ever
    expect(w.verdict()).toMatchObject({ why: 'backstop' });
  });

  it('fires on CPU past the budget, whatever the wall time', () => {
    const p = fakeProbe();
    const w = watch(p);
    p.t = 200;
    p.s.cpuMs = 5_001;
    expect(w.verdict()).toMatchObject({ why: 'cpu', cpuMs: 5_001 });
  });

  it('a blocked child (asleep, no CPU) is hung once past its budget and idle for IDLE_MS', () => {
    const p = fakeProbe();
    const w = watch(p);
    p.s.runnable = false;
    let fired: WatchdogFiring | undefined;
    for (let t = 100; !fired && t < 20_000; t += 100) {
      p.t = t;
      fired = w.verdict();
    }
    expect(fired).toMatchObject({ why: 'blocked' });
    expect(fired!.wallMs).toBeGreaterThan(5_000);
  });

  it('a gap between polls (trapcheck busy) does not count as the child being idle', () => {
    const p = fakeProbe();
    const w = watch(p);
    p.s.runnable = false; // waiting for us to read its answer
    p.t = 9_000; // the first poll after a stalled event loop
    expect(w.verdict()).toBeUndefined();
    p.t = 9_000 + IDLE_MS + 50; // still idle after polls resumed: now it is blocked
    for (let t = 9_100; t <= p.t; t += 100) {
      const at = p.t;
      p.t = t;
      w.verdict();
      p.t = at;
    }
    expect(w.verdict()).toMatchObject({ why: 'blocked' });
  });

  it('a child that already ended (no /proc entry, its close event not yet read) is not a timeout', () => {
    const p = fakeProbe();
    const w = watch(p);
    p.gone = true;
    p.t = 20_000;
    expect(w.verdict()).toBeUndefined();
  });

  it('reads this very process from /proc', () => {
    const s = sampleProcess(process.pid);
    if (s === undefined) return; // no /proc here: the watchdog falls back to wall time
    expect(s.cpuMs).toBeGreaterThan(0);
    expect(s.runnable).toBe(true);
  });
});

/** A REPL in sh: prints `> `, answers `got LINE`; `spin` burns CPU, `hang` sleeps (blocked). */
const SH_REPL = 'while printf "> "; read l; do case "$l" in spin) while :; do :; done;; hang) sleep 60;; esac; echo "got $l"; done';
const start = (budgetMs: number) => ReplSession.start({ command: 'sh', args: ['-c', SH_REPL], prompt: '> ', budgetMs });

describe.skipIf(sampleProcess(process.pid) === undefined)('ReplSession under load (real child)', () => {
  it('a child that gets no CPU for 4× its budget (SIGSTOP) still answers: a reply, not a timeout', async () => {
    const { session, banner } = await start(250);
    expect(banner.kind).toBe('reply');
    process.kill(session.pid!, 'SIGSTOP');
    const pending = session.send('a');
    await new Promise((r) => setTimeout(r, 1_000));
    process.kill(session.pid!, 'SIGCONT');
    expect(await pending).toEqual({ kind: 'reply', text: 'got a\n' });
    expect(await session.send('b')).toEqual({ kind: 'reply', text: 'got b\n' });
    session.kill();
    await session.close();
  });

  it('trapcheck busy for 4× the budget while the answer waits in the pipe: a reply, not a timeout', async () => {
    const { session } = await start(250);
    const pending = session.send('a');
    const until = performance.now() + 1_000;
    while (performance.now() < until); // the event loop is blocked: the answer arrives meanwhile
    expect(await pending).toEqual({ kind: 'reply', text: 'got a\n' });
    session.kill();
    await session.close();
  });

  it('a spinning child is a timeout on CPU, a blocked one on idleness; the group is killed', async () => {
    const spin = await start(300);
    expect(await spin.session.send('spin')).toMatchObject({ kind: 'timeout' });
    expect(spin.session.watchdogFiring).toMatchObject({ why: 'cpu' });
    expect((await spin.session.close()).signal).toBe('SIGKILL');
    const hang = await start(300);
    expect(await hang.session.send('hang')).toMatchObject({ kind: 'timeout' });
    expect(hang.session.watchdogFiring).toMatchObject({ why: 'blocked' });
    expect(await hang.session.close()).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
  });

  it('runOnce: a stopped child is not timed out, a spinning one is', async () => {
    const r = runOnce({ command: 'sh', args: ['-c', 'kill -STOP $$; echo done'], budgetMs: 250 });
    await new Promise((res) => setTimeout(res, 1_000));
    // the shell stopped itself; continue it (its pid is the only `sh` child of ours that is stopped)
    const { execFileSync } = await import('node:child_process');
    const pids = execFileSync('ps', ['-o', 'pid=,stat=', '--ppid', String(process.pid)], { encoding: 'utf8' }).split('\n').filter((l) => /\sT/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
    for (const pid of pids) process.kill(pid, 'SIGCONT');
    expect(await r).toMatchObject({ timedOut: false, code: 0, stdout: 'done\n' });
    expect(await runOnce({ command: 'sh', args: ['-c', 'while :; do :; done'], budgetMs: 250 })).toMatchObject({ timedOut: true, watchdog: { why: 'cpu' } });
  });
});

describe('runConfirmingTimeouts', () => {
  const obs = (kind: 'timeout' | 'return'): Observation => ({ steps: [{ outcome: { kind: 'return', values: [] } }, { outcome: kind === 'timeout' ? { kind, budgetMs: 1 } : { kind, values: [] } }], stdout: '', stderr: '' });

  it('a timeout of a loaded first run is re-run alone with a larger budget, and that run decides', async () => {
    const runs: Array<{ scale: number; free: number }> = [];
    const out = await runConfirmingTimeouts(async (scale) => {
      runs.push({ scale, free: freeProcessSlots() });
      return obs(runs.length === 1 ? 'timeout' : 'return');
    });
    expect(runs).toEqual([
      { scale: 1, free: PROCESS_SLOTS - 1 },
      { scale: CONFIRM_SCALE, free: 0 }, // alone: every native slot held
    ]);
    expect(out.steps[1]!.outcome.kind).toBe('return');
    expect(out.raw).toEqual({ firstRunTimedOut: { step: 1, confirmed: false, budgetScale: CONFIRM_SCALE } });
    expect(freeProcessSlots()).toBe(PROCESS_SLOTS);
  });

  it('a runtime that takes a slot per process (wizer) takes none of its own inside the confirming run', async () => {
    const seen: number[] = [];
    const out = await runConfirmingTimeouts(
      (scale) => withProcessSlot(async () => (seen.push(freeProcessSlots()), obs(scale === 1 ? 'timeout' : 'return'))),
      { slotPerProcess: true },
    );
    expect(seen).toEqual([PROCESS_SLOTS - 1, 0]); // would wait for ever if the inner slot were taken
    expect(out.steps[1]!.outcome.kind).toBe('return');
    expect(freeProcessSlots()).toBe(PROCESS_SLOTS);
  });

  it.skipIf(sampleProcess(process.pid) === undefined)('a child that hung blocked (asleep, no CPU: load cannot do that) is a timeout without a second run', async () => {
    let runs = 0;
    const out = await runConfirmingTimeouts(async () => {
      runs++;
      const { session } = await start(300);
      const r = await session.send('hang');
      await session.close();
      return obs(r.kind === 'timeout' ? 'timeout' : 'return');
    });
    expect(runs).toBe(1);
    expect(out.raw).toEqual({ firstRunTimedOut: { step: 1, confirmed: 'blocked' } });
  });

  it('a real hang stays a timeout; a case without one runs once', async () => {
    expect((await runConfirmingTimeouts(async () => obs('timeout'))).raw).toEqual({ firstRunTimedOut: { step: 1, confirmed: true, budgetScale: CONFIRM_SCALE } });
    let n = 0;
    const once = await runConfirmingTimeouts(async () => (n++, obs('return')));
    expect(n).toBe(1);
    expect(once.raw).toBeUndefined();
  });
});
