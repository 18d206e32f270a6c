//! `[store]`: where the store is: a SQLite database file (`path`, the default) or a
//! PostgreSQL database shared by several replicas (`url`, with `password` as a secret).

use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;

use super::checks::secret;
use super::ctx::{k, Ctx};
use super::pg_address::PgAddress;
use super::text::msg;

pub(crate) const DEFAULT_STORE_PATH: &str = "lapor-bridge.db";

#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// The SQLite file; unused when `postgres` is set.
    pub path: PathBuf,
    pub postgres: Option<PostgresStore>,
}

/// Where the store is, as logs and messages name it (never with a password).
impl std::fmt::Display for StoreConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.postgres {
            Some(pg) => write!(f, "{}", pg.address),
            None => write!(f, "{}", self.path.display()),
        }
    }
}

#[derive(Clone)]
pub struct PostgresStore {
    pub address: PgAddress,
    pub password: Option<SecretString>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("address", &self.address)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStore {
    path: Option<String>,
    url: Option<String>,
    /// Parsed by hand so that no serde message can echo a secret.
    password: Option<Value>,
}

pub(crate) fn validate_store(
    raw: Option<Value>,
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<StoreConfig> {
    let raw: RawStore = match raw {
        None => RawStore::default(),
        Some(v) => ctx.deserialize(v, &k(&["store"]))?,
    };
    if raw.url.is_some() && raw.path.is_some() {
        ctx.problem(&k(&["store", "url"]), msg!("config-store-path-and-url"));
        return None;
    }
    let postgres = match raw.url {
        None => {
            if raw.password.is_some() {
                ctx.problem(
                    &k(&["store", "password"]),
                    msg!("config-store-password-without-url"),
                );
                return None;
            }
            None
        }
        Some(url) => {
            let address = match PgAddress::parse(&url) {
                Ok(a) => Some(a),
                Err(why) => {
                    ctx.problem(&k(&["store", "url"]), msg!("config-store-url", why = why));
                    None
                }
            };
            let password = match raw.password {
                None => Some(None),
                Some(p) => secret(
                    ctx,
                    &k(&["store", "password"]),
                    Some(p),
                    "{ credential = \"lapor-store-password\" }",
                    base_dir,
                    env,
                )
                .map(Some),
            };
            Some(PostgresStore {
                address: address?,
                password: password?,
            })
        }
    };
    let path = match raw.path {
        None => Some(PathBuf::from(DEFAULT_STORE_PATH)),
        Some(p) if p.trim().is_empty() => {
            ctx.problem(&k(&["store", "path"]), msg!("config-store-path-empty"));
            None
        }
        Some(p) => Some(PathBuf::from(p)),
    };
    Some(StoreConfig {
        path: path?,
        postgres,
    })
}
