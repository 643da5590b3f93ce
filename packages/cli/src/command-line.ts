import { usageError } from './cli-error.js';
import type { Command } from './command.js';
import { kebab } from './flag-spec.js';
import { globalFlags } from './global-flags.js';
import { nearest } from './suggest.js';

/** A command line split into the command's words and everything else. */
export interface CommandLine {
  /** The leading words (`instance`, `create`), at most two. */
  readonly path: readonly string[];
  /** Every flag and value, in the order given, wherever it stood. */
  readonly rest: readonly string[];
}

/** Words that are flags of `ntpass` itself, not of a command. */
const TOP_FLAGS = ['--help', '-h', '--version', '--json'];

/**
 * Finds the command's words among flags given anywhere, as git and kubectl
 * allow: `ntpass --db x.db instance create --tenant-id a` runs `instance
 * create`. A flag before the command must be one some command knows, so its
 * value is not taken for the command's name; one that no command knows is
 * refused here, naming the nearest flag.
 */
export function splitCommandLine(argv: readonly string[], commands: readonly Command[]): CommandLine {
  const takesValue = flagArity(commands);
  const path: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (path.length === 2 || arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      path.push(arg);
      continue;
    }
    rest.push(arg);
    if (TOP_FLAGS.includes(arg)) continue;
    const name = arg.startsWith('--') ? arg.slice(2).split('=')[0] ?? '' : arg.slice(1);
    const arity = arg.startsWith('--') ? takesValue.get(name) : undefined;
    if (arity === undefined) {
      const guess = nearest(name, [...takesValue.keys()]);
      throw usageError(`unknown flag ${arg.split('=')[0]}${guess === undefined ? '' : ` (did you mean --${guess}?)`}; run 'ntpass --help'`);
    }
    if (arity && !arg.includes('=') && i + 1 < argv.length) {
      i += 1;
      rest.push(argv[i] ?? '');
    }
  }
  return { path, rest };
}

// Flag name → whether it takes a value, over the common flags and every command's.
function flagArity(commands: readonly Command[]): Map<string, boolean> {
  const arity = new Map<string, boolean>();
  for (const specs of [globalFlags, ...commands.map((c) => c.flags)]) {
    for (const [name, spec] of Object.entries(specs)) arity.set(kebab(name), spec.kind !== 'boolean');
  }
  return arity;
}
