//! What the reports, listings and exports read: counts per survey, scores by week and by
//! attribute, comments, the CSV stream and paged events. All on the report pool.

use super::{CommentRow, EventRow, Store, SurveyCounts, EVENT_COLUMNS, MAX_REPORT_COMMENTS};
use crate::filter::Filter;
use futures_util::StreamExt;
use sqlx::any::AnyRow;
use sqlx::FromRow;
use survey_widget::core::metric::Kind;
use tokio::sync::mpsc;

impl Store {
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
    /// is that of its latest response of all time (of its latest event when it has none).
    async fn counts(
        &self,
        survey_id: Option<&str>,
        filter: &Filter,
    ) -> Result<Vec<SurveyCounts>, sqlx::Error> {
        let (start, end) = days(filter);
        // From the daily counts: a survey's whole history is a few rows a day.
        let rows: Vec<EventTally> = sqlx::query_as(
            "SELECT survey_id, kind, event, \
             CAST(SUM(CASE WHEN day >= $2 AND day < $3 THEN n ELSE 0 END) AS BIGINT) AS n \
             FROM daily_counts WHERE ($1 IS NULL OR survey_id = $1) \
             GROUP BY survey_id, kind, event HAVING SUM(n) > 0 ORDER BY survey_id",
        )
        .bind(survey_id)
        .bind(start)
        .bind(end)
        .fetch_all(&self.reports)
        .await?;
        let mut out = Vec::new();
        for survey in rows.chunk_by(|a, b| a.survey_id == b.survey_id) {
            let Some(survey_id) = survey.first().map(|row| row.survey_id.as_str()) else {
                continue;
            };
            let kind = match sole_kind(survey) {
                Some(kind) => Some(kind),
                None => self.latest_kind(survey_id).await?,
            };
            out.extend(kind.map(|kind| survey_counts(survey_id, survey, kind)));
        }
        Ok(out)
    }

    /// The kind of the survey's latest response, or of its latest event when it has none:
    /// read from its events (the counts do not say when), when it has events of several kinds.
    async fn latest_kind(&self, survey_id: &str) -> Result<Option<Kind>, sqlx::Error> {
        const LATEST: [&str; 2] = [
            "SELECT kind FROM events WHERE survey_id = $1 AND event = 'response' \
             ORDER BY at_ms DESC, id DESC LIMIT 1",
            "SELECT kind FROM events WHERE survey_id = $1 ORDER BY at_ms DESC, id DESC LIMIT 1",
        ];
        for sql in LATEST {
            let kind: Option<String> = sqlx::query_scalar(sql)
                .bind(survey_id)
                .fetch_optional(&self.reports)
                .await?;
            if let Some(kind) = kind {
                return Ok(Kind::from_key(&kind));
            }
        }
        Ok(None)
    }

    /// Responses per ISO week and score, oldest week first.
    /// Only the filter's dates apply.
    pub async fn scores_by_week(
        &self,
        survey_id: &str,
        kind: Kind,
        filter: &Filter,
    ) -> Result<Vec<GroupedScoreCount>, sqlx::Error> {
        let sql = "SELECT week AS grp, score, CAST(SUM(n) AS BIGINT) AS n FROM daily_counts \
             WHERE survey_id = $1 AND kind = $2 AND event = 'response' AND score >= 0 \
             AND day >= $3 AND day < $4 GROUP BY week, score HAVING SUM(n) > 0 \
             ORDER BY week, score";
        self.grouped_scores(sql, survey_id, kind, days(filter), None)
            .await
    }

    /// Responses per value of attribute `name` and score, by value.
    /// Only the filter's dates apply.
    pub async fn scores_by_attribute(
        &self,
        survey_id: &str,
        kind: Kind,
        name: &str,
        filter: &Filter,
    ) -> Result<Vec<GroupedScoreCount>, sqlx::Error> {
        let sql = "SELECT a.value AS grp, e.score AS score, COUNT(*) AS n \
             FROM events e JOIN event_attributes a ON a.event_id = e.id AND a.name = $5 \
             WHERE e.survey_id = $1 AND e.kind = $2 AND e.event = 'response' \
             AND e.score IS NOT NULL AND e.at_ms >= $3 AND e.at_ms < $4 \
             GROUP BY a.value, e.score ORDER BY a.value, e.score";
        self.grouped_scores(sql, survey_id, kind, filter.range_ms(), Some(name))
            .await
    }

    /// Runs a grouped score count: binds survey id, kind, the range's start and end (and
    /// `extra`, `$5`).
    async fn grouped_scores(
        &self,
        sql: &str,
        survey_id: &str,
        kind: Kind,
        (start, end): (i64, i64),
        extra: Option<&str>,
    ) -> Result<Vec<GroupedScoreCount>, sqlx::Error> {
        let query = sqlx::query_as(sql)
            .bind(survey_id)
            .bind(kind.key())
            .bind(start)
            .bind(end);
        let query = match extra {
            Some(extra) => query.bind(extra),
            None => query,
        };
        Ok(score_counts(query.fetch_all(&self.reports).await?))
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

/// The filter's dates as `[start, end)` in days since 1970 (its range is whole UTC days).
fn days(filter: &Filter) -> (i64, i64) {
    let (start, end) = filter.range_ms();
    (start / super::DAY_MS, end / super::DAY_MS)
}

/// Responses of one score in one group (a week, an attribute value), as stored.
#[derive(FromRow)]
struct ScoreRow {
    grp: String,
    score: i64,
    n: i64,
}

/// Responses of one score in one group (a week, an attribute value).
#[derive(Clone, Debug, PartialEq)]
pub struct GroupedScoreCount {
    /// The week (`2026-W48`) or the attribute value.
    pub group: String,
    /// The score.
    pub score: u8,
    /// How many responses.
    pub count: u64,
}

/// The rows as the reports use them; a score that is not 0-255 (never stored) is left out.
fn score_counts(rows: Vec<ScoreRow>) -> Vec<GroupedScoreCount> {
    (rows.into_iter())
        .filter_map(|row| {
            Some(GroupedScoreCount {
                group: row.grp,
                score: u8::try_from(row.score).ok()?,
                count: count(row.n),
            })
        })
        .collect()
}

/// Events of one kind of one survey: how many within the dates asked.
#[derive(FromRow)]
struct EventTally {
    survey_id: String,
    kind: String,
    event: String,
    n: i64,
}

/// The kind of one survey's tallies when they decide it: that of its responses (or, with none,
/// of its events) when all are of one kind; `None` when several kinds compete.
fn sole_kind(survey: &[EventTally]) -> Option<Kind> {
    let has_responses = survey.iter().any(|row| row.event == "response");
    let mut kinds = survey
        .iter()
        .filter(|row| !has_responses || row.event == "response")
        .map(|row| row.kind.as_str());
    let first = kinds.next()?;
    kinds
        .all(|kind| kind == first)
        .then(|| Kind::from_key(first))?
}

/// The counts of `kind` of survey `survey_id`, from its tallies.
fn survey_counts(survey_id: &str, survey: &[EventTally], kind: Kind) -> SurveyCounts {
    let total = |event: &str| {
        survey
            .iter()
            .filter(|row| row.kind == kind.key() && row.event == event)
            .map(|row| count(row.n))
            .sum()
    };
    SurveyCounts {
        survey_id: survey_id.to_owned(),
        kind,
        responses: total("response"),
        shown: total("shown"),
        dismissed: total("dismissed"),
    }
}

/// A SQL count as `u64`.
fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}
