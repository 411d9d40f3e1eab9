//! The browser client at `/`: files of the built client, `index.html` for client-side routes (history
//! API), long-lived caching for content-hashed assets, and no caching for `index.html`.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::AppError;

#[derive(Clone)]
pub struct ClientDir(pub PathBuf);

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

pub async fn serve(req: HttpRequest, dir: web::Data<ClientDir>) -> Result<HttpResponse, AppError> {
    if !matches!(*req.method(), Method::GET | Method::HEAD) || req.path().starts_with("/api/") {
        return Err(AppError::NotFound);
    }
    let Some(relative) = safe_relative(req.path()) else {
        return Err(AppError::NotFound);
    };
    let candidate = dir.0.join(&relative);
    if relative.as_os_str().is_empty() || !candidate.is_file() {
        // A path with an extension names a file that is not there; anything else is a client route.
        if relative.extension().is_some() {
            return Err(AppError::NotFound);
        }
        let index = dir.0.join("index.html");
        if !index.is_file() {
            return Err(AppError::ClientNotBuilt);
        }
        return file(&req, &index, REVALIDATE).await;
    }
    let cache = if is_hashed(&relative) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    file(&req, &candidate, cache).await
}

async fn file(
    req: &HttpRequest,
    path: &Path,
    cache: &'static str,
) -> Result<HttpResponse, AppError> {
    let mut response = match gzipped_sibling(req, path) {
        Some(gz) => {
            let extension = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            NamedFile::open_async(&gz)
                .await
                .map_err(|_| AppError::NotFound)?
                .set_content_type(actix_files::file_extension_to_mime(extension))
                .set_content_encoding(ContentEncoding::Gzip)
                .into_response(req)
        }
        None => NamedFile::open_async(path)
            .await
            .map_err(|_| AppError::NotFound)?
            .into_response(req),
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    Ok(response)
}

/// `path.gz`, made by the client's build, when the browser accepts gzip and it exists.
fn gzipped_sibling(req: &HttpRequest, path: &Path) -> Option<PathBuf> {
    let accepts_gzip = req
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case("gzip") && !refused
        });
    let mut gz = path.as_os_str().to_owned();
    gz.push(".gz");
    let gz = PathBuf::from(gz);
    (accepts_gzip && gz.is_file()).then_some(gz)
}

/// The request path as a path under the client folder, or `None` if it tries to leave it.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    let mut out = PathBuf::new();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

/// Trunk names assets `name-<16 hex digits>.ext` (the wasm `name-<hash>_bg.wasm`); such a name changes
/// whenever the content does.
fn is_hashed(path: &Path) -> bool {
    path.file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.rsplit_once('-'))
        .map(|(_, tail)| tail.split('_').next().unwrap_or_default())
        .is_some_and(|hash| hash.len() >= 16 && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_client_folder() {
        assert_eq!(safe_relative("/"), Some(PathBuf::new()));
        assert_eq!(safe_relative("/verify"), Some(PathBuf::from("verify")));
        assert_eq!(safe_relative("/a/./b.js"), Some(PathBuf::from("a/b.js")));
        assert_eq!(safe_relative("/../etc/passwd"), None);
        assert_eq!(safe_relative("/a/%2e%2e/%2e%2e/etc/passwd"), None);
    }

    #[test]
    fn only_content_hashed_names_are_immutable() {
        assert!(is_hashed(Path::new("frontend-1a2b3c4d5e6f7a8b_bg.wasm")));
        assert!(is_hashed(Path::new("frontend-1a2b3c4d5e6f7a8b.js")));
        assert!(is_hashed(Path::new("style-0123456789abcdef.css")));
        assert!(!is_hashed(Path::new("index.html")));
        assert!(!is_hashed(Path::new("favicon-light.svg")));
    }
}
