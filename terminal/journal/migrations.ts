// Numbered schema migrations. The schema version lives in PRAGMA user_version; a database written
// by a newer terminal is refused rather than guessed at.
export const migrations: readonly string[] = [
  // 1: settlements, their audit trail, and the outbox that carries every platform call.
  `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;

  CREATE TABLE settlements (
    id              TEXT PRIMARY KEY,
    service         TEXT NOT NULL,
    state           TEXT NOT NULL,
    psn_no          TEXT,
    insutype        TEXT,
    insuplc_admdvs  TEXT,
    bill_id         TEXT,
    total_fen       INTEGER,
    mdtrt_id        TEXT,
    chrg_bchno      TEXT,
    setl_id         TEXT,
    split_json      TEXT,
    -- name, ID number and other patient details needed to finish the visit, sealed with a key kept outside the database
    sealed_context  BLOB,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
  ) STRICT;
  CREATE INDEX settlements_state ON settlements(state);
  CREATE INDEX settlements_bill ON settlements(bill_id);

  CREATE TABLE settlement_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    settlement_id  TEXT NOT NULL REFERENCES settlements(id),
    at             TEXT NOT NULL,
    from_state     TEXT,
    to_state       TEXT NOT NULL,
    note           TEXT
  ) STRICT;
  CREATE INDEX settlement_events_by_settlement ON settlement_events(settlement_id);

  CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    settlement_id    TEXT REFERENCES settlements(id),
    step             TEXT NOT NULL,
    infno            TEXT NOT NULL,
    msgid            TEXT NOT NULL UNIQUE,
    insuplc_admdvs   TEXT,
    sealed_input     BLOB NOT NULL,
    -- superseded: the answer never came and a reversal (queued after it) resolves it; never resent.
    status           TEXT NOT NULL CHECK (status IN ('pending','in-flight','done','rejected','unknown','superseded','dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    last_error       TEXT,
    sealed_response  BLOB,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
  ) STRICT;
  CREATE INDEX outbox_open ON outbox(status) WHERE status IN ('pending','in-flight','unknown');
  `,
  // 2: offline captures (a slip number, and the flag that they settle without a second confirm),
  // and the person records that let a card identify a patient while the platform is unreachable.
  `
  ALTER TABLE settlements ADD COLUMN deferred INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE settlements ADD COLUMN slip_no TEXT;
  CREATE UNIQUE INDEX settlements_slip ON settlements(slip_no) WHERE slip_no IS NOT NULL;
  -- A visit's next call is looked up on every step: without this, replaying a long queue is quadratic.
  CREATE INDEX outbox_by_settlement ON outbox(settlement_id, id);

  CREATE TABLE person_cache (
    -- HMAC of the ID number under the journal key: an ID number is too guessable to hash bare
    key        TEXT PRIMARY KEY,
    sealed     BLOB NOT NULL,
    cached_at  TEXT NOT NULL
  ) STRICT;
  `,
  // 3: telling the HIS a bill is paid. A visit in 'settled' still owes the HIS its notice (that
  // state is the durable "to do", written with the settlement's answer); this table only keeps the
  // attempts, so retries back off across restarts and staff see why the HIS has not heard.
  `
  CREATE TABLE his_notices (
    settlement_id    TEXT PRIMARY KEY REFERENCES settlements(id),
    -- conflict: the HIS refused the notice (another settlement paid the bill, or no such bill): staff
    status           TEXT NOT NULL CHECK (status IN ('pending','done','conflict')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    last_error       TEXT,
    updated_at       TEXT NOT NULL
  ) STRICT;
  `,
  // 4: face verifications, one row each, as the audit trail of who was let through on a face: time,
  // outcome, scores and models only (the event carries no image, embedding, name or ID number).
  `
  CREATE TABLE face_audits (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at             TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    settlement_id  TEXT REFERENCES settlements(id),
    event_json     TEXT NOT NULL
  ) STRICT;
  CREATE INDEX face_audits_at ON face_audits(at);
  `,
  // 5: faces a patient chose to pay with (刷脸): one reference embedding a person, sealed, keyed by
  // the HMAC of the ID number like person_cache. Removed when the patient withdraws consent.
  `
  CREATE TABLE face_enrolments (
    key          TEXT PRIMARY KEY,
    sealed       BLOB NOT NULL,
    enrolled_at  TEXT NOT NULL
  ) STRICT;
  `,
  // 6: credit (信用就医): the self-paid part a patient leaves owing, written with the confirm that
  // starts the settlement. What is owed is read from the visit's state (credit.ts), so a failed or
  // cancelled settlement leaves no debt without a second write.
  `
  CREATE TABLE credit_debts (
    settlement_id  TEXT PRIMARY KEY REFERENCES settlements(id),
    psn_no         TEXT NOT NULL,
    -- the cash part at confirm; the settled figure replaces it once the visit is settled
    reserved_fen   INTEGER NOT NULL CHECK (reserved_fen >= 0),
    created_at     TEXT NOT NULL,
    repaid_at      TEXT,
    repaid_note    TEXT
  ) STRICT;
  CREATE INDEX credit_debts_open ON credit_debts(psn_no) WHERE repaid_at IS NULL;
  `,
  // 7: 电子哨兵 alerts (terminal/journal/alerts.ts): what the suspicious-use rules found, the person
  // only as an HMAC under the journal key; and the signals a rule counts (identity mismatches).
  `
  CREATE TABLE alerts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at             TEXT NOT NULL,
    rule           TEXT NOT NULL,
    subject_tag    TEXT,
    settlement_id  TEXT,
    hold           INTEGER NOT NULL DEFAULT 0,
    detail_json    TEXT NOT NULL,
    -- one alert per rule and visit (or per rule, person and window): the HMAC of that key
    dedupe         TEXT NOT NULL UNIQUE
  ) STRICT;
  CREATE TABLE alert_signals (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    signal       TEXT NOT NULL,
    subject_tag  TEXT
  ) STRICT;
  CREATE INDEX alert_signals_at ON alert_signals(signal, at);
  `,
  // 8: staff actions on settled visits (refund, credit marked repaid), one audit row each with the
  // reason chosen from the list, and whether the HIS has heard of a refund (the bill payable again).
  `
  CREATE TABLE staff_actions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at             TEXT NOT NULL,
    action         TEXT NOT NULL,
    settlement_id  TEXT REFERENCES settlements(id),
    reason         TEXT NOT NULL,
    detail_json    TEXT NOT NULL
  ) STRICT;
  CREATE INDEX staff_actions_settlement ON staff_actions(settlement_id);
  CREATE TABLE refund_his_notices (
    settlement_id  TEXT PRIMARY KEY REFERENCES settlements(id),
    status         TEXT NOT NULL CHECK (status IN ('pending', 'done', 'conflict')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    updated_at     TEXT NOT NULL
  ) STRICT;
  `,
  // 9: a year of visits (~200,000) made the patient's 查询 and the admin overview read every visit:
  // 查询 lists one person's visits newest first (SCAN + a temp B-tree without this), and the
  // overview's totals find the visits that reached 'settled' in a time window (every closed visit's
  // events walked without the second).
  `
  CREATE INDEX settlements_by_person ON settlements(psn_no, created_at);
  CREATE INDEX settlement_events_by_state ON settlement_events(to_state, at);
  `,
  // 10: two more reads that walked a year of visits on every settlement (bench:terminal's profile on
  // 200,000 visits: ~565 ms and ~475 ms a visit): the answer check's "no other visit holds this
  // setl_id", and the 电子哨兵 repeat-visit rule's visits since a time.
  `
  CREATE INDEX settlements_by_setl_id ON settlements(setl_id) WHERE setl_id IS NOT NULL;
  CREATE INDEX settlements_by_created ON settlements(created_at);
  `,
  // 11: bytes per settlement (issue 15; dbstat on a replayed journal, bench:journal-bytes).
  // - The index on every event's (to_state, at) held ~5 entries a visit for reads that only ever
  //   ask for 'settled' events in a time window (the overview's totals, the staff refund list):
  //   a partial index on the settled events alone answers them, at a fifth of the entries. to_state
  //   stays its first column: without it the planner (no ANALYZE statistics) went by the visits'
  //   state index and sorted (journal.test.ts holds both reads to this index).
  // - A call's reply goes in its own table, written whole when it comes. As a column of the call's
  //   row it grew the row after insert, and the pages the rows had filled split, leaving ~13 % of the
  //   outbox unused. Replies an older terminal wrote stay in outbox.sealed_response and are read
  //   from there (outbox.ts reads the new table first); nothing is moved.
  // - A visit's row grows the same way (mdtrt_id, the split, setl_id come later): it is written with
  //   room for them, given up as they come (settlements.ts).
  `
  DROP INDEX settlement_events_by_state;
  CREATE INDEX settlement_events_settled ON settlement_events(to_state, at) WHERE to_state = 'settled';
  -- Zero bytes held in a new visit's row for what the visit writes later (settlements.ts).
  ALTER TABLE settlements ADD COLUMN room BLOB;
  CREATE TABLE outbox_replies (
    outbox_id  INTEGER PRIMARY KEY REFERENCES outbox(id) ON DELETE CASCADE,
    sealed     BLOB NOT NULL
  ) STRICT;
  `,
  // 12: the msgid clock's place kept with each call (msgid-clock.ts), not rewritten in meta by every
  // call: one page fewer in each commit that queues a call. Calls queued before keep NULL; the
  // clock's last value in meta, written with each of them, stays as the floor that covers them.
  `
  ALTER TABLE outbox ADD COLUMN clock INTEGER;
  `,
  // 13: how the cash part is paid, unsealed (a word, no patient data): the staff overview totals a day's
  // cash by it, and opening every visit settled today for it cost about a second on a busy day.
  // Visits written before it keep NULL and are read from their context.
  `
  ALTER TABLE settlements ADD COLUMN pay_method TEXT;
  `,
];
