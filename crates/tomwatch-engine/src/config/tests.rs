use super::validate::role_account;
use super::*;

fn fixtures() -> Vec<PathBuf> {
    let dir = manifest_dir().join("../../config/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("config/fixtures exists")
        .map(|e| e.expect("readable dir entry").path())
        .collect();
    files.sort();
    files
}

#[test]
fn ok_fixtures_load() {
    let oks: Vec<_> = fixtures()
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".ok.yaml"))
        .collect();
    assert!(oks.len() >= 3);
    for path in oks {
        if let Err(problems) = Config::load(&path) {
            panic!("{} should load: {problems:?}", path.display());
        }
    }
}

/// Each bad fixture's first line says `# expect: LINE:COL: text` and the first error must match.
#[test]
fn bad_fixtures_fail_at_the_expected_place() {
    let bads: Vec<_> = fixtures()
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".bad.yaml"))
        .collect();
    assert!(bads.len() >= 6);
    for path in bads {
        let text = std::fs::read_to_string(&path).expect("fixture readable");
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .expect("expect line");
        let problems = Config::load(&path).expect_err(&format!("{} should fail", path.display()));
        let first = problems[0].to_string();
        let (location, text) = expect
            .split_once(": ")
            .unwrap_or((expect.trim_end_matches(':'), ""));
        // `other.yaml:L:C` locates the problem in a file the config refers to (its baseline).
        let (file, location) = match location.split_once(".yaml:") {
            Some((name, at)) => (path.with_file_name(format!("{name}.yaml")), at),
            None => (path.clone(), location),
        };
        assert!(
            first.starts_with(&format!("{}:{location}:", file.display())),
            "{first}\n  expected at {}:{location}",
            file.display()
        );
        assert!(
            first.contains(text),
            "{first}\n  expected to contain {text}"
        );
    }
}

#[test]
fn account_and_role_fields_are_read() {
    let config = Config::load(&manifest_dir().join("../../config/tomwatch.example.yaml"))
        .expect("example loads");
    assert_eq!(config.accounts.len(), 2);
    let dev = &config.accounts[1];
    assert_eq!(dev.id.value, "222222222222");
    assert_eq!(
        dev.role_arn.as_ref().map(|r| r.value.as_str()),
        Some("arn:aws:iam::222222222222:role/tomwatch-audit")
    );
    assert_eq!(
        dev.external_id.as_ref().map(|e| e.value.as_str()),
        Some("optional-external-id")
    );
    assert_eq!(
        dev.environment.as_ref().map(|e| e.value.as_str()),
        Some("development")
    );
    assert!(matches!(config.regions, Regions::All));
}

#[test]
fn missing_file_is_a_clear_error() {
    let problems = Config::load(Path::new("/nonexistent/tomwatch.yaml")).expect_err("missing file");
    assert!(
        problems[0]
            .to_string()
            .starts_with("/nonexistent/tomwatch.yaml: cannot read:"),
        "{}",
        problems[0]
    );
}

#[test]
fn region_names_and_role_arns_are_validated() {
    assert!(is_region_name("eu-central-1") && is_region_name("us-gov-west-1"));
    assert!(
        !is_region_name("eu-central")
            && !is_region_name("EU-central-1")
            && !is_region_name("eu--1")
    );
    assert_eq!(
        role_account("arn:aws:iam::123456789012:role/a/b"),
        Some("123456789012")
    );
    assert_eq!(role_account("arn:aws:iam::123456789012:user/a"), None);
    assert_eq!(role_account("arn:aws:iam::12345:role/a"), None);
}

#[test]
fn baseline_parameters_disabled_checks_and_suppressions_are_resolved() {
    let dir = manifest_dir().join("../../config/fixtures");
    let config = Config::load(&dir.join("policy.ok.yaml")).expect("loads");
    let policy = &config.policy;
    let params = &policy.baseline.params;
    assert!(params.allowed_regions.allows("eu-west-1"));
    assert!(!params.allowed_regions.allows("eu-north-1"));
    assert_eq!(params.world_open_ports, vec![443]);
    assert_eq!(params.min_backup_retention_days, 7);
    let disabled: Vec<_> = policy
        .baseline
        .rules
        .iter()
        .filter(|r| !r.is_off_beyond_tom())
        .filter_map(|r| {
            r.disabled
                .as_ref()
                .map(|why| (r.check.meta.id, why.as_str()))
        })
        .collect();
    assert_eq!(
        disabled,
        vec![(
            "rds_instance_multi_az",
            "dev databases are single-AZ by design; prod is covered by Aurora"
        )]
    );
    // `enable` turned on one check beyond the TOM; the other four stay off.
    let beyond_on: Vec<_> = policy
        .baseline
        .enabled_rules()
        .filter(|r| r.beyond_tom.is_some())
        .map(|r| r.check.meta.id)
        .collect();
    assert_eq!(beyond_on, ["kms_key_rotation_enabled"]);
    let suppressions: Vec<_> = policy
        .suppressions
        .iter()
        .map(|s| {
            (
                s.check.text.as_str(),
                s.owner.as_str(),
                s.expires.to_string(),
            )
        })
        .collect();
    assert_eq!(
        suppressions,
        vec![
            (
                "ec2_security_group_world_ingress_web_only",
                "platform-team",
                "2027-06-30".to_string()
            ),
            ("s3_*", "web-team", "2027-03-31".to_string()),
        ]
    );
}

#[test]
fn a_baseline_file_of_ones_own_replaces_the_builtin() {
    let dir = manifest_dir().join("../../config/fixtures");
    let config = Config::load(&dir.join("own-baseline.ok.yaml")).expect("loads");
    let baseline = &config.policy.baseline;
    assert_eq!(baseline.name, "buckets-only");
    let rules: Vec<_> = baseline
        .rules
        .iter()
        .map(|r| (r.check.meta.id, &*r.control, r.severity.as_str()))
        .collect();
    assert_eq!(
        rules,
        vec![
            ("s3_bucket_default_encryption_kms", "TOM-S3", "critical"),
            ("s3_bucket_allowed_region", "TOM-S3", "high"),
        ]
    );
    assert!(!baseline.params.allowed_regions.allows("eu-west-1"));
}

/// The rule for account IDs: quoted or not, the ID is the text as written. YAML would read an
/// unquoted `012345678901` as a number; the parser keeps the scalar's text, so the leading zero
/// survives and either spelling names the same account.
#[test]
fn unquoted_account_ids_keep_their_leading_zeros() {
    for spelling in ["012345678901", "\"012345678901\"", "'012345678901'"] {
        let dir = std::env::temp_dir().join(format!("tomwatch-unquoted-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("tomwatch.yaml");
        std::fs::write(&path, format!("accounts:\n  - id: {spelling}\n")).expect("write");
        let config = Config::load(&path).unwrap_or_else(|p| panic!("{spelling}: {p:?}"));
        assert_eq!(config.accounts[0].id.value, "012345678901", "{spelling}");
    }
}

/// One run of `config validate` names every problem, each where it is, not only the first.
#[test]
fn every_problem_of_a_file_is_reported_in_file_order() {
    let path = manifest_dir().join("../../config/fixtures/several-problems.bad.yaml");
    let problems = Config::load(&path).expect_err("fixture is bad");
    let found: Vec<(Option<u32>, &str)> = problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    let expected_lines = [4, 5, 6, 8, 10];
    assert_eq!(
        found.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
        expected_lines.map(Some),
        "{found:#?}"
    );
    assert!(found[0].1.contains("unknown field `rolearn`"), "{found:?}");
    assert!(found[1].1.contains("not 12 digits"), "{found:?}");
    assert!(found[2].1.contains("eu_west_1"), "{found:?}");
    assert!(
        found[3].1.contains("`schedule.jitter` must be a number"),
        "{found:?}"
    );
    assert!(found[4].1.contains("no_such_check"), "{found:?}");
}

/// After a syntax error the rest of the file cannot be read reliably: that error comes alone.
#[test]
fn a_syntax_error_is_reported_alone() {
    let problems = Config::parse(
        Path::new("c.yaml"),
        "accounts:\n  - id: \"1\n schedule:\n  jitter: x\n",
    )
    .expect_err("bad");
    assert_eq!(problems.len(), 1, "{problems:?}");
}

/// A deserializer that only records the field names serde's derive hands to
/// `deserialize_struct`: the keys a YAML mapping of that type may have.
struct FieldNames<'a>(&'a mut &'static [&'static str]);

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field names recorded")
    }
}

impl std::error::Error for Stop {}

impl serde::de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> serde::Deserializer<'de> for FieldNames<'_> {
    type Error = Stop;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        *self.0 = fields;
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

fn keys_of<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(FieldNames(&mut fields));
    fields
}

/// docs/CONFIGURATION.md names every key the config types accept, as `path.to.key`.
#[test]
fn config_reference_names_every_key() {
    let reference = std::fs::read_to_string(manifest_dir().join("../../docs/CONFIGURATION.md"))
        .expect("docs/CONFIGURATION.md");
    let sections: [(&str, &[&str]); 9] = [
        ("", keys_of::<Config>()),
        ("accounts[].", keys_of::<AccountConfig>()),
        ("scan.", keys_of::<ScanConfig>()),
        ("schedule.", keys_of::<ScheduleConfig>()),
        ("baseline.", keys_of::<BaselineConfig>()),
        ("baseline.disable[].", keys_of::<DisabledCheck>()),
        (
            "baseline.parameters.",
            keys_of::<tomwatch_checks::ParameterOverrides>(),
        ),
        ("suppressions[].", keys_of::<SuppressionConfig>()),
        ("events.", keys_of::<EventsConfig>()),
    ];
    let mut missing = Vec::new();
    for (prefix, keys) in sections {
        assert!(!keys.is_empty(), "no keys read for `{prefix}`");
        for key in keys {
            let name = format!("`{prefix}{key}`");
            if !reference.contains(&name) {
                missing.push(name);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/CONFIGURATION.md lacks {missing:?}"
    );
}

/// The crate's directory as cargo hands it to the running test: `env!` would bake in the path of
/// the checkout that built the binary, which a target directory shared between checkouts (CI's,
/// under `$HOME/.cache`) reuses for another checkout without rebuilding.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .into()
}
