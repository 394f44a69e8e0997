/**
 * A case on disk (`corpus/<family>/<name>.json`, DESIGN §7 "corpus case"): the file form of a Case
 * and the validation of untrusted case JSON, where every error is one line naming the file and the
 * JSON path of the bad field. The model itself is ./case.ts.
 */
import type { Case, ComponentConfig, Expectation, ExpectedOutcome, Provenance, Step, StepOp, WasiConfig } from './case.ts';
import { CASE_SCHEMA, COMPONENT_PROFILES, PROCESS_CAUSES } from './case.ts';
import { TrapcheckError } from './errors.ts';
import type { Feature } from './features.ts';
import { isFeature } from './features.ts';
import type { WasmValue } from './outcome.ts';
import { isTrapKind, VALUE_TYPES } from './outcome.ts';

/** The on-disk form (`corpus/<family>/<name>.json`): the module lives beside it as .wat or .wasm. */
export interface CaseFile {
  schema: typeof CASE_SCHEMA;
  id: string;
  family: string;
  module: string;
  features: Feature[];
  wasi?: WasiConfig;
  component?: ComponentConfig;
  steps: Step[];
  provenance: Provenance;
  tags?: Record<string, string>;
  timeoutMs?: number;
}

export function toCaseFile(c: Case, moduleFile: string): CaseFile {
  const file: CaseFile = {
    schema: CASE_SCHEMA,
    id: c.id,
    family: c.family,
    module: moduleFile,
    features: c.features,
    steps: c.steps,
    provenance: c.provenance,
  };
  if (c.wasi) file.wasi = c.wasi;
  if (c.component) file.component = c.component;
  if (c.tags) file.tags = c.tags;
  if (c.timeoutMs !== undefined) file.timeoutMs = c.timeoutMs;
  return file;
}

// ---------------------------------------------------------------------------------------------
// Validation of untrusted JSON. Every error names the file and the JSON path of the bad field.

type Json = unknown;

function fail(source: string, path: string, problem: string): never {
  throw new TrapcheckError('INVALID_CASE', `${source}: ${path} ${problem}`);
}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, Json>, key: string, source: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') fail(source, `${path}.${key}`, v === undefined ? 'is missing' : 'must be a non-empty string');
  return v;
}

function checkValue(v: Json, source: string, path: string): WasmValue {
  if (!isObject(v)) fail(source, path, 'must be an object {type, value}');
  const type = v['type'];
  if (typeof type !== 'string' || !(VALUE_TYPES as readonly string[]).includes(type))
    fail(source, `${path}.type`, `must be one of ${VALUE_TYPES.join(', ')}`);
  if (typeof v['value'] !== 'string') fail(source, `${path}.value`, 'must be a string');
  return v as unknown as WasmValue;
}

function checkExpected(v: Json, source: string, path: string): ExpectedOutcome {
  if (!isObject(v)) fail(source, path, 'must be an object with a `kind`');
  switch (v['kind']) {
    case 'return':
      if (v['values'] !== undefined) {
        if (!Array.isArray(v['values'])) fail(source, `${path}.values`, 'must be an array');
        v['values'].forEach((x, i) => checkValue(x, source, `${path}.values[${i}]`));
      }
      break;
    case 'trap':
      if (typeof v['trap'] !== 'string' || !isTrapKind(v['trap']))
        fail(source, `${path}.trap`, `must be a trap kind (spec assert_trap text), got ${JSON.stringify(v['trap'])}`);
      break;
    case 'exit':
      if (typeof v['code'] !== 'number' || !Number.isInteger(v['code'])) fail(source, `${path}.code`, 'must be an integer');
      if (v['process'] !== undefined && typeof v['process'] !== 'boolean') fail(source, `${path}.process`, 'must be a boolean');
      break;
    case 'suspended':
      if (v['at'] !== undefined && !['entry', 'host', 'fuel'].includes(String(v['at']))) fail(source, `${path}.at`, 'must be entry, host or fuel');
      break;
    case 'deadlock':
    case 'timeout':
    case 'cancelled':
    case 'host-error':
      break;
    case 'rejected':
      if (!['malformed', 'invalid', 'unlinkable'].includes(String(v['stage'])))
        fail(source, `${path}.stage`, 'must be malformed, invalid or unlinkable');
      break;
    default:
      fail(source, `${path}.kind`, `must be return, trap, exit, deadlock, timeout, rejected, suspended, cancelled or host-error, got ${JSON.stringify(v['kind'])}`);
  }
  return v as unknown as ExpectedOutcome;
}

function checkExpectation(v: Json, source: string, path: string): Expectation {
  if (!isObject(v)) fail(source, path, v === undefined ? 'is missing' : 'must be an object');
  if (v['outcome'] !== undefined) checkExpected(v['outcome'], source, `${path}.outcome`);
  if (v['anyOf'] !== undefined) checkAnyOf(v, source, path);
  for (const k of ['stdout', 'stderr'] as const)
    if (v[k] !== undefined && typeof v[k] !== 'string') fail(source, `${path}.${k}`, 'must be a string');
  if (v['output'] !== undefined && v['output'] !== 'exact' && v['output'] !== 'text-prefix') fail(source, `${path}.output`, 'must be exact or text-prefix');
  if (v['memory'] !== undefined) {
    if (!Array.isArray(v['memory'])) fail(source, `${path}.memory`, 'must be an array of {offset, hex}');
    v['memory'].forEach((r, i) => {
      if (!isObject(r) || !Number.isInteger(r['offset']) || typeof r['hex'] !== 'string' || !/^([0-9a-f]{2})*$/.test(r['hex']))
        fail(source, `${path}.memory[${i}]`, 'must be {offset: integer, hex: lowercase hex bytes}');
    });
  }
  if (v['globals'] !== undefined) {
    if (!isObject(v['globals'])) fail(source, `${path}.globals`, 'must be an object of name → value');
    for (const [name, g] of Object.entries(v['globals'])) checkValue(g, source, `${path}.globals.${name}`);
  }
  if (v['fuel'] !== undefined && !count(v['fuel'], 0)) fail(source, `${path}.fuel`, 'must be a non-negative integer (remaining fuel units)');
  if (v['processes'] !== undefined) {
    if (!Array.isArray(v['processes'])) fail(source, `${path}.processes`, 'must be an array of process expectations');
    v['processes'].forEach((p, i) => checkProcess(p, source, `${path}.processes[${i}]`));
  }
  return v as unknown as Expectation;
}

function checkAnyOf(v: Record<string, Json>, source: string, path: string): void {
  const set = v['anyOf'];
  if (!Array.isArray(set) || set.length === 0) fail(source, `${path}.anyOf`, 'must be a non-empty array of {outcome, stdout?, stderr?}');
  const stated = ['outcome', 'stdout', 'stderr'].filter((k) => v[k] !== undefined);
  if (stated.length) fail(source, `${path}.anyOf`, `replaces ${stated.join(', ')}: state them in each member instead`);
  set.forEach((m, i) => {
    const at = `${path}.anyOf[${i}]`;
    if (!isObject(m)) fail(source, at, 'must be an object {outcome, stdout?, stderr?}');
    const extra = Object.keys(m).find((k) => k !== 'outcome' && k !== 'stdout' && k !== 'stderr');
    if (extra !== undefined) fail(source, `${at}.${extra}`, 'is not a member field (outcome, stdout, stderr)');
    if (m['outcome'] === undefined) fail(source, `${at}.outcome`, 'is missing');
    checkExpected(m['outcome'], source, `${at}.outcome`);
    for (const k of ['stdout', 'stderr'] as const) if (m[k] !== undefined && typeof m[k] !== 'string') fail(source, `${at}.${k}`, 'must be a string');
  });
}

function checkProcess(p: Json, source: string, path: string): void {
  if (!isObject(p)) fail(source, path, 'must be an object with a `pid`');
  if (!Number.isInteger(p['pid']) || (p['pid'] as number) < 1) fail(source, `${path}.pid`, 'must be a positive integer');
  if (p['state'] !== undefined && p['state'] !== 'alive' && p['state'] !== 'dead') fail(source, `${path}.state`, 'must be alive or dead');
  if (p['reason'] !== undefined && p['reason'] !== 'normal' && p['reason'] !== 'failure') fail(source, `${path}.reason`, 'must be normal or failure');
  if (p['cause'] !== undefined && !(PROCESS_CAUSES as readonly unknown[]).includes(p['cause']))
    fail(source, `${path}.cause`, `must be one of ${PROCESS_CAUSES.join(', ')}`);
  if (p['trap'] !== undefined && (typeof p['trap'] !== 'string' || !isTrapKind(p['trap']))) fail(source, `${path}.trap`, 'must be a trap kind');
  if (p['code'] !== undefined && !Number.isInteger(p['code'])) fail(source, `${path}.code`, 'must be an integer');
  if (p['mailbox'] !== undefined) {
    if (!Array.isArray(p['mailbox'])) fail(source, `${path}.mailbox`, 'must be an array of messages');
    p['mailbox'].forEach((m, i) => {
      if (!isObject(m) || !['link-died', 'process-died', 'data'].includes(String(m['kind'])))
        fail(source, `${path}.mailbox[${i}].kind`, 'must be link-died, process-died or data');
      if (m['tag'] !== undefined && (typeof m['tag'] !== 'string' || !/^-?\d+$/.test(m['tag']))) fail(source, `${path}.mailbox[${i}].tag`, 'must be an i64 in decimal text');
      if (m['pid'] !== undefined && !Number.isInteger(m['pid'])) fail(source, `${path}.mailbox[${i}].pid`, 'must be an integer');
    });
  }
  if (p['memory'] !== undefined) {
    if (!Array.isArray(p['memory'])) fail(source, `${path}.memory`, 'must be an array of {offset, hex}');
    p['memory'].forEach((r, i) => {
      if (!isObject(r) || !Number.isInteger(r['offset']) || typeof r['hex'] !== 'string' || !/^([0-9a-f]{2})*$/.test(r['hex']))
        fail(source, `${path}.memory[${i}]`, 'must be {offset: integer, hex: lowercase hex bytes}');
    });
  }
}

const STEP_OPS: readonly StepOp[] = ['instantiate', 'invoke', 'start', 'get', 'register', 'compile', 'call', 'resume', 'cancel', 'refuel', 'post-return'];

function count(v: Json, min: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= Number.MAX_SAFE_INTEGER;
}

function checkPause(v: Json, source: string, path: string): void {
  if (v === 'entry') return;
  if (isObject(v) && Object.keys(v).length === 1 && (count(v['suspension'], 1) || count(v['fuel'], 0))) return;
  fail(source, path, 'must be "entry", {suspension: k ≥ 1} or {fuel: n ≥ 0}');
}

function checkCallArg(a: Json, source: string, path: string): void {
  if (isObject(a) && (a['type'] === 'u32' || a['type'] === 'string')) {
    if (typeof a['value'] !== 'string') fail(source, `${path}.value`, 'must be a string');
    if (a['type'] === 'u32' && !/^\d+$/.test(a['value'] as string)) fail(source, `${path}.value`, 'must be a u32 in decimal text');
    return;
  }
  checkValue(a, source, path);
}

function checkStep(v: Json, source: string, path: string): Step {
  if (!isObject(v)) fail(source, path, 'must be an object with an `op`');
  const op = v['op'];
  if (typeof op !== 'string' || !(STEP_OPS as readonly string[]).includes(op))
    fail(source, `${path}.op`, `must be one of ${STEP_OPS.join(', ')}, got ${JSON.stringify(op)}`);
  checkExpectation(v['expect'], source, `${path}.expect`);
  if (op === 'invoke') {
    str(v, 'export', source, path);
    if (v['args'] !== undefined) {
      if (!Array.isArray(v['args'])) fail(source, `${path}.args`, 'must be an array');
      v['args'].forEach((a, i) => checkValue(a, source, `${path}.args[${i}]`));
    }
  }
  if (op === 'get') str(v, 'global', source, path);
  if (op === 'register') str(v, 'as', source, path);
  if (op === 'call' || op === 'post-return') str(v, 'export', source, path);
  if (op === 'call' && v['args'] !== undefined) {
    if (!Array.isArray(v['args'])) fail(source, `${path}.args`, 'must be an array');
    v['args'].forEach((a, i) => checkCallArg(a, source, `${path}.args[${i}]`));
  }
  if (op === 'resume' || op === 'cancel') str(v, 'call', source, path);
  if (op === 'cancel' && v['reject'] !== undefined && typeof v['reject'] !== 'boolean') fail(source, `${path}.reject`, 'must be true or false');
  if (op === 'call' && v['call'] !== undefined) str(v, 'call', source, path);
  if ((op === 'call' || op === 'resume') && v['pauseAt'] !== undefined) checkPause(v['pauseAt'], source, `${path}.pauseAt`);
  if (op === 'resume') {
    if (v['value'] !== undefined && !(Number.isInteger(v['value']) && Math.abs(v['value'] as number) <= 0xffffffff)) fail(source, `${path}.value`, 'must be an i32');
    if (v['fuel'] !== undefined && !count(v['fuel'], 0)) fail(source, `${path}.fuel`, 'must be a non-negative integer');
  }
  if (op === 'refuel' && !count(v['amount'], 0)) fail(source, `${path}.amount`, v['amount'] === undefined ? 'is missing' : 'must be a non-negative integer');
  return v as unknown as Step;
}

const HOST_IMPORT_KINDS = ['return', 'throw', 'call', 'adapter', 'exit'];

function checkComponent(v: Json, source: string, path: string): void {
  if (!isObject(v)) fail(source, path, 'must be an object {profile, exports, imports?}');
  if (!(COMPONENT_PROFILES as readonly unknown[]).includes(v['profile'])) fail(source, `${path}.profile`, `must be one of ${COMPONENT_PROFILES.join(', ')}`);
  const types = (t: Json, allowed: string[], at: string): void => {
    if (!Array.isArray(t) || t.some((x) => !allowed.includes(String(x)))) fail(source, at, `must be an array of ${allowed.join(' / ')}`);
  };
  if (!isObject(v['exports']) || Object.keys(v['exports']).length === 0) fail(source, `${path}.exports`, 'must name at least one lifted export');
  for (const [name, f] of Object.entries(v['exports'])) {
    if (!isObject(f)) fail(source, `${path}.exports.${name}`, 'must be {params, results}');
    types(f['params'], ['u32', 'string'], `${path}.exports.${name}.params`);
    types(f['results'], ['u32'], `${path}.exports.${name}.results`);
    if ((f['results'] as unknown[]).length > 1) fail(source, `${path}.exports.${name}.results`, 'must have at most one result');
  }
  if (v['imports'] === undefined) return;
  if (!isObject(v['imports'])) fail(source, `${path}.imports`, 'must be an object of name → host import');
  for (const [name, h] of Object.entries(v['imports'])) {
    const at = `${path}.imports.${name}`;
    if (!isObject(h) || !HOST_IMPORT_KINDS.includes(String(h['kind']))) fail(source, `${at}.kind`, `must be one of ${HOST_IMPORT_KINDS.join(', ')}`);
    types(h['params'], ['u32'], `${at}.params`);
    types(h['results'], ['u32'], `${at}.results`);
    if (h['kind'] === 'throw' && typeof h['message'] !== 'string') fail(source, `${at}.message`, 'must be a string');
    if (h['kind'] === 'call' || h['kind'] === 'adapter') {
      str(h, 'instance', source, at);
      str(h, 'export', source, at);
      if (h['args'] !== undefined && !(Array.isArray(h['args']) && h['args'].every((a) => Number.isInteger(a) && (a as number) >= 0 && (a as number) <= 0xffffffff)))
        fail(source, `${at}.args`, 'must be an array of u32 numbers');
    }
    if (h['kind'] === 'return' && h['value'] !== undefined && !(Number.isInteger(h['value']) && Math.abs(h['value'] as number) <= 0xffffffff))
      fail(source, `${at}.value`, 'must be a u32');
  }
  if (Object.values(v['imports']).filter((h) => isObject(h) && h['kind'] === 'exit').length > 1)
    fail(source, `${path}.imports`, 'may hold at most one exit import (there is one wasi:cli/exit@0.2.0.exit)');
}

/** Validates an untrusted case JSON document; throws a one-line INVALID_CASE error naming the field. */
export function parseCaseFile(json: Json, source: string): CaseFile {
  if (!isObject(json)) fail(source, '$', 'must be a JSON object');
  if (json['schema'] !== CASE_SCHEMA)
    fail(source, '$.schema', `must be "${CASE_SCHEMA}", got ${JSON.stringify(json['schema'])}`);
  str(json, 'id', source, '$');
  str(json, 'family', source, '$');
  str(json, 'module', source, '$');
  const features = json['features'];
  if (!Array.isArray(features)) fail(source, '$.features', features === undefined ? 'is missing' : 'must be an array');
  features.forEach((f, i) => {
    if (typeof f !== 'string' || !isFeature(f)) fail(source, `$.features[${i}]`, `is not a known feature: ${JSON.stringify(f)}`);
  });
  const steps = json['steps'];
  if (!Array.isArray(steps) || steps.length === 0) fail(source, '$.steps', steps === undefined ? 'is missing' : 'must be a non-empty array');
  steps.forEach((s, i) => checkStep(s, source, `$.steps[${i}]`));
  const prov = json['provenance'];
  if (!isObject(prov) || typeof prov['kind'] !== 'string') fail(source, '$.provenance', prov === undefined ? 'is missing' : 'must be an object with a `kind`');
  if (prov['kind'] === 'bug') {
    str(prov, 'title', source, '$.provenance');
    if (!Array.isArray(prov['links']) || prov['links'].length === 0) fail(source, '$.provenance.links', 'must list at least one link');
  }
  if (json['wasi'] !== undefined && !isObject(json['wasi'])) fail(source, '$.wasi', 'must be an object');
  if (json['component'] !== undefined) checkComponent(json['component'], source, '$.component');
  if (json['timeoutMs'] !== undefined && !(Number.isInteger(json['timeoutMs']) && (json['timeoutMs'] as number) > 0))
    fail(source, '$.timeoutMs', 'must be a positive integer');
  return json as unknown as CaseFile;
}
