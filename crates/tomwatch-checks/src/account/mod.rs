pub mod account_environment_declared;
