//! Writing to standard output without ever panicking.

use crate::cli::exit;
use std::io::{self, Write};

/// Write `text` to standard output. A closed pipe (`jixiao rules | head -1`) ends the output
/// quietly with `code`; any other failure (`> /dev/full`) is reported and exits 2.
pub fn print(text: &str, code: u8) -> u8 {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => code,
        Err(e) => write_failed("标准输出", &e, code),
    }
}

/// The exit code after a failed write: `code` for a closed pipe (the reader has what it
/// wanted), else a message and 2.
pub fn write_failed(target: &str, e: &io::Error, code: u8) -> u8 {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return code;
    }
    crate::errln!("error[output::write]: 无法写入{target}：{e}");
    exit::TROUBLE
}
