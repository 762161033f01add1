//! A real Chromium driven through the DevTools protocol: pages are loaded, forms filled and
//! submitted, and screenshots written to `target/test-artefacts/<dir>/` for a person to look at.

use base64::Engine as _;
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub struct Browser {
    _process: tokio::process::Child,
    _profile: tempfile::TempDir,
    socket: Socket,
    next_id: u64,
    events: Vec<Value>,
    artefacts: std::path::PathBuf,
}

/// The Chromium on this machine, if there is one.
pub fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|name| {
        std::process::Command::new(name)
            .arg("--version")
            .output()
            .is_ok()
    })
}

impl Browser {
    /// A fresh browser (its own profile: no cookies), or None where there is no Chromium (the
    /// suite fails then when the services are required).
    pub async fn launch(artefacts: &str) -> Option<Browser> {
        let Some(chromium) = chromium() else {
            super::databases::skip_or_fail("chromium");
            return None;
        };
        let profile = tempfile::tempdir().unwrap();
        let mut process = tokio::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1366,768",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(process.stderr.take().unwrap()).lines();
        let port = tokio::time::timeout(Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(rest) = line.split("ws://127.0.0.1:").nth(1) {
                    return rest.split('/').next().map(str::to_owned);
                }
            }
            None
        })
        .await
        .ok()
        .flatten()
        .expect("Chromium said where its DevTools listen");
        // Keep reading its log so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let targets: Vec<Value> = reqwest::get(format!("http://127.0.0.1:{port}/json/list"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let page = targets
            .iter()
            .find(|t| t["type"] == "page")
            .expect("a page")["webSocketDebuggerUrl"]
            .as_str()
            .unwrap()
            .to_owned();
        let (socket, _) = tokio_tungstenite::connect_async(page).await.unwrap();
        let artefacts = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target/test-artefacts")
            .join(artefacts);
        std::fs::create_dir_all(&artefacts).unwrap();
        let mut browser = Browser {
            _process: process,
            _profile: profile,
            socket,
            next_id: 0,
            events: Vec::new(),
            artefacts,
        };
        browser.send("Page.enable", json!({})).await;
        browser.send("Runtime.enable", json!({})).await;
        Some(browser)
    }

    async fn read(&mut self) -> Value {
        let message = tokio::time::timeout(Duration::from_secs(30), self.socket.next())
            .await
            .expect("Chromium answers within 30 s")
            .expect("the DevTools socket is open")
            .unwrap();
        match message {
            Message::Text(text) => serde_json::from_str(&text).unwrap(),
            _ => Value::Null,
        }
    }

    /// Sends one DevTools command and waits for its result.
    pub async fn send(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let command = json!({ "id": id, "method": method, "params": params });
        self.socket
            .send(Message::Text(command.to_string().into()))
            .await
            .unwrap();
        loop {
            let message = self.read().await;
            if message["id"] == id {
                assert!(message["error"].is_null(), "{method}: {message}");
                return message["result"].clone();
            }
            if message["method"].is_string() {
                self.events.push(message);
            }
        }
    }

    async fn wait_for(&mut self, event: &str) {
        loop {
            if let Some(at) = self.events.iter().position(|e| e["method"] == event) {
                self.events.drain(..=at);
                return;
            }
            let message = self.read().await;
            if message["method"].is_string() {
                self.events.push(message);
            }
        }
    }

    /// Loads a page and waits until it has loaded.
    pub async fn goto(&mut self, url: &str) {
        self.events.clear();
        self.send("Page.navigate", json!({ "url": url })).await;
        self.wait_for("Page.loadEventFired").await;
    }

    /// Runs a script in the page; its value.
    pub async fn eval(&mut self, script: &str) -> Value {
        let result = self
            .send(
                "Runtime.evaluate",
                json!({ "expression": script, "returnByValue": true, "awaitPromise": true }),
            )
            .await;
        assert!(
            result["exceptionDetails"].is_null(),
            "{script}: {}",
            result["exceptionDetails"]
        );
        result["result"]["value"].clone()
    }

    /// Types into a field, as a person would leave it.
    pub async fn fill(&mut self, selector: &str, value: &str) {
        let script = format!(
            "(() => {{ const e = document.querySelector({}); e.value = {}; e.dispatchEvent(new Event('input', {{ bubbles: true }})); return true; }})()",
            json!(selector),
            json!(value)
        );
        assert_eq!(self.eval(&script).await, true, "{selector} is on the page");
    }

    /// Clicks, accepting any confirmation, and waits for the page it leads to.
    pub async fn click_and_wait(&mut self, selector: &str) {
        self.events.clear();
        let script = format!(
            "(() => {{ window.confirm = () => true; const e = document.querySelector({}); if (!e) return false; e.click(); return true; }})()",
            json!(selector)
        );
        assert_eq!(self.eval(&script).await, true, "{selector} is on the page");
        self.wait_for("Page.loadEventFired").await;
    }

    /// The page's address.
    pub async fn location(&mut self) -> String {
        self.eval("location.pathname + location.search")
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The page's text as a person reads it.
    pub async fn text(&mut self) -> String {
        self.eval("document.body.innerText")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The page's markup.
    pub async fn html(&mut self) -> String {
        self.eval("document.documentElement.outerHTML")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Screenshots at a school laptop's size and a phone's: `<name>-1366.png`, `<name>-390.png`.
    pub async fn screenshots(&mut self, name: &str) {
        for (width, height, mobile) in [(1366, 768, false), (390, 844, true)] {
            self.send(
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile }),
            )
            .await;
            let shot = self
                .send("Page.captureScreenshot", json!({ "format": "png" }))
                .await;
            let png = base64::engine::general_purpose::STANDARD
                .decode(shot["data"].as_str().unwrap())
                .unwrap();
            assert!(png.starts_with(b"\x89PNG"));
            std::fs::write(self.artefacts.join(format!("{name}-{width}.png")), png).unwrap();
        }
        self.send("Emulation.clearDeviceMetricsOverride", json!({}))
            .await;
    }

    /// Drags the mouse across the element from one point to another, each given as fractions of
    /// its width and height.
    pub async fn drag(&mut self, selector: &str, from: (f64, f64), to: (f64, f64)) {
        let rect = self
            .eval(&format!(
                "(() => {{ const e = document.querySelector({}); e.scrollIntoView({{ block: 'center' }}); const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; }})()",
                json!(selector)
            ))
            .await;
        let n = |i: usize| rect[i].as_f64().unwrap();
        let point = |(x, y): (f64, f64)| (n(0) + x * n(2), n(1) + y * n(3));
        let (a, b) = (point(from), point(to));
        for (kind, (x, y), buttons) in [
            ("mousePressed", a, 1),
            ("mouseMoved", ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0), 1),
            ("mouseMoved", b, 1),
            ("mouseReleased", b, 0),
        ] {
            self.send(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "buttons": buttons, "clickCount": 1 }),
            )
            .await;
        }
    }

    /// Sets the page to a phone's size (390×844) for what follows.
    pub async fn phone(&mut self) {
        self.send(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true }),
        )
        .await;
    }

    /// Cuts the network off, or gives it back, as a school's Wi-Fi does.
    pub async fn offline(&mut self, offline: bool) {
        self.send("Network.enable", json!({})).await;
        self.send(
            "Network.emulateNetworkConditions",
            json!({ "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 }),
        )
        .await;
    }

    /// Waits (up to 20 s) until a script in the page is true.
    pub async fn wait_until(&mut self, script: &str) {
        for _ in 0..100 {
            if self.eval(script).await == true {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        panic!("never true: {script}");
    }

    /// One screenshot at the size the page has now: `<name>.png`.
    pub async fn screenshot(&mut self, name: &str) {
        let shot = self
            .send("Page.captureScreenshot", json!({ "format": "png" }))
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        std::fs::write(self.artefacts.join(format!("{name}.png")), png).unwrap();
    }

    /// Presses a key, as a person at the keyboard would; with `navigates`, waits for the page it
    /// leads to.
    pub async fn press(&mut self, key: &str, navigates: bool) {
        self.events.clear();
        self.eval("window.confirm = () => true").await;
        for kind in ["keyDown", "keyUp"] {
            self.send(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": key, "text": if kind == "keyDown" { key } else { "" } }),
            )
            .await;
        }
        if navigates {
            self.wait_for("Page.loadEventFired").await;
        }
    }

    /// Chooses a file in a file field, as a person picking it would.
    pub async fn choose_file(&mut self, selector: &str, path: &std::path::Path) {
        let document = self.send("DOM.getDocument", json!({})).await;
        let root = document["root"]["nodeId"].clone();
        let node = self
            .send(
                "DOM.querySelector",
                json!({ "nodeId": root, "selector": selector }),
            )
            .await;
        self.send(
            "DOM.setFileInputFiles",
            json!({ "files": [path.display().to_string()], "nodeId": node["nodeId"] }),
        )
        .await;
    }

    /// The cookies the browser holds for `url`.
    pub async fn cookies(&mut self, url: &str) -> Vec<Value> {
        let result = self
            .send("Network.getCookies", json!({ "urls": [url] }))
            .await;
        result["cookies"].as_array().cloned().unwrap_or_default()
    }
}
