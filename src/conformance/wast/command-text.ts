/** The human form of a script's commands and assertions, as reports and dependency messages name them. */
import { formatConst, formatPattern } from './patterns.ts';
import type { Action, Assertion, Command } from './script.ts';

export function actionText(a: Action): string {
  const target = a.module ? `${a.module} ` : '';
  if (a.type === 'get') return `get ${target}"${a.field}"`;
  return `invoke ${target}"${a.field}"${a.args.length ? ` ${a.args.map(formatConst).join(' ')}` : ''}`;
}

export function expectedText(a: Assertion): string {
  switch (a.type) {
    case 'assert_return':
      return `${actionText(a.action)} returns [${a.results.map(formatPattern).join(', ')}]`;
    case 'assert_trap':
      return `${actionText(a.action)} traps "${a.message}"`;
    case 'assert_exhaustion':
      return `${actionText(a.action)} exhausts the stack ("${a.message}")`;
    case 'assert_exception':
      return `${actionText(a.action)} throws an exception`;
    case 'assert_trap_module':
      return `module instantiation traps "${a.message}"`;
    case 'assert_malformed':
      return `module rejected as malformed ("${a.message}")`;
    case 'assert_invalid':
      return `module rejected as invalid ("${a.message}")`;
    case 'assert_unlinkable':
      return `module rejected as unlinkable ("${a.message}")`;
    case 'assert_uninstantiable':
      return `module instantiation traps ("${a.message}")`;
  }
}

export function commandText(c: Exclude<Command, { type: 'assertion' }>): string {
  switch (c.type) {
    case 'module':
      return `module${c.definition ? ' definition' : ''}${c.name ? ` ${c.name}` : ''} (${c.source.kind})`;
    case 'instance':
      return `module instance${c.name ? ` ${c.name}` : ''}${c.module ? ` ${c.module}` : ''}`;
    case 'register':
      return `register "${c.as}"${c.name ? ` ${c.name}` : ''}`;
    case 'action':
      return actionText(c.action);
  }
}
