//! What a quiet daemon gives back to the OS beyond the store's caches: the heap the allocator
//! keeps after a busy spell, and the mappings of code and read-only data that start-up touched
//! and an idle loop never runs again. On a 300k-complaint store those code pages were half the
//! idle daemon's resident set (10.3 of 21.3 MB; BENCHMARKS.md, issue 16).

/// Called once per quiet spell; cheap enough (one read of `/proc/self/smaps`) for that.
pub fn release() {
    // glibc keeps freed memory in its arenas (one per thread that allocated) until asked.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages to the OS; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
    #[cfg(target_os = "linux")]
    unmap_clean_file_pages();
}

#[cfg(target_os = "linux")]
/// One mapping of `/proc/self/smaps` that can be dropped without losing anything.
#[derive(Debug, PartialEq, Eq)]
struct Droppable {
    start: usize,
    len: usize,
}

#[cfg(target_os = "linux")]
/// The private, read-only mappings of files (the binary's and the libraries' code and
/// constants) that hold no page of their own: every resident page is the page cache's, so
/// dropping the mapping's page tables loses nothing, and a page the daemon needs again is
/// mapped back from the page cache on first touch (a minor fault, no disk read while it is
/// cached). A mapping with a copied page (a debugger's breakpoint, relocated data) is left.
fn droppable(smaps: &str) -> Vec<Droppable> {
    let mut out = Vec::new();
    let mut current: Option<(Droppable, bool)> = None;
    let finish = |c: Option<(Droppable, bool)>, out: &mut Vec<Droppable>| {
        if let Some((d, true)) = c {
            out.push(d);
        }
    };
    for line in smaps.lines() {
        let mut fields = line.split_whitespace();
        let first = fields.next().unwrap_or("");
        if let Some((start, end)) = first.split_once('-').and_then(|(s, e)| {
            Some((
                usize::from_str_radix(s, 16).ok()?,
                usize::from_str_radix(e, 16).ok()?,
            ))
        }) {
            finish(current.take(), &mut out);
            let perms = fields.next().unwrap_or("");
            let path = fields.nth(3).unwrap_or("");
            let read_only_private = perms.len() == 4
                && perms.starts_with('r')
                && &perms[1..2] == "-"
                && perms.ends_with('p');
            let dropped = read_only_private && path.starts_with('/') && end > start;
            current = Some((
                Droppable {
                    start,
                    len: end - start,
                },
                dropped,
            ));
        } else if first == "Anonymous:" {
            if let Some((_, ok)) = current.as_mut() {
                *ok &= fields.next() == Some("0");
            }
        }
    }
    finish(current, &mut out);
    out
}

#[cfg(target_os = "linux")]
fn unmap_clean_file_pages() {
    let Ok(smaps) = std::fs::read_to_string("/proc/self/smaps") else {
        return;
    };
    for d in droppable(&smaps) {
        // SAFETY: the range is one whole mapping of a file, private and not writable, with no
        // page of its own (checked above): MADV_DONTNEED drops only page-table entries, and
        // the next touch maps the same bytes back from the file. Nothing is freed or moved.
        let rc = unsafe { libc::madvise(d.start as *mut libc::c_void, d.len, libc::MADV_DONTNEED) };
        if rc != 0 {
            tracing::debug!(
                error = %std::io::Error::last_os_error(),
                "cannot drop a mapping's pages"
            );
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    const SMAPS: &str = "\
55d0a0000000-55d0a0100000 r--p 00000000 fd:01 42 /usr/bin/lapor-bridge
Rss:                 400 kB
Anonymous:             0 kB
55d0a0100000-55d0a1100000 r-xp 00100000 fd:01 42 /usr/bin/lapor-bridge
Rss:               10308 kB
Anonymous:             0 kB
55d0a1100000-55d0a1200000 r--p 01100000 fd:01 42 /usr/bin/lapor-bridge
Rss:                 704 kB
Anonymous:           704 kB
55d0a1200000-55d0a1210000 rw-p 01200000 fd:01 42 /usr/bin/lapor-bridge
Rss:                  64 kB
Anonymous:            64 kB
55d0a2000000-55d0a3000000 rw-p 00000000 00:00 0 [heap]
Anonymous:          2700 kB
7f0000000000-7f0000100000 r--s 00000000 fd:01 77 /var/lib/lapor-bridge/store.db
Anonymous:             0 kB
7fff00000000-7fff00002000 r-xp 00000000 00:00 0 [vdso]
Anonymous:             0 kB
";

    #[test]
    fn only_clean_private_read_only_file_mappings_are_dropped() {
        // Kept: relocated constants (pages of its own), data, the heap, a shared mapping of a
        // file (the store's), and the kernel's vdso.
        assert_eq!(
            droppable(SMAPS),
            vec![
                Droppable {
                    start: 0x55d0a0000000,
                    len: 0x100000
                },
                Droppable {
                    start: 0x55d0a0100000,
                    len: 0x1000000
                },
            ]
        );
    }

    fn resident_code_kb() -> u64 {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut code = false;
        let mut kb = 0;
        for line in smaps.lines() {
            let mut f = line.split_whitespace();
            let first = f.next().unwrap_or("");
            if first.contains('-') && !first.ends_with(':') {
                code = f.next() == Some("r-xp") && line.contains('/');
            } else if code && first == "Rss:" {
                kb += f.next().unwrap().parse::<u64>().unwrap();
            }
        }
        kb
    }

    #[test]
    fn the_code_start_up_touched_leaves_the_resident_set() {
        // Touch a spread of code first, as a daemon's start-up does.
        let _ = format!("{:?}", jiff::Timestamp::now());
        let _: serde_json::Value = serde_json::from_str(r#"{"a":[1,2,{"b":null}]}"#).unwrap();
        let before = resident_code_kb();
        release();
        let after = resident_code_kb();
        // The test harness's other threads keep running and map some pages back.
        assert!(after < before / 2, "resident code {before} kB → {after} kB");
    }
}
