/**
 * Progress of a long command (`run`, `fuzz`): on a terminal, one live line rewritten at most four
 * times a second; elsewhere (CI logs), a plain line every `everyMs`. Wall time decides only when
 * to print, never what a verdict is (DESIGN §6).
 */
import { performance } from 'node:perf_hooks';
import type { CliIo } from './io.ts';

const TTY_EVERY_MS = 250;

export class ProgressPrinter {
  private lastLine = performance.now();
  private lastLive = 0;
  private live = false;

  constructor(
    private readonly io: CliIo,
    private readonly everyMs = 10_000,
  ) {}

  /** Offers a progress line; `line` is only called when it will be printed. */
  offer(line: () => string): void {
    const now = performance.now();
    if (this.io.isTTY) {
      if (now - this.lastLive < TTY_EVERY_MS) return;
      this.lastLive = now;
      process.stdout.write(`\r\x1b[K${line()}`);
      this.live = true;
    } else if (now - this.lastLine >= this.everyMs) {
      this.lastLine = now;
      this.io.out(line());
    }
  }

  /** Clears the live line before ordinary output (a failure, the summary). */
  clear(): void {
    if (!this.live) return;
    process.stdout.write('\r\x1b[K');
    this.live = false;
  }
}
