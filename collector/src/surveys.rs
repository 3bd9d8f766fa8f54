//! Surveys managed in the console (SPEC 7.2): drafts, publishing with versions, archiving.
//! Every definition is checked by the widget's own validator (`core::config`), so the console,
//! the API and the widget give the same JSON-path messages.

use crate::auth::accounts::now_ms;
use crate::store::Store;
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::FromRow;
use survey_widget::core::config::{self, check_survey_id};
use survey_widget::core::json::Json;

/// A managed survey's life: a draft, published (in the hosted config), or archived (deleted:
/// no longer published, its answers kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Saved, not served to visitors.
    Draft,
    /// Served by `/v1/config.json`.
    Published,
    /// Deleted from the console; its events stay.
    Archived,
}

impl Status {
    /// The stored name.
    pub fn key(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Archived => "archived",
        }
    }

    fn from_key(key: &str) -> Status {
        match key {
            "published" => Status::Published,
            "archived" => Status::Archived,
            _ => Status::Draft,
        }
    }
}

#[derive(FromRow)]
struct SurveyRow {
    id: String,
    definition: String,
    status: String,
    revision: i64,
    published_version: Option<String>,
    updated_at: i64,
}

/// A managed survey as the API returns it.
#[derive(Clone, Debug, Serialize)]
pub struct ManagedSurvey {
    /// The survey's id.
    pub id: String,
    /// The survey object (SPEC 3.4) as last saved.
    pub definition: Value,
    /// Draft, published or archived.
    pub status: Status,
    /// Bumped by every save; the `ETag` of `GET`/`PUT` (send it back as `If-Match`).
    pub revision: i64,
    /// The version visitors get (the widget's hash of the published definition).
    pub published_version: Option<String>,
    /// The version of the saved definition; differs from `published_version` when there are
    /// unpublished changes.
    pub version: String,
    /// When it was last saved (Unix milliseconds).
    pub updated_at: i64,
    /// Every published version, newest first.
    pub versions: Vec<Version>,
}

/// One published version.
#[derive(Clone, Debug, Serialize, FromRow)]
pub struct Version {
    /// The widget's hash of the definition (`survey_version` in events).
    pub version: String,
    /// When it was first published (Unix milliseconds).
    pub published_at: i64,
}

/// Why a survey could not be saved or changed.
#[derive(Debug)]
pub enum SurveyError {
    /// The definition is invalid: the JSON path (inside the survey) and what is wrong.
    Invalid {
        /// JSON path of the field, like `trigger.delay_seconds` (empty: the whole survey).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// `If-Match` named another revision: someone saved in between.
    Conflict(i64),
    /// No such survey.
    NotFound,
    /// The database failed.
    Database(sqlx::Error),
}

impl From<sqlx::Error> for SurveyError {
    fn from(error: sqlx::Error) -> SurveyError {
        SurveyError::Database(error)
    }
}

/// Checks one survey definition with the widget's validator; returns its version (the hash the
/// widget computes and sends as `survey_version`). `id` is the id of the URL; the body's `id`,
/// when given, must be the same.
pub fn check(id: &str, definition: &mut Value) -> Result<String, SurveyError> {
    let invalid = |path: &str, message: String| SurveyError::Invalid {
        path: path.into(),
        message,
    };
    check_survey_id(id).map_err(|message| invalid("id", message))?;
    let Some(fields) = definition.as_object_mut() else {
        return Err(invalid("", "a survey must be a JSON object".into()));
    };
    match fields.get("id") {
        None => {
            fields.insert("id".into(), Value::from(id));
        }
        Some(Value::String(given)) if given == id => {}
        Some(_) => {
            return Err(invalid(
                "id",
                format!("must be \"{id}\", the id in the URL"),
            ))
        }
    }
    let config = json!({"collector": "/v1/events", "surveys": [definition.clone()]});
    let parsed = config::parse(&Json::from(config)).map_err(|e| invalid(&e.path, e.message))?;
    if let Some(error) = parsed.skipped.into_iter().next() {
        let path = error
            .path
            .strip_prefix("surveys[0]")
            .map(|rest| rest.trim_start_matches('.'))
            .unwrap_or(&error.path)
            .to_owned();
        return Err(SurveyError::Invalid {
            path,
            message: error.message,
        });
    }
    parsed
        .config
        .surveys
        .into_iter()
        .next()
        .map(|survey| survey.version)
        .ok_or_else(|| invalid("", "not a usable survey".into()))
}

impl Store {
    /// A managed survey, `None` when it was never saved.
    pub async fn managed_survey(&self, id: &str) -> Result<Option<ManagedSurvey>, sqlx::Error> {
        let row: Option<SurveyRow> = sqlx::query_as(
            "SELECT id, definition, status, revision, published_version, updated_at \
             FROM surveys WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let versions = sqlx::query_as(
            "SELECT version, published_at FROM survey_versions WHERE survey_id = $1 \
             ORDER BY published_at DESC, version",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(Some(managed(row, versions)))
    }

    /// Every managed survey (archived ones too), oldest first, without their versions.
    pub async fn managed_surveys(&self) -> Result<Vec<ManagedSurvey>, sqlx::Error> {
        let rows: Vec<SurveyRow> = sqlx::query_as(
            "SELECT id, definition, status, revision, published_version, updated_at \
             FROM surveys ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| managed(row, Vec::new()))
            .collect())
    }

    /// Creates or replaces a survey's definition (checked first). With `if_match`, only when
    /// the stored revision is that one (an archived survey comes back as a draft).
    pub async fn save_survey(
        &self,
        id: &str,
        mut definition: Value,
        if_match: Option<i64>,
    ) -> Result<ManagedSurvey, SurveyError> {
        check(id, &mut definition)?;
        let now = now_ms();
        let text = definition.to_string();
        let mut tx = self.pool.begin().await?;
        // Each step is one statement that checks and writes at once: two saves of the same
        // revision can never both succeed, on either database.
        if if_match.is_none() || if_match == Some(0) {
            let created = sqlx::query(
                "INSERT INTO surveys (id, definition, status, revision, published_version, \
                 created_at, updated_at) VALUES ($1, $2, 'draft', 1, NULL, $3, $3) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(id)
            .bind(&text)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if created.rows_affected() == 1 {
                // A new managed survey changes which event ids are known.
                bump_config_rev(&mut tx).await?;
                tx.commit().await?;
                return self.managed_survey(id).await?.ok_or(SurveyError::NotFound);
            }
            if if_match == Some(0) {
                // "Create only", and it exists.
                return Err(SurveyError::Conflict(self.revision(&mut tx, id).await?));
            }
        }
        // An archived survey that is saved again comes back as a draft.
        let updated = sqlx::query(
            "UPDATE surveys SET definition = $1, revision = revision + 1, updated_at = $2, \
             status = CASE WHEN status = 'archived' THEN 'draft' ELSE status END \
             WHERE id = $3 AND ($4 IS NULL OR revision = $4)",
        )
        .bind(&text)
        .bind(now)
        .bind(id)
        .bind(if_match)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(SurveyError::Conflict(self.revision(&mut tx, id).await?));
        }
        tx.commit().await?;
        self.managed_survey(id).await?.ok_or(SurveyError::NotFound)
    }

    /// A survey's current revision (0 when there is none).
    async fn revision(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        id: &str,
    ) -> Result<i64, sqlx::Error> {
        let current: Option<i64> = sqlx::query_scalar("SELECT revision FROM surveys WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
        Ok(current.unwrap_or(0))
    }

    /// Publishes the saved definition: records its version and serves it in the hosted config.
    pub async fn publish_survey(&self, id: &str) -> Result<ManagedSurvey, SurveyError> {
        let survey = self
            .managed_survey(id)
            .await?
            .ok_or(SurveyError::NotFound)?;
        let mut definition = survey.definition;
        let version = check(id, &mut definition)?;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO survey_versions (survey_id, version, definition, published_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (survey_id, version) DO NOTHING",
        )
        .bind(id)
        .bind(&version)
        .bind(definition.to_string())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE surveys SET status = 'published', published_version = $1 WHERE id = $2",
        )
        .bind(&version)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        bump_config_rev(&mut tx).await?;
        tx.commit().await?;
        self.managed_survey(id).await?.ok_or(SurveyError::NotFound)
    }

    /// Takes a survey out of the hosted config: back to draft, or archived (`archive`).
    pub async fn withdraw_survey(
        &self,
        id: &str,
        archive: bool,
    ) -> Result<ManagedSurvey, SurveyError> {
        let status = if archive {
            Status::Archived
        } else {
            Status::Draft
        };
        let mut tx = self.pool.begin().await?;
        let changed =
            sqlx::query("UPDATE surveys SET status = $1, published_version = NULL WHERE id = $2")
                .bind(status.key())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        if changed.rows_affected() == 0 {
            return Err(SurveyError::NotFound);
        }
        bump_config_rev(&mut tx).await?;
        tx.commit().await?;
        self.managed_survey(id).await?.ok_or(SurveyError::NotFound)
    }

    /// The published definitions, in the order surveys were created (the config's order).
    pub async fn published_definitions(&self) -> Result<Vec<Value>, sqlx::Error> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT survey_versions.definition FROM surveys JOIN survey_versions \
             ON survey_versions.survey_id = surveys.id \
             AND survey_versions.version = surveys.published_version \
             WHERE surveys.status = 'published' ORDER BY surveys.created_at, surveys.id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|text| serde_json::from_str(&text).ok())
            .collect())
    }

    /// The ids of every managed survey (archived too): the surveys events may name.
    pub async fn managed_ids(&self) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT id FROM surveys")
            .fetch_all(&self.pool)
            .await
    }
}

/// Bumps the counter that tells every replica its cached hosted config is stale.
pub async fn bump_config_rev(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE site SET config_rev = config_rev + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn managed(row: SurveyRow, versions: Vec<Version>) -> ManagedSurvey {
    let mut definition: Value = serde_json::from_str(&row.definition).unwrap_or(Value::Null);
    let version = check(&row.id, &mut definition).unwrap_or_default();
    ManagedSurvey {
        id: row.id,
        definition,
        status: Status::from_key(&row.status),
        revision: row.revision,
        published_version: row.published_version,
        version,
        updated_at: row.updated_at,
        versions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(id: &str, mut definition: Value) -> (String, String) {
        match check(id, &mut definition) {
            Err(SurveyError::Invalid { path, message }) => (path, message),
            other => panic!("expected an invalid survey, got {other:?}"),
        }
    }

    #[test]
    fn the_widgets_validator_names_the_field_inside_the_survey() {
        let (path, message) = error(
            "s",
            json!({"kind": "nps", "trigger": {"delay_seconds": "5"}}),
        );
        assert_eq!(path, "trigger.delay_seconds");
        assert_eq!(message, "must be a number, not a string");
        assert_eq!(error("s", json!({"kind": "nope"})).0, "kind");
        assert_eq!(error("s", json!({"id": "other", "kind": "nps"})).0, "id");
        assert_eq!(error("s", json!([1])).0, "");
    }

    #[test]
    fn survey_ids_follow_one_rule() {
        for bad in ["../../etc", "a b", "a/b", "", &"x".repeat(65), "ä"] {
            assert_eq!(error(bad, json!({"kind": "nps"})).0, "id", "{bad:?}");
        }
        let mut ok = json!({"kind": "csat"});
        let version = check("csat_support-2", &mut ok).unwrap();
        assert_eq!(ok["id"], "csat_support-2", "the URL's id is filled in");
        assert_eq!(version.len(), 16);
    }
}
