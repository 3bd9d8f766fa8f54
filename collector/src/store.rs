//! The event store: SQLite by default, PostgreSQL with the `postgres` feature, through `sqlx::Any`.
//! Every query is portable SQL with `$N` placeholders (both drivers accept them).

use crate::filter::Filter;
use crate::group_commit;
use crate::ingest::Valid;
use crate::webhooks;
use futures_util::StreamExt;
use serde::Serialize;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyConnection, AnyPool, Connection, Executor, FromRow};
use survey_widget::core::event::EventKind;
use survey_widget::core::metric::Kind;
use tokio::sync::mpsc;

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

/// A response replaces the stored response with the same id (a `null` comment keeps the stored
/// one, so a late retry of the score-only post cannot erase the comment) when it is the same
/// survey, kind and visitor; any other repeat changes nothing (see [`Store::insert`]).
const INSERT: &str = "INSERT INTO events (id, event, survey_id, kind, score, category, comment, \
    visitor_id, locale, page_url, at, at_ms, week, widget_version, survey_version, received_at, \
    comment_lower) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
    ON CONFLICT (id) DO UPDATE SET score = excluded.score, category = excluded.category, \
    comment = COALESCE(excluded.comment, events.comment), \
    comment_lower = COALESCE(excluded.comment_lower, events.comment_lower), \
    locale = excluded.locale, page_url = excluded.page_url, at = excluded.at, \
    at_ms = excluded.at_ms, week = excluded.week, widget_version = excluded.widget_version, \
    survey_version = excluded.survey_version, received_at = excluded.received_at \
    WHERE events.event = 'response' AND excluded.event = 'response' \
    AND events.survey_id = excluded.survey_id AND events.kind = excluded.kind \
    AND events.visitor_id IS NOT DISTINCT FROM excluded.visitor_id";

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

#[derive(FromRow, PartialEq)]
struct Identity {
    event: String,
    survey_id: String,
    kind: String,
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
    /// ([`group_commit`]); on PostgreSQL each request is its own transaction.
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
        let mut tx = self.pool.begin().await?;
        write_events(&mut tx, events, received_at, settle_ms, &webhooks).await?;
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

    /// Counts of every survey, by survey id.
    pub async fn surveys(&self) -> Result<Vec<SurveyCounts>, sqlx::Error> {
        self.counts(None, &Filter::default()).await
    }

    /// Counts of one survey within the filter's dates, `None` when nothing was ever stored for it.
    pub async fn survey(
        &self,
        survey_id: &str,
        filter: &Filter,
    ) -> Result<Option<SurveyCounts>, sqlx::Error> {
        Ok(self.counts(Some(survey_id), filter).await?.pop())
    }

    /// Counts within the filter's dates of one survey or (`None`) of all; the kind of a survey
    /// is that of its latest response of all time.
    async fn counts(
        &self,
        survey_id: Option<&str>,
        filter: &Filter,
    ) -> Result<Vec<SurveyCounts>, sqlx::Error> {
        let (start, end) = filter.range_ms();
        let rows = sqlx::query_as(
            "SELECT survey_id, kind, event, COUNT(CASE WHEN at_ms >= $2 AND at_ms < $3 THEN 1 END), \
             MAX(at_ms) FROM events WHERE ($1 IS NULL OR survey_id = $1) \
             GROUP BY survey_id, kind, event ORDER BY survey_id",
        )
        .bind(survey_id)
        .bind(start)
        .bind(end)
        .fetch_all(&self.reports)
        .await?;
        Ok(survey_counts(rows))
    }

    /// Responses per ISO week and score: `(week, score, count)`, oldest week first.
    /// Only the filter's dates apply.
    pub async fn scores_by_week(
        &self,
        survey_id: &str,
        kind: Kind,
        filter: &Filter,
    ) -> Result<Vec<(String, u8, u64)>, sqlx::Error> {
        let (start, end) = filter.range_ms();
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT week, score, COUNT(*) FROM events \
             WHERE survey_id = $1 AND kind = $2 AND event = 'response' AND score IS NOT NULL \
             AND at_ms >= $3 AND at_ms < $4 GROUP BY week, score ORDER BY week, score",
        )
        .bind(survey_id)
        .bind(kind.key())
        .bind(start)
        .bind(end)
        .fetch_all(&self.reports)
        .await?;
        Ok(score_counts(rows))
    }

    /// Responses per value of attribute `name` and score: `(value, score, count)`, by value.
    /// Only the filter's dates apply.
    pub async fn scores_by_attribute(
        &self,
        survey_id: &str,
        kind: Kind,
        name: &str,
        filter: &Filter,
    ) -> Result<Vec<(String, u8, u64)>, sqlx::Error> {
        let (start, end) = filter.range_ms();
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT a.value, e.score, COUNT(*) FROM events e JOIN event_attributes a \
             ON a.event_id = e.id AND a.name = $1 \
             WHERE e.survey_id = $2 AND e.kind = $3 AND e.event = 'response' \
             AND e.score IS NOT NULL AND e.at_ms >= $4 AND e.at_ms < $5 \
             GROUP BY a.value, e.score ORDER BY a.value, e.score",
        )
        .bind(name)
        .bind(survey_id)
        .bind(kind.key())
        .bind(start)
        .bind(end)
        .fetch_all(&self.reports)
        .await?;
        Ok(score_counts(rows))
    }

    /// The newest comments the filter selects (at most [`MAX_REPORT_COMMENTS`]), newest first.
    pub async fn comments(
        &self,
        survey_id: &str,
        kind: Kind,
        filter: &Filter,
    ) -> Result<Vec<CommentRow>, sqlx::Error> {
        let tail =
            format!("AND comment IS NOT NULL ORDER BY at_ms DESC, id LIMIT {MAX_REPORT_COMMENTS}");
        self.responses(
            "id, score, category, comment, at, locale",
            survey_id,
            kind,
            filter,
            &tail,
        )
        .await
    }

    /// `columns` of the responses of `kind` that `filter` selects, then `tail` (ordering).
    async fn responses<T>(
        &self,
        columns: &str,
        survey_id: &str,
        kind: Kind,
        filter: &Filter,
        tail: &str,
    ) -> Result<Vec<T>, sqlx::Error>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let (start, end) = filter.range_ms();
        sqlx::query_as(&responses_sql(columns, tail))
            .bind(survey_id)
            .bind(kind.key())
            .bind(start)
            .bind(end)
            .bind(filter.category.as_deref())
            .bind(filter.like_pattern())
            .fetch_all(&self.reports)
            .await
    }

    /// The responses the filter selects, oldest first, streamed: read by a task of their own
    /// (in a read transaction without the report pool's statement timeout: the statement lasts
    /// as long as the download) and handed over through a small channel, so an export of any
    /// size holds a few rows at a time. A database error ends the stream (after being sent).
    pub fn response_stream(
        &self,
        survey_id: &str,
        kind: Kind,
        filter: &Filter,
    ) -> mpsc::Receiver<Result<EventRow, sqlx::Error>> {
        let (sender, rows) = mpsc::channel(256);
        let pool = self.reports.clone();
        let sql = responses_sql(&EVENT_COLUMNS.join(", "), "ORDER BY at_ms, id");
        let (start, end) = filter.range_ms();
        let survey_id = survey_id.to_owned();
        let (category, like) = (filter.category.clone(), filter.like_pattern());
        let postgres = self.postgres;
        tokio::spawn(async move {
            let mut tx = match pool.begin().await {
                Ok(tx) => tx,
                Err(error) => {
                    let _ = sender.send(Err(error)).await;
                    return;
                }
            };
            // The statement stays open while the client downloads: the report pool's
            // statement timeout would cut a long export off midway.
            if postgres {
                let unlimited = sqlx::query("SET LOCAL statement_timeout = 0");
                if let Err(error) = unlimited.execute(&mut *tx).await {
                    let _ = sender.send(Err(error)).await;
                    return;
                }
            }
            let mut found = sqlx::query_as::<_, EventRow>(&sql)
                .bind(survey_id)
                .bind(kind.key())
                .bind(start)
                .bind(end)
                .bind(category)
                .bind(like)
                .fetch(&mut *tx);
            while let Some(row) = found.next().await {
                let failed = row.is_err();
                // A closed channel: the client went away.
                if sender.send(row).await.is_err() || failed {
                    break;
                }
            }
        });
        rows
    }

    /// A page of a survey's stored events, oldest first: at most `limit` after the event at
    /// `after` (`(at_ms, id)` of the previous page's last event).
    pub async fn events(
        &self,
        survey_id: &str,
        after: Option<(i64, &str)>,
        limit: u32,
    ) -> Result<Vec<EventRow>, sqlx::Error> {
        // Two statements rather than `$2 IS NULL OR ...`, so both databases walk the
        // (survey_id, at_ms, id) index.
        let after_clause = if after.is_some() {
            "AND (at_ms, id) > ($2, $3)"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {}, at_ms FROM events WHERE survey_id = $1 {after_clause} \
             ORDER BY at_ms, id LIMIT {limit}",
            EVENT_COLUMNS.join(", ")
        );
        let query = sqlx::query_as(&sql).bind(survey_id);
        let query = match after {
            Some((at_ms, id)) => query.bind(at_ms).bind(id),
            None => query,
        };
        query.fetch_all(&self.reports).await
    }
}

/// Writes `events` in `tx` (see [`Store::insert`]); on a conflict, what it wrote is left for
/// the caller to roll back.
pub(crate) async fn write_events(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    events: &[Valid],
    received_at: &str,
    settle_ms: i64,
    webhooks: &[webhooks::Webhook],
) -> Result<(), InsertError> {
    for (
        index,
        Valid {
            event: e,
            at_ms,
            week,
            attributes,
        },
    ) in events.iter().enumerate()
    {
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
        let written = sqlx::query(INSERT)
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
            .bind(*at_ms)
            .bind(week)
            .bind(&e.widget_version)
            .bind(&e.survey_version)
            .bind(received_at)
            .bind(e.comment.as_deref().map(str::to_lowercase))
            .execute(&mut **tx)
            .await?;
        if written.rows_affected() == 0 {
            let stored: Identity = sqlx::query_as(
                "SELECT event, survey_id, kind, visitor_id FROM events WHERE id = $1",
            )
            .bind(&e.id)
            .fetch_one(&mut **tx)
            .await?;
            let sent = Identity {
                event: e.event.key().into(),
                survey_id: e.survey_id.clone(),
                kind: e.kind.key().into(),
                visitor_id: e.visitor_id.clone(),
            };
            if stored != sent {
                return Err(InsertError::Conflict(index));
            }
        }
        if e.event == EventKind::Response && !webhooks.is_empty() {
            webhooks::enqueue(tx, webhooks, e, settle_ms).await?;
        }
    }
    Ok(())
}

/// The statement behind [`Store::response_stream`] and the comment listings: `columns` of the responses a
/// filter selects, then `tail` (ordering). Binds: survey id, kind, start and end ms, category,
/// comment pattern.
fn responses_sql(columns: &str, tail: &str) -> String {
    format!(
        "SELECT {columns} FROM events WHERE survey_id = $1 AND kind = $2 AND event = 'response' \
         AND score IS NOT NULL AND category IS NOT NULL AND at_ms >= $3 AND at_ms < $4 \
         AND ($5 IS NULL OR category = $5) AND ($6 IS NULL OR comment_lower LIKE $6 ESCAPE '\\') {tail}"
    )
}

/// `(group, score, count)` rows as the reports use them; a score that is not 0-255 (never
/// stored) is left out.
fn score_counts(rows: Vec<(String, i64, i64)>) -> Vec<(String, u8, u64)> {
    rows.into_iter()
        .filter_map(|(group, score, n)| Some((group, u8::try_from(score).ok()?, count(n))))
        .collect()
}

/// Folds `(survey_id, kind, event, count, latest at_ms)` rows, sorted by survey id, into counts
/// per survey for the kind of its latest response (or of its latest event).
fn survey_counts(rows: Vec<(String, String, String, i64, i64)>) -> Vec<SurveyCounts> {
    let mut out = Vec::new();
    let mut rest = rows.as_slice();
    while let Some((first, _)) = rest.split_first() {
        let len = rest.iter().take_while(|row| row.0 == first.0).count();
        let (group, tail) = rest.split_at(len);
        rest = tail;
        let latest = |only_responses: bool| {
            group
                .iter()
                .filter(|row| !only_responses || row.2 == "response")
                .filter_map(|row| Some((row.4, Kind::from_key(&row.1)?)))
                .max_by_key(|(at, _)| *at)
                .map(|(_, kind)| kind)
        };
        let Some(kind) = latest(true).or_else(|| latest(false)) else {
            continue;
        };
        let total = |event: &str| {
            group
                .iter()
                .filter(|row| row.1 == kind.key() && row.2 == event)
                .map(|row| count(row.3))
                .sum()
        };
        out.push(SurveyCounts {
            survey_id: first.0.clone(),
            kind,
            responses: total("response"),
            shown: total("shown"),
            dismissed: total("dismissed"),
        });
    }
    out
}

/// A SQL count as `u64`.
fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}
