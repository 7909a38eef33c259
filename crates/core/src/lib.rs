//! Domain logic of tokenhub. Pure and synchronous: no HTTP, no SQL, no system clock.

pub mod clock;
