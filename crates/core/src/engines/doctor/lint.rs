//! Configuration lint: what is wrong with an API before any request is sent
//! (routes, integrations, authorizers, CORS, stages). Certainty `FromConfig`.

use crate::domain::FindingCode;
use std::collections::BTreeSet;

use super::evidence::{Evidence, FunctionConfig, default_timeout_ms};
use super::rules_limits::{blocks_all, throttle_settings};
use crate::domain::{
    Api, ApiType, AuthorizationType, Certainty, Cors, Finding, FunctionArn, Integration, Protocol,
    Route, Severity, Stage, Subject,
};

const CONFIG: Certainty = Certainty::FromConfig;

/// Lint the evidence's API (stage filter and function configurations
/// included); no API means nothing to lint.
pub fn lint(ev: &Evidence) -> Vec<Finding> {
    match ev.api.as_ref() {
        Some(api) => lint_api(api, ev.stage.as_deref(), &ev.functions),
        None => Vec::new(),
    }
}

/// The Lambda functions behind an API's proxy integrations, each once: what
/// to ask the backend's `function_configs` for before [`lint_api`]. A URI built
/// from a stage variable (`${stageVariables.fn}`) names no function by itself,
/// so it is left out rather than looked up and reported as missing.
pub fn lambda_functions(api: &Api) -> Vec<String> {
    let arns: BTreeSet<String> = api
        .routes
        .iter()
        .filter_map(|r| r.integration.as_ref())
        .filter(|i| i.is_lambda_proxy())
        .filter_map(Integration::lambda_arn)
        .filter(|arn| !arn.is_templated())
        .map(|arn| arn.as_str().to_string())
        .collect();
    arns.into_iter().collect()
}

/// Lint one API. `stage` limits the stage checks to that stage.
pub fn lint_api(api: &Api, stage: Option<&str>, functions: &[FunctionConfig]) -> Vec<Finding> {
    let mut out = Vec::new();
    routes(api, functions, &mut out);
    authorizers(api, &mut out);
    if api.protocol() == Protocol::Http
        && let Some(cors) = api.cors.as_ref()
    {
        out.extend(crate::engines::cors::lint_with_routes(cors, &api.routes));
        sigv4_cors_headers(cors, api, &mut out);
    }
    if api.stages.is_empty() && api.details_loaded {
        out.push(
            Finding::new(
                FindingCode::NoStages,
                CONFIG,
                format!("API {} has no stage, so it cannot be called", api.id),
            )
            .fix_with(
                (api.protocol() == Protocol::Rest).then_some("rest"),
                &[("api_id", &api.id)],
            ),
        );
    }
    for s in api
        .stages
        .iter()
        .filter(|s| stage.is_none_or(|n| n == s.stage_name))
    {
        stage_checks(api, s, &mut out);
    }
    // Rules that judge a part (a CORS configuration) do not know the API's id.
    for f in &mut out {
        f.fill_slot("api_id", &api.id);
    }
    super::reconcile(out)
}

/// Browsers calling IAM routes send SigV4 headers: the preflight must allow them.
fn sigv4_cors_headers(cors: &Cors, api: &Api, out: &mut Vec<Finding>) {
    let iam_routes: Vec<&str> = api
        .routes
        .iter()
        .filter(|r| r.authorized_by(&AuthorizationType::AwsIam))
        .map(|r| r.route_key.as_str())
        .collect();
    if iam_routes.is_empty() {
        return;
    }
    let allowed = |h: &str| {
        cors.allow_headers
            .iter()
            .any(|a| a.eq_ignore_ascii_case(h) || (a == "*" && h != "authorization"))
    };
    let missing: Vec<&str> = [
        "authorization",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-content-sha256",
    ]
    .into_iter()
    .filter(|h| !allowed(h))
    .collect();
    if missing.is_empty() {
        return;
    }
    out.push(
        Finding::new(
            FindingCode::CorsSigv4HeadersMissing,
            CONFIG,
            format!(
                "IAM routes need SigV4 headers that allowHeaders omits: {}",
                missing.join(", ")
            ),
        )
        .evidence(format!("IAM routes: {}", iam_routes.join(", ")))
        .evidence(format!("AllowHeaders: {}", cors.allow_headers.join(", ")))
        .fix_args(&[("headers", missing.join(", "))]),
    );
}

fn api_type(api: &Api) -> ApiType {
    api.protocol().into()
}

fn routes(api: &Api, functions: &[FunctionConfig], out: &mut Vec<Finding>) {
    let mut seen_integrations = BTreeSet::new();
    for r in &api.routes {
        let Some(i) = r.integration.as_ref() else {
            out.extend(no_integration(api, r));
            continue;
        };
        let key =
            i.id.clone()
                .or_else(|| i.uri.clone())
                .unwrap_or_else(|| r.route_key.clone());
        if seen_integrations.insert(key) {
            integration(api, &r.route_key, i, functions, out);
        }
    }
    default_route(api, out);
}

/// A route (or REST method) with no integration: nothing answers it.
pub(super) fn no_integration(api: &Api, r: &Route) -> Option<Finding> {
    r.integration.is_none().then(|| {
        Finding::new(
            FindingCode::RouteNoIntegration,
            CONFIG,
            format!(
                "Route `{}` has no integration: requests to it fail",
                r.route_key
            ),
        )
        .about(Subject::Route(r.route_key.clone()))
        .evidence(format!("route {} target: (none)", r.route_key))
        .fix_with(
            (api.protocol() == Protocol::Rest).then_some("rest"),
            &[
                ("api_id", api.id.as_str()),
                ("route_id", r.route_id.as_deref().unwrap_or("ROUTE_ID")),
            ],
        )
    })
}

fn integration(
    api: &Api,
    route_key: &str,
    i: &Integration,
    functions: &[FunctionConfig],
    out: &mut Vec<Finding>,
) {
    let t = api_type(api);
    let lambda = i.is_lambda_proxy() && i.lambda_arn().is_some();
    let name = i.id.as_deref().unwrap_or(route_key);
    let pfv = i.payload_format_version.as_deref();
    let about = || Subject::Integration(name.to_string());
    match (t, lambda, pfv) {
        (ApiType::Http, true, None) => out.push(
            Finding::new(FindingCode::PayloadFormatMissing, CONFIG, format!("Integration {name} (route `{route_key}`) has no payloadFormatVersion"))
                .about(about())
                .fix_args(&[("api_id", api.id.as_str()), ("integration_id", name)]),
        ),
        (ApiType::Http, true, Some("1.0")) => out.push(
            Finding::new(FindingCode::PayloadFormat10OnHttpApi, CONFIG, format!("Integration {name} (route `{route_key}`) sends payload format 1.0: REST-shaped events"))
                .about(about())
                .evidence("payloadFormatVersion: 1.0"),
        ),
        (ApiType::Rest, _, Some("2.0")) => out.push(
            Finding::new(FindingCode::PayloadFormatMismatch, CONFIG, format!("Integration {name} says payload 2.0, but REST proxy events are always 1.0-shaped"))
                .about(about()),
        ),
        (ApiType::Http, false, Some("2.0")) if i.integration_type.is_some() => out.push(
            Finding::new(FindingCode::PayloadFormatMismatch, CONFIG, format!("Integration {name} is not a Lambda proxy but says payload 2.0 (only 1.0 applies)"))
                .about(about())
                .fix_variant("non_lambda", &[("integration_id", name)]),
        ),
        _ => {}
    }
    let max = default_timeout_ms(t);
    let timeout = i.timeout_in_millis.unwrap_or(max);
    let regional = api
        .endpoint_types
        .iter()
        .any(|e| e == "REGIONAL" || e == "PRIVATE");
    if timeout < 50 || (timeout > max && !(t == ApiType::Rest && regional)) {
        out.push(
            Finding::new(
                FindingCode::IntegrationTimeoutOutOfRange,
                CONFIG,
                format!("Integration {name} timeout {timeout} ms is outside 50..{max} ms"),
            )
            .about(about())
            .evidence(format!("timeoutInMillis: {timeout}"))
            .fix_args(&[("max", max.to_string())]),
        );
    }
    if let Some(arn) = i.lambda_arn()
        && let Some(f) = functions
            .iter()
            .find(|f| FunctionArn::same_function(&f.arn, arn.as_str()))
    {
        lambda_timeout(name, timeout, f, out);
    }
}

/// The function's own timeout against the integration's: when the function
/// may outlive the integration, clients get 503/504 while it keeps running.
fn lambda_timeout(integration: &str, timeout_ms: i64, f: &FunctionConfig, out: &mut Vec<Finding>) {
    if let Some(reason) = &f.unavailable {
        // Said out loud: a silent lint would read as "checked, all fine".
        out.push(
            Finding::new(
                FindingCode::LambdaConfigUnreadable,
                CONFIG,
                format!(
                    "Could not check the timeout of function {} against integration {integration}",
                    f.arn
                ),
            )
            .about(Subject::Function(f.arn.clone()))
            .evidence(reason.clone()),
        );
        return;
    }
    if let Some(fs) = f.timeout_s
        && fs * 1000.0 > timeout_ms as f64
    {
        out.push(
            Finding::new(FindingCode::LambdaTimeoutExceedsIntegration, CONFIG, format!("Function {} may run {fs:.0} s but API Gateway waits only {timeout_ms} ms", f.arn))
            .about(Subject::Function(f.arn.clone()))
            .evidence(format!("function {} timeout {fs:.0} s; integration {integration} timeoutInMillis {timeout_ms}", FunctionArn::name_of(&f.arn)))
            .fix_args(&[("function", FunctionArn::name_of(&f.arn).to_string()), ("seconds", (timeout_ms / 1000).to_string())]),
        );
    }
}

fn default_route(api: &Api, out: &mut Vec<Finding>) {
    if api.protocol() != Protocol::Http || api.route("$default").is_none() {
        return;
    }
    if api.routes.len() == 1 {
        out.push(
            Finding::new(FindingCode::DefaultRouteOnly, CONFIG, "`$default` is the only route: every method and path, preflights included, reaches one integration")
                .evidence("routes: $default"),
        );
        return;
    }
    let catches_all = api.routes.iter().any(|r| r.route_key == "ANY /{proxy+}")
        && api.routes.iter().any(|r| r.route_key == "ANY /");
    if catches_all {
        out.push(
            Finding::new(
                FindingCode::DefaultRouteUnreachable,
                CONFIG,
                "`ANY /` and `ANY /{proxy+}` catch every request, so `$default` never runs",
            )
            .evidence("routes: ANY /, ANY /{proxy+}, $default"),
        );
    }
}

fn authorizers(api: &Api, out: &mut Vec<Finding>) {
    // When the authorizer list failed to load, a missing one proves nothing.
    let authorizers_loaded = !api
        .problems
        .iter()
        .any(|p| p.to_ascii_lowercase().contains("authorizer"));
    for r in &api.routes {
        if let Some(id) = r.authorizer_id.as_deref()
            && api.authorizer(id).is_none()
            && authorizers_loaded
            && api.details_loaded
        {
            out.push(
                Finding::new(
                    FindingCode::AuthorizerNotFound,
                    CONFIG,
                    format!(
                        "Route `{}` uses authorizer {id}, which does not exist",
                        r.route_key
                    ),
                )
                .about(Subject::Route(r.route_key.clone())),
            );
        }
    }
    for a in &api.authorizers {
        let Some(jwt) = a.jwt_configuration.as_ref() else {
            continue;
        };
        let name = format!("authorizer {} ({})", a.name, a.id);
        let about = || Subject::Authorizer(a.id.clone());
        if let Some(iss) = jwt.issuer.as_deref() {
            if !iss.starts_with("https://") && loopback_url(iss) {
                // The demo's own issuer: http on loopback is how it runs locally,
                // so say why the rule does not apply rather than fail the lint.
                out.push(
                    Finding::new(
                        FindingCode::JwtIssuerNotHttps,
                        CONFIG,
                        format!("{name}: issuer {iss} is http on loopback: fine locally, AWS would refuse it"),
                    )
                    .severity(Severity::Info)
                    .about(about())
                    .evidence(format!("JwtConfiguration.Issuer: {iss} (a loopback host)"))
                    .fix_variant("loopback", &[("issuer", iss)]),
                );
            } else if !iss.starts_with("https://") {
                out.push(
                    Finding::new(
                        FindingCode::JwtIssuerNotHttps,
                        CONFIG,
                        format!("{name}: issuer {iss} is not an https URL"),
                    )
                    .about(about())
                    .evidence(format!("JwtConfiguration.Issuer: {iss}")),
                );
            }
            if iss.ends_with('/') {
                out.push(
                    Finding::new(
                        FindingCode::JwtIssuerTrailingSlash,
                        CONFIG,
                        format!(
                            "{name}: issuer ends with `/`; it must equal the tokens' iss exactly"
                        ),
                    )
                    .about(about())
                    .evidence(format!("JwtConfiguration.Issuer: {iss}"))
                    .fix_args(&[("suggested", iss.trim_end_matches('/'))]),
                );
            }
        }
        if jwt.audience.is_empty() {
            out.push(
                Finding::new(
                    FindingCode::JwtAudienceNotConfigured,
                    CONFIG,
                    format!("{name} lists no audience, so no token can pass"),
                )
                .about(about())
                .evidence("JwtConfiguration.Audience: []")
                .fix_args(&[("api_id", &api.id), ("authorizer_id", &a.id)]),
            );
        }
    }
}

/// `$context.NAME` appears in the format as a whole variable (not a prefix
/// of a longer one such as `integration.status` vs `integrationStatus`).
pub(super) fn has_var(format: &str, name: &str) -> bool {
    let needle = format!("$context.{name}");
    format.match_indices(&needle).any(|(i, _)| {
        format[i + needle.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
    })
}

fn stage_checks(api: &Api, s: &Stage, out: &mut Vec<Finding>) {
    out.extend(access_logging(api, s));
    let rest = api.protocol() == Protocol::Rest;
    let stage = &s.stage_name;
    let about = || Subject::Stage(stage.clone());
    throttling(api, s, out);
    if rest {
        execution_logging(api, s, out);
    }
    if !rest && !s.auto_deploy && s.deployment_id.is_none() {
        out.push(
            Finding::new(
                FindingCode::StageNotDeployed,
                CONFIG,
                format!("Stage {stage} has auto-deploy off and no deployment"),
            )
            .about(about())
            .evidence(format!(
                "stage {stage}: autoDeploy false, deploymentId (none)"
            ))
            .fix_args(&[("api_id", api.id.as_str()), ("stage", stage)]),
        );
    }
}

/// REST execution logging: off (API Gateway's own account of each request
/// is lost), or on with data tracing (headers and bodies, secrets included,
/// written to CloudWatch).
fn execution_logging(api: &Api, s: &Stage, out: &mut Vec<Finding>) {
    let stage = &s.stage_name;
    let args = [("api_id", api.id.as_str()), ("stage", stage.as_str())];
    match s.execution_logging() {
        None if !s.writes_execution_logs() => out.push(
            Finding::new(
                FindingCode::ExecutionLoggingOff,
                CONFIG,
                format!("Stage {stage} writes no execution log"),
            )
            .about(Subject::Stage(stage.clone()))
            .evidence(format!(
                "stage {stage} methodSettings */* loggingLevel: {}",
                s.default_route_settings
                    .as_ref()
                    .and_then(|d| d.logging_level.as_deref())
                    .unwrap_or("(unset)")
            ))
            .fix_args(&args),
        ),
        Some((level, true)) => out.push(
            Finding::new(
                FindingCode::ExecutionDataTraceOn,
                CONFIG,
                format!("Stage {stage} logs full requests and responses (dataTraceEnabled)"),
            )
            .about(Subject::Stage(stage.clone()))
            .evidence(format!(
                "stage {stage} methodSettings */*: loggingLevel {level}, dataTraceEnabled true (group API-Gateway-Execution-Logs_{}/{stage})",
                api.id
            ))
            .fix_args(&args),
        ),
        _ => {}
    }
}

/// Access logging off, or a format that lacks the fields debugging needs
/// (the request id above all: without it no record can be correlated).
pub(super) fn access_logging(api: &Api, s: &Stage) -> Option<Finding> {
    let rest = api.protocol() == Protocol::Rest;
    let stage = &s.stage_name;
    let logging = s.access_logging();
    if logging.is_off() {
        Some(
            Finding::new(
                FindingCode::AccessLoggingOff,
                CONFIG,
                format!("Stage {stage} has no access logging: failed requests leave no trace"),
            )
            .about(Subject::Stage(stage.clone()))
            .evidence(format!("stage {stage} accessLogSettings: (none)"))
            .fix_with(
                rest.then_some("rest"),
                &[("api_id", api.id.as_str()), ("stage", stage)],
            ),
        )
    } else {
        let format = logging.format().unwrap_or_default().to_string();
        let id_ok =
            has_var(&format, "requestId") || (rest && has_var(&format, "extendedRequestId"));
        let wanted: &[(&str, &[&str])] = &[
            ("status", &["status"]),
            (
                "integrationErrorMessage",
                &["integrationErrorMessage", "integration.error"],
            ),
            ("authorizer.error", &["authorizer.error"]),
            (
                "integration.requestId",
                &["integration.requestId", "awsEndpointRequestId"],
            ),
            (
                "integrationStatus",
                &["integrationStatus", "integration.integrationStatus"],
            ),
            (
                "integrationLatency",
                &["integrationLatency", "integration.latency"],
            ),
        ];
        let missing: Vec<&str> = wanted
            .iter()
            .filter(|(_, alts)| !alts.iter().any(|v| has_var(&format, v)))
            .map(|(n, _)| *n)
            .collect();
        (!id_ok || !missing.is_empty()).then(|| {
            let mut names: Vec<String> = missing.iter().map(|m| format!("$context.{m}")).collect();
            if !id_ok {
                names.insert(0, "$context.requestId".into());
            }
            Finding::new(
                FindingCode::AccessLogMissingFields,
                CONFIG,
                format!(
                    "Stage {stage}'s access-log format lacks {}",
                    names.join(", ")
                ),
            )
            .severity(if id_ok {
                Severity::Warning
            } else {
                Severity::Error
            })
            .about(Subject::Stage(stage.clone()))
            .evidence(format!("format: {}", super::text::clip(&format, 200)))
        })
    }
}

fn throttling(api: &Api, s: &Stage, out: &mut Vec<Finding>) {
    let stage = &s.stage_name;
    let mut zero: Vec<String> = Vec::new();
    if s.default_route_settings.as_ref().is_some_and(blocks_all) {
        zero.push("stage default".into());
    }
    for (k, rs) in &s.route_settings {
        if blocks_all(rs) {
            zero.push(k.clone());
        }
    }
    if !zero.is_empty() {
        out.push(
            Finding::new(
                FindingCode::ThrottleBlocksAll,
                CONFIG,
                format!(
                    "Stage {stage} throttles {} to zero: every request gets 429",
                    zero.join(", ")
                ),
            )
            .about(Subject::Stage(stage.clone()))
            .evidence(format!(
                "throttling rate or burst 0 on: {}",
                zero.join(", ")
            )),
        );
    }
    let public: Vec<&str> = api
        .routes
        .iter()
        .filter(|r| !r.authorization().guards())
        .filter(|r| !r.api_key_required && !r.route_key.starts_with("OPTIONS "))
        .filter(|r| throttle_settings(s, Some(r)).is_none())
        .map(|r| r.route_key.as_str())
        .collect();
    if !public.is_empty() {
        out.push(
            Finding::new(
                FindingCode::PublicRouteNotThrottled,
                CONFIG,
                format!(
                    "Stage {stage}: {} route(s) without authorization have no throttling",
                    public.len()
                ),
            )
            .about(Subject::Stage(stage.clone()))
            .evidence(format!("routes: {}", public.join(", ")))
            .evidence("only the account-wide limit (10,000 req/s shared by all APIs) applies")
            .fix_with(
                (api.protocol() == Protocol::Rest).then_some("rest"),
                &[("api_id", api.id.as_str()), ("stage", stage)],
            ),
        );
    }
}

/// True when the URL's host is a loopback address (`localhost`, 127.0.0.0/8, `[::1]`).
fn loopback_url(url: &str) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{has_var, loopback_url};

    #[test]
    fn loopback_issuers_are_recognised() {
        assert!(loopback_url("http://127.0.0.1:4010/issuer"));
        assert!(loopback_url("http://localhost:9/x"));
        assert!(loopback_url("http://[::1]:9/x"));
        assert!(!loopback_url("http://issuer.example.com"));
        assert!(!loopback_url("not a url"));
    }

    #[test]
    fn context_variables_match_whole_names() {
        let f = r#"{"a":"$context.integration.status","b":"$context.requestId"}"#;
        assert!(has_var(f, "integration.status"));
        assert!(!has_var(f, "integration"));
        assert!(!has_var(f, "integrationStatus"));
        assert!(has_var(f, "requestId"));
        assert!(!has_var("$context.requestIdX", "requestId"));
    }
}
