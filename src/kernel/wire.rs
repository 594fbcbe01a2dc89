//! Jupyter's wire format: a message as ZeroMQ frames (routing identities, the `<IDS|MSG>`
//! delimiter, the HMAC signature, four JSON parts, extra binary buffers), signed and
//! checked with the connection file's key.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::Sha256;

/// The frame between routing identities and the signature.
pub const DELIMITER: &[u8] = b"<IDS|MSG>";

/// The protocol version this kernel speaks.
pub const PROTOCOL_VERSION: &str = "5.3";

/// A message header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Unique id of the message.
    pub msg_id: String,
    /// The sender's session id.
    #[serde(default)]
    pub session: String,
    /// The sender's user name.
    #[serde(default)]
    pub username: String,
    /// ISO 8601 time the message was made.
    #[serde(default)]
    pub date: String,
    /// `execute_request`, `status`, ...
    pub msg_type: String,
    /// Protocol version.
    #[serde(default)]
    pub version: String,
}

impl Header {
    /// A new header of our own (`session` identifies this kernel process).
    pub fn new(msg_type: &str, session: &str) -> Header {
        Header {
            msg_id: uuid::Uuid::new_v4().to_string(),
            session: session.to_string(),
            username: "kernel".into(),
            date: iso_now(),
            msg_type: msg_type.to_string(),
            version: PROTOCOL_VERSION.into(),
        }
    }
}

/// One message, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Routing identities (ROUTER sockets) or the topic (IOPub).
    pub identities: Vec<Vec<u8>>,
    /// This message's header.
    pub header: Header,
    /// The header of the request this answers (`{}` when none).
    pub parent_header: Value,
    /// Free-form metadata.
    pub metadata: Value,
    /// The message type's fields.
    pub content: Value,
    /// Extra binary frames.
    pub buffers: Vec<Vec<u8>>,
}

impl Message {
    /// A reply on the socket `request` came in on, addressed to its sender.
    pub fn reply(request: &Message, msg_type: &str, content: Value, session: &str) -> Message {
        Message {
            identities: request.identities.clone(),
            header: Header::new(msg_type, session),
            parent_header: serde_json::to_value(&request.header).unwrap_or_else(|_| json!({})),
            metadata: json!({}),
            content,
            buffers: Vec::new(),
        }
    }

    /// A message for IOPub caused by the request with header `parent`.
    pub fn broadcast(
        parent: Option<&Header>,
        msg_type: &str,
        content: Value,
        session: &str,
    ) -> Message {
        Message {
            identities: vec![format!("kernel.{session}.{msg_type}").into_bytes()],
            header: Header::new(msg_type, session),
            parent_header: parent
                .and_then(|h| serde_json::to_value(h).ok())
                .unwrap_or_else(|| json!({})),
            metadata: json!({}),
            content,
            buffers: Vec::new(),
        }
    }

    /// The message type.
    pub fn msg_type(&self) -> &str {
        &self.header.msg_type
    }
}

/// Signs outgoing and checks incoming messages (HMAC-SHA256; no key, no signatures).
#[derive(Clone)]
pub struct Signer {
    mac: Option<Hmac<Sha256>>,
}

impl Signer {
    /// A signer with the connection file's key (empty: messages are not signed).
    pub fn new(key: &str) -> Signer {
        let mac = if key.is_empty() {
            None
        } else {
            // HMAC takes a key of any length
            Hmac::<Sha256>::new_from_slice(key.as_bytes()).ok()
        };
        Signer { mac }
    }

    fn mac_of(&self, parts: &[&[u8]]) -> Option<Hmac<Sha256>> {
        let mut mac = self.mac.clone()?;
        for p in parts {
            mac.update(p);
        }
        Some(mac)
    }

    /// The hex signature of the four JSON parts (empty without a key).
    pub fn sign(&self, parts: &[&[u8]]) -> String {
        match self.mac_of(parts) {
            Some(mac) => hex(&mac.finalize().into_bytes()),
            None => String::new(),
        }
    }

    /// Whether `signature` (hex) signs the parts; in constant time. Without a key every
    /// signature is accepted.
    pub fn verify(&self, signature: &[u8], parts: &[&[u8]]) -> bool {
        let Some(mac) = self.mac_of(parts) else {
            return true;
        };
        match unhex(signature) {
            Some(bytes) => mac.verify_slice(&bytes).is_ok(),
            None => false,
        }
    }
}

/// Why incoming frames were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// No `<IDS|MSG>` frame, or fewer than five frames after it.
    Malformed(String),
    /// The signature does not match the key.
    BadSignature,
    /// A JSON part does not parse.
    Json(String),
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::Malformed(m) => write!(f, "malformed message: {m}"),
            WireError::BadSignature => write!(f, "bad signature: message refused"),
            WireError::Json(m) => write!(f, "message part is not valid JSON: {m}"),
        }
    }
}

/// Decode the frames of one message, checking its signature.
pub fn decode(frames: Vec<Vec<u8>>, signer: &Signer) -> Result<Message, WireError> {
    let split = frames
        .iter()
        .position(|f| f == DELIMITER)
        .ok_or_else(|| WireError::Malformed("no <IDS|MSG> delimiter".into()))?;
    let mut it = frames.into_iter();
    let identities: Vec<Vec<u8>> = it.by_ref().take(split).collect();
    let _delimiter = it.next();
    let rest: Vec<Vec<u8>> = it.collect();
    if rest.len() < 5 {
        return Err(WireError::Malformed(format!(
            "{} frames after the delimiter, expected at least 5",
            rest.len()
        )));
    }
    let parts: [&[u8]; 4] = [&rest[1], &rest[2], &rest[3], &rest[4]];
    if !signer.verify(&rest[0], &parts) {
        return Err(WireError::BadSignature);
    }
    let parse = |b: &[u8], what: &str| -> Result<Value, WireError> {
        serde_json::from_slice(b).map_err(|e| WireError::Json(format!("{what}: {e}")))
    };
    let header: Header =
        serde_json::from_slice(&rest[1]).map_err(|e| WireError::Json(format!("header: {e}")))?;
    Ok(Message {
        identities,
        header,
        parent_header: parse(&rest[2], "parent_header")?,
        metadata: parse(&rest[3], "metadata")?,
        content: parse(&rest[4], "content")?,
        buffers: rest.into_iter().skip(5).collect(),
    })
}

/// Encode a message as frames, signed.
pub fn encode(msg: &Message, signer: &Signer) -> Vec<Vec<u8>> {
    let to_bytes = |v: &Value| serde_json::to_vec(v).unwrap_or_else(|_| b"{}".to_vec());
    let header = serde_json::to_vec(&msg.header).unwrap_or_else(|_| b"{}".to_vec());
    let parent = to_bytes(&msg.parent_header);
    let metadata = to_bytes(&msg.metadata);
    let content = to_bytes(&msg.content);
    let signature = signer.sign(&[&header, &parent, &metadata, &content]);
    let mut frames = msg.identities.clone();
    frames.push(DELIMITER.to_vec());
    frames.push(signature.into_bytes());
    frames.extend([header, parent, metadata, content]);
    frames.extend(msg.buffers.iter().cloned());
    frames
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 * bytes.len());
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

fn unhex(s: &[u8]) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    s.chunks(2)
        .map(|p| Some(digit(p[0])? << 4 | digit(p[1])?))
        .collect()
}

/// The current time in UTC as ISO 8601 with microseconds (`2026-01-02T03:04:05.678901Z`).
pub fn iso_now() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    iso_utc(d.as_secs() as i64, d.subsec_micros())
}

/// `secs` after 1970-01-01T00:00:00Z as ISO 8601 (the civil calendar from a day count).
fn iso_utc(secs: i64, micros: u32) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // days since 0000-03-01, in 400-year eras of 146097 days
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(signer: &Signer) -> Vec<Vec<u8>> {
        let header = json!({"msg_id": "m1", "session": "s", "username": "u", "date": "",
            "msg_type": "execute_request", "version": "5.3"});
        let msg = Message {
            identities: vec![b"peer".to_vec()],
            header: serde_json::from_value(header).unwrap(),
            parent_header: json!({}),
            metadata: json!({}),
            content: json!({"code": "1 + 1"}),
            buffers: vec![b"raw".to_vec()],
        };
        encode(&msg, signer)
    }

    #[test]
    fn round_trips_and_signs_as_jupyter_does() {
        let signer = Signer::new("secret");
        let frames = request(&signer);
        assert_eq!(frames[1], DELIMITER);
        // the signature is HMAC-SHA256 over header, parent, metadata, content, in hex
        let mut mac = Hmac::<Sha256>::new_from_slice(b"secret").unwrap();
        for p in &frames[3..7] {
            mac.update(p);
        }
        assert_eq!(frames[2], hex(&mac.finalize().into_bytes()).into_bytes());
        let m = decode(frames, &signer).unwrap();
        assert_eq!(m.identities, vec![b"peer".to_vec()]);
        assert_eq!(m.msg_type(), "execute_request");
        assert_eq!(m.content["code"], "1 + 1");
        assert_eq!(m.buffers, vec![b"raw".to_vec()]);
    }

    #[test]
    fn refuses_bad_signatures_and_malformed_frames() {
        let signer = Signer::new("secret");
        let mut frames = request(&signer);
        frames[6] = br#"{"code": "evil()"}"#.to_vec();
        assert_eq!(decode(frames, &signer), Err(WireError::BadSignature));
        let frames = request(&Signer::new("other key"));
        assert_eq!(decode(frames, &signer), Err(WireError::BadSignature));
        let mut frames = request(&signer);
        frames[2] = b"zz".to_vec();
        assert_eq!(decode(frames, &signer), Err(WireError::BadSignature));
        assert!(matches!(
            decode(vec![b"x".to_vec()], &signer),
            Err(WireError::Malformed(_))
        ));
        let mut short = request(&signer);
        short.truncate(5);
        assert!(matches!(
            decode(short, &signer),
            Err(WireError::Malformed(_))
        ));
        // no key: unsigned messages pass, bad JSON is reported
        let none = Signer::new("");
        let mut frames = request(&none);
        assert!(frames[2].is_empty());
        frames[6] = b"{".to_vec();
        assert!(matches!(decode(frames, &none), Err(WireError::Json(_))));
    }

    #[test]
    fn dates_are_iso_8601_utc() {
        assert_eq!(iso_utc(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(iso_utc(951_782_400, 5), "2000-02-29T00:00:00.000005Z");
        assert_eq!(iso_utc(1_767_323_045, 0), "2026-01-02T03:04:05.000000Z");
        assert!(iso_now().ends_with('Z'));
    }
}
