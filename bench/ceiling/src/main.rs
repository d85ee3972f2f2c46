//! A bare axum hello-world: what this machine can serve at all over HTTP in the moment the
//! benchmark runs. `LEPTOS_SITE_ADDR` (as for Appward) names the address.
use axum::Router;
use axum::routing::get;

#[tokio::main]
async fn main() {
    let addr = std::env::var("LEPTOS_SITE_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .expect("the address is free");
    let app = Router::new().route("/livez", get(|| async { "ok" }));
    axum::serve(listener, app).await.expect("serving");
}
