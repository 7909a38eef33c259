//! End-to-end tests: a real hub on a free loopback port, driven by the real kubectl.

// Test support code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

mod cli_apitokens;
mod cli_errors;
mod cli_output;
mod cli_profiles;
mod cli_reviews;
mod cli_sessions;
mod crash;
mod http2;
mod karpor;
mod kubectl;
mod rancher_tokens;
mod resources;
mod secrets_in_logs;
mod served;
mod tokenhub;
