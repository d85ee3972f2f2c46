//! Issue 18, item 2: with the thin read path (SQLite) and on PostgreSQL, two server processes
//! on one database still see a revocation and a suspension made through the other at the
//! very next request, at every endpoint that reads a token.

use crate::common;

use common::TestServer;
use common::oauth::{access_token, error_code};

#[tokio::test]
async fn a_revocation_and_a_suspension_hold_at_once_on_the_other_instance() {
    let one = TestServer::spawn_process().await;
    let two = one.another_instance().await;
    let admin = one.admin().await;
    let app = one.oauth_app(&admin, "unified", &[("trusted", "on")]).await;

    // Revoked through one (RFC 7009) while the other has just read it.
    let token = access_token(one.client_credentials(&app).await).await;
    assert_eq!(two.me(&token).await.status(), 200);
    assert_eq!(two.introspect(&app, &token).await["active"], true);
    let revoked = one
        .app_post(
            "/oauth/revoke",
            format!(
                "token={token}&client_id={}&client_secret={}",
                app.key, app.secret
            ),
        )
        .await;
    assert_eq!(revoked.status(), 200);
    assert_eq!(two.me(&token).await.status(), 401);
    assert_eq!(two.introspect(&app, &token).await["active"], false);

    // Suspended through one: the other refuses the token, says it is inactive and issues
    // no new one; enabled again, the token works again.
    let token = access_token(two.client_credentials(&app).await).await;
    assert_eq!(one.me(&token).await.status(), 200);
    assert_eq!(one.set_suspended(&admin, &app.key, true).await, 200);
    assert_eq!(two.me(&token).await.status(), 401);
    assert_eq!(two.introspect(&app, &token).await["active"], false);
    assert_eq!(
        error_code(two.client_credentials(&app).await).await,
        (400, "unauthorized_client".into())
    );
    assert_eq!(one.set_suspended(&admin, &app.key, false).await, 200);
    assert_eq!(two.me(&token).await.status(), 200);
}
