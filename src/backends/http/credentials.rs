//! A credentials provider for commands that need to sign but not the rest of
//! the AWS backend (`gatescope send`): the standard chain, with the
//! environment read first without building the chain, so a signed send
//! starts as fast as curl does.

use aws_config::Region;
use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::environment::credentials::EnvironmentVariableCredentialsProvider;
use aws_credential_types::provider::SharedCredentialsProvider;

/// The standard AWS credential chain (environment, profile, web identity,
/// container, instance metadata). `region` is used for role assumption
/// (STS) and spares the chain looking the region up itself.
pub(crate) async fn default_chain(
    profile: Option<&str>,
    region: Option<&str>,
) -> SharedCredentialsProvider {
    let env_has_keys = std::env::var_os("AWS_ACCESS_KEY_ID").is_some()
        && std::env::var_os("AWS_SECRET_ACCESS_KEY").is_some();
    // An explicit --profile wins over the environment, as in the AWS CLI.
    if profile.is_none() && env_has_keys {
        return SharedCredentialsProvider::new(EnvironmentVariableCredentialsProvider::new());
    }
    let mut builder = DefaultCredentialsChain::builder();
    if let Some(p) = profile {
        builder = builder.profile_name(p);
    }
    if let Some(r) = region {
        builder = builder.region(Region::new(r.to_string()));
    }
    SharedCredentialsProvider::new(builder.build().await)
}
