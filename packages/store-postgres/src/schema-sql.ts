/*
 * The schema and its forward migrations, as SQL for one schema name (a plain
 * identifier, validated before it reaches here, and still quoted).
 *
 * Every table's primary key starts with `partition`, so each contract call is
 * a primary-key lookup or a range scan of one partition. Text columns use
 * `COLLATE "C"`: byte order of UTF-8, the order the contract asks of `list`,
 * and the cheapest comparison.
 *
 * Concurrency: every call that writes a partition first takes a
 * transaction-scoped advisory lock on it (`pg_advisory_xact_lock(class,
 * hashtext(partition))`, the class derived from the schema name), so commits
 * on one partition run one after another and every statement after the lock
 * sees what the previous holder committed (READ COMMITTED takes a fresh
 * snapshot per statement). A hash collision only makes two partitions wait
 * for each other. Record versions come from one sequence: strictly increasing
 * across all partitions, hence within each, and never reused.
 */

/** Migration n (1-based) brings the schema from version n-1 to n. Append only; never edit a shipped one. */
export function migrations(schema: string): readonly string[] {
  const s = `"${schema}"`;
  const lockClass = `hashtext('ntpass:' || '${schema}')`;
  const keyLockClass = `hashtext('ntpass key:' || '${schema}')`;
  const live = (alias: string) => `(${alias}.expires_at IS NULL OR ${alias}.expires_at > now_ms)`;
  return [
    `
    CREATE TABLE ${s}.records (
      partition  text COLLATE "C" NOT NULL,
      key        text COLLATE "C" NOT NULL,
      value      jsonb NOT NULL,
      version    bigint NOT NULL,
      expires_at bigint,          -- epoch ms; NULL = never
      PRIMARY KEY (partition, key)
    );
    CREATE INDEX records_expiry ON ${s}.records (expires_at) WHERE expires_at IS NOT NULL;

    CREATE TABLE ${s}.counters (
      partition  text COLLATE "C" NOT NULL,
      key        text COLLATE "C" NOT NULL,
      value      bigint NOT NULL,
      expires_at bigint,
      PRIMARY KEY (partition, key)
    );
    CREATE INDEX counters_expiry ON ${s}.counters (expires_at) WHERE expires_at IS NOT NULL;

    CREATE TABLE ${s}.index_entries (
      partition  text COLLATE "C" NOT NULL,
      index_name text COLLATE "C" NOT NULL,
      member     text COLLATE "C" NOT NULL,
      sort_key   text COLLATE "C" NOT NULL,
      value      jsonb NOT NULL,  -- 'null' when written without a value
      PRIMARY KEY (partition, index_name, member)
    );
    CREATE INDEX index_entries_order ON ${s}.index_entries (partition, index_name, sort_key, member);

    CREATE TABLE ${s}.index_totals (
      partition  text COLLATE "C" NOT NULL,
      index_name text COLLATE "C" NOT NULL,
      total      bigint NOT NULL, -- maintained by the commit that changes the entries
      PRIMARY KEY (partition, index_name)
    );

    -- CACHE 1 (the default) keeps nextval increasing across sessions, not just within one.
    CREATE SEQUENCE ${s}.versions AS bigint CACHE 1;

    -- The tightest number named by a bound (a number, a {key, field} reference, or a list), NULL if none.
    CREATE FUNCTION ${s}.bound(p text, now_ms bigint, b jsonb, is_max boolean) RETURNS numeric
    LANGUAGE plpgsql AS $fn$
    DECLARE
      part jsonb;
      f jsonb;
      n numeric;
      result numeric;
    BEGIN
      FOR part IN SELECT e FROM jsonb_array_elements(CASE jsonb_typeof(b) WHEN 'array' THEN b ELSE jsonb_build_array(b) END) e LOOP
        IF jsonb_typeof(part) = 'number' THEN
          n := part::numeric;
        ELSE
          SELECT r.value -> (part ->> 'field') INTO f FROM ${s}.records r
            WHERE r.partition = p AND r.key = part ->> 'key' AND ${live('r')};
          n := CASE WHEN jsonb_typeof(f) = 'number' THEN f::numeric END;
        END IF;
        IF n IS NOT NULL THEN
          result := CASE WHEN result IS NULL THEN n WHEN is_max THEN least(result, n) ELSE greatest(result, n) END;
        END IF;
      END LOOP;
      RETURN result;
    END
    $fn$;

    -- One commit. Returns {"ck": counter keys, "cv": their values, "vk": record keys, "vv": their
    -- versions} when applied, {"k": i} when check i
    -- refused; an op that refuses raises SQLSTATE NTP01 with the op's index as message,
    -- which rolls back the ops before it.
    --
    -- Locks, taken first, in the one global order every call follows (the partition's lock,
    -- then key locks by hash) so commits never deadlock on them: \`lock_keys\` are hashes of
    -- the record keys the commit reads (checks, bound references: \`lock_x\` false, shared) or
    -- writes (true, exclusive), sorted, with the partition's lock shared; NULL (a commit of over
    -- 256 record keys) takes the partition exclusively instead, so the lock table stays small.
    --
    -- Record ops run in order (each sees the ones before it), and each add's bounds are read at
    -- its place. Index ops and then counter ops run after them, sorted by name (each name's ops
    -- keep their order): their outcome depends only on earlier ops of the same name and on the
    -- bounds already read, so the result is the same, while their rows, hot for every commit of
    -- an instance, are locked in one global order and only for the end of the transaction.
    CREATE FUNCTION ${s}.commit(p text, now_ms bigint, checks jsonb, ops jsonb, lock_keys int[], lock_x boolean[]) RETURNS jsonb
    LANGUAGE plpgsql AS $fn$
    DECLARE
      i int;
      c jsonb;
      op jsonb;
      k text;
      rv jsonb;
      ver bigint;
      cur bigint;
      cur_exp bigint;
      new_exp bigint;
      has_row boolean;
      live boolean;
      nv bigint;
      rc int;
      inserted boolean;
      tot bigint;
      d jsonb := '{}';
      maxs numeric[];
      mins numeric[];
      refused int;
      -- Results as parallel arrays, turned into objects once at the end (growing a jsonb
      -- object op by op would copy it every time: quadratic for a bulk commit).
      ckeys text[] := '{}';
      cvals bigint[] := '{}';
      nc int := 0;
      vkeys text[] := '{}';
      vvals bigint[] := '{}';
      nvers int := 0;
      has_ix boolean := false;
      has_ctr boolean := false;
    BEGIN
      IF lock_keys IS NULL THEN
        PERFORM pg_advisory_xact_lock(${lockClass}, hashtext(p));
      ELSE
        PERFORM pg_advisory_xact_lock_shared(${lockClass}, hashtext(p));
        FOR i IN 1 .. cardinality(lock_keys) LOOP
          IF lock_x[i] THEN PERFORM pg_advisory_xact_lock(${keyLockClass}, lock_keys[i]);
          ELSE PERFORM pg_advisory_xact_lock_shared(${keyLockClass}, lock_keys[i]);
          END IF;
        END LOOP;
      END IF;
      IF jsonb_typeof(checks) = 'array' THEN
        FOR c, i IN SELECT e, (n - 1)::int FROM jsonb_array_elements(checks) WITH ORDINALITY AS a(e, n) ORDER BY n LOOP
          SELECT r.value, r.version INTO rv, ver FROM ${s}.records r
            WHERE r.partition = p AND r.key = c ->> 'key' AND ${live('r')};
          IF c ->> 'type' = 'version' THEN
            IF coalesce(ver, 0) <> (c ->> 'version')::bigint THEN RETURN jsonb_build_object('k', i); END IF;
          ELSIF rv IS NULL OR EXISTS (
            SELECT 1 FROM jsonb_each(c -> 'equals') e
            WHERE CASE WHEN e.value = 'null'::jsonb THEN coalesce(rv -> e.key, 'null'::jsonb) <> 'null'::jsonb
                       ELSE (rv -> e.key) IS DISTINCT FROM e.value END
          ) THEN
            RETURN jsonb_build_object('k', i);
          END IF;
        END LOOP;
      END IF;

      -- Record ops, in order; bounds read where their add stands.
      -- One pass over the elements (indexing a large jsonb array by position would re-read it).
      FOR op, i IN SELECT e, (n - 1)::int FROM jsonb_array_elements(ops) WITH ORDINALITY AS a(e, n) ORDER BY n LOOP
        k := op ->> 'key';
        CASE op ->> 'type'
        WHEN 'put' THEN
          ver := nextval('${s}.versions');
          INSERT INTO ${s}.records AS r (partition, key, value, version, expires_at)
            VALUES (p, k, op -> 'value', ver, (op ->> 'expiresAt')::bigint)
            ON CONFLICT (partition, key) DO UPDATE
            SET value = excluded.value, version = excluded.version, expires_at = excluded.expires_at;
          nvers := nvers + 1;
          vkeys[nvers] := k;
          vvals[nvers] := ver;
        WHEN 'patch' THEN
          UPDATE ${s}.records r
            SET value = (r.value || coalesce(op -> 'set', '{}'::jsonb)) - ARRAY(SELECT jsonb_array_elements_text(op -> 'unset')),
                version = nextval('${s}.versions')
            WHERE r.partition = p AND r.key = k AND ${live('r')}
            RETURNING r.version INTO ver;
          IF NOT FOUND THEN
            refused := i;
            EXIT;
          END IF;
          nvers := nvers + 1;
          vkeys[nvers] := k;
          vvals[nvers] := ver;
        WHEN 'delete' THEN
          DELETE FROM ${s}.records r WHERE r.partition = p AND r.key = k;
        WHEN 'add' THEN
          has_ctr := true;
          IF op ? 'max' THEN maxs[i] := ${s}.bound(p, now_ms, op -> 'max', true); END IF;
          IF op ? 'min' THEN mins[i] := ${s}.bound(p, now_ms, op -> 'min', false); END IF;
        WHEN 'resetCounter' THEN
          has_ctr := true;
        ELSE
          has_ix := true;
        END CASE;
      END LOOP;

      -- Index entries by (index, member), then the totals by index.
      IF refused IS NULL AND has_ix THEN
        FOR op IN
          SELECT e FROM jsonb_array_elements(ops) WITH ORDINALITY AS a(e, n)
          WHERE e ->> 'type' IN ('indexPut', 'indexDelete')
          ORDER BY e ->> 'index' COLLATE "C", e ->> 'member' COLLATE "C", n
        LOOP
          IF op ->> 'type' = 'indexPut' THEN
            INSERT INTO ${s}.index_entries AS e (partition, index_name, member, sort_key, value)
              VALUES (p, op ->> 'index', op ->> 'member', op ->> 'sortKey', coalesce(op -> 'value', 'null'::jsonb))
              ON CONFLICT (partition, index_name, member) DO UPDATE SET sort_key = excluded.sort_key, value = excluded.value
              RETURNING (e.xmax = 0) INTO inserted;
            IF inserted THEN d := jsonb_set(d, ARRAY[op ->> 'index'], to_jsonb(coalesce((d ->> (op ->> 'index'))::int, 0) + 1)); END IF;
          ELSE
            DELETE FROM ${s}.index_entries e WHERE e.partition = p AND e.index_name = op ->> 'index' AND e.member = op ->> 'member';
            IF FOUND THEN d := jsonb_set(d, ARRAY[op ->> 'index'], to_jsonb(coalesce((d ->> (op ->> 'index'))::int, 0) - 1)); END IF;
          END IF;
        END LOOP;
        FOR k, nv IN SELECT key, value::bigint FROM jsonb_each_text(d) ORDER BY key COLLATE "C" LOOP
          CONTINUE WHEN nv = 0;
          INSERT INTO ${s}.index_totals AS t (partition, index_name, total) VALUES (p, k, nv)
            ON CONFLICT (partition, index_name) DO UPDATE SET total = t.total + excluded.total
            RETURNING t.total INTO tot;
          IF tot <= 0 THEN DELETE FROM ${s}.index_totals t WHERE t.partition = p AND t.index_name = k; END IF;
        END LOOP;
      END IF;

      -- Counters by name, each row locked when first reached; only ops before a refusal count.
      FOR op, i IN
        SELECT e, (n - 1)::int FROM jsonb_array_elements(ops) WITH ORDINALITY AS a(e, n)
        WHERE has_ctr AND e ->> 'type' IN ('add', 'resetCounter')
        ORDER BY e ->> 'key' COLLATE "C", n
      LOOP
        CONTINUE WHEN i >= refused;
        k := op ->> 'key';
        IF op ->> 'type' = 'resetCounter' THEN
          DELETE FROM ${s}.counters x WHERE x.partition = p AND x.key = k;
          nc := nc + 1;
          ckeys[nc] := k;
          cvals[nc] := 0;
          CONTINUE;
        END IF;
        LOOP
          SELECT x.value, x.expires_at INTO cur, cur_exp FROM ${s}.counters x
            WHERE x.partition = p AND x.key = k FOR UPDATE;
          has_row := FOUND;
          live := has_row AND (cur_exp IS NULL OR cur_exp > now_ms);
          IF NOT live THEN cur := 0; END IF;
          nv := cur + (op ->> 'by')::bigint;
          IF nv > maxs[i] OR nv < mins[i] THEN
            refused := i;
            EXIT;
          END IF;
          IF live AND NOT coalesce((op ->> 'refreshExpiry')::boolean, false) THEN
            new_exp := cur_exp;
          ELSE
            new_exp := coalesce((op ->> 'expiresAt')::bigint, CASE WHEN live THEN cur_exp END);
          END IF;
          IF has_row THEN
            UPDATE ${s}.counters x SET value = nv, expires_at = new_exp WHERE x.partition = p AND x.key = k;
            EXIT;
          END IF;
          -- Absent: insert, unless another commit just did (then lock its row and start over).
          INSERT INTO ${s}.counters (partition, key, value, expires_at) VALUES (p, k, nv, new_exp) ON CONFLICT DO NOTHING;
          GET DIAGNOSTICS rc = ROW_COUNT;
          EXIT WHEN rc = 1;
        END LOOP;
        nc := nc + 1;
        ckeys[nc] := k;
        cvals[nc] := nv;
      END LOOP;

      IF refused IS NOT NULL THEN RAISE EXCEPTION USING ERRCODE = 'NTP01', MESSAGE = refused::text; END IF;
      -- Parallel arrays, zipped by the client (a key written twice: its last value wins there).
      -- No query after the counters' rows are locked: the transaction ends right away.
      RETURN jsonb_build_object('ck', ckeys, 'cv', cvals, 'vk', vkeys, 'vv', vvals);
    END
    $fn$;

    -- Several independent commits in one transaction, results in order. Each element is
    -- [partition, now, checks, ops, mayRefuseAtOp]. The partitions' locks are taken up front in
    -- one global order, so concurrent batches cannot deadlock. Only a commit that may refuse at
    -- an op pays for a subtransaction (its refusal must undo its own earlier ops, nothing else).
    CREATE FUNCTION ${s}.commit_batch(batch jsonb) RETURNS SETOF jsonb
    LANGUAGE plpgsql AS $fn$
    DECLARE
      h int;
      c jsonb;
      res jsonb;
    BEGIN
      FOR h IN SELECT DISTINCT hashtext(e ->> 0) FROM jsonb_array_elements(batch) e ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(${lockClass}, h);
      END LOOP;
      FOR c IN SELECT e FROM jsonb_array_elements(batch) WITH ORDINALITY AS a(e, n) ORDER BY n LOOP
        IF (c -> 4)::boolean THEN
          BEGIN
            res := ${s}.commit(c ->> 0, (c ->> 1)::bigint, c -> 2, c -> 3, '{}', '{}');
          EXCEPTION WHEN SQLSTATE 'NTP01' THEN
            res := jsonb_build_object('o', SQLERRM::int);
          END;
        ELSE
          res := ${s}.commit(c ->> 0, (c ->> 1)::bigint, c -> 2, c -> 3, '{}', '{}');
        END IF;
        RETURN NEXT res;
      END LOOP;
    END
    $fn$;

    -- Deletes up to lim items of a partition; true once nothing of it is left.
    CREATE FUNCTION ${s}.drop_partition(p text, lim int) RETURNS boolean
    LANGUAGE plpgsql AS $fn$
    DECLARE
      budget int := lim;
      n int;
      ix text;
    BEGIN
      PERFORM pg_advisory_xact_lock(${lockClass}, hashtext(p));
      DELETE FROM ${s}.records r WHERE r.partition = p
        AND r.key IN (SELECT x.key FROM ${s}.records x WHERE x.partition = p LIMIT budget);
      GET DIAGNOSTICS n = ROW_COUNT;
      budget := budget - n;
      IF budget > 0 THEN
        DELETE FROM ${s}.counters r WHERE r.partition = p
          AND r.key IN (SELECT x.key FROM ${s}.counters x WHERE x.partition = p LIMIT budget);
        GET DIAGNOSTICS n = ROW_COUNT;
        budget := budget - n;
      END IF;
      WHILE budget > 0 LOOP
        SELECT t.index_name INTO ix FROM ${s}.index_totals t WHERE t.partition = p LIMIT 1;
        EXIT WHEN NOT FOUND;
        DELETE FROM ${s}.index_entries e WHERE e.partition = p AND e.index_name = ix
          AND e.member IN (SELECT x.member FROM ${s}.index_entries x WHERE x.partition = p AND x.index_name = ix LIMIT budget);
        GET DIAGNOSTICS n = ROW_COUNT;
        -- Fewer than asked: the index is now empty, whatever its total said.
        IF n < budget THEN
          DELETE FROM ${s}.index_totals t WHERE t.partition = p AND t.index_name = ix;
        ELSE
          UPDATE ${s}.index_totals t SET total = t.total - n WHERE t.partition = p AND t.index_name = ix;
        END IF;
        budget := budget - n;
      END LOOP;
      IF budget > 0 THEN
        -- Entries whose total row is missing (never expected): drop them too.
        DELETE FROM ${s}.index_entries e WHERE e.partition = p
          AND (e.index_name, e.member) IN (SELECT x.index_name, x.member FROM ${s}.index_entries x WHERE x.partition = p LIMIT budget);
      END IF;
      RETURN NOT EXISTS (SELECT 1 FROM ${s}.records r WHERE r.partition = p)
        AND NOT EXISTS (SELECT 1 FROM ${s}.counters r WHERE r.partition = p)
        AND NOT EXISTS (SELECT 1 FROM ${s}.index_totals r WHERE r.partition = p)
        AND NOT EXISTS (SELECT 1 FROM ${s}.index_entries r WHERE r.partition = p);
    END
    $fn$;

    -- Reclaims rows every reader already treats as absent, at most lim per table. SKIP LOCKED:
    -- a sweep never waits for (or deadlocks with) a commit; what it skips, a later sweep takes.
    CREATE FUNCTION ${s}.sweep(horizon bigint, lim int) RETURNS int
    LANGUAGE plpgsql AS $fn$
    DECLARE
      a int;
      b int;
    BEGIN
      DELETE FROM ${s}.records r WHERE r.ctid IN
        (SELECT x.ctid FROM ${s}.records x WHERE x.expires_at <= horizon LIMIT lim FOR UPDATE SKIP LOCKED);
      GET DIAGNOSTICS a = ROW_COUNT;
      DELETE FROM ${s}.counters r WHERE r.ctid IN
        (SELECT x.ctid FROM ${s}.counters x WHERE x.expires_at <= horizon LIMIT lim FOR UPDATE SKIP LOCKED);
      GET DIAGNOSTICS b = ROW_COUNT;
      RETURN a + b;
    END
    $fn$;
    `,
  ];
}

/** The schema version this code reads and writes. */
export const SCHEMA_VERSION = migrations('x').length;

/** The statements of the hot paths, for one schema. */
export function statements(schema: string) {
  const s = `"${schema}"`;
  const LIVE = (alias: string, nowParam: string) => `(${alias}.expires_at IS NULL OR ${alias}.expires_at > ${nowParam})`;
  return {
    commit: `SELECT ${s}.commit($1, $2, $3::jsonb, $4::jsonb, $5::int[], $6::boolean[]) AS r`,
    commitBatch: `SELECT r FROM ${s}.commit_batch($1::jsonb) r`,
    // One statement, one snapshot: records (kind 0) and counters (kind 1), each with its position.
    read: `
      SELECT 0 AS kind, k.ord::int AS ord, r.value, r.version::float8 AS version, r.expires_at::float8 AS expires_at
        FROM unnest($2::text[]) WITH ORDINALITY AS k(key, ord)
        JOIN ${s}.records r ON r.partition = $1 AND r.key = k.key AND ${LIVE('r', '$4')}
      UNION ALL
      SELECT 1, k.ord::int, NULL, c.value::float8, NULL
        FROM unnest($3::text[]) WITH ORDINALITY AS k(key, ord)
        JOIN ${s}.counters c ON c.partition = $1 AND c.key = k.key AND ${LIVE('c', '$4')}`,
    // Walks index_entries_order: a range scan, never a sort; the total is the maintained row.
    list: `
      SELECT NULL AS member, NULL AS sort_key, NULL::jsonb AS value,
             (SELECT t.total::float8 FROM ${s}.index_totals t WHERE t.partition = $1 AND t.index_name = $2) AS total
      UNION ALL
      (SELECT e.member, e.sort_key, e.value, NULL FROM ${s}.index_entries e
        WHERE e.partition = $1 AND e.index_name = $2 ORDER BY e.sort_key, e.member LIMIT $3 OFFSET $4)`,
    scanFrom: `
      SELECT r.key, r.value, r.version::float8 AS version, r.expires_at::float8 AS expires_at FROM ${s}.records r
        WHERE r.partition = $1 AND r.key >= $2 AND ${LIVE('r', '$3')} ORDER BY r.key LIMIT $4`,
    scanAfter: `
      SELECT r.key, r.value, r.version::float8 AS version, r.expires_at::float8 AS expires_at FROM ${s}.records r
        WHERE r.partition = $1 AND r.key > $2 AND ${LIVE('r', '$3')} ORDER BY r.key LIMIT $4`,
    dropPartition: `SELECT ${s}.drop_partition($1, $2) AS done`,
    sweep: `SELECT ${s}.sweep($1, $2) AS n`,
  };
}
