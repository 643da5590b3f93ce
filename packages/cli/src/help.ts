import type { Command } from './command.js';
import { COMMANDS, GROUPS } from './commands/registry.js';
import { kebab, placeholderOf, type FlagSpec, type FlagSpecs } from './flag-spec.js';
import { outputFlags, storeFlags } from './global-flags.js';

const EXIT_LINE = 'Exit codes: 0 ok · 1 refused by a rule · 2 bad usage · 3 store unavailable';

/** `ntpass --help`. */
export function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.group} ${c.name}`.length));
  return [
    'ntpass — run campaigns of access codes (n-time passwords) from a terminal',
    '',
    'Usage: ntpass <group> <command> [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${`${c.group} ${c.name}`.padEnd(width)}  ${c.summary}`),
    '',
    'Common flags (every command):',
    flagLines({ ...storeFlags, ...outputFlags }),
    '',
    'The secret: NTPASS_SECRET (or --secret-file) must hold the secret your app gives createEngine;',
    'ntpass refuses to run without one. The tenant may come from NTPASS_TENANT_ID.',
    '',
    EXIT_LINE,
    "Run 'ntpass <group> <command> --help' for a command's flags and examples.",
  ].join('\n');
}

/** `ntpass instance --help`. */
export function groupHelp(group: string): string {
  const commands = COMMANDS.filter((c) => c.group === group);
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `ntpass ${group} — ${GROUPS[group] ?? ''}`,
    '',
    `Usage: ntpass ${group} <command> [flags]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run 'ntpass ${group} <command> --help' for a command's flags and examples.`,
  ].join('\n');
}

/** `ntpass instance create --help`. */
export function commandHelp(command: Command): string {
  const required = Object.entries(command.flags)
    .filter(([, spec]) => spec.required === true)
    .map(([name, spec]) => `--${kebab(name)} ${placeholderOf(spec)}`);
  return [
    `ntpass ${command.group} ${command.name} — ${command.summary}`,
    ...(command.details.length > 0 ? ['', ...command.details] : []),
    '',
    `Usage: ntpass ${command.group} ${command.name} ${[...required, '[flags]'].join(' ')}`,
    '',
    'Flags:',
    flagLines(command.flags),
    '',
    'Common flags:',
    flagLines({ ...storeFlags, ...outputFlags }),
    '',
    command.examples.length === 1 ? 'Example:' : 'Examples:',
    ...command.examples.map((e) => `  $ ${e}`),
    '',
    EXIT_LINE,
  ].join('\n');
}

function flagLines(flags: FlagSpecs): string {
  const entries = Object.entries(flags);
  const heads = entries.map(([name, spec]) => `--${kebab(name)}${spec.kind === 'boolean' ? '' : ` ${placeholderOf(spec)}`}`);
  const width = Math.max(...heads.map((h) => h.length));
  return entries.map(([, spec], i) => `  ${(heads[i] ?? '').padEnd(width)}  ${describe(spec)}`).join('\n');
}

function describe(spec: FlagSpec): string {
  const notes = [
    ...(spec.required === true ? ['required'] : []),
    ...(spec.defaultText === undefined ? [] : [`default ${spec.defaultText}`]),
    ...(spec.env === undefined ? [] : [`env ${spec.env}`]),
  ];
  return notes.length === 0 ? spec.help : `${spec.help} (${notes.join('; ')})`;
}
