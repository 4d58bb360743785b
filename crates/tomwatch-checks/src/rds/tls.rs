//! Whether a DB instance's or cluster's parameter group forces TLS, as the engine reads it: which
//! parameter governs, what its engine default is where the group sets no value, and whether a
//! static change is in force yet.

use crate::verdict::Verdict;
use std::collections::BTreeMap;
use tomwatch_model::inventory::{OracleSslOption, TlsParameter};
use tomwatch_model::Collected;

/// What a DB instance or cluster shows of its TLS enforcement.
pub(super) struct TlsFacts<'a> {
    pub what: &'a str,
    pub engine: &'a str,
    pub engine_version: &'a str,
    pub parameters: &'a Collected<BTreeMap<String, TlsParameter>>,
    pub pending_reboot: bool,
    /// Oracle instances: the SSL option of their option group.
    pub oracle_ssl: Option<&'a Collected<Option<OracleSslOption>>>,
}

/// The parameter that forces TLS for an engine, and its default where the group sets none:
/// `Some(true)` on, `Some(false)` off, `None` where the default is not documented for that version.
struct Governing {
    parameter: &'static str,
    default_on: Option<bool>,
    /// How the default is described to a reader.
    default_note: String,
}

fn governing(engine: &str, version: &str) -> Result<Governing, String> {
    let major: Option<u32> = version.split('.').next().and_then(|m| m.parse().ok());
    let force_ssl = |default_on: Option<bool>, note: &str| Governing {
        parameter: "rds.force_ssl",
        default_on,
        default_note: note.to_string(),
    };
    let secure_transport = |note: &str| Governing {
        parameter: "require_secure_transport",
        default_on: Some(false),
        default_note: note.to_string(),
    };
    // RDS for PostgreSQL turned rds.force_ssl on by default with version 15; SQL Server, MySQL,
    // MariaDB and Aurora MySQL ship it off (AWS's user guides, "Requiring SSL/TLS").
    Ok(match engine {
        "postgres" => match major {
            Some(m) if m >= 15 => force_ssl(Some(true), "1 for RDS for PostgreSQL 15 and later"),
            Some(_) => force_ssl(Some(false), "0 before RDS for PostgreSQL 15"),
            None => force_ssl(None, "unknown for an unreadable engine version"),
        },
        "aurora-postgresql" => match major {
            Some(m) if m < 17 => force_ssl(Some(false), "0 for Aurora PostgreSQL before 17"),
            _ => force_ssl(None, "not documented for this Aurora PostgreSQL version"),
        },
        e if e.starts_with("sqlserver") => force_ssl(Some(false), "0 for SQL Server"),
        "mysql" | "mariadb" | "aurora-mysql" | "aurora" => {
            secure_transport(&format!("OFF for {engine}"))
        }
        e if e.starts_with("db2") => {
            return Err(format!(
                "{e} forces TLS through db2comm and ssl_svcename, which tomwatch does not judge yet"
            ))
        }
        e if e.starts_with("custom-") => {
            return Err(format!(
                "{e} is an RDS Custom engine: TLS is configured on the host, which the RDS API does not show"
            ))
        }
        other => return Err(format!("tomwatch does not know how {other} enforces TLS")),
    })
}

fn is_on(value: &str) -> bool {
    ["1", "on", "true"]
        .iter()
        .any(|on| value.eq_ignore_ascii_case(on))
}

/// Oracle offers TLS through the `SSL` option of its option group, on a port of its own; the
/// option leaves the plaintext listener open, so only its absence or an old TLS version decides.
fn oracle_verdict(what: &str, ssl: Option<&Collected<Option<OracleSslOption>>>) -> Verdict {
    match ssl {
        None => Verdict::undecidable(format!("{what}: its option group was not read")),
        Some(Err(error)) => Verdict::not_collected(error),
        Some(Ok(None)) => Verdict::fail(format!(
            "{what} runs Oracle without the SSL option in its option group: clients can only connect without TLS"
        )),
        Some(Ok(Some(ssl))) => match ssl.ssl_version.as_deref() {
            Some(version) if version.contains("1.0") => Verdict::fail(format!(
                "{what} has the SSL option of {} with SQLNET.SSL_VERSION {version}, which admits TLS 1.0",
                ssl.option_group
            )),
            version => Verdict::undecidable(format!(
                "{what} offers TLS {} on port {} (option group {}), but the SSL option leaves the plaintext listener open: whether clients can bypass it depends on the security groups",
                version.unwrap_or("of an unreported version"),
                ssl.port.map_or("(unreported)".to_string(), |p| p.to_string()),
                ssl.option_group
            )),
        },
    }
}

pub(super) fn tls_verdict(facts: &TlsFacts) -> Verdict {
    let what = facts.what;
    if facts.engine.starts_with("oracle") {
        return oracle_verdict(what, facts.oracle_ssl);
    }
    let governing = match governing(facts.engine, facts.engine_version) {
        Ok(governing) => governing,
        Err(reason) => return Verdict::undecidable(format!("{what}: {reason}")),
    };
    let parameters = match facts.parameters {
        Ok(parameters) => parameters,
        Err(error) => return Verdict::not_collected(error),
    };
    let parameter = governing.parameter;
    match parameters.get(parameter) {
        Some(TlsParameter {
            value: Some(value),
            is_static,
        }) => {
            if !is_on(value) {
                Verdict::fail(format!(
                    "{what} sets {parameter} = {value}: clients may connect without TLS"
                ))
            } else if *is_static && facts.pending_reboot {
                Verdict::fail(format!(
                    "{what} sets {parameter} = {value}, but the parameter is static and the group is pending-reboot: until a reboot, clients may still connect without TLS"
                ))
            } else {
                Verdict::pass(format!("{what} sets {parameter} = {value}"))
            }
        }
        _ => {
            let at_default = format!(
                "{what} leaves {parameter} at the engine default ({})",
                governing.default_note
            );
            match governing.default_on {
                Some(true) => Verdict::pass(at_default),
                Some(false) => {
                    Verdict::fail(format!("{at_default}: clients may connect without TLS"))
                }
                None => Verdict::undecidable(at_default),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tomwatch_model::Status;

    fn judge(
        engine: &str,
        version: &str,
        set: &[(&str, Option<&str>, bool)],
        pending: bool,
    ) -> Verdict {
        let parameters = Ok(set
            .iter()
            .map(|(name, value, is_static)| {
                let parameter = TlsParameter {
                    value: value.map(str::to_string),
                    is_static: *is_static,
                };
                (name.to_string(), parameter)
            })
            .collect());
        tls_verdict(&TlsFacts {
            what: "database db",
            engine,
            engine_version: version,
            parameters: &parameters,
            pending_reboot: pending,
            oracle_ssl: None,
        })
    }

    fn oracle(ssl: Collected<Option<OracleSslOption>>) -> Verdict {
        tls_verdict(&TlsFacts {
            what: "database ledger",
            engine: "oracle-ee",
            engine_version: "19.0.0.0.ru-2024-10.rur-2024-10.r1",
            parameters: &Ok(Default::default()),
            pending_reboot: false,
            oracle_ssl: Some(&ssl),
        })
    }

    #[test]
    fn the_engine_default_decides_where_the_group_sets_no_value() {
        let postgres16 = judge("postgres", "16.4", &[("rds.force_ssl", None, false)], false);
        assert_eq!(postgres16.status, Status::Pass, "{}", postgres16.message);
        assert!(postgres16
            .message
            .contains("engine default (1 for RDS for PostgreSQL 15"));
        let postgres14 = judge("postgres", "14.12", &[], false);
        assert_eq!(postgres14.status, Status::Fail);
        assert!(
            !postgres14.message.contains("sets rds.force_ssl = "),
            "no value is not an empty value: {}",
            postgres14.message
        );
        let mysql = judge(
            "mysql",
            "8.0.39",
            &[("require_secure_transport", None, false)],
            false,
        );
        assert_eq!(mysql.status, Status::Fail);
        assert!(mysql.message.contains("OFF for mysql"), "{}", mysql.message);
        assert_eq!(
            judge("aurora-postgresql", "17.4", &[], false).status,
            Status::Unknown
        );
    }

    #[test]
    fn a_static_value_waiting_for_a_reboot_is_not_in_force() {
        let set = [("rds.force_ssl", Some("1"), true)];
        let pending = judge("sqlserver-se", "15.00", &set, true);
        assert_eq!(pending.status, Status::Fail);
        assert!(
            pending.message.contains("pending-reboot"),
            "{}",
            pending.message
        );
        assert_eq!(
            judge("sqlserver-se", "15.00", &set, false).status,
            Status::Pass
        );
        let dynamic = [("rds.force_ssl", Some("1"), false)];
        assert_eq!(
            judge("postgres", "13.1", &dynamic, true).status,
            Status::Pass,
            "a dynamic parameter is in force at once"
        );
        assert_eq!(
            judge(
                "mariadb",
                "10.11",
                &[("require_secure_transport", Some("ON"), false)],
                false
            )
            .status,
            Status::Pass
        );
    }

    #[test]
    fn oracle_is_judged_by_its_ssl_option_as_far_as_the_option_shows() {
        let without = oracle(Ok(None));
        assert_eq!(without.status, Status::Fail, "{}", without.message);
        let ssl = |version: &str| {
            Ok(Some(OracleSslOption {
                option_group: "ledger-options".into(),
                port: Some(2484),
                ssl_version: Some(version.into()),
            }))
        };
        assert_eq!(oracle(ssl("1.2 or 1.0")).status, Status::Fail);
        let offered = oracle(ssl("1.2"));
        assert_eq!(offered.status, Status::Unknown);
        assert!(
            offered.message.contains("plaintext listener"),
            "{}",
            offered.message
        );
        let unread = oracle(Err(crate::testing::denied(
            "rds",
            "DescribeOptionGroups",
            "eu-central-1",
        )));
        assert_eq!(unread.status, Status::Unknown);
    }

    #[test]
    fn engines_that_force_tls_elsewhere_are_unknown_with_the_reason_never_not_applicable() {
        for engine in ["db2-se", "custom-sqlserver-ee"] {
            let verdict = judge(engine, "19.0", &[], false);
            assert_eq!(verdict.status, Status::Unknown, "{engine}");
            assert!(verdict.message.contains(engine), "{}", verdict.message);
        }
    }
}
