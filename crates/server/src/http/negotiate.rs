//! Content negotiation: which body formats a request carries and which answer it accepts.

use axum::http::{HeaderMap, header};
use serde_json::Value;

use crate::error::ApiError;

pub const JSON: &str = "application/json";
pub const YAML: &str = "application/yaml";
pub const PROTOBUF: &str = "application/vnd.kubernetes.protobuf";
pub const TABLE_CONTENT_TYPE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

/// One entry of an Accept or Content-Type header: `type/subtype;k=v;…`.
#[derive(Debug, PartialEq, Eq)]
pub struct MediaType<'a> {
    pub essence: &'a str,
    pub params: Vec<(&'a str, &'a str)>,
}

impl<'a> MediaType<'a> {
    pub fn parse(s: &'a str) -> MediaType<'a> {
        let mut pieces = s.split(';').map(str::trim);
        let essence = pieces.next().unwrap_or_default();
        let params = pieces
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.trim(), v.trim().trim_matches('"')))
            .collect();
        MediaType { essence, params }
    }

    pub fn param(&self, key: &str) -> Option<&'a str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| *v)
    }
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

pub fn accepted(headers: &HeaderMap) -> Vec<MediaType<'_>> {
    header_str(headers, header::ACCEPT)
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(MediaType::parse)
        .collect()
}

/// The shape of a successful read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Object,
    Table,
}

/// Decides between the object itself and a Table (kubectl's human-readable output), or refuses
/// when the client accepts nothing the hub can write.
pub fn answer_for(headers: &HeaderMap) -> Result<Answer, ApiError> {
    let accepted = accepted(headers);
    if accepted.is_empty() {
        return Ok(Answer::Object);
    }
    for media in &accepted {
        let json_like = matches!(media.essence, "application/json" | "*/*" | "application/*");
        if !json_like {
            continue;
        }
        match media.param("as") {
            Some("Table")
                if media.param("g") == Some("meta.k8s.io")
                    && matches!(media.param("v"), Some("v1" | "v1beta1")) =>
            {
                return Ok(Answer::Table);
            }
            Some(_) => continue,
            None => return Ok(Answer::Object),
        }
    }
    Err(ApiError::NotAcceptable(
        "only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io".into(),
    ))
}

/// Decodes a request body (JSON, YAML or Kubernetes protobuf) into a JSON value.
pub fn decode_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, ApiError> {
    let content_type = MediaType::parse(header_str(headers, header::CONTENT_TYPE));
    match content_type.essence {
        "" | JSON => serde_json::from_slice(body).map_err(|e| {
            ApiError::BadRequest(format!(
                "the body of the request could not be decoded as JSON: {e}"
            ))
        }),
        YAML | "application/x-yaml" | "text/yaml" => {
            let text = std::str::from_utf8(body).map_err(|_| {
                ApiError::BadRequest("the YAML body of the request is not valid UTF-8".into())
            })?;
            serde_saphyr::from_str::<Value>(text).map_err(|e| {
                ApiError::BadRequest(format!(
                    "the body of the request could not be decoded as YAML: {e}"
                ))
            })
        }
        PROTOBUF => tokenhub_api::protobuf::decode(body).map_err(|e| {
            ApiError::BadRequest(format!(
                "the body of the request could not be decoded as protobuf: {e}"
            ))
        }),
        _ => Err(ApiError::UnsupportedMediaType(
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_accept(v: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_static(v));
        h
    }

    #[test]
    fn kubectl_table_accept_gets_a_table() {
        let h = with_accept(
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
        );
        assert_eq!(answer_for(&h).unwrap(), Answer::Table);
    }

    #[test]
    fn plain_json_wildcards_and_no_accept_get_the_object() {
        assert_eq!(
            answer_for(&with_accept("application/json, */*")).unwrap(),
            Answer::Object
        );
        assert_eq!(
            answer_for(&with_accept(
                "application/vnd.kubernetes.protobuf,application/json"
            ))
            .unwrap(),
            Answer::Object
        );
        assert_eq!(answer_for(&HeaderMap::new()).unwrap(), Answer::Object);
    }

    #[test]
    fn only_protobuf_is_not_acceptable() {
        assert!(matches!(
            answer_for(&with_accept("application/vnd.kubernetes.protobuf")),
            Err(ApiError::NotAcceptable(_))
        ));
    }

    #[test]
    fn bodies_decode_from_json_and_yaml_and_unknown_types_are_415() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/yaml"),
        );
        let v = decode_body(&h, b"kind: ConfigMap\ndata:\n  a: b\n").unwrap();
        assert_eq!(v["data"]["a"], "b");
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert!(matches!(
            decode_body(&h, b"{nope"),
            Err(ApiError::BadRequest(_))
        ));
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert!(matches!(
            decode_body(&h, b"x"),
            Err(ApiError::UnsupportedMediaType(_))
        ));
    }
}
