//! How checks are declared, so that an ID is written once: by the check's file name.
//!
//! A service's `mod.rs` names its checks in `checks! { ... }` (which declares their modules
//! and the service's list the registry gathers); a check's file states its `check! { ... }`,
//! whose ID is the module's name.

/// `pub const CHECK`, with the ID taken from the module (= file) name.
macro_rules! check {
    (title: $title:expr, resource_type: $resource_type:expr, evaluate $(,)?) => {
        pub const CHECK: $crate::check::Check = $crate::check::Check {
            meta: $crate::check::CheckMeta {
                id: $crate::declare::last_segment(module_path!()),
                title: $title,
                resource_type: $resource_type,
            },
            evaluate,
        };
    };
}

/// A service's checks: one module per check and the list `CHECKS`, in the order written.
macro_rules! checks {
    ($($id:ident),* $(,)?) => {
        $(pub mod $id;)*

        pub(crate) static CHECKS: &[$crate::check::Check] = &[$($id::CHECK),*];
    };
}

/// `tomwatch_checks::ec2::ec2_volume_encrypted` → `ec2_volume_encrypted`, at compile time.
pub(crate) const fn last_segment(path: &'static str) -> &'static str {
    let bytes = path.as_bytes();
    let mut start = bytes.len();
    while start > 0 && bytes[start - 1] != b':' {
        start -= 1;
    }
    let (_, name) = bytes.split_at(start);
    match std::str::from_utf8(name) {
        Ok(name) => name,
        Err(_) => panic!("a module path is UTF-8"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_last_segment_of_a_module_path_is_its_name() {
        assert_eq!(
            super::last_segment("tomwatch_checks::ec2::ec2_volume_encrypted"),
            "ec2_volume_encrypted"
        );
        assert_eq!(super::last_segment("crate_root"), "crate_root");
    }
}
