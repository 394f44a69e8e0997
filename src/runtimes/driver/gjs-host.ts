/**
 * The few GLib / Gio facilities of gjs (GNOME's JavaScript host on SpiderMonkey) the driver needs
 * in place of Node's: raw stdin / stdout on the file descriptors, base64, the environment, exit.
 * Reached through gjs's `imports` global (present in module mode too), so this file needs neither
 * `gi://` import specifiers nor gjs type packages. Only ever loaded inside gjs (gjs-bundle.ts).
 */

interface GInputStream {
  read_line_utf8(cancellable: null): [string | null, number];
}
interface GOutputStream {
  write_all(bytes: Uint8Array, cancellable: null): [boolean, number];
  flush(cancellable: null): boolean;
}
interface GjsImports {
  gi: {
    Gio: {
      UnixInputStream: { new: (fd: number, closeFd: boolean) => object };
      UnixOutputStream: { new: (fd: number, closeFd: boolean) => GOutputStream };
      DataInputStream: { new: (base: object) => GInputStream };
    };
    GLib: {
      base64_encode(data: Uint8Array): string;
      base64_decode(text: string): Uint8Array;
      get_environ(): string[];
      file_get_contents(path: string): [boolean, Uint8Array];
      Uri: { resolve_relative(base: string, ref: string, flags: number): string };
      UriFlags: { NONE: number };
    };
  };
  system: { version: number; exit(code: number): never };
}

const gjs = (globalThis as unknown as { imports: GjsImports }).imports;
export const { Gio, GLib } = gjs.gi;

let stdin: GInputStream | undefined;
let stdout: GOutputStream | undefined;
const encoder = new TextEncoder();

/** The next line of stdin without its newline, or undefined at end of input. Blocking. */
export function readStdinLine(): string | undefined {
  stdin ??= Gio.DataInputStream.new(Gio.UnixInputStream.new(0, false));
  const [line] = stdin.read_line_utf8(null);
  return line ?? undefined;
}

/** Writes text to fd 1 unbuffered: the parent waits for each protocol line as soon as it is sent. */
export function writeStdout(text: string): void {
  stdout ??= Gio.UnixOutputStream.new(1, false);
  stdout.write_all(encoder.encode(text), null);
}

export function exit(code: number): never {
  return gjs.system.exit(code);
}

export function environment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of GLib.get_environ()) {
    const eq = kv.indexOf('=');
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return env;
}

/** gjs encodes its version as MMmmpp (1.74.2 → 17402). */
export function gjsVersion(): string {
  const v = gjs.system.version;
  return `${Math.floor(v / 10000)}.${Math.floor(v / 100) % 100}.${v % 100}`;
}

/**
 * The SpiderMonkey major version gjs links against, read from the process's own mappings
 * (`libmozjs-102.so.0`): gjs reports only its own version, and the engine is what the trap
 * messages belong to.
 */
export function spiderMonkeyVersion(): string {
  try {
    const [ok, bytes] = GLib.file_get_contents('/proc/self/maps');
    const m = ok ? /libmozjs-(\d+)/.exec(new TextDecoder().decode(bytes)) : null;
    return m?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
