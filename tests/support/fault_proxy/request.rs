//! Requests as the proxy reads them off the wire, and what they are: which service, which
//! operation, signed by whom, in which protocol.

use super::aws_errors::Protocol;
use super::RequestId;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

pub(super) struct Request {
    pub head: Vec<u8>,
    pub headers: Vec<(String, String)>,
    pub target: String,
    pub body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn id(&self) -> RequestId {
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

    pub fn protocol(&self, service: &str) -> Protocol {
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

/// One request from the client connection; `None` when it closed or sent garbage.
pub(super) async fn read_request(
    client: &mut TcpStream,
    buffered: &mut Vec<u8>,
) -> Option<Request> {
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

pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
