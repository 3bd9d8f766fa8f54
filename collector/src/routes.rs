//! Every route of the collector, with who may call it. The router is built from [`endpoints`]
//! and nothing else, so a route cannot be added without saying its [`Access`]; the security
//! tests sweep this same list (without credentials, and as a viewer).

use crate::auth::guard::{guard, GuardState};
use crate::auth::{login, Access};
use crate::{api, console, export, html, manage, visitors, webhooks, AppState};
use axum::http::Method;
use axum::routing::{delete, get, post, put, MethodRouter};

/// Which browsers may call a route from another origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cors {
    /// Same-origin only (the console, reports, the owner's API).
    None,
    /// The origins of `--cors-origin` (the widget posting events).
    Configured,
    /// Any origin (the hosted config, read by every page of the site).
    Any,
}

/// One route: method, path (axum syntax), who may call it, CORS, and its handler.
pub struct Endpoint {
    /// The HTTP method.
    pub method: Method,
    /// The path, with `{param}` segments.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
    /// Cross-origin access.
    pub cors: Cors,
    /// The handler.
    pub handler: MethodRouter<AppState>,
}

fn route(
    method: Method,
    path: &'static str,
    access: Access,
    handler: MethodRouter<AppState>,
) -> Endpoint {
    let cors = match (path, access) {
        ("/v1/events", Access::Public) => Cors::Configured,
        ("/v1/config.json", _) => Cors::Any,
        _ => Cors::None,
    };
    Endpoint {
        method,
        path,
        access,
        cors,
        handler,
    }
}

/// Every route. Public: the widget's endpoints, the hosted config, health, sign-in and the
/// files pages load; viewers read; admins change.
pub fn endpoints() -> Vec<Endpoint> {
    use Access::{Admin, Public, Viewer};
    use Method as M;
    vec![
        // The widget and the site.
        route(M::POST, "/v1/events", Public, post(api::post_events)),
        route(
            M::GET,
            "/v1/config.json",
            Public,
            get(manage::hosted_config),
        ),
        route(M::GET, "/health", Public, get(api::health)),
        route(M::GET, "/report.css", Public, get(html::stylesheet)),
        route(M::GET, "/console.js", Public, get(console::script)),
        // Signing in and out.
        route(M::GET, "/login", Public, get(login::login_page)),
        route(M::POST, "/login", Public, post(login::login)),
        route(M::POST, "/logout", Viewer, post(login::logout)),
        // Reading: reports, comments, exports.
        route(M::GET, "/openapi.json", Viewer, get(api::openapi)),
        route(M::GET, "/v1/events", Viewer, get(api::list_events)),
        route(M::GET, "/v1/surveys", Viewer, get(manage::list_surveys)),
        route(M::GET, "/v1/surveys/{id}", Viewer, get(manage::get_survey)),
        route(
            M::GET,
            "/v1/surveys/{id}/report",
            Viewer,
            get(api::survey_report),
        ),
        route(
            M::GET,
            "/v1/surveys/{id}/responses.csv",
            Viewer,
            get(export::responses_csv),
        ),
        route(M::GET, "/report", Viewer, get(html::index)),
        route(M::GET, "/report/{id}", Viewer, get(html::survey)),
        route(M::GET, "/admin", Viewer, get(console::surveys_page)),
        route(M::GET, "/v1/visitors/{id}", Viewer, get(visitors::profile)),
        route(
            M::GET,
            "/admin/visitors",
            Viewer,
            get(console::visitors_page),
        ),
        // Changing: surveys, the site, accounts.
        route(M::PUT, "/v1/surveys/{id}", Admin, put(manage::put_survey)),
        route(
            M::DELETE,
            "/v1/surveys/{id}",
            Admin,
            delete(manage::archive),
        ),
        route(
            M::POST,
            "/v1/surveys/{id}/check",
            Admin,
            post(manage::check_survey),
        ),
        route(
            M::POST,
            "/v1/surveys/{id}/publish",
            Admin,
            post(manage::publish),
        ),
        route(
            M::POST,
            "/v1/surveys/{id}/unpublish",
            Admin,
            post(manage::unpublish),
        ),
        route(M::GET, "/v1/site", Admin, get(manage::get_site)),
        route(M::PUT, "/v1/site", Admin, put(manage::put_site)),
        route(M::GET, "/v1/users", Admin, get(manage::list_users)),
        route(M::POST, "/v1/users", Admin, post(manage::add_user)),
        route(
            M::DELETE,
            "/v1/users/{id}",
            Admin,
            delete(manage::delete_user),
        ),
        route(M::GET, "/v1/tokens", Admin, get(manage::list_tokens)),
        route(M::POST, "/v1/tokens", Admin, post(manage::add_token)),
        route(
            M::DELETE,
            "/v1/tokens/{id}",
            Admin,
            delete(manage::delete_token),
        ),
        route(
            M::GET,
            "/admin/surveys/{id}",
            Admin,
            get(console::editor_page),
        ),
        route(M::GET, "/v1/webhooks", Admin, get(webhooks::api::list)),
        route(M::POST, "/v1/webhooks", Admin, post(webhooks::api::create)),
        route(
            M::DELETE,
            "/v1/webhooks/{id}",
            Admin,
            delete(webhooks::api::delete),
        ),
        route(
            M::GET,
            "/v1/webhooks/{id}/deliveries",
            Admin,
            get(webhooks::api::deliveries),
        ),
        route(
            M::POST,
            "/v1/webhooks/{id}/test",
            Admin,
            post(webhooks::api::test),
        ),
        route(
            M::DELETE,
            "/v1/visitors/{id}",
            Admin,
            delete(visitors::erase),
        ),
        route(
            M::GET,
            "/admin/webhooks",
            Admin,
            get(console::webhooks_page),
        ),
        route(M::GET, "/admin/site", Admin, get(console::site_page)),
        route(M::GET, "/admin/access", Admin, get(console::access_page)),
    ]
}

/// The endpoints' handlers, each behind the guard of its access.
pub fn guarded(state: &AppState) -> Vec<(Endpoint, MethodRouter<AppState>)> {
    endpoints()
        .into_iter()
        .map(|mut endpoint| {
            let handler = std::mem::take(&mut endpoint.handler);
            let guard_state = GuardState {
                app: state.clone(),
                access: endpoint.access,
            };
            let handler =
                handler.route_layer(axum::middleware::from_fn_with_state(guard_state, guard));
            (endpoint, handler)
        })
        .collect()
}
