//! jixiao — a linter and rule engine for Chinese budget performance-target forms
//! (项目支出绩效目标表 / 绩效目标批复表).
//!
//! The pipeline: bytes → [`source::SourceFile`] (decoded text with a line index) →
//! [`text::parse_document`] (the form model, every field with its span) → policies
//! ([`policy`]) → diagnostics ([`diagnostic::Diagnostic`]) rendered by [`report`].

pub mod baseline;
pub mod check;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod diagnostic;
pub mod input;
pub mod model;
pub mod pack;
pub mod policy;
pub mod report;
pub mod sheet;
pub mod source;
pub mod span;
pub mod structured;
pub mod testing;
pub mod text;
pub mod value;
