/**
 * The corpus loader: `corpus/<family>/<name>.json` (schema `trapcheck.case/1`) plus the module
 * file it names, beside it, as `.wat` (assembled with wabt) or `.wasm` (checked by the engine).
 * Every error is one line naming the file: INVALID_CASE (bad JSON or schema), INVALID_WAT,
 * INVALID_MODULE (malformed or invalid binary) or IO (a missing file or directory).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import type { Case, CaseFile, CaseModule } from '../case.ts';
import { parseCaseFile } from '../case.ts';
import { TrapcheckError } from '../errors.ts';
import { binaryToWat, watToBinary } from '../wasm/wabt.ts';

/** The engine's JS API (lib ES2022 and @types/node 20 do not declare the `WebAssembly` global). */
const engine = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;

/**
 * Directory names never searched for cases: run output (`results`, a report folder and its repro
 * bundles, which hold case.json copies that would collide by id) and package folders. Hidden
 * folders are skipped too.
 */
const SKIPPED_DIRS: ReadonlySet<string> = new Set(['results', 'report', 'reports', 'repro', 'node_modules']);

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A path as the user will recognise it: relative to the working directory when inside it. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') ? rel : path;
}

async function isDirectory(path: string): Promise<boolean | undefined> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return undefined;
  }
}

/** Every `*.json` below `dir`, in a stable (sorted) order. */
async function findCaseFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (e) {
      throw new TrapcheckError('IO', `${displayPath(d)}: cannot read directory (${(e as NodeJS.ErrnoException).code ?? errorText(e)})`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name)) await walk(path);
      } else if (entry.isFile() && entry.name.endsWith('.json')) {
        out.push(path);
      }
    }
  };
  await walk(dir);
  return out;
}

/**
 * Where JSON text first goes wrong, as a character offset: a small recursive-descent scan run
 * only after JSON.parse failed, because V8 11's messages quote a snippet instead of a position.
 */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const bad = (): never => {
    throw i;
  };
  const literal = (word: string): void => {
    for (const ch of word) if (text[i++] !== ch) (i--, bad());
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) bad();
      const ch = text[i]!;
      if (ch === '"') return void i++;
      if (ch < ' ') bad();
      i += ch === '\\' ? 2 : 1;
    }
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) bad();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') bad();
        string();
        ws();
        if (text[i] !== ':') bad();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else bad();
      }
    } else if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else bad();
      }
    } else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else number();
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (pos) {
    return pos as number;
  }
}

/** `Unexpected token ']', "…snippet…" is not valid JSON` → `unexpected "]" at line 9, column 3`. */
function jsonProblem(text: string): string {
  const pos = jsonErrorOffset(text);
  if (pos < 0) return 'not valid JSON';
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  const what = pos >= text.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(text[pos])}`;
  return `${what} at line ${line}, column ${column}`;
}

function isIntentionallyRejected(file: CaseFile): boolean {
  return file.steps.some((s) => s.op === 'compile' && s.expect.outcome?.kind === 'rejected');
}

/**
 * Checks a binary module with the engine (V8's message names the problem and the byte offset).
 * A module V8 rejects but wabt accepts (all proposals enabled) uses a proposal this engine lacks:
 * that is the runtime's business (it reports `unsupported`), not bad input.
 */
async function checkBinary(bytes: Uint8Array, file: string): Promise<void> {
  try {
    new engine.Module(bytes);
    return;
  } catch (e) {
    const v8 = errorText(e).replace(/^WebAssembly\.Module\(\): /, '').split('\n')[0]!;
    let decodable = false;
    try {
      const wat = await binaryToWat(bytes, { file });
      // Re-assembling also runs wabt's validator over the decoded module.
      await watToBinary(wat, file);
      decodable = true;
    } catch {
      decodable = false;
    }
    if (!decodable) throw new TrapcheckError('INVALID_MODULE', `${file}: ${v8}`);
  }
}

async function loadModule(caseFile: string, parsed: CaseFile): Promise<CaseModule> {
  const path = resolve(dirname(caseFile), parsed.module);
  const shown = displayPath(path);
  const ext = extname(path);
  if (ext !== '.wat' && ext !== '.wasm')
    throw new TrapcheckError('INVALID_CASE', `${displayPath(caseFile)}: $.module must name a .wat or .wasm file, got ${JSON.stringify(parsed.module)}`);
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? errorText(e)})`;
    throw new TrapcheckError('IO', `${displayPath(caseFile)}: module file ${shown} ${problem}`);
  }
  if (ext === '.wat') {
    const wat = data.toString('utf8');
    const bytes = await watToBinary(wat, shown);
    return { bytes, wat, file: shown };
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (!isIntentionallyRejected(parsed)) await checkBinary(bytes, shown);
  const module: CaseModule = { bytes: new Uint8Array(bytes), file: shown };
  // `trapcheck gen` writes <name>.wat next to <name>.wasm: keep the text for reports when present.
  const wat = await readFile(path.slice(0, -'.wasm'.length) + '.wat', 'utf8').catch(() => undefined);
  if (wat !== undefined) module.wat = wat;
  return module;
}

/**
 * Loads one case file (`trapcheck replay CASE.json`): validates the JSON, loads and checks the
 * module beside it, and returns the in-memory Case.
 */
export async function loadCaseFile(path: string): Promise<Case> {
  const shown = displayPath(resolve(path));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TrapcheckError('IO', `${shown}: ${code === 'ENOENT' ? 'case file does not exist' : `cannot read case file (${code ?? errorText(e)})`}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TrapcheckError('INVALID_CASE', `${shown}: invalid JSON: ${jsonProblem(text)}`);
  }
  const parsed = parseCaseFile(json, shown);
  const module = await loadModule(resolve(path), parsed);
  const c: Case = {
    id: parsed.id,
    family: parsed.family,
    modules: [module],
    features: [...parsed.features],
    steps: parsed.steps,
    provenance: parsed.provenance,
    file: shown,
  };
  if (parsed.wasi !== undefined) c.wasi = parsed.wasi;
  if (parsed.component !== undefined) c.component = parsed.component;
  if (parsed.tags !== undefined) c.tags = parsed.tags;
  if (parsed.timeoutMs !== undefined) c.timeoutMs = parsed.timeoutMs;
  return c;
}

/**
 * Loads every case below the given directories (a plain `.json` path is accepted too), sorted by
 * id. Output folders (`results`, `report`, `reports`, `repro`) are not searched. Two files with one id is an error naming both.
 */
export async function loadCorpus(dirs: readonly string[]): Promise<Case[]> {
  const files: string[] = [];
  for (const dir of dirs) {
    const kind = await isDirectory(dir);
    if (kind === undefined) throw new TrapcheckError('IO', `${dir}: corpus directory does not exist`);
    if (kind) files.push(...(await findCaseFiles(dir)));
    else if (basename(dir).endsWith('.json')) files.push(dir);
    else throw new TrapcheckError('IO', `${dir}: not a directory or a case .json file`);
  }
  const seen = new Map<string, string>();
  const cases: Case[] = [];
  for (const file of [...new Set(files.map((f) => resolve(f)))]) {
    const c = await loadCaseFile(file);
    const previous = seen.get(c.id);
    if (previous !== undefined)
      throw new TrapcheckError('INVALID_CASE', `duplicate case id ${JSON.stringify(c.id)} in ${previous} and ${displayPath(file)}`);
    seen.set(c.id, displayPath(file));
    cases.push(c);
  }
  return cases.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
