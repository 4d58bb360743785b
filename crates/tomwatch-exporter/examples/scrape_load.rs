//! `/metrics` under concurrent scrapers while scans publish new snapshots: the load benchmark
//! behind BENCHMARKS.md. Loopback only, bounded in time.
//!
//! `cargo run --release -p tomwatch-exporter --example scrape_load -- [findings] [scrapers] [seconds] [gzip|plain]`
//! (defaults 10000, 100, 20, gzip: Prometheus asks for gzip). Prints one line of figures.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tomwatch_engine::state::{AccountSnapshot, ExpectedAccount, ServeState};
use tomwatch_engine::{AccountReport, EvaluatedAccount};
use tomwatch_exporter::{serve, AppState, BuildInfo};
use tomwatch_model::{ApiStats, Finding, Severity, Status};

/// Real check IDs, so the series look like a real estate's.
const CHECKS: &[(&str, &str)] = &[
    ("ec2_security_group_world_ingress_web_only", "TOM-NET"),
    ("ec2_volume_encrypted_kms", "TOM-ENC-REST"),
    ("s3_bucket_encrypted_kms", "TOM-ENC-REST"),
    ("rds_instance_multi_az", "TOM-HA"),
    ("iam_user_access_key_rotated", "TOM-ACCESS"),
    ("elbv2_load_balancer_waf_attached", "TOM-WAF"),
    ("kms_key_rotation_enabled", "TOM-ENC-REST"),
    ("lambda_function_allowed_region", "TOM-REGION"),
];

const ACCOUNTS: usize = 10;
const REGIONS: &[&str] = &["eu-central-1", "eu-west-1", "eu-north-1", "us-east-1"];

fn snapshot(account: usize, findings: usize, scan: u64) -> AccountSnapshot {
    let account_id = format!("{:012}", 100_000_000_000 + account as u64);
    let findings: Vec<Finding> = (0..findings)
        .map(|i| {
            let (check_id, control) = CHECKS[i % CHECKS.len()];
            // One in ten fails, and which ones moves a little with every scan.
            let status = match (i as u64 + scan) % 10 {
                0 => Status::Fail,
                1 => Status::Unknown,
                _ => Status::Pass,
            };
            Finding {
                check_id,
                control: control.into(),
                status,
                severity: Severity::High,
                account_id: account_id.as_str().into(),
                region: REGIONS[i % REGIONS.len()].into(),
                resource_type: "AWS::EC2::SecurityGroup",
                resource_id: format!("arn:aws:ec2:eu-central-1:{account_id}:resource/r-{i:06}"),
                message: "a message that never becomes a label".into(),
                suppressed: false,
                suppression: None,
            }
        })
        .collect();
    let now = SystemTime::now();
    AccountSnapshot {
        evaluated: EvaluatedAccount {
            account: AccountReport {
                account_id,
                environment: Some("production".into()),
                regions: REGIONS.iter().map(|r| r.to_string()).collect(),
                regions_not_scanned: vec![],
            },
            findings,
            errors: vec![],
            units: vec![],
        },
        first_seen: BTreeMap::new(),
        unverified: vec![],
        started_at: now,
        finished_at: now,
        duration: Duration::from_secs(3),
        last_reached_aws: Some(now),
    }
}

/// One scraper: GETs /metrics on a kept-alive connection until `until`; returns latencies
/// and the number of failed scrapes.
async fn scraper(port: u16, until: Instant, request: &'static [u8]) -> (Vec<Duration>, u64, usize) {
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut size = 0;
    let mut connection: Option<TcpStream> = None;
    while Instant::now() < until {
        let started = Instant::now();
        if connection.is_none() {
            connection = TcpStream::connect(("127.0.0.1", port)).await.ok();
        }
        let Some(stream) = connection.as_mut() else {
            errors += 1;
            continue;
        };
        match scrape(stream, request).await {
            Some(body) => {
                latencies.push(started.elapsed());
                size = body;
            }
            None => {
                errors += 1;
                connection = None;
            }
        }
    }
    (latencies, errors, size)
}

/// One scrape; the body's size when the answer was a complete 200.
async fn scrape(stream: &mut TcpStream, request: &[u8]) -> Option<usize> {
    stream.write_all(request).await.ok()?;
    let mut buffer = Vec::with_capacity(1 << 20);
    let mut chunk = vec![0u8; 64 * 1024];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    if !head.starts_with("http/1.1 200") {
        return None;
    }
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())?;
    while buffer.len() < head_end + length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    Some(length)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank]
}

#[tokio::main]
async fn main() {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let encoding = raw.get(3).cloned().unwrap_or_else(|| "gzip".into());
    let request: &'static [u8] = match encoding.as_str() {
        "gzip" => b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n\r\n",
        "plain" => b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        other => panic!("the fourth argument is gzip or plain, not {other}"),
    };
    let args: Vec<usize> = raw
        .iter()
        .take(3)
        .map(|a| a.parse().expect("whole numbers: findings scrapers seconds"))
        .collect();
    let findings = args.first().copied().unwrap_or(10_000);
    let scrapers = args.get(1).copied().unwrap_or(100);
    let seconds = args.get(2).copied().unwrap_or(20) as u64;

    let api = ApiStats::default();
    let state = Arc::new(ServeState::new(api.clone()));
    state.set_expected(
        (0..ACCOUNTS)
            .map(|a| ExpectedAccount {
                account_id: format!("{:012}", 100_000_000_000 + a as u64),
                environment: Some("production".into()),
            })
            .collect(),
        Duration::from_secs(60),
    );
    let per_account = findings / ACCOUNTS;
    for account in 0..ACCOUNTS {
        state.publish(snapshot(account, per_account, 0), &[]);
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let shutdown = CancellationToken::new();
    let build = BuildInfo {
        version: "bench".into(),
        revision: "bench".into(),
    };
    let app = AppState::new(state.clone(), build, BTreeMap::new());
    let server = tokio::spawn(serve(listener, app, None, shutdown.clone()));

    // Scans keep finishing while the scrapers scrape: one account's snapshot every 100 ms,
    // with API counters moving, as a daemon scanning ten accounts would publish them.
    let until = Instant::now() + Duration::from_secs(seconds);
    let publisher = {
        let state = state.clone();
        tokio::spawn(async move {
            let mut scan = 1;
            while Instant::now() < until {
                let fresh = snapshot(scan as usize % ACCOUNTS, per_account, scan);
                state.publish(fresh, &[]);
                api.record_attempt("ec2", "DescribeInstances", 1);
                scan += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            scan
        })
    };
    let started = Instant::now();
    let results = futures_join(
        (0..scrapers)
            .map(|_| tokio::spawn(scraper(port, until, request)))
            .collect(),
    )
    .await;
    let elapsed = started.elapsed();
    let published = publisher.await.expect("publisher");
    shutdown.cancel();
    let _ = server.await;

    let mut latencies: Vec<Duration> = Vec::new();
    let mut errors = 0;
    let mut size = 0;
    for (l, e, s) in results {
        latencies.extend(l);
        errors += e;
        size = size.max(s);
    }
    latencies.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "findings={findings} scrapers={scrapers} encoding={encoding} seconds={:.1} scrapes={} errors={errors} \
         scrapes_per_second={:.1} body_bytes={size} snapshots_published={published} \
         p50_ms={:.1} p90_ms={:.1} p99_ms={:.1} max_ms={:.1}",
        elapsed.as_secs_f64(),
        latencies.len(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.90)),
        ms(percentile(&latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
    );
}

async fn futures_join<T>(handles: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.expect("scraper"));
    }
    out
}
