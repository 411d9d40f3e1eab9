//! The built browser client at `/`: its files, `index.html` for client routes, cache headers.

use crate::helpers::{expect_problem, spawn_app_with};

const INDEX: &str = "<!doctype html><title>client</title>";
const ASSET: &str = "app-0123456789abcdef.js";

async fn app_with_client() -> (crate::helpers::TestApp, tempfile::TempDir) {
    let client = tempfile::tempdir().unwrap();
    std::fs::write(client.path().join("index.html"), INDEX).unwrap();
    std::fs::write(client.path().join(ASSET), "console.log(1)").unwrap();
    std::fs::write(client.path().join("robots.txt"), "User-agent: *").unwrap();
    let dir = client.path().display().to_string();
    let app = spawn_app_with(|vars| {
        vars.insert("CLIENT_DIR".into(), dir);
    })
    .await;
    (app, client)
}

fn cache_control(response: &reqwest::Response) -> String {
    response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_root_and_client_routes_serve_index_html_without_caching() {
    let (app, _client) = app_with_client().await;
    for path in [
        "/",
        "/verify?email=a%40example.com&code=123456",
        "/dashboard",
        "/a/deep/route",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(cache_control(&response), "no-cache", "{path}");
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert_eq!(response.text().await.unwrap(), INDEX, "{path}");
    }
}

#[tokio::test]
async fn hashed_assets_are_cached_for_good_and_others_revalidated() {
    let (app, _client) = app_with_client().await;
    let asset = app.get(&format!("/{ASSET}")).await;
    assert_eq!(asset.status(), 200);
    assert_eq!(cache_control(&asset), "public, max-age=31536000, immutable");
    assert!(asset.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));

    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status(), 200);
    assert_eq!(cache_control(&robots), "no-cache");
}

#[tokio::test]
async fn a_missing_file_and_unknown_api_paths_are_problems_not_the_client() {
    let (app, _client) = app_with_client().await;
    expect_problem(
        app.get("/missing-0123456789abcdef.js").await,
        404,
        "not_found",
    )
    .await;
    expect_problem(app.get("/api/nope").await, 404, "not_found").await;
    let post = app.client.post(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(post.status(), 404);
}

#[tokio::test]
async fn without_a_built_client_the_root_is_a_clear_404() {
    let app = spawn_app_with(|vars| {
        vars.insert("CLIENT_DIR".into(), "/nonexistent/client".into());
    })
    .await;
    let (problem, _) = expect_problem(app.get("/").await, 404, "not_found").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("not built"),
        "{problem}"
    );
}

#[tokio::test]
async fn a_gzipped_copy_goes_to_browsers_that_accept_gzip() {
    let (app, client) = app_with_client().await;
    let original = b"console.log('a long enough script to be worth compressing');".repeat(20);
    std::fs::write(client.path().join(ASSET), &original).unwrap();
    // The same tool the client's build uses.
    let status = std::process::Command::new("gzip")
        .args(["-9", "--keep", "--force"])
        .arg(client.path().join(ASSET))
        .status()
        .unwrap();
    assert!(status.success());
    let encoder = std::fs::read(client.path().join(format!("{ASSET}.gz"))).unwrap();
    assert!(encoder.len() < original.len());

    let gzipped = app
        .client
        .get(app.url(&format!("/{ASSET}")))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert!(gzipped.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    assert_eq!(gzipped.headers()["vary"], "Accept-Encoding");
    assert_eq!(gzipped.bytes().await.unwrap().as_ref(), encoder.as_slice());

    for refusing in ["identity", "gzip;q=0", "gzip; q=0.0", "br"] {
        let plain = app
            .client
            .get(app.url(&format!("/{ASSET}")))
            .header("accept-encoding", refusing)
            .send()
            .await
            .unwrap();
        assert!(
            plain.headers().get("content-encoding").is_none(),
            "{refusing}"
        );
        assert_eq!(
            plain.bytes().await.unwrap().as_ref(),
            original.as_slice(),
            "{refusing}"
        );
    }
}

/// The checkout's built client, which a debug build reads in place of the copy a release build carries.
fn built_client() -> Option<std::path::PathBuf> {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist");
    if dist.join("index.html").is_file() {
        return Some(dist);
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "CI builds the client before the tests (scripts/build-frontend.sh)"
    );
    eprintln!("skipping: the client is not built (scripts/build-frontend.sh)");
    None
}

#[tokio::test]
async fn without_client_dir_the_binarys_own_client_is_served_wherever_it_runs() {
    let Some(dist) = built_client() else {
        return;
    };
    // The test runs in backend/, where no frontend/dist is: only the built-in copy can answer.
    let app = spawn_app_with(|vars| {
        vars.remove("CLIENT_DIR");
    })
    .await;
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap();
    for path in ["/", "/admin/users"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(cache_control(&response), "no-cache");
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert_eq!(response.text().await.unwrap(), index, "{path}");
    }
    // A content-hashed asset: immutable, gzipped when asked, and revalidated by its ETag.
    let wasm = std::fs::read_dir(&dist)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|name| name.ends_with("_bg.wasm"))
        .expect("the build has a wasm file");
    let plain = app
        .client
        .get(app.url(&format!("/{wasm}")))
        .header("accept-encoding", "identity")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 200);
    assert_eq!(cache_control(&plain), "public, max-age=31536000, immutable");
    assert_eq!(plain.headers()["content-type"], "application/wasm");
    let etag = plain.headers()["etag"].to_str().unwrap().to_owned();
    let bytes = plain.bytes().await.unwrap();
    assert_eq!(
        bytes.as_ref(),
        std::fs::read(dist.join(&wasm)).unwrap().as_slice()
    );
    if dist.join(format!("{wasm}.gz")).is_file() {
        let gz = app
            .client
            .get(app.url(&format!("/{wasm}")))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(gz.headers()["content-encoding"], "gzip");
        assert_eq!(gz.headers()["etag"].to_str().unwrap(), etag);
    }
    let again = app
        .client
        .get(app.url(&format!("/{wasm}")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    expect_problem(
        app.get("/missing-0123456789abcdef.js").await,
        404,
        "not_found",
    )
    .await;
}
