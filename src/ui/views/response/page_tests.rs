//! Snapshots and key-driven tests of the response page.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::page::{CopyFormat, CorsVerdict, Focus, ResponseEffect, ResponsePage};
use super::test_render::render;
use crate::domain::{Certainty, Finding, FindingCode, HttpRequest, HttpResponse, Severity, Timing};
use crate::ui::components::styles::BodyStyles;

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn request() -> HttpRequest {
    HttpRequest::new(
        "GET",
        "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/orders/42",
    )
}

fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> HttpResponse {
    HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.to_vec(),
        body_size: body.len() as u64,
        truncated: false,
        timing: Timing {
            total_ms: 143.0,
            first_byte_ms: Some(120.0),
            connect_ms: Some(21.5),
        },
    }
}

fn draw(page: &mut ResponsePage, w: u16, h: u16) -> String {
    let styles = BodyStyles::default();
    render(w, h, |f| page.render(f, f.area(), &styles))
}

#[test]
fn snapshot_json_response() {
    let mut page = ResponsePage::new(
        Some(request()),
        response(
            200,
            &[
                ("content-type", "application/json"),
                ("apigw-requestid", "LV7fzho-PHcEJPw="),
                ("access-control-allow-origin", "https://app.example.com"),
            ],
            br#"{"id":42,"status":"shipped","items":[{"sku":"A-1","qty":2}],"paid":true,"note":null}"#,
        ),
    );
    insta::assert_snapshot!(draw(&mut page, 110, 24));
}

#[test]
fn snapshot_error_response_with_doctor() {
    let mut page = ResponsePage::new(
        Some(request()),
        response(
            502,
            &[
                ("content-type", "application/json"),
                ("x-amzn-RequestId", "9f1c2a6e-0000-4d6b-9c51-7c1a7e2b3f10"),
                ("x-amzn-ErrorType", "InternalServerErrorException"),
                ("x-amz-apigw-id", "K2G9wEbUoAMEvag="),
            ],
            br#"{"message": "Internal server error"}"#,
        ),
    );
    page.doctor.set_findings(vec![
        Finding::new(
            FindingCode::IntegrationResponseRejected,
            Certainty::FromResponse,
            "The Lambda's answer is not a valid proxy response",
        )
        .severity(Severity::Error)
        .evidence("x-amzn-ErrorType: InternalServerErrorException")
        .evidence("body {\"message\": \"Internal server error\"} (REST generic 502)"),
    ]);
    page.focus = Focus::Doctor;
    insta::assert_snapshot!(draw(&mut page, 110, 20));
}

#[test]
fn snapshot_binary_response() {
    let png: Vec<u8> =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0\x1f\xf3\xffa".to_vec();
    let mut page = ResponsePage::new(None, response(200, &[("content-type", "image/png")], &png));
    insta::assert_snapshot!(draw(&mut page, 90, 14));
}

#[test]
fn snapshot_huge_truncated_response_scrolled_to_end() {
    let line = "x".repeat(99) + "\n";
    let body = line.repeat(20_000);
    let mut resp = response(200, &[("content-type", "text/plain")], body.as_bytes());
    resp.body_size = 48 * 1024 * 1024;
    resp.truncated = true;
    let mut page = ResponsePage::new(Some(request()), resp);
    page.handle_key(key(KeyCode::End));
    insta::assert_snapshot!(draw(&mut page, 80, 14));
}

#[test]
fn snapshot_narrow_with_cors_verdict() {
    let mut page = ResponsePage::new(
        Some(request()),
        response(204, &[("access-control-allow-methods", "GET")], b""),
    );
    page.cors = Some(CorsVerdict {
        preflight_status: Some(204),
        allowed: false,
        reasons: vec!["Access-Control-Allow-Origin is missing for origin https://evil.test".into()],
        findings: vec![],
    });
    // One pane below 100 columns: the response first, its title pointing at
    // the doctor (with the CORS verdict), which Tab brings up full size.
    insta::assert_snapshot!(draw(&mut page, 70, 22));
    assert_eq!(page.focus, Focus::Body);
    page.handle_key(key(KeyCode::Tab));
    assert_eq!(page.focus, Focus::Doctor);
    insta::assert_snapshot!("narrow_doctor_pane", draw(&mut page, 70, 22));
}

#[test]
fn jq_filter_flow() {
    let mut page = ResponsePage::new(
        None,
        response(200, &[], br#"{"items":[{"id":1},{"id":2}]}"#),
    );
    assert_eq!(page.handle_key(key(KeyCode::Char('/'))), None);
    assert!(page.is_typing());
    // The bar starts empty (a placeholder shows): `.items` is not `..items`.
    for c in ".items[].id".chars() {
        assert_eq!(page.handle_key(key(KeyCode::Char(c))), None);
    }
    let effect = page.handle_key(key(KeyCode::Enter));
    assert_eq!(
        effect,
        Some(ResponseEffect::RunFilter(".items[].id".into()))
    );
    let out = super::jq::run_filter(".items[].id", page.body.bytes());
    page.body.finish_filter(".items[].id", out);
    let screen = draw(&mut page, 80, 12);
    assert!(screen.contains("jq .items[].id · 2 outputs"), "{screen}");
}

#[test]
fn effects_from_keys() {
    let mut page = ResponsePage::new(
        Some(request()),
        response(500, &[("apigw-requestid", "abc=")], b"{}"),
    );
    assert_eq!(
        page.handle_key(key(KeyCode::Char('L'))),
        Some(ResponseEffect::OpenLogs {
            request_id: "abc=".into()
        })
    );
    assert_eq!(
        page.handle_key(key(KeyCode::Char('c'))),
        Some(ResponseEffect::CopyAs(CopyFormat::Curl))
    );
    assert_eq!(
        page.handle_key(key(KeyCode::Char('o'))),
        Some(ResponseEffect::CorsProbe)
    );
    page.doctor.set_findings(vec![
        Finding::new(FindingCode::ColdStart, Certainty::FromResponse, "t").severity(Severity::Info),
    ]);
    page.handle_key(key(KeyCode::Tab));
    assert_eq!(page.focus, Focus::Doctor);
    match page.handle_key(key(KeyCode::Char('y'))) {
        Some(ResponseEffect::Copy { text, what }) => {
            assert_eq!(what, "finding COLD_START");
            assert!(text.contains("COLD_START: t"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn logs_key_without_request_id_explains() {
    let mut page = ResponsePage::new(None, response(200, &[], b""));
    assert_eq!(page.handle_key(key(KeyCode::Char('L'))), None);
    assert!(page.notice.as_deref().unwrap().contains("apigw-requestid"));
    assert!(page.handle_key(key(KeyCode::Char('/'))).is_none());
    assert!(!page.is_typing(), "no jq on a non-JSON body");
}

/// A 502 with its doctor finding at 160x45, 100x30, 80x24 and 60x20: below
/// 100 columns the panes stack, the status line and the finding stay
/// readable. Each snapshot was reviewed by reading it.
#[test]
fn error_response_at_each_size() {
    let mut page = ResponsePage::new(
        Some(request()),
        response(
            502,
            &[
                ("content-type", "application/json"),
                ("x-amzn-ErrorType", "InternalServerErrorException"),
            ],
            br#"{"message": "Internal server error"}"#,
        ),
    );
    page.doctor.set_findings(vec![
        Finding::new(
            FindingCode::IntegrationResponseRejected,
            Certainty::FromResponse,
            "The Lambda's answer is not a valid proxy response",
        )
        .severity(Severity::Error)
        .evidence("x-amzn-ErrorType: InternalServerErrorException"),
    ]);
    for (w, h) in [(160, 45), (100, 30), (80, 24), (60, 20)] {
        let screen = draw(&mut page, w, h);
        assert!(screen.contains("502"), "{w}x{h}: {screen}");
        assert!(
            screen.contains("INTEGRATION_RESPONSE_REJECTED")
                || screen.contains("not a valid proxy response"),
            "{w}x{h}: {screen}"
        );
        insta::assert_snapshot!(format!("error_response_{w}x{h}"), screen);
    }
}
