//! The tokenhub server.
