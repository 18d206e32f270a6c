//! A `kind = "webhook"` channel: signed HTTP deliveries (Call Center 112, the social-media
//! desk) on a route of the `[webhooks]` listener.

use crate::config::text::{msg, q};
use std::path::Path;
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;

use super::decl::{filters, validate_decl, DeclMapping, Filter, RawFilter};
use super::source::PathRule;
use crate::config::ctx::{join, Ctx};

/// A `kind = "webhook"` channel.
#[derive(Clone, Debug)]
pub struct WebhookConfig {
    /// Route on the listener, e.g. `/webhooks/call112`.
    pub route: String,
    /// Shared secret of the HMAC-SHA256 signature.
    pub secret: SecretString,
    /// JSON pointers of the delivery's stable id (`/ticket_id`; `/platform` and `/post_id`),
    /// joined with `:` when more than one.
    pub id: Vec<String>,
    /// Largest body accepted (413 above it).
    pub max_body_bytes: usize,
    /// Largest distance between `X-Timestamp` and now (401 beyond it).
    pub max_skew: Duration,
    /// The sender's documented body fields (JSON pointers), if listed: mapping paths are
    /// checked against them.
    pub fields: Vec<String>,
    pub filters: Vec<Filter>,
    pub mapping: DeclMapping,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebhook {
    secret: Option<Value>,
    path: Option<String>,
    id: Option<Value>,
    max_body_bytes: Option<u64>,
    max_skew_secs: Option<u64>,
    fields: Option<Vec<String>>,
    filters: Option<Vec<RawFilter>>,
    mapping: Option<Value>,
}

fn secret(
    ctx: &mut Ctx,
    key: &[String],
    raw: Option<Value>,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<SecretString> {
    crate::config::checks::secret(
        ctx,
        key,
        raw,
        "{ credential = \"call112-webhook-secret\" }",
        base_dir,
        env,
    )
}

pub(crate) fn validate_webhook(
    table: Value,
    name: &str,
    key: &[String],
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<WebhookConfig> {
    let raw: RawWebhook = ctx.deserialize(table, key).unwrap_or_default();
    let sub = |s: &str| join(key, &[s]);
    let secret = secret(ctx, &sub("secret"), raw.secret, base_dir, env);
    let route = match raw.path {
        None => Some(format!("/webhooks/{name}")),
        Some(p)
            if p.starts_with('/')
                && p.len() > 1
                && !p.contains(['?', '#', ' ', '{', '}', '*', ':', '%'])
                && !p.contains("//") =>
        {
            Some(p)
        }
        Some(p) => {
            ctx.problem(
                &sub("path"),
                msg!("config-webhook-route", value = q(p), name = name),
            );
            None
        }
    };
    let fields = raw.fields.unwrap_or_default();
    let mut fields_ok = true;
    for (i, f) in fields.iter().enumerate() {
        if !f.starts_with('/') {
            ctx.problem(
                &join(key, &["fields", &i.to_string()]),
                msg!("config-source-not-pointer", path = q(f)),
            );
            fields_ok = false;
        }
    }
    let rule = PathRule::Pointer(&fields);
    let id = match raw.id {
        None => {
            ctx.missing(&sub("id"), msg!("config-webhook-id-missing"));
            None
        }
        Some(v) => {
            let paths: Vec<Option<String>> = match v {
                Value::String(p) => vec![Some(p)],
                Value::Array(a) if !a.is_empty() => a
                    .into_iter()
                    .map(|x| x.as_str().map(str::to_owned))
                    .collect(),
                _ => vec![None],
            };
            let mut ok = true;
            for (i, p) in paths.iter().enumerate() {
                let pk = if paths.len() == 1 {
                    sub("id")
                } else {
                    join(key, &["id", &i.to_string()])
                };
                match p {
                    None => {
                        ctx.problem(&pk, msg!("config-webhook-id-type"));
                        ok = false;
                    }
                    Some(p) => {
                        if let Err(m) = rule.check(p) {
                            ctx.problem(&pk, m);
                            ok = false;
                        }
                    }
                }
            }
            ok.then(|| paths.into_iter().flatten().collect::<Vec<_>>())
        }
    };
    let max_body = raw.max_body_bytes.unwrap_or(256 * 1024);
    let max_body_bytes = if (1024..=16 * 1024 * 1024).contains(&max_body) {
        Some(max_body as usize)
    } else {
        ctx.problem(
            &sub("max_body_bytes"),
            msg!(
                "config-out-of-range-short",
                value = max_body,
                min = 1024,
                max = 16_777_216
            ),
        );
        None
    };
    let skew = raw.max_skew_secs.unwrap_or(300);
    let max_skew = if (1..=3600).contains(&skew) {
        Some(Duration::from_secs(skew))
    } else {
        ctx.problem(
            &sub("max_skew_secs"),
            msg!(
                "config-out-of-range-short",
                value = skew,
                min = 1,
                max = 3600
            ),
        );
        None
    };
    let filters = filters(ctx, &sub("filters"), raw.filters.unwrap_or_default(), &rule);
    let mapping = validate_decl(raw.mapping, &sub("mapping"), ctx, &rule);
    fields_ok.then_some(())?;
    Some(WebhookConfig {
        route: route?,
        secret: secret?,
        id: id?,
        max_body_bytes: max_body_bytes?,
        max_skew: max_skew?,
        fields,
        filters: filters?,
        mapping: mapping?,
    })
}
