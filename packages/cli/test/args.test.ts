import { describe, expect, it } from 'vitest';
import { parseFlags } from '../src/args.js';
import { CliError } from '../src/cli-error.js';
import type { FlagSpecs } from '../src/flag-spec.js';

const specs = {
  tenantId: { kind: 'text', required: true, env: 'NTPASS_TENANT_ID', help: 'the tenant' },
  maxTickets: { kind: 'integer', min: 0, help: 'limit' },
  groupAddresses: { kind: 'list', help: 'groups' },
  endTime: { kind: 'time-or-none', help: 'end' },
  out: { kind: 'file', help: 'file' },
  yes: { kind: 'boolean', help: 'confirm' },
} as const satisfies FlagSpecs;

const where = { env: {}, cwd: '/work/here' };

function usage(args: readonly string[], env: Record<string, string> = {}, helpFor: string | null = 'instance create'): string {
  try {
    parseFlags(specs, args, { env, cwd: '/work/here' }, 'instance create');
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).helpFor).toBe(helpFor ?? undefined);
    return (error as CliError).message;
  }
  throw new Error(`expected a usage error for ${args.join(' ')}`);
}

// An unknown flag is one line (no help pointer on a line of its own).
const unknownFlag = (args: readonly string[]) => usage(args, {}, null);

describe('parseFlags', () => {
  it('maps kebab-case flags to SPEC option names and parses each kind', () => {
    const flags = parseFlags(
      specs,
      ['--tenant-id', 'acme', '--max-tickets=10_000', '--group-addresses', 'a,b', '--group-addresses', 'c', '--end-time', 'none', '--out', 'codes.csv', '--yes'],
      where,
      'instance create',
    );
    expect(flags).toEqual({
      tenantId: 'acme',
      maxTickets: 10000,
      groupAddresses: ['a', 'b', 'c'],
      endTime: null,
      out: '/work/here/codes.csv',
      yes: true,
    });
  });

  it('leaves absent optional flags absent and booleans false', () => {
    const flags = parseFlags(specs, ['--tenant-id', 'acme'], where, 'instance create');
    expect(flags).toEqual({ tenantId: 'acme', yes: false });
    expect('maxTickets' in flags).toBe(false);
  });

  it('reads a flag from its environment variable when absent, and the flag wins over it', () => {
    expect(parseFlags(specs, [], { env: { NTPASS_TENANT_ID: 'from-env' }, cwd: '/' }, 'x').tenantId).toBe('from-env');
    expect(parseFlags(specs, ['--tenant-id', 'flag'], { env: { NTPASS_TENANT_ID: 'env' }, cwd: '/' }, 'x').tenantId).toBe('flag');
  });

  it('names a missing required flag, its placeholder and its environment variable', () => {
    expect(usage([])).toBe('missing --tenant-id VALUE (or set NTPASS_TENANT_ID): the tenant');
  });

  it('names an unknown flag and the nearest known one, on one line', () => {
    const help = "; run 'ntpass instance create --help'";
    expect(unknownFlag(['--tenant-id', 'a', '--max-ticket', '5'])).toBe(`unknown flag --max-ticket (did you mean --max-tickets?)${help}`);
    expect(unknownFlag(['--tenant-id', 'a', '--maxTickets', '5'])).toBe(`unknown flag --maxTickets (did you mean --max-tickets?)${help}`);
    // However far the nearest one is, it is named.
    expect(unknownFlag(['--tenant-id', 'a', '--zzz'])).toBe(`unknown flag --zzz (did you mean --out?)${help}`);
    expect(unknownFlag(['--tenant-id', 'a', '-x'])).toBe(`unknown flag -x (did you mean --out?)${help}`);
  });

  it('names the flag, what was expected and what was given for a bad value', () => {
    expect(usage(['--tenant-id', 'a', '--max-tickets', 'ten'])).toBe('--max-tickets: expected a whole number >= 0, got "ten"');
    expect(usage(['--tenant-id', 'a', '--max-tickets', '-1'])).toBe('--max-tickets: expected a whole number >= 0, got "-1"');
    expect(usage(['--tenant-id', 'a', '--end-time', 'tomorrow'])).toMatch(/^--end-time: expected a date \(2030-02-01\).*, or none, got "tomorrow"$/);
  });

  it('refuses a value-taking flag followed by another flag instead of swallowing it', () => {
    expect(usage(['--tenant-id', '--yes'])).toBe('--tenant-id needs a value (VALUE)');
    expect(usage(['--tenant-id', 'a', '--max-tickets'])).toBe('--max-tickets needs a value (N)');
  });

  it('refuses a flag given twice, a value on a boolean and a stray word', () => {
    expect(usage(['--tenant-id', 'a', '--tenant-id', 'b'])).toBe('--tenant-id given more than once');
    expect(usage(['--tenant-id', 'a', '--yes=no'])).toBe('--yes takes no value');
    expect(usage(['--tenant-id', 'a', 'ABC123'])).toBe('unexpected argument "ABC123" (values follow their flag: --name value)');
  });
});
