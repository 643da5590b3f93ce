import type { Engine } from '@ntpass/core';
import { parseFlags } from './args.js';
import type { ExitCode } from './exit-codes.js';
import type { FlagSpecs, ParsedFlags } from './flag-spec.js';
import { globalFlags, type GlobalFlagValues } from './global-flags.js';
import type { CliIo } from './io.js';
import { openEngine, type OpenedEngine } from './open-engine.js';
import { createProgress, type Progress } from './output/progress.js';

/** What a command produced: both forms, the runner prints one. */
export interface CommandOutput {
  /** What `--json` prints (engine shapes as they are: times in epoch ms). */
  readonly json: unknown;
  /** What a person reads: tables, local times. */
  readonly human: () => string;
  /** A next step for a person, printed on stderr (never with `--json`). */
  readonly hint?: string;
  /** @default 0 */
  readonly exitCode?: ExitCode;
}

/** What a command's `run` gets. */
export interface RunContext<F extends FlagSpecs> {
  /** Its flags, checked and parsed, with the common ones. */
  readonly flags: ParsedFlags<F & typeof globalFlags>;
  readonly io: CliIo;
  /** Opens the store and the engine on first call (so usage errors come first); the runner closes them. */
  engine(): Promise<Engine>;
  /** A progress bar on stderr when that is a terminal (a person is watching, even with `--json`); silent otherwise. */
  progress(label: string): Progress;
}

/** A command as written in `commands/`. */
export interface CommandDefinition<F extends FlagSpecs> {
  /** `instance`, `code`, `method`. */
  readonly group: string;
  /** `create`, `issue`, … */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Paragraphs for `--help` after the summary. */
  readonly details?: readonly string[];
  /** Its own flags, by SPEC option name (the common ones are added). */
  readonly flags: F;
  /** Whole command lines shown under `Examples:`. */
  readonly examples: readonly string[];
  /** It changes state, so it may create the SQLite file; read-only commands refuse a missing one. @default false */
  readonly writes?: boolean;
  run(ctx: RunContext<F>): Promise<CommandOutput>;
}

/** A command, its flag types erased: what the router and the help printer handle. */
export interface Command {
  readonly group: string;
  readonly name: string;
  readonly summary: string;
  readonly details: readonly string[];
  readonly flags: FlagSpecs;
  readonly examples: readonly string[];
  /** Parses `args` (everything after `ntpass <group> <name>`), runs, closes what it opened. */
  execute(args: readonly string[], io: CliIo): Promise<CommandOutput>;
}

/** Wraps a definition into a {@link Command}, keeping its flag types inside. */
export function defineCommand<F extends FlagSpecs>(definition: CommandDefinition<F>): Command {
  const path = `${definition.group} ${definition.name}`;
  const allFlags = { ...definition.flags, ...globalFlags };
  return {
    group: definition.group,
    name: definition.name,
    summary: definition.summary,
    details: definition.details ?? [],
    flags: definition.flags,
    examples: definition.examples,
    execute: async (args, io) => {
      const flags = parseFlags(allFlags, args, io, path);
      // Safe: allFlags holds globalFlags, so the parsed object has their values.
      const common = flags as unknown as GlobalFlagValues;
      let opened: Promise<OpenedEngine> | undefined;
      const ctx: RunContext<F> = {
        flags,
        io,
        engine: async () => (await (opened ??= openEngine(common, io, definition.writes === true))).engine,
        progress: (label) => createProgress(io.stderr, label, io.now),
      };
      const close = async () => (opened === undefined ? undefined : (await opened.catch(() => undefined))?.close());
      let output: CommandOutput;
      try {
        output = await definition.run(ctx);
      } catch (error) {
        // The command's failure is the one to report, not a failure to close after it.
        await close().catch(() => undefined);
        throw error;
      }
      await close();
      return output;
    },
  };
}
