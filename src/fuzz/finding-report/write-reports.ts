/**
 * `trapcheck findings DIR... --reports OUT` (issue #16 §3–§4): for every finding of the index,
 * `OUT/<id>/report.md` and `OUT/<id>/finding.json`, with the case beside them (`case.wat`,
 * `case.wasm`, `case.json`) and the files its single-runtime commands need. Per finding: the
 * smallest case its record rebuilds (finding-case.ts), the command with each native runtime it
 * names, run here for its real output (standalone-command.ts, run-standalone.ts), the spec rules
 * of the deciding step (spec-sections.ts) and the same case on every version here (versions.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Case } from '../../case.ts';
import { toCaseFile } from '../../case.ts';
import type { Discovery } from '../../runtimes/discovery.ts';
import { binaryToWat } from '../../wasm/wabt.ts';
import type { Family } from '../../../generators/family.ts';
import type { FindingsIndex, IndexedFinding } from '../findings-index.ts';
import { findingCase } from './finding-case.ts';
import { renderReport } from './render.ts';
import type { FindingReport, ReportStep, RuntimeCommand } from './report-model.ts';
import { FINDING_REPORT_SCHEMA } from './report-model.ts';
import { runStandalone } from './run-standalone.ts';
import { specRules } from './spec-sections.ts';
import { standaloneCommand } from './standalone-command.ts';
import type { Bisection } from './versions.ts';
import { bisect, findingClass } from './versions.ts';

export interface ReportOptions {
  outDir: string;
  families: Readonly<Record<string, Family<unknown>>>;
  discovery: Discovery;
  /** Where the campaigns' folders (index.campaigns[].dir) are relative to. */
  cwd?: string;
}

export interface WrittenReport {
  id: string;
  dir: string;
  title: string;
}

/** `wasm3-0.9.0-1a2b3c4d`: the runtime(s), then 8 hex digits of the signature's sha256 (stable across runs and machines). */
export function reportId(f: Pick<IndexedFinding, 'signature' | 'kind' | 'runtimes'>): string {
  const who = f.kind === 'oracle' ? 'oracle' : f.runtimes.join('-vs-');
  const hash = createHash('sha256').update(f.signature).digest('hex').slice(0, 8);
  return `${who.replace(/[^\w.]+/g, '-')}-${hash}`;
}

function stepsOf(c: Case): ReportStep[] {
  return c.steps.map((s) => ({
    op: s.op,
    ...('export' in s && s.export ? { export: s.export } : {}),
    args: 'args' in s && s.args ? s.args.map((a) => ('value' in a && 'type' in a ? `${a.type} ${a.value}` : JSON.stringify(a))) : [],
    ...(s.expect.outcome ? { expected: s.expect.outcome } : {}),
    state: [...(s.expect.memory ?? []).map((m) => `memory[${m.offset}] = ${m.hex}`), ...Object.entries(s.expect.globals ?? {}).map(([g, v]) => `global ${g} = ${v.type} ${v.value}`)],
  }));
}

/** The step the verdict decided on (from the finding's own runtime's run), else the last step with a non-trivial expectation. */
function decidingStep(c: Case, f: IndexedFinding, versions: Bisection): number {
  const own = versions.results.find((v) => f.runtimes.includes(v.runtime) && v.step !== undefined);
  if (own?.step !== undefined) return own.step;
  const telling = c.steps.findIndex((s) => s.expect.outcome !== undefined && (s.expect.outcome.kind !== 'return' || (s.expect.outcome.values?.length ?? 0) > 0));
  return telling >= 0 ? telling : c.steps.length - 1;
}

/** Versions the campaign recorded (report.json `runtimes`), for runtimes that are not native. */
function campaignVersions(f: IndexedFinding, cwd: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dir of f.campaigns) {
    const path = join(cwd, dir, 'report.json');
    if (!existsSync(path)) continue;
    try {
      for (const r of (JSON.parse(readFileSync(path, 'utf8')) as { runtimes?: Array<{ name: string; version: string }> }).runtimes ?? []) out[r.name] ??= r.version;
    } catch {
      // a report being written: the version is only metadata
    }
  }
  return out;
}

function commandsFor(f: IndexedFinding, c: Case, dir: string, discovery: Discovery): RuntimeCommand[] {
  return f.runtimes.map((name): RuntimeCommand => {
    const d = discovery.runtimes.find((r) => r.name === name);
    if (!d) return { runtime: name, none: `${name} is not a native runtime found here` };
    const built = standaloneCommand(d, c);
    if ('none' in built) return { runtime: name, none: built.none };
    const runs = runStandalone(d, built, dir);
    const program = built.runs[0]!.argv[0]!;
    return { runtime: name, program, binary: d.binary, versionLine: d.versionLine, note: built.note, files: built.files.map((x) => x.name), runs, ...(built.elsewhere ? { elsewhere: built.elsewhere } : {}) };
  });
}

function title(f: IndexedFinding): string {
  const what = findingClass(f);
  if (f.kind === 'oracle') return `Suspected oracle bug (${f.runtimes.join(', ')} agree): ${what}`;
  if (f.kind === 'differential') return `${f.runtimes.join(' vs ')} disagree: ${what}`;
  return `${f.runtimes[0]}: ${what}`;
}

async function writeOne(f: IndexedFinding, index: FindingsIndex, options: ReportOptions): Promise<WrittenReport> {
  const id = reportId(f);
  const dir = join(options.outDir, id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const seed = index.campaigns.find((s) => s.dir === f.campaigns[0])?.seed;
  // a record from another trapcheck version may name a path its generator no longer has: that finding gets a short report, the others go on
  const built = await findingCase(f, seed, options.families).catch((e: unknown) => ({ none: `rebuilding it failed: ${(e as Error).message.split('\n')[0]!}` }));
  const heading = title(f);
  if ('none' in built) {
    writeFileSync(join(dir, 'report.md'), [`# ${heading}`, '', `Signature: \`${f.signature}\``, '', `The module could not be rebuilt: ${built.none}.`, ''].join('\n'));
    writeFileSync(join(dir, 'finding.json'), `${JSON.stringify({ schema: FINDING_REPORT_SCHEMA, id, signature: f.signature, kind: f.kind, runtimes: f.runtimes, count: f.count, campaigns: f.campaigns, first: f.first, notRebuilt: built.none }, null, 1)}\n`);
    return { id, dir, title: heading };
  }
  const c = built.case;
  const bytes = c.modules[0]!.bytes;
  const wat = await binaryToWat(bytes, { file: 'case.wat' }).catch(() => '(module could not be printed as WAT: see case.wasm)');
  writeFileSync(join(dir, 'case.wat'), wat);
  writeFileSync(join(dir, 'case.wasm'), bytes);
  writeFileSync(join(dir, 'case.json'), `${JSON.stringify(toCaseFile({ ...c, id: `findings/${id}` }, 'case.wasm'), null, 1)}\n`);
  const versions = await bisect(f, c, options.discovery);
  const commands = commandsFor(f, c, dir, options.discovery);
  rmSync(join(dir, 'snapshot.wasm'), { force: true }); // wizer's output, not part of the report
  const step = decidingStep(c, f, versions);
  const recorded = campaignVersions(f, options.cwd ?? process.cwd());
  const report: FindingReport = {
    schema: FINDING_REPORT_SCHEMA,
    id,
    dir,
    title: heading,
    signature: f.signature,
    kind: f.kind,
    family: f.family,
    runtimes: f.runtimes,
    runtimeVersions: f.runtimes.map((n) => {
      const d = options.discovery.runtimes.find((r) => r.name === n);
      return d ? { name: n, version: d.version, versionLine: d.versionLine } : { name: n, version: recorded[n] ?? 'unknown', versionLine: recorded[n] ?? 'version not recorded' };
    }),
    count: f.count,
    campaigns: f.campaigns,
    first: f.first,
    agreedBy: f.first.agreedBy ?? [],
    ...(f.shrink ? { shrink: f.shrink } : {}),
    module: { source: built.source, note: built.note, wat, bytes: bytes.length, ...(built.file ? { file: built.file } : {}) },
    steps: stepsOf(c),
    decidingStep: step,
    spec: specRules(c.steps[step]?.expect.outcome, c.tags?.['site'], c.steps[step]?.expect.memory !== undefined || c.steps[step]?.expect.globals !== undefined),
    commands,
    versions,
    replay: f.shrink?.verified ? f.shrink.replay : f.first.repro,
  };
  writeFileSync(join(dir, 'report.md'), renderReport(report));
  writeFileSync(join(dir, 'finding.json'), `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 1)}\n`);
  return { id, dir, title: heading };
}

/** Writes every finding's report; returns them in the index's order. */
export async function writeFindingReports(index: FindingsIndex, options: ReportOptions): Promise<WrittenReport[]> {
  mkdirSync(options.outDir, { recursive: true });
  const out: WrittenReport[] = [];
  for (const f of index.findings) out.push(await writeOne(f, index, options));
  return out;
}
