//! The daily counts (`daily_counts`, migration 0007) that reports read: rows per survey, kind,
//! event, UTC day and score (spread over [`SHARDS`]). Every write of `events` keeps them current here, in the
//! same transaction: an insert adds one, a response whose score or day changes moves its one,
//! and erasure and retention subtract what they delete.

use sqlx::{Any, Transaction};

/// Milliseconds in a day: `day = at_ms / DAY_MS`, as in the migration.
pub const DAY_MS: i64 = 86_400_000;
/// Rows each count is spread over (`shard = at_ms % SHARDS`), so concurrent writes of one
/// survey and day do not all wait for one row's lock on PostgreSQL.
pub const SHARDS: i64 = 16;

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

/// Adds `delta` (1 or -1) to the count of `event`.
pub(crate) async fn add(
    tx: &mut Transaction<'_, Any>,
    event: &CountedAs,
    delta: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO daily_counts (survey_id, kind, event, day, week, score, shard, n, latest_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $9, $7, $8) \
         ON CONFLICT (survey_id, kind, event, day, score, shard) \
         DO UPDATE SET n = daily_counts.n + excluded.n, \
         latest_ms = CASE WHEN excluded.latest_ms > daily_counts.latest_ms \
         THEN excluded.latest_ms ELSE daily_counts.latest_ms END",
    )
    .bind(&event.survey_id)
    .bind(&event.kind)
    .bind(&event.event)
    .bind(event.at_ms / DAY_MS)
    .bind(&event.week)
    .bind(event.score.unwrap_or(-1))
    .bind(delta)
    .bind(event.at_ms)
    .bind(event.at_ms % SHARDS)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Where the stored event `id` is counted, if it is stored.
pub(crate) async fn counted_as(
    tx: &mut Transaction<'_, Any>,
    id: &str,
) -> Result<Option<CountedAs>, sqlx::Error> {
    sqlx::query_as("SELECT survey_id, kind, event, score, at_ms, week FROM events WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

/// Subtracts the events that `condition` (a `WHERE` clause over `events`, with `$1`) selects,
/// before they are deleted.
pub(crate) async fn subtract_where(
    tx: &mut Transaction<'_, Any>,
    condition: &str,
    bind: impl for<'q> sqlx::Encode<'q, Any> + sqlx::Type<Any> + Send + 'static,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "UPDATE daily_counts SET n = daily_counts.n - gone.n FROM \
         (SELECT survey_id, kind, event, at_ms / {DAY_MS} AS day, COALESCE(score, -1) AS score, \
         at_ms % {SHARDS} AS shard, COUNT(*) AS n FROM events WHERE {condition} \
         GROUP BY survey_id, kind, event, at_ms / {DAY_MS}, COALESCE(score, -1), at_ms % {SHARDS}) \
         AS gone WHERE daily_counts.survey_id = gone.survey_id AND daily_counts.kind = gone.kind \
         AND daily_counts.event = gone.event AND daily_counts.day = gone.day \
         AND daily_counts.score = gone.score AND daily_counts.shard = gone.shard"
    );
    sqlx::query(&sql).bind(bind).execute(&mut **tx).await?;
    Ok(())
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
    sqlx::query(&format!(
        "INSERT INTO daily_counts (survey_id, kind, event, day, week, score, shard, n, latest_ms) \
         SELECT survey_id, kind, event, at_ms / {DAY_MS}, MIN(week), COALESCE(score, -1), \
         at_ms % {SHARDS}, COUNT(*), MAX(at_ms) FROM events WHERE survey_id = $1 \
         GROUP BY survey_id, kind, event, at_ms / {DAY_MS}, COALESCE(score, -1), at_ms % {SHARDS}"
    ))
    .bind(survey_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
