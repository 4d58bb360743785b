use super::*;
use crate::registry::all_checks;
use crate::testing::{account, rds_instance, region_mut};
use std::collections::HashMap;
use tomwatch_model::Status;

/// The controls the TOM document fixes; the built-in baseline covers each of them.
const TOM_CONTROLS: &[&str] = &[
    "TOM-REGION",
    "TOM-ENC-REST",
    "TOM-NET",
    "TOM-AVAIL",
    "TOM-LOG",
    "TOM-BACKUP",
    "TOM-ACCOUNTS",
    "TOM-ACCESS",
    "TOM-ENC-TRANSIT",
    "TOM-WAF",
    "TOM-AUTHN",
    "TOM-IAC",
];

#[test]
fn builtin_baseline_places_every_check_in_exactly_one_control() {
    let baseline = Baseline::builtin();
    let mut placed: HashMap<&str, &str> = HashMap::new();
    for rule in &baseline.rules {
        assert!(
            placed.insert(rule.check.meta.id, &*rule.control).is_none(),
            "{} placed twice",
            rule.check.meta.id
        );
        assert!(
            !rule.remediation.trim().is_empty(),
            "{} lacks remediation",
            rule.check.meta.id
        );
    }
    for check in all_checks() {
        assert!(
            placed.contains_key(check.meta.id),
            "{} is in no control of the built-in baseline",
            check.meta.id
        );
    }
    let ids: Vec<&str> = baseline.controls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, TOM_CONTROLS);
    for control in &baseline.controls {
        assert!(
            !control.title.is_empty()
                && !control.section.is_empty()
                && control.rationale.len() > 80,
            "{} needs a title, a section and a real rationale",
            control.id
        );
        assert!(
            baseline.rules.iter().any(|r| *r.control == control.id),
            "control {} has no check",
            control.id
        );
    }
}

/// The built-in baseline writes out every parameter, each with the code's default: a parameter
/// added to the code but not to `tom.yaml` (or given another value there) fails here.
#[test]
fn builtin_parameters_are_the_code_defaults_written_out() {
    #[derive(serde::Deserialize)]
    struct ParametersSection {
        parameters: ParameterOverrides,
    }
    let section: ParametersSection =
        serde_saphyr::from_str(super::BUILTIN_BASELINE).expect("tom.yaml parses");
    let written = format!("{:?}", section.parameters);
    assert!(
        !written.contains(": None"),
        "tom.yaml's parameters must name every parameter: {written}"
    );
    assert_eq!(
        format!("{:?}", Baseline::builtin().params),
        format!("{:?}", Parameters::default()),
        "tom.yaml's parameter values differ from the code's defaults"
    );
}

fn errors(text: &str) -> Vec<String> {
    Baseline::parse(text)
        .expect_err("the baseline is invalid")
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn unknown_checks_duplicates_and_empty_controls_are_located() {
    let text = "\
name: mine
version: 1
controls:
  - id: TOM-A
    title: a
    section: s
    rationale: r
    checks:
      - id: rds_instance_multi_az
        severity: high
        remediation: fix
      - id: rds_instance_multi_azz
        severity: high
        remediation: fix
  - id: TOM-B
    title: b
    section: s
    rationale: r
    checks:
      - id: rds_instance_multi_az
        severity: low
        remediation: fix
  - id: TOM-B
    title: c
    section: s
    rationale: r
    checks: []
";
    assert_eq!(
        errors(text),
        vec![
            "12:13: unknown check `rds_instance_multi_azz` (`tomwatch checks` lists them)",
            "20:13: check rds_instance_multi_az is already in control TOM-A: a check belongs to exactly one control",
            "23:9: control TOM-B is defined twice (first at line 15)",
            "23:9: control TOM-B has no checks: a promise without evidence cannot be audited",
        ]
    );
}

#[test]
fn bad_types_unknown_keys_and_bad_parameter_values_are_located() {
    let wrong_type =
        errors("name: x\nversion: 1\ncontrols: []\nparameters:\n  world_open_ports: [80, https]\n");
    assert_eq!(wrong_type.len(), 1);
    assert!(wrong_type[0].starts_with("5:"), "{wrong_type:?}");
    let unknown_key =
        errors("name: x\nversion: 1\ncontrols: []\nparameters:\n  allowed_region: [eu-*]\n");
    assert!(
        unknown_key[0].starts_with("5:3:") && unknown_key[0].contains("allowed_region"),
        "{unknown_key:?}"
    );
    let bad_values = errors(
        "name: x\nversion: 2\ncontrols: []\nparameters:\n  allowed_regions: ['eu-[']\n  min_backup_retention_days: 0\n",
    );
    assert_eq!(bad_values.len(), 3, "{bad_values:?}");
    assert!(bad_values[0].starts_with("2:10: baseline version 2"));
    assert!(bad_values[1].starts_with("5:20:") && bad_values[1].contains("eu-["));
    assert!(bad_values[2].starts_with("6:30: min_backup_retention_days must be at least 1"));
}

#[test]
fn disabled_checks_do_not_run_and_unknown_ones_cannot_be_disabled() {
    let mut baseline = Baseline::builtin();
    let mut inventory = account(&["eu-central-1"]);
    let mut db = rds_instance("orders", true, false);
    db.multi_az = false;
    region_mut(&mut inventory, "eu-central-1").rds.instances = Ok(vec![db]);
    let fails = |b: &Baseline| {
        b.evaluate(&inventory)
            .iter()
            .filter(|f| f.check_id == "rds_instance_multi_az" && f.status == Status::Fail)
            .count()
    };
    assert_eq!(fails(&baseline), 1);
    baseline
        .disable("rds_instance_multi_az", "single-AZ by design in dev")
        .expect("known check");
    assert_eq!(fails(&baseline), 0);
    assert_eq!(
        baseline
            .rule("rds_instance_multi_az")
            .and_then(|r| r.disabled.as_deref()),
        Some("single-AZ by design in dev")
    );
    assert!(baseline
        .disable("rds_instance_multi", "typo")
        .unwrap_err()
        .contains("unknown check `rds_instance_multi`"));
}

/// Adopting the baseline FAILs only what the TOM promises: the checks that ask more are marked
/// and do not run until a config enables them.
#[test]
fn checks_beyond_the_tom_are_off_until_enabled() {
    let mut baseline = Baseline::builtin();
    let beyond: Vec<&str> = baseline
        .rules
        .iter()
        .filter(|r| r.beyond_tom.is_some())
        .map(|r| r.check.meta.id)
        .collect();
    assert_eq!(
        beyond,
        [
            "kms_key_rotation_enabled",
            "ec2_vpc_flow_logs_enabled",
            "cloudtrail_trail_log_file_validation",
            "cloudtrail_trail_kms_encrypted",
            "cognito_user_pool_threat_protection",
        ]
    );
    let runs = |b: &Baseline, id: &str| b.enabled_rules().any(|r| r.check.meta.id == id);
    assert!(beyond.iter().all(|id| !runs(&baseline, id)));
    assert!(runs(&baseline, "cognito_user_pool_mfa_required"));

    baseline
        .enable("cognito_user_pool_threat_protection")
        .expect("marked check");
    assert!(runs(&baseline, "cognito_user_pool_threat_protection"));
    assert!(baseline
        .enable("rds_instance_multi_az")
        .unwrap_err()
        .contains("already runs by default"));
    assert!(baseline
        .enable("rds_instance_multi")
        .unwrap_err()
        .contains("unknown check"));
}

#[test]
fn findings_carry_the_control_and_severity_the_baseline_gives_them() {
    let text = BUILTIN_BASELINE.replace(
        "      - id: rds_instance_multi_az\n        severity: high",
        "      - id: rds_instance_multi_az\n        severity: low",
    );
    let baseline = Baseline::parse(&text).expect("still valid");
    let mut inventory = account(&["eu-central-1"]);
    region_mut(&mut inventory, "eu-central-1").rds.instances =
        Ok(vec![rds_instance("orders", true, false)]);
    let finding = baseline
        .evaluate(&inventory)
        .into_iter()
        .find(|f| f.check_id == "rds_instance_multi_az")
        .expect("evaluated");
    assert_eq!(finding.severity, Severity::Low);
    assert_eq!(&*finding.control, "TOM-AVAIL");
}

#[test]
fn config_overrides_replace_single_parameters() {
    let mut baseline = Baseline::builtin();
    let overrides: ParameterOverrides =
        serde_saphyr::from_str("world_open_ports: [443]\n").expect("valid");
    baseline.override_parameters(&overrides).expect("valid");
    assert_eq!(baseline.params.world_open_ports, vec![443]);
    assert!(baseline.params.allowed_regions.allows("eu-west-1"));
}

/// Every parameter a baseline or config may set takes effect. `iac_tag_values` used to be read
/// and then dropped: a config naming its own IaC tools was silently judged by the defaults.
#[test]
fn every_parameter_given_takes_effect() {
    let mut baseline = Baseline::builtin();
    let overrides: ParameterOverrides = serde_saphyr::from_str(
        "iac_tag_values: [crossplane]\nmax_access_key_age_days: 30\ncognito_optional_mfa_allowed: true\niac_tag_key: owner-tool\n",
    )
    .expect("valid");
    baseline.override_parameters(&overrides).expect("valid");
    let params = &baseline.params;
    assert_eq!(params.iac_tag_values, ["crossplane"]);
    assert_eq!(params.max_access_key_age_days, 30);
    assert!(params.cognito_optional_mfa_allowed);
    assert_eq!(params.iac_tag_key, "owner-tool");
}

/// An environment that must alarm on anomaly bands but that no account may declare is a typo
/// that would silently hold nobody to the promise; it is reported where the layer wrote it.
#[test]
fn anomaly_detection_environments_must_be_declared_environments() {
    let layer = |yaml: &str| -> ParameterOverrides { serde_saphyr::from_str(yaml).expect("valid") };
    let mut baseline = Baseline::builtin();
    let renamed = baseline
        .override_parameters(&layer("environments: [prod, dev]\n"))
        .expect_err("the default production is no longer declared");
    let message = renamed[0].to_string();
    assert!(message.starts_with("1:15:"), "{message}");
    assert!(message.contains("names production"), "{message}");

    baseline
        .override_parameters(&layer(
            "environments: [prod, dev]\nanomaly_detection_environments: [prod]\n",
        ))
        .expect("consistent together");
    assert_eq!(baseline.params.anomaly_detection_environments, ["prod"]);
    baseline
        .override_parameters(&layer("anomaly_detection_environments: []\n"))
        .expect("nobody is held to it");
}

#[test]
fn every_builtin_control_cites_c5_and_iso_27001_and_every_citation_has_a_name() {
    let baseline = Baseline::builtin();
    let names: Vec<&str> = baseline
        .frameworks
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["BSI C5:2020", "ISO/IEC 27001:2022 Annex A"]);
    for control in &baseline.controls {
        for framework in &baseline.frameworks {
            let cited = control.references.get(&framework.id);
            assert!(
                cited.is_some_and(|ids| !ids.is_empty()),
                "{} cites nothing of {}",
                control.id,
                framework.name
            );
        }
    }
    // A catalogue entry no control cites is dead weight that drifts from the catalogue.
    for framework in &baseline.frameworks {
        for id in framework.requirements.keys() {
            assert!(
                baseline.controls.iter().any(|c| c
                    .references
                    .get(&framework.id)
                    .is_some_and(|r| r.contains(id))),
                "{} {id} is named but cited by no control",
                framework.name
            );
        }
    }
    assert!(baseline.not_verified.len() >= 3);
}

#[test]
fn a_citation_of_an_unknown_framework_or_requirement_is_located() {
    let text = "\
name: x
version: 1
frameworks:
  - id: c5_2020
    name: C5
    requirements:
      CRY-03: Encryption at rest
controls:
  - id: TOM-ENC-REST
    title: t
    section: s
    rationale: r
    references:
      c5_2020: [CRY-03, CRY-33]
      iso27001: [A.8.24]
    checks:
      - id: s3_bucket_default_encryption_kms
        severity: high
        remediation: r
";
    let problems = errors(text);
    assert_eq!(
        problems,
        [
            "14:25: control TOM-ENC-REST cites `CRY-33`, which is not among the requirements of C5 in `frameworks`",
            "15:18: control TOM-ENC-REST cites framework `iso27001`, which `frameworks` does not define (defined: c5_2020)",
        ]
    );
}
