//! The drift store's disk fills up, then turns read-only, under a running `tomwatch serve`.
//!
//! A real filesystem does it: a small ext4 image on a loop device, filled with a file until
//! ENOSPC, then put into its error state (ext4's `trigger_fs_error` with `errors=remount-ro`),
//! which is what a kernel does to a disk that failed. chmod would prove nothing here: the tests
//! run as root, who writes through any mode bits.

use super::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// An ext4 filesystem of a few MiB on a loop device, unmounted on drop.
struct LoopDisk {
    mount_point: PathBuf,
    device: String,
}

fn sh(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e} (this test needs e2fsprogs and util-linux)"));
    assert!(
        output.status.success(),
        "{program} {args:?}: {} (this test needs root and loop devices)",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

impl LoopDisk {
    fn mount(dir: &Path, mebibytes: u64) -> LoopDisk {
        std::fs::create_dir_all(dir).expect("scratch dir");
        let image = dir.join("disk.img");
        let file = std::fs::File::create(&image).expect("image");
        file.set_len(mebibytes << 20).expect("image size");
        let image = image.to_str().expect("utf-8 path");
        sh("mkfs.ext4", &["-q", "-F", image]);
        let device = sh("losetup", &["--find", "--show", image]);
        let mount_point = dir.join("mnt");
        std::fs::create_dir_all(&mount_point).expect("mount point");
        sh(
            "mount",
            &[
                "-o",
                "errors=remount-ro",
                &device,
                mount_point.to_str().expect("utf-8 path"),
            ],
        );
        LoopDisk {
            mount_point,
            device,
        }
    }

    /// Writes a file until the filesystem has no block left.
    fn fill(&self) -> PathBuf {
        let path = self.mount_point.join("filler");
        let mut file = std::fs::File::create(&path).expect("filler");
        let block = vec![0xA5u8; 64 << 10];
        loop {
            match file.write_all(&block).and_then(|_| file.sync_data()) {
                Ok(()) => {}
                Err(e) if e.raw_os_error() == Some(28) => return path, // ENOSPC
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
    }

    /// What the kernel does when a disk fails under ext4: the filesystem turns read-only.
    fn fail(&self) {
        let name = self.device.trim_start_matches("/dev/");
        std::fs::write(format!("/sys/fs/ext4/{name}/trigger_fs_error"), "1")
            .expect("ext4 trigger_fs_error");
        let probe = std::fs::write(self.mount_point.join("probe"), "x");
        assert_eq!(
            probe.map_err(|e| e.raw_os_error()),
            Err(Some(30)), // EROFS
            "the filesystem did not turn read-only"
        );
    }
}

impl Drop for LoopDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(&self.mount_point)
            .status();
        let _ = Command::new("losetup").args(["-d", &self.device]).status();
    }
}

/// redb writes into pages its file already holds, so a disk that fills up under a running store
/// fails only the write that must grow the file; the sure way to meet a full disk is to start
/// on one. A read-only disk fails every write.
#[test]
fn a_full_or_read_only_drift_store_disk_is_counted_and_logged_and_serving_goes_on() {
    let estate = estate();
    let disk = LoopDisk::mount(&estate.dir.join("store-disk"), 8);
    let config = estate.config(&format!(
        "{SCOPE}baseline:\n{ENABLE_BEYOND_TOM}schedule:\n  interval: 2s\n  jitter: 0\n"
    ));
    let storage = disk.mount_point.join("drift");
    std::fs::create_dir(&storage).expect("storage dir");
    let filler = disk.fill();
    let mut daemon = Daemon::start(
        estate,
        &config,
        &storage,
        &[],
        &[("AWS_ENDPOINT_URL", localstack())],
    );
    daemon.wait_ready(Duration::from_secs(180));
    let account = estate.prod.clone();
    let scanned_at = |text: &str| {
        metric(
            text,
            "tomwatch_last_scan_success_timestamp_seconds",
            &[("account_id", &account)],
        )
    };
    let errors = |text: &str| metric(text, "tomwatch_storage_errors_total", &[]).unwrap_or(0.0);
    // Two scans later than `text`'s: the first may have begun before the disk changed.
    let two_scans_after = |text: &str| {
        let mut seen = scanned_at(text);
        let mut latest = String::new();
        for which in ["a later scan", "a second later scan"] {
            latest = eventually(Duration::from_secs(120), which, || {
                let now = daemon.metrics();
                (scanned_at(&now) > seen).then_some(now)
            });
            seen = scanned_at(&latest);
        }
        latest
    };
    let fails = |text: &str| metric_sum(text, "tomwatch_findings", &[("status", "FAIL")]);
    let first_seen = "tomwatch_failing_resource_first_seen_timestamp_seconds";
    let log_path = estate.dir.join(format!("serve-{}.log", daemon.port));
    let log = || std::fs::read_to_string(&log_path).expect("daemon log");

    let full = eventually(Duration::from_secs(120), "a scan on the full disk", || {
        let text = daemon.metrics();
        scanned_at(&text).is_some().then_some(text)
    });
    let full = two_scans_after(&full);
    assert!(errors(&full) >= 2.0, "every scan's failed write is counted");
    let open_failures = fails(&full);
    assert!(
        open_failures > 0.0,
        "the verdicts are served without the store"
    );
    assert_eq!(
        metric(&full, first_seen, &[]),
        None,
        "no first-seen time was kept"
    );
    assert_eq!(daemon.get("/-/healthy").0, 200);
    let log_now = log();
    let said = log_now
        .lines()
        .find(|l| l.contains("drift store") && l.contains("No space left on device"))
        .unwrap_or_else(|| panic!("the log says the disk is full:\n{log_now}"));
    assert!(
        said.contains("ERROR") && said.contains("Make room on its disk"),
        "the log says what to do: {said}"
    );

    // Space again: the next scans open the store and keep first-seen times, without a restart.
    std::fs::remove_file(filler).expect("free the disk");
    let freed = two_scans_after(&full);
    let recovered = two_scans_after(&freed);
    assert_eq!(
        errors(&recovered),
        errors(&freed),
        "the store works again once the disk has space"
    );
    assert!(metric(&recovered, first_seen, &[]).is_some());
    assert_eq!(fails(&recovered), open_failures);

    disk.fail();
    let read_only = two_scans_after(&recovered);
    assert!(
        errors(&read_only) > errors(&recovered),
        "a read-only disk is counted"
    );
    assert_eq!(
        fails(&read_only),
        open_failures,
        "and the verdicts still served"
    );
    let log_now = log();
    assert!(
        log_now
            .lines()
            .any(|l| l.contains("drift store") && l.contains("Read-only file system")),
        "the log says the disk is read-only:\n{log_now}"
    );
    assert_eq!(daemon.get("/-/healthy").0, 200);
    assert_eq!(daemon.stop(Duration::from_secs(30)), 0);
}
