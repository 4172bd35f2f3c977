//! A text mutator that knows each target's words: it inserts tokens from the
//! target's dictionary (keywords, quotes, comment markers, header lines,
//! URL delimiters, characters whose case mapping changes their length),
//! splices pieces of other corpus entries in, and deletes, repeats, swaps
//! and re-cases ranges. Inputs stay valid UTF-8, as every target takes
//! `&str`; the revision-file reader's own UTF-8 check is tested by its unit
//! tests.

/// SplitMix64: small, fast, and a pure function of its seed, so a run can be
/// repeated from the seed it printed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Characters that break byte/char arithmetic or end lines in surprising
/// places: multi-byte, case mappings that change length (`İ`, `ß`, `ﬀ`),
/// every line terminator PostgreSQL or Unicode knows, NUL and escapes.
const AWKWARD: &[&str] = &[
    "\0",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\u{b}",
    "\u{c}",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{1b}[31m",
    "é",
    "İ",
    "ß",
    "ﬀ",
    "ǅ",
    "Σ",
    "😀",
    "\u{feff}",
    "\u{200b}",
    "\\",
    "'",
    "\"",
    "`",
    "$",
    "%",
    " ",
];

/// Mutates text with a dictionary of words that matter to one target.
#[derive(Debug, Clone)]
pub struct Mutator {
    words: Vec<String>,
}

impl Mutator {
    pub fn new(words: &[&str]) -> Mutator {
        let mut all: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        all.extend(AWKWARD.iter().map(|w| (*w).to_owned()));
        Mutator { words: all }
    }

    /// `base` changed by one to eight stacked mutations; `other` is a second
    /// corpus entry for splicing. Never longer than `max_len` bytes.
    pub fn mutate(&self, base: &str, other: &str, rng: &mut Rng, max_len: usize) -> String {
        let mut text = base.to_owned();
        let rounds = 1 + rng.below(8);
        for _ in 0..rounds {
            self.once(&mut text, other, rng);
        }
        if text.len() > max_len {
            let mut end = max_len;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
        }
        text
    }

    fn once(&self, text: &mut String, other: &str, rng: &mut Rng) {
        match rng.below(12) {
            // Insert a word (most useful, so weighted).
            0..=3 => {
                let at = boundary(text, rng);
                let word = &self.words[rng.below(self.words.len())];
                text.insert_str(at, word);
            }
            // Replace a range with a word.
            4 => {
                let (a, b) = range(text, rng, 16);
                let word = &self.words[rng.below(self.words.len())];
                text.replace_range(a..b, word);
            }
            // Delete a range.
            5 => {
                let (a, b) = range(text, rng, 32);
                text.replace_range(a..b, "");
            }
            // Repeat a range in place (nesting, long runs).
            6 => {
                let (a, b) = range(text, rng, 64);
                let piece = text[a..b].repeat(1 + rng.below(4));
                text.insert_str(b, &piece);
            }
            // Splice a piece of another entry in.
            7 | 8 => {
                if !other.is_empty() {
                    let (a, b) = range(other, rng, 256);
                    let at = boundary(text, rng);
                    text.insert_str(at, &other[a..b]);
                }
            }
            // Swap two lines.
            9 => {
                let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
                if lines.len() > 1 {
                    let (i, j) = (rng.below(lines.len()), rng.below(lines.len()));
                    lines.swap(i, j);
                    *text = lines.concat();
                }
            }
            // Change the case of a range.
            10 => {
                let (a, b) = range(text, rng, 32);
                let changed = if rng.chance(2) {
                    text[a..b].to_uppercase()
                } else {
                    text[a..b].to_lowercase()
                };
                text.replace_range(a..b, &changed);
            }
            // Replace one character with a printable ASCII one.
            _ => {
                let (a, b) = range(text, rng, 1);
                let c = char::from(b' ' + rng.below(95) as u8);
                text.replace_range(a..b, c.encode_utf8(&mut [0; 4]));
            }
        }
    }
}

/// A random char boundary of `text` (its end included).
fn boundary(text: &str, rng: &mut Rng) -> usize {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A random range of at most about `max` bytes, on char boundaries.
fn range(text: &str, rng: &mut Rng, max: usize) -> (usize, usize) {
    let a = boundary(text, rng);
    let mut b = (a + 1 + rng.below(max)).min(text.len());
    while !text.is_char_boundary(b) {
        b += 1;
    }
    (a, b)
}
