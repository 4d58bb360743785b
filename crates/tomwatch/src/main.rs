//! `tomwatch`: audits AWS accounts against the TOM baseline.

mod cli;
mod commands;
mod render;

use clap::Parser;
use std::process::ExitCode;

/// Exit codes, stable for pipelines.
pub mod exit {
    /// No FAIL and no UNKNOWN.
    pub const COMPLIANT: u8 = 0;
    /// At least one FAIL.
    pub const FAILING: u8 = 1;
    /// Bad usage, bad config, or no usable credentials.
    pub const USAGE: u8 = 2;
    /// No FAIL, but some UNKNOWN: the audit is incomplete.
    pub const INCOMPLETE: u8 = 3;
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let default_level = match cli.command {
        cli::Command::Serve(_) => "info",
        _ => "error",
    };
    init_logging(
        cli.log_level.as_deref().unwrap_or(default_level),
        cli.log_format,
    );
    let code = match cli.command {
        cli::Command::Audit(args) => commands::audit::run(args),
        cli::Command::Serve(args) => commands::serve::run(args),
        cli::Command::Checks(args) => commands::checks::run(args),
        cli::Command::Config(cli::ConfigCommand::Validate(args)) => {
            commands::config::validate(args)
        }
        cli::Command::IamPolicy(args) => commands::iam_policy::run(args),
        cli::Command::Verify(args) => commands::verify::run(args),
        cli::Command::Diff(args) => commands::diff::run(args),
        cli::Command::EventPattern => {
            println!("{}", tomwatch_engine::events::rule_pattern());
            exit::COMPLIANT
        }
    };
    ExitCode::from(code)
}

fn init_logging(level: &str, format: cli::LogFormat) {
    use tracing_subscriber::EnvFilter;
    // RUST_LOG wins over --log-level, as users of Rust tools expect.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    match format {
        cli::LogFormat::Json => logs.json().with_current_span(false).init(),
        cli::LogFormat::Text => logs
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
    }
}
