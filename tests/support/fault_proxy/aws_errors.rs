//! The errors AWS sends, in the shape of each protocol, so the SDK parses the same error code
//! from the proxy as it would from AWS.

use super::Fault;

#[derive(Debug, Clone, Copy)]
pub(super) enum Protocol {
    Json,
    Cbor,
    Query,
    Ec2,
    RestXml,
    RestJson,
}

/// The error AWS would send, as bytes on the wire.
pub(super) fn error_response(protocol: Protocol, service: &str, fault: Fault) -> Vec<u8> {
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
