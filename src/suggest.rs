//! "Did you mean …?": the nearest of some known names to a mistyped one.

/// The candidate closest to `wanted` by edit distance, when it is close
/// enough to be a typo: at most one edit per three characters.
pub(crate) fn closest<'a>(
    wanted: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (wanted.chars().count() / 3).max(1);
    candidates
        .map(|candidate| (strsim::levenshtein(wanted, candidate), candidate))
        .filter(|&(distance, _)| distance <= limit)
        .min()
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn a_typo_finds_its_name_and_a_stranger_finds_none() {
        let ids = ["1975ea83b712", "ae1027a6acf"];
        assert_eq!(
            closest("1975ea83b71", ids.into_iter()),
            Some("1975ea83b712")
        );
        assert_eq!(closest("ffffffffffff", ids.into_iter()), None);
    }
}
