import { readFile } from 'node:fs/promises';
import { ioError, usageError } from './cli-error.js';

/**
 * Reads one email address per line. Blank lines, `#` comments and a first
 * line `email` (a spreadsheet's header) are skipped. A line that is not one
 * address is refused by its line number: its text is not echoed, since error
 * output ends up in logs and emails are personal data.
 */
export async function readEmailFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw ioError(`--email-file: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
  }
  const emails: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || (index === 0 && line.toLowerCase() === 'email')) return;
    if (!/^[^\s@,;]+@[^\s@,;]+$/.test(line)) {
      throw usageError(`--email-file ${path} line ${index + 1}: expected one email address per line`, 'code issue');
    }
    emails.push(line);
  });
  if (emails.length === 0) throw usageError(`--email-file ${path}: no email addresses in it`, 'code issue');
  return emails;
}
