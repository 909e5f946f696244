//! Fresh databases for tests (behind the `testing` feature).
//!
//! PostgreSQL needs `TEST_DATABASE_URL`, a server where the user may create databases;
//! `scripts/test` starts a throw-away cluster and sets it. Without it, PostgreSQL tests are
//! skipped with a notice, unless `TERTIAL_REQUIRE_POSTGRES=1` makes that an error.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::AnyPool;

use crate::Backend;

/// The URL of a new, empty database, or `None` if PostgreSQL is asked for but not available.
pub async fn fresh_database_url(backend: Backend) -> Option<String> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let pid = std::process::id();
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("tertial-test-{pid}"));
            std::fs::create_dir_all(&dir).ok()?;
            let path = dir.join(format!("db{n}.sqlite"));
            let _ = std::fs::remove_file(&path);
            Some(format!("sqlite:{}", path.display()))
        }
        Backend::Postgres => {
            let Ok(admin) = std::env::var("TEST_DATABASE_URL") else {
                assert!(
                    std::env::var("TERTIAL_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                    "TEST_DATABASE_URL is not set but TERTIAL_REQUIRE_POSTGRES=1"
                );
                eprintln!("skipped: set TEST_DATABASE_URL to run the PostgreSQL tests");
                return None;
            };
            sqlx::any::install_default_drivers();
            let pool = AnyPool::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("cannot connect to TEST_DATABASE_URL: {e}"));
            let name = format!("tertial_test_{pid}_{n}");
            for sql in [
                format!("DROP DATABASE IF EXISTS {name}"),
                format!("CREATE DATABASE {name}"),
            ] {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&pool)
                    .await
                    .unwrap_or_else(|e| panic!("cannot create a test database: {e}"));
            }
            pool.close().await;
            let (base, _) = admin.rsplit_once('/')?;
            Some(format!("{base}/{name}"))
        }
    }
}
