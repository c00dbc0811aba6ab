//! Go template text that Argo CD cannot render either, told apart from
//! text this evaluator merely does not implement. Argo CD parses every
//! template string with Go's `text/template` and the functions of
//! `applicationset/utils/utils.go`: Go's builtins, Sprig's generic map
//! without `env`, `expandenv`, `getHostByName`, plus `normalize`,
//! `slugify`, `toYaml`, `fromYaml` and `fromYamlArray`. A call of any other
//! function, or an `{{end}}` with nothing to close, is a parse error: the
//! Application of that element is not generated.

use super::template_error::Error;

const GO_BUILTINS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

const ARGO_CD_EXTRAS: &[&str] = &[
    "normalize",
    "slugify",
    "toYaml",
    "fromYaml",
    "fromYamlArray",
];

/// Sprig v3's generic function map, less the three Argo CD deletes.
const SPRIG: &[&str] = &[
    "hello",
    "ago",
    "date",
    "date_in_zone",
    "date_modify",
    "dateInZone",
    "dateModify",
    "duration",
    "durationRound",
    "htmlDate",
    "htmlDateInZone",
    "must_date_modify",
    "mustDateModify",
    "mustToDate",
    "now",
    "toDate",
    "unixEpoch",
    "abbrev",
    "abbrevboth",
    "trunc",
    "trim",
    "upper",
    "lower",
    "title",
    "untitle",
    "substr",
    "repeat",
    "trimall",
    "trimAll",
    "trimSuffix",
    "trimPrefix",
    "nospace",
    "initials",
    "randAlphaNum",
    "randAlpha",
    "randAscii",
    "randNumeric",
    "randSeededNumeric",
    "swapcase",
    "shuffle",
    "snakecase",
    "camelcase",
    "kebabcase",
    "wrap",
    "wrapWith",
    "contains",
    "hasPrefix",
    "hasSuffix",
    "quote",
    "squote",
    "cat",
    "indent",
    "nindent",
    "replace",
    "plural",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "adler32sum",
    "toString",
    "atoi",
    "int64",
    "int",
    "float64",
    "seq",
    "toDecimal",
    "split",
    "splitList",
    "splitn",
    "toStrings",
    "until",
    "untilStep",
    "add1",
    "add",
    "sub",
    "div",
    "mod",
    "mul",
    "randInt",
    "add1f",
    "addf",
    "subf",
    "divf",
    "mulf",
    "biggest",
    "max",
    "min",
    "maxf",
    "minf",
    "ceil",
    "floor",
    "round",
    "join",
    "sortAlpha",
    "default",
    "empty",
    "coalesce",
    "all",
    "any",
    "compact",
    "mustCompact",
    "fromJson",
    "toJson",
    "toPrettyJson",
    "toRawJson",
    "mustFromJson",
    "mustToJson",
    "mustToPrettyJson",
    "mustToRawJson",
    "ternary",
    "deepCopy",
    "mustDeepCopy",
    "typeOf",
    "typeIs",
    "typeIsLike",
    "kindOf",
    "kindIs",
    "deepEqual",
    "base",
    "dir",
    "clean",
    "ext",
    "isAbs",
    "osBase",
    "osClean",
    "osDir",
    "osExt",
    "osIsAbs",
    "b64enc",
    "b64dec",
    "b32enc",
    "b32dec",
    "tuple",
    "list",
    "dict",
    "get",
    "set",
    "unset",
    "hasKey",
    "pluck",
    "keys",
    "pick",
    "omit",
    "merge",
    "mergeOverwrite",
    "mustMerge",
    "mustMergeOverwrite",
    "values",
    "append",
    "push",
    "mustAppend",
    "mustPush",
    "prepend",
    "mustPrepend",
    "first",
    "mustFirst",
    "rest",
    "mustRest",
    "last",
    "mustLast",
    "initial",
    "mustInitial",
    "reverse",
    "mustReverse",
    "uniq",
    "mustUniq",
    "without",
    "mustWithout",
    "has",
    "mustHas",
    "mustSlice",
    "concat",
    "dig",
    "chunk",
    "mustChunk",
    "bcrypt",
    "htpasswd",
    "genPrivateKey",
    "derivePassword",
    "buildCustomCert",
    "genCA",
    "genCAWithKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "encryptAES",
    "decryptAES",
    "randBytes",
    "uuidv4",
    "semver",
    "semverCompare",
    "fail",
    "regexMatch",
    "mustRegexMatch",
    "regexFindAll",
    "mustRegexFindAll",
    "regexFind",
    "mustRegexFind",
    "regexReplaceAll",
    "mustRegexReplaceAll",
    "regexReplaceAllLiteral",
    "mustRegexReplaceAllLiteral",
    "regexSplit",
    "mustRegexSplit",
    "regexQuoteMeta",
    "urlParse",
    "urlJoin",
];

/// Why Go itself rejects `src`, when the evaluator's error is one Argo CD
/// meets too; `None` when only this evaluator falls short.
pub fn argo_cd_fails(src: &str, error: &Error) -> Option<String> {
    let Error::Unsupported(msg) = error else {
        return None;
    };
    if let Some(name) = msg.strip_prefix("function ") {
        let known = [GO_BUILTINS, ARGO_CD_EXTRAS, SPRIG]
            .iter()
            .any(|list| list.contains(&name));
        return (!known).then(|| format!("function \"{name}\" not defined"));
    }
    // Only when every action is `end`/`else`: nothing could open a block.
    if msg.starts_with("unexpected {{end}}") && actions(src).all(|a| a == "end" || a == "else") {
        return Some("unexpected {{end}}".into());
    }
    None
}

/// The words that open each `{{ ... }}` action, trim markers removed.
fn actions(src: &str) -> impl Iterator<Item = &str> {
    src.split("{{").skip(1).filter_map(|a| {
        let inner = a.split("}}").next()?;
        let inner = inner.trim_start_matches('-').trim_end_matches('-').trim();
        inner.split_whitespace().next()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_go_rejects_too() {
        let unsupported = |m: &str| Error::Unsupported(m.into());
        assert_eq!(
            argo_cd_fails("{{cluster}}", &unsupported("function cluster")),
            Some("function \"cluster\" not defined".into())
        );
        // A Sprig function the evaluator lacks is not Argo CD's failure.
        assert_eq!(
            argo_cd_fails("{{ uuidv4 }}", &unsupported("function uuidv4")),
            None
        );
        assert_eq!(
            argo_cd_fails("{{end}}", &unsupported("unexpected {{end}} or {{else}}")),
            Some("unexpected {{end}}".into())
        );
        // With a `define` the evaluator does not parse, `{{end}}` may close it.
        assert_eq!(
            argo_cd_fails(
                "{{define \"x\"}}a{{end}}",
                &unsupported("unexpected {{end}} or {{else}}")
            ),
            None
        );
        assert_eq!(argo_cd_fails("{{.a}}", &Error::Exec("x".into())), None);
    }
}
