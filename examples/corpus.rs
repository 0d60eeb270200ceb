//! Write a generated corpus: `cargo run --release --example corpus -- --mb 100 --out corpus`
//! writes `corpus/forms.txt` (the text layout), `corpus/forms.json` (the same forms as the JSON
//! model) and, with `--xlsx`, `corpus/forms.xlsx` (one sheet, the text layout's rows and cells).
//! `--files N` splits the text into N files under `corpus/many/`.

use jixiao::corpus::{CorpusOptions, generate_bytes};
use jixiao::read::Input;
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    let mut mb = 10usize;
    let mut out = PathBuf::from("corpus");
    let mut seed = 2025u64;
    let mut xlsx = false;
    let mut files = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--mb" => mb = args.next().ok_or("--mb N")?.parse()?,
            "--out" => out = PathBuf::from(args.next().ok_or("--out DIR")?),
            "--seed" => seed = args.next().ok_or("--seed N")?.parse()?,
            "--files" => files = args.next().ok_or("--files N")?.parse()?,
            "--xlsx" => xlsx = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    std::fs::create_dir_all(&out)?;
    let options = CorpusOptions {
        seed,
        ..CorpusOptions::default()
    };
    let text = generate_bytes(mb * 1_000_000, options);
    std::fs::write(out.join("forms.txt"), &text)?;
    let input = Input::from_bytes("forms.txt", text.as_bytes());
    std::fs::write(
        out.join("forms.json"),
        serde_json::to_string(&input.document)?,
    )?;
    eprintln!(
        "{} bytes, {} forms",
        text.len(),
        input.document.projects.len()
    );
    if files > 0 {
        let dir = out.join("many");
        std::fs::create_dir_all(&dir)?;
        let forms: Vec<&str> = text.split("\n项目支出绩效目标批复表").collect();
        let per_file = forms.len().div_ceil(files);
        for (k, chunk) in forms.chunks(per_file.max(1)).enumerate() {
            std::fs::write(
                dir.join(format!("{k:05}.txt")),
                chunk.join("\n项目支出绩效目标批复表"),
            )?;
        }
    }
    if xlsx {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, line) in text.lines().enumerate().take(1_000_000) {
            for (c, cell) in line.split('\t').enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(u32::try_from(r)?, u16::try_from(c)?, cell)?;
                }
            }
        }
        book.save(out.join("forms.xlsx"))?;
    }
    Ok(())
}
