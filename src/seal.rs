//! kubeseal-compatible sealing (SPEC §7): per value a random 32-byte AES-256-GCM
//! session key, RSA-OAEP (SHA-256) encryption of that key with the label
//! `namespace/name` (strict scope), output `len(u16 BE) || rsa || aes-gcm`, base64.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use rand::RngCore;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Oaep, RsaPublicKey};
use x509_cert::der::{DecodePem, Encode};

/// Read the controller's public key from a PEM certificate (or a PEM public key).
pub fn public_key_from_pem(pem: &str) -> Result<RsaPublicKey, String> {
    if pem.contains("BEGIN CERTIFICATE") {
        let cert = x509_cert::Certificate::from_pem(pem.as_bytes())
            .map_err(|e| format!("invalid certificate: {e}"))?;
        let spki = cert
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .map_err(|e| format!("invalid certificate key: {e}"))?;
        RsaPublicKey::from_public_key_der(&spki)
            .map_err(|e| format!("the certificate's key is not RSA: {e}"))
    } else {
        RsaPublicKey::from_public_key_pem(pem).map_err(|e| format!("invalid public key: {e}"))
    }
}

/// Encrypt one value for `namespace/name`, base64-encoded as in `encryptedData`.
pub fn seal_value(
    key: &RsaPublicKey,
    namespace: &str,
    name: &str,
    plaintext: &[u8],
) -> Result<String, String> {
    let mut rng = rand::rngs::OsRng;
    let mut session_key = [0u8; 32];
    rng.fill_bytes(&mut session_key);
    let label = format!("{namespace}/{name}");
    let padding = Oaep::new_with_label::<sha2::Sha256, _>(label);
    let rsa_ct = key
        .encrypt(&mut rng, padding, &session_key)
        .map_err(|e| format!("RSA encryption failed: {e}"))?;
    let cipher = Aes256Gcm::new_from_slice(&session_key).map_err(|e| e.to_string())?;
    // The session key is used once, so kubeseal uses an all-zero nonce.
    let aes_ct = cipher
        .encrypt(Nonce::from_slice(&[0u8; 12]), plaintext)
        .map_err(|e| format!("AES-GCM encryption failed: {e}"))?;
    let mut out = Vec::with_capacity(2 + rsa_ct.len() + aes_ct.len());
    out.extend_from_slice(&(rsa_ct.len() as u16).to_be_bytes());
    out.extend_from_slice(&rsa_ct);
    out.extend_from_slice(&aes_ct);
    Ok(base64::engine::general_purpose::STANDARD.encode(out))
}

/// A SealedSecret manifest in kubeseal's YAML layout.
pub fn sealed_secret_yaml(
    key: &RsaPublicKey,
    namespace: &str,
    name: &str,
    secret_type: Option<&str>,
    data: &[(String, Vec<u8>)],
    newline: &str,
) -> Result<String, String> {
    let mut lines = vec![
        "apiVersion: bitnami.com/v1alpha1".to_string(),
        "kind: SealedSecret".to_string(),
        "metadata:".to_string(),
        "  creationTimestamp: null".to_string(),
        format!("  name: {name}"),
        format!("  namespace: {namespace}"),
        "spec:".to_string(),
        "  encryptedData:".to_string(),
    ];
    for (k, v) in data {
        lines.push(format!("    {k}: {}", seal_value(key, namespace, name, v)?));
    }
    lines.extend([
        "  template:".to_string(),
        "    metadata:".to_string(),
        "      creationTimestamp: null".to_string(),
        format!("      name: {name}"),
        format!("      namespace: {namespace}"),
    ]);
    if let Some(t) = secret_type {
        lines.push(format!("    type: {t}"));
    }
    Ok(lines.join(newline))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::RsaPrivateKey;

    const CERT: &str = include_str!("../tests/data/seal/test-cert.pem");
    const KEY: &str = include_str!("../tests/data/seal/test-key.pem");

    /// Decrypt as the sealed-secrets controller does.
    fn unseal(private: &RsaPrivateKey, label: &str, sealed_b64: &str) -> Vec<u8> {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(sealed_b64)
            .unwrap();
        let len = u16::from_be_bytes([raw[0], raw[1]]) as usize;
        let (rsa_ct, aes_ct) = raw[2..].split_at(len);
        let padding = Oaep::new_with_label::<sha2::Sha256, _>(label);
        let session = private.decrypt(padding, rsa_ct).unwrap();
        let cipher = Aes256Gcm::new_from_slice(&session).unwrap();
        cipher
            .decrypt(Nonce::from_slice(&[0u8; 12]), aes_ct)
            .unwrap()
    }

    #[test]
    fn round_trip_with_the_controller_key() {
        let public = public_key_from_pem(CERT).unwrap();
        let private = RsaPrivateKey::from_pkcs8_pem(KEY).unwrap();
        let sealed = seal_value(&public, "flash-tickets-prod", "api-db", b"s3cr3t-p@ss").unwrap();
        assert_eq!(
            unseal(&private, "flash-tickets-prod/api-db", &sealed),
            b"s3cr3t-p@ss"
        );
    }

    #[test]
    fn the_label_binds_namespace_and_name() {
        let public = public_key_from_pem(CERT).unwrap();
        let private = RsaPrivateKey::from_pkcs8_pem(KEY).unwrap();
        let sealed = seal_value(&public, "ns", "a", b"x").unwrap();
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&sealed)
            .unwrap();
        let len = u16::from_be_bytes([raw[0], raw[1]]) as usize;
        let padding = Oaep::new_with_label::<sha2::Sha256, _>("ns/b");
        assert!(private.decrypt(padding, &raw[2..2 + len]).is_err());
    }

    #[test]
    fn manifest_layout_matches_kubeseal() {
        let public = public_key_from_pem(CERT).unwrap();
        let yaml = sealed_secret_yaml(
            &public,
            "ns",
            "db",
            Some("Opaque"),
            &[("password".into(), b"pw".to_vec())],
            "\n",
        )
        .unwrap();
        let parsed = crate::yaml::parse(&yaml, crate::yaml::FileId(0));
        assert!(parsed.error.is_none());
        let root = &parsed.documents[0].root;
        assert_eq!(root.str_at(&["kind"]), Some("SealedSecret"));
        assert!(root
            .path(&["metadata", "creationTimestamp"])
            .unwrap()
            .is_null());
        assert_eq!(root.str_at(&["spec", "template", "type"]), Some("Opaque"));
        assert!(root
            .path(&["spec", "encryptedData", "password"])
            .unwrap()
            .as_str()
            .unwrap()
            .starts_with("A"));
    }
}
