//! Reading passwords and tokens: from stdin for scripts, from the terminal without echo for
//! people.

use std::io::Read;

use crate::client::CliError;

/// All of stdin, its lines without their line endings.
pub fn stdin_lines() -> Result<Vec<String>, CliError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CliError::local(format!("cannot read stdin: {e}")))?;
    Ok(text.lines().map(str::to_string).collect())
}

/// The first line of stdin: `echo "$PASSWORD" | tokenhub … --password-stdin`.
pub fn stdin_secret(what: &str) -> Result<String, CliError> {
    let first = stdin_lines()?.into_iter().next().unwrap_or_default();
    non_empty(first, what)
}

/// Asked on the terminal, not echoed.
pub fn prompt(label: &str, what: &str) -> Result<String, CliError> {
    let answer = rpassword::prompt_password(label).map_err(|e| {
        CliError::local(format!(
            "cannot ask for the {what} on the terminal ({e}); pass it on stdin with --password-stdin"
        ))
    })?;
    non_empty(answer, what)
}

/// A new password asked twice on the terminal.
pub fn prompt_new_password() -> Result<String, CliError> {
    let first = prompt("New password: ", "password")?;
    let second = prompt("Retype the new password: ", "password")?;
    if first != second {
        return Err(CliError::local("the passwords do not match"));
    }
    Ok(first)
}

fn non_empty(text: String, what: &str) -> Result<String, CliError> {
    if text.is_empty() {
        Err(CliError::local(format!("the {what} is empty")))
    } else {
        Ok(text)
    }
}
