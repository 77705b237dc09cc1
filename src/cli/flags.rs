//! Durations and sizes from flags and inputs, validated into range: a
//! value out of range is a one-line error naming the flag and its limit,
//! never a panic (`Duration::from_secs_f64(1e20)`) or an overflowing
//! deadline (`Instant::now() + 5000000000000000h`).

use std::io::Read;
use std::time::Duration;

use anyhow::Context;

/// The longest `--timeout` / `--wait` accepted: a day.
pub(crate) const MAX_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

/// The most bytes read from a file or stdin given on the command line
/// (function output, request bodies, CORS configs): 64 MiB, six times API
/// Gateway's 10 MB payload limit.
pub(crate) const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// `--timeout S` (seconds, fractions allowed): more than 0, at most a day.
pub(crate) fn parse_seconds(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if !(v.is_finite() && v > 0.0) {
        return Err(format!("{s:?}: give a positive number of seconds"));
    }
    if v > MAX_DURATION.as_secs_f64() {
        return Err(format!(
            "{s:?} is longer than the limit of {} s (a day)",
            MAX_DURATION.as_secs()
        ));
    }
    Ok(v)
}

/// `--aws-timeout S` / `GATESCOPE_AWS_TIMEOUT`: seconds, more than 0, at
/// most 300 (5 minutes).
pub(crate) fn parse_aws_timeout(s: &str) -> Result<Duration, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds (above 0, at most 300)"))?;
    if !(v.is_finite() && v > 0.0 && v <= 300.0) {
        return Err(format!(
            "{s:?}: give a number of seconds above 0 and at most 300"
        ));
    }
    Ok(Duration::from_secs_f64(v))
}

/// A humantime duration (`20s`, `2m`) of at most a day (0 allowed).
/// `--region`: an AWS region name is letters, digits and dashes
/// (`us-east-1`, `us-gov-west-1`, `eu-isoe-west-1`). Anything else is refused
/// here with the value named, instead of the SDK dropping it and the command
/// saying that no region is configured.
pub(crate) fn parse_region(s: &str) -> Result<String, String> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{}` is not a region name (like us-east-1: lowercase letters, digits and dashes)",
            crate::engines::terminal_text::one_line(s)
        ))
    }
}

pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s.trim()).map_err(|e| format!("{s:?}: {e}"))?;
    if d > MAX_DURATION {
        return Err(format!("{s:?} is longer than the limit of 24h"));
    }
    Ok(d)
}

/// Read all of `reader` up to `limit` bytes; more is an error naming the
/// limit (so `/dev/zero` ends at once instead of filling memory).
pub(crate) fn read_bounded(reader: impl Read, limit: u64, what: &str) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read {what}"))?;
    if buf.len() as u64 > limit {
        anyhow::bail!(
            "{what} is larger than the {} MiB limit",
            limit / (1024 * 1024)
        );
    }
    Ok(buf)
}

/// A file or `-` (stdin), bounded by [`MAX_INPUT_BYTES`].
pub(crate) fn read_input(path: &str) -> anyhow::Result<Vec<u8>> {
    if path == "-" {
        return read_bounded(std::io::stdin().lock(), MAX_INPUT_BYTES, "standard input");
    }
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {path}"))?;
    read_bounded(file, MAX_INPUT_BYTES, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_letters_digits_and_dashes() {
        for ok in ["us-east-1", "us-gov-west-1", "eu-isoe-west-1", "cn-north-1"] {
            assert_eq!(parse_region(ok).as_deref(), Ok(ok));
        }
        for bad in [
            "",
            "bad region!!",
            "US-EAST-1",
            "-us-east-1",
            "us-east-1-",
            "eu\u{1b}[31m",
        ] {
            assert!(parse_region(bad).is_err(), "{bad:?}");
        }
        assert!(!parse_region("a\u{1b}[2Jb").unwrap_err().contains('\u{1b}'));
    }

    #[test]
    fn seconds_at_their_limits() {
        for ok in ["0.001", "1", "30", "86400"] {
            assert!(parse_seconds(ok).is_ok(), "{ok}");
        }
        for bad in [
            "0",
            "-1",
            "NaN",
            "inf",
            "1e20",
            "1.85e19",
            "99999999999999999999",
            "86400.5",
            "x",
        ] {
            let e = parse_seconds(bad).unwrap_err();
            assert!(!e.contains('\n'), "{e}");
        }
        assert!(
            parse_seconds("1e20")
                .unwrap_err()
                .contains("limit of 86400 s")
        );
    }

    #[test]
    fn aws_timeouts_at_their_limits() {
        assert_eq!(
            parse_aws_timeout("0.5").unwrap(),
            Duration::from_millis(500)
        );
        assert_eq!(parse_aws_timeout("300").unwrap(), Duration::from_secs(300));
        for bad in ["0", "-1", "300.5", "NaN", "inf", "1e20", "", "5s"] {
            let e = parse_aws_timeout(bad).unwrap_err();
            assert!(!e.contains('\n'), "{e}");
        }
    }

    #[test]
    fn durations_at_their_limits() {
        assert_eq!(parse_duration("0s").unwrap(), Duration::ZERO);
        assert_eq!(parse_duration("24h").unwrap(), MAX_DURATION);
        for bad in [
            "24h 1s",
            "5000000000000000h",
            "99999999999999999999s",
            "soon",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_stop_at_the_limit() {
        let zeros = std::io::repeat(0);
        let e = read_bounded(zeros, 1024 * 1024, "stdin").unwrap_err();
        assert_eq!(e.to_string(), "stdin is larger than the 1 MiB limit");
        let ok = read_bounded(&[1u8; 1024 * 1024][..], 1024 * 1024, "x").unwrap();
        assert_eq!(ok.len(), 1024 * 1024);
    }
}
