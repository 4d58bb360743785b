//! `/metrics` rendered once per change of the state, not once per scrape. Rendering 10,000
//! findings takes about 25 ms of CPU; per scrape, 100 concurrent scrapers queued behind each
//! other (p99 2.3 s on two cores) and starved the scans of the runtime's workers. Now one
//! scrape renders, on a blocking thread, while the others wait for it and share its bytes,
//! plain and gzip-compressed (Prometheus asks for gzip: a tenth of the bytes to copy).

use crate::metrics::{render, BuildInfo};
use axum::body::Bytes;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use tomwatch_engine::state::ServeState;

/// How stale the API counters (which move with every request, without a change of the
/// state's generation) may be in a cached rendering: well below any scrape interval.
const COUNTERS_MAX_AGE: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
pub(crate) struct Exposition {
    cached: Mutex<Option<Rendered>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Rendered {
    generation: u64,
    at: Instant,
    pub plain: Bytes,
    pub gzip: Bytes,
}

fn gzip(text: &[u8]) -> Bytes {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(text.len() / 8),
        flate2::Compression::fast(),
    );
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(text);
    Bytes::from(encoder.finish().unwrap_or_default())
}

impl Exposition {
    /// The current exposition: cached while the state is unchanged and the counters fresh.
    pub async fn current(&self, state: &Arc<ServeState>, build: &BuildInfo) -> Rendered {
        // Held across the render: concurrent scrapes wait for one rendering instead of each
        // making their own.
        let mut cached = self.cached.lock().await;
        let generation = state.generation();
        if let Some(rendered) = cached.as_ref() {
            if rendered.generation == generation && rendered.at.elapsed() < COUNTERS_MAX_AGE {
                return rendered.clone();
            }
        }
        let (state, build) = (state.clone(), build.clone());
        let rendering = tokio::task::spawn_blocking(move || {
            let text = render(&state, &build);
            let gzip = gzip(text.as_bytes());
            (Bytes::from(text), gzip)
        });
        let (plain, gzip) = match rendering.await {
            Ok(bodies) => bodies,
            // The render panicked: the panic is the bug; the scrape answers what it can.
            Err(error) => {
                tracing::error!("rendering /metrics failed: {error}");
                return cached.clone().unwrap_or_else(|| Rendered {
                    generation,
                    at: Instant::now(),
                    plain: Bytes::new(),
                    gzip: gzip(b""),
                });
            }
        };
        let rendered = Rendered {
            generation,
            at: Instant::now(),
            plain,
            gzip,
        };
        *cached = Some(rendered.clone());
        rendered
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tomwatch_model::ApiStats;

    fn build() -> BuildInfo {
        BuildInfo {
            version: "0.0.0".into(),
            revision: "test".into(),
        }
    }

    #[tokio::test]
    async fn a_change_of_the_state_is_seen_at_once_and_counters_within_a_second() {
        let api = ApiStats::default();
        let state = Arc::new(ServeState::new(api.clone()));
        let exposition = Exposition::default();
        let first = exposition.current(&state, &build()).await.plain;
        api.record_attempt("kms", "ListKeys", 1);
        let cached = exposition.current(&state, &build()).await.plain;
        assert_eq!(first, cached, "the counters alone do not re-render at once");
        state.record_storage_error();
        let rendered = exposition.current(&state, &build()).await;
        let mut unzipped = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(&rendered.gzip[..]),
            &mut unzipped,
        )
        .expect("gzip");
        assert_eq!(
            unzipped.as_bytes(),
            &rendered.plain[..],
            "the same exposition, compressed"
        );
        let changed = rendered.plain;
        let text = String::from_utf8_lossy(&changed);
        assert!(text.contains("tomwatch_storage_errors_total 1"), "{text}");
        assert!(
            text.contains("operation=\"ListKeys\""),
            "re-rendered with the counters"
        );
        api.record_attempt("kms", "DescribeKey", 1);
        tokio::time::sleep(COUNTERS_MAX_AGE + Duration::from_millis(50)).await;
        let aged = exposition.current(&state, &build()).await.plain;
        assert!(String::from_utf8_lossy(&aged).contains("operation=\"DescribeKey\""));
    }
}
