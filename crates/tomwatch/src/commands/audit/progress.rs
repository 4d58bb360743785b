//! The progress of a long audit on a terminal: collection units done of those planned, accounts
//! and errors so far. Hidden when stderr is no terminal (CI logs stay clean) or with --quiet.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashSet;
use std::io::IsTerminal;
use std::sync::Mutex;
use tomwatch_engine::{AuditProgress, UnitReport};

pub struct Progress {
    bar: ProgressBar,
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    accounts: HashSet<String>,
    regions: HashSet<(String, String)>,
    failed_units: usize,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(0), draw_target(quiet));
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {elapsed:>4} [{bar:30}] {pos}/{len} units ({msg})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Progress {
            bar,
            seen: Mutex::new(Seen::default()),
        }
    }

    /// Clears the line, so the report starts on a clean terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn draw_target(quiet: bool) -> ProgressDrawTarget {
    if quiet || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    }
}

impl AuditProgress for Progress {
    fn planned(&self, units: usize) {
        self.bar.inc_length(units as u64);
    }

    fn unit_done(&self, unit: &UnitReport) {
        let message = {
            let Ok(mut seen) = self.seen.lock() else {
                return;
            };
            seen.accounts.insert(unit.account_id.clone());
            seen.regions
                .insert((unit.account_id.clone(), unit.region.clone()));
            if !unit.success {
                seen.failed_units += 1;
            }
            format!(
                "{} accounts, {} account-regions, {} units with errors",
                seen.accounts.len(),
                seen.regions.len(),
                seen.failed_units
            )
        };
        self.bar.set_message(message);
        self.bar.inc(1);
    }
}
