//! The diff's rule ids, typed: the differ can only report a rule declared
//! here (an unknown id is a compile error), and [`DiffRule::ALL`] is complete
//! by construction. Each rule has its level; the few whose level depends on
//! the change say so (`None`) and the differ picks the level when it reports.

use serde::{Serialize, Serializer};

use super::Level;

macro_rules! rules {
    ($($variant:ident = $id:literal $level:tt: $summary:literal,)*) => {
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

            /// The rule's level, or `None` when it depends on the change
            /// (each such rule's summary says how).
            pub fn level(self) -> Option<Level> {
                match self {
                    $(DiffRule::$variant => rules!(@level $level),)*
                }
            }
        }
    };
    (@level B) => { Some(Level::Breaking) };
    (@level P) => { Some(Level::PotentiallyBreaking) };
    (@level N) => { Some(Level::NonBreaking) };
    (@level V) => { None };
}

// B breaking, P potentially breaking, N non-breaking, V varies (the summary
// says how). Grouped by family; `tests/diff/<id>/` has a pair for each.
rules! {
    // Operations and their lifecycle.
    ApiRemovedWithDeprecation = "api-removed-with-deprecation" N: "A deprecated operation was removed, with no sunset date or after it.",
    ApiRemovedWithoutDeprecation = "api-removed-without-deprecation" B: "An operation was removed without being deprecated first.",
    ApiRemovedBeforeSunset = "api-removed-before-sunset" B: "A deprecated operation was removed before its x-sunset date.",
    EndpointAdded = "endpoint-added" N: "An operation was added.",
    EndpointDeprecated = "endpoint-deprecated" N: "An operation was deprecated.",
    EndpointReactivated = "endpoint-reactivated" N: "An operation is no longer deprecated.",
    ApiDeprecatedSunsetMissing = "api-deprecated-sunset-missing" B: "An operation was deprecated without the x-sunset date the deprecation policy asks for.",
    ApiSunsetDateTooSmall = "api-sunset-date-too-small" B: "An operation was deprecated with an x-sunset date sooner than the deprecation policy allows.",
    SunsetDeleted = "sunset-deleted" B: "A deprecated operation lost its x-sunset date.",
    ApiSunsetDateChangedTooSmall = "api-sunset-date-changed-too-small" B: "A deprecated operation's x-sunset date moved sooner than the deprecation policy allows.",
    ApiSunsetChanged = "api-sunset-changed" N: "A deprecated operation's x-sunset date changed within what the deprecation policy allows.",
    ApiStabilityDecreased = "api-stability-decreased" B: "An operation's x-stability-level went down (stable → beta → alpha → draft).",
    ApiStabilityIncreased = "api-stability-increased" N: "An operation's x-stability-level went up.",
    // Security.
    ApiSecurityAdded = "api-security-added" V: "A security requirement was added: breaking when the operation had none, else non-breaking (another way to authenticate).",
    ApiSecurityRemoved = "api-security-removed" V: "A security requirement was removed: breaking when others remain (clients using it fail), non-breaking when none remains.",
    ApiSecurityScopeAdded = "api-security-scope-added" P: "A security requirement asks for another OAuth2/OpenID scope.",
    ApiSecurityScopeRemoved = "api-security-scope-removed" N: "A security requirement no longer asks for a scope.",
    ApiSecurityComponentAdded = "api-security-component-added" N: "A security scheme was added to the components.",
    ApiSecurityComponentRemoved = "api-security-component-removed" N: "A security scheme was removed from the components.",
    ApiSecurityComponentChanged = "api-security-component-changed" B: "A security scheme's type, scheme, location, name or OAuth2 URLs changed: clients authenticating the old way fail.",
    // Parameters.
    NewOptionalRequestParameter = "new-optional-request-parameter" N: "An optional parameter was added.",
    NewRequiredRequestParameter = "new-required-request-parameter" B: "A required parameter was added.",
    RequestParameterRemoved = "request-parameter-removed" P: "A parameter was removed.",
    RequestParameterRemovedBeforeSunset = "request-parameter-removed-before-sunset" B: "A deprecated parameter was removed before its x-sunset date.",
    RequestParameterRemovedWithDeprecation = "request-parameter-removed-with-deprecation" N: "A deprecated parameter was removed, with no sunset date or after it.",
    RequestParameterBecameRequired = "request-parameter-became-required" B: "A parameter became required.",
    RequestParameterBecameOptional = "request-parameter-became-optional" N: "A parameter became optional.",
    RequestParameterDeprecated = "request-parameter-deprecated" N: "A parameter was deprecated.",
    RequestParameterReactivated = "request-parameter-reactivated" N: "A parameter is no longer deprecated.",
    RequestParameterDeprecatedSunsetMissing = "request-parameter-deprecated-sunset-missing" B: "A parameter was deprecated without the x-sunset date the deprecation policy asks for.",
    RequestParameterSunsetDateTooSmall = "request-parameter-sunset-date-too-small" B: "A parameter was deprecated with an x-sunset date sooner than the deprecation policy allows.",
    RequestParameterSunsetDeleted = "request-parameter-sunset-deleted" B: "A deprecated parameter lost its x-sunset date.",
    RequestParameterSunsetDateChangedTooSmall = "request-parameter-sunset-date-changed-too-small" B: "A deprecated parameter's x-sunset date moved sooner than the deprecation policy allows.",
    RequestParameterSunsetChanged = "request-parameter-sunset-changed" N: "A deprecated parameter's x-sunset date changed within what the deprecation policy allows.",
    RequestParameterDefaultValueChanged = "request-parameter-default-value-changed" B: "A parameter's default changed: clients that omit it get another value.",
    RequestParameterDefaultValueAdded = "request-parameter-default-value-added" B: "A parameter got a default: clients that omit it now send that value.",
    RequestParameterDefaultValueRemoved = "request-parameter-default-value-removed" B: "A parameter lost its default: clients that omit it no longer get that value.",
    // Request bodies and their media types.
    RequestBodyAddedRequired = "request-body-added-required" B: "A required request body was added.",
    RequestBodyAddedOptional = "request-body-added-optional" N: "An optional request body was added.",
    RequestBodyRemoved = "request-body-removed" B: "The request body was removed: clients still sending one may be refused.",
    RequestBodyBecameRequired = "request-body-became-required" B: "The request body became required.",
    RequestBodyBecameOptional = "request-body-became-optional" N: "The request body became optional.",
    RequestBodyMediaTypeAdded = "request-body-media-type-added" N: "The request body accepts another media type.",
    RequestBodyMediaTypeRemoved = "request-body-media-type-removed" B: "The request body no longer accepts a media type.",
    RequestBodyMediaTypeSchemaAdded = "request-body-media-type-schema-added" B: "A request media type without a schema got one: values it accepted may now be refused.",
    RequestBodyMediaTypeSchemaRemoved = "request-body-media-type-schema-removed" N: "A request media type lost its schema: it accepts any value.",
    RequestBodyWrappedInOneOf = "request-body-wrapped-in-one-of" B: "The request body's schema became one branch of a new oneOf: generated clients get another type.",
    // Responses and their media types and headers.
    ResponseSuccessStatusAdded = "response-success-status-added" N: "A success status was added.",
    ResponseSuccessStatusRemoved = "response-success-status-removed" B: "A success status was removed.",
    ResponseNonSuccessStatusAdded = "response-non-success-status-added" N: "An error status was added.",
    ResponseNonSuccessStatusRemoved = "response-non-success-status-removed" N: "An error status was removed.",
    ResponseMediaTypeAdded = "response-media-type-added" N: "A response may come in another media type.",
    ResponseMediaTypeRemoved = "response-media-type-removed" B: "A response no longer comes in a media type.",
    ResponseMediaTypeNameGeneralized = "response-media-type-name-generalized" B: "A response's media type became a wildcard (`application/json` → `application/*`): clients may get a type they cannot read.",
    ResponseMediaTypeNameSpecialized = "response-media-type-name-specialized" N: "A response's wildcard media type became a type it covers.",
    ResponseBodyMediaTypeSchemaAdded = "response-body-media-type-schema-added" N: "A response media type without a schema got one.",
    ResponseBodyMediaTypeSchemaRemoved = "response-body-media-type-schema-removed" P: "A response media type lost its schema: it may carry any value.",
    ResponseBodyWrappedInOneOf = "response-body-wrapped-in-one-of" B: "The response body's schema became one branch of a new oneOf: the server may send the others.",
    ResponseHeaderAdded = "response-header-added" N: "A response header was added.",
    RequiredResponseHeaderRemoved = "required-response-header-removed" B: "A required response header was removed.",
    OptionalResponseHeaderRemoved = "optional-response-header-removed" P: "An optional response header was removed.",
    ResponseHeaderBecameOptional = "response-header-became-optional" B: "A response header became optional.",
    ResponseHeaderTypeChanged = "response-header-type-changed" B: "A response header's type changed.",
    ResponseHeaderBecameNullable = "response-header-became-nullable" B: "A response header became nullable.",
    // Schema types and nullability.
    RequestParameterTypeChanged = "request-parameter-type-changed" B: "A parameter's type or format changed.",
    RequestParameterTypeGeneralized = "request-parameter-type-generalized" N: "A parameter's type widened (`integer` → `number`, `int32` → `int64`).",
    RequestParameterListOfTypesWidened = "request-parameter-list-of-types-widened" N: "A parameter accepts more types (a type became a oneOf/anyOf of types, or lost its type).",
    RequestParameterListOfTypesNarrowed = "request-parameter-list-of-types-narrowed" B: "A parameter accepts fewer types.",
    RequestParameterBecameNullable = "request-parameter-became-nullable" N: "A parameter became nullable.",
    RequestParameterBecameNotNullable = "request-parameter-became-not-nullable" B: "A parameter is no longer nullable.",
    RequestPropertyTypeChanged = "request-property-type-changed" B: "A request body (or property) type or format changed.",
    RequestPropertyTypeGeneralized = "request-property-type-generalized" N: "A request body (or property) type widened (`integer` → `number`, `int32` → `int64`).",
    RequestPropertyListOfTypesWidened = "request-property-list-of-types-widened" N: "A request body (or property) accepts more types.",
    RequestPropertyListOfTypesNarrowed = "request-property-list-of-types-narrowed" B: "A request body (or property) accepts fewer types.",
    RequestPropertyBecameNullable = "request-property-became-nullable" N: "A request body (or property) became nullable.",
    RequestPropertyBecameNotNullable = "request-property-became-not-nullable" B: "A request body (or property) is no longer nullable.",
    ResponsePropertyTypeChanged = "response-property-type-changed" B: "A response body (or property) type or format changed.",
    ResponsePropertyTypeGeneralized = "response-property-type-generalized" B: "A response body (or property) type widened: clients reading the narrower type may fail.",
    ResponsePropertyTypeSpecialized = "response-property-type-specialized" N: "A response body (or property) type narrowed (`number` → `integer`).",
    ResponsePropertyListOfTypesWidened = "response-property-list-of-types-widened" B: "A response body (or property) may have more types.",
    ResponsePropertyListOfTypesNarrowed = "response-property-list-of-types-narrowed" N: "A response body (or property) has fewer types.",
    ResponsePropertyBecameNullable = "response-property-became-nullable" B: "A response body (or property) became nullable: clients may get null.",
    ResponsePropertyBecameNotNullable = "response-property-became-not-nullable" N: "A response body (or property) is no longer nullable.",
    // Enums.
    RequestParameterEnumValueRemoved = "request-parameter-enum-value-removed" B: "A parameter no longer accepts an enum value.",
    RequestParameterEnumValueAdded = "request-parameter-enum-value-added" N: "A parameter accepts another enum value (or no longer has an enum).",
    RequestParameterBecameEnum = "request-parameter-became-enum" B: "A parameter became restricted to an enum.",
    RequestParameterXExtensibleEnumValueRemoved = "request-parameter-x-extensible-enum-value-removed" B: "A parameter's x-extensible-enum lost a value.",
    RequestPropertyEnumValueRemoved = "request-property-enum-value-removed" B: "A request body (or property) no longer accepts an enum value.",
    RequestPropertyEnumValueAdded = "request-property-enum-value-added" N: "A request body (or property) accepts another enum value (or no longer has an enum).",
    RequestPropertyBecameEnum = "request-property-became-enum" B: "A request body (or property) became restricted to an enum.",
    RequestPropertyXExtensibleEnumValueRemoved = "request-property-x-extensible-enum-value-removed" B: "A request body (or property) x-extensible-enum lost a value.",
    ResponsePropertyEnumValueAdded = "response-property-enum-value-added" V: "A response body (or property) may have a new enum value: potentially breaking (closed enums), non-breaking for an x-extensible-enum.",
    ResponsePropertyEnumValueRemoved = "response-property-enum-value-removed" N: "A response body (or property) no longer has an enum value.",
    // Patterns.
    RequestParameterPatternAdded = "request-parameter-pattern-added" B: "A parameter got a pattern where it had none.",
    RequestParameterPatternChanged = "request-parameter-pattern-changed" P: "A parameter's pattern changed.",
    RequestParameterPatternRemoved = "request-parameter-pattern-removed" N: "A parameter lost its pattern.",
    RequestPropertyPatternAdded = "request-property-pattern-added" B: "A request body (or property) got a pattern where it had none.",
    RequestPropertyPatternChanged = "request-property-pattern-changed" P: "A request body (or property) pattern changed.",
    RequestPropertyPatternRemoved = "request-property-pattern-removed" N: "A request body (or property) lost its pattern.",
    ResponsePropertyPatternAdded = "response-property-pattern-added" N: "A response body (or property) got a pattern.",
    ResponsePropertyPatternChanged = "response-property-pattern-changed" N: "A response body (or property) pattern changed.",
    ResponsePropertyPatternRemoved = "response-property-pattern-removed" N: "A response body (or property) lost its pattern.",
    // Defaults of schemas (a parameter's are with the parameters).
    RequestPropertyDefaultValueChanged = "request-property-default-value-changed" N: "A request body (or property) default changed.",
    RequestPropertyDefaultValueAdded = "request-property-default-value-added" N: "A request body (or property) got a default.",
    RequestPropertyDefaultValueRemoved = "request-property-default-value-removed" N: "A request body (or property) lost its default.",
    ResponsePropertyDefaultValueChanged = "response-property-default-value-changed" N: "A response body (or property) default changed.",
    ResponsePropertyDefaultValueAdded = "response-property-default-value-added" N: "A response body (or property) got a default.",
    ResponsePropertyDefaultValueRemoved = "response-property-default-value-removed" N: "A response body (or property) lost its default.",
    // Bounds of requests: tighter ones refuse values clients send today.
    RequestParameterMaxDecreased = "request-parameter-max-decreased" B: "A parameter's maximum went down (or became exclusive).",
    RequestParameterMaxIncreased = "request-parameter-max-increased" N: "A parameter's maximum went up (or was removed).",
    RequestParameterMaxSet = "request-parameter-max-set" P: "A parameter got a maximum where it had none.",
    RequestParameterMinIncreased = "request-parameter-min-increased" B: "A parameter's minimum went up (or became exclusive).",
    RequestParameterMinDecreased = "request-parameter-min-decreased" N: "A parameter's minimum went down (or was removed).",
    RequestParameterMinSet = "request-parameter-min-set" P: "A parameter got a minimum where it had none.",
    RequestParameterMaxLengthDecreased = "request-parameter-max-length-decreased" B: "A parameter's maxLength went down.",
    RequestParameterMaxLengthIncreased = "request-parameter-max-length-increased" N: "A parameter's maxLength went up (or was removed).",
    RequestParameterMaxLengthSet = "request-parameter-max-length-set" P: "A parameter got a maxLength where it had none.",
    RequestParameterMinLengthIncreased = "request-parameter-min-length-increased" B: "A parameter's minLength went up.",
    RequestParameterMinLengthDecreased = "request-parameter-min-length-decreased" N: "A parameter's minLength went down (or was removed).",
    RequestParameterMaxItemsDecreased = "request-parameter-max-items-decreased" B: "A parameter's maxItems went down (or was set).",
    RequestParameterMaxItemsIncreased = "request-parameter-max-items-increased" N: "A parameter's maxItems went up (or was removed).",
    RequestParameterMinItemsIncreased = "request-parameter-min-items-increased" B: "A parameter's minItems went up.",
    RequestParameterMinItemsDecreased = "request-parameter-min-items-decreased" N: "A parameter's minItems went down (or was removed).",
    RequestParameterMinItemsSet = "request-parameter-min-items-set" P: "A parameter got a minItems where it had none.",
    RequestPropertyMaxDecreased = "request-property-max-decreased" B: "A request body (or property) maximum went down (or became exclusive).",
    RequestPropertyMaxIncreased = "request-property-max-increased" N: "A request body (or property) maximum went up (or was removed).",
    RequestPropertyMaxSet = "request-property-max-set" P: "A request body (or property) got a maximum where it had none.",
    RequestPropertyMinIncreased = "request-property-min-increased" B: "A request body (or property) minimum went up (or became exclusive).",
    RequestPropertyMinDecreased = "request-property-min-decreased" N: "A request body (or property) minimum went down (or was removed).",
    RequestPropertyMinSet = "request-property-min-set" P: "A request body (or property) got a minimum where it had none.",
    RequestPropertyMaxLengthDecreased = "request-property-max-length-decreased" B: "A request body (or property) maxLength went down.",
    RequestPropertyMaxLengthIncreased = "request-property-max-length-increased" N: "A request body (or property) maxLength went up (or was removed).",
    RequestPropertyMaxLengthSet = "request-property-max-length-set" P: "A request body (or property) got a maxLength where it had none.",
    RequestPropertyMinLengthIncreased = "request-property-min-length-increased" B: "A request body (or property) minLength went up.",
    RequestPropertyMinLengthDecreased = "request-property-min-length-decreased" N: "A request body (or property) minLength went down (or was removed).",
    RequestPropertyMaxItemsDecreased = "request-property-max-items-decreased" B: "A request body (or property) maxItems went down (or was set).",
    RequestPropertyMaxItemsIncreased = "request-property-max-items-increased" N: "A request body (or property) maxItems went up (or was removed).",
    RequestPropertyMinItemsIncreased = "request-property-min-items-increased" B: "A request body (or property) minItems went up.",
    RequestPropertyMinItemsDecreased = "request-property-min-items-decreased" N: "A request body (or property) minItems went down (or was removed).",
    RequestPropertyMinItemsSet = "request-property-min-items-set" P: "A request body (or property) got a minItems where it had none.",
    // Bounds of responses: looser ones let the server send what clients do
    // not expect.
    ResponsePropertyMaxIncreased = "response-property-max-increased" B: "A response body (or property) maximum went up (or was removed).",
    ResponsePropertyMaxDecreased = "response-property-max-decreased" N: "A response body (or property) maximum went down (or was set).",
    ResponsePropertyMinDecreased = "response-property-min-decreased" B: "A response body (or property) minimum went down (or was removed).",
    ResponsePropertyMinIncreased = "response-property-min-increased" N: "A response body (or property) minimum went up (or was set).",
    ResponsePropertyMaxLengthIncreased = "response-property-max-length-increased" B: "A response body (or property) maxLength went up (or was removed).",
    ResponsePropertyMaxLengthDecreased = "response-property-max-length-decreased" N: "A response body (or property) maxLength went down (or was set).",
    ResponsePropertyMinLengthDecreased = "response-property-min-length-decreased" B: "A response body (or property) minLength went down (or was removed).",
    ResponsePropertyMinLengthIncreased = "response-property-min-length-increased" N: "A response body (or property) minLength went up.",
    ResponsePropertyMaxItemsIncreased = "response-property-max-items-increased" B: "A response body (or property) maxItems went up (or was removed).",
    ResponsePropertyMaxItemsDecreased = "response-property-max-items-decreased" N: "A response body (or property) maxItems went down (or was set).",
    ResponsePropertyMinItemsDecreased = "response-property-min-items-decreased" B: "A response body (or property) minItems went down (or was removed).",
    ResponsePropertyMinItemsIncreased = "response-property-min-items-increased" N: "A response body (or property) minItems went up.",
    // The other constraints: multipleOf, uniqueItems, min/maxProperties,
    // additionalProperties, not, items.
    RequestParameterConstraintChanged = "request-parameter-constraint-changed" V: "A parameter's multipleOf, uniqueItems, minProperties, maxProperties, additionalProperties, `not` or `items` changed: breaking when tighter, non-breaking when looser, potentially breaking when neither.",
    RequestPropertyConstraintChanged = "request-property-constraint-changed" V: "The same for a request body (or property).",
    ResponsePropertyConstraintChanged = "response-property-constraint-changed" V: "The same for a response body (or property), in the other direction: breaking when looser.",
    // Properties.
    NewRequiredRequestProperty = "new-required-request-property" B: "A required request body property was added.",
    NewOptionalRequestProperty = "new-optional-request-property" N: "An optional request body property was added.",
    RequestPropertyRemoved = "request-property-removed" P: "A request body property was removed (or became readOnly).",
    RequestPropertyBecameRequired = "request-property-became-required" B: "A request body property became required.",
    RequestPropertyBecameOptional = "request-property-became-optional" N: "A request body property became optional.",
    ResponsePropertyAdded = "response-property-added" N: "A response property was added.",
    ResponseRequiredPropertyRemoved = "response-required-property-removed" B: "A required response property was removed (or became writeOnly).",
    ResponseOptionalPropertyRemoved = "response-optional-property-removed" P: "An optional response property was removed (or became writeOnly).",
    ResponsePropertyBecameOptional = "response-property-became-optional" B: "A required response property became optional.",
    ResponsePropertyBecameRequired = "response-property-became-required" N: "A response property became required.",
    RequestPropertyDeprecated = "request-property-deprecated" N: "A request body property was deprecated.",
    RequestPropertyReactivated = "request-property-reactivated" N: "A request body property is no longer deprecated.",
    RequestPropertyDeprecatedSunsetMissing = "request-property-deprecated-sunset-missing" B: "A request body property was deprecated without the x-sunset date the deprecation policy asks for.",
    RequestPropertySunsetDateTooSmall = "request-property-sunset-date-too-small" B: "A request body property was deprecated with an x-sunset date sooner than the deprecation policy allows.",
    ResponsePropertyDeprecated = "response-property-deprecated" N: "A response property was deprecated.",
    ResponsePropertyReactivated = "response-property-reactivated" N: "A response property is no longer deprecated.",
    ResponsePropertyDeprecatedSunsetMissing = "response-property-deprecated-sunset-missing" B: "A response property was deprecated without the x-sunset date the deprecation policy asks for.",
    ResponsePropertySunsetDateTooSmall = "response-property-sunset-date-too-small" B: "A response property was deprecated with an x-sunset date sooner than the deprecation policy allows.",
    RequestPropertyStabilityDecreased = "request-property-stability-decreased" B: "A request body property's x-stability-level went down.",
    RequestPropertyStabilityIncreased = "request-property-stability-increased" N: "A request body property's x-stability-level went up.",
    ResponsePropertyStabilityDecreased = "response-property-stability-decreased" B: "A response property's x-stability-level went down.",
    ResponsePropertyStabilityIncreased = "response-property-stability-increased" N: "A response property's x-stability-level went up.",
    // Composition: oneOf, anyOf, allOf branches and the discriminator.
    RequestPropertyOneOfAdded = "request-property-one-of-added" N: "A request body (or property) oneOf got a branch: more values are accepted.",
    RequestPropertyOneOfRemoved = "request-property-one-of-removed" B: "A request body (or property) oneOf lost a branch: values matching only it are refused.",
    RequestPropertyAnyOfAdded = "request-property-any-of-added" N: "A request body (or property) anyOf got a branch.",
    RequestPropertyAnyOfRemoved = "request-property-any-of-removed" B: "A request body (or property) anyOf lost a branch.",
    RequestPropertyAllOfAdded = "request-property-all-of-added" B: "A request body (or property) allOf got a branch: one more schema every value must match.",
    RequestPropertyAllOfRemoved = "request-property-all-of-removed" P: "A request body (or property) allOf lost a branch: what it carried may no longer be read.",
    RequestPropertyAllOfAddedAnnotationOnly = "request-property-all-of-added-annotation-only" N: "A request allOf got a branch that only annotates (description, example...).",
    RequestPropertyAllOfRemovedAnnotationOnly = "request-property-all-of-removed-annotation-only" N: "A request allOf lost a branch that only annotated.",
    ResponsePropertyOneOfAdded = "response-property-one-of-added" B: "A response body (or property) oneOf got a branch: the server may send values clients cannot read.",
    ResponsePropertyOneOfRemoved = "response-property-one-of-removed" N: "A response body (or property) oneOf lost a branch.",
    ResponsePropertyAnyOfAdded = "response-property-any-of-added" B: "A response body (or property) anyOf got a branch: the server may send values matching only it.",
    ResponsePropertyAnyOfRemoved = "response-property-any-of-removed" N: "A response body (or property) anyOf lost a branch.",
    ResponsePropertyAllOfAdded = "response-property-all-of-added" N: "A response body (or property) allOf got a branch.",
    ResponsePropertyAllOfRemoved = "response-property-all-of-removed" N: "A response body (or property) allOf lost a branch (its properties are compared on their own).",
    ResponsePropertyAllOfAddedAnnotationOnly = "response-property-all-of-added-annotation-only" N: "A response allOf got a branch that only annotates.",
    ResponsePropertyAllOfRemovedAnnotationOnly = "response-property-all-of-removed-annotation-only" N: "A response allOf lost a branch that only annotated.",
    RequestPropertyDiscriminatorAdded = "request-property-discriminator-added" N: "A request schema got a discriminator.",
    RequestPropertyDiscriminatorRemoved = "request-property-discriminator-removed" N: "A request schema lost its discriminator.",
    RequestPropertyDiscriminatorPropertyNameChanged = "request-property-discriminator-property-name-changed" N: "A request discriminator's propertyName changed.",
    RequestPropertyDiscriminatorMappingChanged = "request-property-discriminator-mapping-changed" N: "A request discriminator's mapping gained, lost or changed an entry.",
    ResponsePropertyDiscriminatorAdded = "response-property-discriminator-added" N: "A response schema got a discriminator.",
    ResponsePropertyDiscriminatorRemoved = "response-property-discriminator-removed" N: "A response schema lost its discriminator.",
    ResponsePropertyDiscriminatorPropertyNameChanged = "response-property-discriminator-property-name-changed" N: "A response discriminator's propertyName changed.",
    ResponsePropertyDiscriminatorMappingChanged = "response-property-discriminator-mapping-changed" N: "A response discriminator's mapping gained, lost or changed an entry.",
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
