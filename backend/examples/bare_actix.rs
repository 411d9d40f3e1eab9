//! The ceiling for the portal's request path: a bare actix-web server answering `GET /` with a small
//! JSON body, nothing else (no middleware, no database). `scripts/bench-ratios.sh` loads it and the
//! portal alike, so that the portal's figures read as a share of what actix-web does on this machine.
//!
//! `cargo run --release --example bare_actix -- PORT`

use actix_web::{web, App, HttpResponse, HttpServer};

async fn index() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = match std::env::args().nth(1).map(|p| p.parse()) {
        None => 18190,
        Some(Ok(port)) => port,
        Some(Err(e)) => {
            eprintln!("usage: bare_actix [PORT]: {e}");
            std::process::exit(2);
        }
    };
    // The default worker count (one per core), as the portal's server has: the same share of the machine.
    HttpServer::new(|| App::new().route("/", web::get().to(index)))
        .bind(("127.0.0.1", port))?
        .run()
        .await
}
