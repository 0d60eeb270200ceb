//! The limits jixiao keeps on what it reads, so that no input — a device, an endless pipe, a
//! file a pull request links in — can make it read without end (docs/robustness.md, "Limits").

use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Default for the bytes read from one document (`--max-input-size`).
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 1 << 30;

/// Bytes read from a configuration, policy, baseline or test file.
pub const MAX_SIDE_FILE_BYTES: u64 = 64 << 20;

static MAX_INPUT_BYTES: AtomicU64 = AtomicU64::new(DEFAULT_MAX_INPUT_BYTES);

/// The most bytes read from one document.
pub fn max_input_bytes() -> u64 {
    MAX_INPUT_BYTES.load(Ordering::Relaxed)
}

/// Set the most bytes read from one document (the command line's `--max-input-size`).
pub fn set_max_input_bytes(bytes: u64) {
    MAX_INPUT_BYTES.store(bytes.max(1), Ordering::Relaxed);
}

/// Read a document, at most [`max_input_bytes`].
pub fn read_input(path: &Path) -> io::Result<Vec<u8>> {
    read_file(path, max_input_bytes(), "--max-input-size")
}

/// Read standard input as a document, at most [`max_input_bytes`].
pub fn read_stdin() -> io::Result<Vec<u8>> {
    read_bounded(io::stdin().lock(), max_input_bytes(), "--max-input-size")
}

/// Read a configuration, policy, baseline or test file, at most [`MAX_SIDE_FILE_BYTES`].
pub fn read_side_file(path: &Path) -> io::Result<Vec<u8>> {
    read_file(path, MAX_SIDE_FILE_BYTES, "")
}

/// The directory a configuration found by searching (not named on the command line) may read
/// files under: the repository it is in (the nearest directory above it with `.git`), or its
/// own directory outside a repository. A `jixiao.toml` arrives with the files it configures —
/// in a pull request, from a stranger — and must not make jixiao read and quote `/etc/shadow`.
pub fn trust_root(config: &Path) -> Option<std::path::PathBuf> {
    let canonical = std::fs::canonicalize(config).ok()?;
    let dir = canonical.parent()?;
    let repository = dir.ancestors().find(|d| d.join(".git").exists());
    Some(repository.unwrap_or(dir).to_path_buf())
}

/// Read a configuration or policy file that another file names, when that file is confined to
/// `root` (see [`trust_root`]): the file must be under `root` (links resolved) and have the
/// `extension` of its kind, so that nothing else is read, let alone quoted in an error.
pub fn read_confined(path: &Path, root: Option<&Path>, extension: &str) -> io::Result<Vec<u8>> {
    if let Some(root) = root {
        if path.extension().and_then(|e| e.to_str()) != Some(extension) {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("只读取 .{extension} 文件（这个路径来自自动找到的配置，不是命令行）"),
            ));
        }
        ensure_within(path, root)?;
    }
    read_side_file(path)
}

/// Refuse `path` unless it is under `root` once links are resolved.
pub fn ensure_within(path: &Path, root: &Path) -> io::Result<()> {
    let canonical = std::fs::canonicalize(path)?;
    if canonical.starts_with(root) {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "路径在 {} 之外：自动找到的配置只能读取它所在仓库（或目录）里的文件；用 --config 或 --policy 在命令行上指定则不受此限",
            root.display()
        ),
    ))
}

fn read_file(path: &Path, max: u64, setting: &str) -> io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    // A regular file says its size: refuse it before reading, or read it into one buffer of
    // that size. Devices and pipes say 0.
    let size = match file.metadata() {
        Ok(meta) if meta.is_file() => meta.len(),
        _ => 0,
    };
    if size > max {
        return Err(too_large(max, setting));
    }
    if size > 0 {
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > max {
            return Err(too_large(max, setting));
        }
        return Ok(bytes);
    }
    read_bounded(file, max, setting)
}

/// Read a stream of unknown length, at most `max` bytes. It is read in pieces and joined once
/// at the end: an endless device is refused holding no more than `max` bytes (a growing buffer
/// would double to twice the limit for the byte that shows it is too large).
fn read_bounded(mut reader: impl Read, max: u64, setting: &str) -> io::Result<Vec<u8>> {
    const PIECE: usize = 16 << 20;
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    let mut total: u64 = 0;
    loop {
        let mut piece = Vec::with_capacity(PIECE);
        let read = (&mut reader).take(PIECE as u64).read_to_end(&mut piece)?;
        total += read as u64;
        if total > max {
            return Err(too_large(max, setting));
        }
        if read == 0 {
            break;
        }
        pieces.push(piece);
    }
    if let [only] = pieces.as_mut_slice() {
        return Ok(std::mem::take(only));
    }
    Ok(pieces.concat())
}

fn too_large(max: u64, setting: &str) -> io::Error {
    let how = if setting.is_empty() {
        String::new()
    } else {
        format!("（可用 {setting} 调整）")
    };
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("超过读取上限 {} 字节{how}", max),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_refuses_more() {
        assert_eq!(read_bounded(&b"abc"[..], 3, "").unwrap(), b"abc");
        let err = read_bounded(&b"abcd"[..], 3, "").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        // An endless source stops at the limit.
        let err = read_bounded(io::repeat(0), 1000, "--x").unwrap_err();
        assert!(err.to_string().contains("--x"));
    }
}
