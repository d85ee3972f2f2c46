//! Two server processes on one database (PostgreSQL in the PostgreSQL run, one SQLite file
//! otherwise), as behind a load balancer: what is done on one holds on the other at the very
//! next request ("at once, on every instance").

use crate::common;

use common::TestServer;
use common::oauth::{access_token, error_code};

#[tokio::test]
async fn what_one_instance_does_the_other_enforces_at_once() {
    let one = TestServer::spawn_process().await;
    let two = one.another_instance().await;
    // Cookies are not bound to a port: one browser, signed in once, talks to both.
    let admin = one.admin().await;
    let app = one.oauth_app(&admin, "unified", &[("trusted", "on")]).await;
    let key = app.key.as_str();

    // A token issued on one works on the other.
    let token = access_token(one.client_credentials(&app).await).await;
    assert_eq!(two.me(&token).await.status(), 200);

    // Suspension on one: refused on the other; reactivation: accepted again.
    let suspend = [("key", key), ("suspended", "true")];
    assert_eq!(
        one.call(&admin, "set_app_status", &suspend).await.status(),
        200
    );
    assert_eq!(two.me(&token).await.status(), 401);
    let reactivate = [("key", key), ("suspended", "false")];
    assert_eq!(
        one.call(&admin, "set_app_status", &reactivate)
            .await
            .status(),
        200
    );
    assert_eq!(two.me(&token).await.status(), 200);

    // Removing one's tokens on one: refused on the other.
    let remove = [("key", key), ("all", "true")];
    let removed = one.call(&admin, "remove_access_tokens", &remove).await;
    assert_eq!(removed.status(), 200);
    assert_eq!(two.me(&token).await.status(), 401);

    // Regenerating the secret on one: the other refuses the tokens and the old secret.
    let token = access_token(two.client_credentials(&app).await).await;
    assert_eq!(one.me(&token).await.status(), 200);
    let regenerated = one
        .call(&admin, "regenerate_app_secret", &[("key", key)])
        .await;
    assert_eq!(regenerated.status(), 200);
    assert_eq!(two.me(&token).await.status(), 401);
    assert_eq!(
        error_code(two.client_credentials(&app).await).await,
        (401, "invalid_client".into())
    );

    // Signing out on one ends the session on the other.
    let browser = one.admin().await;
    assert_eq!(
        two.call(&browser, "current_account", &[]).await.status(),
        200
    );
    assert_eq!(one.call(&browser, "sign_out", &[]).await.status(), 200);
    assert_eq!(
        two.call(&browser, "current_account", &[]).await.status(),
        401
    );
}
