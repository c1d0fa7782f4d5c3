use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use piazza_db::audit::Actor;
use piazza_web::auth::store::{NewGrant, upsert_user};
use piazza_web::{AppConfig, AppState, refdata};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use tower::ServiceExt;

pub const PASSWORD: &str = "password-di-prova-1";

/// The roles the permission tests walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Anon,
    Viewer,
    Editor,
    Referente,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Anon,
        Role::Viewer,
        Role::Referente,
        Role::Editor,
        Role::Admin,
    ];
    pub fn email(self) -> &'static str {
        match self {
            Role::Anon => "",
            Role::Viewer => "viewer@test.it",
            Role::Editor => "editor@test.it",
            Role::Referente => "referente@test.it",
            Role::Admin => "admin@test.it",
        }
    }
}

fn shipped() -> &'static refdata::RefData {
    static DATA: OnceLock<refdata::RefData> = OnceLock::new();
    DATA.get_or_init(refdata::shipped)
}

fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password_auth::generate_hash(PASSWORD))
        .clone()
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Whether the test process that made a database (its name starts with the pid) has ended.
fn di_processo_finito(nome: &str, prefisso: &str) -> bool {
    nome.strip_prefix(prefisso)
        .and_then(|r| r.split('_').next())
        .and_then(|pid| pid.parse::<u32>().ok())
        .is_some_and(|pid| {
            pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        })
}

/// The databases of earlier test runs are removed by the next one (a run cannot remove its
/// own: the tests end without a hook), so that they do not pile up.
async fn pulisci_precedenti(admin: Option<&DatabaseConnection>) {
    static FATTO: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    FATTO
        .get_or_init(|| async {
            if let Some(admin) = admin {
                let nomi: Vec<String> = admin
                    .query_all_raw(Statement::from_string(
                        admin.get_database_backend(),
                        "SELECT datname FROM pg_database WHERE datname LIKE 'piazza_test_%'",
                    ))
                    .await
                    .map(|r| {
                        r.iter()
                            .filter_map(|r| r.try_get("", "datname").ok())
                            .collect()
                    })
                    .unwrap_or_default();
                for n in nomi
                    .iter()
                    .filter(|n| di_processo_finito(n, "piazza_test_"))
                {
                    let _ = admin
                        .execute_raw(Statement::from_string(
                            admin.get_database_backend(),
                            format!("DROP DATABASE IF EXISTS {n}"),
                        ))
                        .await;
                }
            } else if let Ok(voci) = std::fs::read_dir(std::env::temp_dir().join("piazza-tests")) {
                for v in voci.flatten() {
                    if di_processo_finito(&v.file_name().to_string_lossy(), "t") {
                        let _ = std::fs::remove_file(v.path());
                    }
                }
            }
        })
        .await;
}

/// A fresh, migrated database: a temporary SQLite file, or a new PostgreSQL database.
pub async fn fresh_db() -> DatabaseConnection {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let tag = format!("{}_{}_{}", std::process::id(), n, rand_suffix());
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let admin = piazza_db::connect(&url)
                .await
                .expect("connect to TEST_DATABASE_URL");
            pulisci_precedenti(Some(&admin)).await;
            let name = format!("piazza_test_{tag}");
            admin
                .execute_raw(Statement::from_string(
                    admin.get_database_backend(),
                    format!("CREATE DATABASE {name}"),
                ))
                .await
                .expect("create test database");
            admin.close().await.ok();
            let (base, _) = url
                .rsplit_once('/')
                .expect("database URL with a database name");
            let db = piazza_db::connect(&format!("{base}/{name}"))
                .await
                .expect("connect to test database");
            piazza_db::migrate(&db).await.expect("migrate");
            db
        }
        _ => {
            pulisci_precedenti(None).await;
            let dir = std::env::temp_dir().join("piazza-tests");
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("t{tag}.db"));
            let db = piazza_db::connect(&format!("sqlite://{}?mode=rwc", path.display()))
                .await
                .expect("connect sqlite");
            piazza_db::migrate(&db).await.expect("migrate");
            db
        }
    }
}

fn rand_suffix() -> u32 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}

pub struct TestApp {
    pub db: DatabaseConnection,
    pub state: AppState,
    pub router: Router,
    cookies: std::sync::Mutex<std::collections::HashMap<Role, String>>,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}

impl TestApp {
    pub async fn new() -> Arc<Self> {
        Self::with_config(AppConfig::default()).await
    }

    /// Territory loaded, one user per role (the referente is referente of Firenze).
    pub async fn with_config(config: AppConfig) -> Arc<Self> {
        let db = fresh_db().await;
        refdata::load(&db, &Actor::system("test"), "09", shipped())
            .await
            .expect("load territory");
        let g = |ruolo: &str, modulo: Option<&str>, comune: Option<&str>| NewGrant {
            ruolo: ruolo.into(),
            modulo: modulo.map(Into::into),
            comune_istat: comune.map(Into::into),
        };
        let actor = Actor::system("test");
        let hash = password_hash();
        upsert_user(
            &db,
            &actor,
            Role::Viewer.email(),
            "Viewer",
            hash.clone(),
            &[
                g("viewer", Some("anagrafica"), None),
                g("viewer", Some("progetti"), None),
                g("viewer", Some("allerte"), None),
                g("viewer", Some("eventi"), None),
            ],
        )
        .await
        .unwrap();
        upsert_user(
            &db,
            &actor,
            Role::Editor.email(),
            "Editor",
            hash.clone(),
            &[
                g("editor", Some("anagrafica"), None),
                g("editor", Some("territorio"), None),
                g("editor", Some("piano"), None),
                g("editor", Some("progetti"), None),
                g("editor", Some("allerte"), None),
                g("editor", Some("eventi"), None),
            ],
        )
        .await
        .unwrap();
        upsert_user(
            &db,
            &actor,
            Role::Referente.email(),
            "Referente",
            hash.clone(),
            &[g("referente", None, Some("048017"))],
        )
        .await
        .unwrap();
        upsert_user(
            &db,
            &actor,
            Role::Admin.email(),
            "Admin",
            hash,
            &[g("admin", None, None)],
        )
        .await
        .unwrap();
        let state = AppState::new(db.clone(), config).await.expect("state");
        let router = piazza_web::router(state.clone());
        Arc::new(Self {
            db,
            state,
            router,
            cookies: Default::default(),
        })
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self.router.clone().oneshot(req).await.expect("router");
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Resp {
            status,
            headers,
            body,
        }
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        cookie: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Request<Body> {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        b.body(Body::from(body)).unwrap()
    }

    /// Logs in (once per role) and returns the session cookie.
    pub async fn login(&self, role: Role) -> Option<String> {
        if role == Role::Anon {
            return None;
        }
        if let Some(c) = self.cookies.lock().unwrap().get(&role) {
            return Some(c.clone());
        }
        let body = format!(
            "email={}&password={PASSWORD}&next=%2F",
            role.email().replace('@', "%40")
        );
        let r = self
            .send(self.request(
                Method::POST,
                "/login",
                None,
                Some("application/x-www-form-urlencoded"),
                body.into_bytes(),
            ))
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login of {role:?} failed: {}",
            r.text()
        );
        let cookie = session_cookie(&r.headers).expect("session cookie after login");
        self.cookies.lock().unwrap().insert(role, cookie.clone());
        Some(cookie)
    }

    pub async fn get(&self, role: Role, path: &str) -> Resp {
        let cookie = self.login(role).await;
        self.send(self.request(Method::GET, path, cookie.as_deref(), None, Vec::new()))
            .await
    }

    pub async fn post_form(&self, role: Role, path: &str, body: &str) -> Resp {
        let cookie = self.login(role).await;
        self.send(self.request(
            Method::POST,
            path,
            cookie.as_deref(),
            Some("application/x-www-form-urlencoded"),
            body.as_bytes().to_vec(),
        ))
        .await
    }

    pub async fn post_json(&self, role: Role, path: &str, body: &str) -> Resp {
        let cookie = self.login(role).await;
        self.send(self.request(
            Method::POST,
            path,
            cookie.as_deref(),
            Some("application/json"),
            body.as_bytes().to_vec(),
        ))
        .await
    }

    pub async fn post_file(
        &self,
        role: Role,
        path: &str,
        field: &str,
        filename: &str,
        content: &[u8],
    ) -> Resp {
        self.post_multipart(role, path, &[(field, Some(filename), content)])
            .await
    }

    /// A multipart form: (field, file name for a file field, content).
    pub async fn post_multipart(
        &self,
        role: Role,
        path: &str,
        fields: &[(&str, Option<&str>, &[u8])],
    ) -> Resp {
        let cookie = self.login(role).await;
        let boundary = "----piazzatestboundary";
        let mut body = Vec::new();
        for (field, filename, content) in fields {
            let disposition = match filename {
                Some(f) => format!(
                    "form-data; name=\"{field}\"; filename=\"{f}\"\r\nContent-Type: text/plain"
                ),
                None => format!("form-data; name=\"{field}\""),
            };
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.send(self.request(
            Method::POST,
            path,
            cookie.as_deref(),
            Some(&format!("multipart/form-data; boundary={boundary}")),
            body,
        ))
        .await
    }

    pub async fn count(&self, table: &str) -> i64 {
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }
}

pub fn session_cookie(h: &HeaderMap) -> Option<String> {
    h.get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("piazza_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

/// Raw bytes of a file in the project's `data/` folder.
pub fn data_file(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data")
            .join(name),
    )
    .expect("data file")
}

/// Whether `h` has the security headers of every response (HSTS too when `https`): the
/// name of the first missing or wrong one otherwise.
pub fn protezioni(h: &HeaderMap, https: bool) -> Result<(), String> {
    let v = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    let csp = v("content-security-policy");
    for d in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    ] {
        if !csp.contains(d) {
            return Err(format!("Content-Security-Policy without {d}: «{csp}»"));
        }
    }
    if csp.contains("unsafe-inline") || csp.contains("unsafe-eval") {
        return Err(format!(
            "Content-Security-Policy allows inline code: «{csp}»"
        ));
    }
    for (n, atteso) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
    ] {
        if v(n) != atteso {
            return Err(format!("{n}: «{}»", v(n)));
        }
    }
    if !v("permissions-policy").contains("camera=()") {
        return Err("no Permissions-Policy".into());
    }
    match (https, v("strict-transport-security")) {
        (true, s) if !s.contains("max-age=31536000") => Err(format!("HSTS: «{s}»")),
        (false, s) if !s.is_empty() => Err(format!("HSTS over plain http: «{s}»")),
        _ => Ok(()),
    }
}

/// The configuration of tests whose push service listens on loopback.
pub fn con_push_loopback() -> AppConfig {
    let mut c = AppConfig::default();
    c.allerte.push_loopback = true;
    c
}
