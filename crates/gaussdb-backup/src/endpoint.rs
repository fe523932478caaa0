//! Where requests go: a region's endpoint, or any URL (other clouds built on
//! Huawei Cloud, a local emulator, a proxy).

use std::net::IpAddr;

use reqwest::Url;

use crate::Error;

/// Every region the official SDKs know, with its endpoint host: exactly the
/// list of huaweicloud-sdk-python-v3 3.1.211
/// (`huaweicloudsdkgaussdb/v3/region/gaussdb_region.py`) and
/// huaweicloud-sdk-java-v3 3.1.212 (`GaussDBRegion.java`), in their order.
/// The Go SDK read (0.1.188) lists the same but `cn-southwest-3`, added later
/// (Python 3.1.203); the newer SDKs win. Hosts use three prefixes:
/// `gaussdb.`, `gaussdbformysql.` and `gaussdb-mysql.`.
pub const REGIONS: &[(&str, &str)] = &[
    ("cn-north-4", "gaussdb.cn-north-4.myhuaweicloud.com"),
    ("cn-southwest-2", "gaussdb.cn-southwest-2.myhuaweicloud.com"),
    ("cn-east-3", "gaussdb.cn-east-3.myhuaweicloud.com"),
    ("cn-south-1", "gaussdb.cn-south-1.myhuaweicloud.com"),
    ("ru-northwest-2", "gaussdb.ru-northwest-2.myhuaweicloud.com"),
    ("ap-southeast-3", "gaussdb.ap-southeast-3.myhuaweicloud.com"),
    ("cn-north-2", "gaussdb.cn-north-2.myhuaweicloud.com"),
    ("cn-north-9", "gaussdb.cn-north-9.myhuaweicloud.com"),
    ("tr-west-1", "gaussdbformysql.tr-west-1.myhuaweicloud.com"),
    ("ap-southeast-4", "gaussdb.ap-southeast-4.myhuaweicloud.com"),
    ("sa-brazil-1", "gaussdb.sa-brazil-1.myhuaweicloud.com"),
    (
        "ap-southeast-1",
        "gaussdbformysql.ap-southeast-1.myhuaweicloud.com",
    ),
    (
        "ap-southeast-2",
        "gaussdbformysql.ap-southeast-2.myhuaweicloud.com",
    ),
    ("af-south-1", "gaussdb-mysql.af-south-1.myhuaweicloud.com"),
    ("cn-south-4", "gaussdb.cn-south-4.myhuaweicloud.com"),
    (
        "cn-north-11",
        "gaussdbformysql.cn-north-11.myhuaweicloud.com",
    ),
    ("cn-east-5", "gaussdb-mysql.cn-east-5.myhuaweicloud.com"),
    ("la-north-2", "gaussdb-mysql.la-north-2.myhuaweicloud.com"),
    (
        "cn-southwest-3",
        "gaussdb-mysql.cn-southwest-3.myhuaweicloud.com",
    ),
    ("me-east-1", "gaussdbformysql.me-east-1.myhuaweicloud.com"),
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
    /// The public endpoint of a Huawei Cloud region in [`REGIONS`], for
    /// example `cn-north-4` → `https://gaussdb.cn-north-4.myhuaweicloud.com`.
    /// A region not in the table is an error that lists the known ones: a
    /// typo must not become a DNS failure. For a region the table does not
    /// know yet, or another cloud, use [`Endpoint::url`].
    ///
    /// As in the official SDKs, the environment variable
    /// `HUAWEICLOUD_SDK_REGION_GAUSSDB_{REGION}` (the region upper-cased,
    /// `-` as `_`: `HUAWEICLOUD_SDK_REGION_GAUSSDB_CN_NORTH_4`) comes first:
    /// its value, a comma-separated list of endpoints, overrides the table's
    /// endpoint and names regions the table lacks. This client uses the
    /// first endpoint of the list (the SDKs fall back to the others when it
    /// cannot be reached; this client does not).
    pub fn region(region: &str) -> Result<Self, Error> {
        Self::region_with(region, |name| std::env::var(name).ok())
    }

    /// The name of the SDKs' endpoint override for `region`.
    pub fn override_variable(region: &str) -> String {
        format!(
            "HUAWEICLOUD_SDK_REGION_GAUSSDB_{}",
            region.replace('-', "_").to_uppercase()
        )
    }

    /// [`Endpoint::region`], reading the environment through `env`.
    pub fn region_with(region: &str, env: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let variable = Self::override_variable(region);
        if let Some(value) = env(&variable) {
            let first = value.split(',').map(str::trim).find(|e| !e.is_empty());
            return match first {
                Some(endpoint) => Self::url(endpoint),
                None => Err(Error::invalid(
                    "region",
                    format!("{variable} is set but names no endpoint"),
                )),
            };
        }
        match REGIONS.iter().find(|(name, _)| *name == region) {
            Some((_, host)) => Self::url(&format!("https://{host}")),
            None => {
                let known: Vec<&str> = REGIONS.iter().map(|(name, _)| *name).collect();
                Err(Error::invalid(
                    "region",
                    format!(
                        "{region:?} is not a region the official SDKs list ({}); for another \
                         region or cloud, give the endpoint URL instead (endpoint_url, --endpoint)",
                        known.join(", ")
                    ),
                ))
            }
        }
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
        assert_eq!(
            host("cn-southwest-3"),
            "https://gaussdb-mysql.cn-southwest-3.myhuaweicloud.com"
        );
        assert!(Endpoint::region("eu/west").is_err());
        assert!(Endpoint::region("").is_err());
    }

    #[test]
    fn an_unknown_region_is_an_error_naming_the_known_ones() {
        let err = Endpoint::region("cn-nort-4").unwrap_err().to_string();
        assert!(err.contains("\"cn-nort-4\" is not a region"), "{err}");
        assert!(err.contains("cn-north-4, cn-southwest-2"), "{err}");
        assert!(err.contains("endpoint"), "{err}");
        // Not in any official SDK's table.
        assert!(Endpoint::region("eu-west-101").is_err());
    }

    #[test]
    fn every_region_in_the_table_resolves_to_its_host_once() {
        // The count is stated once, in openapi/SOURCES.md (with its source):
        // the table must hold that many regions, each once.
        let sources = include_str!("../../../openapi/SOURCES.md");
        let stated: usize = sources
            .split("The region table: ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("SOURCES.md states the region table's size");
        let mut names: Vec<&str> = REGIONS.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), REGIONS.len(), "a region is listed twice");
        assert_eq!(REGIONS.len(), stated, "SOURCES.md and REGIONS disagree");
        for (name, host) in REGIONS {
            // One of the three prefixes the SDKs use, then the region.
            let prefix = host.split('.').next().unwrap_or_default();
            assert!(
                ["gaussdb", "gaussdbformysql", "gaussdb-mysql"].contains(&prefix),
                "{name} → {host}"
            );
            assert_eq!(
                Endpoint::region_with(name, |_| None).unwrap().base(),
                format!("https://{host}"),
                "{name}"
            );
        }
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

    #[test]
    fn the_sdks_endpoint_override_comes_before_the_table() {
        let env = |name: &str| {
            (name == "HUAWEICLOUD_SDK_REGION_GAUSSDB_EU_WEST_101").then(|| {
                " https://gaussdb.eu-west-101.example.com , https://backup.example.com".into()
            })
        };
        assert_eq!(
            Endpoint::region_with("eu-west-101", env).unwrap().base(),
            "https://gaussdb.eu-west-101.example.com"
        );
        // A known region with no override: the table.
        assert_eq!(
            Endpoint::region_with("cn-north-4", env).unwrap().base(),
            "https://gaussdb.cn-north-4.myhuaweicloud.com"
        );
        let overridden = |name: &str| {
            (name == "HUAWEICLOUD_SDK_REGION_GAUSSDB_CN_NORTH_4")
                .then(|| "https://proxy.example.com".into())
        };
        assert_eq!(
            Endpoint::region_with("cn-north-4", overridden)
                .unwrap()
                .base(),
            "https://proxy.example.com"
        );
        let empty = |_: &str| Some(" , ".to_owned());
        assert!(Endpoint::region_with("cn-north-4", empty).is_err());
    }

    /// An endpoint is a base URL: the client appends the API's paths and
    /// queries to it, so a query, a fragment or credentials in it would be
    /// sent wrong or leak; each is refused with the reason.
    #[test]
    fn an_endpoint_with_a_query_fragment_or_user_is_refused() {
        for url in [
            "https://gaussdb.example.com/?region=x",
            "https://gaussdb.example.com/#top",
        ] {
            let err = Endpoint::url(url).unwrap_err().to_string();
            assert!(err.contains("no query or fragment"), "{url}: {err}");
        }
        for url in [
            "https://user@gaussdb.example.com",
            "https://:password@gaussdb.example.com",
        ] {
            let err = Endpoint::url(url).unwrap_err().to_string();
            assert!(err.contains("must not carry credentials"), "{url}: {err}");
        }
        assert!(Endpoint::url("https://gaussdb.example.com/prefix/").is_ok());
    }
}
