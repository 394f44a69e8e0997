/**
 * The evaluators' child processes (binaryen's wasm-shell, wasm-interp's pooled children) die with
 * trapcheck. Node ends on SIGTERM / SIGINT without touching its children: a wasm-shell in the
 * middle of a 64-case script ran on for tens of seconds as an orphan, and a `trapcheck
 * oracle-check` stopped by CI or Ctrl-C left them behind. While any child is tracked, a signal
 * SIGKILLs every one of them and then ends trapcheck as the signal would have (re-raised, unless
 * someone else in the process handles that signal); `process.exit` kills them too.
 *
 * The handlers exist only while a child is tracked, so nothing changes for commands that never
 * start an evaluator.
 */

/** A child as the reaper sees it: something to SIGKILL now, synchronously. */
export interface ReapableChild {
  kill(): void;
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
type ReapSignal = (typeof SIGNALS)[number];

const tracked = new Set<ReapableChild>();
let installed = false;

function killAll(): void {
  for (const child of tracked) {
    try {
      child.kill();
    } catch {
      // already gone
    }
  }
  tracked.clear();
}

function onSignal(signal: ReapSignal): void {
  killAll();
  uninstall();
  // nobody else asked for this signal: end with its default action, as without the reaper
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

const handlers = Object.fromEntries(SIGNALS.map((s) => [s, () => onSignal(s)])) as Record<ReapSignal, () => void>;

function install(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, handlers[s]);
  process.on('exit', killAll);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const s of SIGNALS) process.off(s, handlers[s]);
  process.off('exit', killAll);
}

/** Tracks `child` until the returned function is called (when it has exited or was closed). */
export function trackChild(child: ReapableChild): () => void {
  tracked.add(child);
  install();
  return () => {
    tracked.delete(child);
    if (!tracked.size) uninstall();
  };
}

/**
 * Runs `spawning`, which spawns a child and tracks it (ChildSpec.onSpawn, right after the spawn),
 * with the handlers already installed. Installed only by that trackChild, they would miss a signal
 * arriving between the fork and the call: Node would end at once with the signal's default action
 * and leave the new child running (seen once in a full test run on a loaded machine). Installed
 * before, the signal waits for the event loop, after the synchronous code that tracks the child.
 */
export async function whileSpawning<T>(spawning: () => Promise<T>): Promise<T> {
  const release = trackChild({ kill: () => undefined });
  try {
    return await spawning();
  } finally {
    release();
  }
}

/** Children tracked right now (tests). */
export function trackedChildren(): number {
  return tracked.size;
}
