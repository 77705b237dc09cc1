use std::process::ExitCode;

fn main() -> ExitCode {
    gatescope::cli::main()
}
