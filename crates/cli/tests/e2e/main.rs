//! End-to-end tests: a real hub on a free loopback port, driven by the real kubectl.

mod kubectl;
mod resources;
