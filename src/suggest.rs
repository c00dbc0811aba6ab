//! "Did you mean …?" suggestions.

/// Levenshtein distance, for short identifiers: the one edit distance of
/// ftlint (config keys, rule ids, schema fields, kustomization fields).
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest candidate within a distance proportional to the word's length.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| {
            (
                distance(&word.to_ascii_lowercase(), &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("résumé", "resume"), 2);
        assert_eq!(distance("same", "same"), 0);
    }

    #[test]
    fn did_you_mean_within_a_third_of_the_length() {
        let ids = ["allowed", "environments", "severity"];
        assert_eq!(did_you_mean("alowed", ids), Some("allowed"));
        assert_eq!(did_you_mean("Severity", ids), Some("severity"));
        assert_eq!(did_you_mean("zzz", ids), None);
    }
}
