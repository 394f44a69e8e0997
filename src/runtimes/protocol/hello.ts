/**
 * The driver's hello: who it is and what it can do, checked field by field. Capabilities are
 * declarations (DESIGN §9: whether a runtime can run a case is decided from them, never by
 * trying); `driver-check` then verifies each declaration by running it.
 */
import type { StepOp, WasiConfig } from '../../case.ts';
import type { Feature } from '../../features.ts';
import { FEATURES } from '../../features.ts';
import type { ExitCodeRules, Profile } from '../../profile.ts';
import type { CaseShape, Capabilities } from '../adapter.ts';
import type { ProtocolRead } from './messages.ts';
import { DRIVER_PROTOCOL, PROTOCOL_READS, PROTOCOL_STEPS } from './messages.ts';
import { ProtocolError } from './wire-value.ts';

/** Host layers only trapcheck's own executor has: version 1 carries none of their data. */
const NOT_IN_V1: ReadonlySet<Feature> = new Set<Feature>(['fuel', 'asyncify', 'component', 'lunatic', 'jspi']);
const SHAPES: readonly CaseShape[] = ['script', 'single-instance', 'command'];
const WASI_OPTIONS: ReadonlyArray<keyof WasiConfig> = ['args', 'env', 'stdin', 'stdinOpen', 'threadLimit', 'dirs'];
const EXIT_RULES: ReadonlyArray<ExitCodeRules['exit']> = ['raw', 'posix', 'wasmtime'];

export interface DriverHello {
  name: string;
  version: string;
  capabilities: Capabilities;
  reads: ReadonlySet<ProtocolRead>;
  profile: Profile;
}

function stringList(raw: unknown, what: string, valid: readonly string[]): string[] {
  if (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string')) throw new ProtocolError(`hello: ${what} must be a list of strings`);
  const bad = (raw as string[]).find((x) => !valid.includes(x));
  if (bad !== undefined) throw new ProtocolError(`hello: unknown ${what.replace(/s$/, '')} ${JSON.stringify(bad)}${valid.length <= 12 ? `; valid: ${valid.join(', ')}` : ''}`);
  return raw as string[];
}

export function readHello(raw: Record<string, unknown>): DriverHello {
  if (raw['t'] !== 'hello') throw new ProtocolError(`the first line must be the hello ({"t":"hello",…}), got t=${JSON.stringify(raw['t'])}`);
  if (raw['protocol'] !== DRIVER_PROTOCOL) throw new ProtocolError(`hello: protocol ${JSON.stringify(raw['protocol'])} is not ${DRIVER_PROTOCOL}`);
  const name = raw['name'];
  const version = raw['version'];
  if (typeof name !== 'string' || !/^[\w.@+-]+$/.test(name)) throw new ProtocolError(`hello: \`name\` must be a plain word ([A-Za-z0-9_.@+-]), got ${JSON.stringify(name)}`);
  if (typeof version !== 'string' || !version) throw new ProtocolError(`hello: \`version\` must be a non-empty string, got ${JSON.stringify(version)}`);
  const caps = raw['capabilities'];
  if (typeof caps !== 'object' || caps === null) throw new ProtocolError('hello: `capabilities` must be an object {steps, features, shape?, wasi?, reads?}');
  const c = caps as Record<string, unknown>;
  const steps = stringList(c['steps'], 'steps', PROTOCOL_STEPS) as StepOp[];
  const features = stringList(c['features'], 'features', FEATURES) as Feature[];
  const outside = features.find((f) => NOT_IN_V1.has(f));
  if (outside) throw new ProtocolError(`hello: feature ${outside} needs trapcheck's own host layers, which ${DRIVER_PROTOCOL} does not carry`);
  const capabilities: Capabilities = { steps: new Set(steps), features: new Set(features), exactValues: true };
  if (c['shape'] !== undefined) {
    if (!SHAPES.includes(c['shape'] as CaseShape)) throw new ProtocolError(`hello: shape ${JSON.stringify(c['shape'])} is not one of ${SHAPES.join(', ')}`);
    capabilities.shape = c['shape'] as CaseShape;
  }
  if (c['wasi'] !== undefined) capabilities.wasiOptions = new Set(stringList(c['wasi'], 'wasi settings', WASI_OPTIONS) as Array<keyof WasiConfig>);
  const reads = new Set((c['reads'] === undefined ? [] : stringList(c['reads'], 'reads', PROTOCOL_READS)) as ProtocolRead[]);
  return { name, version, capabilities, reads, profile: readProfile(name, raw['profile']) };
}

function readProfile(name: string, raw: unknown): Profile {
  const p = (raw ?? {}) as Record<string, unknown>;
  const exit = (p['exit'] ?? 'raw') as ExitCodeRules['exit'];
  if (!EXIT_RULES.includes(exit)) throw new ProtocolError(`hello: profile.exit ${JSON.stringify(exit)} is not one of ${EXIT_RULES.join(', ')}`);
  const after = p['instanceAfterTrap'] ?? 'usable';
  if (after !== 'usable' && after !== 'poisoned') throw new ProtocolError(`hello: profile.instanceAfterTrap must be usable or poisoned, got ${JSON.stringify(after)}`);
  const sources = Array.isArray(p['sources']) ? p['sources'].filter((s): s is string => typeof s === 'string') : [];
  return {
    runtime: name,
    versions: `as declared by the driver's hello (${DRIVER_PROTOCOL})`,
    // a driver reports the guest's proc_exit argument itself; no process exit code is involved
    exitCodes: { trap: 1, exit },
    instanceAfterTrap: after,
    knownDivergences: [],
    sources: [`declared in the driver's hello (${DRIVER_PROTOCOL}, docs/driver-protocol.md)`, ...sources],
  };
}
