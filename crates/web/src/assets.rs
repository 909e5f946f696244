//! Our own stylesheet and script, compiled into the binary: nothing is fetched at run time.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const CSS: &str = include_str!("../assets/tertial.css");
const JS: &str = include_str!("../assets/tertial.js");

/// Changes whenever the stylesheet or the script does. Pages ask for `?v=VERSION`, so a
/// browser never pairs a new page with an old cached script (whose words and fields differ).
pub const VERSION: u64 = fnv1a(CSS.as_bytes()) ^ fnv1a(JS.as_bytes()).rotate_left(1);

/// FNV-1a: a small hash a constant can be computed with.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

pub async fn serve(Path(file): Path<String>) -> Response {
    let (body, content_type) = match file.as_str() {
        "tertial.css" => (CSS, "text/css; charset=utf-8"),
        "tertial.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
