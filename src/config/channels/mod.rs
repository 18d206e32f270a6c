//! `[channels.<name>]`: each channel a table with its `kind`, the kind's settings and
//! mapping, and its write-back. One file per kind; this one dispatches on `kind` and checks
//! what two channels must not share.

mod csv_folder;
mod decl;
mod sambat;
mod sambat_mapping;
mod source;
mod webhook;
mod writeback;

use crate::config::text::{msg, q};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

pub use csv_folder::*;
pub use decl::*;
pub use sambat::*;
pub use sambat_mapping::*;
pub use source::*;
pub use webhook::*;
pub use writeback::*;

use crate::config::ctx::{join, k, Ctx};
use crate::domain::ChannelName;

/// Channel kinds this build knows.
pub const KNOWN_CHANNEL_KINDS: [&str; 3] = ["sambat", "webhook", "csv_folder"];

#[derive(Clone, Debug)]
pub struct ChannelConfig {
    pub name: ChannelName,
    pub kind: ChannelKind,
    /// How LAPOR!'s statuses and responses reach this channel; `None`: they do not.
    pub writeback: Option<WritebackConfig>,
}

#[derive(Clone, Debug)]
pub enum ChannelKind {
    Sambat(SambatConfig),
    /// Signed HTTP deliveries (Call Center 112, the social-media desk), mapped declaratively.
    Webhook(WebhookConfig),
    /// Spreadsheet exports dropped in a folder (Ngombe), mapped declaratively.
    CsvFolder(CsvFolderConfig),
}

impl ChannelKind {
    /// The `kind = …` value of this channel.
    pub fn kind_name(&self) -> &'static str {
        match self {
            ChannelKind::Sambat(_) => "sambat",
            ChannelKind::Webhook(_) => "webhook",
            ChannelKind::CsvFolder(_) => "csv_folder",
        }
    }
}

pub(crate) fn validate_channels(
    raw: serde_json::Map<String, Value>,
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<Vec<ChannelConfig>> {
    let mut out = Vec::new();
    let mut ok = true;
    // (kind, base url) → channel, to catch one source configured twice.
    let mut sources: BTreeMap<(String, String), String> = BTreeMap::new();
    let known = KNOWN_CHANNEL_KINDS.join(", ");
    for (name, table) in raw {
        let key = k(&["channels", &name]);
        let channel_name = match ChannelName::parse(&name) {
            Ok(n) => Some(n),
            // `ChannelName::parse`'s English text, with the hint, is in the catalog.
            Err(_) => {
                ctx.problem(&key, msg!("config-channel-name", value = q(&name)));
                None
            }
        };
        let Value::Object(mut table) = table else {
            ctx.problem(
                &key,
                msg!("config-channel-not-table", name = name, known = known),
            );
            ok = false;
            continue;
        };
        let kind_key = join(&key, &["kind"]);
        let kind = match table.remove("kind") {
            None => {
                ctx.problem(
                    &kind_key,
                    msg!("config-channel-kind-missing", known = known),
                );
                None
            }
            Some(Value::String(s)) if KNOWN_CHANNEL_KINDS.contains(&s.as_str()) => Some(s),
            Some(Value::String(s)) => {
                ctx.problem(
                    &kind_key,
                    msg!("config-channel-kind-unknown", value = q(&s), known = known),
                );
                None
            }
            Some(other) => {
                ctx.problem(
                    &kind_key,
                    msg!("config-channel-kind-type", found = other, known = known),
                );
                None
            }
        };
        let Some(kind) = kind else {
            ok = false;
            continue;
        };
        let writeback_kind = match kind.as_str() {
            "sambat" => writeback::Kind::Sambat,
            "webhook" => writeback::Kind::Webhook,
            _ => writeback::Kind::CsvFolder,
        };
        let writeback_ok;
        let writeback = {
            let before = ctx.problem_count();
            let w = writeback::validate_writeback(
                table.remove("writeback"),
                writeback_kind,
                &key,
                ctx,
                base_dir,
                env,
            );
            writeback_ok = ctx.problem_count() == before;
            w
        };
        let channel = match kind.as_str() {
            "sambat" => sambat::validate_sambat(Value::Object(table), &key, ctx, base_dir, env)
                .map(ChannelKind::Sambat),
            "webhook" => {
                webhook::validate_webhook(Value::Object(table), &name, &key, ctx, base_dir, env)
                    .map(ChannelKind::Webhook)
            }
            "csv_folder" => csv_folder::validate_csv(Value::Object(table), &key, ctx)
                .map(ChannelKind::CsvFolder),
            _ => unreachable!("kind checked against KNOWN_CHANNEL_KINDS"),
        };
        if let Some(ChannelKind::Sambat(s)) = &channel {
            let src = (kind.clone(), s.base_url.to_string());
            if let Some(other) = sources.insert(src, name.clone()) {
                ctx.problem(
                    &join(&key, &["base_url"]),
                    msg!(
                        "config-channel-same-source",
                        other = q(&other),
                        url = s.base_url,
                        kind = kind
                    ),
                );
                ok = false;
            }
        }
        match (channel_name, channel) {
            (Some(name), Some(kind)) if writeback_ok => out.push(ChannelConfig {
                name,
                kind,
                writeback,
            }),
            _ => ok = false,
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    ok.then_some(out)
}

/// Two webhook channels on one route, or two CSV channels on one inbox, would take each
/// other's records: each is a problem. Returns whether there was none.
pub(crate) fn check_routes(channels: &[ChannelConfig], ctx: &mut Ctx) -> bool {
    let mut ok = true;
    let mut routes: BTreeMap<String, String> = BTreeMap::new();
    let mut inboxes: BTreeMap<PathBuf, String> = BTreeMap::new();
    for c in channels {
        match &c.kind {
            ChannelKind::Webhook(w) => {
                let route = w.route.trim_end_matches('/').to_owned();
                if let Some(other) = routes.insert(route, c.name.to_string()) {
                    ctx.problem(
                        &["channels".to_owned(), c.name.to_string(), "path".to_owned()],
                        msg!(
                            "config-channel-same-route",
                            route = q(&w.route),
                            other = q(&other)
                        ),
                    );
                    ok = false;
                }
            }
            ChannelKind::CsvFolder(f) => {
                if let Some(other) = inboxes.insert(f.inbox.clone(), c.name.to_string()) {
                    ctx.problem(
                        &[
                            "channels".to_owned(),
                            c.name.to_string(),
                            "inbox".to_owned(),
                        ],
                        msg!(
                            "config-channel-same-inbox",
                            inbox = f.inbox.display(),
                            other = q(&other)
                        ),
                    );
                    ok = false;
                }
            }
            ChannelKind::Sambat(_) => {}
        }
    }
    ok
}
