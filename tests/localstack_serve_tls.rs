//! `tomwatch serve` over HTTPS against LocalStack: TLS with a minimum version, bcrypt basic
//! auth, and client certificates verified against a client CA (the exporter-toolkit web config).

mod support;

use std::process::Command;
use std::time::Duration;
use support::daemon::Daemon;
use support::Estate;

#[test]
fn tls_and_basic_auth_reject_wrong_credentials() {
    let estate = Estate::seed_compliant("serve-tls");
    let dir = &estate.dir;
    let openssl = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
        ])
        .args([
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(dir.join("server.key"))
        .arg("-out")
        .arg(dir.join("server.crt"))
        .output()
        .expect("openssl runs");
    assert!(
        openssl.status.success(),
        "{}",
        String::from_utf8_lossy(&openssl.stderr)
    );
    let hash = bcrypt::hash("scrape-me", 4).expect("bcrypt");
    let web_config = dir.join("web.yaml");
    std::fs::write(
        &web_config,
        format!(
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS13\nbasic_auth_users:\n  prometheus: '{hash}'\n"
        ),
    )
    .expect("write web config");
    let config = estate.compliant_config("regions: [eu-central-1]\n");
    let web_flag = web_config.to_string_lossy().into_owned();
    let mut daemon = Daemon::start(
        &estate,
        &config,
        &dir.join("data"),
        &["--web.config.file", &web_flag],
        &[],
    );
    daemon.scheme = "https";
    let ca = dir.join("server.crt").to_string_lossy().into_owned();
    daemon.curl_args = vec![
        "--cacert".into(),
        ca.clone(),
        "-u".into(),
        "prometheus:scrape-me".into(),
    ];
    daemon.wait_ready(Duration::from_secs(60));
    assert!(daemon.metrics().contains("tomwatch_control_compliant"));

    for (credentials, expected) in [
        (Some("prometheus:wrong"), 401),
        (Some("grafana:scrape-me"), 401),
        (None, 401),
    ] {
        daemon.curl_args = vec!["--cacert".into(), ca.clone()];
        if let Some(credentials) = credentials {
            daemon.curl_args.extend(["-u".into(), credentials.into()]);
        }
        assert_eq!(daemon.get("/metrics").0, expected, "{credentials:?}");
    }
    // TLS 1.2 is below min_version; plain HTTP gets no HTTP answer.
    daemon.curl_args = vec![
        "--cacert".into(),
        ca,
        "-u".into(),
        "prometheus:scrape-me".into(),
        "--tls-max".into(),
        "1.2".into(),
    ];
    assert_eq!(daemon.get("/metrics").0, 0);
    daemon.curl_args = vec!["-u".into(), "prometheus:scrape-me".into()];
    daemon.scheme = "http";
    assert_ne!(daemon.get("/metrics").0, 200);
    assert_eq!(daemon.stop(Duration::from_secs(10)), 0);
}

/// openssl with the given arguments in `dir`; panics with its stderr on failure.
fn openssl(dir: &std::path::Path, args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A key and a certificate `name.crt` signed by `ca` (or self-signed without one).
fn certificate(
    dir: &std::path::Path,
    name: &str,
    subject: &str,
    ca: Option<&str>,
    extensions: &str,
) {
    let key = format!("{name}.key");
    openssl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            &key,
        ],
    );
    let ext_file = format!("{name}.ext");
    std::fs::write(dir.join(&ext_file), extensions).expect("extensions");
    match ca {
        None => openssl(
            dir,
            &[
                "req",
                "-x509",
                "-new",
                "-key",
                &key,
                "-days",
                "2",
                "-subj",
                subject,
                "-out",
                &format!("{name}.crt"),
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign",
            ],
        ),
        Some(ca) => {
            let csr = format!("{name}.csr");
            openssl(
                dir,
                &["req", "-new", "-key", &key, "-subj", subject, "-out", &csr],
            );
            openssl(
                dir,
                &[
                    "x509",
                    "-req",
                    "-in",
                    &csr,
                    "-CA",
                    &format!("{ca}.crt"),
                    "-CAkey",
                    &format!("{ca}.key"),
                    "-CAcreateserial",
                    "-days",
                    "2",
                    "-extfile",
                    &ext_file,
                    "-out",
                    &format!("{name}.crt"),
                ],
            );
        }
    }
}

#[test]
fn client_certificates_are_required_and_verified_against_the_client_ca() {
    let estate = Estate::seed_compliant("serve-mtls");
    let dir = &estate.dir;
    certificate(dir, "ca", "/CN=tomwatch test CA", None, "");
    certificate(
        dir,
        "server",
        "/CN=127.0.0.1",
        Some("ca"),
        "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    );
    certificate(
        dir,
        "prometheus",
        "/CN=prometheus",
        Some("ca"),
        "extendedKeyUsage=clientAuth\n",
    );
    certificate(dir, "stranger", "/CN=stranger", None, "");
    let web_config = dir.join("web.yaml");
    std::fs::write(
        &web_config,
        "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n",
    )
    .expect("web config");
    let config = estate.compliant_config("regions: [eu-central-1]\n");
    let flag = web_config.to_string_lossy().into_owned();
    let mut daemon = Daemon::start(
        &estate,
        &config,
        &dir.join("data"),
        &["--web.config.file", &flag],
        &[],
    );
    daemon.scheme = "https";
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let with_client = |name: &str| {
        vec![
            "--cacert".into(),
            path("ca.crt"),
            "--cert".into(),
            path(&format!("{name}.crt")),
            "--key".into(),
            path(&format!("{name}.key")),
        ]
    };
    daemon.curl_args = with_client("prometheus");
    daemon.wait_ready(Duration::from_secs(60));
    assert!(daemon.metrics().contains("tomwatch_build_info"));

    daemon.curl_args = with_client("stranger");
    assert_eq!(
        daemon.get("/metrics").0,
        0,
        "a certificate from another CA is refused in the handshake"
    );
    daemon.curl_args = vec!["--cacert".into(), path("ca.crt")];
    assert_eq!(
        daemon.get("/metrics").0,
        0,
        "no client certificate is refused"
    );
    assert_eq!(daemon.stop(Duration::from_secs(10)), 0);
}
