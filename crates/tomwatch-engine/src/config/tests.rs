use super::*;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/fixtures");
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
        assert!(
            first.starts_with(&format!("{}:{location}:", path.display())),
            "{first}\n  expected at {location}"
        );
        assert!(
            first.contains(text),
            "{first}\n  expected to contain {text}"
        );
    }
}

#[test]
fn account_and_role_fields_are_read() {
    let config = Config::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/tomwatch.example.yaml"),
    )
    .expect("example loads");
    assert_eq!(config.accounts.len(), 2);
    let dev = &config.accounts[1];
    assert_eq!(dev.id.value, "222222222222");
    assert_eq!(
        dev.role_arn.as_ref().map(|r| r.value.as_str()),
        Some("arn:aws:iam::222222222222:role/tomwatch-audit")
    );
    assert_eq!(dev.external_id.as_deref(), Some("optional-external-id"));
    assert_eq!(dev.environment.as_deref(), Some("development"));
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
