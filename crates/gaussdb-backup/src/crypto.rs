//! SHA-256 and HMAC-SHA256 for the request signature, from whichever
//! implementation the build already has.
//!
//! With the default `rustls` feature, reqwest's TLS already builds aws-lc-rs,
//! which has both; using it adds nothing to a user's build. Without it
//! (`native-tls`, `rustls-no-provider`, or no TLS), the RustCrypto crates
//! `sha2` and `hmac` do the same (the `rustcrypto` feature, which those TLS
//! features turn on). The two give the same bytes: the signing tests run the
//! official SDKs' vectors through the one in use, and
//! `both_implementations_agree` compares them when both are built (as in the
//! workspace's own test run, where the tests crate enables `rustcrypto`).

#[cfg(not(any(feature = "rustls", feature = "rustcrypto")))]
compile_error!(
    "gaussdb-backup signs requests with HMAC-SHA256 and needs an implementation: \
     enable `rustls` (the default; aws-lc-rs), `native-tls` or `rustls-no-provider` \
     (both use the RustCrypto crates), or `rustcrypto` alone for a client without TLS"
);

/// SHA-256 of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    #[cfg(feature = "rustls")]
    return aws_lc::sha256(bytes);
    #[cfg(not(feature = "rustls"))]
    return rust_crypto::sha256(bytes);
}

/// HMAC-SHA256 of `message` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    #[cfg(feature = "rustls")]
    return aws_lc::hmac_sha256(key, message);
    #[cfg(not(feature = "rustls"))]
    return rust_crypto::hmac_sha256(key, message);
}

#[cfg(feature = "rustls")]
mod aws_lc {
    use aws_lc_rs::{digest, hmac};

    pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
        let digest = digest::digest(&digest::SHA256, bytes);
        let mut out = [0; 32];
        out.copy_from_slice(digest.as_ref());
        out
    }

    pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
        let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), message);
        let mut out = [0; 32];
        out.copy_from_slice(tag.as_ref());
        out
    }
}

#[cfg(feature = "rustcrypto")]
mod rust_crypto {
    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};

    #[cfg_attr(feature = "rustls", allow(dead_code))]
    pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
        Sha256::digest(bytes).into()
    }

    #[cfg_attr(feature = "rustls", allow(dead_code))]
    pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
        // A key of any length is valid for HMAC: longer ones are hashed.
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
        mac.update(message);
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FIPS 180-2's "abc" and RFC 4231's test case 2, through the
    /// implementation this build uses.
    #[test]
    fn known_answers() {
        assert_eq!(
            hex::encode(sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    /// With both built, they agree on keys shorter than, equal to and longer
    /// than SHA-256's block, and on empty input.
    #[cfg(all(feature = "rustls", feature = "rustcrypto"))]
    #[test]
    fn both_implementations_agree() {
        for key_len in [0usize, 1, 32, 64, 65, 200] {
            let key: Vec<u8> = (0..key_len).map(|i| i as u8).collect();
            for message in [
                &b""[..],
                b"SDK-HMAC-SHA256\n20191115T033655Z\nabc",
                &[0xff; 1000],
            ] {
                assert_eq!(
                    aws_lc::hmac_sha256(&key, message),
                    rust_crypto::hmac_sha256(&key, message)
                );
                assert_eq!(aws_lc::sha256(message), rust_crypto::sha256(message));
            }
        }
    }
}
