//! Accounts and access (SPEC 7.1): who may do what, decided in one place ([`guard`]).
//!
//! - [`secrets`]: Argon2id password hashes, random tokens and session ids, their SHA-256 digests.
//! - [`accounts`]: users, API tokens, sessions and failed sign-ins in the database.
//! - [`guard`]: the middleware every non-public route passes through (sign-in, role, CSRF).
//! - [`login`]: the sign-in page, sign-in and sign-out.

pub mod accounts;
pub mod guard;
pub mod login;
pub mod secrets;

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a signed-in person or a token may do. An admin can do everything a viewer can.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(clap::ValueEnum)]
pub enum Role {
    /// Reads reports, comments and exports.
    Viewer,
    /// Also changes surveys, site settings, users, tokens and webhooks, and deletes data.
    Admin,
}

impl Role {
    /// The stored name.
    pub fn key(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Admin => "admin",
        }
    }

    /// The role of a stored name.
    pub fn from_key(key: &str) -> Option<Role> {
        match key {
            "viewer" => Some(Role::Viewer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone: the widget's endpoints, the hosted config, health, sign-in and static files.
    Public,
    /// Any signed-in person or token (viewers read reports).
    Viewer,
    /// Admins only: everything that changes surveys, settings, accounts or deletes data.
    Admin,
}

impl Access {
    /// The least role this access needs (`None`: public).
    pub fn role(self) -> Option<Role> {
        match self {
            Access::Public => None,
            Access::Viewer => Some(Role::Viewer),
            Access::Admin => Some(Role::Admin),
        }
    }
}

/// The caller of a request that passed the [`guard`]: put into the request's extensions.
#[derive(Clone, Debug)]
pub struct Principal {
    /// Their role.
    pub role: Role,
    /// Who: the user's email, or `token:NAME`.
    pub name: String,
    /// The CSRF token of the session (`None` for a bearer token, which needs none).
    pub csrf: Option<String>,
}
