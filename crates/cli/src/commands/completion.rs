//! `tokenhub completion bash|zsh|fish`.

use clap::Args;
use clap_complete::Shell;

use crate::client::CliError;
use crate::output::emit;

#[derive(Args, Debug)]
pub struct CompletionArgs {
    /// The shell to complete for.
    #[arg(value_parser = ["bash", "zsh", "fish"])]
    shell: String,
}

pub fn run(args: CompletionArgs, mut command: clap::Command) -> Result<(), CliError> {
    let shell = match args.shell.as_str() {
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        _ => Shell::Bash,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "tokenhub", &mut out);
    emit(&String::from_utf8_lossy(&out))
}
