/**
 * Rewrites a module so its start function runs as an ordinary export call right after
 * instantiation instead of inside it. Needed for WASI: a start function that calls fd_write
 * must reach the instance's own memory, and the JS API hands out exports only once
 * `new WebAssembly.Instance` has returned. The rewrite removes the start section and exports the
 * start function under a fresh name; V8 still initialises every segment before we call it, so
 * the observable order (segments, then start) is the spec's. Only used for modules that import
 * WASI, define their memory and have a start function.
 */
import { readU32, uleb } from '../wasm/leb.ts';

/** Returns the rewritten bytes and the export name the start function now has. */
export function exportStartFunction(bytes: Uint8Array, taken: ReadonlySet<string>): { bytes: Uint8Array; name: string } {
  let name = '__trapcheck_start';
  while (taken.has(name)) name += '_';
  const nameBytes = new TextEncoder().encode(name);
  const sections: Array<{ id: number; body: Uint8Array }> = [];
  let pos = 8;
  let startFunc: number | undefined;
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    const [size, bodyAt] = readU32(bytes, pos);
    const body = bytes.subarray(bodyAt, bodyAt + size);
    pos = bodyAt + size;
    if (id === 8) startFunc = readU32(body, 0)[0];
    sections.push({ id, body });
  }
  if (startFunc === undefined) throw new Error('start-export: the module has no start section');
  const entry = [...uleb(nameBytes.length), ...nameBytes, 0x00, ...uleb(startFunc)];
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const hasExports = sections.some((s) => s.id === 7);
  const emit = (id: number, body: ArrayLike<number>): void => {
    out.push(id, ...uleb(body.length));
    for (let i = 0; i < body.length; i++) out.push(body[i]!);
  };
  for (const s of sections) {
    if (s.id === 7) {
      const [count, rest] = readU32(s.body, 0);
      emit(7, [...uleb(count + 1), ...s.body.subarray(rest), ...entry]);
    } else if (s.id === 8) {
      // the export section precedes the start section in the required order, so a new
      // export section can take the start section's place
      if (!hasExports) emit(7, [...uleb(1), ...entry]);
    } else emit(s.id, s.body);
  }
  return { bytes: Uint8Array.from(out), name };
}
