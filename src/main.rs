fn main() -> std::process::ExitCode {
    jixiao::cli::main()
}

// mimalloc: the reader builds many small strings and vectors per row; glibc's allocator costs
// about an eighth of the parse time. Its v2 line (the `v2` feature in Cargo.toml), not the
// crate's default v3: v3 held 20-30 % more memory at the peak for the same work (10 MB of
// forms: 94 against 64 MB on one thread) and was no faster (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
