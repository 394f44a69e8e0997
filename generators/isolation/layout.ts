/**
 * What the guest processes of an isolation case agree on: the tags of the protocol messages that
 * serialise the phases, and the memory layout every process writes its own state into (the
 * expectation checks survivors' memory at SIG, so module and expectation must share it).
 */

// Tags of the protocol messages (link tags are 1..999, so they never collide).
export const READY = 1_000_001n;
export const GO1 = 1_000_002n;
export const GO2 = 1_000_003n;
export const DONE = 1_000_004n;
export const NEVER = 1_000_005n;
export const BOGUS_PID = 0x4000_0000_0000_0000n;
// Memory layout (1 page).
export const ZERO = 1000; // a word that stays 0
export const SIG = 1024; // 16-byte signature of the process
export const CATCH_MARK = 1040; // written by the caught function before it traps
export const CATCH_RES = 1044; // what catch returned
export const GROW_RES = 1048;
export const PIDS = 2048; // root: pid of child i at PIDS + 8 * i
export const PARAMS = 3072; // spawn params, 17 bytes each
export const NAMES = 4096; // "p1p2…p7"
export const TAGBUF = 5000;
export const ID = 5008;

export function signature(pid: number): string {
  let hex = '';
  for (let i = 0; i < 16; i++) hex += ((pid * 37 + i * 11 + 0x5a) & 0xff).toString(16).padStart(2, '0');
  return hex;
}
