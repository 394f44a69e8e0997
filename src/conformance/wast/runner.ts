/**
 * runSpec: `.wast` files or folders → one verdict per assertion, on any Runtime.
 *
 * Each file becomes one Case (its steps run in order in one worker, sharing instances); files
 * run in parallel across the runtime's pool while the next files are being converted. Every
 * assertion of every file that parses gets exactly one result; a file that does not parse is
 * reported with its error (its assertions cannot be counted).
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import type { Case } from '../../case.ts';
import type { VerdictKind } from '../../judge.ts';
import type { Observation } from '../../observation.ts';
import type { Runtime } from '../../runtimes/adapter.ts';
import { observeCases, recoveringTarget } from '../../pipeline/judge-cases.ts';
import type { RecoveringTarget } from '../../pipeline/recovering.ts';
import { formatReplay } from '../../replay-token.ts';
import { TrapcheckError } from '../../errors.ts';
import { initAssembler } from './assemble.ts';
import type { ConvertedScript } from './convert.ts';
import { convertScript } from './convert.ts';
import type { SpecFeature } from './features.ts';
import { probeFeatures, SPEC_FEATURES } from './features.ts';
import type { AssertionVerdict, CommandVerdict } from './judge-steps.ts';
import { judgeAssertions, judgeCommands } from './judge-steps.ts';
import type { AssertionType } from './script.ts';
import { parseScript } from './script.ts';

/** One assertion's result. `at` is `file:line`; `replay` re-runs just this assertion. */
export interface SpecAssertionResult extends AssertionVerdict {
  file: string;
  line: number;
  at: string;
  command: AssertionType;
  /** Command that replays this assertion alone (set for every non-pass verdict). */
  replay?: string;
}

export interface SpecTally {
  assertions: number;
  passed: number;
  failed: number;
  imprecise: number;
  knownDivergences: number;
  skipped: number;
  /**
   * Skipped assertions per reason key: `feature <name>` for missing proposals, `blocked by a
   * failed command` for assertions on a module that failed, else the reason.
   */
  skippedBy: Record<string, number>;
  /**
   * Script commands (module, module instance, register, bare invoke) that failed: each is one
   * failure at its own line, counted apart from the assertions (the assertions it blocks are
   * skips). `failed + commandsFailed` is the run's failure count.
   */
  commandsFailed: number;
}

export interface SpecFileResult extends SpecTally {
  /** Path as given (or joined under the folder given). */
  file: string;
  /** True when at least one assertion was skipped for a proposal the runtime lacks. */
  usesUnsupportedFeature: boolean;
  results: SpecAssertionResult[];
  /** Non-assertion commands (module, register, bare invoke) that failed or were skipped. */
  commands: CommandVerdict[];
  /** The file could not be read or parsed (SPEC_PARSE_ERROR text); it has no assertion results. */
  error?: string;
  durationMs: number;
}

/**
 * The whole run. `report.json`-ready: plain data, JSON-serialisable (no bigint, no bytes).
 * Verdicts: pass / fail / imprecise / known-divergence / skip, exactly one per assertion.
 */
export interface SpecResult {
  runtime: string;
  runtimeVersion: string;
  /** Proposals the runtime compiled when probed, and those it did not. */
  features: { supported: SpecFeature[]; missing: SpecFeature[] };
  summary: SpecTally & { files: number; fileErrors: number; durationMs: number };
  /**
   * Files in which no assertion was skipped for a missing proposal: the conformance figure.
   * `passRate` counts pass only; `notFailedRate` also counts imprecise (the trap happened,
   * the engine's message stands for two kinds).
   */
  cleanFiles: {
    files: number;
    assertions: number;
    passed: number;
    imprecise: number;
    failed: number;
    knownDivergences: number;
    skipped: number;
    commandsFailed: number;
    /** passed / assertions: strict, an `imprecise` trap does not count. */
    passRate: number;
    /** (passed + imprecise) / assertions: assertions whose outcome was right (imprecise = right outcome, trap kind not told apart by the engine). */
    notFailedRate: number;
  };
  files: SpecFileResult[];
}

export interface SpecOptions {
  /** Only the assertion(s) on this line (with a single file): everything before it still runs, for state. */
  line?: number;
  /** Files converted and sent to the runtime together. */
  batchFiles?: number;
  /** Watchdog budget per file. */
  timeoutMs?: number;
  /** Called as each file finishes (progress output in the CLI). */
  onFile?: (result: SpecFileResult) => void;
}

/** Expands files and folders (recursively, `.wast` only, sorted) into the list of scripts. */
export function specFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new TrapcheckError('IO', `${p}: no such file or folder`);
    }
    if (st.isDirectory()) {
      const walk = (dir: string): void => {
        for (const name of readdirSync(dir).sort()) {
          const full = join(dir, name);
          if (statSync(full).isDirectory()) walk(full);
          else if (name.endsWith('.wast')) out.push(full);
        }
      };
      walk(p);
    } else {
      checkScriptText(p);
      out.push(p);
    }
  }
  return out;
}

/** A file named on the command line must be a text script: binary data is bad input, not a script error. */
function checkScriptText(path: string): void {
  let head: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      head = Buffer.alloc(65536);
      head = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new TrapcheckError('IO', `${path}: cannot read (${e instanceof Error ? e.message : String(e)})`);
  }
  const wasm = head.length >= 4 && head[0] === 0 && head[1] === 0x61 && head[2] === 0x73 && head[3] === 0x6d;
  if (wasm || looksBinary(head)) throw new TrapcheckError('USAGE', `${path}: not a .wast script (${wasm ? 'a binary wasm module' : 'binary data'})`);
}

/**
 * Binary data, as opposed to a script: not UTF-8, or mostly control bytes. A single NUL does not
 * decide it: the official core suite's comments.wast holds every control byte inside a comment.
 */
export function looksBinary(head: Uint8Array): boolean {
  // a read cut mid-character must not count as invalid UTF-8
  let end = head.length;
  for (let back = 0; back < 3 && end > 0 && (head[end - 1]! & 0xc0) === 0x80; back++) end--;
  if (end > 0 && head[end - 1]! >= 0xc0) end--;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
  } catch {
    return true;
  }
  let control = 0;
  for (const b of head) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) control++;
  return control * 10 > head.length;
}

function emptyTally(): SpecTally {
  return { assertions: 0, passed: 0, failed: 0, imprecise: 0, knownDivergences: 0, skipped: 0, skippedBy: {}, commandsFailed: 0 };
}

function count(t: SpecTally, v: VerdictKind, skipKey?: string): void {
  t.assertions++;
  if (v === 'pass') t.passed++;
  else if (v === 'fail') t.failed++;
  else if (v === 'imprecise') t.imprecise++;
  else if (v === 'known-divergence') t.knownDivergences++;
  else {
    t.skipped++;
    const k = skipKey ?? 'unknown';
    t.skippedBy[k] = (t.skippedBy[k] ?? 0) + 1;
  }
}

/** The skippedBy key of an assertion blocked by a failed command. */
export const BLOCKED = 'blocked by a failed command';

function skipKey(r: AssertionVerdict): string {
  if (r.blockedBy !== undefined) return BLOCKED;
  if (r.feature) return SPEC_FEATURES.includes(r.feature as SpecFeature) ? `feature ${r.feature}` : r.feature;
  return r.reason ?? 'unknown';
}

function displayPath(p: string): string {
  return isAbsolute(p) ? relative(process.cwd(), p) || p : p;
}

interface Pending {
  file: string;
  started: number;
  converted?: ConvertedScript;
  error?: string;
  observation?: Promise<Observation>;
}

type Counts = Pick<SpecTally, 'assertions' | 'passed' | 'failed' | 'imprecise' | 'knownDivergences' | 'skipped' | 'commandsFailed'>;

/** Adds one file's verdict counts into a total. */
function addCounts(into: Counts, from: Counts): void {
  into.assertions += from.assertions;
  into.passed += from.passed;
  into.failed += from.failed;
  into.imprecise += from.imprecise;
  into.knownDivergences += from.knownDivergences;
  into.skipped += from.skipped;
  into.commandsFailed += from.commandsFailed;
}

/**
 * Runs every assertion of the given `.wast` files/folders on `runtime`. Never throws for a
 * script's content (parse errors become file errors); throws TrapcheckError for a missing path.
 */
export async function runSpec(paths: readonly string[], runtimeOrTarget: Runtime | RecoveringTarget, options: SpecOptions = {}): Promise<SpecResult> {
  const t0 = performance.now();
  // a runtime that throws is restarted (when the target can) and costs its file a crash, never the run
  const target = recoveringTarget(runtimeOrTarget);
  const runtime = target.runtime();
  const files = specFiles(paths);
  if (options.line !== undefined && files.length !== 1) throw new TrapcheckError('USAGE', `--line needs exactly one .wast file, got ${files.length}`);
  await initAssembler();
  const supported = await probeFeatures(runtime);
  const runtimeVersion = await runtime.version();
  const batchFiles = options.batchFiles ?? 8;

  const pending: Pending[] = [];
  for (let i = 0; i < files.length; i += batchFiles) {
    const batch: Pending[] = [];
    for (const path of files.slice(i, i + batchFiles)) {
      const file = displayPath(path);
      const p: Pending = { file, started: performance.now() };
      try {
        const script = parseScript(file, readFileSync(path));
        const convertOptions: Parameters<typeof convertScript>[1] = { supported, exactValues: runtime.capabilities.exactValues === true, compileAlone: runtime.capabilities.compileAlone === true };
        if (options.line !== undefined) convertOptions.line = options.line;
        if (options.timeoutMs !== undefined) convertOptions.timeoutMs = options.timeoutMs;
        p.converted = convertScript(script, convertOptions);
      } catch (e) {
        p.error = e instanceof TrapcheckError ? e.message : `${file}: ${e instanceof Error ? e.message : String(e)}`;
      }
      batch.push(p);
    }
    const runnable = batch.filter((p) => p.converted && p.converted.case.steps.length > 0);
    const observations = runCases(target, runnable.map((p) => p.converted!.case));
    runnable.forEach((p, k) => {
      p.observation = observations.then((o) => o[k]!);
    });
    pending.push(...batch);
    // Let the pool start on this batch before converting the next one.
    await new Promise((r) => setImmediate(r));
  }

  const results: SpecFileResult[] = [];
  for (const p of pending) {
    const result: SpecFileResult = { file: p.file, ...emptyTally(), usesUnsupportedFeature: false, results: [], commands: [], durationMs: 0 };
    if (p.error !== undefined || !p.converted) {
      result.error = p.error ?? 'not converted';
    } else {
      const observation: Observation = p.observation ? await p.observation : { steps: [], stdout: '', stderr: '' };
      const verdicts = judgeAssertions(p.converted, observation, target.runtime().profile);
      p.converted.assertions.forEach((plan, i) => {
        const v = verdicts[i]!;
        const r: SpecAssertionResult = { ...v, file: p.file, line: plan.line, at: plan.at, command: plan.command };
        if (v.verdict !== 'pass') r.replay = formatReplay({ kind: 'spec', file: p.file, line: plan.line }, runtime.name);
        result.results.push(r);
        const key = v.verdict === 'skip' ? skipKey(v) : undefined;
        count(result, v.verdict, key);
        if (key?.startsWith('feature ')) result.usesUnsupportedFeature = true;
      });
      result.commands = judgeCommands(p.converted, observation, target.runtime().profile);
      result.commandsFailed = result.commands.filter((c) => c.verdict === 'fail').length;
    }
    result.durationMs = Math.round(performance.now() - p.started);
    results.push(result);
    options.onFile?.(result);
  }

  const summary = { ...emptyTally(), files: results.length, fileErrors: 0, durationMs: 0 };
  const clean: SpecResult['cleanFiles'] = { files: 0, assertions: 0, passed: 0, imprecise: 0, failed: 0, knownDivergences: 0, skipped: 0, commandsFailed: 0, passRate: 1, notFailedRate: 1 };
  for (const r of results) {
    if (r.error !== undefined) summary.fileErrors++;
    addCounts(summary, r);
    for (const [k, n] of Object.entries(r.skippedBy)) summary.skippedBy[k] = (summary.skippedBy[k] ?? 0) + n;
    if (!r.usesUnsupportedFeature && r.error === undefined) {
      clean.files++;
      addCounts(clean, r);
    }
  }
  clean.passRate = clean.assertions === 0 ? 1 : clean.passed / clean.assertions;
  clean.notFailedRate = clean.assertions === 0 ? 1 : (clean.passed + clean.imprecise) / clean.assertions;
  summary.durationMs = Math.round(performance.now() - t0);
  return {
    runtime: runtime.name,
    runtimeVersion,
    features: { supported: SPEC_FEATURES.filter((f) => supported.has(f)), missing: SPEC_FEATURES.filter((f) => !supported.has(f)) },
    summary,
    cleanFiles: clean,
    files: results,
  };
}

/**
 * Executes cases and repairs observations cut short by a crash (a harness or worker failure at
 * one step ends a case): the case is run again without the crashed step(s), so every later
 * assertion still gets a verdict and the crashed one reports the crash.
 */
async function runCases(target: RecoveringTarget, cases: Case[]): Promise<Observation[]> {
  const observations = await observeCases(target, cases);
  return Promise.all(observations.map((obs, i) => repair(target, cases[i]!, obs)));
}

const MAX_REPAIRS = 25;

async function repair(target: RecoveringTarget, c: Case, first: Observation): Promise<Observation> {
  let obs = first;
  const removed = new Map<number, Observation['steps'][number]>();
  for (let attempt = 0; attempt < MAX_REPAIRS; attempt++) {
    // map the observation of the reduced case back to original step indices
    const kept = c.steps.map((_, i) => i).filter((i) => !removed.has(i));
    const full: Observation['steps'] = [];
    let k = 0;
    let endedAt = -1;
    for (let i = 0; i < c.steps.length; i++) {
      const r = removed.get(i);
      if (r) {
        full.push(r);
        continue;
      }
      const s = obs.steps[k++];
      if (!s) {
        endedAt = i;
        break;
      }
      full.push(s);
    }
    const merged: Observation = { ...obs, steps: full };
    if (endedAt < 0) return merged;
    const last = full[full.length - 1];
    const kind = last?.outcome.kind;
    // only a crash or timeout at a step is repairable (an exit ends a process by design)
    if (!last || (kind !== 'crash' && kind !== 'timeout')) return merged;
    const at = full.length - 1;
    removed.set(at, last);
    // A step addressing an instance that never came to be crashes ("no instance named …"):
    // every later step addressing it would too, so they go in one round.
    const gone = c.steps[at]?.instance;
    if (gone !== undefined && kind === 'crash' && /no instance/.test(last.outcome.kind === 'crash' ? last.outcome.detail : ''))
      for (let j = at + 1; j < c.steps.length; j++) if (c.steps[j]!.instance === gone && !removed.has(j)) removed.set(j, last);
    const reduced: Case = { ...c, steps: kept.filter((i) => !removed.has(i)).map((i) => c.steps[i]!) };
    const [next] = await observeCases(target, [reduced]);
    if (!next) return merged;
    obs = next;
  }
  return obs;
}
