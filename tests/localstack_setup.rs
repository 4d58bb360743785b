//! The project's LocalStack setup itself: an emulator holding test credentials listens on
//! loopback only.

mod support;

/// The local addresses of the listening TCP sockets on `port`, from /proc/net/tcp{,6}.
fn listeners(port: u16) -> Vec<String> {
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // fields[1] is `ADDRESS:PORT` in hex, fields[3] the state (0A = LISTEN).
            let (Some(local), Some(state)) = (fields.get(1), fields.get(3)) else {
                continue;
            };
            let Some((address, hex_port)) = local.split_once(':') else {
                continue;
            };
            if *state == "0A" && u16::from_str_radix(hex_port, 16) == Ok(port) {
                found.push(address.to_string());
            }
        }
    }
    found
}

#[test]
fn localstack_listens_on_loopback_only() {
    let endpoint = support::localstack();
    let port: u16 = endpoint
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("endpoint has a port");
    let addresses = listeners(port);
    assert!(!addresses.is_empty(), "nothing listens on {port}");
    // 127.0.0.1 is 0100007F in /proc's little-endian hex; ::1 is 0...01000000.
    let loopback = ["0100007F", "00000000000000000000000001000000"];
    assert!(
        addresses.iter().all(|a| loopback.contains(&a.as_str())),
        "LocalStack listens beyond loopback on port {port}: {addresses:?}"
    );
}

/// `localstack/start` waits for every service a collector calls: the model's service list is
/// the source, so a new service cannot be forgotten there.
#[test]
fn start_waits_for_every_collected_service() {
    let start = std::fs::read_to_string(support::repo_root().join("localstack/start"))
        .expect("localstack/start");
    let required: Vec<&str> = start
        .lines()
        .find_map(|l| l.strip_prefix("required=\""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("a required=\"...\" line")
        .split_whitespace()
        .collect();
    for service in tomwatch_model::ServiceKind::ALL {
        // LocalStack names ELBv2 and EFS by their SDK names; the collectors also call STS and WAFv2.
        let emulator_name = match service.name() {
            "elasticloadbalancing" => "elbv2",
            "elasticfilesystem" => "efs",
            name => name,
        };
        assert!(
            required.contains(&emulator_name),
            "localstack/start does not wait for {emulator_name}: {required:?}"
        );
    }
    for extra in ["sts", "wafv2"] {
        assert!(required.contains(&extra), "{required:?}");
    }
}
