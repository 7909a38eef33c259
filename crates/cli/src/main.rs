//! `tokenhub`: the hub (`tokenhub serve`) and its client commands.

mod client;
mod commands;
mod output;
mod serve;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use client::{CliError, GlobalArgs};
use commands::{apitokens, auth, can_i, completion, kubeconfig, login, tokens, users, whoami};

#[derive(Parser)]
#[command(
    name = "tokenhub",
    version,
    about = "A hub for access tokens governed by Kubernetes RBAC"
)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the hub: HTTPS Kubernetes API on an embedded store.
    Serve(serve::ServeArgs),
    /// Log in with a user name and password; the session is kept in a profile.
    Login(login::LoginArgs),
    /// End the session of a profile.
    Logout(login::LogoutArgs),
    /// Who the hub takes you for.
    Whoami(whoami::WhoamiArgs),
    /// Whether you may do something: yes (exit 0) or no (exit 1).
    CanI(can_i::CanIArgs),
    /// Your personal Tokens.
    Tokens(tokens::TokensArgs),
    /// Machine API tokens: an ID and a secret, a name and a role.
    Apitokens(apitokens::ApiTokensArgs),
    /// The hub's users (admin).
    Users(users::UsersArgs),
    /// Profiles, and the credential plugin for kubectl.
    Auth(auth::AuthArgs),
    /// Write a kubeconfig for kubectl from a profile.
    Kubeconfig(kubeconfig::KubeconfigArgs),
    /// Print a shell completion script.
    Completion(completion::CompletionArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let global = cli.global;
    let result = match cli.command {
        Command::Serve(args) => {
            serve_alone(&global).and_then(|()| serve::run(args).map_err(CliError::Local))
        }
        Command::Login(args) => login::login(args, &global),
        Command::Logout(args) => login::logout(args, &global),
        Command::Whoami(args) => whoami::run(args, &global),
        Command::CanI(args) => can_i::run(args, &global),
        Command::Tokens(args) => tokens::run(args, &global),
        Command::Apitokens(args) => apitokens::run(args, &global),
        Command::Users(args) => users::run(args, &global),
        Command::Auth(args) => auth::run(args, &global),
        Command::Kubeconfig(args) => kubeconfig::run(args, &global),
        Command::Completion(args) => completion::run(args, Cli::command()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Quiet(code)) => ExitCode::from(code),
        Err(e) => {
            output::note(&format!("error: {e}"));
            ExitCode::from(e.exit_code())
        }
    }
}

/// The client flags mean nothing to the hub itself; silently ignoring them would mislead.
fn serve_alone(global: &GlobalArgs) -> Result<(), CliError> {
    let set = [
        ("--server", global.server.is_some()),
        ("--token", global.token.is_some()),
        ("--kubeconfig", global.kubeconfig.is_some()),
        (
            "--certificate-authority",
            global.certificate_authority.is_some(),
        ),
    ];
    match set.iter().find(|(_, is_set)| *is_set) {
        Some((flag, _)) => Err(CliError::local(format!(
            "{flag} is a flag of the client commands, not of serve"
        ))),
        None => Ok(()),
    }
}
