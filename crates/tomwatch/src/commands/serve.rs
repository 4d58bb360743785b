use crate::cli::ServeArgs;
use crate::commands::config::load;
use crate::commands::setup::{
    audit_options, check_endpoint_overrides, config_regions, connector, identify,
    other_shards_accounts, plan_accounts, runtime, shard_problem, usage, IdentifyError,
};
use crate::exit;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{signal, SignalKind};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tomwatch_aws::{AwsConnector, ConnectError};
use tomwatch_engine::config::Config;
use tomwatch_engine::daemon::{self, EventSettings, Schedule};
use tomwatch_engine::drift::DriftStore;
use tomwatch_engine::state::{ExpectedAccount, ServeState};
use tomwatch_engine::Shard;
use tomwatch_exporter::{AppState, BuildInfo, WebConfig};
use tomwatch_model::{ApiStats, ErrorKind};

/// How long in-flight work may take to stop after SIGTERM/SIGINT before the process exits anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(8);
/// The longest wait between two attempts to reach AWS at start-up.
const MAX_CONNECT_BACKOFF: Duration = Duration::from_secs(60);

pub fn run(args: ServeArgs) -> u8 {
    let prepared = (|| {
        let config = load(&args.config).ok_or(exit::USAGE)?;
        usage(check_endpoint_overrides(std::env::vars()))?;
        usage(shard_problem(&config, args.shard.unwrap_or_default()).map_or(Ok(()), Err))?;
        let address = usage(parse_listen_address(&args.listen_address))?;
        let (web, tls) = match &args.web_config {
            Some(path) => {
                usage(WebConfig::load(path).map_err(|e| format!("--web.config.file {e}")))?
            }
            None => (WebConfig::default(), None),
        };
        let (store, deferred) = usage(DriftStore::open_or_defer(&args.storage_path))?;
        if let Some(error) = deferred {
            // Serving the audit without first-seen times beats not auditing at all.
            tracing::error!("{error}. Starting without it: findings are served, drift waits");
        }
        let store = Arc::new(store);
        Ok((config, address, web, tls, store, runtime()?))
    })();
    match prepared {
        Ok((config, address, web, tls, store, runtime)) => {
            runtime.block_on(serve(args, config, address, web, tls, store))
        }
        Err(code) => code,
    }
}

async fn serve(
    args: ServeArgs,
    config: Config,
    address: SocketAddr,
    web: WebConfig,
    tls: Option<Arc<rustls::ServerConfig>>,
    store: Arc<DriftStore>,
) -> u8 {
    let signals = (
        signal(SignalKind::hangup()),
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    );
    let (mut hangup, mut terminate, mut interrupt) = match signals {
        (Ok(h), Ok(t), Ok(i)) => (h, t, i),
        _ => {
            eprintln!("error: cannot install signal handlers");
            return exit::USAGE;
        }
    };
    // Listen first: /-/healthy answers (and /-/ready says 503) while credentials and the first
    // scans are still under way.
    let bound = tokio::net::TcpListener::bind(address).await;
    let listener = match usage(
        bound.map_err(|e| format!("cannot listen on {address} (--web.listen-address): {e}")),
    ) {
        Ok(listener) => listener,
        Err(code) => return code,
    };
    let stats = ApiStats::default();
    let state = Arc::new(ServeState::new(stats.clone()));
    let build = BuildInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        revision: option_env!("TOMWATCH_REVISION")
            .unwrap_or("unknown")
            .to_string(),
    };
    let shutdown = CancellationToken::new();
    let scheme = if tls.is_some() { "https" } else { "http" };
    // Logged, not printed: with --log-format json every line on stderr is a JSON object.
    tracing::info!("serving on {scheme}://{address}");
    let app = AppState::new(state.clone(), build, web.basic_auth_users);
    let server = tokio::spawn(tomwatch_exporter::serve(
        listener,
        app,
        tls,
        shutdown.clone(),
    ));
    // Serving starts now, whether AWS answers or not: until it does, /metrics shows every
    // configured account failing at sts, and start-up is retried with backoff. Only a config
    // that does not fit the credentials stops the daemon.
    let shard = args.shard.unwrap_or_default();
    state.set_expected(
        expected_accounts(&config, shard),
        config.schedule.interval(),
    );
    let connector = connector(&config, stats).await;
    let mut delay = Duration::from_secs(1);
    let (ambient_account, accounts) = loop {
        match identify(&config, &config_regions(&config), shard, &connector).await {
            Ok(identified) => break identified,
            Err(IdentifyError::Config(problem)) => {
                eprintln!("error: {problem}");
                shutdown.cancel();
                return exit::USAGE;
            }
            Err(IdentifyError::Connect(error)) => {
                tracing::error!(
                    retry_in_seconds = delay.as_secs(),
                    "cannot start scanning yet: {error}"
                );
                state.set_connection_failure(Some(connect_error_kind(&error)));
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    _ = terminate.recv() => { shutdown.cancel(); return exit::COMPLIANT; }
                    _ = interrupt.recv() => { shutdown.cancel(); return exit::COMPLIANT; }
                }
                delay = (delay * 2).min(MAX_CONNECT_BACKOFF);
            }
        }
    };
    state.set_connection_failure(None);

    log_shard(shard, &config, accounts.len());
    let schedule = schedule_of(&config, accounts, &ambient_account, shard);
    let mut scheduler = start_scheduler(&connector, schedule, &state, &store, &shutdown);

    loop {
        tokio::select! {
            _ = hangup.recv() => {
                match reload(&args, &ambient_account) {
                    Ok(schedule) => {
                        scheduler.0.cancel();
                        let _ = scheduler.1.await;
                        scheduler = start_scheduler(&connector, schedule, &state, &store, &shutdown);
                        state.set_reload_successful(true);
                        tracing::info!("configuration reloaded from {}", args.config.display());
                    }
                    Err(reason) => {
                        state.set_reload_successful(false);
                        tracing::error!("configuration reload failed, keeping the previous one: {reason}");
                    }
                }
            }
            _ = terminate.recv() => break,
            _ = interrupt.recv() => break,
        }
    }
    tracing::info!("shutting down");
    shutdown.cancel();
    let stopped = tokio::time::timeout(SHUTDOWN_GRACE, async {
        let _ = scheduler.1.await;
        let _ = server.await;
    })
    .await;
    if stopped.is_err() {
        tracing::warn!(
            "in-flight work did not stop within {}s; exiting anyway",
            SHUTDOWN_GRACE.as_secs()
        );
    }
    exit::COMPLIANT
}

/// The accounts as the config names them, before the ambient identity is known (a config
/// without accounts audits the ambient account, whose ID is not known yet).
fn expected_accounts(config: &Config, shard: Shard) -> Vec<ExpectedAccount> {
    config
        .accounts
        .iter()
        .filter(|a| shard.owns(&a.id.value))
        .map(|a| ExpectedAccount {
            account_id: a.id.value.clone(),
            environment: a.environment.as_ref().map(|e| e.value.clone()),
        })
        .collect()
}

/// The metric label of a failed start-up: rejected or missing credentials are access_denied.
fn connect_error_kind(error: &ConnectError) -> ErrorKind {
    match error {
        ConnectError::NoCredentials(_) | ConnectError::CredentialsRejected(_) => {
            ErrorKind::AccessDenied
        }
        ConnectError::Unreachable(_) => ErrorKind::Other,
    }
}

/// The scheduler's own token (a child of the shutdown token) and its task.
type Scheduler = (CancellationToken, JoinHandle<()>);

fn start_scheduler(
    connector: &AwsConnector,
    schedule: Schedule,
    state: &Arc<ServeState>,
    store: &Arc<DriftStore>,
    shutdown: &CancellationToken,
) -> Scheduler {
    let token = shutdown.child_token();
    let task = tokio::spawn(daemon::run(
        connector.clone(),
        schedule,
        state.clone(),
        store.clone(),
        token.clone(),
    ));
    (token, task)
}

fn schedule_of(
    config: &Config,
    accounts: Vec<tomwatch_engine::PlannedAccount>,
    ambient_account: &str,
    shard: Shard,
) -> Schedule {
    let events = config.events.as_ref().map(|events| EventSettings {
        queue_url: events.queue_url_of_shard(shard.index()),
        // Config::load has rejected a queue without a region.
        queue_region: events.queue_region().unwrap_or_default(),
        reader_account: ambient_account.to_string(),
        debounce: events.debounce(),
        other_shards: other_shards_accounts(config, shard),
    });
    Schedule {
        options: audit_options(config, accounts.len()),
        accounts,
        regions: config_regions(config),
        policy: config.policy.clone(),
        interval: config.schedule.interval(),
        jitter: config.schedule.jitter.value,
        events,
    }
}

/// Re-reads the config file; any problem keeps the running configuration.
fn reload(args: &ServeArgs, ambient_account: &str) -> Result<Schedule, String> {
    let config = Config::load(&args.config).map_err(|problems| {
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let shard = args.shard.unwrap_or_default();
    let accounts = plan_accounts(&config, ambient_account, shard)?;
    log_shard(shard, &config, accounts.len());
    Ok(schedule_of(&config, accounts, ambient_account, shard))
}

/// Says which part of the accounts this replica audits; an empty share is legal (more
/// replicas than accounts, for now) but worth a warning.
fn log_shard(shard: Shard, config: &Config, planned: usize) {
    if !shard.is_split() {
        return;
    }
    if planned == 0 {
        tracing::warn!(
            shard = %shard,
            "this shard owns none of the config's {} accounts: it serves no findings",
            config.accounts.len()
        );
    } else {
        tracing::info!(
            shard = %shard,
            "this shard audits {planned} of the config's {} accounts",
            config.accounts.len()
        );
    }
}

/// `:9947`, `0.0.0.0:9947`, `127.0.0.1:9947`, `[::1]:9947`.
fn parse_listen_address(address: &str) -> Result<SocketAddr, String> {
    let full = if address.starts_with(':') {
        format!("0.0.0.0{address}")
    } else {
        address.to_string()
    };
    full.parse().map_err(|_| {
        format!("--web.listen-address `{address}` is not [host]:port, like :9947 or 127.0.0.1:9947")
    })
}

#[cfg(test)]
mod tests {
    use super::parse_listen_address;

    #[test]
    fn listen_addresses_parse_like_prometheus_exporters() {
        assert_eq!(
            parse_listen_address(":9947").map(|a| a.to_string()),
            Ok("0.0.0.0:9947".into())
        );
        assert_eq!(parse_listen_address("127.0.0.1:1").map(|a| a.port()), Ok(1));
        assert!(parse_listen_address("[::1]:9947").is_ok());
        assert!(parse_listen_address("localhost").is_err());
        assert!(parse_listen_address("9947").is_err());
    }
}
