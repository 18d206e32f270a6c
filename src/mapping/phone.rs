//! Reporter contact data: phone numbers, NIK and e-mail addresses.
//!
//! Canonical phone form is international, `+62` followed by the national significant number
//! (no leading 0, no separators): `+6281234567890`. The national significant number must be
//! 9 to 13 digits, so the result has 11 to 15 digits in all, and also at least 9 digits after
//! `+62`: it satisfies the contract's "9..15 digits" however the digits are counted.

/// Shortest national significant number accepted (e.g. a Malang landline `0341-123456`).
const NSN_MIN: usize = 9;
/// Longest national significant number: E.164 allows 15 digits with the country code.
const NSN_MAX: usize = 13;

/// Normalises an Indonesian phone number to `+62…`, or `None` when it is not one.
///
/// Accepted: `0812-3456-7890`, `(0341) 123456`, `+62 812 3456 7890`, `+62 (0) 812…`,
/// `0062 812…`, `62812…`, and `812…` (a mobile number typed without its leading 0: a
/// national number cannot start with 8 otherwise). Separators may be spaces, `-`, `.`, `/`
/// and parentheses; anything else (letters, a second `+`, an extension) makes it invalid.
pub fn normalise_phone(s: &str) -> Option<String> {
    let s = s.trim();
    let (plus, rest) = match s.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '/' | '(' | ')' => {}
            _ => return None,
        }
    }
    let nsn = if plus {
        // `+62 (0) 812…` is a common way of writing it.
        let local = digits.strip_prefix("62")?;
        local.strip_prefix('0').unwrap_or(local)
    } else if let Some(local) = digits.strip_prefix("0062") {
        local.strip_prefix('0').unwrap_or(local)
    } else if let Some(local) = digits.strip_prefix('0') {
        local
    } else if let Some(local) = digits.strip_prefix("62") {
        local
    } else if digits.starts_with('8') {
        digits.as_str()
    } else {
        return None;
    };
    let ok = (NSN_MIN..=NSN_MAX).contains(&nsn.len()) && !nsn.starts_with('0');
    ok.then(|| format!("+62{nsn}"))
}

/// Whether `s` is a phone number in one of the contract's forms: `+62` or `08` followed by
/// digits only, 9 to 15 digits in all.
pub fn is_contract_phone(s: &str) -> bool {
    let digits = if let Some(rest) = s.strip_prefix('+') {
        if !rest.starts_with("62") {
            return false;
        }
        rest
    } else if s.starts_with("08") {
        s
    } else {
        return false;
    };
    digits.bytes().all(|b| b.is_ascii_digit()) && (9..=15).contains(&digits.len())
}

/// The NIK with spaces removed, when that leaves exactly 16 ASCII digits.
pub fn normalise_nik(s: &str) -> Option<String> {
    let nik: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    is_nik(&nik).then_some(nik)
}

/// Exactly 16 ASCII digits.
pub fn is_nik(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The trimmed address when it looks like an e-mail address.
pub fn normalise_email(s: &str) -> Option<String> {
    let s = s.trim();
    looks_like_email(s).then(|| s.to_owned())
}

/// A plausible e-mail address: `local@domain.tld`, one `@`, no whitespace or control
/// characters, a local part of 1..64 bytes, a domain of dot-separated non-empty labels that
/// neither start nor end with `-`, and at most 254 bytes in all. Not a full RFC 5322 parser:
/// it only has to keep obvious junk out of the payload.
pub fn looks_like_email(s: &str) -> bool {
    if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || domain.contains('@') {
        return false;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return false;
    }
    if local.chars().any(|c| {
        matches!(
            c,
            '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | ':' | '"' | '\\'
        )
    }) {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_usual_indonesian_forms() {
        let want = Some("+6281234567890".to_owned());
        for s in [
            "081234567890",
            "0812-3456-7890",
            "0812 3456 7890",
            "0812.3456.7890",
            "+62 812 3456 7890",
            "+62-812-3456-7890",
            "+62 (0) 812 3456 7890",
            "+6281234567890",
            "6281234567890",
            "0062 812 3456 7890",
            "81234567890",
            "  0812-3456-7890  ",
        ] {
            assert_eq!(normalise_phone(s), want, "{s}");
        }
        assert_eq!(
            normalise_phone("(0341) 123456").as_deref(),
            Some("+62341123456")
        );
        assert_eq!(
            normalise_phone("0341-551234").as_deref(),
            Some("+62341551234")
        );
    }

    #[test]
    fn rejects_what_is_not_an_indonesian_number() {
        for s in [
            "",
            "-",
            "12345",
            "0812",
            "08123456",          // 7-digit NSN: too short
            "08123456789012345", // too long
            "+1 415 555 0100",   // not Indonesia
            "+0812345678901",    // '+' then a national number
            "0812-3456-7890 ext 2",
            "08l2345678901", // letter l for 1
            "0812345678９",  // full-width digit
            "tidak ada",
            "00812345678",  // 0 then 0
            "712345678901", // no prefix and not a mobile number
            "++6281234567890",
        ] {
            assert_eq!(normalise_phone(s), None, "{s:?}");
        }
    }

    #[test]
    fn normalised_numbers_satisfy_the_contract() {
        for s in [
            "081234567890",
            "0341 123456",
            "+62 8123 4567 8901 2",
            "812345678",
        ] {
            let p = normalise_phone(s).unwrap();
            assert!(is_contract_phone(&p), "{p}");
            let digits = p.len() - 1;
            assert!((11..=15).contains(&digits));
        }
        assert!(is_contract_phone("081234567890"));
        assert!(!is_contract_phone("0812-3456-7890"));
        assert!(!is_contract_phone("+1234567890"));
        assert!(!is_contract_phone("0712345678"));
        assert!(!is_contract_phone("+62812"));
    }

    #[test]
    fn nik_is_sixteen_digits_after_removing_spaces() {
        assert_eq!(
            normalise_nik("3573 0123 4567 0001").as_deref(),
            Some("3573012345670001")
        );
        assert_eq!(
            normalise_nik("3573012345670001").as_deref(),
            Some("3573012345670001")
        );
        assert_eq!(normalise_nik("357301234567000"), None);
        assert_eq!(normalise_nik("35730123456700011"), None);
        assert_eq!(normalise_nik("3573-0123-4567-0001"), None);
        assert_eq!(normalise_nik("357301234567000x"), None);
        assert_eq!(normalise_nik("٣٥٧٣٠١٢٣٤٥٦٧٠٠٠١"), None); // Arabic-Indic digits
        assert_eq!(normalise_nik(""), None);
    }

    #[test]
    fn emails() {
        for s in [
            "warga@example.com",
            "budi.santoso+sambat@mail.malangkota.go.id",
            "a@b.co",
        ] {
            assert!(looks_like_email(s), "{s}");
        }
        for s in [
            "",
            "warga",
            "warga@",
            "@example.com",
            "warga@example",
            "warga@@example.com",
            "war ga@example.com",
            "warga@exa mple.com",
            "warga@example..com",
            "warga@-example.com",
            ".warga@example.com",
            "<warga@example.com>",
            "-",
        ] {
            assert!(!looks_like_email(s), "{s:?}");
        }
        assert_eq!(
            normalise_email("  warga@example.com ").as_deref(),
            Some("warga@example.com")
        );
    }
}
