//! Which RSA backend signs tokens: the pure-Rust `rsa` crate or aws-lc-rs (what the mock's
//! signing keys use, `src/keys/signing_key.rs`).
//! Token throughput is bound by RS256 signing, so this decided the backend.
//!
//! `cargo bench --bench signing`

use rsa::pkcs1v15::SigningKey as RsaCrateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use std::time::{Duration, Instant};

const KEY: &str = include_str!("../fixtures/default/keys/current.pem");

fn rate(label: &str, mut f: impl FnMut()) -> f64 {
    for _ in 0..20 {
        f();
    }
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < Duration::from_secs(3) {
        f();
        n += 1;
    }
    let per_sec = n as f64 / started.elapsed().as_secs_f64();
    println!("{label:<40} {per_sec:>10.0} signatures/s (one core)");
    per_sec
}

fn main() {
    let pem = &KEY[KEY.find("-----BEGIN").unwrap_or(0)..];
    let message = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhdXRoMHxhbGljZSJ9";
    let pure = rsa::RsaPrivateKey::from_pkcs8_pem(pem).expect("embedded key parses");
    let pure = RsaCrateKey::<sha2::Sha256>::new(pure);
    let a = rate("rsa crate 0.9 (pure Rust)", || {
        std::hint::black_box(pure.sign(message).to_vec());
    });
    let der = rsa::pkcs8::EncodePrivateKey::to_pkcs8_der(
        &rsa::RsaPrivateKey::from_pkcs8_pem(pem).expect("parses"),
    )
    .expect("encodes");
    let key =
        aws_lc_rs::signature::RsaKeyPair::from_pkcs8(der.as_bytes()).expect("aws-lc loads the key");
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let mut sig = vec![0u8; key.public_modulus_len()];
    let b = rate("aws-lc-rs (auth0-mock's backend)", || {
        key.sign(
            &aws_lc_rs::signature::RSA_PKCS1_SHA256,
            &rng,
            message,
            &mut sig,
        )
        .expect("signs");
        std::hint::black_box(&sig);
    });
    println!("aws-lc-rs / rsa crate: {:.1}x", b / a);
}
