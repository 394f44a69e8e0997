/**
 * The public driver protocol, `trapcheck.driver/1` (docs/driver-protocol.md): the messages
 * trapcheck and a driver process exchange, one JSON object per line on the driver's stdin and
 * stdout. Any embedder (a C program on WAMR, a Rust service on wasmtime, a Go program on wazero)
 * speaks it to run trapcheck's cases against its own embedding. Types only; the codecs are
 * wire-case.ts, wire-result.ts and hello.ts.
 */
import type { WasiConfig } from '../../case.ts';

export const DRIVER_PROTOCOL = 'trapcheck.driver/1';

/** Step kinds protocol version 1 defines (the core script steps). */
export const PROTOCOL_STEPS = ['instantiate', 'invoke', 'get', 'start', 'register', 'compile'] as const;
export type ProtocolStepOp = (typeof PROTOCOL_STEPS)[number];

/** State a driver may be able to read after a step. */
export const PROTOCOL_READS = ['memory', 'globals', 'stdout', 'stderr'] as const;
export type ProtocolRead = (typeof PROTOCOL_READS)[number];

/** A wasm value on the wire: integers as signed decimal text, floats as their raw bits in hex. */
export interface WireValue {
  type: string;
  value: string;
}

/** What to read after a step: memory byte ranges, exported globals, the output so far. */
export interface WireRead {
  memory?: Array<{ offset: number; length: number }>;
  globals?: string[];
  stdout?: true;
  stderr?: true;
}

export type WireStep =
  | { op: 'instantiate'; module: number; as?: string; read?: WireRead }
  | { op: 'invoke'; export: string; args: WireValue[]; instance?: string; read?: WireRead }
  | { op: 'get'; global: string; instance?: string; read?: WireRead }
  | { op: 'start'; instance?: string; read?: WireRead }
  | { op: 'register'; as: string; instance?: string; read?: WireRead }
  | { op: 'compile'; module: number; read?: WireRead };

export interface WireCase {
  id: string;
  /** Module bytes, base64. */
  modules: string[];
  features: string[];
  steps: WireStep[];
  wasi?: WasiConfig;
  /** The case's watchdog budget; trapcheck enforces it whatever the driver does. */
  timeoutMs: number;
}

/** trapcheck → driver. */
export interface CaseRequest {
  t: 'case';
  id: number;
  case: WireCase;
}

export interface WireCapabilities {
  steps: string[];
  features: string[];
  shape?: string;
  wasi?: string[];
  reads?: string[];
}

export interface WireProfile {
  exit?: string;
  instanceAfterTrap?: string;
  sources?: string[];
}

/** driver → trapcheck, once, first line. */
export interface HelloMessage {
  t: 'hello';
  protocol: string;
  name: string;
  version: string;
  capabilities: WireCapabilities;
  profile?: WireProfile;
}

/** driver → trapcheck: the driver starts step `i` of case `id` (so a hang is blamed on a step). */
export interface StepMessage {
  t: 'step';
  id: number;
  i: number;
}

export interface WireStepResult {
  outcome: Record<string, unknown>;
  memory?: Array<{ offset: number; hex: string }>;
  globals?: Record<string, WireValue>;
  stdout?: string;
  stderr?: string;
}

/** driver → trapcheck: one observation per step, in order, and the case's whole output. */
export interface ResultMessage {
  t: 'result';
  id: number;
  steps: WireStepResult[];
  stdout: string;
  stderr: string;
}

/** driver → trapcheck: the driver could not run the case at all (its own bug or limit). */
export interface ErrorMessage {
  t: 'error';
  id: number;
  message: string;
}

export type DriverLine = HelloMessage | StepMessage | ResultMessage | ErrorMessage;
