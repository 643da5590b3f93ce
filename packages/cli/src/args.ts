import { parseArgs } from 'node:util';
import { usageError } from './cli-error.js';
import { camel, kebab, placeholderOf, type FlagSpecs, type ParsedFlags } from './flag-spec.js';
import { parseFlagValue } from './flag-values.js';
import { nearest } from './suggest.js';

/** Where flags are read from besides argv. */
export interface ArgsEnvironment {
  /** Environment variables (flags with an `env` fallback read them). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory that relative file paths are resolved against. */
  readonly cwd: string;
}

/**
 * Parses a command's flags with `node:util` `parseArgs`, then checks them the
 * way an operator needs: an unknown flag is named with the closest known one,
 * a bad value names the flag and what was expected, a flag given twice or a
 * stray argument is refused rather than silently dropped.
 * `command` (`instance create`) is what error messages point `--help` at.
 */
export function parseFlags<F extends FlagSpecs>(specs: F, args: readonly string[], where: ArgsEnvironment, command: string): ParsedFlags<F> {
  const { tokens } = parseArgs({
    args: [...args],
    options: parseArgsOptions(specs),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const known = Object.keys(specs).map(kebab);
  const given = new Map<string, string[]>();
  for (const token of tokens) {
    if (token.kind === 'positional') {
      throw usageError(
        `unexpected argument ${JSON.stringify(token.value)} (values follow their flag: --name value)`,
        command,
      );
    }
    if (token.kind === 'option-terminator') continue;
    const flag = token.name;
    const spec = specs[camel(flag)];
    if (spec === undefined || kebab(camel(flag)) !== flag) {
      const guess = nearest(flag, known);
      // One line, naming the flag and the nearest valid one: no help pointer on a line of its own.
      throw usageError(`unknown flag ${token.rawName}${guess === undefined ? '' : ` (did you mean --${guess}?)`}; run 'ntpass ${command} --help'`);
    }
    if (spec.kind === 'boolean') {
      if (token.value !== undefined) throw usageError(`--${flag} takes no value`, command);
      given.set(flag, ['']);
      continue;
    }
    // parseArgs hands a string flag the next word even when that is another flag.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
      throw usageError(`--${flag} needs a value (${placeholderOf(spec)})`, command);
    }
    const values = given.get(flag) ?? [];
    if (values.length > 0 && spec.kind !== 'list') throw usageError(`--${flag} given more than once`, command);
    given.set(flag, [...values, token.value]);
  }
  // Values first, then what is missing: a typo in a given flag is the more useful error.
  const parsed: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const flag = kebab(name);
    const fromEnv = spec.env === undefined ? undefined : where.env[spec.env];
    const raw = given.get(flag) ?? (fromEnv === undefined || fromEnv === '' ? undefined : [fromEnv]);
    if (spec.kind === 'boolean') {
      parsed[name] = given.has(flag);
    } else if (raw !== undefined) {
      const values = raw.map((text) => parseFlagValue(spec, flag, text, where.cwd, command));
      parsed[name] = spec.kind === 'list' ? values.flat() : values[0];
    } else if (spec.required === true) {
      const alt = spec.env === undefined ? '' : ` (or set ${spec.env})`;
      missing.push(`missing --${flag} ${placeholderOf(spec)}${alt}: ${spec.help}`);
    }
  }
  if (missing[0] !== undefined) throw usageError(missing[0], command);
  return parsed as ParsedFlags<F>;
}

function parseArgsOptions(specs: FlagSpecs): Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[kebab(name)] = spec.kind === 'boolean' ? { type: 'boolean' } : { type: 'string', multiple: true };
  }
  if (options['help']) options['help'] = { type: 'boolean', short: 'h' };
  return options;
}
