import type { Bound, Commit, FieldRef } from '@ntpass/core';
import { flatFields } from '../canonical-json.js';
import { INDEX_APPLY, META_APPLY } from './commit-apply.js';
import { COMMIT_HEAD, COMMIT_HELPERS } from './commit-state.js';
import { joinedSource } from './joined.js';
import { PRELUDE_HELPERS, RECORD_HEADER_LUA } from './prelude.js';

/*
 * Generates the commit script of one shape (see commit-shape.ts): the same
 * semantics as the generic interpreter (lua/commit.ts), with every decision
 * that depends only on the shape taken here, once. Which record or counter
 * each step names is known, so staging lives in plain locals per key slot
 * (`o`/`r` original and current record, `cv`/`ce` original and `v`/`e`
 * current counter value and expiry) instead of maps; which keys are written,
 * and whether each is set or deleted, is known too (an add always sets, a
 * reset always deletes), so the writes are one HSET / HDEL per hash with
 * fixed arguments. What the shape cannot know (a record's presence, a bound's
 * value, expiry by `now`) is judged at run time exactly as the generic
 * script does. Index ops and the meta use the generic script's own code.
 *
 * The walk below must visit a commit in the order commit-shape.ts encodes
 * it; the property test in test/prepared-shapes.test.ts compares both paths.
 */

/** A Lua string literal for any string (as UTF-8, which is how ioredis sends it). */
function lua(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9 _.:-]/.test(c) ? c : `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}

const HELPERS = {
  // A record whose fields some step reads: decoded at once, straight from the stored value (no copy of its
  // fields' bytes, which the generic script keeps to re-store a record it did not change; a prepared
  // script only re-stores records it rebuilt).
  liveFields: `local function liveFields(raw, now)${RECORD_HEADER_LUA}
  local f
  if at > #raw then f = {} else at, f = cmsgpack.unpack_one(raw, at - 1) end
  return {version, exp, '', f}
end`,
  // A record whose fields no step of the shape reads: its header only.
  liveHead: `local function liveHead(raw, now)${RECORD_HEADER_LUA}
  return {version, exp}
end`,
  refNum: `local function refNum(rec, field)
  if not rec then return nil end
  local t = fieldOf(rec, field)
  return t and tonumber(t)
end`,
  setField: `local function setField(f, name, value)
  for k = 1, #f, 2 do
    if f[k] == name then f[k + 1] = value; return end
  end
  f[#f + 1] = name
  f[#f + 1] = value
end`,
  without: `local function without(f, gone)
  local kept = {}
  for k = 1, #f, 2 do
    if not gone[f[k]] then kept[#kept + 1] = f[k]; kept[#kept + 1] = f[k + 1] end
  end
  return kept
end`,
} as const;


/**
 * The helpers `code` calls, and those they call, in definition order: each
 * helper is a closure created on every run, so a script defines only what it
 * uses. Helpers use only earlier ones, so one pass from the end finds all.
 */
function helpersFor(code: string, own: readonly string[]): { prelude: string; state: string; own: string } {
  const groups = { prelude: PRELUDE_HELPERS, state: COMMIT_HELPERS, own: own.map((source) => ['', source] as const) };
  const order = [...(['prelude', 'state', 'own'] as const).flatMap((g) => groups[g].map(([, source]) => ({ g, source })))];
  let text = code;
  const picked = new Set<string>();
  for (let i = order.length - 1; i >= 0; i--) {
    const { source } = order[i]!;
    const defines = [...source.matchAll(/local function (\w+)/g)].map((m) => m[1]!);
    if (defines.some((name) => new RegExp(`\\b${name}\\(`).test(text))) {
      picked.add(source);
      text += source;
    }
  }
  const join = (g: keyof typeof groups) => groups[g].map(([, source]) => source).filter((source) => picked.has(source)).join('\n');
  return { prelude: join('prelude'), state: join('state'), own: join('own') };
}

/**
 * A compiled shape. Its script answers an applied commit positionally,
 * `{1, value of each counter written, version of each record put or patched}`,
 * in the orders given here (slots as numbered in commit-shape.ts), so the
 * reply carries no key names for Redis to send and Node to parse; a refusal
 * is `{0, 'check' | 'op', index}` as from the generic script.
 */
export interface PreparedShape {
  readonly source: string;
  /** The script that runs several commits of the shape in one call (lua/joined.ts). */
  readonly joined: string;
  /** Counter slots, in reply order. */
  readonly counters: readonly number[];
  /** Record slots, in reply order (after the counters). */
  readonly records: readonly number[];
}

/** The commit script for the shape of `commit` (an already validated commit). */
export function compileShape(commit: Commit): PreparedShape {
  const checks = commit.checks ?? [];
  const records = new Map<string, number>();
  const counters = new Map<string, number>();
  const rec = (key: string) => {
    if (!records.has(key)) records.set(key, records.size);
    return records.get(key)!;
  };
  const ctr = (key: string) => {
    if (!counters.has(key)) counters.set(key, counters.size);
    return counters.get(key)!;
  };
  // Record slots whose fields some step reads (the others parse only the header).
  const readsFields = new Set<number>();
  // Tail argument k is written `@k@` and numbered once the key slots are known.
  let tail = 0;
  const arg = () => `ARGV[@${tail++}@]`;
  const body: string[] = [];
  // Whether each written slot ends set (true) or deleted; a Map keeps first-write order.
  const recordWrites = new Map<number, boolean>();
  const counterWrites = new Map<number, boolean>();

  for (let i = 0; i < checks.length; i++) {
    const check = checks[i]!;
    const refuse = `return {0, 'check', ${i}}`;
    const j = rec(check.key);
    if (check.type === 'version') {
      body.push(`if (r${j} and r${j}[1] or 0) ~= tonumber(${arg()}) then ${refuse} end`);
      continue;
    }
    body.push(`if not r${j} then ${refuse} end`);
    const flat = flatFields(check.equals, `commit: checks[${i}].equals`);
    if (flat.length === 0) continue;
    readsFields.add(j);
    const tests: string[] = [];
    // An expected null (in the shape) matches an absent field too; any other value is compared as canonical JSON.
    for (let k = 0; k < flat.length; k += 2) {
      const field = `fieldOf(r${j}, ${lua(flat[k]!)})`;
      tests.push(flat[k + 1] === 'null' ? `(${field} or 'null') ~= 'null'` : `${field} ~= ${arg()}`);
    }
    body.push(`if ${tests.join(' or ')} then ${refuse} end`);
  }

  const bound = (b: Bound | undefined, name: string, tightest: string): string[] => {
    if (b === undefined) return [];
    const parts = (typeof b === 'number' ? [b] : Array.isArray(b) ? b : [b]) as readonly (number | FieldRef)[];
    return parts.map((p) => {
      // A part that is absent (a FieldRef to a missing record or field) does not bound.
      const j = typeof p === 'number' ? -1 : rec(p.key);
      if (j >= 0) readsFields.add(j);
      const part = typeof p === 'number' ? `tonumber(${arg()})` : `refNum(r${j}, ${lua(p.field)})`;
      return `  do local b = ${part}; if b ~= nil then ${name} = ${name} == nil and b or ${tightest}(${name}, b) end end`;
    });
  };

  commit.ops.forEach((op, i) => {
    const refuse = `return {0, 'op', ${i}}`;
    switch (op.type) {
      case 'add': {
        const j = ctr(op.key);
        const by = arg();
        const exp = op.expiresAt === undefined ? undefined : arg();
        const lines = ['do', '  local mn, mx = nil, nil', ...bound(op.min, 'mn', 'math.max'), ...bound(op.max, 'mx', 'math.min')];
        lines.push(`  local value = (v${j} or 0) + tonumber(${by})`);
        if (op.min !== undefined || op.max !== undefined) lines.push(`  if (mx and value > mx) or (mn and value < mn) then ${refuse} end`);
        // As the generic script: an existing counter keeps its expiry unless refreshed; an absent one takes the given one or none.
        if (op.refreshExpiry === true && exp !== undefined) lines.push(`  e${j} = tonumber(${exp})`);
        else lines.push(`  if not v${j} then e${j} = ${exp === undefined ? 'false' : `tonumber(${exp})`} end`);
        lines.push(`  v${j} = value`, 'end');
        body.push(lines.join('\n'));
        counterWrites.set(j, true);
        break;
      }
      case 'resetCounter': {
        const j = ctr(op.key);
        body.push(`v${j}, e${j} = false, false`);
        counterWrites.set(j, false);
        break;
      }
      case 'put': {
        const j = rec(op.key);
        const exp = op.expiresAt === undefined ? 'false' : `tonumber(${arg()})`;
        const flat = flatFields(op.value, `commit: ops[${i}].value`);
        const fields: string[] = [];
        for (let k = 0; k < flat.length; k += 2) fields.push(lua(flat[k]!), arg());
        body.push(`r${j} = {nextVersion(), ${exp}, '', {${fields.join(', ')}}}`);
        recordWrites.set(j, true);
        break;
      }
      case 'patch': {
        const j = rec(op.key);
        readsFields.add(j);
        const lines = [`if not r${j} then ${refuse} end`, 'do', '  local f = {}', `  for k, x in ipairs(fieldsOf(r${j})) do f[k] = x end`];
        const flat = flatFields(op.set ?? {}, `commit: ops[${i}].set`);
        for (let k = 0; k < flat.length; k += 2) lines.push(`  setField(f, ${lua(flat[k]!)}, ${arg()})`);
        const unset = op.unset ?? [];
        if (unset.length > 0) {
          lines.push(`  f = without(f, {${unset.map((name) => `[${lua(name)}] = true`).join(', ')}})`);
        }
        lines.push(`  r${j} = {nextVersion(), r${j}[2], '', f}`, 'end');
        body.push(lines.join('\n'));
        recordWrites.set(j, true);
        break;
      }
      case 'delete': {
        const j = rec(op.key);
        body.push(`r${j} = false`);
        recordWrites.set(j, false);
        break;
      }
      case 'indexPut':
        body.push(`indexOps[#indexOps + 1] = {true, ${arg()}, ${arg()}, ${arg()}, ${arg()}}`);
        break;
      case 'indexDelete':
        body.push(`indexOps[#indexOps + 1] = {false, ${arg()}, ${arg()}}`);
    }
  });

  const nr = records.size;
  const nc = counters.size;
  const recordKey = (j: number) => `ARGV[${3 + j}]`;
  const counterKey = (j: number) => `ARGV[${3 + nr + j}]`;
  const hasIndexOps = commit.ops.some((op) => op.type === 'indexPut' || op.type === 'indexDelete');

  const head: string[] = [];
  // Records and counters share one hash: every key of the commit in one HMGET.
  if (nr + nc > 0) head.push(`local h = call('HMGET', R, ${Array.from({ length: nr + nc }, (_, j) => `ARGV[${3 + j}]`).join(', ')})`);
  for (let j = 0; j < nr; j++) head.push(`local o${j} = ${readsFields.has(j) ? 'liveFields' : 'liveHead'}(h[${j + 1}], now)`, `local r${j} = o${j}`);
  for (let j = 0; j < nc; j++) head.push(`local cv${j}, ce${j} = parseCounter(h[${nr + j + 1}])`, `local v${j}, e${j} = cv${j}, ce${j}`);
  head.push(`local indexOps = ${hasIndexOps ? '{}' : 'nil'}`);

  // Writes: count permanent items gained or lost and the latest expiry, as the generic script does.
  const apply: string[] = ['local forever, longest = 0, nil'];
  // The reply is positional (see PreparedShape): counters written, then versions of records set.
  const replied: string[] = [];
  const permanence = (was: string, is: string) =>
    `do local was, is = ${was}, ${is}; if was and not is then forever = forever - 1 elseif is and not was then forever = forever + 1 end end`;
  // Fields set and deleted: one HSET and one HDEL for counters and records alike.
  const sets: string[] = [];
  const dels: string[] = [];
  for (const [j, set] of counterWrites) {
    apply.push(permanence(`cv${j} and not ce${j}`, `v${j} and not e${j}`));
    if (set) {
      apply.push(
        `local w${j}`,
        `if e${j} then`,
        `  if not longest or e${j} - now > longest then longest = e${j} - now end`,
        `  w${j} = string.format('%d:%d', v${j}, e${j})`,
        `else w${j} = string.format('%d', v${j}) end`,
      );
      sets.push(counterKey(j), `w${j}`);
    } else dels.push(counterKey(j));
    replied.push(`v${j} or 0`);
  }
  for (const [j, set] of recordWrites) {
    apply.push(permanence(`o${j} and not o${j}[2]`, `r${j} and not r${j}[2]`));
    if (set) {
      apply.push(`if r${j}[2] and (not longest or r${j}[2] - now > longest) then longest = r${j}[2] - now end`);
      replied.push(`r${j}[1]`);
      sets.push(recordKey(j), `encodeRecord(r${j})`);
    } else dels.push(recordKey(j));
  }
  if (sets.length > 0) apply.push(`call('HSET', R, ${sets.join(', ')})`);
  if (dels.length > 0) apply.push(`call('HDEL', R, ${dels.join(', ')})`);
  apply.push(`local out = {1, ${replied.join(', ')}}`);

  const first = 3 + nr + nc;
  const code = [...head, ...body, ...apply, hasIndexOps ? INDEX_APPLY : 'local touched = nil', META_APPLY]
    .join('\n')
    .replace(/@(\d+)@/g, (_, k: string) => String(first + Number(k)));
  const used = helpersFor(code, Object.values(HELPERS));
  return {
    source: [used.prelude, COMMIT_HEAD, used.state, used.own, '-- prepared shape', code].join('\n'),
    joined: joinedSource({ ...used, code }),
    counters: [...counterWrites.keys()],
    records: [...recordWrites].filter(([, set]) => set).map(([j]) => j),
  };
}
