//! Leases on the PostgreSQL store: which replica owns a piece of singular work (a SAMBAT
//! poller, a CSV folder, the updates-feed cursor) until when. Time is the database's own
//! clock, so replicas whose clocks disagree still agree on who holds a lease. A holder renews
//! well within the term; another replica takes an expired lease over, and the lease's
//! generation goes up, so a stale holder that wakes up late finds it no longer holds it (its
//! renewal fails) and every write it makes under the lease can be checked against the
//! generation it was given.

use std::time::Duration;

use tokio_postgres::GenericClient;

use super::Result;

/// A lease held: by whom, which generation, for how long from the database's now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub name: String,
    pub holder: String,
    pub generation: i64,
}

/// Takes the lease `name` for `holder` for `term`, or renews it if `holder` already has it.
/// `None`: another holder's lease has not expired.
pub async fn acquire(
    client: &impl GenericClient,
    name: &str,
    holder: &str,
    term: Duration,
) -> Result<Option<Held>> {
    let millis = term.as_millis().min(i64::MAX as u128) as i64;
    // One statement: the insert, the renewal and the takeover of an expired lease cannot
    // interleave with another replica's (the row's lock orders them).
    let row = client
        .query_opt(
            "INSERT INTO leases (name, holder, generation, expires_at)
             VALUES ($1, $2, 1, clock_timestamp() + $3::float8 * interval '1 millisecond')
             ON CONFLICT (name) DO UPDATE SET
                 holder = excluded.holder,
                 generation = CASE WHEN leases.holder = excluded.holder
                                   THEN leases.generation ELSE leases.generation + 1 END,
                 expires_at = excluded.expires_at
             WHERE leases.holder = excluded.holder OR leases.expires_at <= clock_timestamp()
             RETURNING generation",
            &[&name, &holder, &(millis as f64)],
        )
        .await?;
    Ok(row.map(|r| Held {
        name: name.to_owned(),
        holder: holder.to_owned(),
        generation: r.get(0),
    }))
}

/// Extends a lease held at `held.generation`. `false`: it expired and another replica took
/// it (or it was released); the caller stops the work it guarded at once.
pub async fn renew(client: &impl GenericClient, held: &Held, term: Duration) -> Result<bool> {
    let millis = term.as_millis().min(i64::MAX as u128) as f64;
    let n = client
        .execute(
            "UPDATE leases SET expires_at = clock_timestamp() + $4::float8 * interval '1 millisecond'
             WHERE name = $1 AND holder = $2 AND generation = $3
               AND expires_at > clock_timestamp()",
            &[&held.name, &held.holder, &held.generation, &millis],
        )
        .await?;
    Ok(n == 1)
}

/// Gives a lease up (a replica stopping cleanly), so another takes it at once rather than
/// after the term.
pub async fn release(client: &impl GenericClient, held: &Held) -> Result<()> {
    client
        .execute(
            "UPDATE leases SET expires_at = clock_timestamp()
             WHERE name = $1 AND holder = $2 AND generation = $3",
            &[&held.name, &held.holder, &held.generation],
        )
        .await?;
    Ok(())
}

impl super::PgStore {
    /// Takes or renews the lease `name` for this process. `false`: another replica holds it.
    pub fn hold_lease(&self, name: &str, term: Duration) -> crate::store::Result<bool> {
        let c = self.client()?;
        self.wait(async { Ok(acquire(&*c, name, self.holder(), term).await?.is_some()) })
    }

    /// Who holds the unexpired lease `name`, when it is another process.
    pub fn lease_elsewhere(&self, name: &str) -> crate::store::Result<Option<String>> {
        let c = self.client()?;
        self.wait(async {
            Ok(c.query_opt(
                "SELECT holder FROM leases
                 WHERE name = $1 AND holder <> $2 AND expires_at > clock_timestamp()",
                &[&name, &self.holder()],
            )
            .await?
            .map(|r| r.get(0)))
        })
    }

    /// Gives up every lease this process holds (a clean stop: the others take over at once).
    pub fn release_leases(&self) -> crate::store::Result<u64> {
        let c = self.client()?;
        self.wait(async {
            Ok(c.execute(
                "UPDATE leases SET expires_at = clock_timestamp() WHERE holder = $1",
                &[&self.holder()],
            )
            .await?)
        })
    }
}
