/**
 * Reads a driver's `result` line back into an Observation, checking every field: a driver that
 * breaks the protocol (an i64 as a JSON number, an unknown trap kind, a step missing) gets a
 * ProtocolError naming the field, which the runtime turns into that case's `crash` outcome.
 */
import type { MemoryRegion } from '../../case.ts';
import type { Observation, StepObservation } from '../../observation.ts';
import type { Outcome, TrapKind, WasmValue } from '../../outcome.ts';
import { isTrapKind } from '../../outcome.ts';
import type { WireCase } from './messages.ts';
import { ProtocolError, fromWireValue } from './wire-value.ts';

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

function str(o: Obj, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ProtocolError(`${where}: \`${key}\` must be a string, got ${JSON.stringify(v)}`);
  return v;
}

const REJECT_STAGES = ['malformed', 'invalid', 'compile', 'unlinkable'] as const;

/** One outcome object; the kinds a driver may report (timeouts and crashes of the process are trapcheck's to see). */
export function readOutcome(raw: unknown, where: string): Outcome {
  if (!isObj(raw)) throw new ProtocolError(`${where}: outcome must be an object, got ${JSON.stringify(raw)}`);
  const kind = raw['kind'];
  switch (kind) {
    case 'return': {
      const values = raw['values'];
      if (!Array.isArray(values)) throw new ProtocolError(`${where}: return outcome needs \`values\` (an array)`);
      return { kind, values: values.map((v, i) => fromWireValue(v, `${where} value ${i}`)) };
    }
    case 'trap': {
      const trap = raw['trap'];
      if (!Array.isArray(trap) || trap.some((k) => typeof k !== 'string' || !isTrapKind(k)))
        throw new ProtocolError(`${where}: trap outcome needs \`trap\`, a list of trap kinds (the spec's assert_trap texts), got ${JSON.stringify(trap)}`);
      return { kind, trap: trap as TrapKind[], message: str(raw, 'message', where) };
    }
    case 'exit': {
      const code = raw['code'];
      if (typeof code !== 'number' || !Number.isInteger(code) || code < 0 || code > 0xffffffff)
        throw new ProtocolError(`${where}: exit outcome needs \`code\`, the guest's proc_exit argument as an integer 0..4294967295, got ${JSON.stringify(code)}`);
      return { kind, code };
    }
    case 'rejected': {
      const stage = raw['stage'];
      if (typeof stage !== 'string' || !(REJECT_STAGES as readonly string[]).includes(stage)) throw new ProtocolError(`${where}: rejected outcome needs \`stage\` (${REJECT_STAGES.join(' | ')}), got ${JSON.stringify(stage)}`);
      return { kind, stage: stage as (typeof REJECT_STAGES)[number], message: str(raw, 'message', where) };
    }
    case 'unsupported':
      return { kind, feature: str(raw, 'feature', where) };
    case 'crash':
      return { kind, detail: str(raw, 'detail', where) };
    case 'deadlock':
      return { kind };
    case 'timeout': {
      const budgetMs = raw['budgetMs'];
      return { kind, budgetMs: typeof budgetMs === 'number' ? budgetMs : 0 };
    }
    default:
      throw new ProtocolError(`${where}: unknown outcome kind ${JSON.stringify(kind)} (return, trap, exit, rejected, unsupported, crash, deadlock, timeout)`);
  }
}

function readMemory(raw: unknown, asked: ReadonlyArray<{ offset: number; length: number }>, where: string): MemoryRegion[] {
  if (!Array.isArray(raw)) throw new ProtocolError(`${where}: \`memory\` must be an array of {offset, hex}`);
  return raw.map((r, i) => {
    if (!isObj(r) || typeof r['offset'] !== 'number' || typeof r['hex'] !== 'string') throw new ProtocolError(`${where} memory ${i}: must be {offset, hex}`);
    const hex = r['hex'];
    const want = asked.find((a) => a.offset === r['offset']);
    if (!want) throw new ProtocolError(`${where} memory ${i}: offset ${String(r['offset'])} was not asked for`);
    if (!/^(?:[0-9a-f]{2})*$/.test(hex) || hex.length > want.length * 2)
      throw new ProtocolError(`${where} memory ${i}: \`hex\` must be lowercase hex of at most ${want.length} bytes (fewer where the memory ends), got ${JSON.stringify(hex.slice(0, 40))}`);
    return { offset: want.offset, hex };
  });
}

function readStep(raw: unknown, sent: WireCase['steps'][number] | undefined, where: string): StepObservation {
  if (!isObj(raw)) throw new ProtocolError(`${where}: must be an object {outcome, …}`);
  const obs: StepObservation = { outcome: readOutcome(raw['outcome'], `${where} outcome`) };
  const read = sent?.read;
  if (raw['memory'] !== undefined) obs.memory = readMemory(raw['memory'], read?.memory ?? [], where);
  if (raw['globals'] !== undefined) {
    const g = raw['globals'];
    if (!isObj(g)) throw new ProtocolError(`${where}: \`globals\` must be an object name → value`);
    const out: Record<string, WasmValue> = {};
    for (const [name, v] of Object.entries(g)) out[name] = fromWireValue(v, `${where} global ${JSON.stringify(name)}`);
    obs.globals = out;
  }
  for (const stream of ['stdout', 'stderr'] as const) if (raw[stream] !== undefined) obs[stream] = str(raw, stream, where);
  return obs;
}

/**
 * The observation in a driver's result for the case it was sent. A step that breaks the protocol
 * ends the observation there with a `crash` naming the fault (the steps before it stand), and
 * `protocolError` is set: the driver is not to be trusted with another case.
 */
export function readResult(raw: Obj, sent: WireCase): { obs: Observation; protocolError?: string } {
  const stdout = typeof raw['stdout'] === 'string' ? raw['stdout'] : '';
  const stderr = typeof raw['stderr'] === 'string' ? raw['stderr'] : '';
  const broken = (steps: StepObservation[], why: string): { obs: Observation; protocolError: string } => ({
    obs: { steps: [...steps, { outcome: { kind: 'crash', detail: `protocol error: ${why}` } }], stdout, stderr },
    protocolError: why,
  });
  const steps = raw['steps'];
  if (!Array.isArray(steps)) return broken([], 'result: `steps` must be an array');
  const out: StepObservation[] = [];
  for (const [i, s] of steps.entries()) {
    try {
      out.push(readStep(s, sent.steps[i], `result step ${i}`));
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      return broken(out, e.message);
    }
  }
  const last = out[out.length - 1]?.outcome.kind;
  if (out.length > sent.steps.length || (out.length < sent.steps.length && last !== 'crash'))
    return broken(out.slice(0, Math.min(out.length, sent.steps.length - 1)), `result: ${out.length} step observations for a case of ${sent.steps.length} steps (one per step; fewer only after a crash outcome)`);
  for (const stream of ['stdout', 'stderr'] as const)
    if (typeof raw[stream] !== 'string') return broken(out.slice(0, -1), `result: \`${stream}\` (the whole case's output) must be a string`);
  return { obs: { steps: out, stdout, stderr } };
}
