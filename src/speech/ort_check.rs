//! Checks the ONNX Runtime library before `ort` is allowed to load it.
//!
//! `ort` loads the library once, inside a process-wide lock; when that load fails (a file that is
//! not a library, or another library under the name) it deadlocks on itself and `hearth run` or
//! `hearth say` hang for ever with nothing said. So Hearth never hands `ort` a library it has not
//! checked:
//!
//! 1. a regular file (never a FIFO: opened non-blocking) with an ELF header for this machine;
//! 2. its SHA-256 equals the one in `voices/manifest.toml` (the pinned wheel's file), when the
//!    manifest lists it;
//! 3. a probe: `dlopen` it, find `OrtGetApiBase`, and ask it for its version and for the API
//!    version `ort` needs, exactly the steps `ort` takes, but here each failure is an error.
//!
//! Any failure is one line naming the file.

use std::ffi::{CStr, CString};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Why the library was refused (becomes the `reason` of a load error naming the file).
pub type Refusal = String;

/// Runs every check on the library at `path`.
pub fn verify(path: &Path) -> Result<(), Refusal> {
    check_elf(path)?;
    check_manifest_hash(path)?;
    probe(path)
}

#[cfg(target_arch = "x86_64")]
const ELF_MACHINE: u16 = 62;
#[cfg(target_arch = "aarch64")]
const ELF_MACHINE: u16 = 183;
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
const ELF_MACHINE: u16 = 0;

fn check_elf(path: &Path) -> Result<(), Refusal> {
    let mut f = crate::fsutil::open_regular(path).map_err(|e| e.to_string())?;
    let mut header = [0u8; 20];
    f.read_exact(&mut header)
        .map_err(|_| "too short to be a shared library".to_owned())?;
    if &header[..4] != b"\x7fELF" {
        return Err("not a shared library (no ELF header)".to_owned());
    }
    let class_ok = match std::mem::size_of::<usize>() {
        8 => header[4] == 2,
        _ => header[4] == 1,
    };
    let machine = u16::from_le_bytes([header[18], header[19]]);
    if !class_ok || header[5] != 1 || (ELF_MACHINE != 0 && machine != ELF_MACHINE) {
        return Err(format!(
            "a library for another kind of machine (ELF class {}, machine {machine})",
            header[4]
        ));
    }
    // ET_DYN
    if u16::from_le_bytes([header[16], header[17]]) != 3 {
        return Err("an ELF file, but not a shared library".to_owned());
    }
    Ok(())
}

/// Compares the file with the hash its manifest promises (when the manifest beside it lists it).
fn check_manifest_hash(path: &Path) -> Result<(), Refusal> {
    let Some(dir) = path.parent() else {
        return Ok(());
    };
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(());
    };
    let manifest_path = dir.join("manifest.toml");
    if !manifest_path.exists() {
        tracing::warn!(path = %path.display(), "no manifest beside the ONNX Runtime library; not checking its hash");
        return Ok(());
    }
    let assets = super::assets::Assets {
        root: dir.parent().unwrap_or(dir).to_path_buf(),
    };
    let manifest = match assets.voice_manifest() {
        Ok(m) if dir.ends_with("voices") => m,
        Ok(_) => return Ok(()),
        Err(e) => return Err(format!("cannot check it against its manifest: {e}")),
    };
    let expected = manifest
        .runtime
        .iter()
        .chain(manifest.voice.iter())
        .flat_map(|v| v.wheel.iter())
        .flat_map(|w| w.extract.iter())
        .find(|x| x.to == name)
        .map(|x| x.sha256.to_ascii_lowercase());
    let Some(expected) = expected else {
        return Ok(());
    };
    let found = super::assets::sha256_file(path).map_err(|e| e.to_string())?;
    if found != expected {
        return Err(format!(
            "its SHA-256 is {found}, but {} says {expected}: damaged or replaced, reinstall it with {}",
            manifest_path.display(),
            super::assets::INSTALL_COMMAND
        ));
    }
    Ok(())
}

/// Closes a `dlopen` handle.
struct Handle(*mut libc::c_void);

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle came from a successful dlopen and is closed once. The library
        // stays loaded if `ort` opened it meanwhile (dlopen counts references).
        unsafe { libc::dlclose(self.0) };
    }
}

fn dl_error() -> String {
    // SAFETY: dlerror returns NULL or a valid C string owned by libc, read at once.
    let e = unsafe { libc::dlerror() };
    if e.is_null() {
        "unknown error".to_owned()
    } else {
        // SAFETY: non-null and NUL-terminated, per dlerror's contract.
        unsafe { CStr::from_ptr(e) }.to_string_lossy().into_owned()
    }
}

/// What `ort` does when it loads the library, with every failure turned into an error.
fn probe(path: &Path) -> Result<(), Refusal> {
    let c_path = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| "a path with a NUL byte".to_owned())?;
    // SAFETY: a valid C string; RTLD_LOCAL keeps its symbols out of the global namespace.
    let raw = unsafe { libc::dlopen(c_path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
    if raw.is_null() {
        return Err(format!("cannot be loaded: {}", dl_error()));
    }
    let handle = Handle(raw);
    // SAFETY: a live handle and a valid symbol name.
    let sym = unsafe { libc::dlsym(handle.0, c"OrtGetApiBase".as_ptr()) };
    if sym.is_null() {
        return Err("not ONNX Runtime (it has no OrtGetApiBase)".to_owned());
    }
    type GetApiBase = unsafe extern "system" fn() -> *const ort::sys::OrtApiBase;
    // SAFETY: OrtGetApiBase has this signature in every ONNX Runtime release (the C API's
    // stable entry point).
    let get_base: GetApiBase = unsafe { std::mem::transmute::<*mut libc::c_void, GetApiBase>(sym) };
    // SAFETY: calling the library's entry point; it takes no arguments.
    let base = unsafe { get_base() };
    if base.is_null() {
        return Err("OrtGetApiBase returned nothing".to_owned());
    }
    // SAFETY: `base` points at the library's static OrtApiBase; its version string is static.
    let version = unsafe {
        let v = ((*base).GetVersionString)();
        if v.is_null() {
            return Err("it reports no version".to_owned());
        }
        CStr::from_ptr(v).to_string_lossy().into_owned()
    };
    let minor = version
        .split('.')
        .nth(1)
        .and_then(|m| m.parse::<u32>().ok())
        .unwrap_or(0);
    if !version.starts_with("1.") || minor < ort::MINOR_VERSION {
        return Err(format!(
            "ONNX Runtime {version} is too old (1.{}.x or newer is needed)",
            ort::MINOR_VERSION
        ));
    }
    // SAFETY: GetApi takes a version number and returns NULL when it does not support it.
    let api = unsafe { ((*base).GetApi)(ort::sys::ORT_API_VERSION) };
    if api.is_null() {
        return Err(format!(
            "ONNX Runtime {version} does not offer API version {}",
            ort::sys::ORT_API_VERSION
        ));
    }
    drop(handle);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_and_wrong_libraries_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let garbage = d.path().join("libonnxruntime.so.1.31.1");
        std::fs::write(&garbage, b"this is not a library at all, just bytes").unwrap();
        assert!(verify(&garbage).unwrap_err().contains("ELF"));
        // A real shared library that is not ONNX Runtime.
        let libc_path = [
            "/lib/x86_64-linux-gnu/libz.so.1",
            "/lib/aarch64-linux-gnu/libz.so.1",
        ]
        .into_iter()
        .map(Path::new)
        .find(|p| p.exists());
        if let Some(lib) = libc_path {
            let wrong = d.path().join("wrong.so");
            std::fs::copy(lib, &wrong).unwrap();
            assert!(verify(&wrong).unwrap_err().contains("OrtGetApiBase"));
        }
    }
}
