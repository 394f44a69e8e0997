/**
 * One check of `trapcheck driver-check`: a small case with exact expectations, named after what it
 * verifies, and what a driver must claim for the check to apply (a check of something the driver
 * does not claim is not run: claims are what is checked).
 */
import type { Case, Step, WasiConfig } from '../../../case.ts';
import type { Feature } from '../../../features.ts';
import type { WasmValue } from '../../../outcome.ts';
import { watToBinary } from '../../../wasm/wabt.ts';
import type { ProtocolRead } from '../messages.ts';

export interface CheckNeeds {
  steps?: Step['op'][];
  features?: Feature[];
  reads?: ProtocolRead[];
  wasi?: Array<keyof WasiConfig>;
}

export interface DriverCheck {
  /** What it verifies, as printed in a fault line: `i64 values`, `trap: unreachable` … */
  name: string;
  needs: CheckNeeds;
  /** Module texts, index = `module` of instantiate / compile steps; a Uint8Array is taken as bytes. */
  modules: Array<string | Uint8Array>;
  steps: Step[];
  wasi?: WasiConfig;
  timeoutMs?: number;
}

/** The default budget of a check case: small, since every check but the timeout one answers at once. */
export const CHECK_TIMEOUT_MS = 3_000;

export async function checkCase(check: DriverCheck): Promise<Case> {
  const modules = await Promise.all(check.modules.map(async (m, i) => ({ bytes: typeof m === 'string' ? await watToBinary(m, `${check.name}-${i}.wat`) : m })));
  const c: Case = {
    id: `driver-check/${check.name.replace(/[^\w.-]+/g, '-')}`,
    family: 'driver-check',
    modules,
    features: check.needs.features ?? ['mvp'],
    steps: check.steps,
    provenance: { kind: 'hand-written', note: `trapcheck driver-check: ${check.name}` },
    timeoutMs: check.timeoutMs ?? CHECK_TIMEOUT_MS,
  };
  if (check.wasi) c.wasi = check.wasi;
  return c;
}

// small builders for the check tables
export const v = (type: WasmValue['type'], value: string): WasmValue => ({ type, value });
export const instantiate = (module = 0, as?: string): Step => (as === undefined ? { op: 'instantiate', module, expect: { outcome: { kind: 'return' } } } : { op: 'instantiate', module, as, expect: { outcome: { kind: 'return' } } });
export const returns = (exportName: string, args: WasmValue[], values: WasmValue[], extra: Partial<Step> = {}): Step =>
  ({ op: 'invoke', export: exportName, args, expect: { outcome: { kind: 'return', values } }, ...extra }) as Step;
export const traps = (exportName: string, trap: import('../../../outcome.ts').TrapKind, args: WasmValue[] = []): Step => ({ op: 'invoke', export: exportName, args, expect: { outcome: { kind: 'trap', trap } } });
