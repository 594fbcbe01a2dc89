//! The server's token: made once at start from the system's random source, shown in the URL
//! the server prints (as Jupyter does), and asked of every request — in the `token` query
//! parameter, an `X-HNN-Token` header, or the cookie the page gets on its first visit.

use std::io::Read;

/// A new random token: 32 hexadecimal digits.
pub fn new_token() -> String {
    let mut bytes = [0u8; 16];
    let filled = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok();
    if !filled {
        // no /dev/urandom (not Unix): the standard library's per-process random hash keys
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            chunk.copy_from_slice(&h.finish().to_le_bytes()[..chunk.len()]);
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The cookie's name; it carries the port since browsers share cookies across the ports
/// of one host.
pub fn cookie_name(port: u16) -> String {
    format!("hnn_token_{port}")
}

/// Whether `given` equals `token`, compared in time independent of where they differ.
pub fn same(given: &str, token: &str) -> bool {
    given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The token a request carries: query parameter, header or cookie.
pub fn given<'a>(
    query: Option<&'a str>,
    header: Option<&'a str>,
    cookies: Option<&'a str>,
    cookie: &str,
) -> Option<&'a str> {
    let from_query = query.and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "token")
            .map(|(_, v)| v)
    });
    let from_cookie = cookies.and_then(|c| {
        c.split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == cookie)
            .map(|(_, v)| v)
    });
    from_query.or(header).or(from_cookie)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_distinct_and_found_anywhere() {
        let a = new_token();
        assert_eq!(a.len(), 32);
        assert_ne!(a, new_token());
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, "x"));
        let c = cookie_name(8080);
        assert_eq!(given(Some("a=1&token=t1"), None, None, &c), Some("t1"));
        assert_eq!(given(None, Some("t2"), None, &c), Some("t2"));
        assert_eq!(
            given(None, None, Some("x=1; hnn_token_8080=t3"), &c),
            Some("t3")
        );
        assert_eq!(given(None, None, Some("hnn_token_9=t3"), &c), None);
    }
}
