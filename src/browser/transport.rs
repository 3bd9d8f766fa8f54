//! Sends events to the collector: `text/plain` (no CORS preflight) with `keepalive`, so a post
//! started while the page unloads still arrives.

use crate::core::event::Event;

/// Why a post failed.
#[derive(Debug)]
pub enum SendError {
    /// The event could not be serialized (should not happen).
    Encode(String),
    /// The network failed or the request was blocked.
    Network(String),
    /// The collector answered with a non-2xx status.
    Status(u16),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Encode(e) => write!(f, "could not encode the event: {e}"),
            SendError::Network(e) => write!(f, "network error: {e}"),
            SendError::Status(code) => write!(f, "the collector answered HTTP {code}"),
        }
    }
}

/// POSTs one event to `collector`.
pub async fn send(collector: &str, event: &Event) -> Result<(), SendError> {
    let body = serde_json::to_string(event).map_err(|e| SendError::Encode(e.to_string()))?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&body.into());
    // `keepalive` is not in web-sys yet; every browser we support has it.
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &true.into());
    init.set_credentials(web_sys::RequestCredentials::Omit);
    let request = web_sys::Request::new_with_str_and_init(collector, &init)
        .map_err(|e| SendError::Network(format!("{e:?}")))?;
    request
        .headers()
        .set("Content-Type", "text/plain;charset=UTF-8")
        .map_err(|e| SendError::Network(format!("{e:?}")))?;
    let response = gloo_net::http::Request::from(request)
        .send()
        .await
        .map_err(|e| SendError::Network(e.to_string()))?;
    if response.ok() {
        Ok(())
    } else {
        Err(SendError::Status(response.status()))
    }
}
