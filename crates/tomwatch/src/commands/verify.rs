use crate::cli::VerifyArgs;
use crate::exit;
use tomwatch_report::integrity::verify;

pub fn run(args: VerifyArgs) -> u8 {
    let report = match std::fs::read(&args.report) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.report.display());
            return exit::USAGE;
        }
    };
    let trusted = match &args.public_key {
        None => None,
        Some(path) => match std::fs::read_to_string(path) {
            Ok(pem) => Some(pem),
            Err(e) => {
                eprintln!("error: cannot read the public key {}: {e}", path.display());
                return exit::USAGE;
            }
        },
    };
    match verify(&report, trusted.as_deref()) {
        Ok(verified) => {
            let record = &verified.integrity;
            println!(
                "{}: intact ({} report)",
                args.report.display(),
                record.format
            );
            println!("  content  sha256 {}", record.content_sha256);
            let shown = |d: &Option<String>| d.clone().unwrap_or_else(|| "(not recorded)".into());
            println!("  config   sha256 {}", shown(&record.config_sha256));
            println!("  baseline sha256 {}", shown(&record.baseline_sha256));
            match (&verified.signed_by, &args.public_key) {
                (Some(key), Some(_)) => println!("  signed by {key}, the given key"),
                (Some(key), None) => println!(
                    "  signed by {key}; pass --public-key to check that this is the key you trust"
                ),
                (None, _) => println!("  not signed"),
            }
            exit::COMPLIANT
        }
        Err(error) => {
            eprintln!("{}: NOT intact: {error}", args.report.display());
            exit::FAILING
        }
    }
}
