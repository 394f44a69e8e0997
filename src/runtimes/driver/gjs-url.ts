/**
 * `URL` for the driver under gjs, which has no WHATWG URL: modules shared with the reference
 * runtime compute `new URL('./x.js', import.meta.url)` at load time (pool.ts, process-pool.ts).
 * Resolution is GLib's RFC 3986 one; nothing in the driver reads more than `href` / `pathname`.
 */
import { GLib } from './gjs-host.ts';

class GjsUrl {
  readonly href: string;

  constructor(url: string | GjsUrl, base?: string | GjsUrl) {
    const ref = String(url);
    this.href = base === undefined ? ref : GLib.Uri.resolve_relative(String(base), ref, GLib.UriFlags.NONE);
  }

  get protocol(): string {
    return `${this.href.slice(0, this.href.indexOf(':'))}:`;
  }

  get pathname(): string {
    return this.href.replace(/^[a-z][a-z0-9+.-]*:(\/\/[^/]*)?/i, '').replace(/[?#].*$/, '');
  }

  toString(): string {
    return this.href;
  }
}

export { GjsUrl as URL };
