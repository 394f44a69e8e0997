/**
 * How each native runtime binary is recognised and versioned, from what it prints (measured here):
 *
 *   iwasm-2.0.0 --version       → stdout `iwasm 2.0.0`, rc 0
 *   iwasm-2.4.5 --version       → stdout `iwasm 2.4.5` + a list of wasm proposals, rc 0
 *   iwasm-2.4.5-classic --version → the same `iwasm 2.4.5`: the build variant is not printed
 *   wasm3-0.5.0 --version       → stdout `Wasm3 v0.5.0 on x86_64` + `Build: …`, rc 0
 *   wasm3-head --version        → stdout `Wasm3 v0.9.0 on x86_64`
 *   wazero-1.6.0 version        → stdout `v1.6.0`; `wazero-1.6.0` alone → usage starting `wazero CLI`
 *   wizer 10.0.0 --version      → stdout `wizer 10.0.0`; wizer 11.0.3 → rc 2, stderr `error:
 *                                 unexpected argument '--version' found` … `Usage: wizer`
 *   gjs (Debian 1.74.2)         → its script below prints `gjs 1.74.2 mozjs 102 WebAssembly object`
 *
 * A kind's `identify` is also the check that a binary is what the user says it is: output that does
 * not match is a one-line reason, never a guess.
 */
import type { CliName } from './cli.ts';
import { embeddedCrateVersion } from './embedded-version.ts';
import type { ProbeOutput } from './version-probe.ts';
import { firstLine } from './version-probe.ts';

export interface Identity {
  version: string;
  versionLine: string;
}

/** Where a kind's runs go: a native adapter module (one factory), or the generic CLI adapter. */
export type AdapterRef = { module: string; factory: string } | { cli: CliName };

export interface NativeKind {
  /** The name users type, before any variant and version: `iwasm`, `wasmtime`, `spidermonkey`. */
  family: string;
  /** NativeRuntimeOptions.kind: the adapter family. */
  kind: string;
  /** The profile its adapter loads (src/runtimes/profiles/NAME.json): wizer's wasmtime has its own. */
  profile: string;
  /** File names that belong to this kind: the stem alone or followed by `-…` (`iwasm-2.4.5-classic`). */
  stems: readonly string[];
  /** Searched for on PATH under these exact names. */
  pathCommands: readonly string[];
  /** Argument lists run (in parallel) to identify the binary. */
  probes: ReadonlyArray<readonly string[]>;
  /** What the version output looks like, for error messages. */
  expected: string;
  /**
   * The identity from the probes' outputs (in `probes` order); null when the output is not this
   * kind's; a reason when it is this kind but unusable (gjs without WebAssembly).
   */
  identify(outputs: readonly ProbeOutput[], binary: string): Promise<Identity | { reason: string } | null>;
  adapter: AdapterRef;
}

/** What a probe showed, as the first half of a one-line reason. */
export function printed(o: ProbeOutput): string {
  if (o.spawnError) return `could not be started (${o.spawnError})`;
  if (o.timedOut) return `did not answer within ${o.budgetMs} ms (killed)`;
  const line = firstLine(o);
  return line ? `printed \`${line}\`${o.truncated ? ' without end' : ''}` : `printed nothing (exit status ${o.code ?? 'none'})`;
}

/** A kind recognised by one regular expression over the output of one probe. */
function byLine(re: RegExp, o: ProbeOutput): Identity | null {
  const m = o.timedOut || o.spawnError ? null : (re.exec(o.stdout) ?? re.exec(o.stderr));
  return m ? { version: m[1]!, versionLine: m[0].trim() } : null;
}

/** Run by gjs: its own version, the SpiderMonkey library it loaded (from /proc/self/maps), WebAssembly's presence. */
const GJS_SCRIPT = [
  'const v = imports.system.version;',
  "const [, maps] = imports.gi.GLib.file_get_contents('/proc/self/maps');",
  'const m = /libmozjs-(\\d+)/.exec(new TextDecoder().decode(maps));',
  "print(`gjs ${Math.floor(v / 10000)}.${Math.floor(v / 100) % 100}.${v % 100} mozjs ${m ? m[1] : 'unknown'} WebAssembly ${typeof WebAssembly}`);",
].join('\n');

export const NATIVE_KINDS: readonly NativeKind[] = [
  {
    family: 'iwasm',
    kind: 'iwasm',
    profile: 'iwasm',
    stems: ['iwasm'],
    pathCommands: ['iwasm'],
    probes: [['--version']],
    expected: '`iwasm X.Y.Z`',
    identify: async ([o]) => byLine(/^iwasm (\d+\.\d+\.\d+)\s*$/m, o!),
    // the CLI adapter ran iwasm from PATH before the native one; it stays the fallback until then
    adapter: { module: './native/iwasm.ts', factory: 'createIwasmRuntime' },
  },
  {
    family: 'wasm3',
    kind: 'wasm3',
    profile: 'wasm3',
    stems: ['wasm3'],
    pathCommands: ['wasm3'],
    probes: [['--version']],
    expected: '`Wasm3 vX.Y.Z`',
    identify: async ([o]) => byLine(/^Wasm3 v(\d+\.\d+\.\d+)[^\n]*/m, o!),
    adapter: { module: './native/wasm3.ts', factory: 'createWasm3Runtime' },
  },
  {
    family: 'wazero',
    kind: 'wazero',
    profile: 'wazero',
    stems: ['wazero'],
    pathCommands: ['wazero'],
    // `version` alone prints a bare `v1.6.0`, which many programs could; the usage text says wazero
    probes: [['version'], []],
    expected: '`vX.Y.Z` (and a usage text starting `wazero CLI`)',
    identify: async ([version, usage]) => {
      if (usage!.timedOut || !/^wazero CLI\b/m.test(usage!.stdout + usage!.stderr)) return null;
      return byLine(/^v?(\d+\.\d+\.\d+(?:-[\w.]+)?)\s*$/m, version!);
    },
    adapter: { module: './native/wazero.ts', factory: 'createWazeroRuntime' },
  },
  {
    family: 'wasmtime',
    kind: 'wasmtime',
    profile: 'wasmtime-wizer',
    stems: ['wizer'],
    pathCommands: [],
    probes: [['--version']],
    expected: "`wizer X.Y.Z` (or wizer 11's usage text)",
    identify: async ([o], binary) => {
      const own = /^wizer (\d+\.\d+\.\d+)/m.exec(o!.stdout);
      // wizer 11 has no --version: its refusal of the flag is still wizer's own usage text
      const noVersionFlag = o!.code === 2 && /^Usage: wizer\b/m.test(o!.stderr);
      if ((!own && !noVersionFlag) || o!.timedOut) return null;
      const wasmtime = await embeddedCrateVersion(binary, 'wasmtime');
      if (!wasmtime) return { reason: 'is wizer, but no `wasmtime-X.Y.Z` crate path was found inside the binary' };
      return { version: wasmtime, versionLine: `${own ? own[0].trim() : 'wizer (prints no version)'}, embedding wasmtime ${wasmtime}` };
    },
    adapter: { module: './native/wizer.ts', factory: 'createWizerRuntime' },
  },
  {
    family: 'wasmtime',
    kind: 'wasmtime',
    profile: 'wasmtime',
    stems: ['wasmtime'],
    pathCommands: ['wasmtime'],
    probes: [['--version']],
    expected: '`wasmtime X.Y.Z`',
    identify: async ([o]) => byLine(/^wasmtime(?:-cli)? (\d+\.\d+\.\d+)[^\n]*/m, o!),
    adapter: { cli: 'wasmtime' },
  },
  {
    family: 'wasmer',
    kind: 'wasmer',
    profile: 'wasmer',
    stems: ['wasmer'],
    pathCommands: ['wasmer'],
    probes: [['--version']],
    expected: '`wasmer X.Y.Z`',
    identify: async ([o]) => byLine(/^wasmer (\d+\.\d+\.\d+[^\s]*)[^\n]*/m, o!),
    adapter: { cli: 'wasmer' },
  },
  {
    family: 'wasmedge',
    kind: 'wasmedge',
    profile: 'wasmedge',
    stems: ['wasmedge'],
    pathCommands: ['wasmedge'],
    probes: [['--version']],
    expected: '`wasmedge version X.Y.Z`',
    identify: async ([o]) => byLine(/^wasmedge version (\d+\.\d+\.\d+[^\s]*)[^\n]*/m, o!),
    adapter: { cli: 'wasmedge' },
  },
  {
    family: 'spidermonkey',
    kind: 'spidermonkey',
    profile: 'spidermonkey',
    stems: ['gjs'],
    pathCommands: ['gjs'],
    probes: [['-c', GJS_SCRIPT]],
    expected: 'gjs to run a script naming its `libmozjs-N`',
    identify: async ([o]) => {
      const m = /^gjs (\S+) mozjs (\d+) WebAssembly (\w+)\s*$/m.exec(o!.stdout);
      if (!m || o!.timedOut) return null;
      if (m[3] !== 'object') return { reason: `gjs ${m[1]} (SpiderMonkey ${m[2]}) has no WebAssembly object (\`typeof WebAssembly\` is ${m[3]})` };
      return { version: m[2]!, versionLine: `gjs ${m[1]}, libmozjs-${m[2]}` };
    },
    adapter: { module: './native/spidermonkey.ts', factory: 'createSpiderMonkeyRuntime' },
  },
];

export const NATIVE_FAMILIES: readonly string[] = [...new Set(NATIVE_KINDS.map((k) => k.family))];

/** The kinds a file belongs to by its name (`iwasm-2.4.5-classic` → iwasm), with the stem matched. */
export function kindsForFile(fileName: string): Array<{ kind: NativeKind; stem: string }> {
  const base = fileName.replace(/\.exe$/i, '');
  return NATIVE_KINDS.flatMap((kind) => kind.stems.filter((s) => base === s || base.startsWith(`${s}-`)).map((stem) => ({ kind, stem })));
}

/** File-name words that label a version rather than a build: `wasm3-head` is wasm3 at whatever version it prints. */
const VERSION_LABELS = new Set(['head', 'latest', 'main', 'master', 'nightly', 'dev', 'release', 'stable', 'tip']);

/**
 * The build variant a file name states beyond the stem and version: `iwasm-2.4.5-classic` →
 * `classic`. WAMR's fast and classic interpreters print the same `iwasm 2.4.5`, so the file
 * name is the only place the variant is written; version numbers and labels like `head` are not variants.
 */
export function variantFromFileName(fileName: string, stem: string, version: string): string | undefined {
  const rest = fileName.replace(/\.exe$/i, '').slice(stem.length).split(version).join('');
  const words = rest.split('-').filter((w) => w !== '' && w !== 'v' && !/^v?\d+(\.\d+)*$/.test(w) && !VERSION_LABELS.has(w.toLowerCase()));
  return words.length ? words.join('-').toLowerCase() : undefined;
}
