//! The byte layout of cache files: a checked header, then a body of
//! little-endian numbers, length-prefixed strings and fixed-width rows.
//!
//! A file is `magic (8) | format (u32) | body length (u64) | CRC-32 of the
//! body (u32) | body`. [`open`] refuses a file of another magic, format or
//! length (a truncated write) or whose checksum differs (a corrupt one), so a
//! bad file is ignored, never trusted; every read after that is bounds-checked
//! too (`None`, never a panic), whatever the bytes say.
//!
//! Strings many rows refer to (paths, errors) are kept once, in a
//! [`Strings`] table: offsets, then the text of each followed by a NUL, so a
//! path can be passed to `stat` as it lies in the buffer.

use std::ffi::CStr;

const HEADER: usize = 8 + 4 + 8 + 4;

/// Index of "no string" in a row.
pub const NONE: u32 = u32::MAX;

/// Builds a file body.
#[derive(Default)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn bool(&mut self, v: bool) {
        self.buf.push(u8::from(v));
    }

    pub fn bytes(&mut self, v: &[u8]) {
        self.buf.extend_from_slice(v);
    }

    pub fn str(&mut self, v: &str) {
        self.u32(v.len() as u32);
        self.buf.extend_from_slice(v.as_bytes());
    }

    pub fn opt_str(&mut self, v: Option<&str>) {
        self.bool(v.is_some());
        if let Some(v) = v {
            self.str(v);
        }
    }

    /// The bytes written (a part of a body).
    pub fn into_body(self) -> Vec<u8> {
        self.buf
    }

    /// The whole file: header, then the body.
    pub fn finish(self, magic: &[u8; 8], format: u32) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + self.buf.len());
        out.extend_from_slice(magic);
        out.extend_from_slice(&format.to_le_bytes());
        out.extend_from_slice(&(self.buf.len() as u64).to_le_bytes());
        out.extend_from_slice(&crc(&self.buf).to_le_bytes());
        out.extend_from_slice(&self.buf);
        out
    }
}

fn crc(bytes: &[u8]) -> u32 {
    let mut c = flate2::Crc::new();
    c.update(bytes);
    c.sum()
}

/// Why a file was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not a cache file of this kind, or cut short, or corrupt.
    Unreadable,
    /// A file of another format version.
    OtherFormat,
}

/// The body of a whole, uncorrupted file of this magic and format.
pub fn open<'a>(file: &'a [u8], magic: &[u8; 8], format: u32) -> Result<&'a [u8], Refused> {
    if file.len() < HEADER || &file[..8] != magic {
        return Err(Refused::Unreadable);
    }
    let mut r = Reader::new(&file[8..HEADER]);
    let (Some(found), Some(len), Some(sum)) = (r.u32(), r.u64(), r.u32()) else {
        return Err(Refused::Unreadable);
    };
    if found != format {
        return Err(Refused::OtherFormat);
    }
    let body = &file[HEADER..];
    if body.len() as u64 != len || crc(body) != sum {
        return Err(Refused::Unreadable);
    }
    Ok(body)
}

/// Rewrite the checksum of a file whose body was patched in place.
pub fn reseal(file: &mut [u8]) {
    if file.len() >= HEADER {
        let sum = crc(&file[HEADER..]);
        file[HEADER - 4..HEADER].copy_from_slice(&sum.to_le_bytes());
    }
}

/// Where the body starts in a whole file (for in-place patches).
pub const BODY_AT: usize = HEADER;

/// Reads a body front to back; every read is bounds-checked.
#[derive(Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let out = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(out)
    }

    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    pub fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    pub fn bool(&mut self) -> Option<bool> {
        match self.take(1)?[0] {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    pub fn str(&mut self) -> Option<&'a str> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).ok()
    }

    pub fn opt_str(&mut self) -> Option<Option<&'a str>> {
        Some(if self.bool()? {
            Some(self.str()?)
        } else {
            None
        })
    }

    /// `n` rows of `width` bytes.
    pub fn rows(&mut self, n: usize, width: usize) -> Option<Rows<'a>> {
        let bytes = self.take(n.checked_mul(width)?)?;
        Some(Rows { bytes, width })
    }

    /// A count that the rest of the body could hold (`min` bytes per item),
    /// so a bad count cannot make a reader reserve a huge buffer.
    pub fn count(&mut self, min: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        (n.checked_mul(min.max(1))? <= self.buf.len() - self.pos).then_some(n)
    }
}

/// Fixed-width rows lying in a body.
#[derive(Clone, Copy)]
pub struct Rows<'a> {
    bytes: &'a [u8],
    width: usize,
}

impl<'a> Rows<'a> {
    pub fn len(&self) -> usize {
        self.bytes.len() / self.width
    }

    pub fn get(&self, i: usize) -> Option<Row<'a>> {
        let at = i.checked_mul(self.width)?;
        self.bytes.get(at..at + self.width).map(Row)
    }
}

/// One fixed-width row.
#[derive(Clone, Copy)]
pub struct Row<'a>(pub &'a [u8]);

impl<'a> Row<'a> {
    pub fn u32(&self, at: usize) -> u32 {
        u32::from_le_bytes(self.0[at..at + 4].try_into().expect("4 bytes"))
    }

    pub fn i64(&self, at: usize) -> i64 {
        i64::from_le_bytes(self.0[at..at + 8].try_into().expect("8 bytes"))
    }

    pub fn i64s<const N: usize>(&self, at: usize) -> [i64; N] {
        std::array::from_fn(|i| self.i64(at + 8 * i))
    }

    pub fn slice(&self, at: usize, n: usize) -> &'a [u8] {
        &self.0[at..at + n]
    }
}

/// Strings stored once, referred to by index.
#[derive(Default)]
pub struct StringsBuilder {
    index: std::collections::HashMap<String, u32>,
    order: Vec<String>,
}

impl StringsBuilder {
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(i) = self.index.get(s) {
            return *i;
        }
        let i = self.order.len() as u32;
        self.index.insert(s.to_string(), i);
        self.order.push(s.to_string());
        i
    }

    pub fn write(&self, w: &mut Writer) {
        w.u32(self.order.len() as u32);
        let mut at = 0u32;
        w.u32(at);
        for s in &self.order {
            at += s.len() as u32 + 1;
            w.u32(at);
        }
        for s in &self.order {
            w.bytes(s.as_bytes());
            w.bytes(&[0]);
        }
    }
}

/// A string table as read: offsets and texts, borrowed from the body.
#[derive(Clone, Copy)]
pub struct Strings<'a> {
    offsets: &'a [u8],
    blob: &'a [u8],
}

impl<'a> Strings<'a> {
    pub fn read(r: &mut Reader<'a>) -> Option<Strings<'a>> {
        let n = r.count(5)?;
        let offsets = r.take((n + 1) * 4)?;
        let last = u32::from_le_bytes(offsets[n * 4..].try_into().ok()?) as usize;
        let blob = r.take(last)?;
        Some(Strings { offsets, blob })
    }

    fn offset(&self, i: usize) -> Option<usize> {
        let b = self.offsets.get(i * 4..i * 4 + 4)?;
        Some(u32::from_le_bytes(b.try_into().ok()?) as usize)
    }

    /// The string with its NUL.
    fn with_nul(&self, i: u32) -> Option<&'a [u8]> {
        let i = i as usize;
        let (start, end) = (self.offset(i)?, self.offset(i.checked_add(1)?)?);
        let s = self.blob.get(start..end)?;
        (s.last() == Some(&0)).then_some(s)
    }

    pub fn get(&self, i: u32) -> Option<&'a str> {
        let s = self.with_nul(i)?;
        std::str::from_utf8(&s[..s.len() - 1]).ok()
    }

    /// The string as a C path (`None` also when it holds a NUL).
    pub fn c_str(&self, i: u32) -> Option<&'a CStr> {
        CStr::from_bytes_with_nul(self.with_nul(i)?).ok()
    }
}

/// A hex digest ([`crate::fsread::digest`]) as its 16 bytes.
pub fn digest_bytes(hex: &str) -> [u8; 16] {
    let mut out = [0u8; 16];
    let raw = hex.as_bytes();
    for (i, o) in out.iter_mut().enumerate() {
        let nibble = |c: Option<&u8>| match c {
            Some(c @ b'0'..=b'9') => c - b'0',
            Some(c @ b'a'..=b'f') => c - b'a' + 10,
            _ => 0,
        };
        *o = nibble(raw.get(2 * i)) << 4 | nibble(raw.get(2 * i + 1));
    }
    out
}

/// The hex digest of 16 stored bytes.
pub fn digest_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAGIC: &[u8; 8] = b"TESTFILE";

    fn sample() -> Vec<u8> {
        let mut strings = StringsBuilder::default();
        let a = strings.intern("apps/a.yaml");
        let b = strings.intern("b");
        assert_eq!(strings.intern("apps/a.yaml"), a);
        let mut w = Writer::default();
        w.str("head");
        strings.write(&mut w);
        w.u32(2);
        for (i, s) in [(a, -5i64), (b, 7)] {
            w.u32(i);
            w.i64(s);
        }
        w.opt_str(None);
        w.finish(MAGIC, 3)
    }

    #[test]
    fn a_file_reads_back() {
        let file = sample();
        let mut r = Reader::new(open(&file, MAGIC, 3).unwrap());
        assert_eq!(r.str(), Some("head"));
        let strings = Strings::read(&mut r).unwrap();
        let n = r.count(12).unwrap();
        let rows = r.rows(n, 12).unwrap();
        let row = rows.get(1).unwrap();
        assert_eq!(strings.get(row.u32(0)), Some("b"));
        assert_eq!(row.i64(4), 7);
        assert_eq!(
            strings
                .c_str(rows.get(0).unwrap().u32(0))
                .unwrap()
                .to_bytes(),
            b"apps/a.yaml"
        );
        assert_eq!(strings.get(9), None);
        assert_eq!(r.opt_str(), Some(None));
        assert_eq!(r.u32(), None);
    }

    #[test]
    fn cut_corrupt_or_other_files_are_refused() {
        let file = sample();
        for n in 0..file.len() {
            assert!(open(&file[..n], MAGIC, 3).is_err(), "cut at {n}");
        }
        for at in 0..file.len() {
            let mut bad = file.clone();
            bad[at] ^= 0x10;
            assert!(open(&bad, MAGIC, 3).is_err(), "byte {at} flipped");
        }
        assert_eq!(open(&file, MAGIC, 4), Err(Refused::OtherFormat));
        assert_eq!(open(&file, b"OTHERMAG", 3), Err(Refused::Unreadable));
        let mut patched = file.clone();
        patched[BODY_AT] ^= 1;
        reseal(&mut patched);
        assert!(open(&patched, MAGIC, 3).is_ok());
    }

    #[test]
    fn digests_round_trip() {
        let hex = crate::fsread::digest(b"a: 1\n");
        assert_eq!(digest_hex(&digest_bytes(&hex)), hex);
    }
}
