//! `survey-collector generate events --survey ID --count N`: fills the database with synthetic
//! events of one NPS survey, for benchmarks (what a report or an export costs as the data
//! grows). Events spread over the last 180 days: 60% `shown`, 30% responses (a fifth with a
//! comment), 10% `dismissed`, from 50,000 visitors.

use crate::store::Store;
use chrono::{Datelike, TimeZone, Utc};
use rand::Rng;
use survey_widget::core::metric::Kind;

/// Columns of an event row.
const COLUMNS: usize = 17;
/// Rows per INSERT statement (17 parameters each: under SQLite's 32,766 and PostgreSQL's 65,535).
const ROWS_PER_STATEMENT: usize = 1_000;
/// Statements per transaction.
const STATEMENTS_PER_TRANSACTION: usize = 20;

/// Adds `count` events of survey `survey_id` (kind NPS); returns how many were written.
pub async fn events(store: &Store, survey_id: &str, count: u64) -> Result<u64, sqlx::Error> {
    let mut rng = rand::thread_rng();
    let run: u32 = rng.gen();
    let now_ms = Utc::now().timestamp_millis();
    let received_at = Utc::now().to_rfc3339();
    let mut written = 0;
    while written < count {
        let mut tx = store.pool.begin().await?;
        for _ in 0..STATEMENTS_PER_TRANSACTION {
            let rows = (count - written).min(ROWS_PER_STATEMENT as u64);
            if rows == 0 {
                break;
            }
            let mut sql = String::from(
                "INSERT INTO events (id, event, survey_id, kind, score, category, comment, \
                 visitor_id, locale, page_url, at, at_ms, week, widget_version, survey_version, \
                 received_at, comment_lower) VALUES ",
            );
            // `$N` placeholders, written out: both databases take them (sqlx's QueryBuilder
            // writes `?` through `Any`, which PostgreSQL refuses).
            for row in 0..rows as usize {
                let first = row * COLUMNS + 1;
                let cells: Vec<String> =
                    (first..first + COLUMNS).map(|n| format!("${n}")).collect();
                sql.push_str(if row == 0 { "(" } else { ", (" });
                sql.push_str(&cells.join(", "));
                sql.push(')');
            }
            sql.push_str(" ON CONFLICT (id) DO NOTHING");
            let mut insert = sqlx::query(&sql);
            for n in written..written + rows {
                let at_ms = now_ms - rng.gen_range(0..180 * 86_400_000_i64);
                let at = Utc
                    .timestamp_millis_opt(at_ms)
                    .single()
                    .unwrap_or_else(Utc::now);
                let week = at.iso_week();
                let roll: u8 = rng.gen_range(0..10);
                let event = match roll {
                    0..=5 => "shown",
                    6..=8 => "response",
                    _ => "dismissed",
                };
                let score = (event == "response").then(|| score(&mut rng));
                let category = score.and_then(|s| Kind::Nps.categorize(s)).map(|c| c.key());
                let comment = (score.is_some() && rng.gen_ratio(1, 5))
                    .then(|| format!("Generated comment {n}: search could be faster"));
                insert = insert
                    .bind(format!("{run:08x}-0000-4000-8000-{n:012x}"))
                    .bind(event)
                    .bind(survey_id.to_owned())
                    .bind("nps")
                    .bind(score.map(i64::from))
                    .bind(category)
                    .bind(comment.clone())
                    .bind(format!("visitor-{}", rng.gen_range(0..50_000)))
                    .bind("en")
                    .bind("https://example.com/app")
                    .bind(at.to_rfc3339())
                    .bind(at_ms)
                    .bind(format!("{}-W{:02}", week.year(), week.week()))
                    .bind("generated")
                    .bind("generated")
                    .bind(received_at.clone())
                    .bind(comment.map(|c| c.to_lowercase()));
            }
            insert.execute(&mut *tx).await?;
            written += rows;
        }
        tx.commit().await?;
    }
    // The rows went in past the write path that keeps the daily counts: count them afresh.
    let mut tx = store.pool.begin().await?;
    crate::store::recount_daily(&mut tx, survey_id).await?;
    tx.commit().await?;
    // Fresh statistics for the query planner after a bulk load (both databases take `ANALYZE`).
    sqlx::query("ANALYZE").execute(&store.pool).await?;
    Ok(written)
}

/// An NPS score, skewed like real answers (more 8-10 than 0-3).
fn score(rng: &mut impl Rng) -> u8 {
    const WEIGHTS: [u32; 11] = [2, 1, 1, 2, 2, 4, 5, 8, 14, 16, 14];
    let mut pick = rng.gen_range(0..WEIGHTS.iter().sum::<u32>());
    for (score, weight) in WEIGHTS.iter().enumerate() {
        if pick < *weight {
            return score as u8;
        }
        pick -= weight;
    }
    10
}
