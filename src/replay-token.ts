/**
 * The replay token: what names one case so that it can be run again, and the command line that
 * does it (DESIGN §6: every failure is printed with a replay command). This module is the only
 * place that formats or parses it; `run`, `replay`, `spec`, `fuzz`, the reports and the repro
 * bundles all print from here, so every printed command is shell-quoted and parses back.
 *
 * Shapes, by where a case came from:
 *   generated   `npx trapcheck replay --family F --seed S --path P` (P = `17`, or `17:3:0` shrunk)
 *   spec        `npx trapcheck spec FILE --line N`
 *   case file   `npx trapcheck replay FILE.json` (a corpus case or a repro bundle)
 *   suite       `npx trapcheck run --suite SUITE` (imported suites: the suite re-runs whole)
 * each followed by `--runtime R` unless R is the reference runtime.
 */
import type { Case } from './case.ts';
import { usageError } from './errors.ts';

export type ReplayTarget =
  | { kind: 'generated'; family: string; seed: number; path: CasePath }
  | { kind: 'spec'; file: string; line: number }
  | { kind: 'case-file'; file: string }
  | { kind: 'suite'; suite: string };

/** A generator path: the case index, then fast-check's shrink segments (src/fuzz/shrink-path.ts). */
export interface CasePath {
  index: number;
  /** fast-check shrink segments after the run ('' when not shrunk). */
  shrink: string;
}

const COMMAND = 'npx trapcheck';
const DEFAULT_RUNTIME = 'reference';

/** POSIX shell quoting: plain words stay as they are, anything else goes in single quotes. */
export function shellQuote(s: string): string {
  return /^[\w./:=,@+-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

export function parseCasePath(path: string): CasePath {
  if (!/^\d+(:\d+)*$/.test(path)) throw usageError(`--path must look like \`17\` or \`17:3:0\`, got \`${path}\``);
  const [head, ...rest] = path.split(':');
  return { index: Number(head), shrink: rest.join(':') };
}

export function formatCasePath(p: CasePath): string {
  return p.shrink ? `${p.index}:${p.shrink}` : String(p.index);
}

/** Where a case can be rebuilt from: its provenance (generated, spec) or the file it lives in. */
export function replayTargetOf(c: Case): ReplayTarget {
  const p = c.provenance;
  if (p.kind === 'generator') return { kind: 'generated', family: p.generator, seed: p.seed, path: parseCasePath(p.path) };
  if (p.kind === 'spec') return { kind: 'spec', file: p.file, line: p.line };
  if (p.kind === 'hand-written' && p.note.startsWith('wasi-testsuite:')) return { kind: 'suite', suite: p.note };
  const file = c.modules[0]?.file;
  return { kind: 'case-file', file: file ? file.replace(/\.(wat|wasm)$/, '.json') : `${c.id}.json` };
}

/** The command line that re-runs `target` on `runtime`. */
export function formatReplay(target: ReplayTarget, runtime: string): string {
  const rt = runtime === DEFAULT_RUNTIME ? '' : ` --runtime ${shellQuote(runtime)}`;
  switch (target.kind) {
    case 'generated':
      return `${COMMAND} replay --family ${shellQuote(target.family)} --seed ${target.seed} --path ${formatCasePath(target.path)}${rt}`;
    case 'spec':
      return `${COMMAND} spec ${shellQuote(target.file)} --line ${target.line}${rt}`;
    case 'case-file':
      return `${COMMAND} replay ${shellQuote(target.file)}${rt}`;
    case 'suite':
      // an imported suite always names its runtime: the suite's own runner is not the default
      return `${COMMAND} run --suite ${shellQuote(target.suite)} --runtime ${shellQuote(runtime)}`;
  }
}

/** The command that re-runs exactly this case on this runtime. */
export function replayCommand(c: Case, runtime: string): string {
  return formatReplay(replayTargetOf(c), runtime);
}

/**
 * The target `trapcheck replay` was given: one case file, or --family/--seed/--path. Throws a
 * usage error naming what is missing or contradictory.
 */
export function parseReplayArgs(values: { family?: unknown; seed?: unknown; path?: unknown }, positionals: readonly string[]): Extract<ReplayTarget, { kind: 'generated' | 'case-file' }> {
  if (positionals.length > 1) throw usageError('`trapcheck replay` takes one case file');
  if (positionals.length === 1) {
    if (values.family !== undefined || values.path !== undefined) throw usageError('give either a case file or --family/--seed/--path, not both');
    return { kind: 'case-file', file: positionals[0]! };
  }
  const { family, seed, path } = values;
  if (typeof family !== 'string' || seed === undefined || typeof path !== 'string') throw usageError('`trapcheck replay` needs a case file, or --family F --seed S --path P');
  if (typeof seed !== 'string' || !/^\d+$/.test(seed) || !Number.isSafeInteger(Number(seed))) throw usageError(`--seed must be a non-negative integer, got \`${String(seed)}\``);
  return { kind: 'generated', family, seed: Number(seed), path: parseCasePath(path) };
}

/** A file-system-safe directory name for a case's repro bundle. */
export function bundleName(c: Case, runtime: string): string {
  return `${c.id}@${runtime}`.replace(/[^\w.@-]+/g, '_');
}
