//! A rule's declaration: the one source of its id, default severity, scope,
//! environments, fix availability, summary and typed options.
//!
//! `ftlint rules`, the header of `ftlint rule ID`, SARIF rule metadata, the
//! README rule table and the config's option checks are all generated from
//! it. It sits outside `rules/` and depends on nothing but diagnostics, YAML
//! nodes and suggestions, so the config loader reads the declarations
//! without depending on the rules.

pub mod options;

use crate::diagnostic::{Applicability, Severity};

/// Where a rule looks to decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One source file at a time (syntax, suppressions, kustomization fields).
    File,
    /// One object of one render unit.
    Object,
    /// All objects of one render unit.
    Unit,
    /// The whole repository.
    Repo,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::File => "file",
            Scope::Object => "object",
            Scope::Unit => "unit",
            Scope::Repo => "repo",
        }
    }
}

/// Which of a rule's findings carry a fix. The fixture harness checks the
/// declaration against the fixes the rule really emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    /// No finding carries a fix.
    None,
    /// Every finding carries a fix that `--fix` applies.
    Safe,
    /// Every finding carries a fix applied only with `--unsafe-fixes`.
    Unsafe,
    /// Some findings carry a fix of this applicability, others none.
    Sometimes(Applicability),
}

impl FixAvailability {
    pub fn any(self) -> bool {
        self != FixAvailability::None
    }

    /// The applicability of the fixes the rule emits, if it emits any.
    pub fn applicability(self) -> Option<Applicability> {
        match self {
            FixAvailability::None => None,
            FixAvailability::Safe => Some(Applicability::Safe),
            FixAvailability::Unsafe => Some(Applicability::Unsafe),
            FixAvailability::Sometimes(a) => Some(a),
        }
    }

    /// Short form for `ftlint rules` and the README table.
    pub fn short(self) -> &'static str {
        match self {
            FixAvailability::None => "",
            FixAvailability::Safe => "safe",
            FixAvailability::Unsafe => "unsafe",
            FixAvailability::Sometimes(Applicability::Safe) => "some",
            FixAvailability::Sometimes(Applicability::Unsafe) => "some, unsafe",
        }
    }

    /// Long form for the doc header.
    pub fn describe(self) -> &'static str {
        match self {
            FixAvailability::None => "no",
            FixAvailability::Safe => "yes (`--fix`)",
            FixAvailability::Unsafe => "yes, with `--unsafe-fixes`",
            FixAvailability::Sometimes(Applicability::Safe) => "sometimes (`--fix`)",
            FixAvailability::Sometimes(Applicability::Unsafe) => "sometimes, with `--unsafe-fixes`",
        }
    }
}

/// The type of one option value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    Bool,
    Integer,
    String,
    /// A list of strings (a single string is not accepted: it is a common slip
    /// that would silently match nothing).
    StringList,
    /// One of these strings.
    OneOf(&'static [&'static str]),
}

impl OptionKind {
    pub fn describe(self) -> String {
        match self {
            OptionKind::Bool => "true or false".into(),
            OptionKind::Integer => "an integer".into(),
            OptionKind::String => "a string".into(),
            OptionKind::StringList => "a list of strings".into(),
            OptionKind::OneOf(values) => format!("one of {}", values.join(", ")),
        }
    }

    /// The JSON schema of a value of this kind.
    pub fn json_schema(self) -> serde_json::Value {
        use serde_json::json;
        match self {
            OptionKind::Bool => json!({"type": "boolean"}),
            OptionKind::Integer => json!({"type": "integer"}),
            OptionKind::String => json!({"type": "string"}),
            OptionKind::StringList => json!({"type": "array", "items": {"type": "string"}}),
            OptionKind::OneOf(values) => json!({"type": "string", "enum": values}),
        }
    }
}

/// One option a rule accepts under `rules.<id>.options`.
#[derive(Clone, Copy, Debug)]
pub struct OptionField {
    pub name: &'static str,
    pub kind: OptionKind,
    pub doc: &'static str,
}

/// A rule's typed options: the fields (for the config's spanned errors, the
/// docs and the JSON schema) and the serde struct they deserialize into.
#[derive(Clone, Copy, Debug)]
pub struct OptionsDecl {
    pub fields: &'static [OptionField],
    /// Deserializes into the rule's `deny_unknown_fields` struct; the config
    /// loader runs it after the spanned checks so both always agree.
    pub parse: fn(&serde_json::Value) -> Result<(), String>,
}

impl OptionsDecl {
    pub fn field(&self, name: &str) -> Option<&OptionField> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// `{"type": "object", ...}` for the config's JSON schema.
    pub fn json_schema(&self) -> serde_json::Value {
        let props: serde_json::Map<String, serde_json::Value> = self
            .fields
            .iter()
            .map(|f| {
                let mut s = f.kind.json_schema();
                s["description"] = f.doc.into();
                (f.name.to_string(), s)
            })
            .collect();
        serde_json::json!({"type": "object", "additionalProperties": false, "properties": props})
    }
}

/// Deserialize a rule's options into its typed struct (`Null`: the defaults).
/// The config loader has validated them, so a failure here is a bug.
pub fn typed<T: serde::de::DeserializeOwned + Default>(options: &serde_json::Value) -> T {
    if options.is_null() {
        return T::default();
    }
    serde_json::from_value(options.clone()).unwrap_or_else(|e| {
        debug_assert!(
            false,
            "options passed validation but do not deserialize: {e}"
        );
        T::default()
    })
}

/// The `parse` function of an [`OptionsDecl`] for the struct `T`.
pub fn parse_as<T: serde::de::DeserializeOwned>(v: &serde_json::Value) -> Result<(), String> {
    serde_json::from_value::<T>(v.clone())
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[derive(Clone, Copy, Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub severity: Severity,
    /// One line, shown by `ftlint rules`, in SARIF and in the README.
    pub summary: &'static str,
    pub scope: Scope,
    pub fix: FixAvailability,
    /// `off` rules run only when the config enables them.
    pub enabled: bool,
    /// Environments the rule applies to by default (`None`: all objects).
    pub environments: Option<&'static [&'static str]>,
    /// When the severity varies by finding: how, as written after the
    /// default severity (`(error in prod)`).
    pub severity_note: Option<&'static str>,
    pub options: Option<&'static OptionsDecl>,
    /// For rules whose findings are security exposures rather than hygiene or
    /// wiring: how grave, 0.1–10 as GitHub code scanning ranks alerts (9.0 and
    /// up critical, 7.0 high, 4.0 medium, below that low). SARIF carries it.
    pub security_severity: Option<f32>,
}

impl RuleMeta {
    pub const fn new(
        id: &'static str,
        severity: Severity,
        scope: Scope,
        summary: &'static str,
    ) -> Self {
        RuleMeta {
            id,
            severity,
            summary,
            scope,
            fix: FixAvailability::None,
            enabled: true,
            environments: None,
            severity_note: None,
            options: None,
            security_severity: None,
        }
    }

    pub const fn fix(mut self, fix: FixAvailability) -> Self {
        self.fix = fix;
        self
    }

    pub const fn off(mut self) -> Self {
        self.enabled = false;
        self
    }

    pub const fn prod_only(mut self) -> Self {
        self.environments = Some(&["prod"]);
        self
    }

    pub const fn severity_note(mut self, note: &'static str) -> Self {
        self.severity_note = Some(note);
        self
    }

    pub const fn options(mut self, options: &'static OptionsDecl) -> Self {
        self.options = Some(options);
        self
    }

    /// Tag the rule as a security rule of this gravity (see `security_severity`).
    pub const fn security_severity(mut self, score: f32) -> Self {
        self.security_severity = Some(score);
        self
    }

    /// The default severity as users configure it: `off` for rules off by default.
    pub fn default_severity(&self) -> &'static str {
        if self.enabled {
            self.severity.as_str()
        } else {
            "off"
        }
    }

    /// `warning (error in prod)`, `error, prod only`, `off`.
    pub fn severity_line(&self) -> String {
        let mut s = self.default_severity().to_string();
        if let Some(note) = self.severity_note {
            s.push(' ');
            s.push_str(note);
        }
        if let Some(envs) = self.environments {
            s.push_str(&format!(", {} only", envs.join(", ")));
        }
        s
    }

    /// The summary with the default environments, as listed.
    pub fn summary_line(&self) -> String {
        match self.environments {
            Some(envs) => format!("{} ({} only)", self.summary, envs.join(", ")),
            None => self.summary.to_string(),
        }
    }

    /// The generated head of `ftlint rule ID`: title and the metadata line.
    pub fn doc_header(&self) -> String {
        format!(
            "# {}\n\nDefault severity: {} · Fixable: {} · Scope: {}\n",
            self.id,
            self.severity_line(),
            self.fix.describe(),
            self.scope.as_str()
        )
    }

    /// The generated `## Options` section, for rules that take options.
    pub fn options_doc(&self) -> Option<String> {
        let decl = self.options?;
        let mut s = String::from("## Options\n| option | type | meaning |\n|---|---|---|\n");
        for f in decl.fields {
            s.push_str(&format!(
                "| `{}` | {} | {} |\n",
                f.name,
                f.kind.describe(),
                f.doc
            ));
        }
        Some(s)
    }
}
