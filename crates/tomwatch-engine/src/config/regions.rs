//! The `regions:` key: the word `all` or a list of region names.

use serde::Deserialize;
use serde_saphyr::Spanned;
use std::fmt;

/// Which regions to scan.
#[derive(Debug, Clone, Default)]
pub enum Regions {
    /// Every region enabled for the account.
    #[default]
    All,
    List(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for Regions {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A visitor rather than an untagged enum: untagged buffering would lose the list items' spans.
        struct RegionsVisitor;
        impl<'de> serde::de::Visitor<'de> for RegionsVisitor {
            type Value = Regions;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`all` or a list of region names")
            }

            fn visit_str<E: serde::de::Error>(self, word: &str) -> Result<Regions, E> {
                if word == "all" {
                    Ok(Regions::All)
                } else {
                    Err(E::custom(format!(
                        "regions must be `all` or a list of region names, not `{word}`"
                    )))
                }
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Regions, A::Error> {
                let mut list = Vec::new();
                while let Some(region) = seq.next_element::<Spanned<String>>()? {
                    list.push(region);
                }
                Ok(Regions::List(list))
            }
        }
        deserializer.deserialize_any(RegionsVisitor)
    }
}
