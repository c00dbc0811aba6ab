//! kubeseal-compatible sealing (SPEC §7): per value a random 32-byte AES-256-GCM
//! session key, RSA-OAEP (SHA-256) encryption of that key with the label of
//! the Secret's scope (`namespace/name` when strict, as by default), output
//! `len(u16 BE) || rsa || aes-gcm`, base64. The SealedSecret keeps the
//! Secret's labels and annotations in its template, as kubeseal does.

mod cert;
mod manifest;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use rand::RngCore;
use rsa::{Oaep, RsaPublicKey};

pub use cert::{load_certificate, public_key_from_pem};
pub use manifest::{sealed_secret, OutputFormat, SecretInput};

/// Encrypt one value with the scope `label` (`namespace/name` for strict scope),
/// base64-encoded as in `encryptedData`.
pub fn seal_value(key: &RsaPublicKey, label: &str, plaintext: &[u8]) -> Result<String, String> {
    let mut rng = rand::rngs::OsRng;
    let mut session_key = [0u8; 32];
    rng.fill_bytes(&mut session_key);
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
        let sealed = seal_value(&public, "flash-tickets-prod/api-db", b"s3cr3t-p@ss").unwrap();
        assert_eq!(
            unseal(&private, "flash-tickets-prod/api-db", &sealed),
            b"s3cr3t-p@ss"
        );
    }

    #[test]
    fn the_label_binds_namespace_and_name() {
        let public = public_key_from_pem(CERT).unwrap();
        let private = RsaPrivateKey::from_pkcs8_pem(KEY).unwrap();
        let sealed = seal_value(&public, "ns/a", b"x").unwrap();
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&sealed)
            .unwrap();
        let len = u16::from_be_bytes([raw[0], raw[1]]) as usize;
        let padding = Oaep::new_with_label::<sha2::Sha256, _>("ns/b");
        assert!(private.decrypt(padding, &raw[2..2 + len]).is_err());
    }
}
