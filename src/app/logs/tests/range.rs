use super::*;

/// 2026-11-25T10:00:00Z
const NOW: i64 = 1_795_600_800;

#[test]
fn valid_ranges_resolve() {
    let h = 3600;
    let table: &[(&str, (i64, i64))] = &[
        ("15m", (NOW - 900, NOW)),
        ("2h 30m", (NOW - 9000, NOW)),
        ("-2h..-1h", (NOW - 2 * h, NOW - h)),
        ("-90m..now", (NOW - 5400, NOW)),
        ("-1h..", (NOW - h, NOW)),
        (
            "2026-11-25T08:00:00Z..2026-11-25T09:00:00Z",
            (NOW - 2 * h, NOW - h),
        ),
        // An offset is honoured.
        (
            "2026-11-25T09:00:00+01:00..2026-11-25T09:30:00Z",
            (NOW - 2 * h, NOW - 1800),
        ),
        ("2026-11-25 08:00..2026-11-25 09:00", (NOW - 2 * h, NOW - h)),
        (
            "2026-11-25 08:00:30 .. 2026-11-25T09:00",
            (NOW - 2 * h + 30, NOW - h),
        ),
        ("2026-11-25..-1h", (NOW - 10 * h, NOW - h)),
        ("1795593600..1795597200", (NOW - 2 * h, NOW - h)),
        // 13 digits are milliseconds.
        ("1795593600000..1795597200999", (NOW - 2 * h, NOW - h)),
        // Mixed: absolute start, relative end.
        ("2026-11-25 08:00..-1h", (NOW - 2 * h, NOW - h)),
        // A single time: from then until now.
        ("2026-11-25 09:00", (NOW - h, NOW)),
        ("1795597200", (NOW - h, NOW)),
        // An end in the future is read up to now.
        ("-1h..2026-11-26 00:00", (NOW - h, NOW)),
    ];
    for (text, want) in table {
        let r = TimeRange::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(r.resolve(NOW), Ok(*want), "{text}");
    }
}

#[test]
fn bad_ranges_are_one_line_errors() {
    let table: &[(&str, &str)] = &[
        ("", "empty"),
        ("soon", "is not a time"),
        ("0s", "empty"),
        ("-2h..-3h", "does not end after it starts"),
        ("-1h..-1h", "does not end after it starts"),
        (
            "2026-11-25T09:00:00Z..2026-11-25T08:00:00Z",
            "does not end after it starts",
        ),
        ("now..-1h", "does not end after it starts"),
        ("2026-13-01 00:00..now", "is not a time"),
        ("2026-11-25 25:00..now", "is not a time"),
        ("-banana..now", "relative time like -2h"),
        ("-1700000000..now", "before 1970"),
        ("..-1h", "empty"),
        ("-1h..tomorrow", "is not a time"),
        ("99999999999999999999999..now", "too large"),
    ];
    for (text, want) in table {
        let e = TimeRange::parse(text)
            .and_then(|r| r.resolve(NOW))
            .expect_err(text);
        assert!(e.contains(want), "{text}: {e}");
        assert!(!e.contains('\n'), "{text}: one line");
    }
}

#[test]
fn clock_dependent_checks_happen_at_resolve() {
    // Parses (absolute vs relative cannot be ordered without a clock)...
    let r = TimeRange::parse("2026-11-25 09:30..-1h").unwrap();
    let e = r.resolve(NOW).unwrap_err();
    assert!(e.contains("does not end after it starts"), "{e}");
    let future = TimeRange::parse("2026-11-26 00:00..2026-11-27 00:00").unwrap();
    assert!(
        future
            .resolve(NOW)
            .unwrap_err()
            .contains("starts in the future")
    );
    // Relative ranges move with the clock.
    let rel = TimeRange::parse("-2h..-1h").unwrap();
    assert_eq!(rel.resolve(NOW + 60).unwrap().0, NOW + 60 - 7200);
}

#[test]
fn since_and_until() {
    type Case<'a> = (&'a str, Option<&'a str>, Result<(i64, i64), &'a str>);
    let table: &[Case] = &[
        ("15m", None, Ok((NOW - 900, NOW))),
        ("2h", Some("-1h"), Ok((NOW - 7200, NOW - 3600))),
        (
            "2026-11-25 08:00",
            Some("2026-11-25 09:00"),
            Ok((NOW - 7200, NOW - 3600)),
        ),
        ("-2h", Some("now"), Ok((NOW - 7200, NOW))),
        ("1h", Some("-2h"), Err("does not end after it starts")),
        ("-2h..-1h", Some("now"), Err("not both")),
        ("2h", Some("later"), Err("--until")),
    ];
    for (since, until, want) in table {
        let got = TimeRange::parse_since_until(since, *until).and_then(|r| r.resolve(NOW));
        match (got, want) {
            (Ok(g), Ok(w)) => assert_eq!(g, *w, "{since} {until:?}"),
            (Err(e), Err(w)) => assert!(e.contains(w), "{since} {until:?}: {e}"),
            (g, w) => panic!("{since} {until:?}: got {g:?}, want {w:?}"),
        }
    }
}

#[test]
fn labels() {
    let l = |s: &str| TimeRange::parse(s).unwrap().label();
    assert_eq!(l("15m"), "last 15m");
    assert_eq!(
        l("2026-11-25T08:00:00Z..2026-11-25T09:00:00Z"),
        "2026-11-25 08:00:00 .. 09:00:00 UTC"
    );
    assert_eq!(
        l("2026-11-24 23:00..2026-11-25 01:00"),
        "2026-11-24 23:00:00 .. 2026-11-25 01:00:00 UTC"
    );
    assert_eq!(l("-2h..-1h"), "-2h .. -1h");
    assert_eq!(l("2026-11-25 08:00"), "2026-11-25 08:00:00 .. now UTC");
}
