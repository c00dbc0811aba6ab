//! Bytes to text as ftlint reads files: UTF-8, or UTF-16 with a byte-order
//! mark; NUL bytes and invalid UTF-8 are a syntax error at their offset.

use super::SyntaxError;

/// Read a file as text; binary and undecodable input becomes a syntax error.
pub fn decode(bytes: &[u8]) -> (String, Option<SyntaxError>) {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return (String::from_utf16_lossy(&units), None);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return (String::from_utf16_lossy(&units), None);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            if let Some(nul) = text.find('\0') {
                let err = SyntaxError {
                    offset: nul,
                    message: "the file contains NUL bytes: it is binary or UTF-16 without a byte-order mark".into(),
                };
                (text.to_string(), Some(err))
            } else {
                (text.to_string(), None)
            }
        }
        Err(e) => {
            let offset = e.valid_up_to();
            let text = String::from_utf8_lossy(bytes).into_owned();
            let err = SyntaxError {
                offset,
                message: format!(
                    "the file is not valid UTF-8 (invalid byte 0x{:02X})",
                    bytes[offset]
                ),
            };
            (text, Some(err))
        }
    }
}
