/**
 * How a flag's text becomes a value:
 * - `text`: a non-empty string of whatever form (ids, names; the engine checks the rest)
 * - `integer`: a whole number, within `min`/`max` when given
 * - `time`: a date (`2030-02-01`), an ISO-8601 date-time with a zone, or epoch ms → epoch ms
 * - `time-or-none`: a `time`, or `none` (→ `null`, which clears the field)
 * - `list`: comma-separated and/or repeated → `string[]`
 * - `file`: a path, resolved against the working directory
 * - `boolean`: present or not; takes no value
 */
export type FlagKind = 'text' | 'integer' | 'time' | 'time-or-none' | 'list' | 'file' | 'boolean';

/** One flag of a command, keyed in its command by the SPEC option name (camelCase). */
export interface FlagSpec {
  /** How the value is parsed. */
  readonly kind: FlagKind;
  /** One line for `--help`. */
  readonly help: string;
  /** The value's name in `--help` (`ID`, `N`, `FILE`). @default derived from `kind` */
  readonly placeholder?: string;
  /** The command refuses to run without it (after the `env` fallback). @default false */
  readonly required?: boolean;
  /** `integer` only: the smallest value accepted. */
  readonly min?: number;
  /** `integer` only: the largest value accepted. */
  readonly max?: number;
  /** An environment variable read when the flag is absent. */
  readonly env?: string;
  /** What applies when the flag is absent, as shown in `--help`. */
  readonly defaultText?: string;
}

/** A command's flags, by SPEC option name. */
export type FlagSpecs = { readonly [name: string]: FlagSpec };

type ValueOf<S extends FlagSpec> = S['kind'] extends 'integer' | 'time'
  ? number
  : S['kind'] extends 'time-or-none'
    ? number | null
    : S['kind'] extends 'list'
      ? string[]
      : S['kind'] extends 'boolean'
        ? boolean
        : string;

type RequiredKeys<F extends FlagSpecs> = {
  [K in keyof F]: F[K] extends { readonly required: true } ? K : F[K] extends { readonly kind: 'boolean' } ? K : never;
}[keyof F];

/** The parsed flags: required ones and booleans always present, the others only when given. */
export type ParsedFlags<F extends FlagSpecs> = { [K in RequiredKeys<F>]: ValueOf<F[K]> } & {
  [K in Exclude<keyof F, RequiredKeys<F>>]?: ValueOf<F[K]>;
};

/** `maxTickets` → `max-tickets`: flags are the SPEC option names in kebab-case. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `max-tickets` → `maxTickets`. */
export function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The placeholder shown after a flag in `--help`. */
export function placeholderOf(spec: FlagSpec): string {
  if (spec.placeholder !== undefined) return spec.placeholder;
  switch (spec.kind) {
    case 'integer':
      return 'N';
    case 'time':
      return 'TIME';
    case 'time-or-none':
      return 'TIME|none';
    case 'list':
      return 'A,B';
    case 'file':
      return 'FILE';
    case 'boolean':
      return '';
    case 'text':
      return 'VALUE';
  }
}
