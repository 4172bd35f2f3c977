//! Byte searches and positions: the splitter's only helpers that know
//! nothing of SQL.

pub(super) fn find_byte(bytes: &[u8], from: usize, needle: u8) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&b| b == needle)
        .map(|i| from + i)
}

/// Finds `needle` at or after `from`. Scans for its first byte and compares,
/// which is linear for the short needles used here (`*/`, dollar tags).
pub(super) fn find_subslice(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let (&head, _) = needle.split_first()?;
    let mut i = from;
    while let Some(at) = find_byte(bytes, i, head) {
        if bytes.get(at..)?.starts_with(needle) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// 1-based line and character column of a byte offset.
pub(super) fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Counts lines up to offsets that only grow, so the whole split stays
/// linear.
pub(super) struct LineCounter {
    pub(super) offset: usize,
    pub(super) line: usize,
}

impl LineCounter {
    pub(super) fn line_at(&mut self, bytes: &[u8], offset: usize) -> usize {
        if offset > self.offset {
            let end = offset.min(bytes.len());
            let start = self.offset.min(end);
            self.line += bytes[start..end].iter().filter(|&&b| b == b'\n').count();
            self.offset = end;
        }
        self.line
    }
}
