//! jixiao — a linter and rule engine for Chinese budget performance-target forms
//! (项目支出绩效目标表 / 绩效目标批复表).
//!
//! The pipeline: bytes → [`read::source::SourceFile`] (decoded text with a line index) →
//! [`read::recognize::parse_document`] (the form model, every field with its span) → policies
//! ([`policy`]) → diagnostics ([`diagnostic::Diagnostic`]) rendered by [`report`].

/// `eprintln!` that never panics: when standard error is closed or full the message is lost,
/// not the run (`eprintln!` panics on a failed write).
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!` that never panics (see [`errln!`]).
#[macro_export]
macro_rules! errprint {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

pub mod baseline;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod diagnostic;
pub mod limits;
pub mod lint;
pub mod linter;
pub mod model;
pub mod pack;
pub mod policy;
pub mod read;
pub mod report;
pub mod span;
pub mod testing;
pub mod write;
