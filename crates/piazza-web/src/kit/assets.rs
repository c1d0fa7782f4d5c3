//! Static assets embedded in the binary: vendored Bootstrap Italia and htmx, and our own CSS.
//! Vendored files live in versioned folders and are cached for a year.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "../../static/"]
struct Static;

pub const BOOTSTRAP_ITALIA: &str = "bootstrap-italia-2.18.3";
pub const HTMX: &str = "htmx-2.0.11";

/// A path that is not UTF-8 (`/static/%c0%ae`) or names no file gets the Italian 404 page.
pub async fn serve(crate::kit::extract::Path(path): crate::kit::extract::Path<String>) -> Response {
    match Static::get(&path) {
        Some(file) => {
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            let cache = if path.starts_with("vendor/") {
                "public, max-age=31536000, immutable"
            } else {
                "public, max-age=3600"
            };
            (
                [
                    (header::CONTENT_TYPE, mime.as_ref().to_owned()),
                    (header::CACHE_CONTROL, cache.to_owned()),
                ],
                file.data,
            )
                .into_response()
        }
        None => crate::kit::error::AppError::NotFound.into_response(),
    }
}
