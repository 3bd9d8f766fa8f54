//! The daily counts (`daily_counts`, migrations 0007 and 0008) that reports read: rows per
//! survey, kind, event, UTC day and score, each spread over [`SHARDS`] rows. Every write of
//! `events` keeps them current here, in the same transaction: an insert adds one, a response
//! whose score or day changes moves its one, and erasure and retention subtract what they delete.
//!
//! Every change is an upsert of a delta, so a count is the **sum of its shards**; one shard's row
//! may go below zero (a deletion is subtracted from shard 0), the sum never does.

use crate::ingest::Valid;
use sqlx::{Any, Transaction};
use std::collections::BTreeMap;
use survey_widget::core::hash::fnv1a64;

/// Milliseconds in a day: `day = at_ms / DAY_MS`, as in the migration.
pub const DAY_MS: i64 = 86_400_000;
/// Rows each count is spread over, so concurrent writes of one survey and day do not all wait
/// for one row's lock on PostgreSQL.
pub const SHARDS: u64 = 16;

/// The shard an event's writes go to: from its id, so a repeat of the event moves its own one.
pub(crate) fn shard_of(id: &str) -> i64 {
    // Below SHARDS: the conversion cannot fail.
    i64::try_from(fnv1a64(id.as_bytes()) % SHARDS).unwrap_or(0)
}

/// Where one event is counted.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub(crate) struct CountedAs {
    pub survey_id: String,
    pub kind: String,
    pub event: String,
    pub score: Option<i64>,
    pub at_ms: i64,
    pub week: String,
}

impl CountedAs {
    /// Where `valid` is counted once stored.
    pub(crate) fn of(valid: &Valid) -> CountedAs {
        let e = &valid.event;
        CountedAs {
            survey_id: e.survey_id.clone(),
            kind: e.kind.key().into(),
            event: e.event.key().into(),
            score: e.score.map(i64::from),
            at_ms: valid.at_ms,
            week: valid.week.clone(),
        }
    }
}

/// The count changes of one transaction, written together by [`Tally::write`]: one upsert per
/// count however many of its events changed it (a group commit's batch often holds hundreds of
/// events of one survey and day), in key order, so that two PostgreSQL transactions lock the
/// rows they share in the same order (never a deadlock).
#[derive(Debug, Default)]
pub(crate) struct Tally(BTreeMap<CountKey, Change>);

/// A count: survey, kind, event, day and score (`-1` for none).
type CountKey = (String, String, String, i64, i64);

/// What a [`Tally`] adds to one count.
#[derive(Debug)]
struct Change {
    n: i64,
    week: String,
}

impl Tally {
    /// Adds `delta` (1 or -1) to the count of `event`.
    pub(crate) fn add(&mut self, event: &CountedAs, delta: i64) {
        let key = (
            event.survey_id.clone(),
            event.kind.clone(),
            event.event.clone(),
            event.at_ms / DAY_MS,
            event.score.unwrap_or(-1),
        );
        let change = self.0.entry(key).or_insert_with(|| Change {
            n: 0,
            week: event.week.clone(),
        });
        change.n += delta;
    }

    /// Takes in the changes of `other` (a request whose writes were kept).
    pub(crate) fn merge(&mut self, other: Tally) {
        for (key, change) in other.0 {
            let mine = self.0.entry(key).or_insert(Change { n: 0, ..change });
            mine.n += change.n;
        }
    }

    /// Writes the changes into `shard` of their counts, in `tx`.
    pub(crate) async fn write(
        self,
        tx: &mut Transaction<'_, Any>,
        shard: i64,
    ) -> Result<(), sqlx::Error> {
        for ((survey_id, kind, event, day, score), change) in self.0 {
            if change.n == 0 {
                continue;
            }
            sqlx::query(
                "INSERT INTO daily_counts \
                 (survey_id, kind, event, day, week, score, shard, n) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (survey_id, kind, event, day, score, shard) \
                 DO UPDATE SET n = daily_counts.n + excluded.n",
            )
            .bind(survey_id)
            .bind(kind)
            .bind(event)
            .bind(day)
            .bind(change.week)
            .bind(score)
            .bind(shard)
            .bind(change.n)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

/// Deletes the events that `condition` (a `WHERE` clause over `events`, with `$1`) selects and
/// subtracts them from their counts (in shard 0: only the sum of the shards counts); returns
/// how many were deleted. On PostgreSQL one statement does both, so an event written
/// meanwhile is either deleted and subtracted or neither; on SQLite the transaction already
/// holds the one write lock.
pub(crate) async fn delete_counted<B>(
    tx: &mut Transaction<'_, Any>,
    condition: &str,
    bind: B,
) -> Result<u64, sqlx::Error>
where
    B: for<'q> sqlx::Encode<'q, Any> + sqlx::Type<Any> + Send + Clone + 'static,
{
    if tx.backend_name() == "PostgreSQL" {
        let subtract = count_into_shard_0("-COUNT(*)", "gone WHERE TRUE");
        let sql = format!(
            "WITH gone AS (DELETE FROM events WHERE {condition} \
             RETURNING survey_id, kind, event, at_ms, week, score), \
             counted AS ({subtract}) SELECT COUNT(*) FROM gone"
        );
        let deleted: i64 = sqlx::query_scalar(&sql)
            .bind(bind)
            .fetch_one(&mut **tx)
            .await?;
        return Ok(u64::try_from(deleted).unwrap_or(0));
    }
    let subtract = count_into_shard_0("-COUNT(*)", &format!("events WHERE {condition}"));
    sqlx::query(&subtract)
        .bind(bind.clone())
        .execute(&mut **tx)
        .await?;
    let deleted = sqlx::query(&format!("DELETE FROM events WHERE {condition}"))
        .bind(bind)
        .execute(&mut **tx)
        .await?;
    Ok(deleted.rows_affected())
}

/// An upsert into shard 0 of the events that `source` (`table WHERE condition`) selects,
/// grouped as the counts are, with `n` as the value of `n`. A row that is there already gets
/// the new `n` added.
fn count_into_shard_0(n: &str, source: &str) -> String {
    // The `WHERE` before `GROUP BY` also keeps SQLite from reading `ON CONFLICT` as a join's.
    format!(
        "INSERT INTO daily_counts (survey_id, kind, event, day, week, score, shard, n) \
         SELECT survey_id, kind, event, at_ms / {DAY_MS}, MIN(week), COALESCE(score, -1), 0, \
         {n} FROM {source} \
         GROUP BY survey_id, kind, event, at_ms / {DAY_MS}, COALESCE(score, -1) \
         ON CONFLICT (survey_id, kind, event, day, score, shard) \
         DO UPDATE SET n = daily_counts.n + excluded.n"
    )
}

/// Counts survey `survey_id` afresh from its events (after a bulk load that bypassed
/// [`add`], such as `generate events`).
pub(crate) async fn recount(
    tx: &mut Transaction<'_, Any>,
    survey_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM daily_counts WHERE survey_id = $1")
        .bind(survey_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(&count_into_shard_0(
        "COUNT(*)",
        "events WHERE survey_id = $1",
    ))
    .bind(survey_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_events_shard_is_one_of_the_shards_and_stays_its_own() {
        let shards: std::collections::HashSet<i64> =
            (0..200).map(|n| shard_of(&format!("event-{n}"))).collect();
        assert_eq!(shards.len(), 16, "ids spread over every shard");
        assert!(shards.iter().all(|shard| (0..16).contains(shard)));
        assert_eq!(shard_of("event-7"), shard_of("event-7"));
    }
}
