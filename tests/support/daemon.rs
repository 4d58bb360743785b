//! A running `tomwatch serve` for tests, spoken to with curl as an operator would.

use super::Estate;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Daemon {
    child: Child,
    pub port: u16,
    /// Extra curl arguments: CA file, credentials, scheme.
    pub curl_args: Vec<String>,
    pub scheme: &'static str,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl Daemon {
    pub fn start(
        estate: &Estate,
        config: &Path,
        storage: &Path,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Daemon {
        Daemon::start_on(free_port(), estate, config, storage, extra, env)
    }

    /// Like [`Daemon::start`], on a given port: a restart that a scraper must find again.
    pub fn start_on(
        port: u16,
        estate: &Estate,
        config: &Path,
        storage: &Path,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Daemon {
        // One log per daemon, kept beside the test's other files for post-mortems.
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(estate.dir.join(format!("serve-{port}.log")))
            .expect("log file");
        let mut command = estate.tomwatch();
        command
            .args(["serve", "--config"])
            .arg(config)
            .args([
                "--web.listen-address",
                &format!("127.0.0.1:{port}"),
                "--storage.path",
            ])
            .arg(storage)
            .args(extra)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(log);
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command.spawn().expect("spawn tomwatch serve");
        Daemon {
            child,
            port,
            curl_args: Vec::new(),
            scheme: "http",
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// (HTTP status, body); status 0 when no HTTP answer came.
    pub fn get(&self, path: &str) -> (u16, String) {
        let output = Command::new("curl")
            .args(["-s", "--max-time", "10", "-w", "\n%{http_code}"])
            .args(&self.curl_args)
            .arg(format!("{}://127.0.0.1:{}{path}", self.scheme, self.port))
            .output()
            .expect("curl runs (install curl)");
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
        (code.trim().parse().unwrap_or(0), body.to_string())
    }

    pub fn metrics(&self) -> String {
        let (status, body) = self.get("/metrics");
        assert_eq!(status, 200, "{body}");
        body
    }

    pub fn wait_ready(&mut self, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("tomwatch serve exited early with {status}");
            }
            if self.get("/-/ready").0 == 200 {
                return;
            }
            assert!(Instant::now() < deadline, "not ready within {within:?}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.pid().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// SIGTERM, and the exit code, which must come within `within`.
    pub fn stop(mut self, within: Duration) -> i32 {
        self.signal("TERM");
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().unwrap_or(-1);
            }
            assert!(
                Instant::now() < deadline,
                "did not exit within {within:?} of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `probe` until it returns `Some`, or panics after `within` naming `what`.
pub fn eventually<T>(within: Duration, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {within:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The value of the series `name` whose labels include every pair of `labels`.
pub fn metric(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (series_name, rest) = series.split_once('{').unwrap_or((series, ""));
            if series_name != name {
                return None;
            }
            let all = labels
                .iter()
                .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")));
            all.then(|| value.parse().ok()).flatten()
        })
}

/// The sum over every series `name` whose labels include every pair of `labels`.
pub fn metric_sum(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (series_name, rest) = series.split_once('{').unwrap_or((series, ""));
            let matches = series_name == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")));
            matches.then(|| value.parse::<f64>().ok()).flatten()
        })
        .sum()
}
