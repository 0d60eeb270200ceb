//! Writing report and baseline files: atomically where the path is a regular file, directly
//! where it is anything else, and never replacing what is not a regular file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Write a report or baseline to `path`. A regular file (or a new one) is written atomically:
/// a temporary file beside it, renamed over it, with the permissions of the file it replaces
/// (a new file gets those the umask gives). Anything else — `/dev/null`, a FIFO, a terminal, a
/// symlink — is written to directly and never replaced.
pub fn write_file(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_file() => write_replacing(path, Some(meta), render),
        Ok(_) => {
            // Through a symlink, or into a device or FIFO: open it as it is.
            let file = OpenOptions::new().write(true).truncate(true).open(path)?;
            write_through(file, render)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => write_replacing(path, None, render),
        Err(e) => Err(e),
    }
}

fn write_through(
    file: File,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, file);
    render(&mut out)?;
    out.flush()
}

fn write_replacing(
    path: &Path,
    existing: Option<fs::Metadata>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `create_new` with the default mode: the umask decides, as for any file the user makes.
    let (temp_path, file) = (0..16)
        .find_map(|_| {
            let candidate = dir.join(format!(".{name}.{:08x}.tmp", fastrand::u32(..)));
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&candidate)
            {
                Ok(file) => Some(Ok((candidate, file))),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => None,
                Err(e) => Some(Err(e)),
            }
        })
        .unwrap_or_else(|| Err(io::Error::other("无法创建临时文件")))?;
    let written = (|| {
        let mut out = io::BufWriter::with_capacity(1 << 16, &file);
        render(&mut out)?;
        out.flush()?;
        drop(out);
        if let Some(meta) = &existing {
            fs::set_permissions(&temp_path, meta.permissions())?;
        }
        file.sync_all()
    })();
    let result = written.and_then(|()| fs::rename(&temp_path, path));
    if result.is_err() {
        let _ = fs::remove_file(&temp_path);
    }
    result
}
