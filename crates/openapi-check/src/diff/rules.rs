//! The diff's rule ids, typed: the differ can only report a rule declared
//! here (an unknown id is a compile error), and [`DiffRule::ALL`] is complete
//! by construction.

use serde::{Serialize, Serializer};

macro_rules! rules {
    ($($variant:ident = $id:literal: $summary:literal,)*) => {
        /// A stable rule id of the diff, in oasdiff's naming where oasdiff has
        /// the check.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum DiffRule {
            $(#[doc = $summary] $variant,)*
        }

        impl DiffRule {
            /// Every rule.
            pub const ALL: &'static [DiffRule] = &[$(DiffRule::$variant,)*];

            /// The kebab-case id.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(DiffRule::$variant => $id,)*
                }
            }

            /// What the rule reports, in one line.
            pub fn summary(self) -> &'static str {
                match self {
                    $(DiffRule::$variant => $summary,)*
                }
            }
        }
    };
}

rules! {
    ApiRemovedWithDeprecation = "api-removed-with-deprecation": "A deprecated operation was removed.",
    ApiRemovedWithoutDeprecation = "api-removed-without-deprecation": "An operation was removed without being deprecated first.",
    ApiSecurityAdded = "api-security-added": "A security requirement was added (breaking when the operation had none).",
    ApiSecurityRemoved = "api-security-removed": "A security requirement is no longer accepted.",
    EndpointAdded = "endpoint-added": "An operation was added.",
    NewOptionalRequestParameter = "new-optional-request-parameter": "An optional parameter was added.",
    NewOptionalRequestProperty = "new-optional-request-property": "An optional request body property was added.",
    NewRequiredRequestParameter = "new-required-request-parameter": "A required parameter was added.",
    NewRequiredRequestProperty = "new-required-request-property": "A required request body property was added.",
    RequestBodyBecameRequired = "request-body-became-required": "The request body became required.",
    RequestParameterBecameRequired = "request-parameter-became-required": "A parameter became required.",
    RequestParameterEnumValueRemoved = "request-parameter-enum-value-removed": "A parameter no longer accepts an enum value.",
    RequestParameterMaxDecreased = "request-parameter-max-decreased": "A parameter's maximum went down.",
    RequestParameterMaxLengthDecreased = "request-parameter-max-length-decreased": "A parameter's maxLength went down.",
    RequestParameterMinIncreased = "request-parameter-min-increased": "A parameter's minimum went up.",
    RequestParameterMinLengthIncreased = "request-parameter-min-length-increased": "A parameter's minLength went up.",
    RequestParameterPatternChanged = "request-parameter-pattern-changed": "A parameter's pattern changed.",
    RequestParameterRemoved = "request-parameter-removed": "A parameter was removed.",
    RequestParameterTypeChanged = "request-parameter-type-changed": "A parameter's type changed.",
    RequestPropertyBecameRequired = "request-property-became-required": "A request body property became required.",
    RequestPropertyEnumValueRemoved = "request-property-enum-value-removed": "A request body property no longer accepts an enum value.",
    RequestPropertyMaxDecreased = "request-property-max-decreased": "A request body property's maximum went down.",
    RequestPropertyMaxLengthDecreased = "request-property-max-length-decreased": "A request body property's maxLength went down.",
    RequestPropertyMinIncreased = "request-property-min-increased": "A request body property's minimum went up.",
    RequestPropertyMinLengthIncreased = "request-property-min-length-increased": "A request body property's minLength went up.",
    RequestPropertyPatternChanged = "request-property-pattern-changed": "A request body property's pattern changed.",
    RequestPropertyRemoved = "request-property-removed": "A request body property was removed.",
    RequestPropertyTypeChanged = "request-property-type-changed": "A request body property's type changed.",
    ResponseNonSuccessStatusAdded = "response-non-success-status-added": "An error status was added.",
    ResponseNonSuccessStatusRemoved = "response-non-success-status-removed": "An error status was removed.",
    ResponseOptionalPropertyRemoved = "response-optional-property-removed": "An optional response property was removed.",
    ResponsePropertyAdded = "response-property-added": "A response property was added.",
    ResponsePropertyBecameOptional = "response-property-became-optional": "A required response property became optional.",
    ResponsePropertyEnumValueAdded = "response-property-enum-value-added": "A response property may have a new enum value.",
    ResponsePropertyTypeChanged = "response-property-type-changed": "A response property's type changed.",
    ResponseRequiredPropertyRemoved = "response-required-property-removed": "A required response property was removed.",
    ResponseSuccessStatusAdded = "response-success-status-added": "A success status was added.",
    ResponseSuccessStatusRemoved = "response-success-status-removed": "A success status was removed.",
}

impl std::fmt::Display for DiffRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for DiffRule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::str::FromStr for DiffRule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        DiffRule::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown diff rule {s:?}"))
    }
}

/// Which schemas a comparison is in: it picks the rule of each check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SchemaContext {
    RequestParameter,
    RequestProperty,
    ResponseProperty,
}

impl SchemaContext {
    /// Requests: values clients send; responses: values they read.
    pub(super) fn is_request(self) -> bool {
        self != SchemaContext::ResponseProperty
    }

    pub(super) fn type_changed(self) -> DiffRule {
        match self {
            SchemaContext::RequestParameter => DiffRule::RequestParameterTypeChanged,
            SchemaContext::RequestProperty => DiffRule::RequestPropertyTypeChanged,
            SchemaContext::ResponseProperty => DiffRule::ResponsePropertyTypeChanged,
        }
    }

    /// The parameter's or the property's rule of a request-only check.
    pub(super) fn request(self, parameter: DiffRule, property: DiffRule) -> DiffRule {
        match self {
            SchemaContext::RequestParameter => parameter,
            SchemaContext::RequestProperty | SchemaContext::ResponseProperty => property,
        }
    }
}
