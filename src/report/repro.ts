/**
 * Replay commands and repro bundles: every failure can be pasted back (DESIGN §6).
 */
import type { Case } from '../case.ts';

function shellQuote(s: string): string {
  return /^[\w./:=,@+-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/** The command that re-runs exactly this case on this runtime. */
export function replayCommand(c: Case, runtime: string): string {
  const rt = runtime === 'reference' ? '' : ` --runtime ${shellQuote(runtime)}`;
  const p = c.provenance;
  if (p.kind === 'generator') return `npx trapcheck replay --family ${shellQuote(p.generator)} --seed ${p.seed} --path ${shellQuote(p.path)}${rt}`;
  if (p.kind === 'spec') return `npx trapcheck spec ${shellQuote(p.file)} --line ${p.line}${rt}`;
  // imported suites (wasi-testsuite folders): re-run the suite on that runtime
  if (p.kind === 'hand-written' && p.note.startsWith('wasi-testsuite:')) return `npx trapcheck run --suite ${shellQuote(p.note)} --runtime ${shellQuote(runtime)}`;
  const file = c.modules[0]?.file;
  const json = file ? file.replace(/\.(wat|wasm)$/, '.json') : `${c.id}.json`;
  return `npx trapcheck replay ${shellQuote(json)}${rt}`;
}

/** A file-system-safe directory name for a case id. */
export function bundleName(c: Case, runtime: string): string {
  return `${c.id}@${runtime}`.replace(/[^\w.@-]+/g, '_');
}
