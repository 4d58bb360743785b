//! Which report goes where: `--format` values paired with `--output` values, or `FORMAT=FILE`.

use std::path::{Path, PathBuf};

/// The formats `tomwatch audit` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// For terminals; not a file format, so it records no digest.
    Table,
    File(tomwatch_report::Format),
}

const NAMES: &str = "table, json, ocsf, junit, csv, html";

impl ReportFormat {
    fn parse(name: &str) -> Result<ReportFormat, String> {
        use tomwatch_report::Format;
        Ok(match name {
            "table" => ReportFormat::Table,
            "json" => ReportFormat::File(Format::Json),
            "ocsf" => ReportFormat::File(Format::Ocsf),
            "junit" => ReportFormat::File(Format::Junit),
            "csv" => ReportFormat::File(Format::Csv),
            "html" => ReportFormat::File(Format::Html),
            other => return Err(format!("unknown format `{other}`: use one of {NAMES}")),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    File(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub format: ReportFormat,
    pub destination: Destination,
}

/// Pairs formats with destinations. `--output` values go, in order, to the formats given
/// without `=FILE`; one format may be left for stdout, and `-` names stdout too. Every
/// destination is checked before the audit starts, so a typo costs no audit.
pub fn plan(formats: &[String], outputs: &[PathBuf]) -> Result<Vec<Output>, String> {
    let formats: Vec<String> = if formats.is_empty() {
        vec!["table".to_string()]
    } else {
        formats.to_vec()
    };
    let mut files = outputs.iter();
    let mut planned = Vec::new();
    for value in &formats {
        let (name, file) = match value.split_once('=') {
            Some((name, "")) => {
                return Err(format!("`--format {value}` names no file after `=` (use {name}=FILE, or {name} alone for stdout)"))
            }
            Some((name, file)) => (name, Some(PathBuf::from(file))),
            None => (value.as_str(), files.next().cloned()),
        };
        let destination = match file {
            Some(path) if path.as_os_str() == "-" => Destination::Stdout,
            Some(path) => Destination::File(path),
            None => Destination::Stdout,
        };
        planned.push(Output {
            format: ReportFormat::parse(name)?,
            destination,
        });
    }
    if files.next().is_some() {
        return Err(format!(
            "{} --output given for {} --format without `=FILE`: give one --output per --format, in the same order",
            outputs.len(),
            formats.iter().filter(|f| !f.contains('=')).count()
        ));
    }
    let to_stdout: Vec<&str> = planned
        .iter()
        .zip(&formats)
        .filter(|(o, _)| o.destination == Destination::Stdout)
        .map(|(_, f)| f.as_str())
        .collect();
    if to_stdout.len() > 1 {
        return Err(format!(
            "formats {} would all go to stdout: give each but one an --output FILE (or FORMAT=FILE)",
            to_stdout.join(", ")
        ));
    }
    for output in &planned {
        if let Destination::File(path) = &output.destination {
            writable(path)?;
        }
    }
    let mut seen = std::collections::HashSet::new();
    for output in &planned {
        if let Destination::File(path) = &output.destination {
            if !seen.insert(path) {
                return Err(format!("{} is the --output of two formats", path.display()));
            }
        }
    }
    Ok(planned)
}

fn writable(path: &Path) -> Result<(), String> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(format!(
            "cannot write {}: the directory {} does not exist",
            path.display(),
            parent.display()
        ));
    }
    if path.is_dir() {
        return Err(format!(
            "cannot write {}: it is a directory",
            path.display()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tomwatch_report::Format;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    fn paths(values: &[&str]) -> Vec<PathBuf> {
        values.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn no_format_is_the_table_on_stdout() {
        assert_eq!(
            plan(&[], &[]),
            Ok(vec![Output {
                format: ReportFormat::Table,
                destination: Destination::Stdout
            }])
        );
    }

    #[test]
    fn outputs_pair_in_order_with_formats_without_a_file_and_one_may_stay_on_stdout() {
        let tmp = std::env::temp_dir();
        let a = tmp.join("a.json");
        let b = tmp.join("b.html");
        let planned = plan(
            &strings(&["json", &format!("html={}", b.display()), "junit"]),
            std::slice::from_ref(&a),
        )
        .expect("valid");
        assert_eq!(planned[0].destination, Destination::File(a));
        assert_eq!(planned[1].destination, Destination::File(b));
        assert_eq!(planned[2].format, ReportFormat::File(Format::Junit));
        assert_eq!(planned[2].destination, Destination::Stdout);
    }

    #[test]
    fn mistakes_are_reported_before_the_audit_with_what_to_do() {
        let error = |f: &[&str], o: &[&str]| plan(&strings(f), &paths(o)).expect_err("rejected");
        assert!(error(&["xml"], &[]).contains("use one of table, json"));
        assert!(error(&["json", "csv"], &[]).contains("would all go to stdout"));
        assert!(error(&["json"], &["/tmp/a", "/tmp/b"]).contains("one --output per --format"));
        assert!(error(&["json=/no/such/dir/a.json"], &[]).contains("does not exist"));
        assert!(error(&["json="], &[]).contains("names no file"));
        assert!(error(&["json=report.out", "csv=report.out"], &[]).contains("two formats"));
    }
}
