import { usageError } from './cli-error.js';
import type { Command, CommandOutput } from './command.js';
import { splitCommandLine } from './command-line.js';
import { COMMANDS, GROUPS } from './commands/registry.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { commandHelp, groupHelp, topHelp } from './help.js';
import type { CliIo } from './io.js';
import { reportError } from './report-error.js';
import { nearest } from './suggest.js';
import { VERSION } from './version.js';

/**
 * Runs one `ntpass` command line (`argv` without `node` and the script) and
 * returns its exit status. Never throws: every failure is printed and mapped
 * to an exit status (see exit-codes.ts).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const json = argv.includes('--json');
  const help = argv.includes('--help') || argv.includes('-h');
  let command: Command | undefined;
  try {
    if (argv[0] === 'help') return print(io, helpFor(argv.slice(1).filter((a) => !a.startsWith('-'))));
    const { path, rest } = splitCommandLine(argv, COMMANDS);
    if (path.length === 0) {
      if (argv.includes('--version')) return print(io, VERSION);
      if (help) return print(io, topHelp());
      io.stderr.write(`${topHelp()}\n`);
      return EXIT.usage;
    }
    const [group, name] = path;
    if (group === undefined || !(group in GROUPS)) {
      throw usageError(`unknown command ${JSON.stringify(group)}${didYouMean(group ?? '', Object.keys(GROUPS))}; run 'ntpass --help'`);
    }
    if (name === undefined) {
      if (help) return print(io, groupHelp(group));
      throw usageError(`${group}: which command? (${COMMANDS.filter((c) => c.group === group).map((c) => c.name).join(', ')})`, group);
    }
    command = COMMANDS.find((c) => c.group === group && c.name === name);
    if (command === undefined) {
      const names = COMMANDS.filter((c) => c.group === group).map((c) => c.name);
      throw usageError(`unknown command '${group} ${name}'${didYouMean(name, names)}; run 'ntpass ${group} --help'`);
    }
    if (help) return print(io, commandHelp(command));
    const output = await command.execute(rest, io);
    writeOutput(output, io, json);
    return output.exitCode ?? EXIT.ok;
  } catch (error) {
    return reportError(error, io, json, command);
  }
}

function helpFor(path: readonly string[]): string {
  const [group, name] = path;
  if (group === undefined || !(group in GROUPS)) return topHelp();
  const command = COMMANDS.find((c) => c.group === group && c.name === name);
  return command === undefined ? groupHelp(group) : commandHelp(command);
}

function didYouMean(input: string, candidates: readonly string[]): string {
  const guess = nearest(input, candidates);
  return guess === undefined ? '' : ` (did you mean '${guess}'?)`;
}

function print(io: CliIo, text: string): ExitCode {
  io.stdout.write(`${text}\n`);
  return EXIT.ok;
}

function writeOutput(output: CommandOutput, io: CliIo, json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(output.json, null, 2)}\n`);
    return;
  }
  const text = output.human();
  if (text !== '') io.stdout.write(`${text}\n`);
  if (output.hint !== undefined) io.stderr.write(`${output.hint}\n`);
}
