//! A real browser as the CORS oracle (issue 12).
//!
//! One demo gateway is started in-process from definitions written here: one API per
//! case (HTTP APIs with a CorsConfiguration, HTTP APIs without one, REST APIs whose
//! functions return their own CORS headers and OPTIONS answers), so every answer comes
//! from gatescope's real gateway pipeline and CORS engine. A page served from another
//! loopback port (another port is another origin) fetches each case; headless Chromium
//! runs it (`--dump-dom` prints what each fetch did, `--enable-logging=stderr` prints
//! the console's CORS error naming the header at fault). The test then asks gatescope:
//! `gatescope cors` (the configuration / function headers, as a user would pass them)
//! and the live probe (`backends::http::probe`, what the response page's `o` runs), and
//! asserts both give the browser's verdict: allowed or blocked, the header blamed, and
//! whether a read response header was visible.
//!
//! Chromium must start: the test fails loudly when it cannot (CI installs Debian's
//! `chromium`; `GATESCOPE_CHROMIUM` names another binary).

use gatescope::backends::demo;
use gatescope::backends::http::{SendOptions, Sender};
use std::net::TcpListener;

#[path = "cors_browser/browser.rs"]
mod browser;
#[path = "cors_browser/cases.rs"]
mod cases;
#[path = "cors_browser/gatescope_side.rs"]
mod gatescope_side;
#[path = "cors_browser/gateway.rs"]
mod gateway;

use browser::{Verdict, browser_verdicts, page_html, run_chromium, serve_page};
use cases::cases;
use gatescope_side::{cli_verdict, probe_verdict};
use gateway::{definitions, id};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_and_gatescope_agree_on_every_cors_case() {
    let cases = cases();
    assert!(
        cases.len() >= 20,
        "the issue asks for at least 20 situations"
    );

    // The page's listener first: the definitions name its origin.
    let page_listener = TcpListener::bind("127.0.0.1:0").expect("bind the page server");
    let page = format!(
        "http://127.0.0.1:{}",
        page_listener.local_addr().unwrap().port()
    );

    let (_backend, gw) = demo::start_with(&definitions(&cases, &page), None)
        .await
        .expect("start the gateway");
    let urls: Vec<String> = (0..cases.len())
        .map(|i| {
            format!(
                "{}/prod/r?case={}",
                gw.base_url(&id(i)).expect("case API served"),
                cases[i].name
            )
        })
        .collect();
    serve_page(page_listener, page_html(&cases, &urls));
    let page_url = format!("{page}/");

    let profile = tempfile::tempdir().unwrap();
    let (dom, log) = tokio::task::spawn_blocking({
        let profile = profile.path().to_path_buf();
        move || run_chromium(&page_url, &profile)
    })
    .await
    .unwrap();
    let browser = browser_verdicts(&cases, &urls, &dom, &log);

    let dir = tempfile::tempdir().unwrap();
    let sender = Sender::new(SendOptions::default()).unwrap();
    let mut table = Vec::new();
    let mut disagreements = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let b = &browser[c.name];
        let (cli, codes) = cli_verdict(c, &page, dir.path(), i);
        let probed = probe_verdict(c, &urls[i], &page, &sender).await;
        let probe_expected = Verdict {
            read_visible: None,
            ..b.clone()
        };
        table.push(format!(
            "{:<44} browser: {:<8} {:<58} cli: {:?}",
            c.name,
            if b.allowed { "allowed" } else { "blocked" },
            b.blame.clone().unwrap_or_default(),
            codes
        ));
        if let Some(documented) = c.documented
            && b.allowed != documented
        {
            disagreements.push(format!(
                "{}: AWS documents this as {}, the browser found it {} (the gateway follows gatescope's engine)",
                c.name,
                if documented { "allowed" } else { "blocked" },
                if b.allowed { "allowed" } else { "blocked" }
            ));
        }
        match c.chromium_quirk {
            None => {
                if &cli != b {
                    disagreements.push(format!(
                        "{}: `gatescope cors` says {cli:?}, Chromium did {b:?}",
                        c.name
                    ));
                }
                if probed != probe_expected {
                    disagreements.push(format!(
                        "{}: the probe says {probed:?}, Chromium did {b:?}",
                        c.name
                    ));
                }
            }
            Some(quirk) => {
                // The departure itself, exactly: Chromium allows, gatescope blocks on the
                // standard's rule and names the header.
                let standard = Some("access-control-allow-headers (authorization)".to_string());
                if !(b.allowed
                    && !cli.allowed
                    && cli.blame == standard
                    && !probed.allowed
                    && probed.blame == standard)
                {
                    disagreements.push(format!("{}: expected the known departure ({quirk}); Chromium did {b:?}, `gatescope cors` says {cli:?}, the probe says {probed:?}", c.name));
                }
            }
        }
    }
    eprintln!("{} cases:\n{}", cases.len(), table.join("\n"));
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s) with Chromium:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
