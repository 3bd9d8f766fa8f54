//! `survey-collector generate events --survey ID --count N`: fills the database with synthetic
//! events of one NPS survey, for benchmarks (what a report or an export costs as the data
//! grows). Events spread over the last 180 days: 60% `shown`, 30% responses (a fifth with a
//! comment), 10% `dismissed`, from 50,000 visitors.

use crate::store::Store;
use chrono::{Datelike, TimeZone, Utc};
use rand::Rng;
use sqlx::{Any, QueryBuilder};
use survey_widget::core::metric::Kind;

/// Rows per INSERT statement (17 parameters each, under SQLite's 32,766).
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
            let mut insert = QueryBuilder::<Any>::new(
                "INSERT INTO events (id, event, survey_id, kind, score, category, comment, \
                 visitor_id, locale, page_url, at, at_ms, week, widget_version, survey_version, \
                 received_at, comment_lower) ",
            );
            insert.push_values(written..written + rows, |mut row, n| {
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
                row.push_bind(format!("{run:08x}-0000-4000-8000-{n:012x}"))
                    .push_bind(event)
                    .push_bind(survey_id.to_owned())
                    .push_bind("nps")
                    .push_bind(score.map(i64::from))
                    .push_bind(category)
                    .push_bind(comment.clone())
                    .push_bind(format!("visitor-{}", rng.gen_range(0..50_000)))
                    .push_bind("en")
                    .push_bind("https://example.com/app")
                    .push_bind(at.to_rfc3339())
                    .push_bind(at_ms)
                    .push_bind(format!("{}-W{:02}", week.year(), week.week()))
                    .push_bind("generated")
                    .push_bind("generated")
                    .push_bind(received_at.clone())
                    .push_bind(comment.map(|c| c.to_lowercase()));
            });
            insert.push(" ON CONFLICT (id) DO NOTHING");
            insert.build().execute(&mut *tx).await?;
            written += rows;
        }
        tx.commit().await?;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn generated_events_are_counted_by_the_report() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        assert_eq!(events(&store, "bench", 2_500).await.unwrap(), 2_500);
        let stored: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE survey_id = 'bench'")
                .fetch_one(&store.pool)
                .await
                .unwrap();
        assert_eq!(stored, 2_500);
        let responses: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM events WHERE event = 'response' AND score BETWEEN 0 AND 10 AND category IS NOT NULL",
        )
        .fetch_one(&store.pool)
        .await
        .unwrap();
        assert!((500..1_000).contains(&responses), "about 30%: {responses}");
    }
}
