//! What a rule reports: one [`Diagnostic`] per finding, located by spans.

use crate::yaml::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A secondary location with its label.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

/// A fix's edits are span edits of the YAML text ([`crate::yaml::edit`]).
pub use crate::yaml::edit::Edit;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Applicability {
    /// Applied by `--fix`.
    Safe,
    /// Applied only with `--unsafe-fixes`.
    Unsafe,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    pub message: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// Where a finding was seen: the render units, environment and object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Context {
    pub units: Vec<String>,
    pub env: Option<String>,
    /// `group/version/Kind namespace/name`
    pub object: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub related: Vec<Related>,
    pub help: Option<String>,
    pub context: Context,
    pub fix: Option<Fix>,
    /// The rule chose this severity itself (e.g. removed vs deprecated API).
    pub severity_set: bool,
    /// The primary span is a credential: mask it in the human snippet.
    pub mask_source: bool,
}

impl Diagnostic {
    /// A finding at `span`; the engine fills in rule id, severity and context.
    pub fn new(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule: "",
            severity: Severity::Error,
            message: message.into(),
            span,
            related: Vec::new(),
            help: None,
            context: Context::default(),
            fix: None,
            severity_set: false,
            mask_source: false,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Mark the primary span as a credential to be masked wherever source is shown.
    pub fn masking_source(mut self) -> Self {
        self.mask_source = true;
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self.severity_set = true;
        self
    }
}

/// Mask a credential for display: first four characters, then `****`.
pub fn mask(secret: &str) -> String {
    // Never more than half of a short secret.
    let shown = secret.chars().count().div_ceil(2).saturating_sub(1).min(4);
    let head: String = secret.chars().take(shown).collect();
    format!("{head}****")
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_show_at_most_four_characters_and_never_half() {
        assert_eq!(mask("s3cr3t-Pa55w0rd"), "s3cr****");
        assert_eq!(mask("hunter2"), "hun****");
        assert_eq!(mask("sst"), "s****");
        assert_eq!(mask("ab"), "****");
    }
}
