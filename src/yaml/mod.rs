//! Spanned YAML: parse text into trees whose every node knows its bytes.

mod decode;
pub mod edit;
mod fast;
#[cfg(test)]
mod fast_tests;
mod fold;
mod json_stream;
mod line_index;
mod node;
mod parse;
mod resolve;
mod shared;

pub use decode::decode;
pub use line_index::{LineCol, LineIndex};
pub use node::{Entry, FileId, Key, Node, PathSeg, ScalarStyle, Span, Str, Value};
pub use parse::{parse, Document, DuplicateKey, ParsedFile, SyntaxError, MAX_DEPTH};
pub use resolve::resolve_scalar;
pub use shared::Shared;

#[cfg(test)]
mod tests;
