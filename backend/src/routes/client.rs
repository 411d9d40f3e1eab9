//! The browser client at `/`: files of the built client (from `CLIENT_DIR`, or built into the binary),
//! `index.html` for client-side routes (history API), long-lived caching for content-hashed assets, no
//! caching for `index.html`, and the gzipped copy the build made when the browser takes gzip.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::AppError;

/// Where the client's files come from: `CLIENT_DIR`, or else the copy built into the binary.
#[derive(Clone)]
pub struct ClientDir(pub Option<PathBuf>);

/// The built client (`frontend/dist`) inside the binary: a release build carries the files it was built
/// with, so one file is the whole portal; a debug build reads that folder from the checkout instead.
#[derive(rust_embed::RustEmbed)]
#[folder = "../frontend/dist"]
#[allow_missing = true]
struct Embedded;

/// Whether the client holds the file at `relative` (a path like `api-docs/x.js`).
pub fn has_file(dir: &ClientDir, relative: &str) -> bool {
    match &dir.0 {
        Some(dir) => dir.join(relative).is_file(),
        None => Embedded::get(relative).is_some(),
    }
}

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

pub async fn serve(req: HttpRequest, dir: web::Data<ClientDir>) -> Result<HttpResponse, AppError> {
    if !matches!(*req.method(), Method::GET | Method::HEAD) || req.path().starts_with("/api/") {
        return Err(AppError::NotFound);
    }
    let Some(relative) = safe_relative(req.path()) else {
        return Err(AppError::NotFound);
    };
    match &dir.0 {
        Some(dir) => from_folder(&req, dir, &relative).await,
        None => from_binary(&req, &relative),
    }
}

async fn from_folder(
    req: &HttpRequest,
    dir: &Path,
    relative: &Path,
) -> Result<HttpResponse, AppError> {
    let candidate = dir.join(relative);
    if relative.as_os_str().is_empty() || !candidate.is_file() {
        // A path with an extension names a file that is not there; anything else is a client route.
        if relative.extension().is_some() {
            return Err(AppError::NotFound);
        }
        let index = dir.join("index.html");
        if !index.is_file() {
            return Err(AppError::ClientNotBuilt);
        }
        return file(req, &index, REVALIDATE).await;
    }
    file(req, &candidate, cache_of(relative)).await
}

fn cache_of(relative: &Path) -> &'static str {
    if is_hashed(relative) {
        IMMUTABLE
    } else {
        REVALIDATE
    }
}

/// The same answers as [`from_folder`], from the files built into the binary.
fn from_binary(req: &HttpRequest, relative: &Path) -> Result<HttpResponse, AppError> {
    let name = relative.to_string_lossy().replace('\\', "/");
    let (name, cache) = if !name.is_empty() && Embedded::get(&name).is_some() {
        (name, cache_of(relative))
    } else if relative.extension().is_some() {
        return Err(AppError::NotFound);
    } else if Embedded::get("index.html").is_some() {
        ("index.html".to_owned(), REVALIDATE)
    } else {
        return Err(AppError::ClientNotBuilt);
    };
    let gzipped = accepts_gzip(req)
        .then(|| Embedded::get(&format!("{name}.gz")))
        .flatten();
    let Some(plain) = Embedded::get(&name) else {
        return Err(AppError::NotFound);
    };
    // The ETag names the content, whichever encoding is sent, so a revalidation is one comparison.
    let etag = format!("\"{}\"", hex::encode(plain.metadata.sha256_hash()));
    let mut response = if if_none_match(req, &etag) {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::CONTENT_TYPE, plain.metadata.mimetype()))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header((header::ETAG, etag.clone()));
    if if_none_match(req, &etag) {
        return Ok(response.finish());
    }
    Ok(match gzipped {
        Some(gz) => response
            .insert_header((header::CONTENT_ENCODING, "gzip"))
            .body(gz.data.into_owned()),
        None => response.body(plain.data.into_owned()),
    })
}

fn if_none_match(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == etag || tag.trim() == "*")
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
    let mut gz = path.as_os_str().to_owned();
    gz.push(".gz");
    let gz = PathBuf::from(gz);
    (accepts_gzip(req) && gz.is_file()).then_some(gz)
}

/// Whether the request's `Accept-Encoding` takes gzip (and does not refuse it with `q=0`).
fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
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
        })
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
