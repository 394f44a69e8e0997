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
 * a mutated case (src/mutate/) adds `--mutate SEED:INDEX` to the generated or case-file shape of
 * the case it was drawn from; each is followed by `--runtime R` unless R is the reference runtime.
 */
import type { Case } from './case.ts';
import { usageError } from './errors.ts';

export type ReplayTarget =
  | { kind: 'generated'; family: string; seed: number; path: CasePath; mutation?: MutationToken }
  | { kind: 'spec'; file: string; line: number }
  | { kind: 'case-file'; file: string; mutation?: MutationToken }
  | { kind: 'suite'; suite: string };

/** A meaning-preserving mutation of a case (src/mutate/): drawn from (mutation seed, case id, index). */
export interface MutationToken {
  seed: number;
  index: number;
}

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

export function formatMutationToken(m: MutationToken): string {
  return `${m.seed}:${m.index}`;
}

export function parseMutationToken(text: string): MutationToken {
  const m = /^(\d+):(\d+)$/.exec(text);
  if (!m || !Number.isSafeInteger(Number(m[1])) || !Number.isSafeInteger(Number(m[2]))) throw usageError(`--mutate must look like \`SEED:INDEX\` (e.g. \`7:0\`), got \`${text}\``);
  return { seed: Number(m[1]), index: Number(m[2]) };
}

/**
 * The `mutation` tag a mutated case carries: `SEED:INDEX`, plus `@FILE` (the case file it was
 * drawn from) when the original was not generated. Persisted with the case's other tags, so a
 * mutated case written to disk and loaded again still replays from its origin.
 */
export function mutationTag(m: MutationToken, file?: string): string {
  return file === undefined ? formatMutationToken(m) : `${formatMutationToken(m)}@${file}`;
}

export function parseMutationTag(tag: string): { mutation: MutationToken; file?: string } {
  const at = tag.indexOf('@');
  const mutation = parseMutationToken(at < 0 ? tag : tag.slice(0, at));
  return at < 0 ? { mutation } : { mutation, file: tag.slice(at + 1) };
}

/** Where a case can be rebuilt from: its provenance (generated, spec) or the file it lives in; a mutated case adds its mutation. */
export function replayTargetOf(c: Case): ReplayTarget {
  const p = c.provenance;
  const tag = c.tags?.['mutation'];
  if (tag !== undefined) {
    const { mutation, file } = parseMutationTag(tag);
    if (p.kind === 'generator') return { kind: 'generated', family: p.generator, seed: p.seed, path: parseCasePath(p.path), mutation };
    if (file !== undefined) return { kind: 'case-file', file, mutation };
  }
  if (p.kind === 'generator') return { kind: 'generated', family: p.generator, seed: p.seed, path: parseCasePath(p.path) };
  if (p.kind === 'spec') return { kind: 'spec', file: p.file, line: p.line };
  if (p.kind === 'hand-written' && p.note.startsWith('wasi-testsuite:')) return { kind: 'suite', suite: p.note };
  // a case loaded from disk names its own file; otherwise the corpus layout (NAME.json beside NAME.wat)
  const file = c.modules[0]?.file;
  return { kind: 'case-file', file: c.file ?? (file ? file.replace(/\.(wat|wasm)$/, '.json') : `${c.id}.json`) };
}

/**
 * The command line that re-runs `target` on `runtime`; `schedule` (a threads case that ran under
 * the scheduler: seed + choice list) adds `--schedule S` so the same interleaving runs again.
 */
export function formatReplay(target: ReplayTarget, runtime: string, schedule?: string): string {
  const rt = runtime === DEFAULT_RUNTIME ? '' : ` --runtime ${shellQuote(runtime)}`;
  const mutate = 'mutation' in target && target.mutation ? ` --mutate ${formatMutationToken(target.mutation)}` : '';
  const sched = schedule === undefined ? '' : ` --schedule ${shellQuote(schedule)}`;
  switch (target.kind) {
    case 'generated':
      return `${COMMAND} replay --family ${shellQuote(target.family)} --seed ${target.seed} --path ${formatCasePath(target.path)}${mutate}${rt}${sched}`;
    case 'spec':
      return `${COMMAND} spec ${shellQuote(target.file)} --line ${target.line}${rt}`;
    case 'case-file':
      return `${COMMAND} replay ${shellQuote(target.file)}${mutate}${rt}${sched}`;
    case 'suite':
      // an imported suite always names its runtime: the suite's own runner is not the default
      return `${COMMAND} run --suite ${shellQuote(target.suite)} --runtime ${shellQuote(runtime)}`;
  }
}

/** The command that re-runs exactly this case on this runtime (with its `schedule` tag, if any). */
export function replayCommand(c: Case, runtime: string): string {
  return formatReplay(replayTargetOf(c), runtime, c.tags?.['schedule']);
}

/**
 * The target `trapcheck replay` was given: one case file, or --family/--seed/--path. Throws a
 * usage error naming what is missing or contradictory.
 */
export function parseReplayArgs(values: { family?: unknown; seed?: unknown; path?: unknown; mutate?: unknown }, positionals: readonly string[]): Extract<ReplayTarget, { kind: 'generated' | 'case-file' }> {
  if (positionals.length > 1) throw usageError('`trapcheck replay` takes one case file');
  if (values.mutate !== undefined && typeof values.mutate !== 'string') throw usageError('--mutate takes one SEED:INDEX');
  const mutation = typeof values.mutate === 'string' ? { mutation: parseMutationToken(values.mutate) } : {};
  if (positionals.length === 1) {
    if (values.family !== undefined || values.path !== undefined) throw usageError('give either a case file or --family/--seed/--path, not both');
    return { kind: 'case-file', file: positionals[0]!, ...mutation };
  }
  const { family, seed, path } = values;
  if (typeof family !== 'string' || seed === undefined || typeof path !== 'string') throw usageError('`trapcheck replay` needs a case file, or --family F --seed S --path P');
  if (typeof seed !== 'string' || !/^\d+$/.test(seed) || !Number.isSafeInteger(Number(seed))) throw usageError(`--seed must be a non-negative integer, got \`${String(seed)}\``);
  return { kind: 'generated', family, seed: Number(seed), path: parseCasePath(path), ...mutation };
}

/** A file-system-safe directory name for a case's repro bundle. */
export function bundleName(c: Case, runtime: string): string {
  return `${c.id}@${runtime}`.replace(/[^\w.@-]+/g, '_');
}
