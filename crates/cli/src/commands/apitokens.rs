//! `tokenhub apitokens`: machine API tokens (Cloudfleet's `tokens`): an ID and a secret shown
//! once, a name and a role.

use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Map, Value, json};

use super::duration::parse_millis;
use super::resource::{self, API_TOKENS, KindPaths};
use crate::client::{CliError, GlobalArgs, HubClient};
use crate::output::table::align;
use crate::output::{OutputArgs, OutputFormat, emit, note, print_data};

#[derive(Args, Debug)]
pub struct ApiTokensArgs {
    #[command(subcommand)]
    command: ApiTokensCommand,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Role {
    /// Full access: `cluster-admin`.
    #[value(name = "Administrator")]
    Administrator,
    /// Read access: `view`.
    #[value(name = "User")]
    User,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::User => "User",
        }
    }
}

#[derive(Subcommand, Debug)]
enum ApiTokensCommand {
    /// Create an API token and print its ID and secret, once.
    Create {
        /// A human-friendly name for the token.
        #[arg(long)]
        name: String,
        /// Administrator (cluster-admin) or User (view).
        #[arg(long, value_enum)]
        role: Role,
        /// What the token is for.
        #[arg(long)]
        description: Option<String>,
        /// When the token stops working (RFC 3339, e.g. 2027-01-31T00:00:00Z).
        #[arg(long, value_parser = parse_timestamp, conflicts_with = "expires_in")]
        expires_at: Option<String>,
        /// How long from now the token works, e.g. 90d.
        #[arg(long, value_parser = parse_millis)]
        expires_in: Option<i64>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List the API tokens.
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Show one API token.
    Get {
        id: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Issue a new secret for a token; the old one stops working at once.
    Regenerate {
        id: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Delete an API token: it stops working at once.
    Delete { id: String },
}

pub fn run(args: ApiTokensArgs, global: &GlobalArgs) -> Result<(), CliError> {
    let client = HubClient::new(&global.connection()?)?;
    match args.command {
        ApiTokensCommand::Create {
            name,
            role,
            description,
            expires_at,
            expires_in,
            output,
        } => {
            let expires_at = match (expires_at, expires_in) {
                (Some(at), _) => Some(at),
                (None, Some(ms)) => Some(after_now(ms)?),
                (None, None) => None,
            };
            let spec = create_spec(&name, role, description, expires_at);
            let created = client.post(&API_TOKENS.collection(), &API_TOKENS.new_object(spec))?;
            print_secret(&created, &output.output, "created")
        }
        ApiTokensCommand::List { output } => resource::list(&client, &API_TOKENS, &output),
        ApiTokensCommand::Get { id, output } => resource::get(&client, &API_TOKENS, &id, &output),
        ApiTokensCommand::Regenerate { id, output } => {
            let body = json!({"apiVersion": API_TOKENS.api_version(), "kind": API_TOKENS.kind});
            let answer = client.post(&format!("{}/regenerate", API_TOKENS.item(&id)), &body)?;
            print_secret(&answer, &output.output, "regenerated")
        }
        ApiTokensCommand::Delete { id } => resource::delete(&client, &API_TOKENS, &id),
    }
}

fn create_spec(
    name: &str,
    role: Role,
    description: Option<String>,
    expires_at: Option<String>,
) -> Value {
    let mut spec = Map::new();
    spec.insert("displayName".into(), name.into());
    spec.insert("role".into(), role.as_str().into());
    if let Some(d) = description {
        spec.insert("description".into(), d.into());
    }
    if let Some(at) = expires_at {
        spec.insert("expiresAt".into(), at.into());
    }
    Value::Object(spec)
}

/// The ID and secret of a created or regenerated token: on stdout, with the warning on
/// stderr; or the whole object in another format.
fn print_secret(answer: &Value, output: &OutputFormat, what: &str) -> Result<(), CliError> {
    if !output.is_table() {
        return emit(&print_data(
            answer,
            output,
            API_TOKENS.kind,
            API_TOKENS.group,
        )?);
    }
    let text = |pointer: &str| {
        answer
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| CliError::Transport(format!("the server's answer holds no {pointer}")))
    };
    let id = text("/metadata/name")?;
    let secret = text("/status/secret")?;
    let bearer = text("/status/bearerToken")?;
    note(&format!(
        "API token {id} {what}. Store the secret now: it cannot be shown again."
    ));
    emit(&align(&[
        vec!["ID:".into(), id],
        vec!["Secret:".into(), secret],
        vec!["Bearer token:".into(), bearer],
    ]))
}

fn parse_timestamp(text: &str) -> Result<String, String> {
    text.parse::<jiff::Timestamp>()
        .map(|t| t.to_string())
        .map_err(|e| format!("not an RFC 3339 time (e.g. 2027-01-31T00:00:00Z): {e}"))
}

fn after_now(ms: i64) -> Result<String, CliError> {
    use tokenhub_core::clock::{Clock, SystemClock};
    SystemClock
        .now()
        .checked_add(jiff::SignedDuration::from_millis(ms))
        .map(|t| t.round(jiff::Unit::Second).unwrap_or(t).to_string())
        .map_err(|e| CliError::local(format!("--expires-in: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_carries_name_role_and_options() {
        assert_eq!(
            create_spec("ci", Role::User, None, None),
            json!({"displayName": "ci", "role": "User"})
        );
        assert_eq!(
            create_spec(
                "ops",
                Role::Administrator,
                Some("d".into()),
                Some("2027-01-31T00:00:00Z".into())
            ),
            json!({"displayName": "ops", "role": "Administrator", "description": "d", "expiresAt": "2027-01-31T00:00:00Z"})
        );
    }

    #[test]
    fn expiry_times_are_rfc3339() {
        assert_eq!(
            parse_timestamp("2027-01-31T00:00:00Z").unwrap(),
            "2027-01-31T00:00:00Z"
        );
        assert_eq!(
            parse_timestamp("2027-01-31T02:00:00+02:00").unwrap(),
            "2027-01-31T00:00:00Z"
        );
        assert!(parse_timestamp("tomorrow").is_err());
        assert!(after_now(60_000).unwrap().ends_with('Z'));
    }
}
