pub mod audit;
pub mod checks;
pub mod config;
pub mod serve;
pub mod setup;
