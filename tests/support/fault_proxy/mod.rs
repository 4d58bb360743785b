//! A fault-injecting HTTP proxy between tomwatch and LocalStack. tomwatch's endpoint points at
//! the proxy, which forwards every request unless a rule matches it; a matching request gets
//! the rule's fault instead: an AWS error in the shape of the service's protocol (so the SDK
//! parses the same error code AWS would send), a delay, a reset connection or a cut body.
//!
//! Requests are told apart the way AWS tells them apart: the service from the SigV4 credential
//! scope, the operation from `X-Amz-Target` (JSON protocols), `Action=` (query protocols) or
//! the `/operation/` path segment (RPC v2 CBOR). REST services (S3, Lambda, EKS, ...) name no
//! operation on the wire; their rules match the whole service.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

mod aws_errors;
mod request;
use aws_errors::error_response;
use request::{find, read_request, Request};

/// What a matching request gets instead of LocalStack's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The service's throttling error (EC2 RequestLimitExceeded 503, S3 SlowDown 503, query
    /// Throttling 400, JSON ThrottlingException 400).
    Throttle,
    /// The service's permission error (EC2 UnauthorizedOperation, query and S3 AccessDenied,
    /// JSON AccessDeniedException), as a too-narrow IAM policy makes AWS answer.
    AccessDenied,
    /// The credentials' session token has expired (`ExpiredToken`, JSON `ExpiredTokenException`).
    ExpiredToken,
    /// An internal error with this HTTP status (500 InternalFailure, 503 ServiceUnavailable).
    ServerError(u16),
    /// Forwarded only after this delay: past the client's attempt timeout, a timeout.
    Delay(Duration),
    /// The connection is reset (RST) without an answer.
    Reset,
    /// LocalStack's answer with the body cut in half, then the connection is closed.
    Truncate,
    /// A successful answer with this body (JSON protocols), for what AWS says and the emulator
    /// cannot be made to say: a service AWS does not offer in a region.
    Answer(&'static str),
}

impl Fault {
    pub fn name(self) -> &'static str {
        match self {
            Fault::Throttle => "throttle",
            Fault::AccessDenied => "access_denied",
            Fault::ExpiredToken => "expired_token",
            Fault::ServerError(_) => "server_error",
            Fault::Delay(_) => "delay",
            Fault::Reset => "reset",
            Fault::Truncate => "truncate",
            Fault::Answer(_) => "answer",
        }
    }
}

/// Which requests get a fault, and how often.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The SigV4 signing name (`ec2`, `kms`, `elasticloadbalancing`, `monitoring`, ...);
    /// `None` matches every service except those in `spare`.
    pub service: Option<&'static str>,
    pub operation: Option<&'static str>,
    /// Only requests signed with this access key (LocalStack's ambient key is the account ID).
    pub access_key: Option<String>,
    /// Signing names a service-wide rule leaves alone.
    pub spare: Vec<&'static str>,
    /// Per thousand matching requests: 1000 is every one.
    pub per_mille: u32,
    pub fault: Fault,
}

impl Rule {
    /// Every request of one service.
    pub fn service(service: &'static str, fault: Fault) -> Rule {
        Rule {
            service: Some(service),
            operation: None,
            access_key: None,
            spare: Vec::new(),
            per_mille: 1000,
            fault,
        }
    }

    /// Every request of one operation of one service.
    pub fn operation(service: &'static str, operation: &'static str, fault: Fault) -> Rule {
        Rule {
            operation: Some(operation),
            ..Rule::service(service, fault)
        }
    }

    /// A share of all requests of every service but `spare`.
    pub fn everywhere(per_mille: u32, fault: Fault, spare: &[&'static str]) -> Rule {
        Rule {
            service: None,
            operation: None,
            access_key: None,
            spare: spare.to_vec(),
            per_mille,
            fault,
        }
    }

    fn matches(&self, request: &RequestId) -> bool {
        let service_ok = match self.service {
            Some(service) => request.service == service,
            None => !self.spare.contains(&request.service.as_str()),
        };
        service_ok
            && self
                .operation
                .is_none_or(|op| request.operation.as_deref() == Some(op))
            && self
                .access_key
                .as_deref()
                .is_none_or(|key| request.access_key == key)
    }
}

/// What a request was, as the proxy saw it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RequestId {
    pub service: String,
    pub operation: Option<String>,
    pub access_key: String,
}

#[derive(Default)]
struct Shared {
    rules: Mutex<Vec<Rule>>,
    /// Faults injected, by (service, operation, fault name).
    injected: Mutex<BTreeMap<(String, String, &'static str), u64>>,
    /// Requests forwarded to LocalStack, by (service, operation).
    forwarded: Mutex<BTreeMap<(String, String), u64>>,
    /// The state of the deterministic generator that decides `per_mille`.
    dice: AtomicU64,
}

pub struct FaultProxy {
    endpoint: String,
    shared: Arc<Shared>,
    _runtime: std::thread::JoinHandle<()>,
}

impl FaultProxy {
    /// Listens on a free loopback port and forwards to `upstream` (`http://host:port`).
    pub fn start(upstream: &str) -> FaultProxy {
        let upstream = upstream
            .strip_prefix("http://")
            .expect("the upstream is plain http")
            .trim_end_matches('/')
            .to_string();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        listener.set_nonblocking(true).expect("nonblocking");
        let endpoint = format!("http://{}", listener.local_addr().expect("address"));
        let shared = Arc::new(Shared {
            dice: AtomicU64::new(0x9E37_79B9_7F4A_7C15),
            ..Shared::default()
        });
        let serving = shared.clone();
        let runtime = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("proxy runtime");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("tokio listener");
                loop {
                    let Ok((client, _)) = listener.accept().await else {
                        continue;
                    };
                    tokio::spawn(serve_connection(client, upstream.clone(), serving.clone()));
                }
            });
        });
        FaultProxy {
            endpoint,
            shared,
            _runtime: runtime,
        }
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    pub fn set_rules(&self, rules: Vec<Rule>) {
        *self
            .shared
            .rules
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = rules;
    }

    /// Faults injected so far, by (service, operation or "", fault name).
    pub fn injected(&self) -> BTreeMap<(String, String, &'static str), u64> {
        self.shared
            .injected
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn injected_total(&self) -> u64 {
        self.injected().values().sum()
    }

    pub fn forwarded(&self) -> u64 {
        self.forwarded_by().values().sum()
    }

    /// Requests forwarded so far, by (service, operation or "").
    pub fn forwarded_by(&self) -> BTreeMap<(String, String), u64> {
        self.shared
            .forwarded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

async fn serve_connection(mut client: TcpStream, upstream: String, shared: Arc<Shared>) {
    let mut buffered = Vec::new();
    loop {
        let Some(request) = read_request(&mut client, &mut buffered).await else {
            return;
        };
        let id = request.id();
        let fault = choose_fault(&shared, &id);
        let keep_open = match fault {
            None => forward(&mut client, &request, &upstream, &shared, false).await,
            Some(fault) => {
                count_injected(&shared, &id, fault);
                inject(&mut client, &request, &id, fault, &upstream, &shared).await
            }
        };
        if !keep_open {
            return;
        }
    }
}

fn count_injected(shared: &Shared, id: &RequestId, fault: Fault) {
    let mut injected = shared
        .injected
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    *injected
        .entry((
            id.service.clone(),
            id.operation.clone().unwrap_or_default(),
            fault.name(),
        ))
        .or_default() += 1;
}

fn choose_fault(shared: &Shared, id: &RequestId) -> Option<Fault> {
    let rules = shared.rules.lock().unwrap_or_else(PoisonError::into_inner);
    let rule = rules.iter().find(|rule| rule.matches(id))?;
    if rule.per_mille >= 1000 {
        return Some(rule.fault);
    }
    // A fixed-seed xorshift: the same share of faults on every run, whatever the timing.
    let roll = shared
        .dice
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |mut x| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Some(x)
        })
        .unwrap_or_default();
    (roll % 1000 < u64::from(rule.per_mille)).then_some(rule.fault)
}

/// LocalStack's whole answer to `request` (asked on a fresh connection that it closes).
async fn ask_upstream(request: &Request, upstream: &str) -> Option<Vec<u8>> {
    let mut server = TcpStream::connect(upstream).await.ok()?;
    let text = String::from_utf8_lossy(&request.head);
    let mut head = String::new();
    for line in text.trim_end_matches("\r\n").split("\r\n") {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            head.push_str(line);
            head.push_str("\r\n");
        }
    }
    head.push_str("Connection: close\r\n\r\n");
    server.write_all(head.as_bytes()).await.ok()?;
    server.write_all(&request.body).await.ok()?;
    let mut response = Vec::new();
    server.read_to_end(&mut response).await.ok()?;
    Some(response)
}

/// Relays LocalStack's answer; returns whether the client connection can take another request.
async fn forward(
    client: &mut TcpStream,
    request: &Request,
    upstream: &str,
    shared: &Shared,
    truncate: bool,
) -> bool {
    let Some(response) = ask_upstream(request, upstream).await else {
        return false;
    };
    let id = request.id();
    *shared
        .forwarded
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry((id.service, id.operation.unwrap_or_default()))
        .or_default() += 1;
    let head_end = find(&response, b"\r\n\r\n").map_or(response.len(), |end| end + 4);
    let head = String::from_utf8_lossy(&response[..head_end]).to_ascii_lowercase();
    if truncate {
        let cut = head_end + (response.len() - head_end) / 2;
        let _ = client.write_all(&response[..cut]).await;
        let _ = client.shutdown().await;
        return false;
    }
    if client.write_all(&response).await.is_err() {
        return false;
    }
    // Without a length or chunking, the body ends where the connection does.
    let framed = head.contains("content-length:") || head.contains("transfer-encoding: chunked");
    framed && !head.contains("connection: close")
}

async fn inject(
    client: &mut TcpStream,
    request: &Request,
    id: &RequestId,
    fault: Fault,
    upstream: &str,
    shared: &Shared,
) -> bool {
    match fault {
        Fault::Delay(delay) => {
            tokio::time::sleep(delay).await;
            forward(client, request, upstream, shared, false).await
        }
        Fault::Truncate => forward(client, request, upstream, shared, true).await,
        Fault::Reset => {
            // Linger 0: close sends RST instead of FIN, as a dropped load balancer does.
            #[allow(deprecated)] // set_linger blocks on close only for a non-zero linger
            let _ = client.set_linger(Some(Duration::ZERO));
            false
        }
        Fault::Answer(body) => {
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-RequestId: fault-proxy\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            client.write_all(response.as_bytes()).await.is_ok()
        }
        Fault::Throttle | Fault::AccessDenied | Fault::ExpiredToken | Fault::ServerError(_) => {
            let protocol = request.protocol(&id.service);
            let response = error_response(protocol, &id.service, fault);
            client.write_all(&response).await.is_ok()
        }
    }
}
