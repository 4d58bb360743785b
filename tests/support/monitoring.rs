//! A real Prometheus and Alertmanager (Debian's packages) around a `tomwatch serve`, and the
//! webhook receiver their notifications reach: the monitoring stack as a platform team runs it.

use super::repo_root;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::daemon::{eventually, free_port};

/// A child process that is killed when the test ends, however it ends.
pub struct Service {
    child: Child,
    pub port: u16,
    pub log: PathBuf,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(program: &str, args: &[String], log: PathBuf, port: u16) -> Service {
    let file = std::fs::File::create(&log).expect("log file");
    let child = Command::new(program)
        .args(args)
        .stdout(file.try_clone().expect("log file"))
        .stderr(file)
        .stdin(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {program} ({e}): install Debian's prometheus and prometheus-alertmanager (scripts/test does)")
        });
    Service { child, port, log }
}

/// GET a URL on loopback; the body, or `None` when nothing answered with 200.
pub fn http_get(url: &str) -> Option<String> {
    let output = Command::new("curl")
        .args(["-sf", "--max-time", "5", url])
        .output()
        .expect("curl runs (install curl)");
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Prometheus scraping one tomwatch every second and evaluating the shipped rules every second.
pub struct Prometheus {
    pub service: Service,
}

impl Prometheus {
    pub fn start(dir: &Path, tomwatch_port: u16, alertmanager_port: u16) -> Prometheus {
        let port = free_port();
        let rules = repo_root().join("deploy/prometheus/tomwatch.rules.yml");
        let config = dir.join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
                 rule_files: [\"{}\"]\n\
                 alerting:\n  alertmanagers:\n    - static_configs: [{{targets: [\"127.0.0.1:{alertmanager_port}\"]}}]\n\
                 scrape_configs:\n  - job_name: tomwatch\n    static_configs: [{{targets: [\"127.0.0.1:{tomwatch_port}\"]}}]\n",
                rules.display()
            ),
        )
        .expect("write prometheus.yml");
        let args = vec![
            format!("--config.file={}", config.display()),
            format!("--storage.tsdb.path={}", dir.join("tsdb").display()),
            format!("--web.listen-address=127.0.0.1:{port}"),
        ];
        let service = spawn("prometheus", &args, dir.join("prometheus.log"), port);
        let prometheus = Prometheus { service };
        eventually(Duration::from_secs(30), "Prometheus ready", || {
            http_get(&prometheus.url("/-/ready"))
        });
        prometheus
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.service.port)
    }

    /// An instant query's result vector; panics on a query Prometheus rejects.
    pub fn query(&self, expr: &str) -> Vec<Value> {
        let output = Command::new("curl")
            .args(["-s", "--max-time", "10", "--data-urlencode"])
            .arg(format!("query={expr}"))
            .arg(self.url("/api/v1/query"))
            .output()
            .expect("curl runs");
        let answer: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
            panic!(
                "Prometheus answered {:?}",
                String::from_utf8_lossy(&output.stdout)
            )
        });
        assert_eq!(answer["status"], "success", "query {expr}: {answer}");
        answer["data"]["result"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The values of `label` on the series `selector` matches (Grafana's `label_values`).
    pub fn label_values(&self, label: &str, selector: &str) -> Vec<String> {
        let output = Command::new("curl")
            .args(["-s", "--max-time", "10", "-G", "--data-urlencode"])
            .arg(format!("match[]={selector}"))
            .arg(self.url(&format!("/api/v1/label/{label}/values")))
            .output()
            .expect("curl runs");
        let answer: Value = serde_json::from_slice(&output.stdout).expect("label values JSON");
        assert_eq!(answer["status"], "success", "{answer}");
        answer["data"]
            .as_array()
            .map(|values| {
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Alertmanager with the shipped routing, its receivers pointed at the test's webhook and its
/// timers shortened (group_wait 1s, group_interval 2s; repeat intervals stay as shipped, so a
/// notification that comes again is a real re-fire).
pub fn alertmanager(dir: &Path, webhook_port: u16) -> Service {
    let port = free_port();
    let shipped = std::fs::read_to_string(repo_root().join("deploy/alertmanager/alertmanager.yml"))
        .expect("read the shipped alertmanager.yml");
    let mut config: Value = serde_saphyr::from_str(&shipped).expect("alertmanager.yml is YAML");
    config["route"]["group_wait"] = "1s".into();
    config["route"]["group_interval"] = "2s".into();
    for receiver in config["receivers"].as_array_mut().expect("receivers") {
        let name = receiver["name"]
            .as_str()
            .expect("receiver name")
            .to_string();
        for hook in receiver["webhook_configs"]
            .as_array_mut()
            .expect("webhook receivers")
        {
            hook["url"] = format!("http://127.0.0.1:{webhook_port}/{name}").into();
        }
    }
    let path = dir.join("alertmanager.json");
    std::fs::write(&path, config.to_string()).expect("write alertmanager config");
    let args = vec![
        format!("--config.file={}", path.display()),
        format!("--storage.path={}", dir.join("alertmanager").display()),
        format!("--web.listen-address=127.0.0.1:{port}"),
        "--cluster.listen-address=".to_string(),
    ];
    let service = spawn(
        "prometheus-alertmanager",
        &args,
        dir.join("alertmanager.log"),
        port,
    );
    eventually(Duration::from_secs(30), "Alertmanager ready", || {
        http_get(&format!("http://127.0.0.1:{port}/-/ready"))
    });
    service
}

/// One notification Alertmanager posted, with the receiver it was addressed to.
#[derive(Debug, Clone)]
pub struct Notification {
    pub receiver: String,
    pub body: Value,
}

impl Notification {
    /// The alerts of the notification, each with its `status`, `labels` and `annotations`.
    pub fn alerts(&self) -> Vec<&Value> {
        self.body["alerts"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    }
}

/// A webhook receiver on loopback that records every notification.
pub struct Webhook {
    pub port: u16,
    received: Arc<Mutex<Vec<Notification>>>,
}

impl Webhook {
    pub fn start() -> Webhook {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind webhook");
        let port = listener.local_addr().expect("address").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let sink = sink.clone();
                std::thread::spawn(move || serve_connection(stream, &sink));
            }
        });
        Webhook { port, received }
    }

    pub fn received(&self) -> Vec<Notification> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// Reads HTTP/1.1 POSTs (keep-alive) and answers each with 200.
fn serve_connection(stream: std::net::TcpStream, sink: &Mutex<Vec<Notification>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let mut writer = match stream.try_clone() {
        Ok(writer) => writer,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("/")
            .trim_start_matches('/')
            .to_string();
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        if let Ok(body) = serde_json::from_slice::<Value>(&body) {
            if let Ok(mut all) = sink.lock() {
                all.push(Notification {
                    receiver: path,
                    body,
                });
            }
        }
        if writer
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
            .is_err()
        {
            return;
        }
    }
}
