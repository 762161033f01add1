//! Any request text (and variables after a NUL byte) through the GraphQL request path, as an
//! anonymous client: parsed, validated against Tongsheng's schema with its limits, and executed
//! on the embedded default. Never a panic, and never an INTERNAL error: bad input must get a
//! clear code.
#![no_main]
#![recursion_limit = "256"]

use async_graphql::{Request, Variables};
use libfuzzer_sys::fuzz_target;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::OnceLock;
use tongsheng::config::Config;
use tongsheng::domain::people::Actor;
use tongsheng::graphql::context::{ClientAddress, RequestId};
use tongsheng::graphql::{AppSchema, build_schema};
use tongsheng::startup::Application;

struct Server {
    runtime: tokio::runtime::Runtime,
    schema: AppSchema,
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let data = tempfile::tempdir().expect("a temporary directory").keep();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let config = Config::from_lookup(|name| match name {
            "DATA_DIR" => Some(data.display().to_string()),
            "BIND" => Some("127.0.0.1:0".into()),
            "JOBS_INTERVAL_MS" => Some("0".into()),
            "MEDIA_ISOLATION" => Some("thread".into()),
            _ => None,
        })
        .expect("the configuration");
        let app = runtime
            .block_on(Application::build(config))
            .expect("the application");
        let schema = build_schema(app.state().clone(), None);
        Server { runtime, schema }
    })
}

fuzz_target!(|bytes: &[u8]| {
    let (query, variables) = match bytes.iter().position(|&b| b == 0) {
        Some(at) => (&bytes[..at], Some(&bytes[at + 1..])),
        None => (bytes, None),
    };
    let Ok(query) = std::str::from_utf8(query) else {
        return;
    };
    let mut request = Request::new(query)
        .data(RequestId::from_header(None))
        .data(Actor::Anonymous)
        .data(ClientAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    if let Some(variables) = variables.and_then(|v| serde_json::from_slice(v).ok()) {
        request = request.variables(Variables::from_json(variables));
    }
    let server = server();
    let response = server.runtime.block_on(server.schema.execute(request));
    let body = serde_json::to_string(&response).expect("a response serialises");
    assert!(!body.contains("\"INTERNAL\""), "{query:?} gave {body}");
});
