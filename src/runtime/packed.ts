/**
 * A chunk of cases as one buffer: the form in which cases cross from the supervisor to a child
 * process's worker, and from a generation worker to the supervisor (src/cli/generation-pool.ts).
 * The chunk is serialised once where it is made and parsed once where it runs; the child's main
 * thread, which only supervises, forwards the bytes and never rebuilds the cases (deserialising
 * and structured-cloning them there cost more than the supervision).
 *
 * JSON plus the module bytes: apart from its bytes a case is JSON by design (it is saved and
 * replayed as JSON), and JSON packs and unpacks ~3× faster than V8's value serialiser, which
 * the IPC channel and postMessage use (core-traps: ~4.5 µs a case each way instead of 14 and 10).
 *
 * Node-only (Buffer), but free of Node imports: the gjs driver bundles the pools' modules too.
 */
import type { RunnableCase } from './exec.ts';

/** A chunk of cases in one buffer, plus what a supervisor reads without unpacking it. */
export interface PackedCases {
  /** The cases: u32 length of the JSON text, the JSON text (UTF-8), then every module's bytes. */
  bytes: Uint8Array;
  /** Per case: its own watchdog budget in ms, or undefined for the default (kept out of the JSON: Infinity is no JSON). */
  timeouts: Array<number | undefined>;
  /** Some case runs wasi-threads on real threads (`--threads real`): thread workers are warmed before the chunk runs. */
  threads: boolean;
}

/** A case as packed: what the executor needs, plus its watchdog budget. */
export interface PackableCase extends RunnableCase {
  timeoutMs?: number;
}

/** Where a module's bytes are in the packed buffer, in place of the bytes in the JSON text. */
type ModuleRef = [offset: number, length: number];

/** A buffer that owns all of its ArrayBuffer: cloning or transferring it moves nothing else. */
export function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : copy(bytes, 0, bytes.byteLength);
}

/** A copy in a plain Uint8Array (a Buffer's own `slice` would be a view). */
function copy(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + end));
}

export function packCases(cases: readonly PackableCase[]): PackedCases {
  let threads = false;
  const timeouts: Array<number | undefined> = [];
  const blobs: Uint8Array[] = [];
  let blobBytes = 0;
  const shallow = cases.map((c) => {
    if (c.threads && c.schedule === 'real') threads = true; // only `--threads real` spawns onto thread workers
    timeouts.push(c.timeoutMs);
    const { timeoutMs: _budget, ...rest } = c;
    // a module's other fields (a generated case's `wat`, `file`) travel in the JSON beside its reference
    const modules = c.modules.map((m): { bytes: ModuleRef } => {
      blobs.push(m.bytes);
      blobBytes += m.bytes.byteLength;
      return { ...m, bytes: [blobBytes - m.bytes.byteLength, m.bytes.byteLength] };
    });
    return { ...rest, modules };
  });
  const json = JSON.stringify(shallow);
  const jsonBytes = Buffer.byteLength(json);
  // not from Node's shared pool: the buffer is cloned or transferred whole
  const out = Buffer.allocUnsafeSlow(4 + jsonBytes + blobBytes);
  out.writeUInt32LE(jsonBytes, 0);
  out.write(json, 4, 'utf8');
  let at = 4 + jsonBytes;
  for (const b of blobs) {
    out.set(b, at);
    at += b.byteLength;
  }
  return { bytes: out, timeouts, threads };
}

/** The cases of a packed chunk as packed, budgets included. */
export function unpackChunk<C extends PackableCase = PackableCase>(packed: PackedCases): C[] {
  const cases = unpackCases<C>(packed.bytes);
  cases.forEach((c, i) => {
    const budget = packed.timeouts[i];
    if (budget !== undefined) c.timeoutMs = budget;
  });
  return cases;
}

/** The cases of `packCases`, each module's bytes in a buffer of its own (without `timeoutMs`: see PackedCases.timeouts). */
export function unpackCases<C extends PackableCase = PackableCase>(bytes: Uint8Array): C[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonBytes = buf.readUInt32LE(0);
  const blobs = 4 + jsonBytes;
  const cases = JSON.parse(buf.toString('utf8', 4, blobs)) as Array<{ modules: Array<{ bytes: ModuleRef | Uint8Array }> }>;
  for (const c of cases)
    for (const m of c.modules) {
      const [offset, length] = m.bytes as ModuleRef;
      m.bytes = copy(bytes, blobs + offset, blobs + offset + length);
    }
  return cases as unknown as C[];
}
