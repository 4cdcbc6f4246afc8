//! Operations: what a command does, as library calls that take a warehouse, the rules and typed options, compute
//! what they need and return typed results. Commands parse flags, call one operation and print; the metric modules
//! they call stay pure.

pub mod balance;
pub mod evaluate;
