/**
 * The modules of a script as the converter meets them: whether one can run here at all (a
 * proposal the runtime lacks, an import from a registered instance that is unavailable), and
 * its bytes (binary as is; text and quote through trapcheck's own checks and the assembler). A
 * module skipped here taints the instances it imports from: they share state it would have changed.
 */
import { assembleText, disassemble } from './assemble.ts';
import type { Decided } from './conversion-plan.ts';
import { TEXT_ASSEMBLER } from './conversion-plan.ts';
import type { SpecFeature } from './features.ts';
import { detectBinaryFeatures, detectFeatures, importedModules } from './features.ts';
import type { InstanceSlot, Unavailable } from './module-slots.ts';
import { isUnavailable } from './module-slots.ts';
import type { ScriptCase } from './script-case.ts';
import type { ModuleCommand } from './script.ts';
import type { SList, SNode } from './sexpr.ts';
import { readSExprs, SourceText } from './sexpr.ts';
import { textFormatError } from './text-checks.ts';

/** Priority when a module needs several missing proposals: the most fundamental is named first. */
const FEATURE_PRIORITY: readonly SpecFeature[] = ['gc', 'exnref', 'function-references', 'memory64', 'table64', 'multi-memory', 'relaxed-simd', 'wide-arithmetic', 'custom-page-sizes', 'extended-const', 'threads', 'exceptions', 'tail-call', 'simd'];

export class ScriptModules {
  constructor(
    private readonly file: string,
    /** Proposals the runtime compiles. */
    private readonly supported: ReadonlySet<SpecFeature>,
    /** Registered module names → the instance (or why it is unavailable); the converter fills it. */
    private readonly registered: ReadonlyMap<string, InstanceSlot>,
    private readonly scriptCase: ScriptCase,
  ) {}

  /** The parsed text of a module, for feature detection (undefined when not readable). */
  moduleNode(m: ModuleCommand): SList | undefined {
    const src = m.source;
    try {
      if (src.kind === 'text') return src.node;
      const source = src.kind === 'quote' ? SourceText.fromBytes(this.file, src.text) : disassembled(this.file, src.bytes);
      if (source === undefined) return undefined;
      const [node] = readSExprs(source);
      return node?.kind === 'list' ? node : undefined;
    } catch {
      return undefined;
    }
  }

  /** Why a module cannot run here (a missing proposal, or a registered module it imports that is unavailable). */
  unavailableBecause(m: ModuleCommand): Decided | undefined {
    const node = this.moduleNode(m);
    const used = node ? detectFeatures(node) : new Set<SpecFeature>();
    if (m.source.kind === 'binary') for (const f of detectBinaryFeatures(m.source.bytes)) used.add(f);
    const missing = [...used].filter((f) => !this.supported.has(f));
    if (missing.length > 0) {
      missing.sort((a, b) => FEATURE_PRIORITY.indexOf(a) - FEATURE_PRIORITY.indexOf(b));
      const [first, ...rest] = missing;
      return { verdict: 'skip', feature: first!, reason: `unsupported: feature ${first}${rest.length ? ` (also ${rest.join(', ')})` : ''}` };
    }
    for (const name of node ? importedModules(node) : []) {
      const why = this.registered.get(name);
      if (isUnavailable(why)) return { ...why.decided, reason: `${why.decided.reason} (imports "${name}")` };
    }
    return undefined;
  }

  /** Module bytes: binary as is, text/quote through the assembler (quote text lexed strictly first). */
  /**
   * `wellFormed`: the script holds this module to be well-formed text (a module to run, or an
   * `assert_invalid` one), so wabt's rejection is wabt's gap and wasm-tools gets a try (assemble.ts).
   */
  bytesOf(m: ModuleCommand, wellFormed: boolean): { bytes: Uint8Array } | { error: string; limit?: true } {
    if (m.source.kind === 'binary') return { bytes: m.source.bytes };
    let nodes: SNode[] = m.source.kind === 'text' ? [m.source.node] : [];
    if (m.source.kind === 'quote') {
      try {
        nodes = readSExprs(SourceText.fromBytes(`${this.file}:${m.line}:quote`, m.source.text), true);
      } catch (e) {
        return { error: `trapcheck's lexer: ${e instanceof Error ? e.message : String(e)}` };
      }
    }
    const textError = textFormatError(nodes);
    if (textError) return { error: `trapcheck's text checks: ${this.file}:${m.line}: ${textError}` };
    const r = assembleText(m.source.text, this.file, { fallback: wellFormed });
    if (!r.ok && r.limit) return { error: r.error, limit: true };
    return r.ok ? { bytes: r.bytes } : { error: `wabt: ${r.error.replace(/^[^:]*(?=:\d+:\d+:)/, this.file)}` };
  }

  /** A module that must load: adds it to the case and returns its index, or why it is unavailable. */
  load(m: ModuleCommand): { index: number } | Unavailable {
    const why = this.unavailableBecause(m);
    if (why) {
      if (why.verdict === 'skip') this.taintImports(m, why);
      return { decided: why };
    }
    const b = this.bytesOf(m, true);
    if ('error' in b) {
      // The script says this module is valid, so assemblers that cannot read it are our limit,
      // not the runtime's failure: skip, named and counted like a missing engine feature.
      const why: Decided = { verdict: 'skip', reason: `the text assembler cannot read this module: ${b.error}`, feature: TEXT_ASSEMBLER };
      this.taintImports(m, why);
      return { decided: why };
    }
    return { index: this.scriptCase.addModule(b.bytes) };
  }

  /** A skipped module would have run against the instances it imports from: mark them. */
  private taintImports(m: ModuleCommand, why: Decided): void {
    const node = this.moduleNode(m);
    for (const name of node ? importedModules(node) : []) {
      const slot = this.registered.get(name);
      if (slot && !isUnavailable(slot) && !slot.taint)
        slot.taint = { verdict: 'skip', feature: why.feature, reason: `${why.reason}: the module at line ${m.line} that shares this instance's state was skipped` } as Decided;
    }
  }
}

function disassembled(file: string, bytes: Uint8Array): SourceText | undefined {
  const text = disassemble(bytes);
  return text === undefined ? undefined : new SourceText(file, text);
}
