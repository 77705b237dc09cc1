//! The cases: one API (HTTP with or without a CorsConfiguration, or REST) and one
//! fetch per situation, with what AWS documents and where Chromium departs.

use serde_json::{Value, json};

/// What the page's origin is replaced with in the definitions below.
pub(crate) const PAGE: &str = "{page}";

#[derive(Clone)]
pub(crate) enum Api {
    /// An HTTP API; `cors` is its CorsConfiguration (`None`: no configuration, the
    /// function's headers pass through).
    Http {
        cors: Option<Value>,
        function: &'static [(&'static str, &'static str)],
    },
    /// A REST API (Lambda proxy): the function's headers are what the browser sees;
    /// `options` is the answer of the resource's OPTIONS method (`None`: no such method).
    Rest {
        status: u16,
        function: &'static [(&'static str, &'static str)],
        options: Option<&'static [(&'static str, &'static str)]>,
    },
}

#[derive(Clone)]
pub(crate) struct Case {
    pub(crate) name: &'static str,
    pub(crate) api: Api,
    pub(crate) method: &'static str,
    /// Headers the page sets on the fetch.
    pub(crate) headers: &'static [(&'static str, &'static str)],
    /// `credentials: 'include'`.
    pub(crate) credentials: bool,
    /// A response header the page reads.
    pub(crate) read: Option<&'static str>,
    /// What AWS documents API Gateway does here (allowed or not), where it does: the
    /// gateway (gatescope's engine) must behave so, which the browser then shows.
    pub(crate) documented: Option<bool>,
    /// Where Chromium departs from the Fetch standard (and from Firefox and Safari),
    /// gatescope answers with the standard: the test then asserts that exact departure.
    pub(crate) chromium_quirk: Option<&'static str>,
}

pub(crate) const fn case(name: &'static str, api: Api, method: &'static str) -> Case {
    Case {
        name,
        api,
        method,
        headers: &[],
        credentials: false,
        read: None,
        documented: None,
        chromium_quirk: None,
    }
}

pub(crate) fn cors(v: Value) -> Option<Value> {
    Some(v)
}

pub(crate) const ECHO: &[(&str, &str)] = &[("access-control-allow-origin", PAGE)];
pub(crate) const NONE: &[(&str, &str)] = &[];

pub(crate) fn cases() -> Vec<Case> {
    let page_only = || {
        cors(
            json!({"allowOrigins": [PAGE], "allowMethods": ["GET", "POST", "PUT"], "allowHeaders": ["content-type"]}),
        )
    };
    vec![
        case(
            "http-exact-origin-simple",
            Api::Http {
                cors: page_only(),
                function: NONE,
            },
            "GET",
        ),
        // The README tour: the function allows another origin itself; the API's CORS wins.
        Case {
            // AWS: with a CorsConfiguration, the integration's CORS headers are ignored.
            documented: Some(false),
            ..case(
                "http-wrong-origin-function-headers-ignored",
                Api::Http {
                    cors: cors(json!({"allowOrigins": ["https://app.example.com"]})),
                    function: ECHO,
                },
                "GET",
            )
        },
        case(
            "http-star-origin",
            Api::Http {
                cors: cors(json!({"allowOrigins": ["*"]})),
                function: NONE,
            },
            "GET",
        ),
        // AWS documents `https://*` and `http://*` as prefix wildcards; the page is http.
        Case {
            documented: Some(false),
            ..case(
                "http-https-prefix-wildcard",
                Api::Http {
                    cors: cors(json!({"allowOrigins": ["https://*"]})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            documented: Some(true),
            ..case(
                "http-http-prefix-wildcard",
                Api::Http {
                    cors: cors(json!({"allowOrigins": ["http://*"]})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            documented: Some(true),
            headers: &[("content-type", "application/json")],
            ..case(
                "http-http-prefix-wildcard-preflight",
                Api::Http {
                    cors: cors(
                        json!({"allowOrigins": ["http://*"], "allowMethods": ["PUT"], "allowHeaders": ["content-type"]}),
                    ),
                    function: NONE,
                },
                "PUT",
            )
        },
        Case {
            headers: &[("content-type", "application/json")],
            ..case(
                "http-preflight-allowed",
                Api::Http {
                    cors: page_only(),
                    function: NONE,
                },
                "PUT",
            )
        },
        case(
            "http-method-not-allowed",
            Api::Http {
                cors: page_only(),
                function: NONE,
            },
            "DELETE",
        ),
        Case {
            headers: &[("x-trace-id", "t-1")],
            ..case(
                "http-header-not-allowed",
                Api::Http {
                    cors: page_only(),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            headers: &[("content-type", "application/json")],
            ..case(
                "http-json-content-type-not-allowed",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE], "allowMethods": ["POST"]})),
                    function: NONE,
                },
                "POST",
            )
        },
        Case {
            headers: &[("content-type", "text/plain")],
            ..case(
                "http-text-post-is-simple",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE]})),
                    function: NONE,
                },
                "POST",
            )
        },
        Case {
            headers: &[("x-custom", "1")],
            ..case(
                "http-headers-star",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE], "allowHeaders": ["*"]})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            headers: &[("authorization", "Bearer abc")],
            chromium_quirk: Some(
                "Chromium lets `Access-Control-Allow-Headers: *` cover Authorization; the Fetch standard (and Firefox, Safari) do not",
            ),
            ..case(
                "http-headers-star-authorization",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE], "allowHeaders": ["*"]})),
                    function: NONE,
                },
                "GET",
            )
        },
        case(
            "http-methods-star",
            Api::Http {
                cors: cors(json!({"allowOrigins": [PAGE], "allowMethods": ["*"]})),
                function: NONE,
            },
            "PATCH",
        ),
        Case {
            credentials: true,
            ..case(
                "http-credentials-allowed",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE], "allowCredentials": true})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            credentials: true,
            ..case(
                "http-credentials-not-allowed",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE], "allowCredentials": false})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            credentials: true,
            ..case(
                "http-credentials-star-origin",
                Api::Http {
                    cors: cors(json!({"allowOrigins": ["*"]})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            credentials: true,
            ..case(
                "http-credentials-prefix-wildcard",
                Api::Http {
                    cors: cors(json!({"allowOrigins": ["http://*"], "allowCredentials": true})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            read: Some("x-request-id"),
            ..case(
                "http-expose-header-listed",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE], "exposeHeaders": ["x-request-id"]})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            read: Some("x-request-id"),
            ..case(
                "http-expose-header-missing",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE]})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            headers: &[("content-type", "application/json")],
            ..case(
                "http-max-age",
                Api::Http {
                    cors: cors(
                        json!({"allowOrigins": [PAGE], "allowMethods": ["PUT"], "allowHeaders": ["content-type"], "maxAge": 600}),
                    ),
                    function: NONE,
                },
                "PUT",
            )
        },
        Case {
            headers: &[("content-type", "application/json")],
            ..case(
                "http-preflight-wrong-origin",
                Api::Http {
                    cors: cors(
                        json!({"allowOrigins": ["https://app.example.com"], "allowMethods": ["PUT"]}),
                    ),
                    function: NONE,
                },
                "PUT",
            )
        },
        case(
            "http-no-config-function-allows",
            Api::Http {
                cors: None,
                function: ECHO,
            },
            "GET",
        ),
        case(
            "http-no-config-no-headers",
            Api::Http {
                cors: None,
                function: NONE,
            },
            "GET",
        ),
        case(
            "rest-function-echoes-origin",
            Api::Rest {
                status: 200,
                function: ECHO,
                options: None,
            },
            "GET",
        ),
        case(
            "rest-function-names-other-origin",
            Api::Rest {
                status: 200,
                function: &[(
                    "access-control-allow-origin",
                    "https://dashboard.example.org",
                )],
                options: None,
            },
            "GET",
        ),
        case(
            "rest-function-lists-two-origins",
            Api::Rest {
                status: 200,
                function: &[(
                    "access-control-allow-origin",
                    "{page}, https://app.example.com",
                )],
                options: None,
            },
            "GET",
        ),
        case(
            "rest-error-without-cors-headers",
            Api::Rest {
                status: 500,
                function: NONE,
                options: None,
            },
            "GET",
        ),
        Case {
            headers: &[("content-type", "application/json")],
            ..case(
                "rest-no-options-method",
                Api::Rest {
                    status: 200,
                    function: ECHO,
                    options: None,
                },
                "PUT",
            )
        },
        Case {
            headers: &[("content-type", "application/json")],
            ..case(
                "rest-options-method-allows",
                Api::Rest {
                    status: 200,
                    function: ECHO,
                    options: Some(&[
                        ("access-control-allow-origin", PAGE),
                        ("access-control-allow-methods", "GET,PUT,OPTIONS"),
                        ("access-control-allow-headers", "content-type"),
                    ]),
                },
                "PUT",
            )
        },
        Case {
            headers: &[("x-api-version", "2")],
            ..case(
                "rest-options-method-lacks-header",
                Api::Rest {
                    status: 200,
                    function: ECHO,
                    options: Some(&[
                        ("access-control-allow-origin", PAGE),
                        ("access-control-allow-methods", "GET"),
                        ("access-control-allow-headers", "content-type"),
                    ]),
                },
                "GET",
            )
        },
        Case {
            credentials: true,
            ..case(
                "rest-credentials-allowed",
                Api::Rest {
                    status: 200,
                    function: &[
                        ("access-control-allow-origin", PAGE),
                        ("access-control-allow-credentials", "true"),
                    ],
                    options: None,
                },
                "GET",
            )
        },
        Case {
            read: Some("x-request-id"),
            ..case(
                "rest-expose-header",
                Api::Rest {
                    status: 200,
                    function: &[
                        ("access-control-allow-origin", PAGE),
                        ("access-control-expose-headers", "x-request-id"),
                    ],
                    options: None,
                },
                "GET",
            )
        },
    ]
}
