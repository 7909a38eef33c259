//! Tests of `decode` as the server uses it: the bodies kubectl 1.32 really sent, bodies built
//! with a small encoder for the other kinds, and hostile input.

mod built_bodies;
mod captured_bodies;
mod encoder;
mod errors;
mod robustness;
