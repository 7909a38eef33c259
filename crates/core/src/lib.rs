//! Domain logic of tokenhub. Pure and synchronous: no HTTP, no SQL, no system clock.

pub mod api_tokens;
pub mod bearer;
pub mod clock;
pub mod credentials;
pub mod duration;
pub mod identity;
pub mod kinds;
pub mod login_limits;
pub mod names;
pub mod patch;
pub mod presets;
pub mod rbac;
pub mod request_info;
pub mod selector;
pub mod serviceaccount;
pub mod settings;
pub mod tokens;
pub mod users;
pub mod validation;

mod go_fmt;
#[cfg(test)]
mod testgen;
