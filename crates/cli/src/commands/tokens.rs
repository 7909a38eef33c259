//! `tokenhub tokens`: the caller's personal Tokens (the Rancher Tokens API).

use clap::{Args, Subcommand};
use serde_json::{Map, Value, json};

use super::duration::parse_millis;
use super::resource::{self, KindPaths, TOKENS};
use crate::client::{CliError, GlobalArgs, HubClient};
use crate::output::{OutputArgs, OutputFormat, emit, note, print_data};

#[derive(Args, Debug)]
pub struct TokensArgs {
    #[command(subcommand)]
    command: TokensCommand,
}

#[derive(Subcommand, Debug)]
enum TokensCommand {
    /// Create a Token for yourself and print its bearer token, once.
    Create {
        /// What the token is for.
        #[arg(long)]
        description: Option<String>,
        /// How long it lives, e.g. 30m, 2h, 90d (the hub clamps it to its maximum).
        #[arg(long, value_parser = parse_millis)]
        ttl: Option<i64>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List your Tokens (an admin sees everyone's).
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Show one Token.
    Get {
        name: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Change a Token's description, ttl (users may only shorten it) or whether it is enabled.
    Update {
        name: String,
        #[arg(long)]
        description: Option<String>,
        #[arg(long, value_parser = parse_millis)]
        ttl: Option<i64>,
        /// Let the token authenticate again.
        #[arg(long, conflicts_with = "disable")]
        enable: bool,
        /// Stop the token from authenticating, without deleting it.
        #[arg(long)]
        disable: bool,
    },
    /// Delete a Token: it stops working at once.
    Delete { name: String },
}

pub fn run(args: TokensArgs, global: &GlobalArgs) -> Result<(), CliError> {
    let client = HubClient::new(&global.connection()?)?;
    match args.command {
        TokensCommand::Create {
            description,
            ttl,
            output,
        } => create(&client, description, ttl, &output.output),
        TokensCommand::List { output } => resource::list(&client, &TOKENS, &output),
        TokensCommand::Get { name, output } => resource::get(&client, &TOKENS, &name, &output),
        TokensCommand::Update {
            name,
            description,
            ttl,
            enable,
            disable,
        } => {
            let patch = update_patch(description, ttl, enable, disable)?;
            client.merge_patch(&TOKENS.item(&name), &patch)?;
            emit(&format!("{} updated\n", TOKENS.qualified(&name)))
        }
        TokensCommand::Delete { name } => resource::delete(&client, &TOKENS, &name),
    }
}

fn create(
    client: &HubClient,
    description: Option<String>,
    ttl: Option<i64>,
    output: &OutputFormat,
) -> Result<(), CliError> {
    let mut spec = Map::new();
    if let Some(d) = description {
        spec.insert("description".into(), d.into());
    }
    if let Some(ms) = ttl {
        spec.insert("ttl".into(), ms.into());
    }
    let created = client.post(
        &TOKENS.collection(),
        &TOKENS.new_object(Value::Object(spec)),
    )?;
    if !output.is_table() {
        return emit(&print_data(&created, output, TOKENS.kind, TOKENS.group)?);
    }
    let name = created
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let bearer = created
        .pointer("/status/bearerToken")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            CliError::Transport("the server's answer holds no status.bearerToken".into())
        })?;
    note(&format!(
        "{} created. Copy its bearer token now: it cannot be shown again.",
        TOKENS.qualified(name)
    ));
    emit(&format!("{bearer}\n"))
}

fn update_patch(
    description: Option<String>,
    ttl: Option<i64>,
    enable: bool,
    disable: bool,
) -> Result<Value, CliError> {
    let mut spec = Map::new();
    if let Some(d) = description {
        spec.insert("description".into(), d.into());
    }
    if let Some(ms) = ttl {
        spec.insert("ttl".into(), ms.into());
    }
    if enable || disable {
        spec.insert("enabled".into(), enable.into());
    }
    if spec.is_empty() {
        return Err(CliError::local(
            "nothing to update: pass --description, --ttl, --enable or --disable",
        ));
    }
    Ok(json!({ "spec": spec }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_patch_only_what_is_given() {
        assert_eq!(
            update_patch(Some("ci".into()), Some(60_000), false, true).unwrap(),
            json!({"spec": {"description": "ci", "ttl": 60000, "enabled": false}})
        );
        assert_eq!(
            update_patch(None, None, true, false).unwrap(),
            json!({"spec": {"enabled": true}})
        );
        assert!(update_patch(None, None, false, false).is_err());
    }
}
