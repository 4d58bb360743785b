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

struct Request {
    head: Vec<u8>,
    headers: Vec<(String, String)>,
    target: String,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn id(&self) -> RequestId {
        // Authorization: AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, ...
        let scope: Vec<&str> = self
            .header("authorization")
            .and_then(|auth| auth.split("Credential=").nth(1))
            .and_then(|credential| credential.split([',', ' ']).next())
            .map(|credential| credential.split('/').collect())
            .unwrap_or_default();
        let operation = self
            .header("x-amz-target")
            .and_then(|target| target.rsplit('.').next())
            .map(str::to_string)
            .or_else(|| {
                let body = String::from_utf8_lossy(&self.body);
                body.split('&')
                    .find_map(|pair| pair.strip_prefix("Action="))
                    .map(str::to_string)
            })
            .or_else(|| {
                self.target
                    .split("/operation/")
                    .nth(1)
                    .map(|op| op.trim_end_matches('/').to_string())
            });
        RequestId {
            access_key: scope.first().copied().unwrap_or_default().to_string(),
            service: scope.get(3).copied().unwrap_or_default().to_string(),
            operation,
        }
    }

    fn protocol(&self, service: &str) -> Protocol {
        if self.header("smithy-protocol") == Some("rpc-v2-cbor") {
            Protocol::Cbor
        } else if self.header("x-amz-target").is_some() {
            Protocol::Json
        } else if String::from_utf8_lossy(&self.body).contains("Action=") {
            if service == "ec2" {
                Protocol::Ec2
            } else {
                Protocol::Query
            }
        } else if service == "s3" {
            Protocol::RestXml
        } else {
            Protocol::RestJson
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Protocol {
    Json,
    Cbor,
    Query,
    Ec2,
    RestXml,
    RestJson,
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

/// One request from the client connection; `None` when it closed or sent garbage.
async fn read_request(client: &mut TcpStream, buffered: &mut Vec<u8>) -> Option<Request> {
    let head_end = loop {
        if let Some(end) = find(buffered, b"\r\n\r\n") {
            break end + 4;
        }
        if buffered.len() > 1 << 20 {
            return None;
        }
        let mut chunk = [0u8; 16 * 1024];
        let read = client.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffered.extend_from_slice(&chunk[..read]);
    };
    let head: Vec<u8> = buffered.drain(..head_end).collect();
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let target = lines.next()?.split(' ').nth(1)?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_string(), value.trim().to_string()))
        })
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buffered.len() < length {
        let mut chunk = [0u8; 16 * 1024];
        let read = client.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffered.extend_from_slice(&chunk[..read]);
    }
    let body: Vec<u8> = buffered.drain(..length).collect();
    Some(Request {
        head,
        headers,
        target,
        body,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
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
        Fault::Throttle | Fault::AccessDenied | Fault::ExpiredToken | Fault::ServerError(_) => {
            let protocol = request.protocol(&id.service);
            let response = error_response(protocol, &id.service, fault);
            client.write_all(&response).await.is_ok()
        }
    }
}

/// The error AWS would send, as bytes on the wire.
fn error_response(protocol: Protocol, service: &str, fault: Fault) -> Vec<u8> {
    let (status, code) = match (fault, protocol) {
        (Fault::Throttle, Protocol::Ec2) => (503, "RequestLimitExceeded"),
        (Fault::Throttle, Protocol::RestXml) => (503, "SlowDown"),
        (Fault::Throttle, Protocol::Query) => (400, "Throttling"),
        (Fault::Throttle, _) => (400, "ThrottlingException"),
        (Fault::AccessDenied, Protocol::Ec2) => (403, "UnauthorizedOperation"),
        (Fault::AccessDenied, Protocol::Query | Protocol::RestXml) => (403, "AccessDenied"),
        (Fault::AccessDenied, Protocol::RestJson) => (403, "AccessDeniedException"),
        (Fault::AccessDenied, _) => (400, "AccessDeniedException"),
        (Fault::ExpiredToken, Protocol::Json | Protocol::Cbor) => (400, "ExpiredTokenException"),
        (Fault::ExpiredToken, _) => (403, "ExpiredToken"),
        (Fault::ServerError(503), _) => (503, "ServiceUnavailable"),
        (Fault::ServerError(status), _) => (status, "InternalFailure"),
        _ => unreachable!("only error faults have a response"),
    };
    let message = format!("injected by the tomwatch fault proxy ({service})");
    let (content_type, body): (&str, Vec<u8>) = match protocol {
        Protocol::Json => (
            "application/x-amz-json-1.1",
            format!(r#"{{"__type":"{code}","message":"{message}"}}"#).into_bytes(),
        ),
        Protocol::RestJson => (
            "application/json",
            format!(r#"{{"message":"{message}"}}"#).into_bytes(),
        ),
        Protocol::Cbor => ("application/cbor", cbor_error(code, &message)),
        Protocol::Query => (
            "text/xml",
            format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>").into_bytes(),
        ),
        Protocol::Ec2 => (
            "text/xml",
            format!("<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>fault-proxy</RequestID></Response>").into_bytes(),
        ),
        Protocol::RestXml => (
            "application/xml",
            format!("<Error><Code>{code}</Code><Message>{message}</Message><RequestId>fault-proxy</RequestId></Error>").into_bytes(),
        ),
    };
    let mut response = format!(
        "HTTP/1.1 {status} Injected\r\nContent-Type: {content_type}\r\nx-amzn-ErrorType: {code}\r\nx-amzn-RequestId: fault-proxy\r\nContent-Length: {}\r\n",
        body.len()
    );
    if matches!(protocol, Protocol::Cbor) {
        response.push_str("smithy-protocol: rpc-v2-cbor\r\n");
    }
    response.push_str("\r\n");
    let mut bytes = response.into_bytes();
    bytes.extend_from_slice(&body);
    bytes
}

/// `{"__type": code, "message": message}` in CBOR (RFC 8949): a map of two text strings.
fn cbor_error(code: &str, message: &str) -> Vec<u8> {
    fn text(out: &mut Vec<u8>, value: &str) {
        let len = value.len();
        match len {
            0..=23 => out.push(0x60 | len as u8),
            24..=255 => out.extend([0x78, len as u8]),
            _ => out.extend([0x79, (len >> 8) as u8, len as u8]),
        }
        out.extend_from_slice(value.as_bytes());
    }
    let mut out = vec![0xA2];
    text(&mut out, "__type");
    text(&mut out, code);
    text(&mut out, "message");
    text(&mut out, message);
    out
}
