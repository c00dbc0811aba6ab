use crate::argocd::SYNC_WAVE;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};
use crate::yaml::Value;

/// A sync-wave annotation that is not an integer: Argo CD silently uses wave 0.
pub struct SyncWaveInvalid;

static META: RuleMeta = RuleMeta::new(
    "sync-wave-invalid",
    Severity::Error,
    Scope::Object,
    "a sync-wave annotation that is not an integer",
);

/// Argo CD reads the wave with Go's `strconv.Atoi`: optional sign, digits.
pub fn parse_wave(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl Rule for SyncWaveInvalid {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let Some(node) = cx.object.annotation(SYNC_WAVE) else {
            return;
        };
        let msg = match &node.value {
            Value::Str(s) if parse_wave(s).is_some() => return,
            Value::Str(s) => format!(
                "sync-wave `{s}` of {} {} is not an integer; Argo CD ignores it and syncs the object in wave 0",
                cx.object.kind, cx.object.name
            ),
            Value::Int(i) => format!(
                "sync-wave {i} of {} {} is a number, not a string: the API server rejects non-string annotations; quote it (\"{i}\")",
                cx.object.kind, cx.object.name
            ),
            _ => format!(
                "sync-wave of {} {} is a {}, not an integer string",
                cx.object.kind,
                cx.object.name,
                node.type_name()
            ),
        };
        out.push(
            Diagnostic::new(node.span, msg)
                .with_help("write the wave as a quoted integer, e.g. \"-1\" or \"2\""),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn atoi() {
        use super::parse_wave;
        assert_eq!(parse_wave("5"), Some(5));
        assert_eq!(parse_wave("-10"), Some(-10));
        assert_eq!(parse_wave("+1"), Some(1));
        assert_eq!(parse_wave(" 1"), None);
        assert_eq!(parse_wave("1.5"), None);
        assert_eq!(parse_wave("first"), None);
        assert_eq!(parse_wave(""), None);
    }
}
