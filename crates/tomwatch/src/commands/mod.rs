pub mod audit;
pub mod checks;
pub mod config;
