use super::*;

fn words(text: &str) -> String {
    format!(" {} ", text.to_ascii_lowercase())
}

/// A marker counts as a whole word (or phrase): not inside another word.
fn mentions(text: &str, marker: &str) -> bool {
    let t = words(text);
    let mut from = 0;
    while let Some(i) = t[from..].find(marker) {
        let at = from + i;
        let before = t[..at].chars().next_back().unwrap_or(' ');
        let after = t[at + marker.len()..].chars().next().unwrap_or(' ');
        let boundary = |c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if boundary(before) && boundary(after) {
            return true;
        }
        from = at + 1;
    }
    false
}

const REMEDIES: &[Remedy] = &[
    Remedy::Triage,
    Remedy::FunctionCode,
    Remedy::FunctionConfig,
    Remedy::InvokePermission,
    Remedy::Routing,
    Remedy::Deployment,
    Remedy::Throttling,
    Remedy::PayloadSize,
    Remedy::LambdaAuthorizer,
    Remedy::JwtToken,
    Remedy::JwtSignature,
    Remedy::JwtScope,
    Remedy::JwtConfig,
    Remedy::Iam,
    Remedy::ResourcePolicy,
    Remedy::ApiKey,
    Remedy::Cors,
    Remedy::Logging,
    Remedy::Integration,
];

#[test]
fn every_code_has_one_entry_with_a_title_an_evidence_and_a_fix() {
    for code in FindingCode::ALL {
        let n = catalogs().filter(|e| e.code == *code).count();
        assert_eq!(n, 1, "{code} has {n} registry entries");
        let e = code.entry();
        assert!(!e.title.trim().is_empty(), "{code} has no title");
        assert!(!e.evidence.trim().is_empty(), "{code} has no evidence text");
        for t in code.fix_templates() {
            assert!(t.trim().len() > 10, "{code} has no fix: {t:?}");
        }
        let mut names = std::collections::BTreeSet::new();
        for (name, _) in e.variants {
            assert!(names.insert(*name), "{code} repeats variant {name}");
        }
    }
}

#[test]
fn codes_are_unique_screaming_snake_and_parse_back() {
    let mut seen = std::collections::BTreeSet::new();
    for code in FindingCode::ALL {
        let s = code.as_str();
        assert!(seen.insert(s), "duplicate {s}");
        assert!(
            s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
            "{s}"
        );
        assert_eq!(FindingCode::parse(s), Some(*code));
        let json = serde_json::to_string(code).unwrap();
        assert_eq!(json, format!("\"{s}\""));
        assert_eq!(serde_json::from_str::<FindingCode>(&json).unwrap(), *code);
    }
}

#[test]
fn merged_names_parse_to_the_one_code() {
    assert_eq!(
        FindingCode::parse("ROUTE_WITHOUT_INTEGRATION"),
        Some(FindingCode::RouteNoIntegration)
    );
    assert_eq!(
        FindingCode::parse("CORS_CREDENTIALS_WITH_WILDCARD_ORIGIN"),
        Some(FindingCode::CorsCredentialsWithWildcard)
    );
    assert!(FindingCode::parse("NOT_A_CODE").is_none());
}

#[test]
fn no_fix_names_the_remedy_of_another_class() {
    let mut wrong = Vec::new();
    for code in FindingCode::ALL {
        let own = code.entry().remedy;
        if own == Remedy::Triage {
            continue;
        }
        for t in code.fix_templates() {
            for other in REMEDIES.iter().filter(|r| **r != own) {
                for m in other.markers() {
                    if mentions(t, m) && !own.markers().contains(m) {
                        wrong.push(format!(
                            "{code} ({own:?}) fix names {other:?} via {m:?}: {t}"
                        ));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_class_check_catches_a_scope_code_with_a_signature_fix() {
    // The mistake issue 12 found: JWT_SCOPE_MISSING carrying a signature fix.
    let fix = "Check the token's signature and kid against ISSUER/.well-known/openid-configuration (jwks_uri)";
    assert!(
        Remedy::JwtSignature
            .markers()
            .iter()
            .any(|m| mentions(fix, m))
    );
    assert!(!FindingCode::JwtScopeMissing.is_registered_fix(fix));
}

#[test]
fn slots_render_and_unfilled_slots_become_placeholders() {
    let t = "aws x --api-id {api_id} --stage {stage} '{\"a\":1}' `OPTIONS /{proxy+}`";
    assert_eq!(slots(t), vec!["api_id", "stage"]);
    let r = render(t, &[("api_id", "abc")]);
    assert_eq!(
        r,
        "aws x --api-id abc --stage STAGE '{\"a\":1}' `OPTIONS /{proxy+}`"
    );
    assert!(template_matches(t, &r));
    assert!(!template_matches(t, "aws y --api-id abc"));
}

#[test]
fn every_rendered_template_is_recognised_as_registered() {
    for code in FindingCode::ALL {
        for (n, t) in code.fix_templates().enumerate() {
            let args: Vec<(&str, &str)> = slots(t).into_iter().map(|s| (s, "v-1")).collect();
            let rendered = render(t, &args);
            assert!(code.is_registered_fix(&rendered), "{code} #{n}: {rendered}");
            assert!(
                slots(&rendered).is_empty(),
                "{code}: slot left in {rendered}"
            );
        }
    }
}

#[test]
fn the_readme_section_is_generated_from_the_registry() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let want = readme::splice(&readme).expect("README has the finding-codes markers");
    if std::env::var_os("GATESCOPE_UPDATE_README").is_some() {
        std::fs::write(path, &want).unwrap();
        return;
    }
    assert!(
        readme == want,
        "README's Finding codes section is stale: run GATESCOPE_UPDATE_README=1 cargo test -p gatescope-core finding_code"
    );
}
