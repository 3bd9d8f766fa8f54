//! What every server-rendered page shares: the layout (with the console's navigation for a
//! signed-in person) and error pages. No inline script or style: pages work under a strict CSP.
//! Maud escapes every interpolated string.

use crate::auth::{Principal, Role};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

/// The whole page around `body`; with `principal`, the console's navigation and sign-out.
pub fn layout(title: &str, principal: Option<&Principal>, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · survey-collector" }
                link rel="icon" href="data:,";
                link rel="stylesheet" href="/report.css";
                @if principal.is_some() {
                    script type="module" src="/console.js" {}
                }
            }
            body {
                @if let Some(principal) = principal {
                    (console_nav(principal))
                }
                main { (body) }
            }
        }
    }
    .into_string()
}

fn console_nav(principal: &Principal) -> Markup {
    html! {
        header.console-bar {
            nav aria-label="Console" {
                a href="/admin" { "Surveys" }
                a href="/report" { "Reports" }
                a href="/admin/visitors" { "Visitors" }
                @if principal.role == Role::Admin {
                    a href="/admin/webhooks" { "Webhooks" }
                    a href="/admin/site" { "Site" }
                    a href="/admin/access" { "Users and tokens" }
                }
            }
            form.signout method="post" action="/logout" {
                span.muted { (principal.name) " (" (principal.role) ")" }
                @if let Some(csrf) = &principal.csrf {
                    input type="hidden" name="csrf" value=(csrf);
                }
                button type="submit" { "Sign out" }
            }
        }
    }
}

/// A short HTML page for an error status.
pub fn error_page(status: StatusCode, why: &str) -> Response {
    let title = status.canonical_reason().unwrap_or("Error");
    let body = html! {
        h1 { (title) }
        p { (why) }
        p { a href="/admin" { "Back to the console" } }
    };
    (status, Html(layout(title, None, body))).into_response()
}
