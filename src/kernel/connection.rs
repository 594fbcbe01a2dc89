//! The connection file Jupyter writes before starting a kernel: where to bind the five
//! sockets and how to sign messages.

use std::path::Path;

use serde::Deserialize;

/// The contents of a connection file (`kernel-<id>.json`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ConnectionInfo {
    /// `tcp` (the only transport this kernel binds).
    pub transport: String,
    /// The address to bind (`127.0.0.1`, `0.0.0.0` for remote clients).
    pub ip: String,
    /// ROUTER socket for requests.
    pub shell_port: u16,
    /// PUB socket for outputs and status.
    pub iopub_port: u16,
    /// ROUTER socket for input requests to the client.
    pub stdin_port: u16,
    /// ROUTER socket for interrupts and shutdown, served while the shell is busy.
    pub control_port: u16,
    /// REP socket that echoes heartbeats.
    pub hb_port: u16,
    /// HMAC key; empty means messages are not signed.
    #[serde(default)]
    pub key: String,
    /// `hmac-sha256` (the only scheme this kernel speaks).
    #[serde(default = "default_scheme")]
    pub signature_scheme: String,
}

fn default_scheme() -> String {
    "hmac-sha256".into()
}

impl ConnectionInfo {
    /// Read and check a connection file.
    pub fn read(path: &Path) -> Result<ConnectionInfo, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read connection file {}: {e}", path.display()))?;
        ConnectionInfo::parse(&text).map_err(|e| format!("connection file {}: {e}", path.display()))
    }

    /// Parse and check the JSON of a connection file.
    pub fn parse(text: &str) -> Result<ConnectionInfo, String> {
        let info: ConnectionInfo = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if info.transport != "tcp" {
            return Err(format!(
                "transport '{}' is not supported (only tcp)",
                info.transport
            ));
        }
        if info.signature_scheme != "hmac-sha256" {
            return Err(format!(
                "signature_scheme '{}' is not supported (only hmac-sha256)",
                info.signature_scheme
            ));
        }
        if info.ip.is_empty() {
            return Err("ip is empty".into());
        }
        Ok(info)
    }

    /// The ZeroMQ endpoint of `port` (`tcp://ip:port`; an IPv6 address in brackets).
    pub fn endpoint(&self, port: u16) -> String {
        if self.ip.contains(':') {
            format!("tcp://[{}]:{port}", self.ip)
        } else {
            format!("tcp://{}:{port}", self.ip)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003,
        "control_port": 5004, "hb_port": 5005, "ip": "127.0.0.1", "key": "abc",
        "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "hnn"}"#;

    #[test]
    fn reads_jupyter_connection_files() {
        let c = ConnectionInfo::parse(FILE).unwrap();
        assert_eq!(c.key, "abc");
        assert_eq!(c.endpoint(c.hb_port), "tcp://127.0.0.1:5005");
        let v6 = ConnectionInfo::parse(&FILE.replace("127.0.0.1", "::1")).unwrap();
        assert_eq!(v6.endpoint(1), "tcp://[::1]:1");
    }

    #[test]
    fn refuses_what_it_cannot_do() {
        let e = ConnectionInfo::parse(&FILE.replace("\"tcp\"", "\"ipc\"")).unwrap_err();
        assert!(e.contains("ipc"), "{e}");
        let e = ConnectionInfo::parse(&FILE.replace("hmac-sha256", "hmac-md5")).unwrap_err();
        assert!(e.contains("hmac-md5"), "{e}");
        assert!(ConnectionInfo::parse("{}").is_err());
    }
}
