import { describe, expect, it } from 'vitest';
import { CliError } from '../src/cli-error.js';
import { splitCommandLine } from '../src/command-line.js';
import { COMMANDS } from '../src/commands/registry.js';
import { runCli } from '../src/run-cli.js';
import { captureIo } from './capture.js';
import { memoryCli } from './memory-cli.js';

const split = (argv: readonly string[]) => splitCommandLine(argv, COMMANDS);

describe('the command line: flags anywhere, as git and kubectl take them', () => {
  it('finds the command among common flags given before it, with their values', () => {
    expect(split(['--db', 'x.db', 'instance', 'create', '--tenant-id', 'a'])).toEqual({
      path: ['instance', 'create'],
      rest: ['--db', 'x.db', '--tenant-id', 'a'],
    });
    expect(split(['--db=x.db', '--json', 'instance', '--redis-prefix', 'p:', 'list'])).toEqual({
      path: ['instance', 'list'],
      rest: ['--db=x.db', '--json', '--redis-prefix', 'p:'],
    });
    // A command's own flag before the command: its value is not taken for the command's name.
    expect(split(['--tenant-id', 'instance', 'instance', 'show', '--ntp-id', 'n'])).toEqual({
      path: ['instance', 'show'],
      rest: ['--tenant-id', 'instance', '--ntp-id', 'n'],
    });
    // Booleans take no value: the next word is the command.
    expect(split(['--yes', 'instance', 'delete'])).toEqual({ path: ['instance', 'delete'], rest: ['--yes'] });
  });

  it('refuses a flag no command knows before the command, naming the nearest, on one line', () => {
    const error = (() => {
      try {
        split(['--bd', 'x.db', 'instance', 'list']);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe("unknown flag --bd (did you mean --db?); run 'ntpass --help'");
    expect((error as CliError).helpFor).toBeUndefined();
  });

  it('gives every flag one arity across commands, so a flag before the command is read the same for all', () => {
    const arity = new Map<string, boolean>();
    for (const command of COMMANDS) {
      for (const [name, spec] of Object.entries(command.flags)) {
        const takesValue = spec.kind !== 'boolean';
        expect(arity.get(name) ?? takesValue, `${command.group} ${command.name} --${name}`).toBe(takesValue);
        arity.set(name, takesValue);
      }
    }
  });

  it('runs a command whose flags come before, between and after its words', async () => {
    const cli = memoryCli();
    const created = await cli(['--json', '--tenant-id', 'acme', 'instance', 'create', '--object-id', 'gala']);
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    const { ntpId } = JSON.parse(created.out) as { ntpId: string };
    const shown = await cli(['--tenant-id', 'acme', 'instance', '--json', 'show', '--ntp-id', ntpId]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({ ntpId, objectId: 'gala' });
  });

  it('answers an unknown command, group or flag with one line naming it and the nearest valid choice, exit 2', async () => {
    const cases: [readonly string[], string][] = [
      [['--db', 'x.db', 'instanse', 'create'], `ntpass: unknown command "instanse" (did you mean 'instance'?); run 'ntpass --help'\n`],
      [['zzz'], `ntpass: unknown command "zzz" (did you mean 'code'?); run 'ntpass --help'\n`],
      [['--db', 'x.db', 'code', 'isue'], `ntpass: unknown command 'code isue' (did you mean 'issue'?); run 'ntpass code --help'\n`],
      [['--dbb', 'x.db', 'instance', 'create'], `ntpass: unknown flag --dbb (did you mean --db?); run 'ntpass --help'\n`],
      [['instance', 'create', '--max-tikets', '5'], `ntpass: unknown flag --max-tikets (did you mean --max-tickets?); run 'ntpass instance create --help'\n`],
    ];
    for (const [argv, line] of cases) {
      const io = captureIo();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(io.err(), argv.join(' ')).toBe(line);
      expect(io.out()).toBe('');
    }
  });
});
