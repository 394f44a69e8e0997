/**
 * The case a script converts into, as it grows: its modules and steps, and for every step the
 * script line it came from (dependency messages name it). Every step is addressed `file:line`.
 */
import type { Step } from '../../case.ts';
import type { StepOrigin } from './conversion-plan.ts';

export class ScriptCase {
  readonly modules: Array<{ bytes: Uint8Array }> = [];
  readonly steps: Step[] = [];
  readonly origins: StepOrigin[] = [];

  constructor(private readonly file: string) {}

  /** Appends a step made at `line`; returns its index. */
  addStep(step: Step, line: number, what: string): number {
    step.at = `${this.file}:${line}`;
    this.steps.push(step);
    this.origins.push({ line, what });
    return this.steps.length - 1;
  }

  /** Appends a module; returns its index. */
  addModule(bytes: Uint8Array): number {
    this.modules.push({ bytes });
    return this.modules.length - 1;
  }
}
