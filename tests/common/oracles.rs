//! The referees of `shared/oracles` (written by others) and the command-line tools our output is
//! checked with. When one is missing a test skips with a note, unless `BACKOFFICE_REQUIRE_ORACLES=1`
//! (CI), where a missing referee is a failure: a check that silently did not run proves nothing.
//!
//! - `BACKOFFICE_ORACLE_PYTHON`: the referees' Python (default `$HOME/.cache/oracles-venv/bin/python`,
//!   made by `shared/oracles/setup.sh`);
//! - `BACKOFFICE_ORACLES_DIR`: the folder of the scripts (default `../shared/oracles` beside the crate,
//!   else `/work/shared/oracles`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

pub fn required() -> bool {
    std::env::var("BACKOFFICE_REQUIRE_ORACLES").is_ok_and(|v| v == "1")
}

/// Skips (returns `None`) or, when referees are required, fails with `why`.
fn missing<T>(why: String) -> Option<T> {
    if required() {
        panic!("{why} (BACKOFFICE_REQUIRE_ORACLES=1)");
    }
    eprintln!("note: skipping referee check: {why}");
    None
}

pub struct Oracles {
    pub python: PathBuf,
    pub dir: PathBuf,
}

impl Oracles {
    pub fn find() -> Option<Self> {
        let python = match std::env::var_os("BACKOFFICE_ORACLE_PYTHON") {
            Some(p) => PathBuf::from(p),
            None => match std::env::var_os("HOME") {
                Some(home) => Path::new(&home).join(".cache/oracles-venv/bin/python"),
                None => return missing("neither BACKOFFICE_ORACLE_PYTHON nor HOME is set".into()),
            },
        };
        if !python.is_file() {
            return missing(format!(
                "no referee Python at {} (run shared/oracles/setup.sh)",
                python.display()
            ));
        }
        let dir = match std::env::var_os("BACKOFFICE_ORACLES_DIR") {
            Some(d) => PathBuf::from(d),
            None => {
                let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/oracles");
                if beside.is_dir() {
                    beside
                } else {
                    PathBuf::from("/work/shared/oracles")
                }
            }
        };
        if !dir.join("barcode_decode.py").is_file() {
            return missing(format!("no barcode_decode.py in {}", dir.display()));
        }
        Some(Oracles { python, dir })
    }

    /// Runs `barcode_decode.py --expect TEXT IMAGE...`: every image must hold a barcode whose text is
    /// exactly `expect`. Returns the referee's output on failure.
    pub fn decode_expect(&self, expect: &str, images: &[PathBuf]) -> Result<String, String> {
        self.verdict(
            Command::new(&self.python)
                .arg(self.dir.join("barcode_decode.py"))
                .arg("--expect")
                .arg(expect)
                .args(images),
        )
    }

    /// Runs `x12_check.py FILE...`: every file must pass pyx12 against the implementation guide (and
    /// x12sdk for 837P/835). Returns the referee's output, on failure as the error.
    pub fn x12_check(&self, files: &[PathBuf]) -> Result<String, String> {
        let script = self.dir.join("x12_check.py");
        if !script.is_file() {
            return Err(format!("no x12_check.py in {}", self.dir.display()));
        }
        self.verdict(Command::new(&self.python).arg(script).args(files))
    }

    /// Runs a referee: its output, as the error when it fails.
    fn verdict(&self, command: &mut Command) -> Result<String, String> {
        let output = command
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.python.display()))?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        if output.status.success() {
            Ok(text)
        } else {
            Err(text)
        }
    }
}

/// A program on PATH (`rsvg-convert`, `pdftoppm`), or skip/fail like a missing referee.
pub fn tool(name: &str, package: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    match found {
        Some(path) => Some(path),
        None => missing(format!("{name} not found (Debian package {package})")),
    }
}

/// A fresh scratch folder, removed on drop unless `BACKOFFICE_KEEP_LABELS` is set (to look at them).
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "backoffice-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        Scratch(dir)
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::env::var_os("BACKOFFICE_KEEP_LABELS").is_some() {
            eprintln!("labels kept in {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Runs a command, failing the test with its output when it fails.
pub fn run(cmd: &mut Command) {
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        output.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
