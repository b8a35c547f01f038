//! Build script: espeak-ng (bundled by espeak-rs-sys for Piper's phonemizer) is configured
//! against the system's libsonic but does not link it; link it here.
fn main() {
    println!("cargo:rustc-link-lib=static=sonic");
    println!("cargo:rerun-if-changed=build.rs");
}
