//! The Fluent bundles, one per language, built once from the catalogs compiled in.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

use super::{format, Lang};

type Bundle = FluentBundle<FluentResource>;

/// One entry per catalog file. A new area is a new file in both folders and one line here.
macro_rules! catalogs {
    ($($area:literal),+ $(,)?) => {
        const ID: &[(&str, &str)] = &[$(
            ($area, include_str!(concat!("../../locales/id/", $area, ".ftl"))),
        )+];
        const EN: &[(&str, &str)] = &[$(
            ($area, include_str!(concat!("../../locales/en/", $area, ".ftl"))),
        )+];
    };
}

catalogs!(
    "common",
    "cli",
    "config",
    "report",
    "dashboard",
    "demo",
    "privacy",
    "dryrun",
    "intake",
    "help"
);

pub(super) fn sources(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::Id => ID,
        Lang::English => EN,
    }
}

fn bundles() -> &'static [Bundle; 2] {
    static BUNDLES: OnceLock<[Bundle; 2]> = OnceLock::new();
    BUNDLES.get_or_init(|| [build(Lang::Id), build(Lang::English)])
}

fn bundle(lang: Lang) -> &'static Bundle {
    &bundles()[match lang {
        Lang::Id => 0,
        Lang::English => 1,
    }]
}

fn build(lang: Lang) -> Bundle {
    let langid: LanguageIdentifier = lang.code().parse().expect("a valid language tag");
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Unicode isolation marks around every placeable would show up in terminals and CSV.
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(match lang {
        Lang::Id => number_id,
        Lang::English => number_en,
    }));
    for (area, text) in sources(lang) {
        // A syntax error drops only the broken entries; the catalog tests name them.
        let resource = match FluentResource::try_new(text.to_string()) {
            Ok(r) => r,
            Err((r, _)) => r,
        };
        if let Err(errors) = bundle.add_resource(resource) {
            debug_assert!(false, "{}/{area}.ftl: {errors:?}", lang.code());
        }
    }
    bundle
}

fn number_id(
    v: &FluentValue<'_>,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    number(Lang::Id, v)
}

fn number_en(
    v: &FluentValue<'_>,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    number(Lang::English, v)
}

/// Integers with the language's thousands separator; fractions with as many places as the
/// message asks (`NUMBER($x, minimumFractionDigits: 1)`), else as given up to two.
fn number(lang: Lang, v: &FluentValue<'_>) -> Option<String> {
    let FluentValue::Number(n) = v else {
        return None;
    };
    let places = n.options.minimum_fraction_digits.unwrap_or_else(|| {
        if n.value.fract() == 0.0 {
            0
        } else {
            n.options.maximum_fraction_digits.unwrap_or(2).min(2)
        }
    });
    Some(format::decimal(lang, n.value, places))
}

pub(super) fn format(lang: Lang, id: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
    let bundle = bundle(lang);
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = vec![];
    let text = bundle.format_pattern(pattern, args, &mut errors);
    Some(text.into_owned())
}

pub(super) fn ids(lang: Lang) -> Vec<String> {
    let mut out: Vec<String> = sources(lang)
        .iter()
        .flat_map(|(_, text)| entry_ids(text))
        .collect();
    out.sort();
    out
}

/// The message ids a catalog file defines (terms, `-name`, are private to the catalogs).
pub(super) fn entry_ids(text: &str) -> Vec<String> {
    let resource = match FluentResource::try_new(text.to_string()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
pub(super) fn format_number_for_test(lang: Lang, value: f64, min_places: Option<usize>) -> String {
    let mut n = fluent_bundle::types::FluentNumber::new(value, Default::default());
    n.options.minimum_fraction_digits = min_places;
    number(lang, &FluentValue::Number(n)).unwrap()
}
