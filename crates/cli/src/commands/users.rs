//! `tokenhub users`: the hub's local accounts (admin commands; like kubectl, they use the
//! kubeconfig when no other credential is given).

use clap::{Args, Subcommand};
use serde_json::{Map, Value, json};

use super::resource::{self, KindPaths, USERS};
use super::secrets::{prompt, prompt_new_password, stdin_lines, stdin_secret};
use crate::client::{CliError, GlobalArgs, HubClient};
use crate::output::{OutputArgs, emit, note};

#[derive(Args, Debug)]
pub struct UsersArgs {
    #[command(subcommand)]
    command: UsersCommand,
}

#[derive(Subcommand, Debug)]
enum UsersCommand {
    /// Create a user, and set their password from stdin.
    Create {
        name: String,
        /// A group the user is in; repeatable.
        #[arg(long = "group", value_name = "GROUP")]
        groups: Vec<String>,
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password (asked on the terminal unless --password-stdin).
    SetPassword {
        name: String,
        /// Read the new password from stdin (with --with-current: the current password on the
        /// first line, the new one on the second).
        #[arg(long)]
        password_stdin: bool,
        /// Send the current password too: needed to change your own password without admin
        /// rights.
        #[arg(long)]
        with_current: bool,
    },
    /// Stop a user from authenticating: every credential of theirs fails at once.
    Disable { name: String },
    /// Let a disabled user authenticate again.
    Enable { name: String },
    /// Delete a user and their tokens.
    Delete { name: String },
    /// List the users.
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Show one user.
    Get {
        name: String,
        #[command(flatten)]
        output: OutputArgs,
    },
}

pub fn run(args: UsersArgs, global: &GlobalArgs) -> Result<(), CliError> {
    // Read stdin before any request, so a missing password fails before the user exists.
    let client = || -> Result<HubClient, CliError> { HubClient::new(&global.connection()?) };
    match args.command {
        UsersCommand::Create {
            name,
            groups,
            display_name,
            password_stdin,
        } => {
            let password = if password_stdin {
                Some(stdin_secret("password")?)
            } else {
                None
            };
            let client = client()?;
            let user = new_user(&name, groups, display_name);
            client.post(&USERS.collection(), &user)?;
            emit(&format!("{} created\n", USERS.qualified(&name)))?;
            match password {
                Some(password) => set_password(&client, &name, &password, None),
                None => {
                    note(&format!(
                        "No password set: set one with tokenhub users set-password {name}"
                    ));
                    Ok(())
                }
            }
        }
        UsersCommand::SetPassword {
            name,
            password_stdin,
            with_current,
        } => {
            let (current, password) = read_passwords(password_stdin, with_current)?;
            let client = client()?;
            set_password(&client, &name, &password, current.as_deref())?;
            emit(&format!("{} password set\n", USERS.qualified(&name)))
        }
        UsersCommand::Disable { name } => set_enabled(&client()?, &name, false),
        UsersCommand::Enable { name } => set_enabled(&client()?, &name, true),
        UsersCommand::Delete { name } => resource::delete(&client()?, &USERS, &name),
        UsersCommand::List { output } => resource::list(&client()?, &USERS, &output),
        UsersCommand::Get { name, output } => resource::get(&client()?, &USERS, &name, &output),
    }
}

fn new_user(name: &str, groups: Vec<String>, display_name: Option<String>) -> Value {
    let mut spec = Map::new();
    if let Some(d) = display_name {
        spec.insert("displayName".into(), d.into());
    }
    spec.insert("enabled".into(), true.into());
    spec.insert("groups".into(), groups.into());
    json!({
        "apiVersion": USERS.api_version(),
        "kind": USERS.kind,
        "metadata": {"name": name},
        "spec": spec,
    })
}

/// (current password, new password).
fn read_passwords(
    password_stdin: bool,
    with_current: bool,
) -> Result<(Option<String>, String), CliError> {
    if !password_stdin {
        let current = if with_current {
            Some(prompt("Current password: ", "current password")?)
        } else {
            None
        };
        return Ok((current, prompt_new_password()?));
    }
    if !with_current {
        return Ok((None, stdin_secret("password")?));
    }
    let mut lines = stdin_lines()?.into_iter();
    match (lines.next(), lines.next()) {
        (Some(current), Some(new)) if !current.is_empty() && !new.is_empty() => {
            Ok((Some(current), new))
        }
        _ => Err(CliError::local(
            "with --with-current, stdin holds the current password on the first line and the new one on the second",
        )),
    }
}

fn set_password(
    client: &HubClient,
    name: &str,
    password: &str,
    current: Option<&str>,
) -> Result<(), CliError> {
    let mut body = json!({
        "apiVersion": USERS.api_version(),
        "kind": "UserPassword",
        "password": password,
    });
    if let (Some(current), Some(obj)) = (current, body.as_object_mut()) {
        obj.insert("currentPassword".into(), current.into());
    }
    client.post(&format!("{}/password", USERS.item(name)), &body)?;
    Ok(())
}

fn set_enabled(client: &HubClient, name: &str, enabled: bool) -> Result<(), CliError> {
    client.merge_patch(&USERS.item(name), &json!({"spec": {"enabled": enabled}}))?;
    let what = if enabled { "enabled" } else { "disabled" };
    emit(&format!("{} {what}\n", USERS.qualified(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_user_is_enabled_with_its_groups() {
        assert_eq!(
            new_user("alice", vec!["devs".into()], Some("Alice".into())),
            json!({
                "apiVersion": "tokenhub.io/v1", "kind": "User",
                "metadata": {"name": "alice"},
                "spec": {"displayName": "Alice", "enabled": true, "groups": ["devs"]}
            })
        );
    }
}
