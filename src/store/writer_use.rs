//! How long each place in the store waited for and held the writer connection: what
//! `bench throughput` shows of where a busy store's time goes (issue 16: every stage's
//! transactions take turns on the one writer).

use std::panic::Location;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rusqlite::Connection;

/// One place (a `lock()` call in the store's source) and its totals since the store opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriterUse {
    /// `src/store/….rs:LINE`.
    pub place: String,
    pub calls: u64,
    pub waited: Duration,
    pub held: Duration,
}

#[derive(Default)]
pub(super) struct Tally(Mutex<Vec<(&'static Location<'static>, u64, Duration, Duration)>>);

impl Tally {
    /// Most held first.
    pub(super) fn snapshot(&self) -> Vec<WriterUse> {
        let rows = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let mut out: Vec<WriterUse> = rows
            .iter()
            .map(|(at, calls, waited, held)| WriterUse {
                place: format!("{}:{}", at.file(), at.line()),
                calls: *calls,
                waited: *waited,
                held: *held,
            })
            .collect();
        out.sort_by(|a, b| b.held.cmp(&a.held).then(a.place.cmp(&b.place)));
        out
    }

    fn add(&self, at: &'static Location<'static>, waited: Duration, held: Duration) {
        let mut rows = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match rows
            .iter_mut()
            .find(|r| std::ptr::eq(r.0, at) || *r.0 == *at)
        {
            Some(r) => {
                r.1 += 1;
                r.2 += waited;
                r.3 += held;
            }
            None => rows.push((at, 1, waited, held)),
        }
    }
}

/// The writer connection, held; its time is added to the tally when it is given back.
pub(super) struct WriterGuard<'a> {
    conn: MutexGuard<'a, Connection>,
    tally: &'a Tally,
    at: &'static Location<'static>,
    asked: Instant,
    got: Instant,
}

impl<'a> WriterGuard<'a> {
    pub(super) fn take(
        conn: &'a Mutex<Connection>,
        tally: &'a Tally,
        at: &'static Location<'static>,
    ) -> Self {
        let asked = Instant::now();
        // A panic while holding the lock leaves SQLite consistent (the transaction rolls
        // back on drop), so the poison flag carries no information here.
        let conn = conn.lock().unwrap_or_else(|p| p.into_inner());
        WriterGuard {
            conn,
            tally,
            at,
            asked,
            got: Instant::now(),
        }
    }
}

impl std::ops::Deref for WriterGuard<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl std::ops::DerefMut for WriterGuard<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

impl Drop for WriterGuard<'_> {
    fn drop(&mut self) {
        // Runs before the connection's own guard is dropped: only one writer at a time adds,
        // so the tally's lock is never contended.
        self.tally
            .add(self.at, self.got - self.asked, self.got.elapsed());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_place_adds_up_its_calls_and_held_time() {
        let conn = Mutex::new(Connection::open_in_memory().unwrap());
        let tally = Tally::default();
        let here = Location::caller();
        for _ in 0..3 {
            let g = WriterGuard::take(&conn, &tally, here);
            std::thread::sleep(Duration::from_millis(2));
            drop(g);
        }
        drop(WriterGuard::take(&conn, &tally, Location::caller()));
        let rows = tally.snapshot();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].calls, 3);
        assert!(rows[0].held >= Duration::from_millis(6), "{rows:?}");
        assert!(
            rows[0].place.starts_with("src/store/writer_use.rs:"),
            "{rows:?}"
        );
        assert_eq!(rows[1].calls, 1);
    }
}
