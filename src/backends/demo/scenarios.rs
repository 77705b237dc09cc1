//! The scenarios of `assets/demo/scenarios.toml`, resolved against a running gateway:
//! concrete URLs (the API's port) and headers (the demo tokens filled in).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::tokens::DemoToken;
use crate::domain::FindingCode;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScenarioDef {
    name: String,
    #[serde(default)]
    description: String,
    api: String,
    method: String,
    path: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    body: Option<String>,
    expect_status: u16,
    #[serde(default)]
    expect_headers: BTreeMap<String, String>,
    #[serde(default)]
    absent_headers: Vec<String>,
    #[serde(default)]
    expect_body: Vec<String>,
    #[serde(default = "one")]
    repeat: u32,
    /// The code the doctor must name first, or "none". Required: a scenario without
    /// an expected diagnosis is not checked by the scenario matrix.
    doctor: String,
    #[serde(default)]
    doctor_also: Vec<String>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Deserialize)]
struct ScenariosFile {
    #[serde(default)]
    scenario: Vec<ScenarioDef>,
}

/// One ready-to-send scenario (the `--serve` JSON line lists these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub method: String,
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
    /// Status of the last of `repeat` requests.
    pub expect_status: u16,
    /// Send the request this many times back to back (throttling scenarios).
    pub repeat: u32,
    /// Header (lower-case) → substring its value must contain (`""` = must be present).
    pub expect_headers: BTreeMap<String, String>,
    pub absent_headers: Vec<String>,
    /// Substrings the body must contain.
    pub expect_body: Vec<String>,
    /// Id of the API it targets.
    pub api_id: String,
    /// The finding code the doctor names first for this exchange (`None`: no error
    /// or warning at all).
    #[serde(default)]
    pub doctor: Option<FindingCode>,
    /// Other error/warning codes that may accompany it.
    #[serde(default)]
    pub doctor_also: Vec<FindingCode>,
}

/// Resolve the scenario file: `bases` maps API id → `http://127.0.0.1:PORT`.
pub fn load(
    text: &str,
    bases: &HashMap<String, String>,
    tokens: &[DemoToken],
) -> Result<Vec<Scenario>, String> {
    let file: ScenariosFile =
        toml::from_str(text).map_err(|e| format!("scenarios.toml is invalid: {e}"))?;
    let mut out = Vec::new();
    for d in file.scenario {
        let base = bases.get(&d.api).ok_or_else(|| {
            format!(
                "scenarios.toml: scenario {:?} names unknown API {:?}",
                d.name, d.api
            )
        })?;
        let code = |c: &str| {
            FindingCode::parse(c).ok_or_else(|| {
                format!(
                    "scenarios.toml: scenario {:?} names unknown finding code {c:?}",
                    d.name
                )
            })
        };
        let doctor = match d.doctor.as_str() {
            "none" => None,
            c => Some(code(c)?),
        };
        let doctor_also = d
            .doctor_also
            .iter()
            .map(|c| code(c))
            .collect::<Result<Vec<_>, _>>()?;
        let mut headers = BTreeMap::new();
        for (k, v) in d.headers {
            headers.insert(k.to_ascii_lowercase(), fill_tokens(&v, tokens)?);
        }
        out.push(Scenario {
            url: format!("{base}{}", d.path),
            name: d.name,
            description: d.description,
            method: d.method.to_ascii_uppercase(),
            headers,
            body: d.body,
            expect_status: d.expect_status,
            repeat: d.repeat.max(1),
            expect_headers: d
                .expect_headers
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
            absent_headers: d
                .absent_headers
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            expect_body: d.expect_body,
            api_id: d.api,
            doctor,
            doctor_also,
        });
    }
    Ok(out)
}

fn fill_tokens(value: &str, tokens: &[DemoToken]) -> Result<String, String> {
    let mut out = value.to_string();
    while let Some(start) = out.find("{{token:") {
        let end = out[start..]
            .find("}}")
            .ok_or_else(|| format!("unterminated {{{{token:...}}}} in {value:?}"))?;
        let name = &out[start + 8..start + end];
        let token = tokens
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| format!("unknown demo token {name:?} in {value:?}"))?;
        out.replace_range(start..start + end + 2, &token.token);
    }
    Ok(out)
}

/// A curl command line reproducing the scenario.
pub fn curl(s: &Scenario) -> String {
    // The one quoting policy of every exported command (copy as curl too).
    let q = crate::engines::shell::quote;
    let mut parts = vec!["curl -i".to_string()];
    if s.method != "GET" {
        parts.push(format!("-X {}", s.method));
    }
    for (k, v) in &s.headers {
        parts.push(format!("-H {}", q(&format!("{k}: {v}"))));
    }
    if let Some(b) = &s.body {
        parts.push(format!("--data {}", q(b)));
    }
    parts.push(q(&s.url));
    let line = parts.join(" ");
    if s.repeat > 1 {
        format!("for i in $(seq {}); do {line}; done", s.repeat)
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(name: &str) -> DemoToken {
        DemoToken {
            name: name.into(),
            description: String::new(),
            expect_status: 200,
            token: format!("tok-{name}"),
        }
    }

    #[test]
    fn every_embedded_scenario_resolves() {
        let bases: HashMap<String, String> = [
            ("demohttp01".to_string(), "http://127.0.0.1:1".to_string()),
            ("demorest01".to_string(), "http://127.0.0.1:2".to_string()),
        ]
        .into();
        let tokens: Vec<DemoToken> = ["valid", "expired", "wrong_audience", "missing_scope"]
            .into_iter()
            .map(token)
            .collect();
        let all = load(super::super::config::SCENARIOS_TOML, &bases, &tokens).unwrap();
        assert!(all.len() >= 20);
        let create = all.iter().find(|s| s.name == "orders-create").unwrap();
        assert_eq!(create.url, "http://127.0.0.1:1/prod/orders");
        assert_eq!(create.headers["authorization"], "Bearer tok-valid");
        let c = curl(create);
        assert!(
            c.starts_with("curl -i -X POST -H 'authorization: Bearer tok-valid'"),
            "{c}"
        );
        assert!(c.ends_with("http://127.0.0.1:1/prod/orders"), "{c}");
        let throttled = all.iter().find(|s| s.name == "throttled").unwrap();
        assert!(curl(throttled).starts_with("for i in $(seq 2); do curl"));
        let mut names: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len(), "scenario names are unique");
    }

    #[test]
    fn unknown_token_or_api_is_a_clear_error() {
        let bases: HashMap<String, String> = [("a".to_string(), "http://x".to_string())].into();
        let text = "[[scenario]]\nname='n'\napi='a'\nmethod='GET'\npath='/'\nexpectStatus=200\ndoctor='none'\nheaders={a='{{token:nope}}'}\n";
        assert!(
            load(text, &bases, &[])
                .unwrap_err()
                .contains("unknown demo token \"nope\"")
        );
        let text = "[[scenario]]\nname='n'\napi='b'\nmethod='GET'\npath='/'\nexpectStatus=200\ndoctor='none'\n";
        assert!(
            load(text, &bases, &[])
                .unwrap_err()
                .contains("unknown API \"b\"")
        );
        // Every scenario says what the doctor must answer (the scenario matrix), with
        // codes that exist.
        let text = "[[scenario]]\nname='n'\napi='a'\nmethod='GET'\npath='/'\nexpectStatus=200\n";
        let err = load(text, &bases, &[]).unwrap_err();
        assert!(err.contains("missing field `doctor`"), "{err}");
        let text = "[[scenario]]\nname='n'\napi='a'\nmethod='GET'\npath='/'\nexpectStatus=200\ndoctor='NO_SUCH_CODE'\n";
        let err = load(text, &bases, &[]).unwrap_err();
        assert!(
            err.contains("unknown finding code \"NO_SUCH_CODE\""),
            "{err}"
        );
        let all = load(
            super::super::config::SCENARIOS_TOML,
            &HashMap::from([
                ("demohttp01".to_string(), "http://x".to_string()),
                ("demorest01".to_string(), "http://y".to_string()),
            ]),
            &["valid", "expired", "wrong_audience", "missing_scope"].map(token),
        )
        .unwrap();
        let stage = all.iter().find(|s| s.name == "no-stage-prefix").unwrap();
        assert_eq!(stage.doctor, Some(FindingCode::StagePrefixMissing));
        assert_eq!(stage.doctor_also, [FindingCode::NoRouteMatched]);
    }
}
