//! Validation with kube-apiserver's rules and words: field errors that become a Status's
//! `details.causes`, the string formats of names, labels and keys, and `metadata` checks.

mod field_error;
mod formats;
mod object_meta;

pub use field_error::{FieldError, FieldErrorKind, IntoBadValue, aggregate_message};
pub use formats::{
    DNS1123_LABEL_MAX_LENGTH, DNS1123_SUBDOMAIN_MAX_LENGTH, LABEL_VALUE_MAX_LENGTH,
    is_config_map_key, is_dns1123_label, is_dns1123_subdomain, is_qualified_name,
    is_valid_label_value, is_valid_path_segment_name, validate_generate_name, validate_name,
};
pub use object_meta::{
    TOTAL_ANNOTATION_SIZE_LIMIT, validate_annotations, validate_labels, validate_object_meta,
    validate_object_meta_update,
};
