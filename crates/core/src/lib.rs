//! Domain logic of tokenhub. Pure and synchronous: no HTTP, no SQL, no system clock.

pub mod clock;
pub mod duration;
pub mod patch;
pub mod selector;
pub mod validation;

mod go_fmt;
#[cfg(test)]
mod testgen;
