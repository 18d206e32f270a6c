//! What `check-config` warns about in a configuration that loads: things that work today but
//! are probably not what the operator meant. Exit 0 with the warnings printed; `--strict`
//! makes them errors. (Whether the mappings' ids could be checked against LAPOR!'s reference
//! data needs the store: `check-config` adds that warning itself.)

use super::channels::{ChannelKind, WritebackTarget};
use super::load::Config;
use super::problem::ConfigProblem;
use super::text::msg;
use crate::template::Template;

/// Every warning for `config` that the configuration alone shows, each with its key path.
pub fn warnings(config: &Config) -> Vec<ConfigProblem> {
    let mut out = Vec::new();
    out.extend(placeholder_urls(config));
    out.extend(pointers_outside_fields(config));
    out
}

/// Hosts that only ever stand for "put the real address here".
fn is_placeholder_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    [
        "example",
        "example.com",
        "example.org",
        "example.net",
        "invalid",
        "test",
    ]
    .iter()
    .any(|p| host == *p || host.ends_with(&format!(".{p}")))
}

fn placeholder_urls(config: &Config) -> Vec<ConfigProblem> {
    let mut out = Vec::new();
    let mut check = |key: String, url: &str| {
        let host = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest)
            .split(['/', ':', '?', '#'])
            .next()
            .unwrap_or_default();
        if is_placeholder_host(host) {
            out.push(ConfigProblem::new(
                key,
                msg!("check-placeholder-url", url = url),
            ));
        }
    };
    check("lapor.base_url".into(), config.lapor.base_url.as_str());
    for c in &config.channels {
        if let ChannelKind::Sambat(s) = &c.kind {
            check(format!("channels.{}.base_url", c.name), s.base_url.as_str());
        }
        if let Some(WritebackTarget::Http(h)) = c.writeback.as_ref().map(|w| &w.target) {
            check(format!("channels.{}.writeback.url", c.name), h.url.source());
        }
    }
    out
}

/// A `{/pointer}` in a webhook channel's write-back that is not among the fields the sender
/// documents (`fields`) renders as empty text: almost always a typo like `{/author/hndle}`.
fn pointers_outside_fields(config: &Config) -> Vec<ConfigProblem> {
    let mut out = Vec::new();
    for c in &config.channels {
        let (ChannelKind::Webhook(w), Some(wb)) = (&c.kind, &c.writeback) else {
            continue;
        };
        if w.fields.is_empty() {
            continue;
        }
        let mut templates: Vec<(String, &Template)> = vec![
            ("response".into(), &wb.response),
            ("status_note".into(), &wb.status_note),
        ];
        if let WritebackTarget::Http(h) = &wb.target {
            templates.push(("url".into(), &h.url));
            templates.extend(h.body.iter().map(|(k, t)| (format!("body.{k}"), t)));
        }
        for (name, t) in templates {
            for p in t.placeholders().filter(|p| p.starts_with('/')) {
                let known = w
                    .fields
                    .iter()
                    .any(|f| f == p || p.starts_with(&format!("{f}/")));
                if !known {
                    out.push(ConfigProblem::new(
                        format!("channels.{}.writeback.{name}", c.name),
                        msg!(
                            "check-pointer-outside-fields",
                            pointer = p,
                            fields = w.fields.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_hosts() {
        for h in [
            "lapor.example",
            "example.com",
            "chat.example.org",
            "x.invalid",
            "EXAMPLE.NET.",
        ] {
            assert!(is_placeholder_host(h), "{h}");
        }
        for h in [
            "sambat.malangkota.go.id",
            "127.0.0.1",
            "localhost",
            "example-city.go.id",
            "lapor.go.id",
        ] {
            assert!(!is_placeholder_host(h), "{h}");
        }
    }
}
