//! SystemAPI: SOAP 1.1 at `/soap2/` (and `/soap2/*.php`, as VoipNow clients call their
//! per-service agents), with the operation `GetAccountDetails`.
//!
//! The access token travels in the SOAP header as `userCredentials/accessToken`; both
//! elements are matched by local name whatever their namespace (VoipNow clients send
//! `http://4psa.com/HeaderData.xsd/<version>`). Every failure is a SOAP fault, HTTP 500 as
//! SOAP 1.1 §6.2 asks.
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use quick_xml::escape::{escape, unescape};
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use crate::domain::ApiKind;
use crate::error::ConsoleError;
use crate::infra::metrics::{self, CheckedAt};
use crate::infra::{ServerState, utc_rfc3339};
use crate::oauth::grants::{self, TokenHolder, TokenRefusal};

/// The SOAP 1.1 envelope namespace.
const ENVELOPE_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// What a SOAP request asks: the operation (local name and namespace) and the access token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SoapRequest {
    /// The local name of the first element of the Body.
    pub operation: String,
    /// The namespace of that element, echoed on the response.
    pub operation_ns: String,
    /// The text of `Header/userCredentials/accessToken`, trimmed.
    pub access_token: Option<String>,
}

/// A SOAP fault: who is at fault (`Client` or `Server`), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapFault {
    /// `Client` or `Server`.
    pub code: &'static str,
    /// What went wrong, in words.
    pub message: String,
    /// Seconds to wait before trying again, when the server is busy (HTTP 503, not 500).
    pub retry_after: Option<u64>,
}

impl SoapFault {
    fn client(message: impl Into<String>) -> Self {
        Self {
            code: "Client",
            message: message.into(),
            retry_after: None,
        }
    }
}

/// `POST /soap2/`.
pub async fn soap(State(state): State<ServerState>, body: Bytes) -> Response {
    match answer(&state, &body).await {
        Ok(xml) => xml_response(StatusCode::OK, xml),
        Err(fault) => fault_response(&fault),
    }
}

/// `POST /soap2/<agent>.php`: the same service, under the paths VoipNow clients call.
pub async fn soap_agent(
    State(state): State<ServerState>,
    Path(agent): Path<String>,
    body: Bytes,
) -> Response {
    if !agent.ends_with(".php") {
        return StatusCode::NOT_FOUND.into_response();
    }
    soap(State(state), body).await
}

async fn answer(state: &ServerState, body: &[u8]) -> Result<String, SoapFault> {
    let text = std::str::from_utf8(body)
        .map_err(|_| SoapFault::client("The request must be UTF-8 XML."))?;
    let request = parse(text)?;
    if request.operation != "GetAccountDetails" {
        return Err(SoapFault::client(format!(
            "The operation {} is not supported; this service offers GetAccountDetails.",
            request.operation
        )));
    }
    let token = request.access_token.as_deref().ok_or_else(|| {
        SoapFault::client("The SOAP header must carry userCredentials/accessToken.")
    })?;
    let checked = grants::check_access_token(state, token, ApiKind::SystemApi).await;
    metrics::token_checked(CheckedAt::Soap, super::uapi::check_result(&checked));
    match checked {
        Ok(holder) => Ok(account_details(&request, &holder)),
        Err(TokenRefusal::Denied(why)) => Err(SoapFault::client(why)),
        Err(TokenRefusal::Fault(ConsoleError::Busy { retry_after })) => Err(SoapFault {
            code: "Server",
            message: ConsoleError::Busy { retry_after }.to_string(),
            retry_after: Some(retry_after),
        }),
        Err(TokenRefusal::Fault(_)) => Err(SoapFault {
            code: "Server",
            message: "Internal error. Please try again later.".into(),
            retry_after: None,
        }),
    }
}

/// Reads the operation and the access token of a SOAP 1.1 envelope. Document type
/// declarations are refused, so no entity can be expanded.
pub fn parse(xml: &str) -> Result<SoapRequest, SoapFault> {
    let malformed = |error: &dyn std::fmt::Display| {
        SoapFault::client(format!("The request is not well-formed XML: {error}."))
    };
    let mut reader = NsReader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut path: Vec<String> = Vec::new();
    let mut request = SoapRequest::default();
    let mut token = String::new();
    let mut in_token = false;
    loop {
        let (namespace, event) = reader
            .read_resolved_event()
            .map_err(|error| malformed(&error))?;
        match event {
            Event::Start(ref element) | Event::Empty(ref element) => {
                let name = element.local_name().as_ref().to_owned();
                let namespace = match namespace {
                    ResolveResult::Bound(ns) => ns.as_ref().to_owned(),
                    _ => String::new(),
                };
                if path.is_empty() && (name != "Envelope" || namespace != ENVELOPE_NS) {
                    return Err(SoapFault::client(
                        "The request must be a SOAP 1.1 Envelope.",
                    ));
                }
                let depth = path.len();
                if depth == 2 && path[1] == "Body" && request.operation.is_empty() {
                    request.operation = name.clone();
                    request.operation_ns = namespace;
                }
                in_token = depth == 3
                    && path[1] == "Header"
                    && path[2] == "userCredentials"
                    && name == "accessToken";
                if matches!(event, Event::Start(_)) {
                    path.push(name);
                } else {
                    in_token = false;
                }
            }
            Event::End(_) => {
                if in_token {
                    request.access_token = Some(token.trim().to_owned());
                    in_token = false;
                }
                path.pop();
            }
            Event::Text(ref text) if in_token => token.push_str(&text.xml10_content()),
            Event::CData(ref data) if in_token => {
                token.push_str(data.as_ref());
            }
            Event::GeneralRef(ref reference) if in_token => {
                let escaped = format!("&{};", &**reference);
                token.push_str(&unescape(&escaped).map_err(|error| malformed(&error))?);
            }
            Event::DocType(_) => {
                return Err(SoapFault::client(
                    "Document type declarations are not accepted.",
                ));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if request.operation.is_empty() {
        return Err(SoapFault::client("The SOAP Body must hold one operation."));
    }
    request.access_token = request.access_token.filter(|token| !token.is_empty());
    Ok(request)
}

fn account_details(request: &SoapRequest, holder: &TokenHolder) -> String {
    let level = holder.account_level.as_str();
    let namespace = if request.operation_ns.is_empty() {
        String::new()
    } else {
        format!(" xmlns=\"{}\"", escape(request.operation_ns.as_str()))
    };
    envelope(&format!(
        "<GetAccountDetailsResponse{namespace}>\
         <account><id>{}</id><login>{}</login><name>{}</name><level>{}</level></account>\
         <app><key>{}</key><name>{}</name><api>{}</api></app>\
         <expires_at>{}</expires_at>\
         </GetAccountDetailsResponse>",
        holder.account_id,
        escape(holder.account_login.as_str()),
        escape(holder.account_name.as_str()),
        level,
        escape(holder.app_key.as_str()),
        escape(holder.app_name.as_str()),
        ApiKind::SystemApi.label(),
        utc_rfc3339(holder.access_expires_at),
    ))
}

fn envelope(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <soap:Envelope xmlns:soap=\"{ENVELOPE_NS}\"><soap:Body>{body}</soap:Body></soap:Envelope>"
    )
}

fn fault_response(fault: &SoapFault) -> Response {
    let xml = envelope(&format!(
        "<soap:Fault><faultcode>soap:{}</faultcode><faultstring>{}</faultstring></soap:Fault>",
        fault.code,
        escape(fault.message.as_str())
    ));
    match fault.retry_after {
        Some(retry_after) => {
            let mut response = xml_response(StatusCode::SERVICE_UNAVAILABLE, xml);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            response
        }
        None => xml_response(StatusCode::INTERNAL_SERVER_ERROR, xml),
    }
}

fn xml_response(status: StatusCode, xml: String) -> Response {
    let mut response = (status, xml).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    crate::oauth::no_store(headers);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const VOIPNOW_REQUEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="http://4psa.com/AccountMessages.xsd/3.5.0" xmlns:ns2="http://4psa.com/HeaderData.xsd/3.5.0">
  <SOAP-ENV:Header>
    <ns2:userCredentials><ns2:accessToken> abc-DEF_123 </ns2:accessToken></ns2:userCredentials>
  </SOAP-ENV:Header>
  <SOAP-ENV:Body><ns1:GetAccountDetails/></SOAP-ENV:Body>
</SOAP-ENV:Envelope>"#;

    proptest::proptest! {
        #[test]
        fn any_text_is_read_or_refused_without_panicking(xml in "\\PC{0,300}") {
            let _ = parse(&xml);
        }

        #[test]
        fn any_token_in_the_header_is_read_back(
            token in "[A-Za-z0-9_-]{1,64}",
            prefix in "h[a-z]{0,5}",
        ) {
            let xml = VOIPNOW_REQUEST
                .replace("abc-DEF_123", &token)
                .replace("ns2:", &format!("{prefix}:"))
                .replace("xmlns:ns2", &format!("xmlns:{prefix}"));
            let request = parse(&xml).unwrap();
            proptest::prop_assert_eq!(request.access_token, Some(token));
            proptest::prop_assert_eq!(request.operation, "GetAccountDetails");
        }
    }

    #[test]
    fn a_voipnow_request_is_read_by_local_names() {
        let request = parse(VOIPNOW_REQUEST).unwrap();
        assert_eq!(request.operation, "GetAccountDetails");
        assert_eq!(
            request.operation_ns,
            "http://4psa.com/AccountMessages.xsd/3.5.0"
        );
        assert_eq!(request.access_token.as_deref(), Some("abc-DEF_123"));
    }

    #[test]
    fn entities_and_cdata_in_the_token_are_resolved() {
        let xml = r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Header><userCredentials><accessToken>a&amp;b<![CDATA[c]]>&#100;</accessToken></userCredentials></e:Header><e:Body><GetAccountDetails></GetAccountDetails></e:Body></e:Envelope>"#;
        let request = parse(xml).unwrap();
        assert_eq!(request.access_token.as_deref(), Some("a&bcd"));
        assert_eq!(request.operation_ns, "");
    }

    #[test]
    fn malformed_and_hostile_requests_are_client_faults() {
        for xml in [
            "",
            "not xml",
            "<Envelope/>",
            r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body></e:Body></e:Envelope>"#,
            r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><a></b></e:Body></e:Envelope>"#,
            r#"<!DOCTYPE x [<!ENTITY a "aaaa">]><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><GetAccountDetails/></e:Body></e:Envelope>"#,
        ] {
            let fault = parse(xml).unwrap_err();
            assert_eq!(fault.code, "Client", "{xml}");
        }
    }

    #[test]
    fn a_token_outside_the_header_is_not_taken() {
        let xml = r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><GetAccountDetails><userCredentials><accessToken>x</accessToken></userCredentials></GetAccountDetails></e:Body></e:Envelope>"#;
        assert_eq!(parse(xml).unwrap().access_token, None);
    }
}
