import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/registry.js';
import { kebab } from '../src/flag-spec.js';
import { runCli } from '../src/run-cli.js';
import { VERSION } from '../src/version.js';
import { captureIo } from './capture.js';

describe('help', () => {
  it.each(COMMANDS.map((c) => [`${c.group} ${c.name}`, c] as const))('%s --help lists every flag and an example, exit 0', async (path, command) => {
    const io = captureIo();
    expect(await runCli([...path.split(' '), '--help'], io)).toBe(0);
    const text = io.out();
    expect(text).toContain(`Usage: ntpass ${path}`);
    for (const name of Object.keys(command.flags)) expect(text).toContain(`--${kebab(name)}`);
    expect(text).toMatch(/Examples?:\n {2}\$ ntpass /);
    for (const example of command.examples) expect(example.startsWith(`ntpass ${path} `) || example.includes(`| ntpass ${path} `)).toBe(true);
    expect(io.err()).toBe('');
  });

  it('-h, help <command> and --help before the command print the same help', async () => {
    const texts = [];
    for (const argv of [['code', 'issue', '-h'], ['help', 'code', 'issue'], ['--help', 'code', 'issue']]) {
      const io = captureIo();
      expect(await runCli(argv, io)).toBe(0);
      texts.push(io.out());
    }
    expect(new Set(texts).size).toBe(1);
  });

  it('shows help even when other flags are wrong', async () => {
    const io = captureIo();
    expect(await runCli(['instance', 'create', '--bogus', '--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: ntpass instance create');
  });

  it('lists every command at the top and every group command in the group', async () => {
    const top = captureIo();
    expect(await runCli(['--help'], top)).toBe(0);
    for (const c of COMMANDS) expect(top.out()).toContain(`${c.group} ${c.name}`);
    const group = captureIo();
    expect(await runCli(['method', '--help'], group)).toBe(0);
    expect(group.out()).toMatch(/info[\s\S]*block[\s\S]*unblock[\s\S]*deactivate/);
  });

  it('prints the package version', async () => {
    const io = captureIo();
    expect(await runCli(['--version'], io)).toBe(0);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(io.out()).toBe(`${pkg.version}\n`);
    expect(VERSION).toBe(pkg.version);
  });
});
