//! Hex dump of binary bodies, computed per visible row.

use ratatui::text::{Line, Span};

use super::styles::BodyStyles;

pub(crate) const BYTES_PER_ROW: usize = 16;

/// Number of rows a dump of `len` bytes has.
pub(crate) fn row_count(len: usize) -> usize {
    len.div_ceil(BYTES_PER_ROW)
}

/// One row: `00000010  48 65 6c 6c 6f 20 77 6f  72 6c 64 0a           |Hello world.|`
pub(crate) fn hex_row(bytes: &[u8], row: usize, styles: &BodyStyles) -> Line<'static> {
    let start = row * BYTES_PER_ROW;
    let chunk = bytes
        .get(start..bytes.len().min(start + BYTES_PER_ROW))
        .unwrap_or(&[]);
    let mut hex = String::with_capacity(BYTES_PER_ROW * 3 + 1);
    for i in 0..BYTES_PER_ROW {
        if i == 8 {
            hex.push(' ');
        }
        match chunk.get(i) {
            Some(b) => hex.push_str(&format!("{b:02x} ")),
            None => hex.push_str("   "),
        }
    }
    let ascii: String = chunk
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        })
        .collect();
    Line::from(vec![
        Span::styled(format!("{start:08x}  "), styles.dim),
        Span::styled(hex, styles.number),
        Span::styled(" |", styles.dim),
        Span::raw(ascii),
        Span::styled("|", styles.dim),
    ])
}

/// Whether bytes should be shown as hex rather than text: not UTF-8, or
/// containing control characters other than whitespace.
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    match std::str::from_utf8(sample) {
        // A cut in the middle of a multi-byte char at the sample's end is fine.
        Err(e) if e.error_len().is_some() => true,
        _ => sample
            .iter()
            .any(|&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn full_and_partial_rows() {
        let s = BodyStyles::default();
        let data: Vec<u8> = (0u8..20).collect();
        assert_eq!(row_count(data.len()), 2);
        assert_eq!(
            text(&hex_row(&data, 0, &s)),
            "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|"
        );
        let second = text(&hex_row(&data, 1, &s));
        assert!(second.starts_with("00000010  10 11 12 13    "), "{second}");
        assert!(second.ends_with("|....|"));
        assert_eq!(text(&hex_row(&data, 5, &s)).len(), second.len() - 4);
    }

    #[test]
    fn binary_detection() {
        assert!(!looks_binary(b"{\"a\": 1}\n"));
        assert!(!looks_binary("héllo\ttab".as_bytes()));
        assert!(looks_binary(&[0x89, b'P', b'N', b'G', 0, 1]));
        assert!(looks_binary(b"text\0with nul"));
        assert!(!looks_binary(b""));
    }
}
