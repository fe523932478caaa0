//! Where requests go: a region's endpoint, or any URL (other clouds built on
//! Huawei Cloud, a local emulator, a proxy).

use std::net::IpAddr;

use reqwest::Url;

use crate::Error;

/// Regions whose TaurusDB endpoint host is not `gaussdb.{region}`, from the
/// service's published endpoint list.
const HOST_PREFIX_EXCEPTIONS: &[(&str, &str)] = &[
    ("af-south-1", "gaussdb-mysql"),
    ("ap-southeast-1", "gaussdbformysql"),
    ("ap-southeast-2", "gaussdbformysql"),
    ("cn-east-5", "gaussdb-mysql"),
    ("cn-north-11", "gaussdbformysql"),
    ("la-north-2", "gaussdb-mysql"),
    ("me-east-1", "gaussdbformysql"),
    ("tr-west-1", "gaussdbformysql"),
];

/// A validated base URL for the API.
///
/// HTTPS is required, except for loopback hosts (a local emulator) or when
/// plain HTTP is allowed explicitly with [`Endpoint::allow_http`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    url: Url,
}

impl Endpoint {
    /// The public endpoint of a Huawei Cloud region, for example
    /// `eu-west-101` → `https://gaussdb.eu-west-101.myhuaweicloud.com`.
    pub fn region(region: &str) -> Result<Self, Error> {
        let valid = !region.is_empty()
            && region
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            return Err(Error::invalid(
                "region",
                format!("{region:?} is not a region ID (lowercase letters, digits and '-')"),
            ));
        }
        let prefix = HOST_PREFIX_EXCEPTIONS
            .iter()
            .find(|(name, _)| *name == region)
            .map_or("gaussdb", |(_, prefix)| prefix);
        Self::url(&format!("https://{prefix}.{region}.myhuaweicloud.com"))
    }

    /// A full base URL, such as `https://gaussdb.example-cloud.com` or
    /// `http://127.0.0.1:8080`. Only `https` is accepted, or `http` to a
    /// loopback address.
    pub fn url(url: &str) -> Result<Self, Error> {
        let endpoint = Self::parse(url)?;
        if endpoint.url.scheme() == "http" && !endpoint.is_loopback() {
            return Err(Error::invalid(
                "endpoint",
                format!(
                    "{url} uses plain HTTP to a non-loopback host; use https, or \
                     Endpoint::allow_http to opt in explicitly"
                ),
            ));
        }
        Ok(endpoint)
    }

    /// Any `http` or `https` URL, plain HTTP included: for test networks and
    /// proxies that terminate TLS. Credentials travel in clear text over HTTP.
    pub fn allow_http(url: &str) -> Result<Self, Error> {
        Self::parse(url)
    }

    fn parse(text: &str) -> Result<Self, Error> {
        let url = Url::parse(text)
            .map_err(|err| Error::invalid("endpoint", format!("{text:?} is not a URL: {err}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::invalid(
                "endpoint",
                format!("{text} must use https (or http to loopback)"),
            ));
        }
        if url.host().is_none() || url.query().is_some() || url.fragment().is_some() {
            return Err(Error::invalid(
                "endpoint",
                format!("{text} must be a base URL with a host and no query or fragment"),
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::invalid(
                "endpoint",
                "the URL must not carry credentials; use Credentials instead",
            ));
        }
        Ok(Endpoint { url })
    }

    fn is_loopback(&self) -> bool {
        match self.url.host() {
            Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
            Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
            None => false,
        }
    }

    /// The base URL the generated code prefixes to paths: no trailing slash.
    pub(crate) fn base(&self) -> String {
        self.url.as_str().trim_end_matches('/').to_owned()
    }

    /// The base URL.
    pub fn as_url(&self) -> &Url {
        &self.url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_map_to_their_hosts() {
        let host = |r: &str| Endpoint::region(r).unwrap().base();
        assert_eq!(
            host("cn-north-4"),
            "https://gaussdb.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            host("ap-southeast-1"),
            "https://gaussdbformysql.ap-southeast-1.myhuaweicloud.com"
        );
        assert_eq!(
            host("af-south-1"),
            "https://gaussdb-mysql.af-south-1.myhuaweicloud.com"
        );
        assert!(Endpoint::region("eu/west").is_err());
        assert!(Endpoint::region("").is_err());
    }

    #[test]
    fn plain_http_only_to_loopback_unless_opted_in() {
        assert!(Endpoint::url("http://127.0.0.1:8080").is_ok());
        assert!(Endpoint::url("http://[::1]:8080/").is_ok());
        assert!(Endpoint::url("http://localhost:1").is_ok());
        let err = Endpoint::url("http://gaussdb.example.com").unwrap_err();
        assert!(err.to_string().contains("plain HTTP"), "{err}");
        assert!(Endpoint::allow_http("http://gaussdb.example.com").is_ok());
        assert!(Endpoint::url("ftp://x").is_err());
        assert!(Endpoint::url("https://user:pw@x").is_err());
    }

    #[test]
    fn base_has_no_trailing_slash_and_keeps_a_path_prefix() {
        let e = Endpoint::url("https://proxy.example.com/gaussdb/").unwrap();
        assert_eq!(e.base(), "https://proxy.example.com/gaussdb");
    }
}
