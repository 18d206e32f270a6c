//! The address of a PostgreSQL store (`[store] url`, `store migrate --to`). The password never
//! travels in the address: a command line and a configuration file are read by more people
//! than a secret should be.

use tokio_postgres::Config;

/// A `postgres://user@host:port/database` address, checked, without its password.
#[derive(Clone)]
pub struct PgAddress {
    shown: String,
    pub(crate) config: Config,
}

impl std::fmt::Debug for PgAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl PgAddress {
    /// `Err` is a sentence for the operator.
    pub fn parse(url: &str) -> std::result::Result<PgAddress, String> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(format!(
                "`{}` is not a PostgreSQL address: write it as postgres://USER@HOST:PORT/DATABASE",
                url
            ));
        }
        let config: Config = url.parse().map_err(|e| {
            format!("the PostgreSQL address cannot be read ({e}): write it as postgres://USER@HOST:PORT/DATABASE")
        })?;
        if config.get_password().is_some() {
            return Err(
                "the PostgreSQL address holds a password: remove it from the address and \
                 give it as a secret (a file, or the PGPASSWORD environment variable), which \
                 other users of the machine cannot read"
                    .to_owned(),
            );
        }
        if config.get_user().is_none() {
            return Err(
                "the PostgreSQL address names no user: write it as postgres://USER@HOST:PORT/DATABASE"
                    .to_owned(),
            );
        }
        Ok(PgAddress {
            shown: url.to_owned(),
            config,
        })
    }
}

impl std::fmt::Display for PgAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_with_a_password_is_refused_without_echoing_it() {
        let e =
            PgAddress::parse("postgres://bridge:rahasia@db.malangkota.go.id/lapor").unwrap_err();
        assert!(e.contains("holds a password"), "{e}");
        assert!(!e.contains("rahasia"), "{e}");
    }

    #[test]
    fn an_address_needs_the_scheme_and_a_user() {
        assert!(PgAddress::parse("db.malangkota.go.id/lapor")
            .unwrap_err()
            .contains("not a PostgreSQL address"));
        assert!(PgAddress::parse("postgres://db.malangkota.go.id/lapor")
            .unwrap_err()
            .contains("names no user"));
        let ok = PgAddress::parse("postgres://bridge@db.malangkota.go.id:5432/lapor").unwrap();
        assert_eq!(
            ok.to_string(),
            "postgres://bridge@db.malangkota.go.id:5432/lapor"
        );
    }
}
