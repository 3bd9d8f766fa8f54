//! Site settings and the hosted config `GET /v1/config.json` (SPEC 7.2): the config of SPEC 3.4
//! built from the site settings and the published surveys, served from memory.
//!
//! Every change of the config bumps `site.config_rev` in the database. A collector re-reads
//! that counter at most once per [`RECHECK`] and rebuilds its snapshot when it moved, so replicas
//! sharing one PostgreSQL serve a new survey within a second of its publication, and a busy
//! collector costs the database one small query a second.

use crate::store::Store;
use crate::surveys::bump_config_rev;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use survey_widget::core::config;
use survey_widget::core::json::Json;

/// How long a snapshot is served before the database's counter is checked again.
pub const RECHECK: Duration = Duration::from_secs(1);

/// The hosted config of this collector: the latest snapshot and when it was checked.
#[derive(Debug, Default)]
pub struct HostedConfig {
    current: Mutex<Option<(Instant, Arc<Snapshot>)>>,
    /// Bumped by [`HostedConfig::invalidate`]: a snapshot loaded before a local change is never
    /// stored after it.
    generation: AtomicU64,
}

/// The site settings and published surveys at one `config_rev`.
#[derive(Debug)]
pub struct Snapshot {
    rev: i64,
    site: Map<String, Value>,
    surveys: Vec<Value>,
    /// Ids of every managed survey (archived ones too): the ones events may name.
    pub known: HashSet<String>,
    rendered: Mutex<HashMap<String, Arc<Rendered>>>,
}

/// The config as served: its text and its `ETag`.
#[derive(Debug)]
pub struct Rendered {
    /// A strong validator of `body`, quoted.
    pub etag: String,
    /// The JSON text.
    pub body: String,
}

impl HostedConfig {
    /// The current snapshot (re-read from the database when [`RECHECK`] has passed and the
    /// counter moved).
    pub async fn snapshot(&self, store: &Store) -> Result<Arc<Snapshot>, sqlx::Error> {
        let current = self.lock().clone();
        if let Some((checked, snapshot)) = &current {
            if checked.elapsed() < RECHECK {
                return Ok(snapshot.clone());
            }
        }
        let generation = self.generation.load(Ordering::Acquire);
        let rev = store.config_rev().await?;
        let snapshot = match current {
            Some((_, snapshot)) if snapshot.rev == rev => snapshot,
            _ => Arc::new(Snapshot::load(store, rev).await?),
        };
        let mut stored = self.lock();
        if self.generation.load(Ordering::Acquire) == generation {
            *stored = Some((Instant::now(), snapshot.clone()));
        }
        Ok(snapshot)
    }

    /// Forgets the snapshot: the next request rebuilds it (called after a change made here).
    pub fn invalidate(&self) {
        let mut stored = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        *stored = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(Instant, Arc<Snapshot>)>> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Snapshot {
    async fn load(store: &Store, rev: i64) -> Result<Snapshot, sqlx::Error> {
        let snapshot = Snapshot {
            rev,
            site: store.site_settings().await?,
            surveys: store.published_definitions().await?,
            known: store.managed_ids().await?.into_iter().collect(),
            rendered: Mutex::default(),
        };
        snapshot.warn_about_stale_settings();
        Ok(snapshot)
    }

    /// Logs what the widget would refuse in what was saved under older, looser rules (an
    /// unknown key, say): the owner reads which survey and which path to fix, instead of
    /// wondering why it never shows.
    fn warn_about_stale_settings(&self) {
        let config = widget_config(&self.site, "/v1/events", self.surveys.clone());
        match config::parse(&Json::from(config)) {
            Err(error) => tracing::warn!(%error, "the site settings are invalid: no survey shows"),
            Ok(parsed) => {
                for error in parsed.skipped {
                    tracing::warn!(%error, "a published survey is invalid: visitors skip it");
                }
            }
        }
    }

    /// The config text for visitors whose events go, unless the site says otherwise, to
    /// `default_collector` (this collector's own `/v1/events` as the request reached it).
    pub fn render(&self, default_collector: &str) -> Arc<Rendered> {
        let mut rendered = self.rendered.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(done) = rendered.get(default_collector) {
            return done.clone();
        }
        let body = widget_config(&self.site, default_collector, self.surveys.clone()).to_string();
        let etag = format!(
            "\"{}\"",
            &hex::encode(Sha256::digest(body.as_bytes()))[..32]
        );
        let done = Arc::new(Rendered { etag, body });
        // A handful of host names reach one collector; never let the map grow without bound.
        if rendered.len() >= 16 {
            rendered.clear();
        }
        rendered.insert(default_collector.to_owned(), done.clone());
        done
    }
}

/// The widget's config (SPEC 3.4) from site settings: `collector` (unless the site names its
/// own), every site setting, then `surveys`. One builder for what is served and what is
/// checked, so the two never differ.
fn widget_config(site: &Map<String, Value>, default_collector: &str, surveys: Vec<Value>) -> Value {
    let mut config = Map::new();
    config.insert("collector".into(), Value::from(default_collector));
    config.extend(site.clone());
    config.insert("surveys".into(), Value::from(surveys));
    Value::Object(config)
}

/// Checks site settings: the widget's own config parser decides (known root keys only, with
/// the nearest one suggested, and values it accepts), so the console and the widget never
/// disagree. The surveys are not a setting: they are managed one by one. The error names the
/// key.
pub fn check_site(settings: &Value) -> Result<Map<String, Value>, (String, String)> {
    let Some(fields) = settings.as_object() else {
        return Err((String::new(), "site settings must be a JSON object".into()));
    };
    if fields.contains_key("surveys") {
        return Err((
            "surveys".into(),
            "not a site setting (surveys are saved one by one: PUT /v1/surveys/{id})".into(),
        ));
    }
    // `null` would read as "absent" to the widget; here it is a mistake worth naming.
    if let Some((key, _)) = fields.iter().find(|(_, value)| value.is_null()) {
        return Err((key.clone(), "must not be null".into()));
    }
    let config = widget_config(fields, "/v1/events", Vec::new());
    config::parse(&Json::from(config)).map_err(|e| (e.path, e.message))?;
    Ok(fields.clone())
}

impl Store {
    /// The counter every change of the hosted config bumps.
    pub async fn config_rev(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT config_rev FROM site WHERE id = 1")
            .fetch_one(&self.pool)
            .await
    }

    /// The site settings (an empty object until some are saved).
    pub async fn site_settings(&self) -> Result<Map<String, Value>, sqlx::Error> {
        let text: String = sqlx::query_scalar("SELECT settings FROM site WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(serde_json::from_str(&text).unwrap_or_default())
    }

    /// Replaces the site settings (checked by [`check_site`] first).
    pub async fn save_site_settings(
        &self,
        settings: &Map<String, Value>,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE site SET settings = $1 WHERE id = 1")
            .bind(Value::Object(settings.clone()).to_string())
            .execute(&mut *tx)
            .await?;
        bump_config_rev(&mut tx).await?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn site_settings_name_the_bad_key() {
        assert_eq!(
            check_site(&json!({"compnay": "Acme"})).unwrap_err().0,
            "compnay"
        );
        assert_eq!(
            check_site(&json!({"quiet_days": -1})).unwrap_err().0,
            "quiet_days"
        );
        assert_eq!(
            check_site(&json!({"locale": null})).unwrap_err(),
            ("locale".into(), "must not be null".into())
        );
        assert_eq!(
            check_site(&json!({"identity_cookie": "a b"}))
                .unwrap_err()
                .0,
            "identity_cookie"
        );
        assert_eq!(
            check_site(&json!({"locale": 7})).unwrap_err(),
            ("locale".into(), "must be a string, not a number".into())
        );
        assert_eq!(
            check_site(&json!({"appearance": {"accent": "red; x: y"}}))
                .unwrap_err()
                .0,
            "appearance.accent"
        );
        assert_eq!(
            check_site(&json!({"surveys": []})).unwrap_err().0,
            "surveys"
        );
        assert_eq!(
            check_site(&json!({"quiet_dys": 3})).unwrap_err(),
            (
                "quiet_dys".into(),
                "unknown field; did you mean `quiet_days`?".into()
            )
        );
        let ok = json!({"company": "Acme", "quiet_days": 14, "identity_cookie": "uid",
                        "appearance": {"position": "bottom-left", "accent": "#0a7d4f", "branding": true}});
        assert_eq!(check_site(&ok).unwrap().len(), 4);
    }

    #[test]
    fn a_rendered_config_has_a_strong_etag_and_the_default_collector() {
        let snapshot = Snapshot {
            rev: 1,
            site: Map::new(),
            surveys: vec![json!({"id": "s", "kind": "nps"})],
            known: HashSet::new(),
            rendered: Mutex::default(),
        };
        let a = snapshot.render("http://c.example/v1/events");
        let config: Value = serde_json::from_str(&a.body).unwrap();
        assert_eq!(config["collector"], "http://c.example/v1/events");
        assert_eq!(config["surveys"][0]["id"], "s");
        let b = snapshot.render("http://other.example/v1/events");
        assert_ne!(a.etag, b.etag);
        assert!(a.etag.starts_with('"') && a.etag.ends_with('"'));
    }
}
