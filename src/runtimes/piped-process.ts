/**
 * Runs a runtime's process with real pipes on fd 0, 1 and 2, the way a shell or Python's
 * `subprocess` does. Node's `spawn` gives a child Unix socket pairs instead (libuv), and a WASI
 * program can tell: on socket stdio `sock_shutdown(1, …)` reaches a real socket. wasi-testsuite's
 * runner starts runtimes with pipes, and its
 * `sock_shutdown-not_sock` test expects stdout not to be a socket (measured: iwasm-2.4.5 on
 * socket stdio fails that test and then dies of SIGPIPE; on pipes it exits 0 like under the
 * runner). Node has no pipe(2), so each run opens three FIFOs (made with `mkfifo`, unlinked as
 * soon as both ends are open): the child gets blocking ends, trapcheck the others.
 *
 * `spawnOnPipes` is the drop-in for adapters that spawn their children themselves;
 * `runProcessOnPipes` is `runProcess` (wabt.ts) on pipes: stdin carries `input`, then EOF.
 */
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import type { ProcessResult } from './wabt.ts';

const execFileAsync = promisify(execFile);

/** Output kept from stderr, from its end (like runProcess): enough for any trap message. */
const STDERR_TAIL = 65_536;
/** After the child exits, how long a descendant may keep its output pipes open before trapcheck stops reading. */
const DRAIN_MS = 1_000;

export interface PipeStdio {
  /** The child's ends, for `spawn(…, { stdio })`; close them (`closeChildEnds`) once it is spawned. */
  stdio: [number, number, number];
  closeChildEnds(): void;
  stdin: Socket;
  stdout: Socket;
  stderr: Socket;
}

/**
 * FIFOs are made in batches (one `mkfifo` process per BATCH runs, not one per run: a process start
 * costs as much as the FIFOs save) in a folder of their own; each triple is unlinked as soon as it
 * is opened, and the folder goes with the batch's last triple (or when trapcheck exits).
 */
const BATCH = 8;
let batch: { dir: string; free: Array<[string, string, string]> } | undefined;
let mkfifoWorks: boolean | undefined;
let refilling: Promise<void> | undefined;
const liveDirs = new Set<string>();
let exitHook = false;

async function refill(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trapcheck-pipes-'));
  liveDirs.add(dir);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  const triples = Array.from({ length: BATCH }, (_, k) => ['0', '1', '2'].map((fd) => join(dir, `${k}-${fd}`)) as [string, string, string]);
  try {
    await execFileAsync('mkfifo', ['-m', '600', ...triples.flat()]);
    mkfifoWorks = true;
    batch = { dir, free: triples };
  } catch {
    mkfifoWorks = false;
    dropDir(dir);
  }
}

function dropDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  liveDirs.delete(dir);
}

/** The next triple, and the batch folder when this is its last triple (to remove once opened). */
async function takeFifos(): Promise<{ paths: [string, string, string]; emptied?: string } | undefined> {
  while (!batch || batch.free.length === 0) {
    if (mkfifoWorks === false) return undefined;
    refilling ??= refill().finally(() => (refilling = undefined));
    await refilling;
  }
  const paths = batch.free.shift()!;
  if (batch.free.length > 0) return { paths };
  const emptied = batch.dir;
  batch = undefined;
  return { paths, emptied };
}

/** Three fresh pipes for one child, or undefined where `mkfifo` is not available. */
export async function openPipeStdio(): Promise<PipeStdio | undefined> {
  const taken = await takeFifos();
  if (!taken) return undefined;
  const [inPath, outPath, errPath] = taken.paths;
  const open: number[] = [];
  const track = (fd: number): number => (open.push(fd), fd);
  try {
    // Opening order matters: a FIFO opened for writing needs a reader, and an end opened with
    // O_NONBLOCK shares that flag with nobody else, so the child's ends stay blocking.
    const probe = track(openSync(inPath, constants.O_RDONLY | constants.O_NONBLOCK));
    const inWrite = track(openSync(inPath, constants.O_WRONLY));
    const inRead = track(openSync(inPath, constants.O_RDONLY));
    closeSync(open.splice(open.indexOf(probe), 1)[0]!);
    const outRead = track(openSync(outPath, constants.O_RDONLY | constants.O_NONBLOCK));
    const outWrite = track(openSync(outPath, constants.O_WRONLY));
    const errRead = track(openSync(errPath, constants.O_RDONLY | constants.O_NONBLOCK));
    const errWrite = track(openSync(errPath, constants.O_WRONLY));
    const childEnds = [inRead, outWrite, errWrite] as [number, number, number];
    return {
      stdio: childEnds,
      closeChildEnds: () => {
        for (const fd of childEnds) closeSync(fd);
      },
      stdin: new Socket({ fd: inWrite, readable: false, writable: true }),
      stdout: new Socket({ fd: outRead, readable: true, writable: false }),
      stderr: new Socket({ fd: errRead, readable: true, writable: false }),
    };
  } catch (e) {
    for (const fd of open) closeSync(fd);
    throw e;
  } finally {
    for (const f of taken.paths) rmSync(f, { force: true });
    if (taken.emptied !== undefined) dropDir(taken.emptied);
  }
}

export interface PipedSpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Start the child in its own process group (kill it with `process.kill(-pid)`). */
  detached?: boolean;
}

/** A child on pipes: its streams, and its end once it exited and both outputs reached EOF. */
export interface PipedChild {
  child: ChildProcess;
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Like ChildProcess 'close': exit status (or the spawn error) after stdout and stderr ended. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>;
}

/**
 * `spawn` with real pipes on fd 0..2: a drop-in for `spawn(command, args, { stdio: 'pipe' })`
 * for adapters that drive their children themselves. Where FIFOs cannot be made it is exactly
 * that call (socket pairs).
 */
export async function spawnOnPipes(command: string, args: readonly string[], options: PipedSpawnOptions = {}): Promise<PipedChild> {
  const pipes = await openPipeStdio();
  const spawnOptions = { cwd: options.cwd, env: options.env ?? process.env, detached: options.detached ?? false };
  if (!pipes) {
    const child = spawn(command, args, { ...spawnOptions, stdio: ['pipe', 'pipe', 'pipe'] });
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
      child.on('error', (error) => resolve({ code: null, signal: null, error }));
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
    return { child, stdin: child.stdin!, stdout: child.stdout!, stderr: child.stderr!, closed };
  }
  let child: ChildProcess;
  try {
    child = spawn(command, args, { ...spawnOptions, stdio: pipes.stdio });
  } catch (e) {
    for (const s of [pipes.stdin, pipes.stdout, pipes.stderr]) s.destroy();
    throw e;
  } finally {
    pipes.closeChildEnds();
  }
  const outputEnded = Promise.all([pipes.stdout, pipes.stderr].map((s) => new Promise<void>((resolve) => s.on('close', () => resolve()).on('error', () => undefined))));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.on('error', (error) => {
      pipes.stdin.destroy();
      resolve({ code: null, signal: null, error });
    });
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const closed = exited.then(async (end) => {
    // a descendant that inherited the pipes must not hold the verdict hostage
    const drain = setTimeout(() => {
      pipes.stdout.destroy();
      pipes.stderr.destroy();
    }, DRAIN_MS);
    await outputEnded;
    clearTimeout(drain);
    return end;
  });
  return { child, stdin: pipes.stdin, stdout: pipes.stdout, stderr: pipes.stderr, closed };
}

/** `runProcess` (wabt.ts) on real pipes: same result, same watchdog. */
export async function runProcessOnPipes(command: string, args: readonly string[], budgetMs: number, options: PipedSpawnOptions & { input?: string } = {}): Promise<ProcessResult> {
  const p = await spawnOnPipes(command, args, options);
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-STDERR_TAIL)));
  p.stdin.on('error', () => undefined);
  p.stdin.end(options.input ?? '');
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      if (options.detached && p.child.pid !== undefined) process.kill(-p.child.pid, 'SIGKILL');
      else p.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }, budgetMs);
  const end = await p.closed;
  clearTimeout(timer);
  return { stdout, stderr: end.error ? `${stderr}${end.error.message}` : stderr, code: end.code, signal: end.signal, timedOut, budgetMs };
}
