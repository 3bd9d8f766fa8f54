//! The event store: SQLite by default, PostgreSQL with the `postgres` feature, through `sqlx::Any`.
//! Every query is portable SQL with `$N` placeholders (both drivers accept them).

use crate::group_commit;
use crate::ingest::Valid;
use crate::webhooks;
use serde::Serialize;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyConnection, AnyPool, Connection, Executor, FromRow};
use survey_widget::core::event::EventKind;
use survey_widget::core::metric::Kind;

mod daily;
mod reports;

pub use daily::DAY_MS;
pub(crate) use daily::{delete_counted, recount as recount_daily, CountedAs, Tally};

pub use reports::GroupedScoreCount;

/// A handle on the database (cheap to clone; a connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    /// Ingest, accounts, surveys and settings.
    pub(crate) pool: AnyPool,
    /// Reports, listings and exports (reads that may be slow).
    pub(crate) reports: AnyPool,
    /// PostgreSQL rather than SQLite (for the few statements that differ).
    postgres: bool,
    /// On SQLite, the one task that writes events, many requests per transaction
    /// ([`group_commit`]).
    writer: Option<group_commit::Writer>,
}

/// How long a report statement may run on PostgreSQL, in milliseconds.
pub const REPORT_STATEMENT_TIMEOUT_MS: u32 = 10_000;

/// Counts of one survey, for the kind its report uses.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SurveyCounts {
    /// The survey's id.
    pub survey_id: String,
    /// The kind of its latest response (of its latest event when it has no response).
    pub kind: Kind,
    /// Stored responses of that kind.
    pub responses: u64,
    /// Stored `shown` events of that kind.
    pub shown: u64,
    /// Stored `dismissed` events of that kind.
    pub dismissed: u64,
}

/// One stored event, as `GET /v1/events` returns it and the CSV export lists it.
#[derive(Clone, Debug, Serialize, FromRow)]
pub struct EventRow {
    /// The event's id.
    pub id: String,
    /// `shown`, `response` or `dismissed`.
    pub event: String,
    /// The survey's id.
    pub survey_id: String,
    /// The survey's kind.
    pub kind: String,
    /// The score (responses only).
    pub score: Option<i64>,
    /// The category the collector computed from the score.
    pub category: Option<String>,
    /// The follow-up comment.
    pub comment: Option<String>,
    /// The visitor's id, if known.
    pub visitor_id: Option<String>,
    /// The survey's locale.
    pub locale: String,
    /// The page it happened on.
    pub page_url: String,
    /// When it happened, as the widget sent it.
    pub at: String,
    /// When the collector (last) stored it.
    pub received_at: String,
    /// The widget's version.
    pub widget_version: String,
    /// The hash of the survey's config.
    pub survey_version: String,
    /// `at` as Unix milliseconds (orders the pages of `GET /v1/events`).
    #[serde(skip)]
    #[sqlx(default)]
    pub at_ms: i64,
}

/// The columns of [`EventRow`], in its order.
pub const EVENT_COLUMNS: [&str; 14] = [
    "id",
    "event",
    "survey_id",
    "kind",
    "score",
    "category",
    "comment",
    "visitor_id",
    "locale",
    "page_url",
    "at",
    "received_at",
    "widget_version",
    "survey_version",
];

/// One comment, as the report lists it.
#[derive(Clone, Debug, Serialize, FromRow)]
pub struct CommentRow {
    /// The response's id.
    pub id: String,
    /// The response's score.
    pub score: i64,
    /// The score's category.
    pub category: String,
    /// The comment text (untrusted).
    pub comment: String,
    /// When it was answered.
    pub at: String,
    /// The survey's locale.
    pub locale: String,
}

/// Newest comments a report lists.
pub const MAX_REPORT_COMMENTS: usize = 500;

/// A new event; a repeated id changes nothing here (see [`write_events`]).
const INSERT: &str = "INSERT INTO events (id, event, survey_id, kind, score, category, comment, \
    visitor_id, locale, page_url, at, at_ms, week, widget_version, survey_version, received_at, \
    comment_lower) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
    ON CONFLICT (id) DO NOTHING";

/// [`INSERT`] and, when the event was new, its daily count, in one statement: PostgreSQL's
/// data-modifying `WITH` saves a round trip per event. Affects one row when the event was new.
const INSERT_COUNTED: &str = "WITH inserted AS (INSERT INTO events (id, event, survey_id, kind, \
    score, category, comment, visitor_id, locale, page_url, at, at_ms, week, widget_version, \
    survey_version, received_at, comment_lower) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
    ON CONFLICT (id) DO NOTHING RETURNING survey_id, kind, event, at_ms, week, score) \
    INSERT INTO daily_counts (survey_id, kind, event, day, week, score, shard, n) \
    SELECT survey_id, kind, event, at_ms / 86400000, week, COALESCE(score, -1), $18, 1 \
    FROM inserted ON CONFLICT (survey_id, kind, event, day, score, shard) DO UPDATE \
    SET n = daily_counts.n + 1";

/// A response replaces the stored response with the same id (a `null` comment keeps the stored
/// one, so a late retry of the score-only post cannot erase the comment).
const REPLACE_RESPONSE: &str = "UPDATE events SET score = $2, category = $3, \
    comment = COALESCE($4, comment), comment_lower = COALESCE($5, comment_lower), locale = $6, \
    page_url = $7, at = $8, at_ms = $9, week = $10, widget_version = $11, survey_version = $12, \
    received_at = $13 WHERE id = $1";

/// Why events were not stored.
#[derive(Debug)]
pub enum InsertError {
    /// The event at this index reuses a stored id for another event, survey, kind or visitor.
    Conflict(usize),
    /// The database failed.
    Database(sqlx::Error),
}

impl From<sqlx::Error> for InsertError {
    fn from(error: sqlx::Error) -> InsertError {
        InsertError::Database(error)
    }
}

/// A stored event, as a repeat of its id reads it: where it is counted, and its visitor (a
/// repeat must keep the event, survey, kind and visitor).
#[derive(FromRow)]
struct Stored {
    #[sqlx(flatten)]
    counted: daily::CountedAs,
    visitor_id: Option<String>,
}

impl Store {
    /// Connects to `url` (creating a SQLite file when the URL says `mode=rwc`) and migrates.
    ///
    /// Two pools: one for ingest and the console's writes, and a small one for reports, so a
    /// visitor's answer never waits behind an owner's slow report. On PostgreSQL, report
    /// statements end after [`REPORT_STATEMENT_TIMEOUT_MS`].
    pub async fn connect(url: &str) -> Result<Store, sqlx::Error> {
        sqlx::any::install_default_drivers();
        // One direct connection first: a pool would retry a refused connection until its
        // timeout and then report only that it timed out. It also switches a SQLite database
        // to WAL (readers never block the writer) once, before any pool connection exists.
        let mut first = AnyConnection::connect(url).await?;
        if first.backend_name() == "SQLite" {
            first.execute("PRAGMA journal_mode = WAL").await?;
        }
        first.close().await?;
        // Through `Any`, every connection to `sqlite::memory:` opens its own empty database: keep
        // exactly one, and never reap it (the database lives only while its connection is open).
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let options = |connections: u32, reports: bool| {
            AnyPoolOptions::new()
                .max_connections(connections)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        if conn.backend_name() == "SQLite" {
                            // An acknowledged event survives a power loss, not only a crash.
                            conn.execute("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000")
                                .await?;
                        } else if reports {
                            conn.execute(
                                format!("SET statement_timeout = {REPORT_STATEMENT_TIMEOUT_MS}")
                                    .as_str(),
                            )
                            .await?;
                        }
                        Ok(())
                    })
                })
        };
        let pool = options(if in_memory { 1 } else { 8 }, false)
            .connect(url)
            .await?;
        sqlx::migrate!().run(&pool).await?;
        let reports = if in_memory {
            pool.clone()
        } else {
            options(4, true).connect(url).await?
        };
        let mut store = Store {
            pool,
            reports,
            postgres: url.starts_with("postgres"),
            writer: None,
        };
        if !store.postgres {
            store.writer = Some(group_commit::Writer::spawn(store.clone()));
        }
        Ok(store)
    }

    /// Whether the database is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.postgres
    }

    /// Stores `events` in one transaction, stamped with `received_at`: all or none. A repeated
    /// id is harmless (idempotent) unless it names another event, survey, kind or visitor than
    /// the stored one: then nothing is stored ([`InsertError::Conflict`]). Responses queue their
    /// webhook deliveries in the same transaction (see [`webhooks::enqueue`]). Returns once the
    /// events are durable. On SQLite the writer task commits many requests together
    /// ([`group_commit`]); on PostgreSQL each request is its own transaction (a single
    /// statement when that is all it takes).
    pub async fn insert(
        &self,
        events: &[Valid],
        received_at: &str,
        settle_ms: i64,
    ) -> Result<(), InsertError> {
        if let Some(writer) = &self.writer {
            return writer.insert(events.to_vec(), received_at, settle_ms).await;
        }
        let webhooks = self.webhooks_for(events).await?;
        // The common request, one new event with nothing else to write, is one statement (its
        // own transaction): no BEGIN and COMMIT round trips. A repeat takes the full path.
        if let Some(lone) = lone_event(events, &webhooks).filter(|_| self.postgres) {
            if insert_new(&self.pool, true, lone, received_at).await? {
                return Ok(());
            }
        }
        let mut tx = self.pool.begin().await?;
        let tally = write_events(&mut tx, events, received_at, settle_ms, &webhooks).await?;
        // Concurrent requests spread their counts over the shards (PostgreSQL row locks).
        let shard = events
            .first()
            .map_or(0, |valid| daily::shard_of(&valid.event.id));
        tally.write(&mut tx, shard).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The webhooks, when `events` hold a response (which may need a delivery).
    pub(crate) async fn webhooks_for<'a>(
        &self,
        events: impl IntoIterator<Item = &'a Valid>,
    ) -> Result<Vec<webhooks::Webhook>, sqlx::Error> {
        if events
            .into_iter()
            .any(|v| v.event.event == EventKind::Response)
        {
            self.webhooks().await
        } else {
            Ok(Vec::new())
        }
    }
}

/// The one event of a request that has nothing else to write (no attributes, no webhook to
/// queue for): if it is new, its insert alone is the whole request.
pub(crate) fn lone_event<'a>(
    events: &'a [Valid],
    webhooks: &[webhooks::Webhook],
) -> Option<&'a Valid> {
    match events {
        [lone] if lone.attributes.is_empty() && webhooks.is_empty() => Some(lone),
        _ => None,
    }
}

/// Inserts `valid`'s event if its id is new and says whether it was: `false` for a repeat,
/// which changes nothing here (see [`write_events`]). With `counted` (PostgreSQL only) the same
/// statement also counts it ([`INSERT_COUNTED`]); otherwise the caller does.
pub(crate) async fn insert_new<'c>(
    executor: impl Executor<'c, Database = sqlx::Any>,
    counted: bool,
    valid: &Valid,
    received_at: &str,
) -> Result<bool, sqlx::Error> {
    let e = &valid.event;
    let insert = sqlx::query(if counted { INSERT_COUNTED } else { INSERT })
        .bind(&e.id)
        .bind(e.event.key())
        .bind(&e.survey_id)
        .bind(e.kind.key())
        .bind(e.score.map(i64::from))
        .bind(e.category.map(|c| c.key()))
        .bind(e.comment.as_deref())
        .bind(e.visitor_id.as_deref())
        .bind(&e.locale)
        .bind(&e.page_url)
        .bind(&e.at)
        .bind(valid.at_ms)
        .bind(&valid.week)
        .bind(&e.widget_version)
        .bind(&e.survey_version)
        .bind(received_at)
        .bind(e.comment.as_deref().map(str::to_lowercase));
    let insert = if counted {
        insert.bind(daily::shard_of(&e.id))
    } else {
        insert
    };
    Ok(insert.execute(executor).await?.rows_affected() == 1)
}

/// Writes `events` in `tx` (see [`Store::insert`]) and returns the daily count changes they
/// make that are not written yet, for the caller to write in the same transaction ([`Tally`]);
/// on a conflict, what it wrote is left for the caller to roll back.
pub(crate) async fn write_events(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    events: &[Valid],
    received_at: &str,
    settle_ms: i64,
    webhooks: &[webhooks::Webhook],
) -> Result<Tally, InsertError> {
    let mut tally = Tally::default();
    let postgres = tx.backend_name() == "PostgreSQL";
    for (index, valid) in events.iter().enumerate() {
        let Valid {
            event: e,
            at_ms,
            week,
            attributes,
        } = valid;
        for (name, value) in attributes {
            sqlx::query(
                "INSERT INTO event_attributes (event_id, name, value) VALUES ($1, $2, $3) \
                 ON CONFLICT (event_id, name) DO NOTHING",
            )
            .bind(&e.id)
            .bind(name)
            .bind(value)
            .execute(&mut **tx)
            .await?;
        }
        let counted = daily::CountedAs::of(valid);
        // Counted at the end, all counts in one order (see [`Tally`]), not row by row.
        let inserted = insert_new(&mut **tx, false, valid, received_at).await?;
        if inserted {
            tally.add(&counted, 1);
        } else {
            // A repeat: read the stored event, locked on PostgreSQL until this transaction ends
            // (a concurrent repeat waits, then sees this one's result and counts nothing twice).
            let lock = if postgres { " FOR UPDATE" } else { "" };
            let stored: Stored = sqlx::query_as(&format!(
                "SELECT survey_id, kind, event, score, at_ms, week, visitor_id FROM events \
                 WHERE id = $1{lock}"
            ))
            .bind(&e.id)
            .fetch_one(&mut **tx)
            .await?;
            let was = &stored.counted;
            let same = was.event == counted.event
                && was.survey_id == counted.survey_id
                && was.kind == counted.kind
                && stored.visitor_id == e.visitor_id;
            if !same {
                return Err(InsertError::Conflict(index));
            }
            if e.event == EventKind::Response {
                sqlx::query(REPLACE_RESPONSE)
                    .bind(&e.id)
                    .bind(e.score.map(i64::from))
                    .bind(e.category.map(|c| c.key()))
                    .bind(e.comment.as_deref())
                    .bind(e.comment.as_deref().map(str::to_lowercase))
                    .bind(&e.locale)
                    .bind(&e.page_url)
                    .bind(&e.at)
                    .bind(*at_ms)
                    .bind(week)
                    .bind(&e.widget_version)
                    .bind(&e.survey_version)
                    .bind(received_at)
                    .execute(&mut **tx)
                    .await?;
                tally.add(&stored.counted, -1);
                tally.add(&counted, 1);
            }
        }
        if e.event == EventKind::Response && !webhooks.is_empty() {
            webhooks::enqueue(tx, webhooks, e, settle_ms).await?;
        }
    }
    Ok(tally)
}
