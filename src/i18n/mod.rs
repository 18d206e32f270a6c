//! The languages people read: Bahasa Indonesia (the shipped default) and English.
//!
//! Texts live in Fluent catalogs, `locales/<lang>/<area>.ftl`, which a translator edits without
//! touching code; they are compiled into the binary so a hardened unit needs no data files.
//! Numbers given to a message are written in the language's own way by [`format`]. Logs stay
//! English (what journald users grep for) and machine JSON keeps its English keys: neither goes
//! through here.
//!
//! Use [`t!`](crate::t): `t!(lang, "report-received", count = 1367)`.

mod catalog;
pub mod format;

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

pub use fluent_bundle::{FluentArgs, FluentValue};

/// A language the bridge speaks to people.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Bahasa Indonesia: Diskominfo's admins and the OPD complaint officers.
    #[default]
    Id,
    English,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Id, Lang::English];

    /// `id` or `en`; also `id-ID`, `en-US`, any case.
    pub fn parse(s: &str) -> Result<Lang, LangError> {
        let lower = s.trim().to_ascii_lowercase();
        match lower.split(['-', '_']).next().unwrap_or("") {
            "id" => Ok(Lang::Id),
            "en" => Ok(Lang::English),
            _ => Err(LangError(s.to_string())),
        }
    }

    /// The code in `<html lang>`, `?lang=` and the catalog folder.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::English => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = LangError;
    fn from_str(s: &str) -> Result<Lang, LangError> {
        Lang::parse(s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a language lapor-bridge speaks; use \"id\" (Bahasa Indonesia) or \"en\" (English)")]
pub struct LangError(pub String);

static PROCESS_LANG: OnceLock<Lang> = OnceLock::new();

/// Sets the language of this process's command-line output, once, at start (from `--lang`,
/// else `[ui] language`). A command runs once per process, so its texts need not carry it.
pub fn set_process_lang(lang: Lang) {
    let _ = PROCESS_LANG.set(lang);
}

/// The language of this process's command-line output: Bahasa Indonesia unless set.
pub fn process_lang() -> Lang {
    PROCESS_LANG.get().copied().unwrap_or_default()
}

/// The message `id` in `lang`, with `args`. An id missing from the catalog comes back as the
/// id itself (a test checks every id the code uses exists in both catalogs).
pub fn message(lang: Lang, id: &str, args: Option<&FluentArgs<'_>>) -> String {
    catalog::format(lang, id, args).unwrap_or_else(|| id.to_string())
}

/// Whether `lang`'s catalog has the message `id`.
pub fn has(lang: Lang, id: &str) -> bool {
    catalog::format(lang, id, None).is_some()
}

/// Every message id of `lang`'s catalog, sorted.
pub fn ids(lang: Lang) -> Vec<String> {
    catalog::ids(lang)
}

/// `t!(lang, "id")` or `t!(lang, "id", name = value, …)`: the message in `lang`. Values are
/// anything Fluent takes (`&str`, `String`, integers, floats); numbers are written the
/// language's way.
#[macro_export]
macro_rules! t {
    ($lang:expr, $id:literal $(,)?) => {
        $crate::i18n::message($lang, $id, None)
    };
    ($lang:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = $crate::i18n::FluentArgs::new();
        $( args.set(stringify!($name), $crate::i18n::FluentValue::from($value)); )+
        $crate::i18n::message($lang, $id, Some(&args))
    }};
}

#[cfg(test)]
mod tests;
