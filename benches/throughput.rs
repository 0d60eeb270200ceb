//! `cargo bench`: throughput of each stage on generated corpora (see docs/performance.md).
//! `JIXIAO_BENCH_MB=1,10,100` chooses the corpus sizes for the end-to-end benchmark
//! (default 1,10).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use jixiao::config::Config;
use jixiao::corpus::{CorpusOptions, generate_bytes};
use jixiao::lint::{Checker, Selection};
use jixiao::policy::{PolicyLoader, PolicySet};
use jixiao::read::Input;
use jixiao::report::{FileReport, HumanOptions, render_human};
use std::hint::black_box;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn default_pack() -> PolicySet {
    let mut loader = PolicyLoader::new();
    loader.add_builtin_pack("default").unwrap();
    loader.finish().policy
}

const VALUES: &[&str] = &[
    "≥2470人",
    "≤13.6万元",
    "=100%",
    "≥ 3260 人",
    "$\\geq 95\\%$",
    "2025年12月31日前",
    "有效提高",
    "≥90%",
    "≤475元/亩",
    "95%以上",
    "≥11台",
    "=0件",
    "≤1.1亿元",
    "3500公斤",
    "顺利完成",
];

fn values(c: &mut Criterion) {
    let mut group = c.benchmark_group("value");
    let bytes: usize = VALUES.iter().map(|v| v.len()).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse_value", |b| {
        b.iter(|| {
            for v in VALUES {
                black_box(jixiao::read::value_text::parse_value(
                    black_box(v),
                    Some(2025),
                ));
            }
        })
    });
    group.finish();
}

fn parse(c: &mut Criterion) {
    let text = generate_bytes(1_000_000, CorpusOptions::default());
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("text_1mb", |b| {
        b.iter(|| black_box(Input::from_bytes("c.txt", black_box(text.as_bytes()))))
    });
    group.finish();
}

/// The layouts forms are published in (tests/fixtures/layouts, the bundled sample), each
/// repeated to about 1 MB: how fast each shape is read.
fn parse_shapes(c: &mut Criterion) {
    const SHAPES: &[(&str, &str)] = &[
        ("tabs", "tests/fixtures/qiannan-hrss-2025.txt"),
        (
            "spaces",
            "tests/fixtures/layouts/01-fengjie-2023-spaces.txt",
        ),
        (
            "pipes_wide",
            "tests/fixtures/layouts/02-jingyan-2023-pipes-several-projects.txt",
        ),
        (
            "pipes_flattened",
            "tests/fixtures/layouts/03-xiangtan-2023-flattened-pipes.txt",
        ),
        (
            "cell_per_line",
            "tests/fixtures/layouts/04-yueyang-2022-one-cell-per-paragraph.txt",
        ),
        (
            "glued_ocr",
            "tests/fixtures/layouts/10-jiayuguan-2023-glued-ocr.txt",
        ),
        (
            "pdf_lines",
            "tests/fixtures/layouts/17-putuo-jianguanwei-2026-pdf-lines.txt",
        ),
        (
            "html_table",
            "tests/fixtures/layouts/22-huaibei-2025-html-table.html",
        ),
    ];
    let mut group = c.benchmark_group("parse_shape");
    group.sample_size(20);
    for (shape, path) in SHAPES {
        let one = std::fs::read_to_string(path).unwrap();
        let name = if path.ends_with(".html") {
            "s.html"
        } else {
            "s.txt"
        };
        // HTML: one document of many tables; text: the form again and again.
        let text = if path.ends_with(".html") {
            let body = one
                .split_once("<table")
                .and_then(|(_, rest)| rest.rsplit_once("</table>"))
                .map(|(table, _)| format!("<table{table}</table>\n"))
                .unwrap();
            format!(
                "<html><body>{}</body></html>",
                body.repeat(1_000_000 / body.len() + 1)
            )
        } else {
            format!("{one}\n").repeat(1_000_000 / one.len() + 1)
        };
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(shape), &text, |b, text| {
            b.iter(|| black_box(Input::from_bytes(name, black_box(text.as_bytes()))))
        });
    }
    group.finish();
}

fn compile(c: &mut Criterion) {
    c.bench_function("policy/compile_default_pack", |b| {
        b.iter(|| black_box(default_pack()))
    });
}

fn evaluate(c: &mut Criterion) {
    let policy = default_pack();
    let text = generate_bytes(1_000_000, CorpusOptions::default());
    let input = Input::from_bytes("c.txt", text.as_bytes());
    let mut group = c.benchmark_group("rules");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("default_pack_1mb", |b| {
        b.iter(|| black_box(policy.check_projects(&input.document.projects, "c.txt", |_| true)))
    });
    group.finish();
}

/// What `jixiao check FILE > /dev/null` does: read the file, check it a window at a time, draw
/// the human report. Threads: one per core, or `RAYON_NUM_THREADS`.
fn end_to_end(c: &mut Criterion) {
    let policy = default_pack();
    let config = Config::default();
    let sizes: Vec<usize> = std::env::var("JIXIAO_BENCH_MB")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 10]);
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    for mb in sizes {
        let text = generate_bytes(mb * 1_000_000, CorpusOptions::default());
        let path = dir.path().join(format!("forms-{mb}mb.txt"));
        std::fs::write(&path, &text).unwrap();
        let checker = Checker {
            policy: &policy,
            config: &config,
            selection: Selection::default(),
            input_format: None,
            timings: None,
            progress: None,
        };
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("end_to_end", format!("{mb}mb")),
            &path,
            |b, path| {
                b.iter(|| {
                    let checked = checker.check_paths(std::slice::from_ref(path));
                    let reports: Vec<FileReport> = checked
                        .into_iter()
                        .map(|c| c.map(|c| c.report).unwrap())
                        .collect();
                    render_human(&reports, &HumanOptions::default(), &mut std::io::sink()).unwrap();
                    black_box(reports.len())
                })
            },
        );
    }
    group.finish();
}

criterion_group!(
    benches,
    values,
    parse,
    parse_shapes,
    compile,
    evaluate,
    end_to_end
);
criterion_main!(benches);
