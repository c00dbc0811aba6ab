//! Glob matching the way Argo CD does it (gobwas/glob, as used by
//! `AppProject.IsSourcePermitted` and `isDestinationMatched`).
//!
//! Syntax: `*` (any run of characters except a separator), `**` (any run,
//! separators included), `?` (one character except a separator), `[abc]`,
//! `[a-z]`, `[!abc]`, `{a,b}` alternatives, `\` escapes. Without separators
//! `*` and `**` are the same. A leading `!` is a deny pattern: see
//! [`match_negatable`].

/// `pattern` matches the whole of `text`. `separators` are the characters `*`
/// and `?` do not cross (Argo CD uses `/` for source repositories, none for
/// destinations).
pub fn matches(pattern: &str, text: &str, separators: &[char]) -> bool {
    if pattern == "*" {
        return true;
    }
    expand_braces(pattern).iter().any(|p| {
        let p: Vec<char> = p.chars().collect();
        let t: Vec<char> = text.chars().collect();
        match_at(&p, &t, separators)
    })
}

/// Argo CD's `globMatch(pattern, val, allowNegation=true)`: a `!pattern`
/// "matches" every value the pattern does not match.
pub fn match_negatable(pattern: &str, text: &str, separators: &[char]) -> bool {
    match pattern.strip_prefix('!') {
        Some(rest) => !matches(rest, text, separators),
        None => matches(pattern, text, separators),
    }
}

pub fn is_deny(pattern: &str) -> bool {
    pattern.starts_with('!')
}

/// `{a,b}c` → `ac`, `bc` (nested braces expanded recursively).
fn expand_braces(pattern: &str) -> Vec<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut depth = 0;
    let mut open = None;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '{' => {
                if depth == 0 {
                    open = Some(i);
                }
                depth += 1;
            }
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    let o = open.unwrap();
                    let prefix: String = chars[..o].iter().collect();
                    let suffix: String = chars[i + 1..].iter().collect();
                    let mut alts = Vec::new();
                    let mut cur = String::new();
                    let mut d = 0;
                    for &c in &chars[o + 1..i] {
                        match c {
                            '{' => {
                                d += 1;
                                cur.push(c)
                            }
                            '}' => {
                                d -= 1;
                                cur.push(c)
                            }
                            ',' if d == 0 => alts.push(std::mem::take(&mut cur)),
                            _ => cur.push(c),
                        }
                    }
                    alts.push(cur);
                    return alts
                        .iter()
                        .flat_map(|a| expand_braces(&format!("{prefix}{a}{suffix}")))
                        .collect();
                }
            }
            _ => {}
        }
        i += 1;
    }
    vec![pattern.to_string()]
}

fn match_at(p: &[char], t: &[char], seps: &[char]) -> bool {
    if p.is_empty() {
        return t.is_empty();
    }
    match p[0] {
        '*' => {
            let super_star = p.get(1) == Some(&'*');
            let rest = if super_star { &p[2..] } else { &p[1..] };
            for i in 0..=t.len() {
                if match_at(rest, &t[i..], seps) {
                    return true;
                }
                if i < t.len() && !super_star && seps.contains(&t[i]) {
                    return false;
                }
            }
            false
        }
        '?' => !t.is_empty() && !seps.contains(&t[0]) && match_at(&p[1..], &t[1..], seps),
        '[' => {
            let Some(close) = p.iter().skip(1).position(|&c| c == ']').map(|i| i + 1) else {
                return !t.is_empty() && t[0] == '[' && match_at(&p[1..], &t[1..], seps);
            };
            if t.is_empty() {
                return false;
            }
            let class = &p[1..close];
            let (negated, class) = match class.first() {
                Some('!') | Some('^') => (true, &class[1..]),
                _ => (false, class),
            };
            let c = t[0];
            let mut hit = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == '-' {
                    if class[i] <= c && c <= class[i + 2] {
                        hit = true;
                    }
                    i += 3;
                } else {
                    if class[i] == c {
                        hit = true;
                    }
                    i += 1;
                }
            }
            hit != negated && match_at(&p[close + 1..], &t[1..], seps)
        }
        '\\' if p.len() > 1 => !t.is_empty() && t[0] == p[1] && match_at(&p[2..], &t[1..], seps),
        c => !t.is_empty() && t[0] == c && match_at(&p[1..], &t[1..], seps),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_separators() {
        assert!(matches("*", "https://github.com/a/b", &['/']));
        assert!(matches(
            "https://github.com/org/*",
            "https://github.com/org/repo",
            &['/']
        ));
        assert!(!matches(
            "https://github.com/org/*",
            "https://github.com/org/x/y",
            &['/']
        ));
        assert!(matches(
            "https://github.com/org/**",
            "https://github.com/org/x/y",
            &['/']
        ));
        assert!(matches("team-*", "team-a", &[]));
        assert!(!matches("team-*", "other", &[]));
        assert!(matches("*-prod", "web-prod", &[]));
        assert!(matches("{web,api}-prod", "api-prod", &[]));
        assert!(matches("ns-[0-9]", "ns-4", &[]));
        assert!(!matches("ns-[!0-9]", "ns-4", &[]));
        assert!(matches("a?c", "abc", &[]));
        assert!(!matches("", "x", &[]));
        assert!(matches("", "", &[]));
    }

    #[test]
    fn negation() {
        assert!(match_negatable("!kube-system", "web", &[]));
        assert!(!match_negatable("!kube-system", "kube-system", &[]));
        assert!(!match_negatable("!kube-*", "kube-public", &[]));
    }
}
