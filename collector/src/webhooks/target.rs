//! Where a webhook may send (SSRF guard): http(s) URLs whose host resolves only to public
//! addresses. Loopback, private, link-local (cloud metadata at 169.254.169.254), unique-local,
//! shared (CGNAT), multicast and unspecified addresses are refused unless the collector runs
//! with `--allow-private-webhooks`. The addresses checked are the ones connected to (pinned),
//! so a name cannot resolve to a public address for the check and a private one for the send.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

/// How long a name may take to resolve.
const RESOLVE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Resolves a host name to addresses (the system resolver in production, a table in tests).
pub trait Resolve: Send + Sync + std::fmt::Debug {
    /// The addresses of `host` at `port`.
    fn resolve<'a>(
        &'a self,
        host: &'a str,
        port: u16,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send + 'a>>;
}

/// The system's resolver (`getaddrinfo` through tokio).
#[derive(Debug, Default)]
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve<'a>(
        &'a self,
        host: &'a str,
        port: u16,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send + 'a>> {
        Box::pin(async move { Ok(tokio::net::lookup_host((host, port)).await?.collect()) })
    }
}

/// The policy: which resolver, and whether private targets are allowed.
#[derive(Clone, Debug)]
pub struct TargetPolicy {
    /// Resolves host names.
    pub resolver: Arc<dyn Resolve>,
    /// `--allow-private-webhooks` (tests, and collectors inside a trusted network).
    pub allow_private: bool,
}

/// A checked target: the URL and the addresses it may be reached at.
#[derive(Clone, Debug)]
pub struct Target {
    /// The URL as given.
    pub url: reqwest::Url,
    /// The host name (for pinning).
    pub host: String,
    /// The addresses checked.
    pub addrs: Vec<SocketAddr>,
}

impl TargetPolicy {
    /// Checks `url`; the error says why it is refused.
    pub async fn check(&self, url: &str) -> Result<Target, String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!("{}: only http and https URLs", parsed.scheme()));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err("credentials in the URL are not allowed; use the secret".into());
        }
        let host = parsed.host_str().ok_or("the URL has no host")?.to_owned();
        let port = parsed
            .port_or_known_default()
            .ok_or("the URL has no port")?;
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let addrs = match bare.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::time::timeout(RESOLVE_TIMEOUT, self.resolver.resolve(bare, port))
                .await
                .map_err(|_| format!("{bare}: name resolution timed out"))?
                .map_err(|e| format!("{bare} does not resolve: {e}"))?,
        };
        if addrs.is_empty() {
            return Err(format!("{bare} does not resolve"));
        }
        if !self.allow_private {
            if let Some(private) = addrs.iter().find(|a| !is_public(a.ip())) {
                return Err(format!(
                    "{bare} resolves to {}, a private, loopback, link-local or metadata address",
                    private.ip()
                ));
            }
        }
        Ok(Target {
            url: parsed,
            host: bare.to_owned(),
            addrs,
        })
    }
}

/// Whether `ip` is an ordinary public address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0)                 // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b))  // benchmarking
        || a >= 240) // reserved
}

/// Only global unicast (2000::/3), without Teredo and documentation prefixes; 6to4 addresses
/// are judged by the IPv4 address they carry. Everything else (NAT64, IPv4-translated,
/// site-local, unique-local, link-local...) is refused.
fn is_public_v6(ip: Ipv6Addr) -> bool {
    let [first, second, third, ..] = ip.segments();
    if first & 0xe000 != 0x2000 {
        return false;
    }
    match (first, second) {
        (0x2001, 0x0000) | (0x2001, 0x0db8) => false,
        (0x2002, _) => {
            let [a, b] = second.to_be_bytes();
            let [c, d] = third.to_be_bytes();
            is_public_v4(Ipv4Addr::new(a, b, c, d))
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_metadata_addresses_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "2002:a00:1::",
            "2001::1",
            "fec0::1",
            "::ffff:0:a00:1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "2002:5db8:d822::1",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}
