import { access } from 'node:fs/promises';
import { ioError, usageError } from '../cli-error.js';
import { defineCommand } from '../command.js';
import { compact } from '../compact.js';
import { readEmailFile } from '../email-file.js';
import type { Engine } from '@ntpass/core';
import { instanceRefFlags } from '../global-flags.js';
import { csvLine } from '../output/csv.js';
import { probeWritable, writeFileAtomically } from '../output/atomic-file.js';
import type { Progress } from '../output/progress.js';
import { keyValues, table } from '../output/table.js';

/** One issued code as the CLI hands it out. */
interface IssuedRow {
  readonly token: string;
  readonly userId: string;
  readonly email?: string;
}

/** Issued codes read by position: a million go to --out from the engine's packed codes, never as a million objects. */
interface IssuedRows {
  readonly count: number;
  at(index: number): IssuedRow;
}

const rowsOf = (rows: readonly IssuedRow[]): IssuedRows => ({ count: rows.length, at: (i) => rows[i]! });
const allRows = (rows: IssuedRows): IssuedRow[] => Array.from({ length: rows.count }, (_, i) => rows.at(i));

const COMMAND = 'code issue';
const CSV_CHUNK = 10_000;

export const codeIssue = defineCommand({
  group: 'code',
  name: 'issue',
  summary: 'issue codes: one, --count N, or one per address of --email-file; to a CSV with --out',
  details: [
    'Bulk issuing is all or nothing: if the instance cannot take every code (maxTickets, suspended, ended)',
    'none is issued and no file is written. --out is written once every code is issued, under a temporary',
    'name then renamed, with owner-only permissions (it holds live codes); an existing file is never',
    'replaced without --force. Columns: code,userId (and email with --email-file).',
    'A progress bar with rate and ETA shows on stderr when it is a terminal.',
  ],
  flags: {
    ...instanceRefFlags,
    count: { kind: 'integer', min: 1, max: 1_000_000, help: 'how many codes to issue', defaultText: '1' },
    email: { kind: 'text', placeholder: 'ADDRESS', help: 'issue one code bound to this address (it redeems only with it)' },
    emailFile: { kind: 'file', help: 'issue one bound code per address: one address per line' },
    maxRedemptions: { kind: 'integer', min: 1, help: "each code's own redemption limit (the instance's still applies when lower)" },
    out: { kind: 'file', help: 'write the codes to this CSV file instead of stdout' },
    force: { kind: 'boolean', help: 'let --out replace an existing file' },
  },
  examples: [
    'ntpass code issue --tenant-id acme --ntp-id QOTP2x7bNq4VJkRz --count 10000 --out codes.csv',
    'ntpass code issue --tenant-id acme --ntp-id QOTP2x7bNq4VJkRz --email-file guests.txt --out guest-codes.csv',
    'ntpass code issue --tenant-id acme --ntp-id QOTP2x7bNq4VJkRz --email ada@example.com',
  ],
  writes: true,
  run: async ({ flags, engine, progress }) => {
    const { tenantId, ntpId, count, email, emailFile, maxRedemptions, out, force } = flags;
    if (email !== undefined && (count !== undefined || emailFile !== undefined)) {
      throw usageError('--email issues one code; for many bound codes use --email-file', COMMAND);
    }
    if (count !== undefined && emailFile !== undefined) {
      throw usageError('give --count or --email-file, not both: the file decides how many codes', COMMAND);
    }
    const emails = emailFile === undefined ? undefined : await readEmailFile(emailFile);
    if (out !== undefined) await checkOut(out, force);
    const e = await engine();
    const rows =
      emails === undefined && count === undefined
        ? rowsOf([await issueOne(e, compact({ tenantId, ntpId, email, maxRedemptions }))])
        : await issueMany(e, compact({ tenantId, ntpId, count, emails, maxRedemptions }), progress('Issuing codes'));
    const withEmail = emails !== undefined || email !== undefined;
    if (out !== undefined) {
      await writeCsv(out, force, rows, withEmail);
      return {
        json: { ntpId, issued: rows.count, out },
        human: () => `Issued ${rows.count} code${rows.count === 1 ? '' : 's'} to ${out}`,
      };
    }
    const listed = allRows(rows);
    return {
      json: { ntpId, tokens: listed },
      human: () => (listed.length === 1 && listed[0] !== undefined ? single(listed[0]) : many(listed, withEmail)),
    };
  },
});

// Before anything is issued: codes with nowhere to go would still count against maxTickets.
async function checkOut(out: string, force: boolean): Promise<void> {
  if (!force && (await exists(out))) throw usageError(`--out: ${out} already exists (add --force to replace it)`, COMMAND);
  try {
    await probeWritable(out);
  } catch (error) {
    throw ioError(`--out: cannot write next to ${out} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function issueOne(
  e: Engine,
  input: Parameters<Engine['issueNtpCode']>[0] & { readonly email?: string },
): Promise<IssuedRow> {
  const { token, userId } = await e.issueNtpCode(input);
  return input.email === undefined ? { token, userId } : { token, userId, email: input.email };
}

async function issueMany(
  e: Engine,
  input: Omit<Parameters<Engine['issueNtpCodes']>[0], 'onProgress'> & { readonly emails?: readonly string[] },
  bar: Progress,
): Promise<IssuedRows> {
  try {
    // Drawn before the first report: the engine reports written tickets only, after reserving codes.
    bar.update(0, input.count ?? input.emails?.length ?? 0);
    const codes = await e.issueNtpCodesPacked({ ...input, onProgress: ({ done, total }) => bar.update(done, total) });
    bar.finish();
    const emails = input.emails;
    return {
      count: codes.count,
      at(i) {
        const { token, userId } = codes.at(i);
        const email = emails?.[i];
        return email === undefined ? { token, userId } : { token, userId, email };
      },
    };
  } catch (error) {
    bar.abandon();
    throw error;
  }
}

async function writeCsv(out: string, force: boolean, rows: IssuedRows, withEmail: boolean): Promise<void> {
  const line = (r: IssuedRow) => csvLine(withEmail ? [r.token, r.userId, r.email ?? ''] : [r.token, r.userId]);
  function* chunks(): Generator<string> {
    yield csvLine(withEmail ? ['code', 'userId', 'email'] : ['code', 'userId']);
    for (let i = 0; i < rows.count; i += CSV_CHUNK) {
      let text = '';
      for (let j = i; j < Math.min(rows.count, i + CSV_CHUNK); j++) text += line(rows.at(j));
      yield text;
    }
  }
  try {
    await writeFileAtomically(out, chunks(), { replace: force });
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? 'error';
    throw ioError(
      `--out: ${rows.count} codes were issued but ${out} could not be written (${why}). ` +
        'They count against maxTickets: suspend the instance or revoke them (code list, code revoke --user-id).',
      error,
    );
  }
}

function single(row: IssuedRow): string {
  return keyValues([['code', row.token], ['userId', row.userId], ...(row.email === undefined ? [] : [['email', row.email] as const])]);
}

function many(rows: readonly IssuedRow[], withEmail: boolean): string {
  return table(
    [{ header: 'code' }, { header: 'userId' }, ...(withEmail ? [{ header: 'email' }] : [])],
    rows.map((r) => [r.token, r.userId, ...(withEmail ? [r.email ?? ''] : [])]),
  );
}
