/** The `lunatic::process` host functions of one process: configs, spawn, sleep, links, monitors, kill. */
import type { LunaticHost } from './lunatic-imports.ts';
import { deniedConfig } from './limits.ts';
import { rewound, suspend } from './parking.ts';
import type { Proc } from './proc.ts';
import { pidNumber } from './scheduler.ts';
import { spawn } from './spawn.ts';

export function processApi(p: Proc, host: LunaticHost): Record<string, unknown> {
  const s = host.scheduler;
  return {
    // () -> i64: a new config with every permission denied, or -1 without permission
    create_config: (): bigint => {
      if (!p.config.canCreateConfigs) return -1n;
      const id = p.nextResource++;
      p.configs.set(id, deniedConfig());
      return id;
    },
    drop_config: (id: bigint): void => {
      p.configById(id, 'drop_config');
      p.configs.delete(BigInt.asUintN(64, id));
    },
    config_set_max_memory: (id: bigint, bytes: bigint): void => {
      p.configById(id, 'config_set_max_memory').maxMemory = BigInt.asUintN(64, bytes);
    },
    config_get_max_memory: (id: bigint): bigint => p.configById(id, 'config_get_max_memory').maxMemory,
    config_set_max_fuel: (id: bigint, units: bigint): void => {
      p.configById(id, 'config_set_max_fuel').maxFuel = BigInt.asUintN(64, units);
    },
    config_get_max_fuel: (id: bigint): bigint => p.configById(id, 'config_get_max_fuel').maxFuel,
    config_can_compile_modules: (id: bigint): number => (p.configById(id, 'config_can_compile_modules').canCompileModules ? 1 : 0),
    config_set_can_compile_modules: (id: bigint, can: number): void => {
      p.configById(id, 'config_set_can_compile_modules').canCompileModules = can !== 0;
    },
    config_can_create_configs: (id: bigint): number => (p.configById(id, 'config_can_create_configs').canCreateConfigs ? 1 : 0),
    config_set_can_create_configs: (id: bigint, can: number): void => {
      p.configById(id, 'config_set_can_create_configs').canCreateConfigs = can !== 0;
    },
    config_can_spawn_processes: (id: bigint): number => (p.configById(id, 'config_can_spawn_processes').canSpawnProcesses ? 1 : 0),
    config_set_can_spawn_processes: (id: bigint, can: number): void => {
      p.configById(id, 'config_set_can_spawn_processes').canSpawnProcesses = can !== 0;
    },
    // (link: i64, config_id: i64, module_id: i64, func_str_ptr, func_str_len, params_ptr, params_len, id_ptr) -> i32
    spawn: (link: bigint, configId: bigint, moduleId: bigint, fnPtr: number, fnLen: number, paramsPtr: number, paramsLen: number, idPtr: number): number =>
      spawn(host, p, { link, configId, moduleId, fnPtr, fnLen, paramsPtr, paramsLen, idPtr }),
    // (millis: i64): virtual time; 0 is a plain yield
    sleep_ms: (ms: bigint): void => {
      if (rewound(p)) {
        p.wait = undefined;
        p.timedOut = false;
        return;
      }
      s.yieldPoint(p);
      if (ms === 0n) {
        if (s.hasRunnable()) suspend(p, 'runnable');
        return;
      }
      p.wait = { tags: null, deadline: s.clock + BigInt.asUintN(64, ms), sleep: true };
      suspend(p, 'blocked');
    },
    // (trap: i32): 0 turns linked failures into LinkDied messages (a signal to itself)
    die_when_link_dies: (trap: number): void => {
      p.signals.push({ k: 'die-when-link-dies', value: trap !== 0 });
    },
    process_id: (): bigint => BigInt(p.pid),
    environment_id: (): bigint => 1n,
    // (tag: i64, process_id: i64)
    link: (tag: bigint, pid: bigint): void => {
      const t = tag === 0n ? null : tag;
      const other = s.lookup(pid);
      if (other) {
        s.deliver(other, { k: 'link', pid: p.pid, tag: t });
        p.signals.push({ k: 'link', pid: other.pid, tag: t });
      } else p.signals.push({ k: 'link-died', pid: pidNumber(pid), tag: t, reason: 'no-process' });
    },
    unlink: (pid: bigint): void => {
      s.deliver(s.lookup(pid), { k: 'unlink', pid: p.pid });
      p.signals.push({ k: 'unlink', pid: pidNumber(pid) });
    },
    monitor: (pid: bigint): void => s.deliver(s.lookup(pid), { k: 'monitor', pid: p.pid }),
    stop_monitoring: (pid: bigint): void => s.deliver(s.lookup(pid), { k: 'stop-monitoring', pid: p.pid }),
    kill: (pid: bigint): void => {
      const target = s.lookup(pid);
      if (target === p) p.signals.push({ k: 'kill' });
      else s.deliver(target, { k: 'kill' });
    },
    exists: (pid: bigint): number => (s.lookup(pid) ? 1 : 0),
  };
}
