//! The one encoding of server-function answers (and of `ConsoleError`): JSON, read from a
//! `&str` in the browser.
//!
//! server_fn's own `Json` reads answers with `serde_json::from_slice`, while a `Resource`
//! hydrated from the server-rendered page reads the same types with `serde_json::from_str`:
//! two copies of every answer type's deserializer in the browser bundle. Reading the answer
//! as UTF-8 text first keeps one.
use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::{Serialize, de::DeserializeOwned};

/// JSON in the body, parsed from text.
pub struct JsonText;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        // JSON is UTF-8 (RFC 8259); `from_slice` here would be the second copy.
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| <serde_json::Error as serde::de::Error>::custom("not UTF-8"))?;
        serde_json::from_str(text)
    }
}

/// The output encoding of every server function: `#[server(output = crate::codec::Json)]`.
pub type Json = Post<JsonText>;
