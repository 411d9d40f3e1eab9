//! `/api/docs`: an interactive reference of the API (Swagger UI) over `/api/openapi.json`, bundled with
//! the client by its build (no CDN), so it works offline and under this server's own CSP.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::client::{self, ClientDir};
use crate::error::AppError;

/// Where the client's build puts Swagger UI's files (see scripts/build-frontend.sh).
const BUNDLE: &str = "api-docs/swagger-ui-bundle.js";

/// The page's CSP: the server's own, but Swagger UI (React) sets inline `style` attributes, so styles
/// may be inline here. Scripts are still this origin's files only.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OTP Portal API reference</title>
<link rel="stylesheet" href="/api-docs/swagger-ui.css">
</head>
<body>
<main id="swagger-ui"></main>
<script src="/api-docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
"#;

const INIT: &str = r##"window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  tryItOutEnabled: false,
});
"##;

/// The interactive API reference (an HTML page).
#[utoipa::path(get, path = "/api/docs", tag = "operations",
    responses(
        (status = 200, description = "The interactive reference (HTML)", content_type = "text/html"),
        (status = 404, description = "`not_found`: the reference was not bundled with the client", body = shared::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn page(dir: web::Data<ClientDir>) -> Result<HttpResponse, AppError> {
    if !client::has_file(&dir, BUNDLE) {
        return Err(AppError::ClientNotBuilt);
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header(("Content-Security-Policy", DOCS_CSP))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(PAGE))
}

/// The reference page's start-up script (a file, so no inline script is needed).
#[utoipa::path(get, path = "/api/docs/init.js", tag = "operations",
    responses((status = 200, description = "JavaScript", content_type = "text/javascript")))]
pub async fn init() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/javascript; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(INIT)
}
