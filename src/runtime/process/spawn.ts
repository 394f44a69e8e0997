/**
 * `lunatic::process::spawn`: a child process of the same module runs an exported function with
 * the given parameters. Lunatic's params are 17-byte chunks (a type byte, then a 16-byte value).
 * A child that cannot be created or lacks the function is an error *resource* of the parent
 * (`spawn` returns 1), not a death.
 */
import { HostError, ProcessUnsupported } from './errors.ts';
import { bytesAt, writeU64 } from './guest-memory.ts';
import type { LunaticHost } from './lunatic-imports.ts';
import type { Proc } from './proc.ts';

/** The guest's arguments of `spawn`, as its linker passes them. */
export interface SpawnArgs {
  link: bigint;
  configId: bigint;
  moduleId: bigint;
  fnPtr: number;
  fnLen: number;
  paramsPtr: number;
  paramsLen: number;
  idPtr: number;
}

const PARAM_BYTES = 17;

export function spawn(host: LunaticHost, p: Proc, a: SpawnArgs): number {
  if (!p.config.canSpawnProcesses) throw new HostError('Process doesn\'t have permissions to spawn sub-processes');
  if (p.state === 'new') throw new HostError('Cannot spawn process during module initialization');
  const config = a.configId === -1n ? p.config : { ...p.configById(a.configId, 'spawn') };
  if (a.moduleId !== -1n) throw new HostError('lunatic::process::spawn: Module ID doesn\'t exist');
  let name: string;
  try {
    name = new TextDecoder('utf-8', { fatal: true }).decode(bytesAt(p, a.fnPtr, a.fnLen, 'lunatic::process::spawn'));
  } catch (e) {
    throw e instanceof HostError ? e : new HostError('lunatic::process::spawn: function name is not UTF-8');
  }
  const args = decodeParams(bytesAt(p, a.paramsPtr, a.paramsLen, 'lunatic::process::spawn'));
  const child = host.create(p.module.index, config);
  let failure: string | undefined;
  if (typeof child === 'string') failure = child;
  else if (typeof child.exports[name] !== 'function') failure = `function ${name} not found`;
  if (failure !== undefined || typeof child === 'string') {
    if (typeof child !== 'string') {
      // instantiated but unusable: it never ran and nobody knows its pid
      child.state = 'dead';
      child.end = { reason: 'failure', cause: 'host-error', detail: failure, outcome: { kind: 'exit', code: 1 } };
    }
    const id = p.nextResource++;
    p.errors.set(id, failure!);
    writeU64(p, a.idPtr, id, 'lunatic::process::spawn');
    return 1;
  }
  child.entry = { name, args };
  if (a.link !== 0n) {
    child.links.set(p.pid, a.link); // the child's link is in place before any child code runs
    p.signals.push({ k: 'link', pid: child.pid, tag: null });
  }
  host.scheduler.makeRunnable(child);
  writeU64(p, a.idPtr, BigInt(child.pid), 'lunatic::process::spawn');
  return 0;
}

/** The entry function's arguments: i32 (0x7f) and i64 (0x7e) values; v128 (0x7b) is not modelled. */
function decodeParams(raw: Uint8Array): unknown[] {
  if (raw.length % PARAM_BYTES !== 0) throw new HostError(`Params array must be in chunks of 17 bytes, but ${raw.length % PARAM_BYTES} bytes remained`);
  const args: unknown[] = [];
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.length);
  for (let i = 0; i < raw.length; i += PARAM_BYTES) {
    const lo = dv.getBigUint64(i + 1, true);
    if (raw[i] === 0x7f) args.push(Number(BigInt.asIntN(32, lo)));
    else if (raw[i] === 0x7e) args.push(BigInt.asIntN(64, lo));
    else if (raw[i] === 0x7b) throw new ProcessUnsupported('v128 spawn parameters');
    else throw new HostError('Unsupported type ID');
  }
  return args;
}
