//! `GET /v1/surveys/{id}/responses.csv`: the responses a report filter selects, as CSV.

use crate::api::{survey_and_filter, unknown_survey, ApiError};
use crate::extract::{ApiPath, ApiQuery};
use crate::filter::FilterQuery;
use crate::store::{EventRow, EVENT_COLUMNS};
use crate::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use std::io;
use tokio::sync::mpsc;

/// `GET /v1/surveys/{id}/responses.csv?from=&to=&category=&q=`: the responses of the report's
/// kind that the filter selects, oldest first, one column per [`EventRow`] field.
pub async fn responses_csv(
    State(state): State<AppState>,
    ApiPath(survey_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<FilterQuery>,
) -> Result<Response, ApiError> {
    let (survey_id, filter) = survey_and_filter(survey_id, query)?;
    let Some(counts) = state.store.survey(&survey_id, &filter).await? else {
        return Err(unknown_survey(&survey_id));
    };
    let rows = state
        .store
        .response_stream(&survey_id, counts.kind, &filter);
    let disposition = format!(
        "attachment; filename=\"{}-responses.csv\"",
        file_name(&survey_id)
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        Body::from_stream(csv_chunks(rows)),
    )
        .into_response())
}

/// Rows read at most per chunk of the response body.
const ROWS_PER_CHUNK: usize = 256;

/// The rows as CSV, a header line first, in chunks of up to [`ROWS_PER_CHUNK`] rows: memory
/// stays flat however many rows there are. Every text cell is [`defused`] and every field
/// quoted (a spreadsheet that splits on `;` or `,` never sees a cell start inside another).
fn csv_chunks(
    rows: mpsc::Receiver<Result<EventRow, sqlx::Error>>,
) -> impl Stream<Item = Result<Vec<u8>, io::Error>> {
    stream::unfold(Some((rows, true)), |state| async move {
        let (mut rows, first) = state?;
        let mut out = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Always)
            .from_writer(Vec::new());
        if first {
            out.write_record(EVENT_COLUMNS).ok()?;
        }
        let mut ended = false;
        for _ in 0..ROWS_PER_CHUNK {
            match rows.recv().await {
                Some(Ok(row)) => out.write_record(record(&row)).ok()?,
                Some(Err(error)) => {
                    tracing::error!(%error, "CSV export failed");
                    return Some((Err(io::Error::other(error)), None));
                }
                None => {
                    ended = true;
                    break;
                }
            }
        }
        let chunk = out.into_inner().ok()?;
        if ended && chunk.is_empty() {
            return None;
        }
        Some((Ok(chunk), (!ended).then_some((rows, false))))
    })
}

/// One row's cells, in [`EVENT_COLUMNS`] order.
fn record(row: &EventRow) -> [String; 14] {
    let text = |value: &Option<String>| defused(value.as_deref().unwrap_or(""));
    [
        defused(&row.id),
        row.event.clone(),
        defused(&row.survey_id),
        row.kind.clone(),
        row.score.map(|s| s.to_string()).unwrap_or_default(),
        text(&row.category),
        text(&row.comment),
        text(&row.visitor_id),
        defused(&row.locale),
        defused(&row.page_url),
        defused(&row.at),
        row.received_at.clone(),
        defused(&row.widget_version),
        defused(&row.survey_version),
    ]
}

/// A cell a spreadsheet will not run as a formula (OWASP's CSV injection advice, widened):
/// when its first visible character, after any whitespace or invisible characters (no-break and
/// zero-width spaces, byte-order marks), is `=`, `+`, `-`, `@` or `;`, or one of their
/// full-width forms, or the cell starts with a tab or a line break, it gets a leading `'`.
fn defused(cell: &str) -> String {
    let invisible = |c: char| {
        c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
    };
    let first = cell.trim_start_matches(invisible).chars().next();
    let formula =
        first.is_some_and(|c| "=+-@;\u{FF1D}\u{FF0B}\u{FF0D}\u{FF20}\u{FF1B}".contains(c));
    if formula || cell.starts_with(['\t', '\r', '\n']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// `survey_id` reduced to characters safe in a `Content-Disposition` file name.
fn file_name(survey_id: &str) -> String {
    survey_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_names_are_safe() {
        assert_eq!(defused("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defused("-1+2"), "'-1+2");
        assert_eq!(defused("fine = ok"), "fine = ok");
        for attack in [
            " =1+1",
            "\n=1+1",
            "\u{A0}=1+1",
            "\u{200B}=1+1",
            "\u{FF1D}1+1",
            ";=1+1",
            "\u{FEFF}@SUM(A1)",
        ] {
            assert_eq!(defused(attack), format!("'{attack}"), "{attack:?}");
        }
        assert_eq!(file_name("a/b \"c\".csv"), "a_b__c__csv");
    }
}
