//! The sealing certificate (`--seal-cert`), checked as kubeseal would use it:
//! a PEM X.509 certificate (or PEM public key) holding an RSA key of at least
//! 2048 bits, valid now unless `--seal-allow-expired`.

use std::time::SystemTime;

use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use rsa::RsaPublicKey;
use x509_cert::der::{Decode, DecodePem, Encode};

/// Smallest RSA key accepted (the sealed-secrets controller generates 4096).
pub const MIN_RSA_BITS: usize = 2048;

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_ED25519: &str = "1.3.101.112";

/// Load the controller's key from the bytes of a certificate file.
pub fn load_certificate(
    bytes: &[u8],
    allow_expired: bool,
    now: SystemTime,
) -> Result<RsaPublicKey, String> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(not_pem(bytes));
    };
    if text.contains("-----BEGIN CERTIFICATE-----") {
        let cert = x509_cert::Certificate::from_pem(text.trim_start().as_bytes())
            .map_err(|e| format!("invalid PEM certificate: {e}"))?;
        check_validity(&cert, allow_expired, now)?;
        let spki = &cert.tbs_certificate.subject_public_key_info;
        check_algorithm(&spki.algorithm.oid.to_string())?;
        let der = spki
            .to_der()
            .map_err(|e| format!("invalid certificate key: {e}"))?;
        let key = RsaPublicKey::from_public_key_der(&der)
            .map_err(|e| format!("invalid RSA key in the certificate: {e}"))?;
        check_size(&key)?;
        Ok(key)
    } else if text.contains("-----BEGIN PUBLIC KEY-----") {
        let key = public_key_from_pem(text)?;
        check_size(&key)?;
        Ok(key)
    } else if text.contains("-----BEGIN") {
        Err("expected a PEM `CERTIFICATE` (the output of `kubeseal --fetch-cert`); this PEM block is something else".into())
    } else {
        Err(not_pem(bytes))
    }
}

/// An RSA public key from a PEM `PUBLIC KEY` or the first PEM certificate,
/// without date or size checks.
pub fn public_key_from_pem(pem: &str) -> Result<RsaPublicKey, String> {
    if pem.contains("BEGIN CERTIFICATE") {
        let cert = x509_cert::Certificate::from_pem(pem.trim_start().as_bytes())
            .map_err(|e| format!("invalid certificate: {e}"))?;
        let spki = &cert.tbs_certificate.subject_public_key_info;
        check_algorithm(&spki.algorithm.oid.to_string())?;
        let der = spki
            .to_der()
            .map_err(|e| format!("invalid certificate key: {e}"))?;
        RsaPublicKey::from_public_key_der(&der)
            .map_err(|e| format!("invalid RSA key in the certificate: {e}"))
    } else {
        RsaPublicKey::from_public_key_pem(pem).map_err(|e| format!("invalid public key: {e}"))
    }
}

fn not_pem(bytes: &[u8]) -> String {
    if x509_cert::Certificate::from_der(bytes).is_ok() {
        "the certificate is DER (binary); kubeseal reads PEM: convert it with `openssl x509 -inform der -in CERT -out cert.pem`".into()
    } else {
        "not a certificate: expected a PEM `-----BEGIN CERTIFICATE-----` block (the output of `kubeseal --fetch-cert`)".into()
    }
}

fn check_algorithm(oid: &str) -> Result<(), String> {
    match oid {
        OID_RSA => Ok(()),
        OID_EC => Err("the certificate's key is an elliptic-curve (EC) key; sealed-secrets encrypts with RSA-OAEP and needs an RSA certificate".into()),
        OID_ED25519 => Err("the certificate's key is Ed25519; sealed-secrets needs an RSA certificate".into()),
        other => Err(format!("the certificate's key algorithm ({other}) is not RSA; sealed-secrets needs an RSA certificate")),
    }
}

fn check_size(key: &RsaPublicKey) -> Result<(), String> {
    let bits = key.n().bits();
    if bits < MIN_RSA_BITS {
        return Err(format!(
            "the RSA key has {bits} bits; at least {MIN_RSA_BITS} are required (the sealed-secrets controller generates 4096-bit keys)"
        ));
    }
    Ok(())
}

fn check_validity(
    cert: &x509_cert::Certificate,
    allow_expired: bool,
    now: SystemTime,
) -> Result<(), String> {
    if allow_expired {
        return Ok(());
    }
    let validity = &cert.tbs_certificate.validity;
    let not_before = validity.not_before.to_system_time();
    let not_after = validity.not_after.to_system_time();
    if now < not_before {
        return Err(format!(
            "the certificate is not valid yet (valid from {}); use --seal-allow-expired to seal with it anyway",
            validity.not_before
        ));
    }
    if now > not_after {
        return Err(format!(
            "the certificate expired on {}; fetch the current one with `kubeseal --fetch-cert`, or use --seal-allow-expired",
            validity.not_after
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(name: &str, allow_expired: bool) -> Result<RsaPublicKey, String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/seal")
            .join(name);
        load_certificate(
            &std::fs::read(path).unwrap(),
            allow_expired,
            SystemTime::now(),
        )
    }

    #[test]
    fn the_test_certificate_is_accepted() {
        assert_eq!(load("test-cert.pem", false).unwrap().n().bits(), 2048);
    }

    #[test]
    fn expired_and_not_yet_valid_need_the_override() {
        let err = load("expired-cert.pem", false).unwrap_err();
        assert!(err.contains("expired on 2021-01-01"), "{err}");
        assert!(load("expired-cert.pem", true).is_ok());
        let err = load("future-cert.pem", false).unwrap_err();
        assert!(err.contains("not valid yet"), "{err}");
        assert!(load("future-cert.pem", true).is_ok());
    }

    #[test]
    fn small_keys_are_refused_with_their_size() {
        let err = load("rsa1024-cert.pem", false).unwrap_err();
        assert!(err.contains("1024 bits"), "{err}");
        let err = load("rsa512-cert.pem", false).unwrap_err();
        assert!(err.contains("512 bits"), "{err}");
    }

    #[test]
    fn ec_der_and_not_a_certificate_say_what_they_are() {
        let err = load("ec-cert.pem", false).unwrap_err();
        assert!(err.contains("elliptic-curve (EC)"), "{err}");
        let err = load("test-cert.der", false).unwrap_err();
        assert!(err.contains("DER (binary)"), "{err}");
        let err = load("not-a-cert.txt", false).unwrap_err();
        assert!(err.starts_with("not a certificate"), "{err}");
    }
}
