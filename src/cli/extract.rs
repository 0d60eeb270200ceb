//! `jixiao extract`: the form model as JSON or TOML.

use crate::cli::{ColorChoice, exit, stderr_is_terminal};
use crate::diagnostic::Severity;
use crate::read::Input;
use crate::report::{FileReport, HumanOptions, render_human};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ExtractFormat {
    #[default]
    Json,
    Toml,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Files to read (`-` for standard input).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: ExtractFormat,
    /// Read inputs in this format (default: by extension).
    #[arg(long, value_enum)]
    pub input_format: Option<crate::read::InputFormat>,
    /// Colour the parse diagnostics printed on standard error.
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
    /// The configuration whose `[reader]` words are used (as `check` finds it).
    #[command(flatten)]
    pub config: crate::cli::policies::ConfigArgs,
}

#[derive(Serialize)]
struct FileModel<'a> {
    file: &'a str,
    #[serde(flatten)]
    document: &'a crate::model::Document,
}

#[derive(Serialize)]
struct Files<'a> {
    files: Vec<FileModel<'a>>,
}

pub fn run(args: &ExtractArgs) -> u8 {
    // Read as `check` reads: with the vocabulary the configuration extends.
    let config = match args.config.load(args.color) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let mut inputs = Vec::with_capacity(args.files.len());
    let mut code = exit::OK;
    for path in &args.files {
        match Input::read_with(path, args.input_format, &config.vocabulary) {
            Ok(input) => inputs.push(input),
            Err(err) => {
                crate::errln!(
                    "error[input::unreadable]: 无法读取 {}: {err}",
                    path.display()
                );
                code = exit::TROUBLE;
            }
        }
    }
    let models: Vec<FileModel<'_>> = inputs
        .iter()
        .map(|i| FileModel {
            file: i.source.name(),
            document: &i.document,
        })
        .collect();
    let text = match (args.format, models.as_slice()) {
        (ExtractFormat::Json, [one]) => {
            serde_json::to_string_pretty(one).map_err(|e| e.to_string())
        }
        (ExtractFormat::Json, many) => {
            serde_json::to_string_pretty(many).map_err(|e| e.to_string())
        }
        (ExtractFormat::Toml, [one]) => toml::to_string_pretty(one).map_err(|e| e.to_string()),
        (ExtractFormat::Toml, _) => {
            toml::to_string_pretty(&Files { files: models }).map_err(|e| e.to_string())
        }
    };
    match text {
        Ok(mut text) => {
            text.truncate(text.trim_end().len());
            text.push('\n');
            if crate::cli::output::print(&text, exit::OK) == exit::TROUBLE {
                return exit::TROUBLE;
            }
        }
        Err(err) => {
            crate::errln!("error[output::serialize]: {err}");
            return exit::TROUBLE;
        }
    }
    let options = HumanOptions {
        color: args.color.enabled(stderr_is_terminal()),
        ..HumanOptions::default()
    };
    let mut stderr = std::io::stderr().lock();
    for input in inputs {
        if input
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
            && code == exit::OK
        {
            code = exit::FINDINGS;
        }
        let forms = input.document.projects.len();
        let report = FileReport::new(input.source, input.diagnostics, forms);
        let _ = render_human(std::slice::from_ref(&report), &options, &mut stderr);
    }
    code
}
