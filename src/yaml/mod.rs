//! Spanned YAML: parse text into trees whose every node knows its bytes.

pub mod edit;
mod line_index;
mod node;
mod parse;

pub use line_index::{LineCol, LineIndex};
pub use node::{Entry, FileId, Key, Node, PathSeg, ScalarStyle, Span, Value};
pub use parse::{parse, resolve_scalar, Document, DuplicateKey, ParsedFile, SyntaxError};

#[cfg(test)]
mod tests;
