//! Group commit for SQLite: one writer task stores the events of many requests in one
//! transaction. SQLite has one writer at a time and, with `synchronous = FULL`, every commit
//! waits for the disk; committing each request on its own made the disk the bottleneck and
//! had requests queue for the write lock. Each request still gets its answer only after the
//! transaction holding its events is committed (durable), and each request is its own savepoint:
//! one request's conflict (409) or failure never takes another's events with it.

use crate::ingest::Valid;
use crate::store::{insert_new, lone_event, write_events, CountedAs, InsertError, Store, Tally};
use tokio::sync::{mpsc, oneshot};

/// Most requests one transaction takes.
const MAX_BATCH: usize = 512;

/// One request's events and where its answer goes.
#[derive(Debug)]
struct Job {
    events: Vec<Valid>,
    received_at: String,
    settle_ms: i64,
    done: oneshot::Sender<Result<(), InsertError>>,
}

/// The handle requests send their events through.
#[derive(Clone, Debug)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer task on `store` (which must not have a writer itself: the task ends
    /// when the last handle is dropped).
    pub fn spawn(store: Store) -> Writer {
        let (jobs, queue) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(store, queue));
        Writer { jobs }
    }

    /// Stores `events` (see [`Store::insert`]) and returns once they are committed.
    pub async fn insert(
        &self,
        events: Vec<Valid>,
        received_at: &str,
        settle_ms: i64,
    ) -> Result<(), InsertError> {
        let (done, answer) = oneshot::channel();
        let job = Job {
            events,
            received_at: received_at.to_owned(),
            settle_ms,
            done,
        };
        let stopped = || InsertError::Database(sqlx::Error::PoolClosed);
        self.jobs.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Takes whatever requests are waiting (at least one), commits them together, answers them.
async fn run(store: Store, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit(&store, batch).await;
    }
}

/// One transaction for `batch`, a savepoint per request.
async fn commit(store: &Store, batch: Vec<Job>) {
    let (jobs, answers): (Vec<_>, Vec<_>) = batch
        .into_iter()
        .map(|job| ((job.events, job.received_at, job.settle_ms), job.done))
        .unzip();
    let outcomes = write(store, &jobs).await;
    match outcomes {
        Ok(outcomes) => {
            for (answer, outcome) in answers.into_iter().zip(outcomes) {
                let _ = answer.send(outcome);
            }
        }
        Err(error) => {
            // The transaction failed as a whole: nothing of the batch is stored.
            let message = error.to_string();
            for answer in answers {
                let error = sqlx::Error::Protocol(format!("group commit failed: {message}"));
                let _ = answer.send(Err(InsertError::Database(error)));
            }
        }
    }
}

type Request = (Vec<Valid>, String, i64);

async fn write(
    store: &Store,
    jobs: &[Request],
) -> Result<Vec<Result<(), InsertError>>, sqlx::Error> {
    let webhooks = store
        .webhooks_for(jobs.iter().flat_map(|(events, _, _)| events))
        .await?;
    let mut tx = store.pool.begin().await?;
    let mut outcomes = Vec::with_capacity(jobs.len());
    // The daily counts of the whole batch, written once at its end: one statement per count.
    let mut tally = Tally::default();
    for (events, received_at, settle_ms) in jobs {
        // A new event with nothing else to write needs no savepoint: its one statement is all
        // or nothing, and if it fails, the whole batch does.
        if let Some(lone) = lone_event(events, &webhooks) {
            if insert_new(&mut *tx, false, lone, received_at).await? {
                tally.add(&CountedAs::of(lone), 1);
                outcomes.push(Ok(()));
                continue;
            }
        }
        let mut savepoint = sqlx::Acquire::begin(&mut *tx).await?;
        match write_events(&mut savepoint, events, received_at, *settle_ms, &webhooks).await {
            Ok(kept) => {
                savepoint.commit().await?;
                tally.merge(kept);
                outcomes.push(Ok(()));
            }
            Err(error) => {
                savepoint.rollback().await?;
                outcomes.push(Err(error));
            }
        }
    }
    // One writer: no lock to spread, so shard 0.
    tally.write(&mut tx, 0).await?;
    tx.commit().await?;
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::parse_body;

    fn events(body: &str) -> Vec<Valid> {
        parse_body(body.as_bytes(), chrono::Utc::now()).expect("valid events")
    }

    fn shown(id: &str, survey: &str) -> String {
        format!(
            r#"{{"id": "{id}", "event": "shown", "survey_id": "{survey}", "kind": "nps",
                "visitor_id": "v", "locale": "en", "page_url": "https://e.example/",
                "at": "2026-11-30T08:00:00Z", "widget_version": "t", "survey_version": "t"}}"#
        )
    }

    #[tokio::test]
    async fn one_requests_conflict_leaves_the_others_in_its_batch_stored() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        let first = "00000000-0000-4000-8000-000000000001";
        let second = "00000000-0000-4000-8000-000000000002";
        store
            .insert(&events(&shown(first, "a")), "2026-11-30T08:00:00Z", 0)
            .await
            .unwrap();
        // The conflicting request stores a new event before its conflict: all of it goes.
        let third = "00000000-0000-4000-8000-000000000003";
        let conflicting = format!("[{}, {}]", shown(third, "a"), shown(first, "other"));
        let jobs = vec![
            (events(&shown(second, "a")), "t".to_owned(), 0),
            (events(&conflicting), "t".to_owned(), 0),
            (events(&shown(second, "a")), "t".to_owned(), 0),
        ];
        let outcomes = write(&store, &jobs).await.unwrap();
        assert!(outcomes[0].is_ok());
        assert!(matches!(outcomes[1], Err(InsertError::Conflict(1))));
        assert!(
            outcomes[2].is_ok(),
            "a repeat in the same batch is idempotent"
        );
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(stored, 2);
        let counted: i64 = sqlx::query_scalar("SELECT CAST(SUM(n) AS BIGINT) FROM daily_counts")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(counted, 2, "the daily counts count what is stored, once");
    }

    #[tokio::test]
    async fn many_concurrent_requests_are_all_stored_and_answered() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        let requests = (0..200).map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let id = format!("00000000-0000-4000-8000-{i:012}");
                store.insert(&events(&shown(&id, "s")), "t", 0).await
            })
        });
        for request in requests.collect::<Vec<_>>() {
            request.await.unwrap().unwrap();
        }
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(stored, 200);
    }
}
