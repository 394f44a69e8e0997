/**
 * `node:readline`'s createInterface for the driver under gjs: 'line' events from stdin, then
 * 'close' at end of input. Lines are read blocking, one per microtask, starting after the
 * caller has attached its listeners (the driver handles each request synchronously anyway).
 */
import { readStdinLine } from './gjs-host.ts';

type Listener = (line: string) => void;

export function createInterface(_options: { input: unknown; crlfDelay?: number }): { on(event: string, f: Listener): unknown } {
  const lineListeners: Listener[] = [];
  const closeListeners: Array<() => void> = [];
  const pump = (): void => {
    const line = readStdinLine();
    if (line === undefined) {
      for (const f of closeListeners) f();
      return;
    }
    for (const f of lineListeners) f(line);
    void Promise.resolve().then(pump);
  };
  void Promise.resolve().then(pump);
  const rl = {
    on(event: string, f: Listener): unknown {
      if (event === 'line') lineListeners.push(f);
      else if (event === 'close') closeListeners.push(f as () => void);
      return rl;
    },
  };
  return rl;
}
