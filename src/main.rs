use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(ftlint::cli_main(std::env::args_os()))
}
