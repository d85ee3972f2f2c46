//! Issue 18, item 4: the background purge removes grants that can no longer be used (both
//! tokens expired, or issued under an older secret) and nothing else, in bounded batches.

use crate::common;

use appward::infra::entities::{account, app, retired_refresh, token_grant};
use appward::oauth::housekeeping::{PURGE_BATCH, purge};
use common::TestServer;
use common::oauth::access_token;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

fn grant(
    now: i64,
    app: &app::Model,
    account_id: i64,
    name: &str,
    access_expires_at: i64,
    refresh_expires_at: Option<i64>,
) -> token_grant::ActiveModel {
    token_grant::ActiveModel {
        app_id: Set(app.id),
        account_id: Set(account_id),
        kind: Set(if refresh_expires_at.is_some() {
            "authorization_code".into()
        } else {
            "client_credentials".into()
        }),
        access_hash: Set(format!("access {name}")),
        access_expires_at: Set(access_expires_at),
        refresh_hash: Set(refresh_expires_at.map(|_| format!("refresh {name}"))),
        refresh_expires_at: Set(refresh_expires_at),
        created_at: Set(now - 7200),
        last_used_at: Set(now - 7200),
        user_agent: Set("purge test".into()),
        client_addr: Set("127.0.0.1".into()),
        secret_generation: Set(app.secret_generation),
        trust_generation: Set(app.trust_generation),
        ..Default::default()
    }
}

/// The Administrator's account id.
async fn admin_id(test: &TestServer) -> i64 {
    account::Entity::find()
        .filter(account::Column::Login.eq("admin"))
        .one(&test.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn remaining(test: &TestServer) -> Vec<String> {
    let mut hashes: Vec<String> = token_grant::Entity::find()
        .all(&test.db)
        .await
        .unwrap()
        .into_iter()
        .map(|grant| grant.access_hash)
        .filter(|hash| !hash.starts_with("bulk "))
        .collect();
    hashes.sort();
    hashes
}

#[tokio::test]
async fn the_purge_removes_what_expired_and_nothing_else() {
    let test = TestServer::spawn().await;
    let now = appward::infra::now();
    let admin = test.admin().await;
    let client = test
        .oauth_app(&admin, "unified", &[("trusted", "on")])
        .await;
    let other = test.oauth_app(&admin, "unified", &[]).await;
    // A real token, issued through the endpoint: live, it stays.
    let token = access_token(test.client_credentials(&client).await).await;
    let find = |key: String| {
        let db = test.db.clone();
        async move {
            app::Entity::find()
                .filter(app::Column::Key.eq(key))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let (trusted, untrusted) = (
        find(client.key.clone()).await,
        find(other.key.clone()).await,
    );
    let admin_id = admin_id(&test).await;
    // Kept: anything with a token still unexpired, even on a suspended App.
    for (name, access, refresh) in [
        ("live access", now + 60, None),
        ("live access and refresh", now + 60, Some(now + 86_400)),
        ("expired access, live refresh", now - 60, Some(now + 86_400)),
        ("expires this very second", now + 1, None),
    ] {
        grant(now, &trusted, admin_id, name, access, refresh)
            .insert(&test.db)
            .await
            .unwrap();
    }
    // Gone: every token expired (`<= now`), or issued under an older secret generation.
    for (name, access, refresh) in [
        ("expired access", now - 60, None),
        ("expired at this second", now, None),
        ("expired access and refresh", now - 60, Some(now - 1)),
    ] {
        grant(now, &untrusted, admin_id, name, access, refresh)
            .insert(&test.db)
            .await
            .unwrap();
    }
    let mut old_secret = grant(now, &trusted, admin_id, "older secret", now + 60, None);
    old_secret.secret_generation = Set(trusted.secret_generation - 1);
    old_secret.insert(&test.db).await.unwrap();
    // More than one batch of expired grants.
    let bulk = PURGE_BATCH as usize * 2 + 7;
    for n in 0..bulk {
        grant(
            now,
            &untrusted,
            admin_id,
            &format!("bulk {n}"),
            now - 1,
            None,
        )
        .insert(&test.db)
        .await
        .unwrap();
    }
    let kept_grant = token_grant::Entity::find()
        .filter(token_grant::Column::AccessHash.eq("access expired access, live refresh"))
        .one(&test.db)
        .await
        .unwrap()
        .unwrap();
    for (hash, expires_at) in [("retired, expired", now - 1), ("retired, live", now + 60)] {
        retired_refresh::ActiveModel {
            refresh_hash: Set(hash.into()),
            grant_id: Set(kept_grant.id),
            expires_at: Set(expires_at),
        }
        .insert(&test.db)
        .await
        .unwrap();
    }

    let purged = purge(&test.db, now).await.unwrap();

    assert_eq!(purged, bulk as u64 + 4);
    let mut kept = remaining(&test).await;
    kept.retain(|hash| hash.starts_with("access "));
    assert_eq!(
        kept,
        [
            "access expired access, live refresh",
            "access expires this very second",
            "access live access",
            "access live access and refresh",
        ]
    );
    assert_eq!(test.count::<token_grant::Entity>().await, 5);
    let retired: Vec<String> = retired_refresh::Entity::find()
        .all(&test.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.refresh_hash)
        .collect();
    assert_eq!(retired, ["retired, live"]);
    assert_eq!(test.me(&token).await.status(), 200);
}

#[tokio::test]
async fn sessions_idle_past_their_lifetime_are_purged_and_live_ones_kept() {
    use appward::infra::entities::session;
    use appward::oauth::housekeeping::purge_sessions;
    let test = TestServer::spawn().await;
    let now = appward::infra::now();
    let live = test.admin().await;
    let admin_id = admin_id(&test).await;
    // More than one batch of sessions idle for a day, as browsers that never came back leave.
    let idle = PURGE_BATCH as usize + 5;
    for n in 0..idle {
        session::ActiveModel {
            id_hash: Set(format!("idle session {n}")),
            account_id: Set(admin_id),
            created_at: Set(now - 86_400),
            last_seen_at: Set(now - 86_400),
            from_portal: Set(false),
        }
        .insert(&test.db)
        .await
        .unwrap();
    }
    let purged = purge_sessions(&test.db, now - 8 * 3600).await.unwrap();
    assert_eq!(purged, idle as u64);
    assert_eq!(
        test.count::<session::Entity>().await,
        1,
        "the live session stays"
    );
    let still = test.call(&live, "current_account", &[]).await;
    assert_eq!(
        still.status(),
        200,
        "the live session still signs its browser in"
    );
}
