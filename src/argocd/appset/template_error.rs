//! Why a Go template was not rendered; shared by the evaluator
//! (`gotemplate`) and the Sprig functions it calls (`sprig`).

#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// `missingkey=error` and a map has no entry for the key.
    MissingKey(String),
    /// Template syntax or a function this evaluator does not implement.
    Unsupported(String),
    /// The template itself fails in Go (wrong argument types, `fail`).
    Exec(String),
}
