//! What the commands of each kind share: where a kind lives, and list/get/delete with
//! kubectl's output.

use serde_json::Value;
use tokenhub_api::registry::ResourceType;

use crate::client::{CliError, HubClient};
use crate::output::table::{Table, render_table};
use crate::output::{OutputArgs, OutputFormat, emit, note, print_data};

pub use tokenhub_api::kinds::tokenhub_v1::{API_TOKENS, LOGIN_REQUESTS, TOKENS, USERS};

/// Where a kind of the hub's API lives, and how kubectl names its objects.
pub trait KindPaths {
    fn collection(&self) -> String;

    fn item(&self, name: &str) -> String {
        format!("{}/{}", self.collection(), path_segment(name))
    }

    /// `tokens.tokenhub.io "x"`, as kubectl names an object in messages.
    fn describe(&self, name: &str) -> String;

    /// `token.tokenhub.io/x`, as `kubectl -o name` prints it.
    fn qualified(&self, name: &str) -> String;

    /// A new object of this kind with the given spec, ready to POST.
    fn new_object(&self, spec: Value) -> Value;
}

impl KindPaths for ResourceType {
    fn collection(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}/{}", self.version, self.plural)
        } else {
            format!("/apis/{}/{}/{}", self.group, self.version, self.plural)
        }
    }

    fn describe(&self, name: &str) -> String {
        format!("{} {name:?}", self.qualified_plural())
    }

    fn qualified(&self, name: &str) -> String {
        crate::output::qualified_name(self.kind, self.group, name)
    }

    fn new_object(&self, spec: Value) -> Value {
        serde_json::json!({
            "apiVersion": self.api_version(),
            "kind": self.kind,
            "metadata": {},
            "spec": spec,
        })
    }
}

/// `name` as one URL path segment: unreserved characters as they are, the rest escaped, so
/// no name can reach another path.
pub fn path_segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@' | b':') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out == "." || out == ".." {
        out = out.replace('.', "%2E");
    }
    out
}

/// `list` as kubectl prints it: a server-side Table, or the list in another format.
pub fn list(client: &HubClient, kind: &ResourceType, output: &OutputArgs) -> Result<(), CliError> {
    show(client, kind, &kind.collection(), output, true)
}

/// `get NAME` as kubectl prints it.
pub fn get(
    client: &HubClient,
    kind: &ResourceType,
    name: &str,
    output: &OutputArgs,
) -> Result<(), CliError> {
    show(client, kind, &kind.item(name), output, false)
}

fn show(
    client: &HubClient,
    kind: &ResourceType,
    path: &str,
    output: &OutputArgs,
    is_list: bool,
) -> Result<(), CliError> {
    if !output.output.is_table() {
        let value = client.get(path)?;
        return emit(&print_data(&value, &output.output, kind.kind, kind.group)?);
    }
    let table = Table::from_value(client.get_table(path)?).map_err(CliError::Transport)?;
    if is_list && table.rows.is_empty() {
        note("No resources found");
        return Ok(());
    }
    let wide = matches!(output.output, OutputFormat::Wide);
    emit(&render_table(&table, wide, !output.no_headers))
}

/// `delete NAME`, answered as kubectl answers it.
pub fn delete(client: &HubClient, kind: &ResourceType, name: &str) -> Result<(), CliError> {
    client.delete(&kind.item(name))?;
    emit(&format!("{} deleted\n", kind.describe(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_names() {
        assert_eq!(TOKENS.collection(), "/apis/tokenhub.io/v1/tokens");
        assert_eq!(
            TOKENS.item("token-abcde"),
            "/apis/tokenhub.io/v1/tokens/token-abcde"
        );
        assert_eq!(USERS.item("a/b?c"), "/apis/tokenhub.io/v1/users/a%2Fb%3Fc");
        assert_eq!(USERS.item(".."), "/apis/tokenhub.io/v1/users/%2E%2E");
        assert_eq!(API_TOKENS.describe("x"), "apitokens.tokenhub.io \"x\"");
        assert_eq!(API_TOKENS.qualified("x"), "apitoken.tokenhub.io/x");
        let core = &tokenhub_api::kinds::core_v1::NAMESPACES;
        assert_eq!(core.collection(), "/api/v1/namespaces");
        assert_eq!(core.describe("a"), "namespaces \"a\"");
    }
}
