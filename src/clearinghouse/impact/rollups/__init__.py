"""Rollups: the figures' counts kept up to date as records are written, so that a
sheet reads a few small tables instead of scanning every record of a year.

- ``counters`` says what each source table adds to which counter (one definition, from
  which both the database triggers and ``rebuild`` are generated);
- ``triggers`` installs those definitions as SQLite or PostgreSQL triggers;
- ``store`` reads the counters, compacts the deltas and rebuilds everything from the
  records.

Why triggers: records are written by the ORM, by ``QuerySet.update``, by bulk import
and by the intake hot path's compiled SQL (``core.fastsql``), which no Django signal
sees. A trigger sees every one of them, in the writer's own transaction, so a rollup
is never ahead of or behind the records it counts.

Why deltas: a trigger only appends a row to ``impact_rollup_delta`` (no counter row is
updated, so concurrent writers never wait on each other's row lock); a scheduled job
folds the deltas into ``impact_rollup``, and a read sums both in one statement.
"""
