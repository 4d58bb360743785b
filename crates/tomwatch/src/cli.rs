use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use tomwatch_engine::Shard;

/// Audits live AWS accounts against the TOM baseline (technische und organisatorische Maßnahmen).
#[derive(Debug, Parser)]
#[command(name = "tomwatch", version, about, propagate_version = true)]
pub struct Cli {
    /// Log level for stderr (error, warn, info, debug); RUST_LOG overrides it. Default: info for
    /// `serve` (one line per account scan), error for the one-shot commands.
    #[arg(long, global = true, value_name = "LEVEL")]
    pub log_level: Option<String>,

    /// Log format for stderr: text, or json (one object per line, for log shippers).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit the configured accounts once and print the findings.
    ///
    /// Exit codes: 0 compliant, 1 at least one FAIL, 3 no FAIL but some UNKNOWN (incomplete),
    /// 2 bad usage, bad config or no usable credentials.
    Audit(AuditArgs),
    /// Re-audit the configured accounts on a schedule and serve the results to Prometheus.
    ///
    /// Endpoints: / (links), /metrics, /-/healthy, /-/ready (200 once every account has been
    /// scanned), /api/v1/findings (the current findings as tomwatch.audit.v1 JSON).
    /// SIGHUP re-reads the config; SIGTERM/SIGINT stop within seconds.
    Serve(ServeArgs),
    /// List the checks of the baseline.
    Checks(ChecksArgs),
    /// Work with configuration files.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print the least-privilege IAM policy tomwatch needs (read-only), as JSON.
    IamPolicy(IamPolicyArgs),
    /// Check a report's recorded digest and, if signed, its Ed25519 signature.
    ///
    /// Exit codes: 0 intact (and signed by the given key, with --public-key), 1 changed or
    /// badly signed, 2 unreadable.
    Verify(VerifyArgs),
    /// Compare two audits (`tomwatch audit --format json` documents): what was fixed, what
    /// newly fails, what became UNKNOWN.
    ///
    /// Exit codes: 0 nothing newly fails, 1 something newly fails, 2 unreadable input.
    Diff(DiffArgs),
    /// Print the EventBridge event pattern that selects the change events tomwatch rescans on
    /// (the rules of deploy/events/ use it), as JSON.
    EventPattern,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// YAML config file (accounts, regions, scan settings). Without it: the ambient account,
    /// every enabled region.
    #[arg(long, short, value_name = "FILE", env = "TOMWATCH_CONFIG")]
    pub config: Option<PathBuf>,

    /// Output format: table, json, ocsf, junit, csv or html. Repeatable, each with an
    /// `--output FILE` (paired in order) or as `FORMAT=FILE`; one format may go to stdout.
    /// Default: table on stdout.
    #[arg(long, short, value_name = "FORMAT[=FILE]")]
    pub format: Vec<String>,

    /// Where the report of the `--format` in the same position goes (`-` for stdout).
    #[arg(long, short, value_name = "FILE")]
    pub output: Vec<PathBuf>,

    /// Sign every report with this Ed25519 private key (PKCS#8 PEM, as `openssl genpkey
    /// -algorithm ed25519` writes it); `tomwatch verify` checks the signature.
    #[arg(long, value_name = "KEY")]
    pub sign: Option<PathBuf>,

    /// Also send the findings elsewhere: `securityhub` imports the FAILs into AWS Security Hub
    /// of each audited account (BatchImportFindings).
    #[arg(long, value_enum, value_name = "TARGET")]
    pub export: Vec<Export>,

    /// No progress display (it is shown only when stderr is a terminal).
    #[arg(long, short)]
    pub quiet: bool,

    /// Also write the AWS API requests the audit sent to FILE, as JSON by service and operation
    /// (requests, retries among them, failed operations by error type): what
    /// `tomwatch_api_requests_total` counts in `serve`, for cost and rate-limit planning.
    #[arg(long, value_name = "FILE")]
    pub api_calls: Option<PathBuf>,

    /// Scan only these regions (repeatable or comma-separated); overrides the config's `regions`.
    #[arg(long = "region", value_name = "REGION", value_delimiter = ',')]
    pub regions: Vec<String>,

    /// Audit only this replica's share of the configured accounts: INDEX/COUNT, 0-based, like
    /// 0/3 for the first of three (a StatefulSet pod's ordinal). Every replica computes the same
    /// split from the same config, by a consistent hash of the account ID.
    #[arg(long, value_name = "INDEX/COUNT", env = "TOMWATCH_SHARD", value_parser = parse_shard)]
    pub shard: Option<Shard>,

    /// In the table, list every finding, PASS and NOT_APPLICABLE included. By default it lists
    /// the problems (FAIL, UNKNOWN, suppressed FAILs) and then a summary per control.
    #[arg(long)]
    pub all: bool,

    /// The default since `--all` exists; kept so that existing scripts keep working.
    #[arg(long, hide = true, conflicts_with = "all")]
    pub problems_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Export {
    Securityhub,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A report written by `tomwatch audit` (any format but the table).
    #[arg(value_name = "REPORT")]
    pub report: PathBuf,

    /// The Ed25519 public key (PEM) the report must be signed with; without it, a signature is
    /// checked against the key it names, which proves integrity but not who signed.
    #[arg(long, value_name = "PEM")]
    pub public_key: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier audit (`tomwatch audit --format json`).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The later audit.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// text for people, json for tools.
    #[arg(long, short, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// YAML config file (accounts, regions, scan and schedule settings); re-read on SIGHUP.
    #[arg(long, short, value_name = "FILE", env = "TOMWATCH_CONFIG")]
    pub config: std::path::PathBuf,

    /// Address to listen on, `[host]:port`.
    #[arg(
        long = "web.listen-address",
        value_name = "ADDRESS",
        default_value = ":9947"
    )]
    pub listen_address: String,

    /// Prometheus exporter-toolkit web config: TLS (cert, key, min version, client CA) and basic auth.
    #[arg(long = "web.config.file", value_name = "FILE")]
    pub web_config: Option<std::path::PathBuf>,

    /// Directory of the drift store (first-seen times of failures survive restarts).
    #[arg(long = "storage.path", value_name = "DIR", default_value = "./data")]
    pub storage_path: std::path::PathBuf,

    /// Audit only this replica's share of the configured accounts: INDEX/COUNT, 0-based, like
    /// 0/3 for the first of three (a StatefulSet pod's ordinal). Every replica computes the same
    /// split from the same config, by a consistent hash of the account ID.
    #[arg(long, value_name = "INDEX/COUNT", env = "TOMWATCH_SHARD", value_parser = parse_shard)]
    pub shard: Option<Shard>,
}

#[derive(Debug, Args)]
pub struct ChecksArgs {
    /// Show the baseline as this config adapts it (its baseline file, disabled checks).
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Only the checks of this control, e.g. TOM-NET.
    #[arg(long, value_name = "CONTROL")]
    pub control: Option<String>,

    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct IamPolicyArgs {
    /// Also grant reading and deleting the change events of this SQS queue (`events:` in the
    /// config), as a second statement on that queue alone.
    #[arg(long, value_name = "ARN")]
    pub event_queue_arn: Option<String>,

    /// Also grant importing findings into the account's Security Hub, for `tomwatch audit
    /// --export securityhub` (the only write tomwatch makes, and only to Security Hub).
    #[arg(long)]
    pub security_hub_export: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check a config file and report every problem with file:line:column.
    Validate(ValidateArgs),
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[arg(long, short, value_name = "FILE", env = "TOMWATCH_CONFIG")]
    pub config: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    // clap names only the flag, also when the value came from the environment.
    Shard::parse(text, "the shard (--shard or TOMWATCH_SHARD)")
}
