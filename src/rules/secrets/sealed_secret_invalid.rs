use base64::Engine;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{ObjectCx, Rule, RuleMeta, Scope};
use crate::yaml::Node;

/// A SealedSecret that the controller cannot unseal: `encryptedData` that is
/// not base64 or not in kubeseal's format (a length-prefixed RSA-encrypted
/// session key followed by AES-GCM ciphertext), or a `spec.template.metadata`
/// name/namespace contradicting the SealedSecret's own.
pub struct SealedSecretInvalid;

static META: RuleMeta = RuleMeta::new(
    "sealed-secret-invalid",
    Severity::Error,
    Scope::Object,
    "SealedSecret with non-base64 data, or template name/namespace that contradicts its metadata",
);

/// Why a sealed value is malformed, if it is.
fn malformed(value: &str) -> Option<&'static str> {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Some("is empty");
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(&compact))
        .ok();
    let Some(bytes) = bytes else {
        return Some("is not valid base64");
    };
    // kubeseal: u16 BE length of the RSA ciphertext, the ciphertext (>= 128
    // bytes for any RSA key in use), then AES-GCM output (>= 16-byte tag).
    if bytes.len() < 2 {
        return Some("is too short to be sealed");
    }
    let rsa_len = u16::from_be_bytes([bytes[0], bytes[1]]) as usize;
    if rsa_len < 128 || bytes.len() < 2 + rsa_len + 16 {
        return Some("is not kubeseal output (plain base64, not encrypted?)");
    }
    None
}

impl Rule for SealedSecretInvalid {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check_object(&self, cx: &ObjectCx, out: &mut Vec<Diagnostic>) {
        let o = cx.object;
        if o.kind != "SealedSecret" || o.group() != "bitnami.com" {
            return;
        }
        for e in o
            .root
            .path(&["spec", "encryptedData"])
            .map(Node::entries)
            .unwrap_or(&[])
        {
            let Some(v) = e.value.as_str() else { continue };
            if super::is_reference(v) {
                continue;
            }
            if let Some(why) = malformed(v) {
                out.push(
                    Diagnostic::new(
                        e.value.span,
                        format!(
                            "SealedSecret `{}` encryptedData `{}` {why}",
                            o.name, e.key.name
                        ),
                    )
                    .with_help("re-seal the value with kubeseal against the cluster's certificate"),
                );
            }
        }
        let Some(tmeta) = o.root.path(&["spec", "template", "metadata"]) else {
            return;
        };
        for (key, own) in [
            ("name", Some(o.name.as_str())),
            ("namespace", o.namespace.as_deref()),
        ] {
            let (Some(t), Some(own)) = (tmeta.get(key), own) else {
                continue;
            };
            let Some(tv) = t.as_str().filter(|s| !s.is_empty()) else {
                continue;
            };
            if tv != own {
                out.push(
                    Diagnostic::new(
                        t.span,
                        format!(
                            "SealedSecret `{}` template {key} `{tv}` contradicts its metadata {key} `{own}`",
                            o.name
                        ),
                    )
                    .with_help(format!("the controller unseals with the SealedSecret's own {key}: make them equal or remove the template's {key}")),
                );
            }
        }
    }
}
