//! Extractors whose rejections answer like the route they serve (axum's
//! `customize-extractor-error`): a JSON [`ApiError`] on the API, an HTML error page on pages.
//! Handlers take `ApiPath(id): ApiPath<String>` instead of matching on a `Result` each.

use crate::api::ApiError;
use crate::pages::error_page;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

/// An error on a server-rendered page: shown as an HTML error page (status and message of the
/// [`ApiError`] it wraps), never as JSON.
#[derive(Debug)]
pub struct PageError(pub ApiError);

impl<E: Into<ApiError>> From<E> for PageError {
    fn from(error: E) -> PageError {
        PageError(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(self.0.status(), self.0.message())
    }
}

/// Defines an extractor that is `$inner<T>` with `$error` as its rejection.
macro_rules! extractor {
    ($(#[$doc:meta])* $name:ident = $inner:ident rejected as $error:ty) => {
        $(#[$doc])*
        pub struct $name<T>(pub T);

        impl<S: Send + Sync, T> FromRequestParts<S> for $name<T>
        where
            $inner<T>: FromRequestParts<S>,
            ApiError: From<<$inner<T> as FromRequestParts<S>>::Rejection>,
        {
            type Rejection = $error;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, $error> {
                match $inner::<T>::from_request_parts(parts, state).await {
                    Ok($inner(value)) => Ok($name(value)),
                    Err(rejection) => Err(ApiError::from(rejection).into()),
                }
            }
        }
    };
}

extractor!(
    /// A path parameter of an API route; a JSON 400 when it does not parse.
    ApiPath = Path rejected as ApiError
);
extractor!(
    /// The query of an API route; a JSON 400 when it does not parse.
    ApiQuery = Query rejected as ApiError
);
extractor!(
    /// A path parameter of a page; an HTML 400 page when it does not parse.
    PagePath = Path rejected as PageError
);
extractor!(
    /// The query of a page; an HTML 400 page when it does not parse.
    PageQuery = Query rejected as PageError
);
