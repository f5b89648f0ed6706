//! Bytes to UTF-8 text, streaming.
//!
//! Files come from Excel on Chinese Windows (GBK/GB18030, no marker), from WPS and
//! scripts (UTF-8 with or without BOM) and from Excel's "Unicode text" (UTF-16 with a
//! BOM). Nothing in a GBK file says it is GBK, so a file that is not valid UTF-8 is
//! taken to be GB18030 (a superset of GBK). The text is transcoded as it is read rather
//! than held in memory whole, so a file of millions of rows costs only a buffer.
//!
//! Without a BOM a file is first read as UTF-8, unchecked here: the CSV reader checks
//! every record anyway, and when it finds one that is not UTF-8 the caller reads the
//! file again with `not_utf8` set. GBK files fail on their Chinese header at once, so
//! the common cases cost a single pass.

use encoding_rs::{CoderResult, Decoder, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use std::cell::Cell;
use std::io::{self, Read, Seek, SeekFrom};
use std::rc::Rc;

/// The encoding a text file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

/// A reader yielding UTF-8, and a flag raised if any bytes had to be replaced by U+FFFD
/// (so a garbled name can be reported instead of passing silently).
pub(crate) struct Decoded {
    pub reader: Box<dyn Read>,
    pub encoding: TextEncoding,
    pub lossy: Rc<Cell<bool>>,
}

/// Sniffs the encoding of `r` (which must be at its start) and returns a UTF-8 reader.
/// `not_utf8`: the file has no BOM and was found not to be UTF-8; read it as GB18030.
pub(crate) fn decode<R: Read + Seek + 'static>(mut r: R, not_utf8: bool) -> io::Result<Decoded> {
    let mut head = [0u8; 4];
    let n = read_up_to(&mut r, &mut head)?;
    let head = head.get(..n).unwrap_or(&[]);
    r.seek(SeekFrom::Start(0))?;
    let lossy = Rc::new(Cell::new(false));
    let transcode = |r: R, dec: Decoder, enc| Decoded {
        reader: Box::new(Transcode::new(r, dec, Rc::clone(&lossy))),
        encoding: enc,
        lossy: Rc::clone(&lossy),
    };
    let d = match head {
        [0xEF, 0xBB, 0xBF, ..] => transcode(
            r,
            UTF_8.new_decoder_with_bom_removal(),
            TextEncoding::Utf8Bom,
        ),
        [0xFF, 0xFE, ..] => transcode(
            r,
            UTF_16LE.new_decoder_with_bom_removal(),
            TextEncoding::Utf16Le,
        ),
        [0xFE, 0xFF, ..] => transcode(
            r,
            UTF_16BE.new_decoder_with_bom_removal(),
            TextEncoding::Utf16Be,
        ),
        // UTF-16 without a BOM: an ASCII header letter next to a zero byte. Never valid
        // in GBK or UTF-8 text, and cheap to recognise.
        [a, 0, ..] if *a != 0 && a.is_ascii() => transcode(
            r,
            UTF_16LE.new_decoder_without_bom_handling(),
            TextEncoding::Utf16Le,
        ),
        [0, b, ..] if *b != 0 && b.is_ascii() => transcode(
            r,
            UTF_16BE.new_decoder_without_bom_handling(),
            TextEncoding::Utf16Be,
        ),
        _ if not_utf8 => transcode(
            r,
            GB18030.new_decoder_without_bom_handling(),
            TextEncoding::Gb18030,
        ),
        _ => Decoded {
            reader: Box::new(r),
            encoding: TextEncoding::Utf8,
            lossy: Rc::clone(&lossy),
        },
    };
    Ok(d)
}

/// What `text` was before it was decoded in the wrong encoding, when that can be
/// undone exactly: UTF-8 read as GB18030 (`鍦ㄥ矖` for `在岗`), UTF-8 read as
/// Windows-1252 (`åœ¨å²—`) or GBK read as Windows-1252 (`ÔÚ¸Ú`). `None` for ASCII and
/// for text that is no such mix-up.
pub(crate) fn misread(text: &str) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    for wrong in [GB18030, encoding_rs::WINDOWS_1252] {
        let (bytes, _, unmappable) = wrong.encode(text);
        if unmappable {
            continue;
        }
        if let Ok(t) = std::str::from_utf8(&bytes) {
            if t != text {
                return Some(t.to_string());
            }
        }
        if wrong == encoding_rs::WINDOWS_1252 {
            let (t, bad) = GB18030.decode_without_bom_handling(&bytes);
            if !bad && t != text {
                return Some(t.into_owned());
            }
        }
    }
    None
}

/// Fills `buf` as far as the stream allows (a single `read` may stop short).
pub(crate) fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(buf.get_mut(filled..).unwrap_or(&mut [])) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// A `Read` adapter turning any encoding_rs encoding into UTF-8 on the fly.
struct Transcode<R> {
    inner: R,
    decoder: Decoder,
    input: Box<[u8]>,
    in_pos: usize,
    in_len: usize,
    eof: bool,
    output: Box<[u8]>,
    out_pos: usize,
    out_len: usize,
    done: bool,
    lossy: Rc<Cell<bool>>,
}

impl<R: Read> Transcode<R> {
    fn new(inner: R, decoder: Decoder, lossy: Rc<Cell<bool>>) -> Self {
        Transcode {
            inner,
            decoder,
            input: vec![0u8; 32 * 1024].into_boxed_slice(),
            in_pos: 0,
            in_len: 0,
            eof: false,
            // UTF-16 and GB18030 expand by at most 3/2 into UTF-8; twice the input
            // buffer always holds at least one character.
            output: vec![0u8; 64 * 1024].into_boxed_slice(),
            out_pos: 0,
            out_len: 0,
            done: false,
            lossy,
        }
    }
}

impl<R: Read> Read for Transcode<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.out_pos < self.out_len {
                let avail = self.output.get(self.out_pos..self.out_len).unwrap_or(&[]);
                let n = avail.len().min(buf.len());
                if let (Some(dst), Some(src)) = (buf.get_mut(..n), avail.get(..n)) {
                    dst.copy_from_slice(src);
                }
                self.out_pos += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            if self.in_pos >= self.in_len && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                self.in_pos = 0;
                self.in_len = n;
                self.eof = n == 0;
            }
            let src = self.input.get(self.in_pos..self.in_len).unwrap_or(&[]);
            let (result, read, written, replaced) =
                self.decoder.decode_to_utf8(src, &mut self.output, self.eof);
            self.in_pos += read;
            self.out_pos = 0;
            self.out_len = written;
            if replaced {
                self.lossy.set(true);
            }
            if self.eof && result == CoderResult::InputEmpty {
                self.done = true;
            }
        }
    }
}

/// Decodes a whole byte string, for tests and small inputs.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) fn decode_all(bytes: Vec<u8>) -> (String, TextEncoding) {
    let not_utf8 = std::str::from_utf8(&bytes).is_err();
    let mut d = decode(io::Cursor::new(bytes), not_utf8).unwrap();
    let mut s = String::new();
    d.reader.read_to_string(&mut s).unwrap();
    (s, d.encoding)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const TEXT: &str = "工号,姓名\nT1,王芳\nT2,李强\n";

    #[test]
    fn plain_and_bom_utf8() {
        assert_eq!(decode_all(TEXT.into()), (TEXT.into(), TextEncoding::Utf8));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(TEXT.as_bytes());
        assert_eq!(decode_all(b), (TEXT.into(), TextEncoding::Utf8Bom));
    }

    #[test]
    fn gbk_bytes_read_as_gb18030() {
        let (gbk, _, _) = encoding_rs::GBK.encode(TEXT);
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(
            decode_all(gbk.into_owned()),
            (TEXT.into(), TextEncoding::Gb18030)
        );
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let le: Vec<u8> = TEXT.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = TEXT.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let with = |bom: [u8; 2], body: &[u8]| [&bom[..], body].concat();
        assert_eq!(
            decode_all(with([0xFF, 0xFE], &le)),
            (TEXT.into(), TextEncoding::Utf16Le)
        );
        assert_eq!(
            decode_all(with([0xFE, 0xFF], &be)),
            (TEXT.into(), TextEncoding::Utf16Be)
        );
        let ascii = "teacher_id,name\nT1,Wang\n";
        let le: Vec<u8> = ascii.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode_all(le), (ascii.into(), TextEncoding::Utf16Le));
    }

    #[test]
    fn large_bom_utf8_with_characters_across_buffer_boundaries() {
        // 3-byte characters misaligned with the 32 KiB input buffer.
        let big = format!("a{}", "轮岗".repeat(50_000));
        let bytes = [&[0xEF, 0xBB, 0xBF][..], big.as_bytes()].concat();
        assert_eq!(decode_all(bytes), (big, TextEncoding::Utf8Bom));
    }

    #[test]
    fn large_gbk_round_trips() {
        let big = "学校代码,学校名称\n".to_string() + &"U1,青山湖区实验小学\n".repeat(20_000);
        let (gbk, _, _) = encoding_rs::GBK.encode(&big);
        assert_eq!(decode_all(gbk.into_owned()).0, big);
    }

    #[test]
    fn misread_text_is_recognised() {
        let utf8_as_gbk = GB18030.decode_without_bom_handling("在岗".as_bytes()).0;
        assert_eq!(misread(&utf8_as_gbk).as_deref(), Some("在岗"));
        let utf8_as_latin = encoding_rs::WINDOWS_1252
            .decode_without_bom_handling("产假".as_bytes())
            .0;
        assert_eq!(misread(&utf8_as_latin).as_deref(), Some("产假"));
        let gbk = encoding_rs::GBK.encode("城区").0;
        let gbk_as_latin = encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(&gbk)
            .0;
        assert_eq!(misread(&gbk_as_latin).as_deref(), Some("城区"));
        assert_eq!(misread("active"), None);
    }

    #[test]
    fn truncated_utf8_at_end_is_not_utf8() {
        let mut b = "abc".as_bytes().to_vec();
        b.push(0xE8);
        let (s, enc) = decode_all(b);
        assert_eq!(enc, TextEncoding::Gb18030);
        assert!(s.starts_with("abc"));
    }
}
