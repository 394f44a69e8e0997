/**
 * The WIT world of a component case, generated from its ComponentConfig (src/case.ts) so that
 * `componentEmbed` can wrap the case's core module into a real component. The core module
 * follows the canonical-ABI names fixed with the reference component layer: world export `f`
 * is core export `f` (post-return `cabi_post_f`, `memory` + `cabi_realloc` when a string
 * crosses), a host import `h` is core import `$root.h`, and an `exit` host import is
 * `wasi:cli/exit@0.2.0`.`exit`, declared inline so no WIT package has to exist on disk.
 */
import type { ComponentConfig } from '../../case.ts';

export const WORLD_NAME = 'case';

/** WIT's kebab-case identifier (wit-parser): lowercase words or all-uppercase acronyms, joined by `-`. */
const WIT_ID = /^(?:[a-z][a-z0-9]*|[A-Z][A-Z0-9]*)(?:-(?:[a-z][a-z0-9]*|[A-Z][A-Z0-9]*))*$/;

// wasi:cli@0.2.0's `exit` interface as published: exit(status: result). Its only core import
// takes the result's discriminant (0 ok, 1 err).
const WASI_CLI_EXIT = 'package wasi:cli@0.2.0 {\n  interface exit {\n    exit: func(status: result);\n  }\n}';

export type World = { ok: true; wit: string } | { ok: false; problem: string };

function signature(params: readonly string[], results: readonly string[]): string {
  const ps = params.map((t, i) => `p${i}: ${t}`).join(', ');
  return `func(${ps})${results.length ? ` -> ${results[0]}` : ''}`;
}

/** The world's WIT text, or why the config has no WIT form (a name that is not a WIT identifier). */
export function worldOf(config: ComponentConfig): World {
  const lines: string[] = [];
  let needsExit = false;
  for (const [name, imp] of Object.entries(config.imports ?? {})) {
    if (imp.kind === 'exit') {
      needsExit = true;
      continue;
    }
    if (!WIT_ID.test(name)) return { ok: false, problem: `host import name "${name}" is not a WIT identifier (kebab-case)` };
    if (imp.results.length > 1) return { ok: false, problem: `host import "${name}" has ${imp.results.length} results (a WIT function has at most one)` };
    // `%` escapes WIT keywords (an import called `type` or `func` is still a valid name)
    lines.push(`  import %${name}: ${signature(imp.params, imp.results)};`);
  }
  if (needsExit) lines.unshift('  import wasi:cli/exit@0.2.0;');
  for (const [name, f] of Object.entries(config.exports)) {
    if (!WIT_ID.test(name)) return { ok: false, problem: `export name "${name}" is not a WIT identifier (kebab-case)` };
    lines.push(`  export %${name}: ${signature(f.params, f.results)};`);
  }
  const head = `package trapcheck:case;\n${needsExit ? `${WASI_CLI_EXIT}\n` : ''}`;
  return { ok: true, wit: `${head}world ${WORLD_NAME} {\n${lines.join('\n')}\n}\n` };
}
