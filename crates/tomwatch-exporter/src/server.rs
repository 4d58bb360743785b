//! The HTTP(S) endpoints of `tomwatch serve`.

use crate::auth::BasicAuth;
use crate::exposition::Exposition;
use crate::metrics::BuildInfo;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tomwatch_engine::state::ServeState;
use tomwatch_engine::AuditReport;

#[derive(Debug, Clone)]
pub struct AppState {
    pub state: Arc<ServeState>,
    pub build: BuildInfo,
    auth: Arc<BasicAuth>,
    exposition: Arc<Exposition>,
}

impl AppState {
    pub fn new(
        state: Arc<ServeState>,
        build: BuildInfo,
        users: std::collections::BTreeMap<String, String>,
    ) -> Self {
        AppState {
            state,
            build,
            auth: Arc::new(BasicAuth::new(users)),
            exposition: Arc::default(),
        }
    }
}

fn router(app: AppState) -> Router {
    Router::new()
        .route("/", get(landing))
        .route("/metrics", get(metrics))
        .route("/-/healthy", get(|| async { "Healthy\n" }))
        .route("/-/ready", get(ready))
        .route("/api/v1/findings", get(findings))
        .layer(middleware::from_fn_with_state(app.clone(), authenticate))
        .with_state(app)
}

/// Serves until `shutdown` fires; HTTPS when `tls` is given.
pub async fn serve(
    listener: TcpListener,
    app: AppState,
    tls: Option<Arc<rustls::ServerConfig>>,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let router = router(app);
    let Some(tls) = tls else {
        return axum::serve(listener, router)
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await;
    };
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let (stream, peer) = tokio::select! {
            () = shutdown.cancelled() => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!("accept failed: {error}");
                    continue;
                }
            },
        };
        let acceptor = acceptor.clone();
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            match acceptor.accept(stream).await {
                Ok(tls_stream) => {
                    let connection = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls_stream), service);
                    if let Err(error) = connection.await {
                        tracing::debug!(%peer, "connection ended: {error}");
                    }
                }
                Err(error) => tracing::debug!(%peer, "TLS handshake failed: {error}"),
            }
        });
    }
}

async fn authenticate(State(app): State<AppState>, request: Request, next: Next) -> Response {
    if !app.auth.enabled() {
        return next.run(request).await;
    }
    let header = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if app.auth.allows(header) {
        next.run(request).await
    } else {
        let mut response = (StatusCode::UNAUTHORIZED, "Unauthorized\n").into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"tomwatch\""),
        );
        response
    }
}

async fn landing(State(app): State<AppState>) -> Html<String> {
    Html(format!(
        "<!doctype html><html><head><title>tomwatch</title></head><body><h1>tomwatch {}</h1>\
         <p>Audits AWS accounts against the TOM baseline.</p><ul>\
         <li><a href=\"metrics\">metrics</a></li><li><a href=\"api/v1/findings\">findings (JSON)</a></li>\
         <li><a href=\"-/healthy\">healthy</a></li><li><a href=\"-/ready\">ready</a></li></ul></body></html>",
        app.build.version
    ))
}

async fn metrics(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let rendered = app.exposition.current(&app.state, &app.build).await;
    let content_type = (
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    let accepts_gzip = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.trim().split(';');
            let name = parts.next().unwrap_or_default().trim(); // default: an empty coding matches nothing
            let refused = parts.any(|p| p.trim().replace(' ', "") == "q=0");
            name.eq_ignore_ascii_case("gzip") && !refused
        });
    if accepts_gzip {
        (
            [
                content_type,
                (header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
            ],
            rendered.gzip,
        )
            .into_response()
    } else {
        ([content_type], rendered.plain).into_response()
    }
}

async fn ready(State(app): State<AppState>) -> impl IntoResponse {
    if app.state.is_ready() {
        (StatusCode::OK, "Ready\n")
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "Not ready: waiting for the first scan of every account\n",
        )
    }
}

/// The current snapshots as one `tomwatch.audit.v1` document.
async fn findings(State(app): State<AppState>) -> impl IntoResponse {
    let snapshots = app.state.snapshots();
    let started = snapshots.iter().map(|s| s.started_at).min();
    let finished = snapshots.iter().map(|s| s.finished_at).max();
    let to_time = |t: Option<std::time::SystemTime>| {
        t.map(time::OffsetDateTime::from)
            .unwrap_or_else(time::OffsetDateTime::now_utc)
    };
    let mut report = AuditReport::from_accounts(
        to_time(started),
        to_time(finished),
        snapshots.iter().map(|s| s.evaluated.clone()),
    );
    report.record_policy(&app.state.policy(), time::OffsetDateTime::now_utc().date());
    let body = serde_json::to_string(&report.to_json()).unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], body)
}
