fn main() -> std::process::ExitCode {
    jixiao::cli::main()
}
