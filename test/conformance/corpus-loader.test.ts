/**
 * The corpus loader and the wabt wrapper: the shipped corpus loads deterministically, ids are
 * unique and match their paths, provenance is linked, and every kind of bad input is refused
 * with the right error code and a one-line message naming the file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/case.ts';
import { loadCaseFile, loadCorpus } from '../../src/conformance/corpus.ts';
import { TrapcheckError } from '../../src/errors.ts';
import { binaryToWat, loadWabt, watToBinary } from '../../src/wasm/wabt.ts';

/** lib ES2022 and @types/node 20 do not declare the `WebAssembly` global. */
const { WebAssembly } = globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } };

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CORPUS = join(ROOT, 'corpus');
const BAD = join(ROOT, 'test/fixtures/bad-input');

async function refusal(p: Promise<unknown>): Promise<TrapcheckError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TrapcheckError);
    return e as TrapcheckError;
  }
  throw new Error('expected the input to be refused');
}

function fingerprint(cases: Case[]): string[] {
  return cases.map((c) => `${c.id} ${createHash('sha256').update(c.modules[0]!.bytes).digest('hex')} ${JSON.stringify(c.steps)}`);
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'trapcheck-corpus-'));
}

const MINIMAL = (id: string, module: string): object => ({
  schema: 'trapcheck.case/1',
  id,
  family: 'core-traps',
  module,
  features: [],
  steps: [{ op: 'instantiate', expect: { outcome: { kind: 'return' } } }],
  provenance: { kind: 'hand-written', note: 'test' },
});

/** corpus/regressions/: findings on real runtimes (corpus/README.md, "Provenance rule"), id `regressions/<name>`. */
const isRegression = (c: Case): boolean => c.id.startsWith('regressions/');
/** A regression may hold an invalid or malformed module on purpose: its case then expects the rejection. */
const expectsRejection = (c: Case): boolean => c.steps.some((s) => s.expect.outcome?.kind === 'rejected');

describe('the shipped corpus', () => {
  let cases: Case[];
  beforeAll(async () => {
    cases = await loadCorpus([CORPUS]);
  });

  it('has at least 40 cases over the eight families', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.filter((c) => !isRegression(c)).map((c) => c.family))).toEqual(new Set(['core-traps', 'controls', 'stack', 'wasi-exit', 'isolation', 'threads', 'cancellation', 'component']));
  });

  it('ids are unique, sorted, and equal <family>/<file name> (regressions/<file name> for findings)', () => {
    const ids = cases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const c of cases) {
      const file = c.modules[0]!.file!;
      const folder = isRegression(c) ? 'regressions' : c.family;
      expect(c.id, file).toBe(`${folder}/${basename(file, extname(file))}`);
      expect(basename(dirname(file)), file).toBe(folder);
    }
  });

  it('every module is valid for the engine (unless a regression expects its rejection), and .wat cases keep their text', () => {
    for (const c of cases) {
      const m = c.modules[0]!;
      if (!(isRegression(c) && expectsRejection(c))) expect(WebAssembly.validate(m.bytes), c.id).toBe(true);
      if (m.file!.endsWith('.wat')) expect(m.wat, c.id).toMatch(/^;; /);
    }
    expect(cases.some((c) => c.modules[0]!.file!.endsWith('.wasm'))).toBe(true);
  });

  it('every bug provenance has a GitHub link; every other case says why it exists', () => {
    for (const c of cases) {
      const p = c.provenance;
      if (p.kind === 'bug') {
        expect(p.links.length, c.id).toBeGreaterThan(0);
        // An issue, a pull request, a commit, or the upstream test it mirrors.
        for (const link of p.links) expect(link, c.id).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/((issues|pull)\/\d+|commit\/[0-9a-f]{7,40}|(tree|blob)\/[\w./-]+)$/);
        expect(p.title.length, c.id).toBeGreaterThan(10);
      } else if (isRegression(c)) {
        expect(p.kind, c.id).toBe('finding');
        if (p.kind === 'finding') expect([p.runtime, p.version, p.date].every((x) => x.length > 0), c.id).toBe(true);
      } else {
        expect(p.kind, c.id).toBe('hand-written');
        if (p.kind === 'hand-written') expect(p.note.length, c.id).toBeGreaterThan(10);
      }
      expect(Object.keys(c.tags ?? {}).length, `${c.id} has coverage tags`).toBeGreaterThan(0);
    }
    expect(cases.filter((c) => c.provenance.kind === 'bug').length).toBeGreaterThanOrEqual(40);
  });

  it('covers the catalog rows a module can express (#1-#22 except #8, #45-#47)', () => {
    const rows = new Set(cases.flatMap((c) => (c.provenance.kind === 'bug' && c.provenance.catalog !== undefined ? [c.provenance.catalog] : [])));
    // #8 needs JS async glue around the call, not a module: it is not a corpus case.
    const wanted = [...Array.from({ length: 22 }, (_, i) => i + 1).filter((n) => n !== 8), 45, 46, 47];
    expect(wanted.filter((n) => !rows.has(n))).toEqual([]);
  });

  it('uses the exit codes the wasi-exit family calls for', () => {
    const codes = new Set(
      cases.flatMap((c) => c.steps.flatMap((s) => (s.expect.outcome?.kind === 'exit' ? [s.expect.outcome.code] : []))),
    );
    for (const code of [0, 1, 3, 7, 125, 126, 200, 255, 256]) expect(codes.has(code), `exit ${code}`).toBe(true);
  });

  it('loads deterministically (same ids, bytes and steps, in the same order)', async () => {
    const again = await loadCorpus([CORPUS]);
    expect(fingerprint(again)).toEqual(fingerprint(cases));
    const byFamily = await loadCorpus([join(CORPUS, 'wasi-exit'), join(CORPUS, 'controls')]);
    expect(fingerprint(byFamily)).toEqual(fingerprint(cases.filter((c) => !isRegression(c) && (c.family === 'wasi-exit' || c.family === 'controls'))));
  });

  it('loadCaseFile gives the same case as loadCorpus', async () => {
    const one = await loadCaseFile(join(CORPUS, 'core-traps', 'oob-f64-load-dropped.json'));
    expect(fingerprint([one])).toEqual(fingerprint(cases.filter((c) => c.id === one.id)));
  });
});

describe('bad input is refused with one line naming the file', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['truncated-wasm', 'INVALID_MODULE', /truncated\.wasm: section \(code 1, "Type"\) extends past end/],
    ['invalid-wat', 'INVALID_WAT', /invalid\.wat:3:6: unexpected token "i32\.addd"/],
    ['missing-field', 'INVALID_CASE', /missing-field\/case\.json: \$\.steps is missing/],
    ['malformed-json', 'INVALID_CASE', /malformed-json\/case\.json: invalid JSON: unexpected "\]" at line 9, column 3/],
    ['missing-module', 'IO', /missing-module\/case\.json: module file .*absent\.wat does not exist/],
  ];
  for (const [dir, code, message] of cases) {
    it(`${dir} → ${code}`, async () => {
      const e = await refusal(loadCaseFile(join(BAD, dir, 'case.json')));
      expect(e.code).toBe(code);
      expect(e.message).toMatch(message);
      expect(e.message).not.toContain('\n');
      // through a directory walk as well
      const e2 = await refusal(loadCorpus([join(BAD, dir)]));
      expect(e2.code).toBe(code);
      expect(e2.message).toBe(e.message);
    });
  }

  it('a missing corpus directory or case file is an IO error', async () => {
    const e = await refusal(loadCorpus([join(BAD, 'no-such-dir')]));
    expect(e.code).toBe('IO');
    expect(e.message).toMatch(/no-such-dir: corpus directory does not exist/);
    const f = await refusal(loadCaseFile(join(BAD, 'nope.json')));
    expect(f.code).toBe('IO');
    expect(f.message).toMatch(/nope\.json: case file does not exist/);
  });

  it('two files with one id name both files', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    for (const sub of ['a', 'b']) {
      writeFileSync(join(dir, sub, 'm.wat'), '(module)');
      writeFileSync(join(dir, sub, 'same.json'), JSON.stringify(MINIMAL('dup/same', 'm.wat')));
    }
    const e = await refusal(loadCorpus([dir]));
    expect(e.code).toBe('INVALID_CASE');
    expect(e.message).toMatch(/duplicate case id "dup\/same" in .*a\/same\.json and .*b\/same\.json/);
    // across two directories too
    const e2 = await refusal(loadCorpus([join(dir, 'a'), join(dir, 'b')]));
    expect(e2.message).toMatch(/duplicate case id "dup\/same"/);
  });

  it('a binary module V8 rejects is INVALID_MODULE with V8 reason; a rejected-on-purpose one loads', async () => {
    const dir = scratch();
    // valid header, a function section without a code section
    writeFileSync(join(dir, 'bad.wasm'), Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0]));
    writeFileSync(join(dir, 'c.json'), JSON.stringify(MINIMAL('x/c', 'bad.wasm')));
    const e = await refusal(loadCaseFile(join(dir, 'c.json')));
    expect(e.code).toBe('INVALID_MODULE');
    expect(e.message).toMatch(/bad\.wasm: function count is 1, but code section is absent/);
    writeFileSync(
      join(dir, 'c.json'),
      JSON.stringify({ ...MINIMAL('x/c', 'bad.wasm'), steps: [{ op: 'compile', module: 0, expect: { outcome: { kind: 'rejected', stage: 'malformed' } } }] }),
    );
    const c = await loadCaseFile(join(dir, 'c.json'));
    expect(c.modules[0]!.bytes.length).toBe(18);
  });

  it('results, report and repro folders and non-json files are not searched', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'README.md'), '# notes');
    writeFileSync(join(dir, 'm.wat'), '(module)');
    writeFileSync(join(dir, 'one.json'), JSON.stringify(MINIMAL('x/one', 'm.wat')));
    for (const skipped of ['results', 'report', 'repro', '.hidden']) {
      mkdirSync(join(dir, skipped));
      writeFileSync(join(dir, skipped, 'report.json'), '{"schema": "trapcheck.report/1"}');
    }
    expect((await loadCorpus([dir])).map((c) => c.id)).toEqual(['x/one']);
  });

  it('a .wasm case keeps the .wat written beside it', async () => {
    const dir = scratch();
    const text = '(module (func (export "f") (result i32) (i32.const 1)))';
    writeFileSync(join(dir, 'g.wasm'), await watToBinary(text, 'g.wat'));
    writeFileSync(join(dir, 'g.wat'), text);
    writeFileSync(join(dir, 'g.json'), JSON.stringify(MINIMAL('x/g', 'g.wasm')));
    expect((await loadCaseFile(join(dir, 'g.json'))).modules[0]!.wat).toBe(text);
  });
});

describe('wabt wrapper', () => {
  it('loads wabt once', () => {
    expect(loadWabt()).toBe(loadWabt());
  });

  it('assembles the proposals the corpus needs (threads, simd, exceptions, tail calls, bulk memory, reference types)', async () => {
    const bytes = await watToBinary(
      `(module (memory 1 1 shared) (tag $t) (table 2 funcref)
        (func $a (result i32) (i32.atomic.load (i32.const 0)))
        (func (result v128) (v128.const i32x4 1 2 3 4))
        (func (result i32) (return_call $a))
        (func (try (do (throw $t)) (catch $t)))
        (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0)) (drop (table.get 0 (i32.const 0))))
        (func (result i32) (i32.extend8_s (i32.trunc_sat_f32_s (f32.const 1)))))`,
      'features.wat',
    );
    expect(WebAssembly.validate(bytes)).toBe(true);
  });

  it('reports WAT errors as <file>:<line>:<col>: <message> on one line', async () => {
    const parse = await refusal(watToBinary('(module\n  (func\n    i32.bogus))', 'dir/x.wat'));
    expect(parse.code).toBe('INVALID_WAT');
    expect(parse.message).toBe('dir/x.wat:3:5: unexpected token i32.bogus, expected ).');
    const typeError = await refusal(watToBinary('(module\n (func (result i32)\n   i64.const 1))', 'y.wat'));
    expect(typeError.message).toBe('y.wat:3:4: type mismatch in implicit return, expected [i32] but got [i64]');
  });

  it('binaryToWat round-trips and refuses a malformed binary', async () => {
    const bytes = await watToBinary('(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))', 'a.wat');
    const text = await binaryToWat(bytes);
    expect(text).toMatch(/i32\.add/);
    // generated names land in the name section, so compare text, not bytes
    expect(await binaryToWat(await watToBinary(text, 'b.wat'))).toBe(text);
    const e = await refusal(binaryToWat(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5]), { file: 't.wasm' }));
    expect(e.code).toBe('INVALID_MODULE');
    expect(e.message).toMatch(/^t\.wasm: .*\(at byte 0x[0-9a-f]+\)$/);
  });
});
