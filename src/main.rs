fn main() -> std::process::ExitCode {
    jixiao::cli::main()
}

// mimalloc: the reader builds many small strings and vectors per row; glibc's allocator costs
// about an eighth of the parse time (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
