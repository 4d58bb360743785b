//! Helpers for the tests that run the `tomwatch` binary as a user would.
#![allow(dead_code)] // each test file uses a different subset

pub mod daemon;
pub mod fault_proxy;
pub mod monitoring;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

pub fn repo_root() -> PathBuf {
    manifest_dir()
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// A fresh directory under the system temp dir, unique to this call.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tomwatch-test-{name}-{}-{}",
        std::process::id(),
        nanos()
    ));
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// The binary under test with an environment that holds nothing from the developer's AWS setup.
pub fn tomwatch() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tomwatch"));
    for (name, _) in std::env::vars() {
        if name.starts_with("AWS_") || name == "TOMWATCH_CONFIG" || name == "RUST_LOG" {
            command.env_remove(name);
        }
    }
    command
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/tomwatch-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/tomwatch-test/credentials",
        );
    command
}

pub fn run(command: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("tomwatch runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Starts LocalStack through the project's own script (reusing a healthy instance) once per
/// test binary, and returns its endpoint.
pub fn localstack() -> &'static str {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT.get_or_init(|| {
        let output = Command::new(repo_root().join("localstack/start"))
            .output()
            .expect("run localstack/start");
        assert!(
            output.status.success(),
            "localstack/start failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    })
}

/// The `baseline:` entry that turns on the checks beyond the TOM (off by default): the estates
/// plant them both ways, so the tests that match every planted verdict enable them.
pub const ENABLE_BEYOND_TOM: &str = "  enable: [cognito_user_pool_threat_protection, ec2_vpc_flow_logs_enabled, cloudtrail_trail_log_file_validation, cloudtrail_trail_kms_encrypted, kms_key_rotation_enabled]\n";

/// A seeded demo estate in two fresh accounts, with the verdicts it was built to produce.
#[derive(Debug)]
pub struct Estate {
    pub prod: String,
    pub dev: String,
    pub expected: Vec<Value>,
    pub dir: PathBuf,
}

impl Estate {
    /// Seeds `localstack/estates/demo` into two accounts no other test uses (LocalStack takes a
    /// 12-digit access key as the account), so tests neither collide nor need a reset.
    pub fn seed(name: &str) -> Estate {
        Estate::seed_with(name, &[])
    }

    /// Seeds only a fully compliant estate, into the `prod` account.
    pub fn seed_compliant(name: &str) -> Estate {
        Estate::seed_with(name, &["--compliant-account"])
    }

    fn seed_with(name: &str, mode: &[&str]) -> Estate {
        let endpoint = localstack();
        let base = 900_000_000_000u64
            + ((nanos() as u64) ^ (u64::from(std::process::id()) << 20)) % 99_999_999_000;
        let (prod, dev) = (format!("{base:012}"), format!("{:012}", base + 1));
        let dir = scratch_dir(name);
        let manifest = dir.join("manifest.json");
        let python = repo_root().join("localstack/.venv/bin/python");
        let mut command = Command::new(python);
        command.arg(repo_root().join("localstack/estates/demo/seed.py"));
        if mode.is_empty() {
            command.args(["--prod-account", &prod, "--dev-account", &dev]);
        } else {
            command.args(mode).arg(&prod);
        }
        let output = command
            .args(["--endpoint", endpoint, "--suffix", &prod, "--manifest"])
            .arg(&manifest)
            .output()
            .expect("run seed.py");
        assert!(
            output.status.success(),
            "seeding failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let expected: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(&manifest).expect("manifest written"))
                .expect("manifest json");
        Estate {
            prod,
            dev,
            expected,
            dir,
        }
    }

    /// A config for the compliant account alone.
    pub fn compliant_config(&self, extra: &str) -> PathBuf {
        let path = self.dir.join("compliant.yaml");
        // Rewritten in place on purpose: the reload test edits the file a daemon is using.
        std::fs::write(
            &path,
            format!(
                "accounts:\n  - id: \"{}\"\n    environment: production\n{extra}",
                self.prod
            ),
        )
        .expect("write config");
        path
    }

    /// A config for both accounts: prod with the ambient credentials, dev through AssumeRole.
    pub fn config(&self, extra: &str) -> PathBuf {
        // A file per call: tests that share an estate run in parallel.
        static CONFIGS: AtomicUsize = AtomicUsize::new(0);
        let path = self.dir.join(format!(
            "tomwatch-{}.yaml",
            CONFIGS.fetch_add(1, Ordering::Relaxed)
        ));
        let yaml = format!(
            "accounts:\n  - id: \"{prod}\"\n    environment: production\n  - id: \"{dev}\"\n    role_arn: arn:aws:iam::{dev}:role/tomwatch-audit\n    external_id: tomwatch-tests\n    environment: dev\n{extra}",
            prod = self.prod,
            dev = self.dev
        );
        std::fs::write(&path, yaml).expect("write config");
        path
    }

    /// Runs a boto3 snippet against LocalStack as the production account; `PROD`, `DEV` and
    /// `ENDPOINT` are defined for it. Returns its stdout.
    pub fn python(&self, code: &str) -> String {
        let prelude = format!(
            "import boto3\nPROD = '{}'\nDEV = '{}'\nENDPOINT = '{}'\n\
             def client(service, account=PROD, region='eu-central-1'):\n    \
             return boto3.client(service, endpoint_url=ENDPOINT, region_name=region, \
             aws_access_key_id=account, aws_secret_access_key='test')\n",
            self.prod,
            self.dev,
            localstack()
        );
        let output = Command::new(repo_root().join("localstack/.venv/bin/python"))
            .args(["-c", &format!("{prelude}{code}")])
            .output()
            .expect("python runs");
        assert!(
            output.status.success(),
            "python failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    /// Creates a CloudFormation stack from `template` in `account` (`"PROD"` or `"DEV"`) and
    /// `region`, waits for it and asserts it completed; returns its outputs by key.
    pub fn deploy_stack(
        &self,
        account: &str,
        region: &str,
        name: &str,
        template: &Path,
        parameters: &[(&str, &str)],
    ) -> Value {
        let parameters: Vec<Value> = parameters
            .iter()
            .map(|(key, value)| serde_json::json!({"ParameterKey": key, "ParameterValue": value}))
            .collect();
        let outputs = self.python(&format!(
            "import json, time\n\
             cfn = client('cloudformation', account={account}, region='{region}')\n\
             cfn.create_stack(StackName='{name}', TemplateBody=open({template:?}).read(), \
               Capabilities=['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'], Parameters=json.loads({parameters:?}))\n\
             for _ in range(240):\n    \
               stack = cfn.describe_stacks(StackName='{name}')['Stacks'][0]\n    \
               if not stack['StackStatus'].endswith('IN_PROGRESS'):\n        break\n    \
               time.sleep(0.5)\n\
             assert stack['StackStatus'] == 'CREATE_COMPLETE', stack\n\
             print(json.dumps({{o['OutputKey']: o['OutputValue'] for o in stack.get('Outputs', [])}}))",
            template = template.display().to_string(),
            parameters = Value::Array(parameters).to_string(),
        ));
        serde_json::from_str(&outputs).expect("stack outputs")
    }

    /// The planted verdict's resource for a check, status and account.
    pub fn planted(&self, check: &str, status: &str, account: &str) -> String {
        self.expected
            .iter()
            .find(|e| e["check_id"] == check && e["status"] == status && e["account_id"] == account)
            .and_then(|e| e["resource_id"].as_str())
            .unwrap_or_else(|| panic!("no planted {status} of {check} in {account}"))
            .to_string()
    }

    /// How many resources the estate plants with `status` for `check` in `account`.
    pub fn planted_count(&self, check: &str, status: &str, account: &str) -> usize {
        self.expected
            .iter()
            .filter(|e| {
                e["check_id"] == check && e["status"] == status && e["account_id"] == account
            })
            .count()
    }

    /// `tomwatch` with the production account's ambient credentials against LocalStack.
    pub fn tomwatch(&self) -> Command {
        let mut command = tomwatch();
        command
            .env("AWS_ENDPOINT_URL", localstack())
            .env("AWS_ACCESS_KEY_ID", &self.prod)
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "eu-central-1");
        command
    }
}

/// The crate's directory as cargo hands it to the running test: `env!` would bake in the path of
/// the checkout that built the binary, which a target directory shared between checkouts (CI's,
/// under `$HOME/.cache`) reuses for another checkout without rebuilding.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .into()
}
