//! `[ui]`: the language of what people read (CLI, reports, dashboard, check-config). Logs
//! stay English whatever this says.

use serde::Deserialize;
use serde_json::Value;

use super::ctx::{k, Ctx};
use super::text::{msg, q};
use crate::i18n::Lang;

#[derive(Clone, Debug, Default)]
pub struct UiConfig {
    /// `id` (the shipped default) or `en`.
    pub language: Lang,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUi {
    language: Option<String>,
}

pub(crate) fn validate_ui(raw: Option<Value>, ctx: &mut Ctx) -> Option<UiConfig> {
    let raw: RawUi = match raw {
        None => RawUi::default(),
        Some(v) => ctx.deserialize(v, &k(&["ui"]))?,
    };
    match raw.language.as_deref().map(Lang::parse) {
        None => Some(UiConfig::default()),
        Some(Ok(language)) => Some(UiConfig { language }),
        Some(Err(e)) => {
            ctx.problem(
                &k(&["ui", "language"]),
                msg!("config-ui-language", value = q(&e.0)),
            );
            None
        }
    }
}

/// `[ui] language` of a configuration file's text, read without validating the rest (operator
/// commands read it before, or without, loading the whole configuration). `None` when absent
/// or unreadable: the caller falls back to the default.
pub fn language_of_file_text(text: &str) -> Option<Lang> {
    let value: toml::Table = toml::from_str(text).ok()?;
    let s = value.get("ui")?.get("language")?.as_str()?;
    Lang::parse(s).ok()
}
