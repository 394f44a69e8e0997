/**
 * What a case needs that wasmtime-through-wizer cannot give, decided from the case before any
 * process runs. Each reason names the measured behaviour behind it (profiles/wasmtime-wizer.json):
 *
 *   - imports other than WASI: wizer links nothing else, and refuses imported memories, tables
 *     and globals outright;
 *   - WASI arguments: wizer starts the guest with no arguments at all (args_sizes_get → 0, 0),
 *     while every case has at least argv[0];
 *   - WASI clocks, randomness, poll_oneoff: wizer's are the host's real ones; a case's expected
 *     output is computed with trapcheck's virtual clock and seeded randomness;
 *   - state a snapshot does not carry, when a later step would need it: a closed descriptor
 *     (fd_close) and how far stdin was read (fd_read) live in wasmtime-wasi, not in the module.
 */
import type { Case, Step } from '../../case.ts';
import type { ModuleSignatures } from '../../wasm/signatures.ts';
import { readSignatures } from '../../wasm/signatures.ts';

export const WASI_MODULE = 'wasi_snapshot_preview1';

const NONDETERMINISTIC = new Set(['clock_time_get', 'clock_res_get', 'random_get', 'poll_oneoff']);

/** Steps that start a wizer process of their own (an instantiate may share its process with the next step). */
export function processSteps(steps: readonly Step[]): number {
  return steps.filter((s) => s.op === 'invoke' || s.op === 'start').length;
}

export function importsWasi(sigs: ModuleSignatures): boolean {
  return sigs.imports.some((i) => i.module === WASI_MODULE);
}

function moduleProblem(c: Case, sigs: ModuleSignatures): string | undefined {
  const wasi = new Set(sigs.imports.filter((i) => i.module === WASI_MODULE && i.kind === 'func').map((i) => i.name));
  const other = sigs.imports.find((i) => i.module !== WASI_MODULE || i.kind !== 'func');
  if (other)
    return other.kind === 'func'
      ? `import ${other.module}.${other.name} (wizer links only WASI imports)`
      : `imported ${other.kind} ${other.module}.${other.name} (wizer refuses imported memories, tables and globals)`;
  if (wasi.has('args_get') || wasi.has('args_sizes_get')) {
    const n = (c.wasi?.args ?? [c.id]).length;
    return `WASI arguments (wizer starts the guest with none; the case gives ${n})`;
  }
  const nondeterministic = [...wasi].find((n) => NONDETERMINISTIC.has(n));
  if (nondeterministic) return `WASI ${nondeterministic} (wizer's is the host's real one; the case expects trapcheck's deterministic one)`;
  const several = processSteps(c.steps) > 1;
  if (several && wasi.has('fd_close')) return 'fd_close across steps (a closed descriptor lives in wasmtime-wasi, not in the snapshot the next step runs on)';
  if (several && wasi.has('fd_read') && (c.wasi?.stdin ?? '') !== '') return 'stdin read across steps (the read position lives in wasmtime-wasi, not in the snapshot the next step runs on)';
  return undefined;
}

function envProblem(env: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const e of env) {
    const eq = e.indexOf('=');
    const key = eq > 0 ? e.slice(0, eq) : '';
    // wizer passes its own environment through (--inherit-env true): only distinct KEY=VALUE
    // entries survive that; Node orders integer-like keys first, changing the guest's order
    if (key === '' || seen.has(key) || /^\d+$/.test(key) || e.includes('\0')) return `WASI environment entry ${JSON.stringify(e)} (wizer can only pass distinct KEY=VALUE variables through its own environment)`;
    seen.add(key);
  }
  return undefined;
}

/** Why the case cannot run on wizer, or undefined. */
export function wizerCaseProblem(c: Case): string | undefined {
  if (c.component) return 'component instances (wizer runs core modules)';
  if (c.wasi?.env) {
    const bad = envProblem(c.wasi.env);
    if (bad) return bad;
  }
  const used = new Set(c.steps.flatMap((s) => (s.op === 'instantiate' ? [s.module ?? 0] : [])));
  for (const m of used) {
    const mod = c.modules[m];
    if (!mod) return `a step instantiates module ${m}, which the case does not have`;
    let sigs: ModuleSignatures;
    try {
      sigs = readSignatures(mod.bytes);
    } catch {
      continue; // malformed: wizer itself says so (a `rejected` outcome)
    }
    const p = moduleProblem(c, sigs);
    if (p) return p;
  }
  return undefined;
}
