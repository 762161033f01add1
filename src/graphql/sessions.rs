//! Signing in and out.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{actor, client_address, state};
use super::errors::GqlResult;
use super::people::Viewer;
use crate::services;
use crate::services::sessions::SignedIn;

/// A new session. Send the token as `Authorization: Bearer <token>`.
#[derive(SimpleObject)]
pub struct SignInPayload {
    /// The bearer token; keep it secret.
    pub token: String,
    /// The session ends at this time at the latest.
    pub expires_at: DateTime<Utc>,
    /// Who is now signed in.
    pub viewer: Viewer,
}

impl From<SignedIn> for SignInPayload {
    fn from(signed_in: SignedIn) -> Self {
        SignInPayload {
            viewer: (&signed_in.actor).into(),
            token: signed_in.token,
            expires_at: signed_in.expires_at,
        }
    }
}

#[derive(Default)]
pub struct SessionsMutation;

#[Object]
impl SessionsMutation {
    /// A child signs in with their class code and six-digit PIN.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn sign_in_child(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The code printed on the child's card.")] class_code: String,
        #[graphql(desc = "The child's six-digit PIN.")] pin: String,
    ) -> GqlResult<SignInPayload> {
        let signed_in =
            services::sessions::sign_in_child(state(ctx)?, &class_code, &pin, client_address(ctx)?)
                .await?;
        Ok(signed_in.into())
    }

    /// A child signs in with the token on their QR badge.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn sign_in_with_badge(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token read from the QR badge.")] token: String,
    ) -> GqlResult<SignInPayload> {
        let signed_in =
            services::sessions::sign_in_with_badge(state(ctx)?, &token, client_address(ctx)?)
                .await?;
        Ok(signed_in.into())
    }

    /// Staff sign in with username and password.
    #[graphql(complexity = "super::MUTATION_COST + child_complexity")]
    async fn sign_in_staff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The staff member's username.")] username: String,
        #[graphql(desc = "Their password.")] password: String,
    ) -> GqlResult<SignInPayload> {
        let signed_in = services::sessions::sign_in_staff(
            state(ctx)?,
            &username,
            &password,
            client_address(ctx)?,
        )
        .await?;
        Ok(signed_in.into())
    }

    /// Ends the current session.
    #[graphql(complexity = "super::MUTATION_COST")]
    async fn sign_out(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        services::sessions::sign_out(state(ctx)?, actor(ctx)).await?;
        Ok(true)
    }
}
